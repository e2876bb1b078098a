// The report's read path, compact: `trustctl report` must finish in well under 100 ms on a 10-year,
// 50-item ledger (~180,000 occurrences). It reads the occurrence table in storage order (no index
// walk, no random page access; two halves on two connections when large), steps the prepared
// statement with the SQLite C API (GRDB prepares it; its generic row decoding cost more than the rest
// of the report together) and makes no String per row: item ids are matched on their raw bytes,
// kind and state on their bytes, notes are read only for recent days.
import Foundation
import GRDB
import GRDBSQLite
import TrustCore

extension TrustStore {
    /// Every occurrence of `items` (all items when nil) whose day is on or after `since`, split by item
    /// (in order of first appearance), with the notes of occurrences on or after `notesSince` (none when nil).
    ///
    /// A large ledger is read in two halves (by occurrence id) on two reader connections at once; both
    /// halves must come from the same state of the ledger (the same newest event), else it is read
    /// again, so the result is always one consistent snapshot.
    public func itemLedgers(items: [ItemID]? = nil, since: DayKey? = nil, notesSince: DayKey? = nil)
        throws(StoreError) -> [ItemLedger]
    {
        try itemLedgers(items: items, since: since, notesSince: notesSince, parallelAbove: 20_000)
    }

    /// `parallelAbove`: the ledger size (occurrences) from which two connections read at once.
    func itemLedgers(items: [ItemID]?, since: DayKey?, notesSince: DayKey?, parallelAbove: Int)
        throws(StoreError) -> [ItemLedger]
    {
        if let items, items.isEmpty { return [] }
        let query = LedgerQuery(items: items, since: since, notesSince: notesSince)
        let size = try read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM occurrence") ?? 0 }
        if size < parallelAbove {
            return try read { db in try query.scan(db, ids: nil, path: path) }.ledgers
        }
        let mid = size / 2
        let ranges: [ClosedRange<Int64>] = [Int64.min...mid, (mid + 1)...Int64.max]
        if let parts = try readTwoParts({ half, db in try query.scan(db, ids: ranges[half], path: path) }) {
            return LedgerReader.merge(parts.0, parts.1)
        }
        return try read { db in try query.scan(db, ids: nil, path: path) }.ledgers
    }
}

/// The report's query, for all ids or a range of them.
private struct LedgerQuery: Sendable {
    var items: [ItemID]?
    var since: DayKey?
    var notesSince: DayKey?

    func scan(_ db: Database, ids: ClosedRange<Int64>?, path: String) throws -> LedgerReader {
        var conditions: [String] = []
        var arguments: StatementArguments = [notesSince.map(DayNumber.from) ?? Int64.max]
        if let items {
            conditions.append("item IN (" + items.map { _ in "?" }.joined(separator: ",") + ")")
            arguments += StatementArguments(items.map(\.rawValue))
        }
        if let since {
            conditions.append("day >= ?")
            arguments += [DayNumber.from(since)]
        }
        if let ids {
            conditions.append("id BETWEEN ? AND ?")
            arguments += [ids.lowerBound, ids.upperBound]
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        var reader = LedgerReader()
        let statement = try db.makeStatement(
            sql: "SELECT item, id, day, scheduled, deadline, state, kind, CASE WHEN day >= ? THEN note END"
                + " FROM occurrence" + filter + " ORDER BY rowid")
        try statement.setArguments(arguments)
        defer { sqlite3_reset(statement.sqliteStatement) }
        if let failure = reader.read(statement.sqliteStatement) {
            switch failure {
            case .invalid(let id):
                throw StoreError.corrupt(path: path, detail: "occurrence #\(id) has invalid values; run `trustctl verify`")
            case .sqlite(let code, let message):
                throw StoreError.io(path: path, detail: "reading the ledger failed (\(code)): \(message)")
            }
        }
        return reader
    }
}

/// Steps the report query and collects the rows.
private struct LedgerReader: Sendable {
    enum Failure: Error {
        case invalid(id: Int64)
        case sqlite(Int32, String)
    }

    var ledgers: [ItemLedger] = []
    /// The newest scheduled instant per ledger (its kind is that occurrence's).
    var newest: [Int64] = []
    private var byHash: [UInt64: [Int]] = [:]
    private var names: [[UInt8]] = []
    /// The ledger writes each day's check-ins in much the same item order: the item after the previous
    /// row's is the first guess, checked byte for byte before the hash table is asked.
    private var previous = -1

    mutating func read(_ stmt: OpaquePointer) -> Failure? {
        var lastDayNumber: Int64 = -1
        var lastDay: Int32 = 0
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return nil }
            guard rc == SQLITE_ROW else {
                return .sqlite(rc, String(cString: sqlite3_errmsg(sqlite3_db_handle(stmt))))
            }
            let id = sqlite3_column_int64(stmt, 1)
            let bytes = sqlite3_column_blob(stmt, 0)
            let count = Int(sqlite3_column_bytes(stmt, 0))
            guard let bytes, count > 0, let state = RawColumn.state(stmt, 5), let kind = RawColumn.kind(stmt, 6) else {
                return .invalid(id: id)
            }
            let i = index(of: UnsafeRawBufferPointer(start: bytes, count: count))
            let dayNumber = sqlite3_column_int64(stmt, 2)
            if dayNumber != lastDayNumber {
                lastDayNumber = dayNumber
                lastDay = Int32(DayNumber.day(dayNumber).daysSinceEpoch)
            }
            let scheduled = sqlite3_column_int64(stmt, 3)
            ledgers[i].entries.append(
                LedgerEntry(
                    id: id, day: lastDay, state: state, scheduledMs: scheduled,
                    deadlineMs: sqlite3_column_int64(stmt, 4)))
            if scheduled >= newest[i] {
                newest[i] = scheduled
                ledgers[i].kind = kind
            }
            if sqlite3_column_type(stmt, 7) != SQLITE_NULL, let text = sqlite3_column_text(stmt, 7) {
                ledgers[i].notes[id] = String(cString: text)
            }
        }
    }

    /// The first half's ledgers followed by the second's (higher ids), item by item.
    static func merge(_ a: LedgerReader, _ b: LedgerReader) -> [ItemLedger] {
        var ledgers = a.ledgers
        var newest = a.newest
        var index = Dictionary(uniqueKeysWithValues: ledgers.enumerated().map { ($1.item, $0) })
        for (j, l) in b.ledgers.enumerated() {
            guard let i = index[l.item] else {
                index[l.item] = ledgers.count
                ledgers.append(l)
                newest.append(b.newest[j])
                continue
            }
            ledgers[i].entries += l.entries
            ledgers[i].notes.merge(l.notes) { x, _ in x }
            if b.newest[j] >= newest[i] {
                newest[i] = b.newest[j]
                ledgers[i].kind = l.kind
            }
        }
        return ledgers
    }

    /// The ledger index of an item id given as UTF-8 bytes: FNV-1a hash, then a byte comparison.
    private mutating func index(of raw: UnsafeRawBufferPointer) -> Int {
        if !names.isEmpty {
            let guess = previous + 1 < names.count ? previous + 1 : 0
            if matches(guess, raw) {
                previous = guess
                return guess
            }
        }
        let i = lookup(raw)
        previous = i
        return i
    }

    private func matches(_ i: Int, _ raw: UnsafeRawBufferPointer) -> Bool {
        names[i].withUnsafeBytes { known in
            known.count == raw.count && memcmp(known.baseAddress!, raw.baseAddress!, raw.count) == 0
        }
    }

    private mutating func lookup(_ raw: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in raw { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        if let candidates = byHash[hash] {
            for i in candidates where matches(i, raw) { return i }
        }
        let i = names.count
        names.append(Array(raw))
        byHash[hash, default: []].append(i)
        ledgers.append(
            ItemLedger(item: ItemID(rawValue: String(decoding: raw, as: UTF8.self)), kind: .commitment, entries: []))
        newest.append(Int64.min)
        return i
    }
}
