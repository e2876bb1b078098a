// Errors a person can act on. Every case names the file; SQLite codes never leak out.
import Foundation
import GRDB
import TrustCore

public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A reader (or `trustctl answer`) found no ledger file.
    case missing(path: String)
    /// A SQLite file that some other program wrote (no trustd `application_id`). Left untouched.
    case notATrustStore(path: String)
    /// Not a SQLite database at all, or its header is damaged. Left untouched.
    case notADatabase(path: String)
    /// SQLite reports corruption. Left untouched: never overwritten, never "repaired".
    case corrupt(path: String, detail: String)
    /// A writer's check before its first write (`PRAGMA quick_check`) found damaged pages
    /// (`problems`: the first few lines SQLite gave). Refused, nothing written: the file is left
    /// byte-for-byte as it was, for `trustctl verify` and `export` to save what can be read.
    case damaged(path: String, problems: [String])
    /// Written by a newer trustd (schema `found` > `supported`): refused, never migrated down.
    case newerSchema(path: String, found: Int, supported: Int)
    /// Written by an older trustd and opened read-only, so it cannot be upgraded here.
    case olderSchema(path: String, found: Int, supported: Int)
    /// A write could not be made: the file, its directory or the file system is read-only
    /// (`reason` says which). Nothing was recorded.
    case readOnly(path: String, reason: String)
    /// The disk (or a size limit) is full. Nothing was recorded.
    case diskFull(path: String, freeBytes: Int64?)
    /// The file or its directory cannot be opened (permissions, a missing parent, …).
    case cannotOpen(path: String, reason: String)
    /// Another process held the ledger longer than the busy timeout.
    case busy(path: String, seconds: Double)
    /// No occurrence with this id.
    case noSuchOccurrence(CheckInID)
    /// The ledger has no check-in of this item; `known` lists the items it has.
    case unknownItem(ItemID, known: [ItemID])
    /// Every check-in of the item up to `asOf` is answered; `latest` is the newest one, if any.
    case nothingOpen(ItemID, latest: CheckIn?)
    /// The check-in was voided by a clock correction (entered for an instant that had not come);
    /// it takes no answer.
    case voided(CheckIn)
    /// Any other SQLite or I/O failure, with its message.
    case io(path: String, detail: String)

    public var description: String {
        switch self {
        case .missing(let path):
            return "no ledger yet at \(path); trustd creates it when it first runs (systemctl --user status trustd)"
        case .notATrustStore(let path):
            return "\(path) is a SQLite database but not a trustd ledger; it was left untouched (pass --store with the right file)"
        case .notADatabase(let path):
            return "\(path) is not a SQLite database or its header is damaged; it was left untouched (restore it from a backup, or move it away and let trustd start a new ledger)"
        case .corrupt(let path, let detail):
            return "the ledger \(path) is corrupt (\(detail)); it was left untouched: copy it somewhere safe, then try `sqlite3 \(path) .recover` on the copy, or restore a backup"
        case .damaged(let path, let problems):
            // quick_check's rows may hold several lines each, under a "*** in database main ***" title.
            let lines = problems.flatMap { $0.split(separator: "\n").map(String.init) }.filter { !$0.hasPrefix("***") }
            let what = lines.prefix(3).joined(separator: "; ") + (lines.count > 3 ? "; … \(lines.count - 3) more" : "")
            return """
                the ledger \(path) is damaged (SQLite's quick_check: \(what)); nothing was written to it and it was \
                left byte-for-byte as it was. To recover: `trustctl verify --store \(path)` shows what is damaged; \
                `trustctl export --store \(path)` saves the check-ins when their pages are intact; then move the file \
                away and restore your backup, or try `sqlite3 COPY .recover` on a copy (trustd starts a new ledger \
                when there is none)
                """
        case .newerSchema(let path, let found, let supported):
            return "the ledger \(path) was written by a newer trustd (schema \(found); this one knows up to \(supported)); refusing to use it: update trustd"
        case .olderSchema(let path, let found, let supported):
            return "the ledger \(path) has schema \(found) from an older trustd; this one needs \(supported): start trustd (or record an answer) once to upgrade it"
        case .readOnly(let path, let reason):
            return "cannot write the ledger \(path): \(reason)"
        case .diskFull(let path, let free):
            let freeText = free.map { ", \($0 / 1024) KiB free" } ?? ""
            return "cannot write the ledger \(path): the disk is full\(freeText); nothing was recorded: free some space and try again"
        case .cannotOpen(let path, let reason):
            return "cannot open the ledger \(path): \(reason)"
        case .busy(let path, let seconds):
            return "the ledger \(path) stayed locked by another process for \(Int(seconds)) s; try again (is a `sqlite3` shell holding a transaction open?)"
        case .noSuchOccurrence(let id):
            return "no occurrence #\(id) in the ledger (see `trustctl pending` or `trustctl history`)"
        case .unknownItem(let item, let known):
            let list = known.isEmpty ? "the ledger has no check-ins yet" : "items in the ledger: " + known.map(\.rawValue).joined(separator: ", ")
            return "no check-in of '\(item)' in the ledger; \(list)"
        case .nothingOpen(let item, let latest):
            guard let latest else {
                return "no check-in of '\(item)' is due yet (see `trustctl pending`)"
            }
            return "no open check-in of '\(item)'; the latest (#\(latest.id), \(latest.day)) is \(latest.state.rawValue): to change it, pass --occurrence \(latest.id)"
        case .voided(let o):
            return "check-in #\(o.id) (\(o.item), \(o.day)) was voided by a clock correction: it was entered while the clock was ahead, for an instant that had not come; nothing was recorded (answer the check-in entered when its time came: trustctl pending, trustctl history \(o.item))"
        case .io(let path, let detail):
            return "ledger \(path): \(detail)"
        }
    }

    /// Whether the failure means a write was refused (nothing recorded) because of the file system.
    public var isWriteRefusal: Bool {
        switch self {
        case .readOnly, .diskFull, .busy: true
        default: false
        }
    }
}

extension StoreError {
    /// Turns any error thrown inside a database access into a `StoreError` naming `path`.
    static func wrap(_ error: any Error, path: String, busyTimeout: Double) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let db = error as? DatabaseError else { return .io(path: path, detail: "\(error)") }
        let message = db.message ?? "\(db.resultCode)"
        switch db.resultCode {
        case .SQLITE_NOTADB:
            return StoreError.notADatabase(path: path)
        case .SQLITE_CORRUPT:
            return StoreError.corrupt(path: path, detail: message)
        case .SQLITE_FULL:
            return StoreError.diskFull(path: path, freeBytes: FileSystem.freeBytes(near: path))
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            return StoreError.readOnly(path: path, reason: FileSystem.whyNotWritable(path) ?? message)
        case .SQLITE_CANTOPEN:
            if let why = FileSystem.whyNotWritable(path) { return StoreError.readOnly(path: path, reason: why) }
            return StoreError.cannotOpen(path: path, reason: message)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError.busy(path: path, seconds: busyTimeout)
        case .SQLITE_IOERR:
            if let why = FileSystem.whyNotWritable(path) { return StoreError.readOnly(path: path, reason: why) }
            if let free = FileSystem.freeBytes(near: path), free < 64 * 1024 {
                return StoreError.diskFull(path: path, freeBytes: free)
            }
            return StoreError.io(path: path, detail: "I/O error: \(message)")
        default:
            return StoreError.io(path: path, detail: message)
        }
    }
}
