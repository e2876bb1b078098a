// The fast read paths: the scans that step GRDB-prepared statements with the SQLite C API
// (`records` here, for export and milestones; `checkInsByItem`, the report's, in ReportSnapshot.swift),
// behind the same API as the rest of TrustStore. Everything else reads rows through GRDB record types.
import Foundation
import GRDB
import GRDBSQLite
import TrustCore

// MARK: - Shared: two halves at once, columns matched on their bytes
//
// What the two fast read paths share (`records` below and `checkInsByItem`): reading a large ledger in two parts on two reader connections at once, as
// one consistent snapshot, and matching the kind and state columns on their bytes.

extension TrustStore {
    /// Reads two parts of the ledger at once, `part(0, db)` and `part(1, db)`, each on its own reader
    /// connection in its own snapshot. Returns them when both snapshots have the same newest event (no
    /// write landed between them: together they are one consistent snapshot); after three tries that
    /// each saw a write land in between, nil (the caller then reads in one snapshot).
    func readTwoParts<Part: Sendable>(_ part: @Sendable (Int, Database) throws -> Part) throws(StoreError) -> (Part, Part)? {
        for _ in 0..<3 {
            let slots = TwoSlots<(part: Part, head: Int64)>()
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                slots.set(
                    i,
                    Result { () throws(StoreError) in
                        try read { db in
                            let head = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM event") ?? 0
                            return (try part(i, db), head)
                        }
                    })
            }
            // Moved out of the slots: the caller holds the only reference (an array appended to in place).
            let a = try slots.take(0)
            let b = try slots.take(1)
            if a.head == b.head { return (a.part, b.part) }
        }
        return nil
    }
}

/// The two parts read concurrently by `readTwoParts`. Not confined to a queue: every access to
/// `slots` holds `lock`.
private final class TwoSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, StoreError>?] = [nil, nil]

    func set(_ index: Int, _ value: Result<Value, StoreError>) { lock.withLock { slots[index] = value } }

    /// Moves the value out, leaving the slot empty.
    func take(_ index: Int) throws(StoreError) -> Value {
        let result = lock.withLock {
            defer { slots[index] = nil }
            return slots[index]
        }
        guard let result else { preconditionFailure("readTwoParts: part \(index) was not read") }
        return try result.get()
    }
}

/// The kind and state columns of the current row, matched on their NUL-terminated bytes without making
/// a String (and without a `sqlite3_column_bytes` call). Nil for a NULL or any other text.
enum RawColumn {
    static func kind(_ stmt: OpaquePointer, _ column: Int32) -> ItemKind? {
        guard let text = sqlite3_column_text(stmt, column) else { return nil }
        if equal(text, "commitment") { return .commitment }
        if equal(text, "boundary") { return .boundary }
        return nil
    }

    static func state(_ stmt: OpaquePointer, _ column: Int32) -> CheckInState? {
        guard let text = sqlite3_column_text(stmt, column) else { return nil }
        switch text.pointee {
        case UInt8(ascii: "k"): return equal(text, "kept") ? .kept : nil
        case UInt8(ascii: "m"): return equal(text, "missed") ? .missed : nil
        case UInt8(ascii: "s"): return equal(text, "skipped") ? .skipped : nil
        case UInt8(ascii: "p"): return equal(text, "pending") ? .pending : nil
        case UInt8(ascii: "u"): return equal(text, "unanswered") ? .unanswered : nil
        case UInt8(ascii: "v"): return equal(text, "voided") ? .voided : nil
        default: return nil
        }
    }

    /// Whether the NUL-terminated `text` is `s`.
    private static func equal(_ text: UnsafePointer<UInt8>, _ s: StaticString) -> Bool {
        strcmp(
            UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self),
            UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }
}

// MARK: - Full records (`records`)
//
// Full records, fast: what `trustctl export` and trustd's milestones read (the report reads the
// more compact `checkInsByItem`, below). All 177,666 occurrences of a 10-year, 50-item
// ledger in 84–109 ms on the 2-core development machine (docs/ledger.md, `Benchmarks/bench-store`).
//
// Sequential scans of the covering index `occurrence_report` (already in (item, scheduled)
// order: no table lookups, no sorting), columns read in place with the SQLite C API on GRDB's
// statement, item and zone strings shared between consecutive rows (one String per run of equal
// values, not per row), kind and state matched on their bytes.

extension TrustStore {
    /// Every occurrence of `items` (all items when nil) whose day is on or
    /// after `since`, as the core's `CheckIn`, ordered by item, then scheduled instant.
    ///
    /// Fast: a scan of a covering index with no per-row allocation beyond the record's note. A large
    /// ledger is read in two halves (by item) on two reader connections at once; both halves are
    /// checked to come from the same state of the ledger (the same newest event), else it is read
    /// again, so the result is always one consistent snapshot.
    public func records(items: [ItemID]? = nil, since: DayKey? = nil) throws(StoreError) -> [CheckIn] {
        try records(items: items, since: since, parallelAbove: 20_000)
    }

    /// `parallelAbove`: the ledger size (occurrences) from which two connections read at once.
    func records(items: [ItemID]?, since: DayKey?, parallelAbove: Int) throws(StoreError) -> [CheckIn] {
        if let items, items.isEmpty { return [] }
        let (list, size) = try read { db in
            (
                try items.map { Array(Set($0.map(\.rawValue))).sorted() } ?? Self.distinctItems(db),
                try Int.fetchOne(db, sql: "SELECT max(id) FROM occurrence") ?? 0
            )
        }
        if list.count < 2 || size < parallelAbove {
            return try read { db in try Self.scan(db, items: list, since: since, capacity: items == nil ? size : 0, path: path) }
        }
        let halves = [Array(list[..<(list.count / 2)]), Array(list[(list.count / 2)...])]
        let all = items == nil
        if var parts = try readTwoParts({ half, db in
            // The first half gets room for both: the second is appended to it.
            try Self.scan(
                db, items: halves[half], since: since, capacity: all ? (half == 0 ? size + 1024 : size / 2 + 1024) : 0,
                path: path)
        }) {
            // Appended in place: the first half's records are neither copied nor retained again.
            parts.0.append(contentsOf: parts.1)
            return parts.0
        }
        return try read { db in try Self.scan(db, items: list, since: since, capacity: 0, path: path) }
    }

    /// The distinct item ids in order, hopping along the index (one lookup per item, not a scan).
    private static func distinctItems(_ db: Database) throws -> [String] {
        var result: [String] = []
        var next = try String.fetchOne(db, sql: "SELECT min(item) FROM occurrence")
        let statement = try db.cachedStatement(sql: "SELECT min(item) FROM occurrence WHERE item > ?")
        while let item = next {
            result.append(item)
            next = try String.fetchOne(statement, arguments: [item])
        }
        return result
    }

    /// One pass over the covering index for `items`, inside the caller's read transaction.
    private static func scan(_ db: Database, items: [String], since: DayKey?, capacity: Int, path: String) throws
        -> [CheckIn]
    {
        var arguments = StatementArguments(items)
        var sql =
            "SELECT id, item, kind, scheduled, zone, day, deadline, state, answered_at, note"
            + " FROM occurrence INDEXED BY occurrence_report WHERE item IN ("
            + items.map { _ in "?" }.joined(separator: ",") + ") AND state != 'voided'"
        if let since {
            sql += " AND day >= ?"
            arguments += [DayNumber.from(since)]
        }
        sql += " ORDER BY item, scheduled"
        var out: [CheckIn] = []
        out.reserveCapacity(capacity)
        let statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        let cursor = try Row.fetchCursor(statement)
        let stmt = statement.sqliteStatement

        var item = SharedText()
        var zone = SharedText()
        while try cursor.next() != nil {
            // Ten C calls per row: each sqlite3_column_* call costs, so no _bytes/_type calls.
            let id = sqlite3_column_int64(stmt, 0)
            guard let kind = RawColumn.kind(stmt, 2), let state = RawColumn.state(stmt, 7)
            else {
                throw StoreError.corrupt(path: path, detail: "occurrence #\(id) has invalid values; run `trustctl verify`")
            }
            let answered = sqlite3_column_int64(stmt, 8)  // 0 for NULL: no answer is given in 1970
            let note: String? = sqlite3_column_text(stmt, 9).map { String(cString: $0) }
            out.append(
                CheckIn(
                    id: id, item: ItemID(rawValue: item.value(sqlite3_column_text(stmt, 1))), kind: kind,
                    scheduled: Millis.date(sqlite3_column_int64(stmt, 3)), zone: zone.value(sqlite3_column_text(stmt, 4)),
                    day: DayNumber.day(sqlite3_column_int64(stmt, 5)), deadline: Millis.date(sqlite3_column_int64(stmt, 6)),
                    state: state, answeredAt: answered == 0 ? nil : Millis.date(answered), note: note))
        }
        return out
    }
}

/// The String of a text column, reused while consecutive rows have the same text.
private struct SharedText {
    private var bytes: [CChar] = [0]  // NUL-terminated
    private var string = ""

    mutating func value(_ text: UnsafePointer<UInt8>?) -> String {
        guard let text else { return "" }
        let c = UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self)
        if strcmp(c, bytes) == 0 { return string }
        string = String(cString: c)
        bytes = Array(UnsafeBufferPointer(start: c, count: strlen(c) + 1))
        return string
    }
}
