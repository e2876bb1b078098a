// `trustctl export`: every occurrence with its answer and note, for a spreadsheet, a backup or a counsellor.
//
// Fast: a 10-year ledger of 50 items is ~180,000 rows. Every row is written straight into one byte
// buffer (digits, escapes and UTF-8, no String or encoder per row); item, title and zone are escaped
// once per distinct value; rows are ordered by sorting small keys, not the records themselves.
import Foundation
import TrustCore

public enum Export {
    public enum Format: String, Sendable, CaseIterable {
        /// RFC 4180: a header row, CRLF line ends, fields quoted when they need it.
        case csv
        /// One JSON array, one object per line.
        case json
        /// JSON lines: one object per line.
        case jsonl
    }

    public static let columns = [
        "id", "item", "kind", "title", "day", "scheduled", "scheduled_local", "zone", "deadline", "state",
        "answered_at", "note",
    ]

    /// The rows, oldest first (by day, then scheduled instant). `titles` come from the plan when it has the item.
    ///
    /// JSON objects have their keys sorted and every column present (null when empty), `id` as a number;
    /// strings are escaped as `JSONEncoder` escapes them (`\"`, `\\`, `\b \t \n \f \r`, other control
    /// characters as `\u00XX`, `/` and non-ASCII kept as they are, in UTF-8).
    public static func render(_ records: [CheckIn], titles: [ItemID: String], format: Format) throws -> Data {
        joined(try renderParts(records, titles: titles, format: format))
    }

    /// `renderParts`' parts as one `Data` (for standard output, where they are written at once).
    public static func joined(_ parts: [Data]) -> Data {
        if parts.count == 1 { return parts[0] }
        var data = Data(capacity: parts.reduce(0) { $0 + $1.count })
        for part in parts { data.append(part) }
        return data
    }

    /// The same bytes in consecutive parts, each written on its own thread (a large export on every
    /// core): written one after another, they are `render`'s output, without joining them in memory.
    public static func renderParts(_ records: [CheckIn], titles: [ItemID: String], format: Format) throws -> [Data] {
        renderParts(records, titles: titles, format: format, parts: records.count >= Report.parallelAbove ? 4 : 1)
    }

    static func renderParts(_ records: [CheckIn], titles: [ItemID: String], format: Format, parts: Int) -> [Data] {
        let rows = order(records)
        let size = max(1, (rows.count + parts - 1) / parts)
        return Parallel.map(Array(0..<parts), threshold: parts > 1 ? 2 : Int.max) { part in
            let range = min(part * size, rows.count)..<min((part + 1) * size, rows.count)
            return renderPart(records, rows: rows, range: range, first: part == 0, last: part == parts - 1, titles: titles, format: format)
        }
    }

    /// Rows `rows[range]`, with the header (the `first` part) and the closing bracket (the `last` part).
    private static func renderPart(
        _ records: [CheckIn], rows: [Int], range: Range<Int>, first: Bool, last: Bool, titles: [ItemID: String],
        format: Format
    ) -> Data {
        var w = Writer(titles: titles)
        var out = ByteBuffer(capacity: range.count * (format == .csv ? 200 : 330) + 256)
        switch format {
        case .csv:
            if first {
                out.ascii(columns.joined(separator: ","))
                out.crlf()
            }
            for n in range { w.csvRow(records[rows[n]], into: &out) }
        case .json:
            if first { out.byte(UInt8(ascii: "[")) }
            for n in range {
                if n > 0 { out.byte(UInt8(ascii: ",")) }
                out.byte(0x0A)
                w.jsonRow(records[rows[n]], into: &out)
            }
            if last {
                if !records.isEmpty { out.byte(0x0A) }
                out.byte(UInt8(ascii: "]"))
                out.byte(0x0A)
            }
        case .jsonl:
            for n in range {
                w.jsonRow(records[rows[n]], into: &out)
                out.byte(0x0A)
            }
        }
        return out.data()
    }

    /// Indices of `records` by day, then scheduled instant, then id.
    static func order(_ records: [CheckIn]) -> [Int] {
        struct Key {
            var day: Int
            var scheduled: Double
            var id: Int64
            var index: Int
        }
        var keys = records.enumerated().map { i, r in
            Key(day: (r.day.year * 16 + r.day.month) * 32 + r.day.day, scheduled: r.scheduled.timeIntervalSince1970, id: r.id, index: i)
        }
        let sorted = zip(keys, keys.dropFirst()).allSatisfy { a, b in
            (a.day, a.scheduled, a.id) <= (b.day, b.scheduled, b.id)
        }
        if !sorted { keys.sort { a, b in (a.day, a.scheduled, a.id) < (b.day, b.scheduled, b.id) } }
        return keys.map(\.index)
    }

    /// RFC 4180: quoted when it contains a comma, a quote, CR or LF (and then quotes doubled); also when it
    /// starts or ends with a space, which some spreadsheets would trim. A field that starts with `=`, `+`,
    /// `-`, `@`, a tab or CR gets a `'` first (OWASP's guard against formulas run by a spreadsheet).
    public static func csvField(_ s: String) -> String {
        var b = ByteBuffer(capacity: s.utf8.count + 2)
        b.csv(s)
        return String(decoding: b.array, as: UTF8.self)
    }

    /// The JSON string literal of `s`, quotes included, escaped as `render` escapes notes.
    public static func jsonString(_ s: String) -> String {
        var b = ByteBuffer(capacity: s.utf8.count + 2)
        b.json(s)
        return String(decoding: b.array, as: UTF8.self)
    }

    /// Per-export state: the escaped forms of items, titles and zones (few, repeated on every row) and
    /// the zones' offsets.
    struct Writer {
        struct ItemText {
            var item: ItemID
            var jsonItem: [UInt8]
            var jsonTitle: [UInt8]  // a literal or null
            var csvItem: [UInt8]
            var csvTitle: [UInt8]
        }
        struct ZoneText {
            var zone: String
            var json: [UInt8]
            var csv: [UInt8]
            var cache: Int
        }
        let titles: [ItemID: String]
        var zones = ZoneCache()
        var itemTexts: [ItemText] = []
        var itemIndex: [ItemID: Int] = [:]
        var zoneTexts: [ZoneText] = []
        var zoneIndex: [String: Int] = [:]
        // The last row's item and zone: the ledger comes in runs of both.
        var lastItem = -1
        var lastZone = -1

        init(titles: [ItemID: String]) { self.titles = titles }

        /// The index of the item's texts in `itemTexts` (an index, not the texts: copying them out would
        /// retain and release five references on every row).
        mutating func item(_ id: ItemID) -> Int {
            if lastItem >= 0 && itemTexts[lastItem].item == id { return lastItem }
            if let i = itemIndex[id] {
                lastItem = i
                return i
            }
            var jsonItem = ByteBuffer(capacity: 32), jsonTitle = ByteBuffer(capacity: 64)
            var csvItem = ByteBuffer(capacity: 32), csvTitle = ByteBuffer(capacity: 64)
            jsonItem.json(id.rawValue)
            csvItem.csv(id.rawValue)
            if let title = titles[id] {
                jsonTitle.json(title)
                csvTitle.csv(title)
            } else {
                jsonTitle.ascii("null")
            }
            itemTexts.append(
                ItemText(item: id, jsonItem: jsonItem.array, jsonTitle: jsonTitle.array, csvItem: csvItem.array, csvTitle: csvTitle.array))
            lastItem = itemTexts.count - 1
            itemIndex[id] = lastItem
            return lastItem
        }

        /// The index of the zone's texts in `zoneTexts`, and its UTC offset at `date`.
        mutating func zone(_ id: String, at date: Date) -> (index: Int, offset: Int) {
            if !(lastZone >= 0 && zoneTexts[lastZone].zone == id) {
                if let i = zoneIndex[id] {
                    lastZone = i
                } else {
                    var json = ByteBuffer(capacity: 32), csv = ByteBuffer(capacity: 32)
                    json.json(id)
                    csv.csv(id)
                    zoneTexts.append(ZoneText(zone: id, json: json.array, csv: csv.array, cache: zones.index(id)))
                    lastZone = zoneTexts.count - 1
                    zoneIndex[id] = lastZone
                }
            }
            return (lastZone, zones.offset(zoneTexts[lastZone].cache, at: date))
        }

        /// id,item,kind,title,day,scheduled,scheduled_local,zone,deadline,state,answered_at,note CRLF
        mutating func csvRow(_ r: borrowing CheckIn, into out: inout ByteBuffer) {
            let item = item(r.item)
            let (zone, offset) = zone(r.zone, at: r.scheduled)
            let comma = UInt8(ascii: ",")
            out.int(r.id)
            out.byte(comma)
            out.append(itemTexts[item].csvItem)
            out.byte(comma)
            out.csv(r.kind.rawValue)
            out.byte(comma)
            out.append(itemTexts[item].csvTitle)
            out.byte(comma)
            out.day(r.day)
            out.byte(comma)
            out.utc(r.scheduled)
            out.byte(comma)
            out.local(r.scheduled, offset: offset)
            out.byte(comma)
            out.append(zoneTexts[zone].csv)
            out.byte(comma)
            out.utc(r.deadline)
            out.byte(comma)
            out.csv(r.state.rawValue)
            out.byte(comma)
            if let answered = r.answeredAt { out.utc(answered) }
            out.byte(comma)
            if let note = r.note { out.csv(note) }
            out.crlf()
        }

        /// One object, keys sorted (as `JSONEncoder` with `.sortedKeys` writes them).
        mutating func jsonRow(_ r: borrowing CheckIn, into out: inout ByteBuffer) {
            let item = item(r.item)
            let (zone, offset) = zone(r.zone, at: r.scheduled)
            out.ascii("{\"answered_at\":")
            if let answered = r.answeredAt {
                out.byte(UInt8(ascii: "\""))
                out.utc(answered)
                out.byte(UInt8(ascii: "\""))
            } else {
                out.ascii("null")
            }
            out.ascii(",\"day\":\"")
            out.day(r.day)
            out.ascii("\",\"deadline\":\"")
            out.utc(r.deadline)
            out.ascii("\",\"id\":")
            out.int(r.id)
            out.ascii(",\"item\":")
            out.append(itemTexts[item].jsonItem)
            out.ascii(",\"kind\":")
            out.json(r.kind.rawValue)
            out.ascii(",\"note\":")
            if let note = r.note { out.json(note) } else { out.ascii("null") }
            out.ascii(",\"scheduled\":\"")
            out.utc(r.scheduled)
            out.ascii("\",\"scheduled_local\":\"")
            out.local(r.scheduled, offset: offset)
            out.ascii("\",\"state\":")
            out.json(r.state.rawValue)
            out.ascii(",\"title\":")
            out.append(itemTexts[item].jsonTitle)
            out.ascii(",\"zone\":")
            out.append(zoneTexts[zone].json)
            out.byte(UInt8(ascii: "}"))
        }
    }
}

/// Bytes appended in place: the export's single output buffer, handed over to `Data` without a copy.
///
/// Each write makes room for its longest form once (`reserve`), then stores bytes without further checks.
struct ByteBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    /// The last day `dayAndClock` wrote (days since 1970) and where its ten bytes (`2026-11-25`) are.
    private var lastDays = Int.min
    private var lastDayAt = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        guard let memory = malloc(self.capacity) else { fatalError("export: out of memory") }
        base = memory.bindMemory(to: UInt8.self, capacity: self.capacity)
    }

    deinit { free(base) }

    /// The bytes, as `Data` that owns the buffer from now on.
    consuming func data() -> Data {
        let data = Data(bytesNoCopy: base, count: count, deallocator: .free)
        discard self
        return data
    }

    /// A copy of the bytes.
    var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Room for `n` more bytes.
    @inline(__always) private mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    private mutating func grow(to needed: Int) {
        capacity = max(needed, capacity * 2)
        guard let memory = realloc(base, capacity) else { fatalError("export: out of memory") }
        base = memory.bindMemory(to: UInt8.self, capacity: capacity)
    }

    /// Stores a byte in reserved room.
    @inline(__always) private mutating func put(_ b: UInt8) {
        base[count] = b
        count += 1
    }

    /// Copies `n` bytes into reserved room.
    @inline(__always) private mutating func put(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        (base + count).update(from: bytes, count: n)
        count += n
    }

    @inline(__always) private mutating func putTwoDigits(_ n: Int) {
        put(UInt8(truncatingIfNeeded: 48 + n / 10))
        put(UInt8(truncatingIfNeeded: 48 + n % 10))
    }

    mutating func byte(_ b: UInt8) {
        reserve(1)
        put(b)
    }

    mutating func append(_ bytes: [UInt8]) {
        reserve(bytes.count)
        bytes.withUnsafeBufferPointer { put($0.baseAddress!, $0.count) }
    }

    mutating func ascii(_ s: StaticString) {
        reserve(s.utf8CodeUnitCount)
        put(s.utf8Start, s.utf8CodeUnitCount)
    }

    mutating func ascii(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            reserve(utf8.count)
            put(utf8.baseAddress!, utf8.count)
        }
    }

    mutating func crlf() {
        reserve(2)
        put(13)
        put(10)
    }

    /// A decimal integer.
    mutating func int(_ n: Int64) {
        guard n >= 0 else { return ascii(String(n)) }
        var digits = 1
        var rest = n / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        reserve(digits)
        var v = n
        for i in stride(from: count + digits - 1, through: count, by: -1) {
            base[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
            v /= 10
        }
        count += digits
    }

    /// `2026-11-25`, as `DayKey.description`.
    mutating func day(_ d: DayKey) {
        guard d.year >= 0 && d.year <= 9999 else { return ascii(d.description) }
        reserve(10)
        putTwoDigits(d.year / 100)
        putTwoDigits(d.year % 100)
        put(UInt8(ascii: "-"))
        putTwoDigits(d.month)
        put(UInt8(ascii: "-"))
        putTwoDigits(d.day)
    }

    /// Day and clock of `t` seconds since 1970 (local or UTC): `2026-11-25T20:30:00`.
    private mutating func dayAndClock(_ t: Int) {
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        if days == lastDays {
            // A row's instants mostly fall on one day: its text again, copied from where it was
            // written, without the calendar's arithmetic.
            reserve(10)
            put(base + lastDayAt, 10)
        } else {
            let start = count
            day(DayKey(daysSinceEpoch: days))
            if count - start == 10 {
                lastDays = days
                lastDayAt = start
            }
        }
        let seconds = t - days * 86400
        reserve(9)
        put(UInt8(ascii: "T"))
        putTwoDigits(seconds / 3600)
        put(UInt8(ascii: ":"))
        putTwoDigits(seconds / 60 % 60)
        put(UInt8(ascii: ":"))
        putTwoDigits(seconds % 60)
    }

    /// `2026-11-25T20:30:00Z`, as `Format.utc`.
    mutating func utc(_ date: Date) {
        dayAndClock(Int((date.timeIntervalSince1970).rounded(.down)))
        byte(UInt8(ascii: "Z"))
    }

    /// `2026-11-25T21:30:00+01:00`, as `Format.local` (the offset already known).
    mutating func local(_ date: Date, offset: Int) {
        dayAndClock(Int((date.timeIntervalSince1970).rounded(.down)) + offset)
        let off = abs(offset)
        reserve(6)
        put(offset < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
        putTwoDigits(off / 3600)
        put(UInt8(ascii: ":"))
        putTwoDigits(off / 60 % 60)
    }

    /// A JSON string literal, escaped as `JSONEncoder` escapes (RFC 8259: quote, backslash and control
    /// characters; `/`, DEL and non-ASCII as they are, in UTF-8).
    mutating func json(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            reserve(utf8.count * 6 + 2)  // every byte \u00XX at worst
            put(UInt8(ascii: "\""))
            var start = 0
            for (i, c) in utf8.enumerated() where c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") {
                put(utf8.baseAddress! + start, i - start)
                start = i + 1
                put(UInt8(ascii: "\\"))
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): put(c)
                case 0x08: put(UInt8(ascii: "b"))
                case 0x09: put(UInt8(ascii: "t"))
                case 0x0A: put(UInt8(ascii: "n"))
                case 0x0C: put(UInt8(ascii: "f"))
                case 0x0D: put(UInt8(ascii: "r"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    put(UInt8(ascii: "u"))
                    put(UInt8(ascii: "0"))
                    put(UInt8(ascii: "0"))
                    put(hex.utf8Start[Int(c >> 4)])
                    put(hex.utf8Start[Int(c & 15)])
                }
            }
            put(utf8.baseAddress! + start, utf8.count - start)
            put(UInt8(ascii: "\""))
        }
    }

    /// An RFC 4180 field: quoted when it contains a comma, a quote, CR or LF (quotes doubled), or starts or
    /// ends with a space. A field a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`,
    /// a tab or CR) is quoted with a `'` before it, as OWASP recommends against CSV injection: the
    /// spreadsheet shows the text and runs nothing. (The JSON export carries the text unchanged.)
    /// The first bytes a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
    static func startsFormula(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "=") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "@") || b == 9 || b == 13
    }

    mutating func csv(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            let formula = utf8.first.map(ByteBuffer.startsFormula) ?? false
            let needs =
                formula
                || utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 13 || $0 == 10 }
                || utf8.first == UInt8(ascii: " ") || utf8.last == UInt8(ascii: " ")
            guard needs else {
                reserve(utf8.count)
                return put(utf8.baseAddress!, utf8.count)
            }
            reserve(utf8.count * 2 + 3)
            put(UInt8(ascii: "\""))
            if formula { put(UInt8(ascii: "'")) }
            for c in utf8 {
                if c == UInt8(ascii: "\"") { put(c) }
                put(c)
            }
            put(UInt8(ascii: "\""))
        }
    }
}
