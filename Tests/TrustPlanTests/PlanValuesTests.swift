import Foundation
import Testing
import TrustCore
import TrustPlan

@Suite struct PlanDurationTests {
    @Test(arguments: [
        ("90s", 90.0), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), ("1d2h3m4s", 93784),
        ("0h15m", 900), ("120m", 7200), ("1m30s", 90), ("3h", 10800),
    ])
    func parses(text: String, seconds: TimeInterval) throws {
        #expect(try PlanDuration.parse(text) == seconds)
    }

    // (text, column, message)
    @Test(arguments: [
        ("", 1, "empty duration; expected a duration such as 90s, 15m, 2h, 1d or 1h30m"),
        ("2", 2, "invalid duration '2': missing a unit after 2 (s, m, h or d)"),
        ("h", 1, "invalid duration 'h': expected a number at 'h'; expected a duration such as 90s, 15m, 2h, 1d or 1h30m"),
        ("1x", 2, "invalid duration '1x': unknown unit 'x'; expected s, m, h or d"),
        ("30m1h", 5, "invalid duration '30m1h': units must go from largest to smallest, each once (e.g. 1h30m)"),
        ("1h1h", 4, "invalid duration '1h1h': units must go from largest to smallest, each once (e.g. 1h30m)"),
        ("0s", 1, "duration '0s' must be longer than zero"),
        ("1.5h", 2, "invalid duration '1.5h': unknown unit '.'; expected s, m, h or d"),
        ("-1h", 1, "invalid duration '-1h': expected a number at '-'; expected a duration such as 90s, 15m, 2h, 1d or 1h30m"),
        ("1h 30m", 3, "invalid duration '1h 30m': expected a number at ' '; expected a duration such as 90s, 15m, 2h, 1d or 1h30m"),
    ])
    func rejects(text: String, column: Int, message: String) {
        #expect(throws: PlanValueError(column: column, message: message)) { try PlanDuration.parse(text) }
    }
}

@Suite struct PerPeriodParseTests {
    @Test(arguments: [
        ("3/week", 1, PerPeriod(count: 3, period: .week)), ("1/day", 1, PerPeriod(count: 1, period: .day)),
        ("12/month", 1, PerPeriod(count: 12, period: .month)), ("0/month", 0, PerPeriod(count: 0, period: .month)),
    ])
    func parses(text: String, minimum: Int, expected: PerPeriod) throws {
        #expect(try PerPeriod.parse(text, minimum: minimum) == expected)
        #expect(expected.description == text)
    }

    @Test(arguments: [
        ("3/wek", 1, 3, "invalid frequency '3/wek': unknown period 'wek'; expected day, week or month"),
        ("3/Week", 1, 3, "invalid frequency '3/Week': unknown period 'Week'; expected day, week or month"),
        ("3", 1, 2, "invalid frequency '3': expected '/' and a period after 3, e.g. 3/week"),
        ("3 per week", 1, 2, "invalid frequency '3 per week': expected '/' and a period after 3, e.g. 3/week"),
        ("/week", 1, 1, "invalid frequency '/week': expected N/day, N/week or N/month, e.g. 3/week"),
        ("0/week", 1, 1, "invalid frequency '0/week': the count must be at least 1"),
    ])
    func rejects(text: String, minimum: Int, column: Int, message: String) {
        #expect(throws: PlanValueError(column: column, message: message)) { try PerPeriod.parse(text, minimum: minimum) }
    }
}

@Suite struct TimeOfDayParseTests {
    @Test(arguments: [("04:00", 4 * 3600), ("4:00", 4 * 3600), ("23:59", 86340), ("00:00", 0)])
    func parses(text: String, seconds: Int) throws {
        #expect(try TimeOfDay.parse(text).secondsSinceMidnight == seconds)
    }

    @Test(arguments: [
        ("24:00", 1, "invalid time '24:00': hour 24 is not 0–23"),
        ("04:60", 4, "invalid time '04:60': minute 60 is not 00–59"),
        ("04:0", 4, "invalid time '04:0': expected two-digit minutes after ':'"),
        ("0400", 3, "invalid time '0400': expected a time of day HH:MM, e.g. \"04:00\""),
        ("4am", 2, "invalid time '4am': expected a time of day HH:MM, e.g. \"04:00\""),
        ("04:00:00", 4, "invalid time '04:00:00': expected two-digit minutes after ':'"),
    ])
    func rejects(text: String, column: Int, message: String) {
        #expect(throws: PlanValueError(column: column, message: message)) { try TimeOfDay.parse(text) }
    }
}

@Suite struct QuietHoursParseTests {
    @Test func parsesAWindowThatWrapsMidnight() throws {
        let q = try QuietHours.parse("22:30-07:30")
        #expect(q == QuietHours(start: TimeOfDay(hour: 22, minute: 30), end: TimeOfDay(hour: 7, minute: 30)))
        #expect(q.wrapsMidnight)
        #expect(q.description == "22:30-07:30")
        #expect(try !QuietHours.parse("13:00-15:00").wrapsMidnight)
    }

    @Test(arguments: [
        ("22:30", 1, "invalid quiet hours '22:30': expected a window HH:MM-HH:MM, e.g. \"22:30-07:30\""),
        ("22:30-22:30", 1, "invalid quiet hours '22:30-22:30': the window starts and ends at the same time"),
        ("22:30-25:00", 7, "invalid quiet hours '22:30-25:00': hour 25 is not 0–23"),
        ("22:30-07:3", 10, "invalid quiet hours '22:30-07:3': expected two-digit minutes after ':'"),
        ("22:30 - 07:30", 4, "invalid quiet hours '22:30 - 07:30': expected two-digit minutes after ':'"),
    ])
    func rejects(text: String, column: Int, message: String) {
        #expect(throws: PlanValueError(column: column, message: message)) { try QuietHours.parse(text) }
    }
}

@Suite struct ChangesTakeEffectTests {
    @Test(arguments: [
        ("changes-take-effect: 7d", 7 * 86400.0),
        ("changes-take-effect: 1d12h", 36 * 3600.0),
        ("changes-take-effect: 90m", 5400.0),
    ] as [(String, TimeInterval)])
    func theDelayIsRead(_ line: String, _ seconds: TimeInterval) throws {
        let result = PlanReader.parse(
            yaml: (["version: 1", line, "commitments:", "  - id: a", "    title: A", "    at: \"21:00\""]).joined(separator: "\n") + "\n",
            file: "plan.yaml", defaultTimeZone: TimeZone(identifier: "UTC")!, now: Date(timeIntervalSince1970: 1_795_608_000))
        #expect(result.errors.isEmpty, "\(result.diagnostics)")
        #expect(result.plan?.changesTakeEffect == seconds)
    }

    @Test func withoutTheKeyNothingWaits() {
        let result = PlanReader.parse(
            yaml: "version: 1\ncommitments:\n  - id: a\n    title: A\n    at: \"21:00\"\n", file: "plan.yaml",
            defaultTimeZone: TimeZone(identifier: "UTC")!, now: Date(timeIntervalSince1970: 1_795_608_000))
        #expect(result.plan?.changesTakeEffect == nil)
    }
}
