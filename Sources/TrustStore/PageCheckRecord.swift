// The writers' memory of their page check (issue 15): `PRAGMA quick_check` reads every page of
// the ledger before a writer's first write (issue 11), the bulk of a `trustctl answer` on a
// ten-year ledger. A small file beside the ledger, `ledger.sqlite-checked` (0600), says which
// version of the file was last found sound; a writer that finds the file still exactly that
// version skips the check. Writers carry the record forward over their own writes.
import Foundation
import GRDB
import GRDBSQLite

/// "The ledger file, as it was in this state, was sound": written by a writer after its
/// `quick_check` passed, and after each of its own writes that changed the file (from a state
/// the record vouched for). Any other change to the file (a stray write, a copy over it, a `touch`)
/// leaves the record describing another version: the next writer checks again.
///
/// What it cannot see: damage that changes no stat field (a failing disk returning other bytes),
/// and a foreign write that keeps the size and lands within the same tick of the kernel's file-time
/// clock (a few milliseconds) as the file's last recorded change. Hence `maxAge`: the pages are
/// checked again at least that often whatever the record says. The ledger's write-ahead log is
/// not recorded: its frames carry checksums, and SQLite ignores frames that do not match.
struct PageCheckRecord: Equatable, Sendable {
    /// The ledger file's identity when it was found (or kept) sound.
    var file: FileSystem.Identity
    /// SQLite's file change counter (header bytes 24–27).
    var changeCounter: UInt32
    /// When `quick_check` last actually ran and passed (seconds since 1970): carried forward by
    /// the writers' own writes, so `maxAge` counts from the check itself.
    var checkedAt: Int64

    /// A check older than this is run again, whatever the record says.
    static let maxAge: TimeInterval = 24 * 3600
    static let magic = "trustd-page-check 1"

    static func path(for ledger: String) -> String { ledger + "-checked" }

    /// The ledger's state now (identity and change counter), or nil when it cannot be read. The
    /// header is read through `db`'s own descriptor of the file (`SQLITE_FCNTL_FILE_POINTER`),
    /// never by opening the file: SQLite's locks are POSIX record locks owned by the process, and
    /// closing any other descriptor of the ledger in this process would drop every one of them —
    /// another process would then take itself for the last connection, checkpoint and remove the
    /// write-ahead log this process still writes to, and those answers would be lost to everyone
    /// else (sqlite.org/howtocorrupt.html, 2.2; `ProcessLockTests`).
    static func observe(_ ledger: String, through db: Database) -> (FileSystem.Identity, UInt32)? {
        guard let identity = FileSystem.identity(ledger), let header = fileHeader(db, offset: 24, count: 4) else {
            return nil
        }
        let counter = header.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return (identity, counter)
    }

    /// `count` bytes of the main database file at `offset`, read with SQLite's own file handle
    /// (the file itself, not the write-ahead log); nil when the file is shorter or unreadable.
    private static func fileHeader(_ db: Database, offset: Int64, count: Int) -> [UInt8]? {
        var file: UnsafeMutablePointer<sqlite3_file>?
        guard sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK,
            let file, let read = file.pointee.pMethods?.pointee.xRead
        else { return nil }
        var bytes = [UInt8](repeating: 0, count: count)
        let rc = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress, Int32(count), offset) }
        return rc == SQLITE_OK ? bytes : nil
    }

    /// The record beside `ledger`, or nil when there is none or it does not parse.
    static func read(for ledger: String) -> PageCheckRecord? {
        guard let bytes = FileSystem.readBytes(path(for: ledger), count: 512),
            let text = String(bytes: bytes, encoding: .utf8)
        else { return nil }
        return PageCheckRecord(text: text)
    }

    /// The record, if it vouches for `ledger` as it is now and its check is younger than `maxAge`.
    static func vouching(for ledger: String, through db: Database, now: Date) -> PageCheckRecord? {
        guard let record = read(for: ledger), let (file, counter) = observe(ledger, through: db),
            record.file == file, record.changeCounter == counter
        else { return nil }
        let age = now.timeIntervalSince1970 - Double(record.checkedAt)
        guard age >= 0, age <= maxAge else { return nil }
        return record
    }

    /// Writes the record beside `ledger` (0600); a failure only means the next writer checks.
    func write(for ledger: String) {
        FileSystem.replaceUnsynced(Self.path(for: ledger), with: text)
    }

    var text: String {
        "\(Self.magic) device=\(file.device) inode=\(file.inode) size=\(file.size) modified=\(file.modified) "
            + "changed=\(file.changed) counter=\(changeCounter) checked=\(checkedAt)\n"
    }

    init(file: FileSystem.Identity, changeCounter: UInt32, checkedAt: Int64) {
        self.file = file
        self.changeCounter = changeCounter
        self.checkedAt = checkedAt
    }

    /// Parses `text`; nil unless it is exactly one complete record (a torn write is no record).
    init?(text: String) {
        guard text.hasPrefix(Self.magic + " "), text.hasSuffix("\n") else { return nil }
        var fields: [String: Substring] = [:]
        for pair in text.dropFirst(Self.magic.count + 1).dropLast().split(separator: " ") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, fields.updateValue(kv[1], forKey: String(kv[0])) == nil else { return nil }
        }
        guard fields.count == 7,
            let device = fields["device"].flatMap({ UInt64($0) }), let inode = fields["inode"].flatMap({ UInt64($0) }),
            let size = fields["size"].flatMap({ Int64($0) }), let modified = fields["modified"].flatMap({ Int64($0) }),
            let changed = fields["changed"].flatMap({ Int64($0) }), let counter = fields["counter"].flatMap({ UInt32($0) }),
            let checked = fields["checked"].flatMap({ Int64($0) })
        else { return nil }
        self.init(
            file: FileSystem.Identity(device: device, inode: inode, size: size, modified: modified, changed: changed),
            changeCounter: counter, checkedAt: checked)
    }
}

/// A writer's side of the record: observes the file before each of its write transactions (under
/// the write lock) and, when the write changed the file and the record vouched for the state it
/// started from, records the new state as sound. Thread-safe: no state of its own.
struct PageCheckKeeper: Sendable {
    let ledger: String

    /// The file's state before a write (call with the write lock held).
    func before(_ db: Database) -> (FileSystem.Identity, UInt32)? { PageCheckRecord.observe(ledger, through: db) }

    /// After the write committed: carries the record forward to the new state when it vouched
    /// for `before` (nothing else changed the file meanwhile).
    func after(_ db: Database, _ before: (FileSystem.Identity, UInt32)?) {
        guard let before, let now = PageCheckRecord.observe(ledger, through: db), now != before,
            var record = PageCheckRecord.read(for: ledger), record.file == before.0, record.changeCounter == before.1
        else { return }
        record.file = now.0
        record.changeCounter = now.1
        record.write(for: ledger)
    }
}
