// The report's read (`checkInsByItem`) and its cache beside the ledger, `ledger.sqlite-report`
// (issue 15).
//
// `trustctl report` needs every occurrence's item, day, state and instants: on a 10-year, 50-item
// ledger (177,666 occurrences) reading them from SQLite costs about 50 ms of CPU, most of the
// report. But what an occurrence says changes only in the transaction that appends an event about
// it, and the event log is append-only and hash-chained. So the report keeps what it read in a file
// beside the ledger, with the sequence number and hash of the newest event it had seen; the next
// report reads only the occurrences of the events after that one (a range of `event`'s primary
// key: a few rows a day). The hash shows that the cache describes this ledger: a file with another
// event at that sequence number (another ledger, a backup restored over it) has another history, and
// is read in full.
//
// The cache holds the item ids and no other text (notes are read fresh, for the recent days the
// report shows). It is written mode 0600 by a rename (a reader sees a whole file or none), not synced
// (losing it costs one full read), and carries a checksum: a damaged or foreign file is ignored and
// replaced. A ledger whose directory cannot be written is read in full every time.
import Foundation
import GRDB
import GRDBSQLite
import TrustCore

/// The report's columns of every occurrence (voided ones included), by ascending id, as of one
/// event of the ledger. Columns side by side (one array each): the cache file holds them as they are.
struct LedgerSnapshot: Equatable, Sendable {
    /// The newest event read: its sequence number (0: the log was empty) and its hash (empty for 0).
    var headSeq: Int64 = 0
    var headHash: [UInt8] = []
    /// Item ids; the rows refer to them by index.
    var items: [String] = []
    var id: [Int64] = []
    var item: [Int32] = []
    /// Days since 1970-01-01 (`DayKey.daysSinceEpoch`).
    var day: [Int32] = []
    var scheduled: [Int64] = []
    var deadline: [Int64] = []
    /// `LedgerSnapshot.states` index.
    var state: [UInt8] = []
    /// `LedgerSnapshot.kinds` index.
    var kind: [UInt8] = []

    var count: Int { id.count }

    /// The codes of the state and kind columns, fixed by the cache file's format.
    static let states: [CheckInState] = [.pending, .kept, .missed, .skipped, .unanswered, .voided]
    static let kinds: [ItemKind] = [.commitment, .boundary]
    static let voided = UInt8(states.firstIndex(of: .voided)!)

    /// The row index of occurrence `id`, or nil.
    func index(of id: Int64) -> Int? {
        var lo = 0
        var hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self.id[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && self.id[lo] == id ? lo : nil
    }

    /// Sets row `id` (a new occurrence, or new values for a known one).
    mutating func upsert(id: Int64, item: Int32, day: Int32, scheduled: Int64, deadline: Int64, state: UInt8, kind: UInt8) {
        let at: Int
        if let last = self.id.last, id <= last {
            if let i = index(of: id) {
                (self.item[i], self.day[i], self.scheduled[i], self.deadline[i]) = (item, day, scheduled, deadline)
                (self.state[i], self.kind[i]) = (state, kind)
                return
            }
            at = self.id.firstIndex { $0 > id }!  // below the newest id: occurrences are never deleted, so not seen here
        } else {
            at = count
        }
        self.id.insert(id, at: at)
        self.item.insert(item, at: at)
        self.day.insert(day, at: at)
        self.scheduled.insert(scheduled, at: at)
        self.deadline.insert(deadline, at: at)
        self.state.insert(state, at: at)
        self.kind.insert(kind, at: at)
    }

    /// What `checkInsByItem` returns: the occurrences of `items` (all when nil) whose day is on or
    /// after `since`, voided ones left out, split by item in order of first appearance (by id), each
    /// item's kind that of its newest occurrence (the highest id among equal instants), with `notes`
    /// (by occurrence id) attached to the occurrences that are read.
    func ledgers(items filter: [ItemID]?, since: DayKey?, notes: [(id: Int64, text: String)]) -> [ItemCheckIns] {
        var allowed = [Bool](repeating: filter == nil, count: items.count)
        if let filter {
            let wanted = Set(filter.map(\.rawValue))
            for (i, name) in items.enumerated() where wanted.contains(name) { allowed[i] = true }
        }
        let first = Int32(clamping: since?.daysSinceEpoch ?? Int(Int32.min))
        // Each item's count first: every entries array is allocated once, at its size.
        var sizes = [Int](repeating: 0, count: items.count)
        for r in 0..<count where state[r] != Self.voided && day[r] >= first { sizes[Int(item[r])] += 1 }
        var slot = [Int](repeating: -1, count: items.count)
        var ledgers: [ItemCheckIns] = []
        var newest: [Int64] = []
        for r in 0..<count {
            let i = Int(item[r])
            guard state[r] != Self.voided, allowed[i], day[r] >= first else { continue }
            var s = slot[i]
            if s < 0 {
                s = ledgers.count
                slot[i] = s
                ledgers.append(ItemCheckIns(item: ItemID(rawValue: items[i]), kind: .commitment, entries: []))
                ledgers[s].entries.reserveCapacity(sizes[i])
                newest.append(Int64.min)
            }
            ledgers[s].entries.append(
                CompactCheckIn(
                    id: id[r], day: day[r], state: Self.states[Int(state[r])], scheduledMs: scheduled[r],
                    deadlineMs: deadline[r]))
            if scheduled[r] >= newest[s] {
                newest[s] = scheduled[r]
                ledgers[s].kind = Self.kinds[Int(kind[r])]
            }
        }
        for note in notes {
            guard let r = index(of: note.id), state[r] != Self.voided, day[r] >= first else { continue }
            let s = slot[Int(item[r])]
            if s >= 0 { ledgers[s].notes[note.id] = note.text }
        }
        return ledgers
    }
}

// MARK: - Reading it from the ledger

extension TrustStore {
    /// Every occurrence of `items` (all items when nil) whose day is on or after `since`, split by item
    /// (in order of first appearance), with the notes of occurrences on or after `notesSince` (none when nil).
    ///
    /// Always one consistent snapshot of the ledger, whatever other processes write meanwhile. Fast on a
    /// large ledger read before: what was read is kept beside the ledger (`ledger.sqlite-report`), and only
    /// the occurrences changed since are read again (see the top of this file).
    public func checkInsByItem(items: [ItemID]? = nil, since: DayKey? = nil, notesSince: DayKey? = nil)
        throws(StoreError) -> [ItemCheckIns]
    {
        try checkInsByItem(items: items, since: since, notesSince: notesSince, parallelAbove: 20_000, cache: reportCachePath)
    }

    /// The report cache's path: beside a ledger file; nil for a ledger in memory.
    var reportCachePath: String? { writer is DatabasePool ? ReportCache.path(for: path) : nil }

    /// `parallelAbove`: the ledger size (occurrences) from which a ledger without a usable cache is read
    /// by two connections at once. `cache`: the cache file to use and bring up to date (nil: none).
    func checkInsByItem(items: [ItemID]?, since: DayKey?, notesSince: DayKey?, parallelAbove: Int, cache: String?)
        throws(StoreError) -> [ItemCheckIns]
    {
        if let items, items.isEmpty { return [] }
        let cached = cache.flatMap(ReportCache.read)
        // Without a cache, read everything (two parts at once when large): maybe an older state than the
        // transaction below, which brings it up to date.
        let start: LedgerSnapshot
        if let cached { start = cached } else { start = try fullSnapshot(parallelAbove: parallelAbove) }
        let path = self.path
        let (snapshot, notes) = try read { db in
            var snapshot = start
            if try !SnapshotRows.isPrefix(snapshot, of: db) {
                // Not this ledger's history (the file was replaced): read it in full.
                snapshot = try SnapshotRows.read(db, into: LedgerSnapshot(), ids: nil, path: path)
            } else {
                snapshot = try SnapshotRows.update(snapshot, db, path: path)
            }
            return (snapshot, try SnapshotRows.notes(db, since: notesSince))
        }
        if let cache, cached.map({ $0.headSeq != snapshot.headSeq || $0.headHash != snapshot.headHash }) ?? true {
            ReportCache.write(snapshot, to: cache)
        }
        return snapshot.ledgers(items: items, since: since, notes: notes)
    }

    /// Every occurrence, in one read or, from `parallelAbove` occurrences, in two halves (by id) read at
    /// once (one consistent state of the ledger: `readTwoParts`).
    private func fullSnapshot(parallelAbove: Int) throws(StoreError) -> LedgerSnapshot {
        let path = self.path
        let size = try read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM occurrence") ?? 0 }
        if size >= parallelAbove {
            let mid = size / 2
            let ranges: [ClosedRange<Int64>] = [Int64.min...mid, (mid + 1)...Int64.max]
            if let (a, b) = try readTwoParts({ half, db in
                try SnapshotRows.read(db, into: LedgerSnapshot(), ids: ranges[half], path: path)
            }) {
                return SnapshotRows.appending(b, to: a)
            }
        }
        return try read { db in try SnapshotRows.read(db, into: LedgerSnapshot(), ids: nil, path: path) }
    }
}

/// Reads occurrence rows into a snapshot: the SQLite C API on GRDB's statement, item ids matched on
/// their bytes (one String per item, not per row), kind and state on their bytes.
struct SnapshotRows {
    private static let columns = "SELECT id, item, kind, scheduled, day, deadline, state FROM occurrence"

    /// Whether `snapshot` is an earlier state of this ledger: its newest event is in the log, same hash.
    static func isPrefix(_ snapshot: LedgerSnapshot, of db: Database) throws -> Bool {
        if snapshot.headSeq == 0 { return true }
        let hash = try Data.fetchOne(db, sql: "SELECT hash FROM event WHERE seq = ?", arguments: [snapshot.headSeq])
        return hash.map { [UInt8]($0) } == snapshot.headHash
    }

    /// `snapshot` (an earlier state of this ledger) with the occurrences of every later event read again.
    static func update(_ snapshot: LedgerSnapshot, _ db: Database, path: String) throws -> LedgerSnapshot {
        guard let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1"),
            (head[0] as Int64) > snapshot.headSeq
        else { return snapshot }
        var rows = SnapshotRows(snapshot)
        let statement = try db.makeStatement(
            sql: columns + " WHERE id IN (SELECT occurrence FROM event WHERE seq > ?) ORDER BY id")
        try statement.setArguments([snapshot.headSeq])
        try rows.step(statement, path: path)
        rows.snapshot.headSeq = head[0]
        rows.snapshot.headHash = [UInt8](head[1] as Data)
        return rows.snapshot
    }

    /// Every occurrence whose id is in `ids` (all when nil) added to `snapshot`, and the newest event.
    static func read(_ db: Database, into snapshot: LedgerSnapshot, ids: ClosedRange<Int64>?, path: String) throws
        -> LedgerSnapshot
    {
        var rows = SnapshotRows(snapshot)
        let statement = try db.makeStatement(sql: columns + (ids == nil ? "" : " WHERE id BETWEEN ? AND ?") + " ORDER BY id")
        if let ids { try statement.setArguments([ids.lowerBound, ids.upperBound]) }
        try rows.step(statement, path: path)
        if let head = try Row.fetchOne(db, sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1") {
            rows.snapshot.headSeq = head[0]
            rows.snapshot.headHash = [UInt8](head[1] as Data)
        } else {
            rows.snapshot.headSeq = 0
            rows.snapshot.headHash = []
        }
        return rows.snapshot
    }

    /// `b`'s rows (higher ids, read in the same state of the ledger) after `a`'s.
    static func appending(_ b: LedgerSnapshot, to a: LedgerSnapshot) -> LedgerSnapshot {
        var rows = SnapshotRows(a)
        let remap = b.items.map { rows.index(of: Array($0.utf8)) }
        for r in 0..<b.count {
            rows.snapshot.upsert(
                id: b.id[r], item: remap[Int(b.item[r])], day: b.day[r], scheduled: b.scheduled[r],
                deadline: b.deadline[r], state: b.state[r], kind: b.kind[r])
        }
        return rows.snapshot
    }

    /// The notes of the occurrences on or after `since` (none when nil), by id. Found through the index on
    /// the scheduled instant: an occurrence's day is the date of its instant in its zone (the day
    /// starting at `day-starts`), never more than a day before it, so two days' margin finds them all.
    static func notes(_ db: Database, since: DayKey?) throws -> [(id: Int64, text: String)] {
        guard let since else { return [] }
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT id, note FROM occurrence WHERE scheduled >= ? AND day >= ? AND note IS NOT NULL AND state != 'voided'",
            arguments: [Int64(since.daysSinceEpoch - 2) * 86_400_000, DayNumber.from(since)])
        var notes: [(id: Int64, text: String)] = []
        while let row = try rows.next() { notes.append((row[0], row[1])) }
        return notes
    }

    private(set) var snapshot: LedgerSnapshot
    private var names: [[UInt8]]
    private var byHash: [UInt64: [Int32]] = [:]
    /// Rows come much in the same item order day after day: the item after the previous row's is the
    /// first guess, checked byte for byte before the hash table is asked.
    private var previous = -1

    private init(_ snapshot: LedgerSnapshot) {
        self.snapshot = snapshot
        names = snapshot.items.map { Array($0.utf8) }
        for (i, name) in names.enumerated() {
            name.withUnsafeBytes { byHash[Self.hash($0), default: []].append(Int32(i)) }
        }
    }

    private mutating func step(_ statement: Statement, path: String) throws {
        let stmt = statement.sqliteStatement
        defer { sqlite3_reset(stmt) }
        var lastDayNumber: Int64 = -1
        var lastDay: Int32 = 0
        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { return }
            guard rc == SQLITE_ROW else {
                let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(stmt)))
                throw StoreError.io(path: path, detail: "reading the ledger failed (\(rc)): \(message)")
            }
            let id = sqlite3_column_int64(stmt, 0)
            let bytes = sqlite3_column_blob(stmt, 1)
            let count = Int(sqlite3_column_bytes(stmt, 1))
            guard let bytes, count > 0, let kind = RawColumn.kind(stmt, 2), let state = RawColumn.state(stmt, 6),
                let stateCode = LedgerSnapshot.states.firstIndex(of: state)
            else {
                throw StoreError.corrupt(path: path, detail: "occurrence #\(id) has invalid values; run `trustctl verify`")
            }
            let item = index(of: UnsafeRawBufferPointer(start: bytes, count: count))
            let dayNumber = sqlite3_column_int64(stmt, 4)
            if dayNumber != lastDayNumber {
                lastDayNumber = dayNumber
                lastDay = Int32(DayNumber.day(dayNumber).daysSinceEpoch)
            }
            snapshot.upsert(
                id: id, item: item, day: lastDay, scheduled: sqlite3_column_int64(stmt, 3),
                deadline: sqlite3_column_int64(stmt, 5), state: UInt8(stateCode), kind: kind == .commitment ? 0 : 1)
        }
    }

    /// The index of an item id given as UTF-8 bytes, added to the snapshot's items when new.
    private mutating func index(of raw: UnsafeRawBufferPointer) -> Int32 {
        if !names.isEmpty {
            let guess = previous + 1 < names.count ? previous + 1 : 0
            if matches(guess, raw) {
                previous = guess
                return Int32(guess)
            }
        }
        let hash = Self.hash(raw)
        if let candidates = byHash[hash], let i = candidates.first(where: { matches(Int($0), raw) }) {
            previous = Int(i)
            return i
        }
        let i = Int32(names.count)
        names.append(Array(raw))
        byHash[hash, default: []].append(i)
        snapshot.items.append(String(decoding: raw, as: UTF8.self))
        previous = Int(i)
        return i
    }

    private mutating func index(of bytes: [UInt8]) -> Int32 { bytes.withUnsafeBytes { index(of: $0) } }

    private func matches(_ i: Int, _ raw: UnsafeRawBufferPointer) -> Bool {
        names[i].withUnsafeBytes { known in
            known.count == raw.count && memcmp(known.baseAddress!, raw.baseAddress!, raw.count) == 0
        }
    }

    /// FNV-1a.
    private static func hash(_ raw: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in raw { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
        return hash
    }
}

// MARK: - The cache file

/// `ledger.sqlite-report`: a `LedgerSnapshot` as bytes, little-endian (a file written in the other byte
/// order fails the byte order mark and is ignored), then a checksum of everything before it:
///
///     "trustd-report-cache 1\n"  magic, 22 bytes
///     UInt32 0x01020304          byte order mark
///     Int64 headSeq, 32 bytes headHash (zeros when headSeq is 0)
///     UInt32 item count, then per item: UInt32 byte count, UTF-8 bytes
///     Int64 row count n, then the columns: n × Int64 id, scheduled, deadline; n × Int32 day, item;
///     n × UInt8 state, kind
///     UInt64 checksum
enum ReportCache {
    static let magic = Array("trustd-report-cache 1\n".utf8)

    static func path(for ledger: String) -> String { ledger + "-report" }

    /// The snapshot in the file at `path`; nil when there is none, or it is damaged or foreign.
    static func read(_ path: String) -> LedgerSnapshot? {
        guard let file = FileSystem.Mapping(path) else { return nil }
        return decode(file.bytes)
    }

    /// Writes the file (0600, by rename, not synced); a failure only means the next report reads more.
    static func write(_ snapshot: LedgerSnapshot, to path: String) {
        FileSystem.replaceUnsynced(path, with: encode(snapshot))
    }

    static func encode(_ s: LedgerSnapshot) -> [UInt8] {
        var out = magic
        out.reserveCapacity(128 + s.items.reduce(0) { $0 + 4 + $1.utf8.count } + s.count * 34)
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func put<T: FixedWidthInteger>(_ column: [T]) {
            column.withUnsafeBytes { out.append(contentsOf: $0) }  // the host is little-endian (checked on read)
        }
        withUnsafeBytes(of: UInt32(0x0102_0304)) { out.append(contentsOf: $0) }  // host order: must read back as written
        put(s.headSeq)
        out.append(contentsOf: s.headHash.count == 32 ? s.headHash : [UInt8](repeating: 0, count: 32))
        put(UInt32(s.items.count))
        for name in s.items {
            put(UInt32(name.utf8.count))
            out.append(contentsOf: name.utf8)
        }
        put(Int64(s.count))
        put(s.id)
        put(s.scheduled)
        put(s.deadline)
        put(s.day)
        put(s.item)
        put(s.state)
        put(s.kind)
        let sum = out.withUnsafeBytes { checksum($0) }
        put(sum)
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer) -> LedgerSnapshot? {
        guard bytes.count >= magic.count + 8, bytes.starts(with: magic) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 8)])
        guard checksum(body) == bytes.loadUnaligned(fromByteOffset: body.count, as: UInt64.self) else { return nil }
        var reader = ByteReader(bytes: body, offset: magic.count)
        guard reader.scalar(UInt32.self) == 0x0102_0304, let headSeq = reader.scalar(Int64.self),
            let hash = reader.column(UInt8.self, count: 32), let itemCount = reader.scalar(UInt32.self)
        else { return nil }
        var s = LedgerSnapshot(headSeq: headSeq, headHash: headSeq == 0 ? [] : hash)
        for _ in 0..<itemCount {
            guard let n = reader.scalar(UInt32.self), let name = reader.column(UInt8.self, count: Int(n)) else { return nil }
            s.items.append(String(decoding: name, as: UTF8.self))
        }
        guard let n64 = reader.scalar(Int64.self), n64 >= 0, n64 <= Int64(body.count) else { return nil }
        let n = Int(n64)
        guard let id = reader.column(Int64.self, count: n), let scheduled = reader.column(Int64.self, count: n),
            let deadline = reader.column(Int64.self, count: n), let day = reader.column(Int32.self, count: n),
            let item = reader.column(Int32.self, count: n), let state = reader.column(UInt8.self, count: n),
            let kind = reader.column(UInt8.self, count: n), reader.offset == body.count
        else { return nil }
        (s.id, s.scheduled, s.deadline, s.day, s.item, s.state, s.kind) = (id, scheduled, deadline, day, item, state, kind)
        // What the checksum cannot vouch for: that a writer wrote sense.
        let items = Int32(s.items.count)
        let states = UInt8(LedgerSnapshot.states.count)
        let kinds = UInt8(LedgerSnapshot.kinds.count)
        for r in 0..<n {
            guard (r == 0 || id[r - 1] < id[r]), item[r] >= 0, item[r] < items, state[r] < states, kind[r] < kinds
            else { return nil }
        }
        return s
    }

    /// A 64-bit checksum (multiply and shift over 8-byte words): finds damage, not forgery.
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(bytes.count)
        var i = 0
        while i + 8 <= bytes.count {
            h = (h ^ UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 32
            i += 8
        }
        while i < bytes.count {
            h = (h ^ UInt64(bytes[i])) &* 0x100_0000_01b3
            i += 1
        }
        return h
    }
}

/// Reads little-endian values and columns from bytes; nil past the end.
private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    mutating func scalar<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard offset + MemoryLayout<T>.size <= bytes.count else { return nil }
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func column<T: FixedWidthInteger>(_: T.Type, count: Int) -> [T]? {
        let size = count * MemoryLayout<T>.stride
        guard count >= 0, offset + size <= bytes.count else { return nil }
        defer { offset += size }
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if size > 0 { memcpy(buffer.baseAddress!, bytes.baseAddress! + offset, size) }
            initialized = count
        }
    }
}
