// Opening the ledger file safely: private permissions for a new file, and the file's identity
// checked read-only before anything is written (a file that is not SQLite, is corrupt, belongs to
// another program or was written by a newer trustd is refused and left byte-for-byte untouched).
// A writer's page check is skipped when the file is the version the last check found sound
// (PageCheckRecord).
import Foundation
import GRDB
import TrustCore

/// The ledger file on disk, opened as a GRDB `DatabasePool` for `TrustStore`.
enum LedgerFile {
    typealias Mode = TrustStore.Mode
    static let busyTimeout = TrustStore.busyTimeout

    /// Wait for a lock by polling every millisecond up to `busyTimeout`. SQLite's own timeout
    /// handler backs off to 100 ms sleeps, and a waiting `trustctl answer` can then starve behind
    /// a writer that commits back to back; polling at 1 ms gets it in within milliseconds.
    static let busyMode = Database.BusyMode.callback { tries in
        guard tries < Int(busyTimeout * 1000) else { return false }
        usleep(1000)
        return true
    }

    /// Checks the file at `path` and opens it (creating it, 0600 in a 0700 directory, with `.create`).
    static func open(path: String, mode: Mode) throws(StoreError) -> DatabasePool {
        let directory = (path as NSString).deletingLastPathComponent

        var fresh = false
        switch mode {
        case .create:
            if !directory.isEmpty { try FileSystem.makePrivateDirectory(directory) }
            fresh = try FileSystem.createPrivateFile(path)
        case .readWrite, .readOnly:
            guard FileSystem.exists(path) else { throw .missing(path: path) }
        }
        guard FileSystem.isRegularFile(path) else {
            throw .cannotOpen(path: path, reason: "not a regular file")
        }

        if !fresh && (FileSystem.size(path) ?? 0) == 0 && mode != .create { throw .missing(path: path) }
        do {
            return try Self.openChecked(location: path, path: path, mode: mode, fresh: fresh)
        } catch let error where mode == .readOnly && Self.needsImmutableOpen(path, after: error) {
            // A reader in a directory it cannot write (a backup on read-only media, another
            // user's ledger): without -wal/-shm files SQLite cannot set up WAL reading. Nobody
            // can be writing there either (a writer needs those files), so read it as immutable.
            return try Self.openChecked(location: Self.immutableURI(path), path: path, mode: mode, fresh: false)
        }
    }

    /// Checks the file's identity (read-only) and opens the pool on `location` (a path or a URI).
    private static func openChecked(location: String, path: String, mode: Mode, fresh: Bool) throws(StoreError) -> DatabasePool {
        if !fresh && (FileSystem.size(path) ?? 0) > 0 {
            // A writer checks the pages too before its first write: writing into a damaged file
            // can spread the damage (a B-tree page rewritten from garbage).
            switch try probe(location: location, path: path, checkPages: mode != .readOnly) {
            case .empty:
                if mode != .create { throw .missing(path: path) }
            case .trustStore(let version):
                if version > Schema.version {
                    throw .newerSchema(path: path, found: version, supported: Schema.version)
                }
                if version < Schema.version && mode == .readOnly {
                    throw .olderSchema(path: path, found: version, supported: Schema.version)
                }
            }
        }
        var config = Configuration()
        config.busyMode = busyMode
        config.readonly = mode == .readOnly
        config.label = "trustd-ledger"
        config.foreignKeysEnabled = true
        do {
            return try DatabasePool(path: location, configuration: config)
        } catch {
            throw StoreError.wrap(error, path: path, busyTimeout: busyTimeout)
        }
    }

    private static func needsImmutableOpen(_ path: String, after error: StoreError) -> Bool {
        switch error {
        case .readOnly, .cannotOpen:
            let directory = (path as NSString).deletingLastPathComponent
            return !FileSystem.isWritable(directory.isEmpty ? "." : directory) && !FileSystem.exists(path + "-wal")
        default:
            return false
        }
    }

    /// `file:/path?immutable=1` (SQLite is built with URI filenames on Debian).
    private static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    private enum ProbeResult {
        case empty
        case trustStore(version: Int)
    }

    /// Reads the identity of an existing file through a read-only connection; with `checkPages`,
    /// runs `PRAGMA quick_check` on a trustd ledger too and throws `.damaged` unless it says "ok".
    private static func probe(location: String, path: String, checkPages: Bool) throws(StoreError) -> ProbeResult {
        var config = Configuration()
        config.readonly = true
        config.busyMode = busyMode
        do {
            let queue = try DatabaseQueue(path: location, configuration: config)
            defer { try? queue.close() }
            return try queue.read { db -> ProbeResult in
                let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                if appID == Schema.applicationID {
                    if checkPages { try checkUnlessVouched(db, path: path) }
                    if try Schema.migrator.hasBeenSuperseded(db) {
                        return .trustStore(version: max(version, Schema.version + 1))
                    }
                    return .trustStore(version: version)
                }
                if appID == 0 && objects == 0 { return .empty }
                throw StoreError.notATrustStore(path: path)
            }
        } catch {
            throw StoreError.wrap(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// Runs `check` unless the record beside the file (`PageCheckRecord`) vouches for the file as it
    /// is; a check that passes is recorded, with the state the file had before it.
    private static func checkUnlessVouched(_ db: Database, path: String) throws {
        let now = Date()
        if PageCheckRecord.vouching(for: path, through: db, now: now) != nil { return }
        let before = PageCheckRecord.observe(path, through: db)
        try check(db, path: path)
        if let (file, counter) = before {
            PageCheckRecord(file: file, changeCounter: counter, checkedAt: Int64(now.timeIntervalSince1970)).write(for: path)
        }
    }

    /// `PRAGMA quick_check`: every page and B-tree reachable and well formed (the O(N) part of
    /// `integrity_check`, without matching indexes to tables). See docs/benchmarks.md for its cost.
    private static func check(_ db: Database, path: String) throws {
        var problems: [String] = []
        do {
            let lines = try String.fetchCursor(db, sql: "PRAGMA quick_check(10)")
            while let line = try lines.next() { problems.append(line) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            problems.append(error.message ?? "\(error.resultCode)")
        }
        if problems != ["ok"] { throw StoreError.damaged(path: path, problems: problems) }
    }
}
