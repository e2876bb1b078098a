// The ledger: one SQLite file (WAL) holding every occurrence and the append-only, hash-chained
// log of what happened to it. The only place GRDB is used.
import Foundation
import GRDB
import TrustCore

/// The trustd ledger.
///
/// - Writers (trustd, `trustctl answer`) and readers (`trustctl pending/history/report/verify`)
///   may use the same file at once from different processes: SQLite's WAL lets readers read a
///   consistent snapshot while one writer appends; writers wait for each other (busy timeout
///   `busyTimeout`), they never fail with "database is locked" under normal load.
/// - Every write method runs one `IMMEDIATE` transaction with `synchronous=FULL`: when it
///   returns, the change is on disk and survives a crash or power loss; when it throws, nothing
///   of it was recorded.
/// - Errors are `StoreError`s naming the file and saying what to do.
///
/// Thread-safe (`Sendable`): GRDB's writer serializes writes (a `DatabasePool` also runs reads on a
/// pool of reader connections).
public final class TrustStore: Sendable {
    public enum Mode: Sendable, Hashable {
        /// Create the file (mode 0600, directories 0700) and the schema when missing, migrate an
        /// older schema. For trustd.
        case create
        /// An existing ledger, for writing (`trustctl answer`): a missing file is `.missing`.
        case readWrite
        /// An existing ledger, never written (the reading `trustctl` commands).
        case readOnly
    }

    /// Seconds a writer waits for another writer before giving up with `.busy`.
    public static let busyTimeout: Double = 10

    public let path: String
    public let mode: Mode
    /// Any GRDB writer: the file's `DatabasePool` (see `init(path:mode:)`), or a `DatabaseQueue`
    /// (in memory, for tests).
    let writer: any DatabaseWriter
    /// A writer on a file keeps the page check's record up to date over its own writes.
    let pageCheck: PageCheckKeeper?

    /// Opens (or, with `.create`, creates) the ledger at `path`.
    ///
    /// Before anything is written the file is checked, read-only: a file that is not SQLite, is
    /// corrupt, belongs to another program (no trustd `application_id`) or was written by a newer
    /// trustd is refused with a `StoreError` and left byte-for-byte untouched (`LedgerFile.open`).
    public convenience init(path: String, mode: Mode = .create) throws(StoreError) {
        let pool = try LedgerFile.open(path: path, mode: mode)
        try self.init(writer: pool, path: path, mode: mode)
    }

    /// The ledger in `writer`, migrated to the current schema unless `mode` is `.readOnly`.
    /// `path` names it in errors. Tests pass an in-memory `DatabaseQueue()`.
    public init(writer: any DatabaseWriter, path: String = ":memory:", mode: Mode = .create) throws(StoreError) {
        self.writer = writer
        self.path = path
        self.mode = mode
        self.pageCheck = mode != .readOnly && writer is DatabasePool ? PageCheckKeeper(ledger: path) : nil
        if mode != .readOnly {
            try migrateAndHarden()
        }
    }

    deinit {
        // Closing the last connection checkpoints the write-ahead log into the file: the record of
        // the page check follows (see PageCheckKeeper).
        guard let pageCheck, let pool = writer as? DatabasePool else { return }
        // Everything into the file first (passive: never waits for another process's readers), so
        // that the file alone holds every answer even when a reader connection closes last and
        // leaves the write-ahead log behind (a backup of ledger.sqlite alone then misses nothing).
        // The file is observed through the writer's connection, still open (see `observe`).
        _ = try? pool.writeWithoutTransaction { db in
            let before = pageCheck.before(db)
            _ = try db.checkpoint(.passive)
            pageCheck.after(db, before)
        }
        // Then the readers are closed before the writer (GRDB's close() closes the writer first), so
        // the last connection to close is the writer: when no other process has the ledger open,
        // SQLite checkpoints the whole log and deletes it (the file is not changed by that: the
        // passive checkpoint above copied everything). Left behind (a read-only connection closing
        // last cannot remove it), the log was replayed from its start by the next process to open
        // the ledger (the shared-memory index is rebuilt when nobody holds it) and checkpointed
        // again in full: with trustd stopped every `trustctl answer` read the whole log, which only
        // grew (issue 15). Safe only because no lock of this process is ever dropped (`observe`).
        pool.releaseMemory()
        try? pool.close()
    }

    private func migrateAndHarden() throws(StoreError) {
        do {
            try writer.writeWithoutTransaction { db in
                // GRDB sets synchronous=NORMAL for WAL; an acknowledged answer must survive power loss.
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            // Only take the write lock when something is missing (a new or an older ledger).
            let current = try writer.read { db in
                try Int32.fetchOne(db, sql: "PRAGMA application_id") == Schema.applicationID
                    && Int.fetchOne(db, sql: "PRAGMA user_version") == Schema.version
                    && Schema.migrator.hasCompletedMigrations(db)
            }
            if current { return }
            try Schema.migrator.migrate(writer)
            try writer.write { db in
                try db.execute(sql: "PRAGMA application_id = \(Schema.applicationID)")
                try db.execute(sql: "PRAGMA user_version = \(Schema.version)")
            }
            // Not carried forward: the next writer checks the migrated file.
        } catch {
            throw StoreError.wrap(error, path: path, busyTimeout: Self.busyTimeout)
        }
    }

    // MARK: Access helpers

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try writer.read(body)
        } catch {
            throw StoreError.wrap(error, path: path, busyTimeout: Self.busyTimeout)
        }
    }

    /// Runs `body` in one write transaction: everything it records commits together (and is
    /// durable when this returns) or not at all. An error thrown by `body` rolls back and is
    /// rethrown (a `StoreError` as it is, any other as `.io` with its description). Every method of `LedgerTransaction` appends to the
    /// hash chain exactly as the single-step methods of `TrustStore` do, which are written with it.
    /// For bulk imports (the benchmark generator) and for steps that must happen together.
    public func transaction<T>(_ body: (inout LedgerTransaction) throws -> T) throws(StoreError) -> T {
        guard mode != .readOnly else {
            throw .readOnly(path: path, reason: "the ledger was opened read-only; nothing was recorded")
        }
        do {
            // `write`, with the page check's observations before and after the transaction on the
            // same connection (its own file handle: see `PageCheckRecord.observe`).
            return try writer.writeWithoutTransaction { db in
                let before = pageCheck?.before(db)
                var result: T?
                try db.inTransaction {
                    var tx = try LedgerTransaction(db: db, path: path)
                    result = try body(&tx)
                    return .commit
                }
                pageCheck?.after(db, before)
                return result!
            }
        } catch {
            throw StoreError.wrap(error, path: path, busyTimeout: Self.busyTimeout)
        }
    }
}

// MARK: - Writing, one step per transaction

extension TrustStore {
    /// Enters an occurrence in the ledger (with a `scheduled` event), or returns the existing one:
    /// `(item, scheduled)` is unique, so calling this again after a crash or a restart never
    /// creates a second occurrence. An existing occurrence is returned as stored (a changed
    /// deadline or zone in the plan does not rewrite history).
    @discardableResult
    public func schedule(
        item: ItemID, kind: ItemKind, scheduled: Date, zone: String, day: DayKey, deadline: Date,
        at: Date = Date()
    ) throws(StoreError) -> CheckIn {
        try transaction { tx in
            try tx.schedule(item: item, kind: kind, scheduled: scheduled, zone: zone, day: day, deadline: deadline, at: at)
        }
    }

    /// Records that the person was asked; `notificationID` is the desktop notification showing
    /// the prompt (nil without a notification server). Clears a snooze.
    @discardableResult
    public func recordPrompted(
        occurrence: CheckInID, notificationID: NotificationID?, channel: Channel, at: Date = Date()
    ) throws(StoreError) -> CheckIn {
        try transaction { tx in
            try tx.recordPrompted(occurrence: occurrence, notificationID: notificationID, channel: channel, at: at)
        }
    }

    /// Records a snooze: prompt again at `until`.
    @discardableResult
    public func recordSnoozed(
        occurrence: CheckInID, until: Date, channel: Channel, at: Date = Date()
    ) throws(StoreError) -> CheckIn {
        try transaction { tx in
            try tx.recordSnoozed(occurrence: occurrence, until: until, channel: channel, at: at)
        }
    }

    /// Records an answer to an occurrence. `at` is when it was given; it counts for the
    /// occurrence's day whatever the time. Answering an answered occurrence differently records
    /// a correction; the same answer with a new note records a note; the same answer again
    /// records nothing. Durable when this returns.
    @discardableResult
    public func answer(
        occurrence: CheckInID, answer: Answer, note: String? = nil, channel: Channel, at: Date = Date()
    ) throws(StoreError) -> AnswerResult {
        try transaction { tx in
            try tx.answer(occurrence: occurrence, answer: answer, note: note, channel: channel, at: at)
        }
    }

    /// Answers the newest open (`pending` or `unanswered`) occurrence of `item` scheduled at or
    /// before `at`. Throws `.unknownItem` (with the items the ledger knows) or `.nothingOpen`.
    @discardableResult
    public func answerNewestOpen(
        item: ItemID, answer: Answer, note: String? = nil, channel: Channel, at: Date = Date()
    ) throws(StoreError) -> AnswerResult {
        try transaction { tx in
            guard let open = try tx.newestOpen(item: item, asOf: at) else {
                if let latest = try tx.latest(item: item, asOf: at) {
                    throw StoreError.nothingOpen(item, latest: latest)
                }
                let known = try tx.knownItems()
                // Known, but every check-in of it is still ahead.
                if known.contains(item) { throw StoreError.nothingOpen(item, latest: nil) }
                throw StoreError.unknownItem(item, known: known)
            }
            return try tx.answer(occurrence: open.id, answer: answer, note: note, channel: channel, at: at)
        }
    }

    /// Adds a note to an occurrence without changing its answer.
    @discardableResult
    public func addNote(
        occurrence: CheckInID, note: String, channel: Channel, at: Date = Date()
    ) throws(StoreError) -> CheckIn {
        try transaction { tx in
            try tx.addNote(occurrence: occurrence, note: note, channel: channel, at: at)
        }
    }

    /// Records that the deadline passed without an answer. Only a `pending` occurrence changes
    /// (returns true); an answered or already unanswered one is left alone (returns false).
    @discardableResult
    public func markUnanswered(occurrence: CheckInID, at: Date = Date(), channel: Channel = .daemon) throws(StoreError) -> Bool {
        try transaction { tx in
            try tx.markUnanswered(occurrence: occurrence, channel: channel, at: at)
        }
    }
}

// MARK: - Maintenance

extension TrustStore {
    /// Copies the write-ahead log into the main file and truncates the log (SQLite also does this
    /// by itself every 1000 pages). Useful after a bulk import; never needed for correctness.
    public func checkpoint() throws(StoreError) {
        guard mode != .readOnly else { return }
        do {
            try writer.writeWithoutTransaction { db in
                let before = pageCheck?.before(db)
                _ = try db.checkpoint(.truncate)
                pageCheck?.after(db, before)
            }
        } catch {
            throw StoreError.wrap(error, path: path, busyTimeout: Self.busyTimeout)
        }
    }
}
