// The ledger's rows as GRDB record types: each table's columns named once (`Columns`), decoded by
// name, and turned into the core's `CheckIn` and `CheckInEvent`. (The bulk scans for reports read
// columns in place instead: FastScans.swift.)
import Foundation
import GRDB
import TrustCore

/// An occurrence row as stored: its identity (covered by the hash chain) and its cached state.
struct OccurrenceRow: FetchableRecord {
    enum Columns {
        static let id = Column("id")
        static let item = Column("item")
        static let kind = Column("kind")
        static let scheduled = Column("scheduled")
        static let zone = Column("zone")
        static let day = Column("day")
        static let deadline = Column("deadline")
        static let state = Column("state")
        static let answeredAt = Column("answered_at")
        static let answerChannel = Column("answer_channel")
        static let note = Column("note")
        static let promptedAt = Column("prompted_at")
        static let promptCount = Column("prompt_count")
        static let notificationID = Column("notification_id")
        static let snoozedUntil = Column("snoozed_until")

        static let all = [
            id, item, kind, scheduled, zone, day, deadline, state, answeredAt, answerChannel, note, promptedAt,
            promptCount, notificationID, snoozedUntil,
        ]
    }

    /// The selection, in the order of `Columns.all`.
    static let columns = Columns.all.map(\.name).joined(separator: ", ")

    var identity: OccurrenceIdentity
    var cache: OccurrenceCache
    var path: String = "ledger"

    init(identity: OccurrenceIdentity, cache: OccurrenceCache, path: String = "ledger") {
        self.identity = identity
        self.cache = cache
        self.path = path
    }

    init(row r: Row) {
        identity = OccurrenceIdentity(
            id: r[Columns.id], item: r[Columns.item], kind: r[Columns.kind], scheduled: r[Columns.scheduled],
            zone: r[Columns.zone], day: r[Columns.day], deadline: r[Columns.deadline])
        cache = OccurrenceCache(
            state: r[Columns.state], answeredAt: r[Columns.answeredAt], answerChannel: r[Columns.answerChannel],
            note: r[Columns.note], promptedAt: r[Columns.promptedAt], promptCount: r[Columns.promptCount],
            notificationID: r[Columns.notificationID], snoozedUntil: r[Columns.snoozedUntil])
    }

    /// A row as `verify` reads it: nil when a required column is NULL (`id` says which row, if known).
    static func checked(_ r: Row, path: String) -> (id: Int64?, row: OccurrenceRow?) {
        let id: Int64? = r[Columns.id]
        let item: String? = r[Columns.item]
        let kind: String? = r[Columns.kind]
        let scheduled: Int64? = r[Columns.scheduled]
        let zone: String? = r[Columns.zone]
        let day: Int64? = r[Columns.day]
        let deadline: Int64? = r[Columns.deadline]
        let state: String? = r[Columns.state]
        let count: Int64? = r[Columns.promptCount]
        guard let id, let item, let kind, let scheduled, let zone, let day, let deadline, let state, let count else {
            return (id, nil)
        }
        return (
            id,
            OccurrenceRow(
                identity: .init(id: id, item: item, kind: kind, scheduled: scheduled, zone: zone, day: day, deadline: deadline),
                cache: .init(
                    state: state, answeredAt: r[Columns.answeredAt], answerChannel: r[Columns.answerChannel],
                    note: r[Columns.note], promptedAt: r[Columns.promptedAt], promptCount: count,
                    notificationID: r[Columns.notificationID], snoozedUntil: r[Columns.snoozedUntil]),
                path: path)
        )
    }

    static func fetchOne(_ db: Database, path: String, where clause: String, _ arguments: StatementArguments) throws
        -> OccurrenceRow?
    {
        try fetchOne(db.cachedStatement(sql: "SELECT \(columns) FROM occurrence WHERE \(clause) LIMIT 1"), arguments: arguments)
            .map { $0.at(path) }
    }

    static func fetchAll(_ db: Database, path: String, sql tail: String, _ arguments: StatementArguments = [])
        throws -> [OccurrenceRow]
    {
        try fetchAll(db.cachedStatement(sql: "SELECT \(columns) FROM occurrence \(tail)"), arguments: arguments)
            .map { $0.at(path) }
    }

    private func at(_ path: String) -> OccurrenceRow {
        var row = self
        row.path = path
        return row
    }

    func stored() throws -> CheckIn {
        let i = identity
        guard let kind = ItemKind(rawValue: i.kind) else { throw bad("kind '\(i.kind)'") }
        guard let state = CheckInState(rawValue: cache.state) else { throw bad("state '\(cache.state)'") }
        let channel = try cache.answerChannel.map { c in
            guard let channel = Channel(rawValue: c) else { throw bad("answer channel '\(c)'") }
            return channel
        }
        return CheckIn(
            id: i.id, item: ItemID(rawValue: i.item), kind: kind, scheduled: Millis.date(i.scheduled), zone: i.zone,
            day: DayNumber.day(i.day), deadline: Millis.date(i.deadline), state: state,
            answeredAt: cache.answeredAt.map(Millis.date), note: cache.note,
            notificationID: cache.notificationID.map(NotificationID.stored), promptedAt: cache.promptedAt.map(Millis.date),
            promptCount: Int(cache.promptCount), snoozedUntil: cache.snoozedUntil.map(Millis.date), answerChannel: channel)
    }

    private func bad(_ what: String) -> StoreError {
        .corrupt(path: path, detail: "occurrence #\(identity.id) has an invalid \(what); run `trustctl verify`")
    }
}

/// An event row as stored (raw values; `verify` checks them, `event(path:)` turns them into the core's).
struct EventRow: FetchableRecord {
    enum Columns {
        static let sequence = Column("seq")
        static let occurrence = Column("occurrence")
        static let type = Column("type")
        static let at = Column("at")
        static let channel = Column("channel")
        static let answer = Column("answer")
        static let note = Column("note")
        static let notificationID = Column("notification_id")
        static let until = Column("until")
        static let hash = Column("hash")
        // Schema v2: set only on events written by `trustctl import` (ImportWriting.swift).
        static let importSource = Column("import_source")
        static let importFile = Column("import_file")
        static let importSHA256 = Column("import_sha256")
        static let value = Column("value")
        // Schema v5: on events written with a note (HashChain's `trustd-event-3`).
        static let noteSalt = Column("note_salt")

        static let all = [
            sequence, occurrence, type, at, channel, answer, note, notificationID, until, hash, importSource, importFile,
            importSHA256, value, noteSalt,
        ]
    }

    /// The selection, in the order of `Columns.all`.
    static let columns = Columns.all.map(\.name).joined(separator: ", ")

    var sequence: Int64
    var occurrence: Int64?
    var type: String?
    var at: Int64?
    var channel: String?
    var answer: String?
    var note: String?
    var notificationID: Int64?
    var until: Int64?
    var hash: [UInt8]
    var importSource: String?
    var importFile: String?
    var importSHA256: String?
    var value: Double?
    var noteSalt: String?

    init(row r: Row) {
        sequence = r[Columns.sequence]
        occurrence = r[Columns.occurrence]
        type = r[Columns.type]
        at = r[Columns.at]
        channel = r[Columns.channel]
        answer = r[Columns.answer]
        note = r[Columns.note]
        notificationID = r[Columns.notificationID]
        until = r[Columns.until]
        hash = (r[Columns.hash] as Data?).map { [UInt8]($0) } ?? []
        importSource = r[Columns.importSource]
        importFile = r[Columns.importFile]
        importSHA256 = r[Columns.importSHA256]
        value = r[Columns.value]
        noteSalt = r[Columns.noteSalt]
    }

    /// The core's event; a row with invalid values is corruption.
    func event(path: String) throws -> CheckInEvent {
        guard let occurrence, let at, let type, let t = EventType(rawValue: type), let channel,
            let c = Channel(rawValue: channel), answer == nil || Answer(rawValue: answer!) != nil
        else {
            throw StoreError.corrupt(path: path, detail: "event \(sequence) has invalid values; run `trustctl verify`")
        }
        return CheckInEvent(
            sequence: sequence, occurrence: occurrence, type: t, at: Millis.date(at), channel: c,
            answer: answer.flatMap(Answer.init(rawValue:)), note: note,
            notificationID: notificationID.map(NotificationID.stored), until: until.map(Millis.date),
            streak: t == .celebrated ? value.map { Int($0) } : nil, hash: hash)
    }

    static func fetchAll(_ db: Database, sql tail: String, _ arguments: StatementArguments = []) throws -> [EventRow] {
        try fetchAll(db.cachedStatement(sql: "SELECT \(columns) FROM event \(tail)"), arguments: arguments)
    }
}

extension NotificationID {
    /// As stored: the column holds the 32-bit id the server gave.
    static func stored(_ value: Int64) -> NotificationID { NotificationID(UInt32(truncatingIfNeeded: value)) }
}
