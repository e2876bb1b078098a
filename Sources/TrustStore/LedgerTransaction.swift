// The write path. Every change to the ledger goes through `LedgerTransaction.append`, which
// extends the hash chain and updates the occurrence's cached state from the same event.
import Foundation
import GRDB
import TrustCore

/// One write transaction on the ledger (see `TrustStore.transaction`). Only valid inside the
/// closure it is passed to.
public struct LedgerTransaction {
    let db: Database
    /// The last event of the chain so far (0 and the genesis hash when the log is empty).
    private(set) var headSequence: Int64
    private var headHash: [UInt8]

    let path: String
    /// Whether an event with a note gets a salt (schema v5, `HashChain`'s `trustd-event-3`). Off only
    /// in tests that write a ledger the way an older trustd did.
    var saltsNotes = true

    init(db: Database, path: String) throws {
        self.db = db
        self.path = path
        if let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1")) {
            headSequence = row[EventRow.Columns.sequence]
            headHash = [UInt8](row[EventRow.Columns.hash] as Data)
        } else {
            headSequence = 0
            headHash = HashChain.genesis
        }
    }

    // MARK: Steps (documented on the `TrustStore` methods of the same name)

    public mutating func schedule(
        item: ItemID, kind: ItemKind, scheduled: Date, zone: String, day: DayKey, deadline: Date, at: Date
    ) throws -> CheckIn {
        let scheduledMs = Millis.from(scheduled)
        try db.cachedStatement(
            sql: """
                INSERT INTO occurrence (item, kind, scheduled, zone, day, deadline) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (item, scheduled) WHERE state != 'voided' DO NOTHING
                """
        ).execute(arguments: [
            item.rawValue, kind.rawValue, scheduledMs, zone, DayNumber.from(day), Millis.from(deadline),
        ])
        if db.changesCount == 1 {
            let id = db.lastInsertedRowID
            var row = OccurrenceRow(
                identity: OccurrenceIdentity(
                    id: id, item: item.rawValue, kind: kind.rawValue, scheduled: scheduledMs, zone: zone,
                    day: DayNumber.from(day), deadline: Millis.from(deadline)),
                cache: OccurrenceCache(), path: path)
            _ = try append(to: &row, type: .scheduled, at: at, channel: .daemon, isFirst: true)
            return try row.stored()
        }
        guard let existing = try occurrence(item: item, scheduled: scheduled) else {
            throw StoreError.io(path: path, detail: "could not enter \(item) at \(scheduled) in the ledger")
        }
        return existing
    }

    public mutating func recordPrompted(
        occurrence id: CheckInID, notificationID: NotificationID?, channel: Channel, at: Date
    ) throws -> CheckIn {
        var row = try load(id)
        _ = try append(to: &row, type: .prompted, at: at, channel: channel, notificationID: notificationID.map { Int64($0.rawValue) })
        return try row.stored()
    }

    public mutating func recordSnoozed(
        occurrence id: CheckInID, until: Date, channel: Channel, at: Date
    ) throws -> CheckIn {
        var row = try load(id)
        _ = try append(to: &row, type: .snoozed, at: at, channel: channel, until: Millis.from(until))
        return try row.stored()
    }

    public mutating func answer(
        occurrence id: CheckInID, answer: Answer, note: String?, channel: Channel, at: Date
    ) throws -> AnswerResult {
        var row = try load(id)
        let before = try row.stored()
        // Entered for an instant that had not come: the check-in of that instant is another one.
        if before.state == .voided { throw StoreError.voided(before) }
        let note = note.flatMap { $0.isEmpty ? nil : $0 }
        let type: EventType
        let outcome: AnswerResult.Outcome
        if let previous = before.state.answer {
            if previous == answer {
                guard let note, note != before.note else {
                    return AnswerResult(outcome: .unchanged, occurrence: before, previousState: before.state, event: nil)
                }
                type = .noted
                outcome = .noted
                let event = try append(to: &row, type: type, at: at, channel: channel, note: note)
                return AnswerResult(outcome: outcome, occurrence: try row.stored(), previousState: before.state, event: event)
            }
            type = .corrected
            outcome = .corrected(previous: previous)
        } else {
            type = .answered
            outcome = .answered
        }
        let event = try append(to: &row, type: type, at: at, channel: channel, answer: answer.rawValue, note: note)
        return AnswerResult(outcome: outcome, occurrence: try row.stored(), previousState: before.state, event: event)
    }

    public mutating func addNote(occurrence id: CheckInID, note: String, channel: Channel, at: Date) throws
        -> CheckIn
    {
        var row = try load(id)
        _ = try append(to: &row, type: .noted, at: at, channel: channel, note: note)
        return try row.stored()
    }

    public mutating func markUnanswered(occurrence id: CheckInID, channel: Channel, at: Date) throws -> Bool {
        var row = try load(id)
        guard row.cache.state == CheckInState.pending.rawValue else { return false }
        _ = try append(to: &row, type: .unanswered, at: at, channel: channel)
        return true
    }

    /// Withdraws, as voided by a clock correction, every check-in scheduled after `now` that was
    /// never answered (`pending` or `unanswered`): the clock went forward, trustd entered them, and
    /// the clock came back. Answered ones keep their answers. Returns the voided ones.
    public mutating func voidScheduled(after now: Date, channel: Channel, at: Date) throws -> [CheckIn] {
        let rows = try OccurrenceRow.fetchAll(
            db, path: path, sql: "WHERE scheduled > ? AND state IN ('pending', 'unanswered') ORDER BY scheduled, id",
            [Millis.from(now)])
        return try rows.map { original in
            var row = original
            _ = try append(to: &row, type: .voided, at: at, channel: channel)
            return try row.stored()
        }
    }

    /// Records that the milestone `streak` was celebrated, on `occurrence`.
    public mutating func recordCelebrated(occurrence id: CheckInID, streak: Int, channel: Channel, at: Date) throws
        -> CheckInEvent
    {
        var row = try load(id)
        return try append(to: &row, type: .celebrated, at: at, channel: channel, value: Double(streak))
    }

    // MARK: Reads inside the transaction

    /// Whether a `celebrated` event for `streak` is on `occurrence`.
    public func wasCelebrated(occurrence id: CheckInID, streak: Int) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM event WHERE occurrence = ? AND type = 'celebrated' AND value = ?)"),
            arguments: [id, Double(streak)]) ?? false
    }

    public func occurrence(id: CheckInID) throws -> CheckIn? {
        try OccurrenceRow.fetchOne(db, path: path, where: "id = ?", [id]).map { try $0.stored() }
    }

    public func occurrence(item: ItemID, scheduled: Date) throws -> CheckIn? {
        try OccurrenceRow.fetchOne(
            db, path: path, where: "item = ? AND scheduled = ? AND state != 'voided'", [item.rawValue, Millis.from(scheduled)])
            .map { try $0.stored() }
    }

    /// The newest `pending` or `unanswered` occurrence of `item` scheduled at or before `asOf`.
    public func newestOpen(item: ItemID, asOf: Date) throws -> CheckIn? {
        try OccurrenceRow.fetchOne(
            db, path: path,
            where: "item = ? AND scheduled <= ? AND state IN ('pending', 'unanswered') ORDER BY scheduled DESC",
            [item.rawValue, Millis.from(asOf)]
        ).map { try $0.stored() }
    }

    /// The newest occurrence of `item` scheduled at or before `asOf`.
    public func latest(item: ItemID, asOf: Date) throws -> CheckIn? {
        try OccurrenceRow.fetchOne(
            db, path: path, where: "item = ? AND scheduled <= ? ORDER BY scheduled DESC", [item.rawValue, Millis.from(asOf)]
        ).map { try $0.stored() }
    }

    public func knownItems() throws -> [ItemID] {
        try String.fetchAll(db, sql: "SELECT DISTINCT item FROM occurrence ORDER BY item").map(ItemID.init(rawValue:))
    }

    // MARK: The one way an event is written

    private func load(_ id: CheckInID) throws -> OccurrenceRow {
        guard let row = try OccurrenceRow.fetchOne(db, path: path, where: "id = ?", [id]) else {
            throw StoreError.noSuchOccurrence(id)
        }
        return row
    }

    private mutating func append(
        to row: inout OccurrenceRow, type: EventType, at: Date, channel: Channel, answer: String? = nil,
        note: String? = nil, notificationID: Int64? = nil, until: Int64? = nil, value: Double? = nil,
        isFirst: Bool = false
    ) throws -> CheckInEvent {
        let content = EventContent(
            sequence: headSequence + 1, type: type.rawValue, at: Millis.from(at), channel: channel.rawValue,
            answer: answer, note: note, notificationID: notificationID, until: until, value: value,
            noteSalt: note == nil || !saltsNotes ? nil : HashChain.newNoteSalt())
        let hash = HashChain.link(previous: headHash, row.identity, content)
        var cache = row.cache
        do {
            try cache.apply(content, isFirst: isFirst)
        } catch {
            throw StoreError.io(path: path, detail: "internal error: cannot apply \(type.rawValue): \(error)")
        }
        var arguments: [(any DatabaseValueConvertible)?] = [
            content.sequence, row.identity.id, content.type, content.at, content.channel, content.answer,
            content.note, content.notificationID, content.until, Data(hash), content.value,
        ]
        if saltsNotes { arguments.append(content.noteSalt) }
        try db.cachedStatement(
            sql: saltsNotes
                ? """
                INSERT INTO event (seq, occurrence, type, at, channel, answer, note, notification_id, until, hash, value, note_salt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
                : """
                INSERT INTO event (seq, occurrence, type, at, channel, answer, note, notification_id, until, hash, value)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: StatementArguments(arguments))
        if cache != row.cache {
            try db.cachedStatement(
                sql: """
                    UPDATE occurrence SET state = ?, answered_at = ?, answer_channel = ?, note = ?, prompted_at = ?,
                    prompt_count = ?, notification_id = ?, snoozed_until = ? WHERE id = ?
                    """
            ).execute(arguments: [
                cache.state, cache.answeredAt, cache.answerChannel, cache.note, cache.promptedAt, cache.promptCount,
                cache.notificationID, cache.snoozedUntil, row.identity.id,
            ])
            row.cache = cache
        }
        headSequence = content.sequence
        headHash = hash
        return CheckInEvent(
            sequence: content.sequence, occurrence: row.identity.id, type: type, at: Millis.date(content.at),
            channel: channel, answer: answer.flatMap(Answer.init(rawValue:)), note: note,
            notificationID: notificationID.map(NotificationID.stored), until: until.map(Millis.date),
            streak: value.map { Int($0) }, hash: hash)
    }
}
