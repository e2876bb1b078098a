// Reading the ledger. Each method reads one consistent snapshot (a WAL read transaction), so
// it never sees half of a concurrent write and never blocks or is blocked by a writer.
import Foundation
import GRDB
import TrustCore

extension TrustStore {
    /// The occurrence with this id, if any.
    public func occurrence(id: CheckInID) throws(StoreError) -> CheckIn? {
        try read { db in try OccurrenceRow.fetchOne(db, path: path, where: "id = ?", [id]).map { try $0.stored() } }
    }

    /// The occurrence of `item` scheduled at exactly `scheduled`, if any.
    public func occurrence(item: ItemID, scheduled: Date) throws(StoreError) -> CheckIn? {
        try read { db in
            try OccurrenceRow.fetchOne(
                db, path: path, where: "item = ? AND scheduled = ?", [item.rawValue, Millis.from(scheduled)]
            ).map { try $0.stored() }
        }
    }

    /// Occurrences awaiting an answer (`pending`) that are due at `asOf` (scheduled at or
    /// before it), oldest first. What `trustctl pending` lists.
    public func pending(asOf: Date) throws(StoreError) -> [CheckIn] {
        try read { db in
            try OccurrenceRow.fetchAll(
                db, path: path, sql: "WHERE state = 'pending' AND scheduled <= ? ORDER BY scheduled, id",
                [Millis.from(asOf)]
            ).map { try $0.stored() }
        }
    }

    /// Every `pending` occurrence, due or not, oldest first: what trustd must resume after a
    /// restart (re-issue prompts, re-arm snoozes and deadlines).
    public func openOccurrences() throws(StoreError) -> [CheckIn] {
        try read { db in
            try OccurrenceRow.fetchAll(db, path: path, sql: "WHERE state = 'pending' ORDER BY scheduled, id")
                .map { try $0.stored() }
        }
    }

    /// The newest `pending` or `unanswered` occurrence of `item` scheduled at or before `asOf`.
    public func newestOpen(item: ItemID, asOf: Date) throws(StoreError) -> CheckIn? {
        try read { db in try LedgerTransaction(db: db, path: path).newestOpen(item: item, asOf: asOf) }
    }

    /// The newest occurrence of `item` (any state) scheduled at or before `asOf`.
    public func latest(item: ItemID, asOf: Date = .distantFuture) throws(StoreError) -> CheckIn? {
        try read { db in try LedgerTransaction(db: db, path: path).latest(item: item, asOf: asOf) }
    }

    /// The latest scheduled instant of `item` in the ledger, for catch-up after downtime
    /// ("what fell due since then?"); nil when the item has no occurrence yet. Check-ins brought
    /// in by `trustctl import` (first event on channel `import`) are not trustd's schedule: an
    /// import of last year's history must not make trustd "catch up" on every day since.
    public func lastScheduled(item: ItemID) throws(StoreError) -> Date? {
        try read { db in
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT max(o.scheduled) FROM occurrence o WHERE o.item = ?
                        AND (SELECT e.channel FROM event e WHERE e.occurrence = o.id ORDER BY e.seq LIMIT 1) IS NOT 'import'
                        """), arguments: [item.rawValue]
            ).map(Millis.date)
        }
    }

    /// Every item id with at least one occurrence (also items since removed from the plan), sorted.
    public func knownItems() throws(StoreError) -> [ItemID] {
        try read { db in try LedgerTransaction(db: db, path: path).knownItems() }
    }

    /// The ledger newest first (by scheduled instant): occurrences of `item` (or all) on or after
    /// the day `since`, at most `limit` of them, each with its events (oldest first).
    public func history(item: ItemID? = nil, since: DayKey? = nil, limit: Int? = nil) throws(StoreError)
        -> [CheckInHistory]
    {
        try read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let item {
                conditions.append("item = ?")
                arguments += [item.rawValue]
            }
            if let since {
                conditions.append("day >= ?")
                arguments += [DayNumber.from(since)]
            }
            var sql = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            sql += " ORDER BY scheduled DESC, id DESC"
            if let limit { sql += " LIMIT \(max(0, limit))" }
            let occurrences = try OccurrenceRow.fetchAll(db, path: path, sql: sql, arguments).map { try $0.stored() }
            var events: [CheckInID: [CheckInEvent]] = [:]
            var start = 0
            while start < occurrences.count {
                let chunk = occurrences[start..<min(start + 500, occurrences.count)]
                let list = chunk.map { String($0.id) }.joined(separator: ",")
                let rows = try EventRow.fetchCursor(
                    db, sql: "SELECT \(EventRow.columns) FROM event WHERE occurrence IN (\(list)) ORDER BY seq")
                while let row = try rows.next() {
                    let event = try row.event(path: path)
                    events[event.occurrence, default: []].append(event)
                }
                start += 500
            }
            return occurrences.map { CheckInHistory(occurrence: $0, events: events[$0.id] ?? []) }
        }
    }

    /// The events of one occurrence, oldest first.
    public func events(occurrence: CheckInID) throws(StoreError) -> [CheckInEvent] {
        try read { db in
            try EventRow.fetchAll(db, sql: "WHERE occurrence = ? ORDER BY seq", [occurrence]).map { try $0.event(path: path) }
        }
    }

    /// Events appended after `sequence`, oldest first, at most `limit`.
    ///
    /// How trustd notices writes by other processes (`trustctl answer`): remember
    /// `lastEventSequence()`, watch the ledger's directory with inotify (`IN_MODIFY` on the
    /// `-wal` file, `IN_CREATE`/`IN_MOVED_TO` for the files themselves), and on each event call
    /// `events(after:)` with the last sequence seen; an `answered`/`corrected` event whose channel
    /// is not `.notification` means: close that occurrence's notification (docs/ledger.md says the
    /// same). Both calls are index lookups.
    public func events(after sequence: Int64, limit: Int = 10_000) throws(StoreError) -> [CheckInEvent] {
        try read { db in
            try EventRow.fetchAll(db, sql: "WHERE seq > ? ORDER BY seq LIMIT ?", [sequence, limit]).map { try $0.event(path: path) }
        }
    }

    /// The sequence number of the newest event (0 when the log is empty): a change counter that
    /// grows with every write by any process.
    public func lastEventSequence() throws(StoreError) -> Int64 {
        try read { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(seq) FROM event")) ?? 0 }
    }

    /// Number of occurrences and events.
    public func counts() throws(StoreError) -> (occurrences: Int, events: Int) {
        try read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM occurrence") ?? 0,
                try Int.fetchOne(db, sql: "SELECT max(seq) FROM event") ?? 0
            )
        }
    }
}
