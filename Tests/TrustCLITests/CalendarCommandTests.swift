// `trustctl calendar`: argument parsing and the report, through the library. The built binary
// is compared with systemd-analyze line by line in Tests/Scripts/calendar-cli.sh.
import ArgumentParser
import Foundation
import Testing
import TrustCore

@testable import TrustCLI
@testable import TrustReport

/// A clock for a named zone that does not depend on the process's $TZ (tests run in parallel).
private struct ZoneClock: LocalClock {
    let zone: TimeZone
    let abbreviations: (standard: String, daylight: String)

    func local(_ seconds: Int64) -> (fields: CivilFields, offset: Int, abbreviation: String) {
        let date = Date(timeIntervalSince1970: Double(seconds))
        let offset = zone.secondsFromGMT(for: date)
        let f = CivilFields(utc: seconds + Int64(offset))
        return (f, offset, zone.isDaylightSavingTime(for: date) ? abbreviations.daylight : abbreviations.standard)
    }
}

private let berlin = TimeZone(identifier: "Europe/Berlin")!
private let berlinClock = ZoneClock(zone: berlin, abbreviations: ("CET", "CEST"))
private let utc = TimeZone(identifier: "UTC")!
private let utcClock = ZoneClock(zone: utc, abbreviations: ("UTC", "UTC"))
/// Wed 2026-11-25 12:00 CET.
private let noon: Int64 = 1_795_604_400_000_000

private func render(
    _ expressions: [String], base: Int64 = noon, now: Int64 = noon, zone: TimeZone = berlin,
    clock: some LocalClock = berlinClock, iterations: Int = 1, json: Bool = false
) -> (out: String, err: String, failed: Bool) {
    let r = CalendarReport.render(
        expressions: expressions, base: base, now: now, zone: zone, iterations: iterations, json: json, clock: clock)
    return (String(decoding: r.stdout, as: UTF8.self), r.stderr, r.failed)
}

@Suite struct CalendarCommandTests {
    @Test func parsesItsArguments() throws {
        let c = try CalendarCommand.parse(["--base-time", "@1795604400", "--iterations", "3", "--json", "Mon..Fri 19:00", "daily"])
        #expect(c.baseTime == "@1795604400")
        #expect(c.iterations == 3)
        #expect(c.json)
        #expect(c.expressions == ["Mon..Fri 19:00", "daily"])
        let d = try CalendarCommand.parse(["--base-time=2026-11-25 12:00", "hourly"])
        #expect(d.baseTime == "2026-11-25 12:00" && d.iterations == 1 && !d.json)
    }

    @Test(arguments: [[String](), ["--iterations", "-1", "daily"], ["--iterations", "x", "daily"]])
    func rejectsBadArguments(arguments: [String]) {
        #expect(throws: (any Error).self) { try CalendarCommand.parse(arguments) }
    }

    @Test func textLooksLikeSystemdAnalyze() {
        let r = render(["Mon..Fri 19:00", "*-*-* 00:00:00"], iterations: 2)
        #expect(!r.failed && r.err.isEmpty)
        #expect(
            r.out == """
                  Original form: Mon..Fri 19:00
                Normalized form: Mon..Fri *-*-* 19:00:00
                    Next elapse: Wed 2026-11-25 19:00:00 CET
                       (in UTC): Wed 2026-11-25 18:00:00 UTC
                       From now: 7h left
                       Iter. #2: Thu 2026-11-26 19:00:00 CET
                       (in UTC): Thu 2026-11-26 18:00:00 UTC
                       From now: 1 day 7h left

                Normalized form: *-*-* 00:00:00
                    Next elapse: Thu 2026-11-26 00:00:00 CET
                       (in UTC): Wed 2026-11-25 23:00:00 UTC
                       From now: 12h left
                       Iter. #2: Fri 2026-11-27 00:00:00 CET
                       (in UTC): Thu 2026-11-26 23:00:00 UTC
                       From now: 1 day 12h left

                """)
    }

    @Test func utcHasNoUTCLinesAndNeverIsSaid() {
        let r = render(["2026-11-25 11:00 UTC", "hourly"], zone: utc, clock: utcClock, iterations: 1)
        #expect(
            r.out == """
                  Original form: 2026-11-25 11:00 UTC
                Normalized form: 2026-11-25 11:00:00 UTC
                    Next elapse: never

                  Original form: hourly
                Normalized form: *-*-* *:00:00
                    Next elapse: Wed 2026-11-25 12:00:00 UTC
                       From now: 1h 0min left

                """)
    }

    @Test func invalidExpressionsNameTheColumnAndFail() {
        let r = render(["Mon..Fry 19:00", "daily"], iterations: 0)
        #expect(r.failed)
        #expect(
            r.err == """
                trustctl: calendar: 'Mon..Fry 19:00': column 6: expected a weekday (Mon…Sun), found 'Fry'
                  Mon..Fry 19:00
                       ^

                """)
        // The valid one is still reported, as systemd-analyze does.
        #expect(r.out == "\n  Original form: daily\nNormalized form: *-*-* 00:00:00\n")
    }

    @Test func jsonHasOneObjectPerExpression() throws {
        let r = render(["Mon..Fri 19:00", "*:*:0/0.5", "bogus", "2026-11-25 11:00"], iterations: 3, json: true)
        #expect(r.failed)
        let array = try #require(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(array.count == 4)
        #expect(array[0]["expression"] as? String == "Mon..Fri 19:00")
        #expect(array[0]["normalized"] as? String == "Mon..Fri *-*-* 19:00:00")
        #expect(
            array[0]["next"] as? [String] == [
                "2026-11-25T19:00:00+01:00", "2026-11-26T19:00:00+01:00", "2026-11-27T19:00:00+01:00",
            ])
        #expect(
            array[1]["next"] as? [String] == [
                "2026-11-25T12:00:00.500000+01:00", "2026-11-25T12:00:01+01:00", "2026-11-25T12:00:01.500000+01:00",
            ])
        #expect(array[2]["column"] as? Int == 1)
        #expect((array[2]["error"] as? String)?.contains("bogus") == true)
        #expect(array[3]["next"] as? [String] == [])
    }

    @Test func jsonEscapesTheExpressionAndTheError() throws {
        let expression = "Mon\"\\\t\u{8}é"
        let r = render([expression], json: true)
        #expect(r.failed)
        #expect(r.out.hasPrefix(#"[\#n  {"expression": "Mon\"\\\t\bé", "error": "#))
        let array = try #require(JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [[String: Any]])
        #expect(array.first?["expression"] as? String == expression)
    }

    @Test func relativeTimesFollowSystemd() {
        func relative(_ d: Int64) -> String {
            var w = ByteWriter()
            w.appendRelative(noon + d, now: noon)
            return String(decoding: w.bytes, as: UTF8.self)
        }
        let s: Int64 = 1_000_000
        #expect(relative(0) == "now")
        #expect(relative(500) == "500us left")
        #expect(relative(1500) == "1ms left")
        #expect(relative(59 * s) == "59s left")
        #expect(relative(61 * s) == "1min 1s left")
        #expect(relative(-(5 * 60 * s)) == "5min ago")
        #expect(relative(3 * 3600 * s + 120 * s) == "3h 2min left")
        #expect(relative(7 * 3600 * s) == "7h left")
        #expect(relative(26 * 3600 * s) == "1 day 2h left")
        #expect(relative(3 * 86400 * s) == "3 days left")
        #expect(relative(8 * 86400 * s) == "1 week 1 day left")
        #expect(relative(40 * 86400 * s) == "1 month 9 days left")
        #expect(relative(-(800 * 86400 * s)) == "2 years 2 months ago")
    }

    @Test func baseTimes() {
        #expect(BaseTime.parse("@1795604400") == 1_795_604_400_000_000)
        #expect(BaseTime.parse("@1795604400.25") == 1_795_604_400_250_000)
        #expect(BaseTime.parse("@-5") == nil)
        #expect(BaseTime.parse("2026-11-25 25:00") == nil)
        #expect(BaseTime.parse("2026-11-31 12:00") == nil)
        #expect(BaseTime.parse("tomorrow") == nil)
        // Local times go through the C library's mktime in the process's zone; only check that
        // they parse and keep their order.
        let a = BaseTime.parse("2026-11-25 12:00")
        let b = BaseTime.parse("2026-11-25 12:00:01")
        #expect(a != nil && b != nil && b! - a! == 1_000_000)
    }

    @Test func localZoneFromTZ() throws {
        #expect(try LocalZone.resolve(tz: ":Europe/Berlin").identifier == "Europe/Berlin")
        #expect(try LocalZone.resolve(tz: "Asia/Kolkata").identifier == "Asia/Kolkata")
        #expect(try LocalZone.resolve(tz: "/usr/share/zoneinfo/America/New_York").identifier == "America/New_York")
        #expect(try LocalZone.resolve(tz: "").secondsFromGMT() == 0)
        #expect(throws: LocalZone.UnknownZone.self) { try LocalZone.resolve(tz: "Mars/Olympus") }
        #expect(LocalZone.isUTC(utc, at: noon))
        #expect(!LocalZone.isUTC(berlin, at: noon))
        #expect(!LocalZone.isUTC(TimeZone(identifier: "Europe/London")!, at: noon))
    }
}
