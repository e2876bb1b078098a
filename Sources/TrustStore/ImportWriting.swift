// `trustctl import`: history from another tracker written into the ledger, in one transaction.
// Each imported day becomes an occurrence (at the day's start in the plan's zone) with two events
// on channel `import`: `scheduled`, carrying the tracker, the file's name and its SHA-256, and
// `answered`, carrying the day's number if it has one; hash-chained exactly like every other event
// (HashChain.canonical, version 2) and folded into the occurrence's state by OccurrenceCache.
import Foundation
import GRDB
import GRDBSQLite
import TrustCore

/// What `recordImport` writes.
public struct ImportBatch: Sendable {
    public struct ItemCheckIns: Sendable {
        public var item: ItemID
        public var kind: ItemKind
        public var checkIns: [ImportCheckIn]
        public init(item: ItemID, kind: ItemKind, checkIns: [ImportCheckIn]) {
            self.item = item
            self.kind = kind
            self.checkIns = checkIns
        }
    }

    public var source: ImportSource
    /// The file's name (no directories) and SHA-256 (lowercase hex).
    public var file: String
    public var sha256: String
    /// The plan's zone and day start: each check-in is placed at its day's start there.
    public var zone: TimeZone
    public var dayStart: TimeOfDay
    /// When the import ran (the events' `at`).
    public var at: Date
    public var items: [ItemCheckIns]

    public init(
        source: ImportSource, file: String, sha256: String, zone: TimeZone, dayStart: TimeOfDay, at: Date,
        items: [ItemCheckIns]
    ) {
        self.source = source
        self.file = file
        self.sha256 = sha256
        self.zone = zone
        self.dayStart = dayStart
        self.at = at
        self.items = items
    }
}

/// What `recordImport` did.
public struct ImportWriteResult: Sendable, Hashable {
    /// Check-ins recorded.
    public var recorded: Int
    /// Check-ins not recorded because the ledger gained a check-in for that day between planning
    /// and writing (another trustctl or trustd): the ledger's answer is kept.
    public var alreadyThere: Int
    /// The chain's head after the import.
    public var headSequence: Int64
}

extension EventContent {
    /// The event columns schema v2 added for imports, in the order the insert statements bind them.
    static let importColumns = "import_source, import_file, import_sha256, value"
}

extension TrustStore {
    /// What the ledger holds for each of `items`, by day: a check-in trustd made, or one imported.
    public func existingDays(items: [ItemID]) throws(StoreError) -> [ItemID: [DayKey: ExistingDay]] {
        try read { db in try Self.existingDays(db, items: items) }
    }

    static func existingDays(_ db: Database, items: [ItemID]) throws -> [ItemID: [DayKey: ExistingDay]] {
        var out: [ItemID: [DayKey: ExistingDay]] = [:]
        // Imported or not is what its first event says (a later correction by the person does not change it).
        let statement = try db.cachedStatement(
            sql: """
                SELECT o.day, (SELECT e.channel FROM event e WHERE e.occurrence = o.id ORDER BY e.seq LIMIT 1)
                FROM occurrence o WHERE o.item = ?
                """)
        for item in items {
            var days: [DayKey: ExistingDay] = [:]
            let cursor = try Row.fetchCursor(statement, arguments: [item.rawValue])
            while let row = try cursor.next() {
                let day = DayNumber.day(row[0])
                let channel: String? = row[1]
                // trustd's own check-in wins over an imported one on the same day.
                if channel == Channel.imported.rawValue {
                    if days[day] == nil { days[day] = .imported }
                } else {
                    days[day] = .recorded
                }
            }
            out[item] = days
        }
        return out
    }

    /// Records `batch` in one transaction: all of it, or (on any error) nothing. A day that has a
    /// check-in in the ledger by the time the transaction starts is left alone (counted in
    /// `alreadyThere`): trustd's answers are never replaced, and a day is never imported twice.
    @discardableResult
    public func recordImport(_ batch: ImportBatch) throws(StoreError) -> ImportWriteResult {
        guard mode != .readOnly else {
            throw .readOnly(path: path, reason: "the ledger was opened read-only; nothing was recorded")
        }
        do {
            // Years of history are tens of megabytes of new pages. With SQLite's default 2 MiB page
            // cache they spill to the WAL in the middle of the transaction, the same pages again and
            // again (41,676 writes for a 40 MB ledger, Benchmarks/ImportLoop); a cache that holds
            // them (up to 128 MiB) writes each page once, at the commit. SQLite allocates it only as it fills.
            try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -131072") }
            defer { try? writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = -2000") } }
            return try writer.write { db in try Self.write(batch, db: db) }
        } catch {
            throw StoreError.wrap(error, path: path, busyTimeout: Self.busyTimeout)
        }
    }

    private static func write(_ batch: ImportBatch, db: Database) throws -> ImportWriteResult {
        var headSequence: Int64 = 0
        var headHash = HashChain.genesis
        if let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1") {
            headSequence = row[0]
            headHash = [UInt8](row[1] as Data)
        }
        let existing = try existingDays(db, items: batch.items.map(\.item))
        let insertOccurrence = try RawStatement(db,
            sql: """
                INSERT INTO occurrence (item, kind, scheduled, zone, day, deadline, state, answered_at, answer_channel, note)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item, scheduled) WHERE state != 'voided' DO NOTHING
                """)
        let insertEvent = try RawStatement(db,
            sql: """
                INSERT INTO event (seq, occurrence, type, at, channel, answer, note, notification_id, until, hash,
                                   \(EventContent.importColumns))
                VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, NULL, ?, ?, ?, ?, ?)
                """)
        let insertAnswer = try RawStatement(db,
            sql: """
                INSERT INTO event (seq, occurrence, type, at, channel, answer, note, notification_id, until, hash,
                                   \(EventContent.importColumns), note_salt)
                VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?, ?)
                """)
        let at = Millis.from(batch.at)
        let channel = Channel.imported.rawValue
        let zoneID = batch.zone.identifier
        var starts = DayStarts(zone: batch.zone, dayStart: batch.dayStart)
        var recorded = 0
        var alreadyThere = 0
        for entry in batch.items {
            let days = existing[entry.item] ?? [:]
            for checkIn in entry.checkIns {
                if days[checkIn.day] != nil {
                    alreadyThere += 1
                    continue
                }
                let scheduled = starts.start(of: checkIn.day)
                let deadline = starts.start(of: checkIn.day.adding(days: 1))
                let dayNumber = DayNumber.from(checkIn.day)
                let scheduledEvent = EventContent(
                    sequence: headSequence + 1, type: EventType.scheduled.rawValue, at: at, channel: channel,
                    importSource: batch.source.rawValue, importFile: batch.file, importSHA256: batch.sha256)
                // The provenance is on the occurrence's first event (and so under every later hash);
                // the answer carries only the day's number.
                let answerEvent = EventContent(
                    sequence: headSequence + 2, type: EventType.answered.rawValue, at: at, channel: channel,
                    answer: checkIn.answer.rawValue, note: checkIn.note, value: checkIn.value,
                    noteSalt: checkIn.note == nil ? nil : HashChain.newNoteSalt())
                var cache = OccurrenceCache()
                try cache.apply(scheduledEvent, isFirst: true)
                try cache.apply(answerEvent, isFirst: false)
                try insertOccurrence.run(
                    db, .text(entry.item.rawValue), .text(entry.kind.rawValue), .int(scheduled), .text(zoneID), .int(dayNumber),
                    .int(deadline), .text(cache.state), .int(cache.answeredAt), .text(cache.answerChannel), .text(cache.note))
                guard db.changesCount == 1 else {
                    alreadyThere += 1
                    continue
                }
                let identity = OccurrenceIdentity(
                    id: db.lastInsertedRowID, item: entry.item.rawValue, kind: entry.kind.rawValue, scheduled: scheduled,
                    zone: zoneID, day: dayNumber, deadline: deadline)
                let firstHash = HashChain.link(previous: headHash, identity, scheduledEvent)
                try insertEvent.run(
                    db, .int(scheduledEvent.sequence), .int(identity.id), .text(scheduledEvent.type), .int(at), .text(channel),
                    .blob(firstHash), .text(batch.source.rawValue), .text(batch.file), .text(batch.sha256), .null)
                let secondHash = HashChain.link(previous: firstHash, identity, answerEvent)
                try insertAnswer.run(
                    db, .int(answerEvent.sequence), .int(identity.id), .text(answerEvent.type), .int(at), .text(channel),
                    .text(answerEvent.answer), .text(answerEvent.note), .blob(secondHash), .null, .null, .null,
                    .real(checkIn.value), .text(answerEvent.noteSalt))
                headSequence += 2
                headHash = secondHash
                recorded += 1
            }
        }
        return ImportWriteResult(recorded: recorded, alreadyThere: alreadyThere, headSequence: headSequence)
    }

    /// The imported history in the ledger, per item and file, for the report.
    public func importedHistory() throws(StoreError) -> [ImportedHistorySummary] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.item, e.import_source, e.import_file, e.import_sha256, count(*), min(o.day), max(o.day)
                    FROM event e JOIN occurrence o ON o.id = e.occurrence
                    WHERE e.import_sha256 IS NOT NULL AND e.type = 'scheduled'
                    GROUP BY o.item, e.import_sha256 ORDER BY o.item, min(o.day)
                    """
            ).map { row in
                ImportedHistorySummary(
                    item: ItemID(row[0] as String), source: row[1] ?? "", file: row[2] ?? "", sha256: row[3],
                    days: row[4], first: DayNumber.day(row[5]), last: DayNumber.day(row[6]))
            }
        }
    }
}

/// The instant each day starts (`day-starts` applied) in a zone, in ms since the epoch; each day
/// computed once (an import places the same days for every habit, and Foundation's zone lookups
/// are the slow part).
struct DayStarts {
    let zone: TimeZone
    let dayStart: TimeOfDay
    private var known: [Int: Int64] = [:]

    init(zone: TimeZone, dayStart: TimeOfDay) {
        self.zone = zone
        self.dayStart = dayStart
    }

    mutating func start(of day: DayKey) -> Int64 {
        if let t = known[day.daysSinceEpoch] { return t }
        let t = compute(day)
        known[day.daysSinceEpoch] = t
        return t
    }

    /// Local wall time → UTC: subtract the offset in force then; where the local time does not
    /// exist (a DST gap at the day's start), the first instant after the gap.
    private func compute(_ day: DayKey) -> Int64 {
        let local = Int64(day.daysSinceEpoch) * 86_400 + Int64(dayStart.secondsSinceMidnight)
        let guess = local - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local))))
        var t = local - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(guess))))
        // In a gap the result lands before the day starts: move forward to where it does.
        while DayKey.of(Date(timeIntervalSince1970: Double(t)), in: zone, dayStart: dayStart) < day {
            t += 900
        }
        return t * 1000
    }
}

/// A prepared statement bound and stepped with the SQLite C API: building GRDB's argument arrays
/// for ~200,000 inserts was a fifth of a 10-year import's time (perf, Benchmarks/ImportLoop).
/// Only used inside one `write` block, on its connection.
struct RawStatement {
    enum Value {
        case int(Int64?)
        case text(String?)
        case real(Double?)
        case blob([UInt8])
        case null
    }

    let statement: Statement

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// SQLite copies the bytes before the call returns (SQLITE_TRANSIENT).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func run(_ db: Database, _ values: Value...) throws {
        let s = statement.sqliteStatement
        for (offset, value) in values.enumerated() {
            let i = Int32(offset + 1)
            switch value {
            case .int(let v?): sqlite3_bind_int64(s, i, v)
            case .text(let v?): sqlite3_bind_text(s, i, v, -1, Self.transient)
            case .real(let v?): sqlite3_bind_double(s, i, v)
            case .blob(let bytes): bytes.withUnsafeBytes { _ = sqlite3_bind_blob(s, i, $0.baseAddress, Int32($0.count), Self.transient) }
            case .int(nil), .text(nil), .real(nil), .null: sqlite3_bind_null(s, i)
            }
        }
        let rc = sqlite3_step(s)
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: rc), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: statement.sql)
        }
    }
}
