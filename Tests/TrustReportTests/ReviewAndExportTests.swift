import Foundation
import Testing
import TrustCore
@testable import TrustReport
import TrustTestSupport

@Suite struct ReviewMarkdownTests {
    let plan = Plan(
        timeZone: TimeZone(identifier: "Europe/Berlin")!,
        items: [
            Item(id: "call", kind: .commitment, title: "Call *every* evening", schedule: [], celebrate: [3, 7]),
            Item(id: "walk", kind: .commitment, title: "Walk", schedule: [], target: PerPeriod(count: 3, period: .week)),
            Item(id: "phone", kind: .boundary, title: "No phone at dinner", schedule: []),
        ])

    func ledger() -> LedgerBuilder {
        var b = LedgerBuilder()
        b.pattern("call", from: .d("2026-11-09"), "KKKKKKK")
        b.pattern("call", from: .d("2026-11-16"), "KK")
        b.add("call", on: .d("2026-11-18"), .skipped, note: "Sam at a concert")
        b.pattern("call", from: .d("2026-11-19"), "KKK")
        b.add("call", on: .d("2026-11-22"), .missed, note: "Fell asleep <early>")
        b.pattern("walk", from: .d("2026-11-16"), "K.K.K..")
        b.pattern("phone", kind: .boundary, from: .d("2026-11-16"), "KKKKKK")
        b.add("phone", kind: .boundary, on: .d("2026-11-22"), .unanswered)
        b.add("phone", kind: .boundary, on: .d("2026-11-20"), at: TimeOfDay(hour: 13, minute: 0), .kept, note: "Lunch too")
        return b
    }

    @Test func pastWeek() {
        let review = WeekReview(
            plan: plan, records: ledger().records, week: .d("2026-11-18"), today: .d("2026-11-25"), now: .now)
        let md = ReviewMarkdown.render(review, meta: ReportMeta(generatedAt: .now, timeZone: plan.timeZone))
        Sample.keep("review.md", md)
        let lines = md.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "# Weekly check-in: 16–22 November 2026")
        #expect(md.contains("_From the ledger on Wednesday 25 November 2026. The week is over._"))
        #expect(md.contains("**15 of 17 check-ins kept (88%)**, 3 promises · 2 slips · 1 skip"))
        #expect(md.contains("- **Call \\*every\\* evening**: 5 of 6 kept (1 skipped) · streak 0 check-ins · strength"))
        #expect(md.contains("- **Walk** (3/week): 3 of 3 kept — target met · streak 1 week"))
        #expect(md.contains("- **No phone at dinner**: held 7 of 8"))
        #expect(md.contains("- **Call \\*every\\* evening**, Sun 22 Nov: missed — “Fell asleep \\<early\\>”"))
        #expect(md.contains("- **No phone at dinner**, Sun 22 Nov: no answer"))
        #expect(md.contains("- **Call \\*every\\* evening**, Wed 18 Nov: within the budget of 2 a month — “Sam at a concert”"))
        #expect(!md.contains("## Milestones"))  // 3 and 7 were reached the week before
        #expect(md.contains("- **No phone at dinner**, Fri 20 Nov (kept): “Lunch too”"))
        #expect(md.contains("## To talk about"))
        #expect(md.contains("What got in the way of what slipped"))
    }

    /// The skip budget in words, for each period (Format.thisPeriod's "today" once made "a budget of 1 today").
    @Test(arguments: [(Period.day, "1 a day"), (.week, "1 a week"), (.month, "1 a month")])
    func skipBudgetsInWords(period: Period, words: String) {
        let plan = Plan(
            timeZone: TimeZone(identifier: "Europe/Berlin")!,
            items: [Item(id: "call", kind: .commitment, title: "Call", schedule: [], skips: PerPeriod(count: 1, period: period))])
        var b = LedgerBuilder()
        b.pattern("call", from: .d("2026-11-16"), "KKSK")
        let review = WeekReview(plan: plan, records: b.records, week: .d("2026-11-16"), today: .d("2026-11-25"), now: .now)
        let md = ReviewMarkdown.render(review, meta: ReportMeta(generatedAt: .now, timeZone: plan.timeZone))
        #expect(md.contains("- **Call**, Wed 18 Nov: within the budget of \(words)\n"), "\(md)")
    }

    @Test func milestonesOfTheWeek() {
        var b = LedgerBuilder()
        b.pattern("call", from: .d("2026-11-14"), "KKKKKK")
        let review = WeekReview(plan: plan, records: b.records, week: .d("2026-11-16"), today: .d("2026-11-25"), now: .now)
        let md = ReviewMarkdown.render(review, meta: ReportMeta(generatedAt: .now, timeZone: plan.timeZone))
        // The streak reached 3 on Mon 16 (Sat, Sun, Mon); 7 is not reached.
        #expect(md.contains("## Milestones\n\n- **Call \\*every\\* evening** kept for 3 check-ins in a row (Mon 16 Nov)\n"))
        #expect(md.contains("Nothing slipped this week."))
        #expect(!md.contains("What got in the way"))
    }

    @Test func currentWeekInProgressAndEmptyWeek() {
        let review = WeekReview(
            plan: plan, records: ledger().records, week: .d("2026-11-17"), today: .d("2026-11-18"), now: .now)
        let md = ReviewMarkdown.render(review, meta: ReportMeta(generatedAt: .now, timeZone: plan.timeZone))
        #expect(md.contains("the week is not over yet"))
        #expect(md.contains("- **Walk** (3/week): 2 of 2 kept — 1 more by Sunday"))
        let empty = WeekReview(plan: plan, records: [], week: .d("2026-11-17"), today: .d("2026-11-18"), now: .now)
        #expect(ReviewMarkdown.render(empty, meta: ReportMeta(generatedAt: .now, timeZone: plan.timeZone)).contains("Nothing was asked this week."))
    }
}

@Suite struct ExportTests {
    func records() -> [CheckIn] {
        var b = LedgerBuilder()
        b.add("call", on: .d("2026-11-20"), .kept, note: "said \"hi\", then talked\nfor an hour")
        b.add("call", on: .d("2026-11-19"), .missed)
        b.add("phone", kind: .boundary, on: .d("2026-11-19"), at: TimeOfDay(hour: 8, minute: 0), .pending)
        b.add("call", on: .d("2026-11-21"), .skipped, note: " leading space")
        return b.records
    }

    @Test func csvIsRFC4180() throws {
        let data = try Export.render(records(), titles: ["call": "Call, every evening"], format: .csv)
        let text = String(decoding: data, as: UTF8.self)
        Sample.keep("export.csv", text)
        #expect(text.hasPrefix(Export.columns.joined(separator: ",") + "\r\n"))
        #expect(text.hasSuffix("\r\n"))
        // Parse it back with a strict RFC 4180 reader and compare.
        let rows = try parseCSV(text)
        #expect(rows.count == 5)
        #expect(rows.allSatisfy { $0.count == Export.columns.count })
        #expect(rows[1][1] == "phone" && rows[1][3] == "" && rows[1][9] == "pending")  // oldest first: Thu 08:00
        #expect(rows[2][1] == "call" && rows[2][3] == "Call, every evening" && rows[2][9] == "missed")
        #expect(rows[3][11] == "said \"hi\", then talked\nfor an hour")
        #expect(rows[3][5] == "2026-11-20T20:30:00Z")
        #expect(rows[3][6] == "2026-11-20T21:30:00+01:00")
        #expect(rows[3][4] == "2026-11-20")
        #expect(rows[4][11] == " leading space")
        #expect(text.contains("\" leading space\""))
    }

    /// OWASP's guard against CSV injection: a cell a spreadsheet would run as a formula gets a `'`
    /// first, inside quotes; the JSON export keeps the person's text exactly.
    @Test(arguments: ["=HYPERLINK(\"http://x\",\"hi\")", "+1 cup", "-2 cups", "@SUM(A1)", "\tTab", "\rCR"])
    func csvCellsThatStartAFormulaAreGuardedAndJSONIsNot(note: String) throws {
        var b = LedgerBuilder()
        b.add("call", on: .d("2026-11-20"), .kept, note: note)
        b.add("call", on: .d("2026-11-21"), .kept, note: "a = b + c - d @ e")
        let titles: [ItemID: String] = ["call": "=cmd|' /C calc'!A0"]
        let csv = String(decoding: try Export.render(b.records, titles: titles, format: .csv), as: UTF8.self)
        let rows = try parseCSV(csv)
        #expect(rows[1][11] == "'" + note)
        #expect(rows[1][3] == "'=cmd|' /C calc'!A0")
        #expect(rows[2][11] == "a = b + c - d @ e")
        #expect(csv.contains("\"'" + note.replacingOccurrences(of: "\"", with: "\"\"") + "\""))
        let json = try Export.render(b.records, titles: titles, format: .json)
        let parsed = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: Any]])
        #expect(parsed[0]["note"] as? String == note)
        #expect(parsed[0]["title"] as? String == "=cmd|' /C calc'!A0")
    }

    @Test func jsonArrayAndLines() throws {
        let array = try Export.render(records(), titles: [:], format: .json)
        let parsed = try #require(try JSONSerialization.jsonObject(with: array) as? [[String: Any]])
        #expect(parsed.count == 4)
        #expect(parsed[0]["item"] as? String == "phone")
        #expect(parsed[0]["answered_at"] is NSNull)
        #expect(parsed[0]["title"] is NSNull)
        #expect(parsed[2]["note"] as? String == "said \"hi\", then talked\nfor an hour")
        #expect(parsed[2]["id"] as? Int == 1)
        let lines = try Export.render(records(), titles: [:], format: .jsonl)
        let text = String(decoding: lines, as: UTF8.self)
        let objects = text.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == 4 && objects.allSatisfy { $0 != nil })
        #expect(text.hasSuffix("}\n"))
        #expect(try Export.render([], titles: [:], format: .json) == Data("[]\n".utf8))
        #expect(try Export.render([], titles: [:], format: .jsonl).isEmpty)
    }

    @Test func localTimesFollowDSTAndTheRecordedZone() throws {
        var berlin = LedgerBuilder()
        for d in ["2026-03-28", "2026-03-29", "2026-10-24", "2026-10-25"] { berlin.add("call", on: .d(d), .kept) }
        berlin.add("call", on: .d("2026-03-29"), at: TimeOfDay(hour: 1, minute: 59), .kept)
        var records = berlin.records
        var ny = LedgerBuilder(zone: "America/New_York")
        ny.add("call", on: .d("2026-03-28"), .kept)
        records += ny.records.map { r in
            var r = r
            r.id += 100
            return r
        }
        let rows = try parseCSV(String(decoding: try Export.render(records, titles: [:], format: .csv), as: UTF8.self))
        let local = rows.dropFirst().map { $0[6] }
        #expect(
            local == [
                "2026-03-28T21:30:00+01:00", "2026-03-28T21:30:00-04:00", "2026-03-29T01:59:00+01:00",
                "2026-03-29T21:30:00+02:00", "2026-10-24T21:30:00+02:00", "2026-10-25T21:30:00+01:00",
            ])
        #expect(DayKey(year: 987, month: 1, day: 2).description == "0987-01-02")  // what Export writes for a day
    }

    /// Notes as people write them, and what a careless writer gets wrong: quotes, backslashes, every
    /// control character, DEL, a slash, non-ASCII (accents, emoji, U+2028), commas, CRLF, edge spaces.
    static let hardNotes: [String?] = [
        nil, "", "plain", "said \"hi\"", #"back\slash \\ and \""#, "a/b </script>", "tab\there", "line\nbreak", "crlf\r\nend",
        String(String.UnicodeScalarView((0..<0x20).map { Unicode.Scalar($0)! })), "del\u{7F}", "café, naïve — “quoted”",
        "emoji 😀👩‍❤️‍👨", "separators \u{2028}\u{2029} bom \u{FEFF}", " leading", "trailing ", ",", "\"", "\u{0}nul",
        String(repeating: "longer than the buffer \"reserves\" per row,\r\n", count: 2000),
    ]

    /// Records across zones (half-hour and 45-minute offsets, negative ones, an unknown zone), instants
    /// before 1970 and far ahead, large ids, hard notes and titles; shuffled.
    static func hardRecords(count: Int) -> [CheckIn] {
        var rng = SplitMix64(seed: 0x7275_7374)
        let zones = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "America/St_Johns", "UTC", "Mars/Olympus"]
        let items: [ItemID] = ["call", "walk", "phone", "check-in-2", "x"]
        let pool: [String] = ["a", "Z", " ", ",", "\"", "\\", "/", "\n", "\r", "\t", "\u{1}", "\u{1F}", "\u{7F}", "é", "😀", "\u{2028}", "ß"]
        var records: [CheckIn] = []
        for n in 0..<count {
            let scheduled = Date(timeIntervalSince1970: Double(Int64(rng.next() % 6_000_000_000)) - 1_000_000_000 + 0.25)
            let zone = zones[Int(rng.next() % UInt64(zones.count))]
            let tz = TimeZone(identifier: zone) ?? TimeZone(identifier: "UTC")!
            var note: String?
            if n < hardNotes.count {
                note = hardNotes[n]
            } else if rng.next() % 3 == 0 {
                note = String((0..<Int(rng.next() % 12)).map { _ in pool[Int(rng.next() % UInt64(pool.count))] }.joined())
            }
            let state = CheckInState.allCases[Int(rng.next() % 5)]
            records.append(
                CheckIn(
                    id: n % 7 == 0 ? Int64.max - Int64(n) : Int64(n), item: items[Int(rng.next() % 5)],
                    kind: rng.next() % 2 == 0 ? .commitment : .boundary, scheduled: scheduled, zone: zone,
                    day: DayKey.of(scheduled, in: tz), deadline: scheduled.addingTimeInterval(Double(rng.next() % 90_000)),
                    state: state, answeredAt: state.answer == nil ? nil : scheduled.addingTimeInterval(Double(rng.next() % 9000) + 0.9),
                    note: note))
        }
        for i in records.indices.reversed() where i > 0 { records.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        return records
    }

    static let hardTitles: [ItemID: String] = [
        "call": "Call, every \"evening\"", "walk": "Walk\ttogether\n(weekly) é", "phone": " No phone ", "x": "😀",
    ]

    /// The export as it was first written (a String per field, one `JSONEncoder` encode per row), with the
    /// general formatters: the byte writer must give the same bytes.
    enum Reference {
        static func sorted(_ records: [CheckIn]) -> [CheckIn] {
            records.sorted { a, b in
                if a.day != b.day { return a.day < b.day }
                if a.scheduled != b.scheduled { return a.scheduled < b.scheduled }
                return a.id < b.id
            }
        }

        static func fields(_ r: CheckIn, titles: [ItemID: String]) -> [String?] {
            let zone = TimeZone(identifier: r.zone) ?? TimeZone(identifier: "UTC")!
            return [
                String(r.id), r.item.rawValue, r.kind.rawValue, titles[r.item], r.day.description,
                TrustReport.Format.utc(r.scheduled), TrustReport.Format.local(r.scheduled, in: zone), r.zone,
                TrustReport.Format.utc(r.deadline), r.state.rawValue, r.answeredAt.map(TrustReport.Format.utc), r.note,
            ]
        }

        static func csvField(_ s: String) -> String {
            let formula = s.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false
            let needs = formula || s.contains { $0 == "," || $0 == "\"" || $0.unicodeScalars.contains { $0 == "\r" || $0 == "\n" } }
                || s.unicodeScalars.first == " " || s.unicodeScalars.last == " "
            return needs ? "\"" + (formula ? "'" : "") + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }

        static func csv(_ records: [CheckIn], titles: [ItemID: String]) -> String {
            var text = Export.columns.joined(separator: ",") + "\r\n"
            for r in sorted(records) {
                text += fields(r, titles: titles).map { csvField($0 ?? "") }.joined(separator: ",") + "\r\n"
            }
            return text
        }

        static func jsonObjects(_ records: [CheckIn], titles: [ItemID: String]) throws -> [Data] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return try sorted(records).map { try encoder.encode(Row(values: fields($0, titles: titles))) }
        }

        struct Row: Encodable {
            var values: [String?]
            struct Key: CodingKey {
                var stringValue: String
                var intValue: Int? { nil }
                init(stringValue: String) { self.stringValue = stringValue }
                init?(intValue: Int) { nil }
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: Key.self)
                for (k, v) in zip(Export.columns, values) {
                    if k == "id", let v, let id = Int64(v) {
                        try c.encode(id, forKey: Key(stringValue: k))
                    } else {
                        try c.encode(v, forKey: Key(stringValue: k))
                    }
                }
            }
        }
    }

    @Test func jsonIsJSONEncodersOutputByteForByte() throws {
        let records = Self.hardRecords(count: 3000)
        let objects = try Reference.jsonObjects(records, titles: Self.hardTitles)
        let jsonl = try Export.render(records, titles: Self.hardTitles, format: .jsonl)
        let lines = jsonl.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(lines.count == objects.count + 1 && lines.last?.isEmpty == true)
        #expect(zip(lines, objects).first { Data($0) != $1 }.map { String(decoding: $0.0, as: UTF8.self) } == nil)
        #expect(jsonl == Data(objects.map { $0 + Data("\n".utf8) }.joined()))
        let json = try Export.render(records, titles: Self.hardTitles, format: .json)
        #expect(json == Data("[\n".utf8) + Data(objects.joined(separator: Data(",\n".utf8))) + Data("\n]\n".utf8))
        // And it parses back to the records' values: notes and titles intact, nulls where nothing is.
        let parsed = try #require(try JSONSerialization.jsonObject(with: json) as? [[String: Any]])
        let sorted = Reference.sorted(records)
        #expect(parsed.count == records.count)
        for (object, r) in zip(parsed, sorted) {
            #expect(object.count == Export.columns.count)
            #expect((object["id"] as? NSNumber)?.int64Value == r.id)
            #expect(object["note"] as? String == r.note || (r.note == nil && object["note"] is NSNull))
            #expect(object["title"] as? String == Self.hardTitles[r.item] || (Self.hardTitles[r.item] == nil && object["title"] is NSNull))
            #expect(object["zone"] as? String == r.zone)
        }
        for note in Self.hardNotes.compactMap({ $0 }) {
            let literal = Data(Export.jsonString(note).utf8)
            #expect(try JSONSerialization.jsonObject(with: literal, options: .fragmentsAllowed) as? String == note)
        }
        #expect(Export.jsonString("a\u{1}\u{1F}\u{7F}/é\"\\\u{8}\u{C}") == #""a\u0001\u001f\#u{7F}/é\"\\\b\f""#)
    }

    @Test func csvIsTheStringWritersOutputByteForByte() throws {
        let records = Self.hardRecords(count: 3000)
        let csv = try Export.render(records, titles: Self.hardTitles, format: .csv)
        let ours = String(decoding: csv, as: UTF8.self), reference = Reference.csv(records, titles: Self.hardTitles)
        let (a, b) = (ours.components(separatedBy: "\r\n"), reference.components(separatedBy: "\r\n"))
        #expect(a.count == b.count)
        #expect(zip(a, b).first { $0 != $1 }.map { "\($0.0) ≠ \($0.1)" } == nil)
        #expect(ours.utf8.elementsEqual(reference.utf8))
        let rows = try parseCSV(String(decoding: csv, as: UTF8.self))
        // Read back, a note is the note, with the `'` of the formula guard before one that needs it.
        let guarded = { (s: String) in (s.unicodeScalars.first.map { "=+-@\t\r".unicodeScalars.contains($0) } ?? false) ? "'" + s : s }
        #expect(zip(rows.dropFirst(), Reference.sorted(records)).allSatisfy { row, r in row[11] == guarded(r.note ?? "") })
        for note in Self.hardNotes.compactMap({ $0 }) { #expect(Export.csvField(note) == Reference.csvField(note)) }
    }

    @Test func alreadySortedInputKeepsItsOrderAndTiesGoByID() throws {
        var b = LedgerBuilder()
        b.add("b", on: .d("2026-11-20"), .kept)
        b.add("a", on: .d("2026-11-20"), .kept)  // same instant: id 2 after id 1
        b.add("a", on: .d("2026-11-21"), .kept)
        let forward = try Export.render(b.records, titles: [:], format: .csv)
        let backward = try Export.render(b.records.reversed(), titles: [:], format: .csv)
        #expect(forward == backward)
        let ids = try parseCSV(String(decoding: forward, as: UTF8.self)).dropFirst().map { $0[0] }
        #expect(ids == ["1", "2", "3"])
    }

    /// A strict RFC 4180 parser (CRLF records, quoted fields with doubled quotes).
    func parseCSV(_ text: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\r" {
                try #require(chars.popFirst() == "\n", "CR without LF")
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                try #require(c != "\n" && c != "\"", "bare LF or quote outside quotes")
                field.unicodeScalars.append(c)
            }
        }
        try #require(row.isEmpty && field.isEmpty && !quoted, "unterminated record")
        return rows
    }
}

/// A large export is written in parts rendered on several threads: joined, they are byte for byte the
/// export in one part, in every format, for any number of parts (more parts than rows too).
@Suite struct ExportPartsTests {
    static func records() -> [CheckIn] {
        var b = LedgerBuilder()
        for i in 0..<60 {
            let day = DayKey("2026-10-01")!.adding(days: i / 3)
            let states: [CheckInState] = [.kept, .missed, .skipped, .pending]
            b.add(i % 3 == 0 ? "call" : (i % 3 == 1 ? "walk" : "phone"), kind: i % 3 == 2 ? .boundary : .commitment,
                on: day, at: TimeOfDay(hour: 8 + i % 3, minute: 0), states[i % 4], note: i % 5 == 0 ? "note, \"\(i)\"" : nil)
        }
        return b.records
    }

    @Test(arguments: Export.Format.allCases)
    func partsJoinedAreTheWhole(_ format: Export.Format) throws {
        let records = Self.records()
        let titles: [ItemID: String] = ["call": "Call, every evening", "walk": "Walk"]
        let whole = Export.renderParts(records, titles: titles, format: format, parts: 1)
        #expect(whole.count == 1)
        for parts in [2, 4, 7, 100] {
            let split = Export.renderParts(records, titles: titles, format: format, parts: parts)
            #expect(split.count == parts)
            #expect(split.reduce(Data(), +) == whole[0], "\(format), \(parts) parts")
        }
        for parts in [1, 4] {
            let empty = Export.renderParts([], titles: [:], format: format, parts: parts).reduce(Data(), +)
            #expect(empty == Export.renderParts([], titles: [:], format: format, parts: 1)[0], "\(format), empty, \(parts) parts")
        }
    }
}
