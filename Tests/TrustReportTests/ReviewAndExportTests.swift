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
    func records() -> [OccurrenceRecord] {
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
        // The fast formatters agree with the general ones.
        for r in records {
            #expect(TrustReport.Format.utcFast(r.scheduled) == TrustReport.Format.utc(r.scheduled))
            #expect(TrustReport.Format.day(r.day) == r.day.description)
        }
        #expect(TrustReport.Format.day(DayKey(year: 987, month: 1, day: 2)) == "0987-01-02")
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
