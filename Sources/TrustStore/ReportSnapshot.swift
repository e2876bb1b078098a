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
// report shows). It is written when missing, unusable or more than `ReportCache.rewriteAfter` events
// behind, mode 0600 by a rename (a reader sees a whole file or none), not synced (losing it costs one
// full read), and carries checksums: a damaged or foreign file is ignored and replaced. Where it
// cannot be written, the ledger is read in full every time. docs/ledger.md says the same.
import Foundation
import GRDB
import GRDBSQLite
import TrustCore

/// What the report reads of every occurrence that is not voided, by item, as of one event of the
/// ledger: each item's entries are what `ItemCheckIns` holds, built once and handed over as they are.
struct LedgerSnapshot: Equatable, Sendable {
    /// The newest event read: its sequence number (0: the log was empty) and its hash (empty for 0).
    var headSeq: Int64 = 0
    var headHash: [UInt8] = []
    /// Every item with an occurrence (voided ones included), in no particular order.
    var items: [ItemRows] = []

    /// One item's occurrences.
    struct ItemRows: Equatable, Sendable {
        var item: String
        /// The item's occurrences that are not voided, by ascending id.
        var entries: [CompactCheckIn] = []
        /// Each entry's kind (`LedgerSnapshot.kinds` index).
        var kinds: [UInt8] = []

        /// The index of occurrence `id` in `entries` (by ascending id), or where it would go.
        static func position(of id: Int64, in entries: [CompactCheckIn]) -> (index: Int, found: Bool) {
            var lo = 0
            var hi = entries.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if entries[mid].id < id { lo = mid + 1 } else { hi = mid }
            }
            return (lo, lo < entries.count && entries[lo].id == id)
        }

        /// Sets occurrence `entry` (new, or new values): a voided one is taken out.
        mutating func upsert(_ entry: CompactCheckIn, kind: UInt8) {
            if entry.state != .voided, entries.last.map({ $0.id < entry.id }) ?? true {
                entries.append(entry)
                kinds.append(kind)
                return
            }
            let (i, found) = Self.position(of: entry.id, in: entries)
            switch (found, entry.state == .voided) {
            case (true, true):
                entries.remove(at: i)
                kinds.remove(at: i)
            case (true, false):
                entries[i] = entry
                kinds[i] = kind
            case (false, false):
                entries.insert(entry, at: i)
                kinds.insert(kind, at: i)
            case (false, true): break
            }
        }
    }

    /// The codes of the state and kind columns, fixed by the cache file's format (`voided` last: the
    /// entries kept have the codes below it).
    static let states: [CheckInState] = [.pending, .kept, .missed, .skipped, .unanswered, .voided]
    static let kinds: [ItemKind] = [.commitment, .boundary]

    var count: Int { items.reduce(0) { $0 + $1.entries.count } }

    /// What `checkInsByItem` returns: the occurrences of `items` (all when nil) whose day is on or
    /// after `since`, split by item in order of first appearance (the lowest id), each item's kind that of
    /// its newest occurrence (the highest id among equal instants), with `notes` (by item and occurrence
    /// id) attached to the occurrences returned.
    func ledgers(items filter: [ItemID]?, since: DayKey?, notes: [(id: Int64, item: String, text: String)])
        -> [ItemCheckIns]
    {
        let wanted = filter.map { Set($0.map(\.rawValue)) }
        let first = Int32(clamping: since?.daysSinceEpoch ?? Int(Int32.min))
        var ledgers: [ItemCheckIns] = []
        var index: [String: Int] = [:]
        for rows in items where wanted?.contains(rows.item) ?? true {
            var entries = rows.entries
            var kinds = rows.kinds
            if since != nil, entries.contains(where: { $0.day < first }) {
                let keep = entries.indices.filter { entries[$0].day >= first }
                entries = keep.map { entries[$0] }
                kinds = keep.map { kinds[$0] }
            }
            guard !entries.isEmpty else { continue }
            var newest = Int64.min
            var kind = UInt8(0)
            for j in entries.indices where entries[j].scheduledMs >= newest {
                newest = entries[j].scheduledMs
                kind = kinds[j]
            }
            index[rows.item] = ledgers.count
            ledgers.append(ItemCheckIns(item: ItemID(rawValue: rows.item), kind: Self.kinds[Int(kind)], entries: entries))
        }
        for note in notes {
            guard let i = index[note.item], ItemRows.position(of: note.id, in: ledgers[i].entries).found else { continue }
            ledgers[i].notes[note.id] = note.text
        }
        return ledgers.sorted { $0.entries[0].id < $1.entries[0].id }
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
    /// by two connections at once, and a cache decoded on every core. `cache`: the cache file to use and
    /// bring up to date (nil: none), written again after `rewriteAfter` events.
    func checkInsByItem(
        items: [ItemID]?, since: DayKey?, notesSince: DayKey?, parallelAbove: Int, cache: String?,
        rewriteAfter: Int64 = ReportCache.rewriteAfter
    ) throws(StoreError) -> [ItemCheckIns] {
        if let items, items.isEmpty { return [] }
        let cached = cache.flatMap { ReportCache.read($0, parallelAbove: parallelAbove) }
        // Without a cache, read everything (two parts at once when large): maybe an older state than the
        // transaction below, which brings it up to date.
        let start: LedgerSnapshot
        if let cached { start = cached } else { start = try fullSnapshot(parallelAbove: parallelAbove) }
        let path = self.path
        let (snapshot, notes, foreign) = try read { db in
            if try !SnapshotRows.isPrefix(start, of: db) {
                // Not this ledger's history (the file was replaced): read it in full.
                let snapshot = try SnapshotRows.read(db, into: LedgerSnapshot(), ids: nil, path: path)
                return (snapshot, try SnapshotRows.notes(db, since: notesSince), true)
            }
            return (try SnapshotRows.update(start, db, path: path), try SnapshotRows.notes(db, since: notesSince), false)
        }
        // Written again when it is missing or another ledger's, or when more than `rewriteAfter` events
        // have been read on top of it: rewriting ~5 MB after every answer would cost more than reading a
        // few hundred occurrences again each time.
        if let cache, foreign || cached.map({ snapshot.headSeq - $0.headSeq > rewriteAfter }) ?? true {
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

    /// The newest event's sequence number and hash; (0, []) when the log is empty.
    private static func head(_ db: Database) throws -> (seq: Int64, hash: [UInt8]) {
        guard let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1") else {
            return (0, [])
        }
        return (row[0], [UInt8](row[1] as Data))
    }

    /// Whether `snapshot` is an earlier state of this ledger: its newest event is in the log, same hash.
    static func isPrefix(_ snapshot: LedgerSnapshot, of db: Database) throws -> Bool {
        if snapshot.headSeq == 0 { return true }
        let hash = try Data.fetchOne(db, sql: "SELECT hash FROM event WHERE seq = ?", arguments: [snapshot.headSeq])
        return hash.map { [UInt8]($0) } == snapshot.headHash
    }

    /// `snapshot` (an earlier state of this ledger) with the occurrences of every later event read again.
    static func update(_ snapshot: LedgerSnapshot, _ db: Database, path: String) throws -> LedgerSnapshot {
        let newest = try head(db)
        guard newest.seq > snapshot.headSeq else { return snapshot }
        var rows = SnapshotRows(snapshot)
        let statement = try db.makeStatement(
            sql: columns + " WHERE id IN (SELECT occurrence FROM event WHERE seq > ?) ORDER BY id")
        try statement.setArguments([snapshot.headSeq])
        try rows.step(statement, path: path)
        (rows.snapshot.headSeq, rows.snapshot.headHash) = newest
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
        (rows.snapshot.headSeq, rows.snapshot.headHash) = try head(db)
        return rows.snapshot
    }

    /// `b`'s occurrences (higher ids, read in the same state of the ledger) after `a`'s.
    static func appending(_ b: LedgerSnapshot, to a: LedgerSnapshot) -> LedgerSnapshot {
        var rows = SnapshotRows(a)
        for item in b.items {
            let i = rows.index(of: Array(item.item.utf8))
            for (entry, kind) in zip(item.entries, item.kinds) { rows.snapshot.items[i].upsert(entry, kind: kind) }
        }
        return rows.snapshot
    }

    /// The notes of the occurrences on or after `since` (none when nil), with their ids and items. Found
    /// through the index on the scheduled instant: an occurrence's day is the date of its instant in its
    /// zone (the day starting at `day-starts`), never more than a day before it, so two days' margin
    /// finds them all.
    static func notes(_ db: Database, since: DayKey?) throws -> [(id: Int64, item: String, text: String)] {
        guard let since else { return [] }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, item, note FROM occurrence
                WHERE scheduled >= ? AND day >= ? AND note IS NOT NULL AND state != 'voided'
                """,
            arguments: [Int64(since.daysSinceEpoch - 2) * 86_400_000, DayNumber.from(since)])
        var notes: [(id: Int64, item: String, text: String)] = []
        while let row = try rows.next() { notes.append((row[0], row[1], row[2])) }
        return notes
    }

    private(set) var snapshot: LedgerSnapshot
    private var names: [[UInt8]]
    private var byHash: [UInt64: [Int]] = [:]
    /// Rows come much in the same item order day after day: the item after the previous row's is the
    /// first guess, checked byte for byte before the hash table is asked.
    private var previous = -1

    private init(_ snapshot: LedgerSnapshot) {
        self.snapshot = snapshot
        names = snapshot.items.map { Array($0.item.utf8) }
        for (i, name) in names.enumerated() {
            name.withUnsafeBytes { byHash[Self.hash($0), default: []].append(i) }
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
            guard let bytes, count > 0, let kind = RawColumn.kind(stmt, 2), let state = RawColumn.state(stmt, 6) else {
                throw StoreError.corrupt(path: path, detail: "occurrence #\(id) has invalid values; run `trustctl verify`")
            }
            let i = index(of: UnsafeRawBufferPointer(start: bytes, count: count))
            let dayNumber = sqlite3_column_int64(stmt, 4)
            if dayNumber != lastDayNumber {
                lastDayNumber = dayNumber
                lastDay = Int32(DayNumber.day(dayNumber).daysSinceEpoch)
            }
            snapshot.items[i].upsert(
                CompactCheckIn(
                    id: id, day: lastDay, state: state, scheduledMs: sqlite3_column_int64(stmt, 3),
                    deadlineMs: sqlite3_column_int64(stmt, 5)),
                kind: kind == .commitment ? 0 : 1)
        }
    }

    /// The index of an item id given as UTF-8 bytes, added to the snapshot's items when new.
    private mutating func index(of raw: UnsafeRawBufferPointer) -> Int {
        if !names.isEmpty {
            let guess = previous + 1 < names.count ? previous + 1 : 0
            if matches(guess, raw) {
                previous = guess
                return guess
            }
        }
        let hash = Self.hash(raw)
        if let candidates = byHash[hash], let i = candidates.first(where: { matches($0, raw) }) {
            previous = i
            return i
        }
        let i = names.count
        names.append(Array(raw))
        byHash[hash, default: []].append(i)
        snapshot.items.append(LedgerSnapshot.ItemRows(item: String(decoding: raw, as: UTF8.self)))
        previous = i
        return i
    }

    private mutating func index(of bytes: [UInt8]) -> Int { bytes.withUnsafeBytes { index(of: $0) } }

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
/// order fails the byte order mark and is ignored). Each item's part carries its own checksum, so the
/// parts are checked and decoded on several cores at once:
///
///     "trustd-report-cache 2\n"  magic, 22 bytes
///     UInt32 0x01020304          byte order mark
///     Int64 headSeq, 32 bytes headHash (zeros when headSeq is 0)
///     UInt32 item count
///     UInt64 checksum of the above
///     per item: UInt32 id byte count, UTF-8 bytes, Int64 entry count n, then the columns:
///       n × Int64 id, scheduled, deadline; n × Int32 day; n × UInt8 state, kind;
///       UInt64 checksum of the item's part
enum ReportCache {
    static let magic = Array("trustd-report-cache 2\n".utf8)

    /// The events read on top of the file before it is written again (a daily plan of 50 items appends
    /// about 150 a day).
    static let rewriteAfter: Int64 = 1_000

    static func path(for ledger: String) -> String { ledger + "-report" }

    /// The snapshot in the file at `path`; nil when there is none, or it is damaged or foreign. Decoded on
    /// every core from `parallelAbove` entries.
    static func read(_ path: String, parallelAbove: Int = 20_000) -> LedgerSnapshot? {
        guard let file = FileSystem.Mapping(path) else { return nil }
        return decode(file.bytes, parallelAbove: parallelAbove)
    }

    /// Writes the file (0600, by rename, not synced); a failure only means the next report reads more.
    static func write(_ snapshot: LedgerSnapshot, to path: String) {
        FileSystem.replaceUnsynced(path, with: encode(snapshot))
    }

    static func encode(_ s: LedgerSnapshot) -> [UInt8] {
        var out = magic
        out.reserveCapacity(128 + s.items.reduce(0) { $0 + 20 + $1.item.utf8.count + $1.entries.count * 30 })
        func put<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func sum(from start: Int) { put(out.withUnsafeBytes { checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }) }
        withUnsafeBytes(of: UInt32(0x0102_0304)) { out.append(contentsOf: $0) }  // host order: must read back as written
        put(s.headSeq)
        out.append(contentsOf: s.headHash.count == 32 ? s.headHash : [UInt8](repeating: 0, count: 32))
        put(UInt32(s.items.count))
        sum(from: 0)
        for item in s.items {
            let start = out.count
            put(UInt32(item.item.utf8.count))
            out.append(contentsOf: item.item.utf8)
            let entries = item.entries
            put(Int64(entries.count))
            // Whole columns at a time, in the host's order (little-endian: checked on read).
            func column<T: FixedWidthInteger>(_ value: (CompactCheckIn) -> T) {
                entries.map(value).withUnsafeBytes { out.append(contentsOf: $0) }
            }
            column(\.id)
            column(\.scheduledMs)
            column(\.deadlineMs)
            column(\.day)
            let codes = Dictionary(uniqueKeysWithValues: LedgerSnapshot.states.enumerated().map { ($1, UInt8($0)) })
            column { codes[$0.state]! }
            out.append(contentsOf: item.kinds)
            sum(from: start)
        }
        return out
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, parallelAbove: Int = 20_000) -> LedgerSnapshot? {
        var reader = ByteReader(bytes: bytes, offset: 0)
        guard reader.skip(magic.count), bytes.starts(with: magic), reader.skip(4),
            bytes.loadUnaligned(fromByteOffset: magic.count, as: UInt32.self) == 0x0102_0304,
            let headSeq = reader.scalar(Int64.self), let hash = reader.bytes(32), let itemCount = reader.scalar(UInt32.self),
            reader.checksum(from: 0)
        else { return nil }
        // Where each item's part is: its id, entry count and columns.
        var parts: [ItemPart] = []
        for _ in 0..<itemCount {
            let start = reader.offset
            guard let length = reader.scalar(UInt32.self), reader.skip(Int(length)), let n = reader.scalar(Int64.self),
                n >= 0, n <= Int64(bytes.count) / 30
            else { return nil }
            let columns = reader.offset
            guard reader.skip(Int(n) * 30 + 8) else { return nil }
            parts.append(
                ItemPart(bytes: bytes, start: start, name: (start + 4)..<(start + 4 + Int(length)), count: Int(n), columns: columns))
        }
        guard reader.offset == bytes.count else { return nil }
        let total = parts.reduce(0) { $0 + $1.count }
        let items = Parallel.map(parts, threshold: total >= parallelAbove ? 2 : Int.max) { $0.decode() }
        guard !items.contains(where: { $0 == nil }) else { return nil }
        return LedgerSnapshot(headSeq: headSeq, headHash: headSeq == 0 ? [] : hash, items: items.map { $0! })
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

/// One item's part of a cache file (its checksum right after it). The file's mapping outlives it.
private struct ItemPart: @unchecked Sendable {  // immutable, and the mapped bytes are never written: any thread may read
    let bytes: UnsafeRawBufferPointer
    let start: Int
    let name: Range<Int>
    let count: Int
    let columns: Int

    /// The entries, straight from the columns into their array; nil when the checksum does not match, or a
    /// value makes no sense (a writer that wrote nonsense: the checksum cannot tell).
    func decode() -> LedgerSnapshot.ItemRows? {
        var reader = ByteReader(bytes: bytes, offset: columns + count * 30)
        guard reader.checksum(from: start) else { return nil }
        let n = count
        let base = columns
        func int64(_ column: Int, _ r: Int) -> Int64 {
            Int64(littleEndian: bytes.loadUnaligned(fromByteOffset: base + column * n * 8 + r * 8, as: Int64.self))
        }
        let days = base + 24 * n
        let states = days + 4 * n
        let kinds = states + n
        // A voided occurrence is never kept: the codes of the others, looked up once.
        let codes = LedgerSnapshot.states.dropLast()
        let kindCount = UInt8(LedgerSnapshot.kinds.count)
        var valid = true
        var previous = Int64.min
        let entries = [CompactCheckIn](unsafeUninitializedCapacity: n) { buffer, initialized in
            codes.withUnsafeBufferPointer { codes in
                for r in 0..<n {
                    let id = int64(0, r)
                    let code = Int(bytes[states + r])
                    guard id > previous, code < codes.count, bytes[kinds + r] < kindCount else {
                        valid = false
                        return
                    }
                    previous = id
                    let day = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: days + r * 4, as: Int32.self))
                    (buffer.baseAddress! + r).initialize(
                        to: CompactCheckIn(
                            id: id, day: day, state: codes[code], scheduledMs: int64(1, r), deadlineMs: int64(2, r)))
                    initialized = r + 1
                }
            }
        }
        guard valid else { return nil }
        return LedgerSnapshot.ItemRows(
            item: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[name]), as: UTF8.self), entries: entries,
            kinds: Array(UnsafeRawBufferPointer(rebasing: bytes[kinds..<(kinds + n)])))
    }
}

/// Reads little-endian values from bytes, and checks checksums; nil or false past the end.
private struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, offset + count <= bytes.count else { return false }
        offset += count
        return true
    }

    mutating func scalar<T: FixedWidthInteger>(_: T.Type) -> T? {
        guard offset + MemoryLayout<T>.size <= bytes.count else { return nil }
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard skip(count) else { return nil }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[(offset - count)..<offset]))
    }

    /// Whether the next 8 bytes are the checksum of the bytes from `start` to here (and skips them).
    mutating func checksum(from start: Int) -> Bool {
        let end = offset
        guard let stored = scalar(UInt64.self) else { return false }
        return ReportCache.checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) == stored
    }
}
