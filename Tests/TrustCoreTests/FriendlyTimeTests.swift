// Friendly times: each phrase must give exactly this expression, and systemd-analyze (the
// oracle of CalendarDifferentialTests) must accept it and agree with our engine on when it
// elapses; phrases that cannot be understood are refused with examples.
import Foundation
import Testing
import TrustCore

@Suite struct FriendlyTimeTests {
    static let table: [(phrase: String, expressions: [String])] = [
        // The issue's examples.
        ("weekdays at 7pm", ["Mon..Fri 19:00"]),
        ("every Sunday 18:00", ["Sun 18:00"]),
        ("daily 21:30", ["*-*-* 21:30"]),
        ("Mon, Wed, Fri 7am", ["Mon,Wed,Fri 07:00"]),
        ("every evening at 9", ["*-*-* 21:00"]),
        ("first Monday of the month at 10", ["Mon *-*-01..07 10:00"]),
        ("twice a day at 9 and 21", ["*-*-* 09,21:00"]),
        // Days.
        ("every day at 8am", ["*-*-* 08:00"]),
        ("everyday 6:45pm", ["*-*-* 18:45"]),
        ("each weekday at 17:30", ["Mon..Fri 17:30"]),
        ("on weekdays at 7 pm", ["Mon..Fri 19:00"]),
        ("weekends at 10am", ["Sat,Sun 10:00"]),
        ("every weekend at 11:15", ["Sat,Sun 11:15"]),
        ("Mon-Fri 19:00", ["Mon..Fri 19:00"]),
        ("Monday to Friday at 8:30am", ["Mon..Fri 08:30"]),
        ("Monday through Thursday at 20:00", ["Mon..Thu 20:00"]),
        ("Fri to Mon at 9pm", ["Mon,Fri..Sun 21:00"]),
        ("Mondays and Thursdays at 7pm", ["Mon,Thu 19:00"]),
        ("Tue & Thu 18:30", ["Tue,Thu 18:30"]),
        ("on Saturday at noon", ["Sat 12:00"]),
        ("Sundays at 10", ["Sun 10:00"]),
        ("every Wednesday evening at 8", ["Wed 20:00"]),
        ("Tuesday 7.30pm", ["Tue 19:30"]),
        ("sat, sun 9:00", ["Sat,Sun 09:00"]),
        ("MONDAY 06:00", ["Mon 06:00"]),
        // Times of day.
        ("every morning at 7", ["*-*-* 07:00"]),
        ("every night at 10", ["*-*-* 22:00"]),
        ("every afternoon at 3", ["*-*-* 15:00"]),
        ("at 9 in the evening", ["*-*-* 21:00"]),
        ("every evening at 9:30", ["*-*-* 21:30"]),
        ("each evening at 21:15", ["*-*-* 21:15"]),
        ("daily at midnight", ["*-*-* 00:00"]),
        ("every day at noon", ["*-*-* 12:00"]),
        ("daily at 12am", ["*-*-* 00:00"]),
        ("daily at 12pm", ["*-*-* 12:00"]),
        ("daily at 7 p.m.", ["*-*-* 19:00"]),
        ("9pm", ["*-*-* 21:00"]),
        ("Fridays at 10:30 pm", ["Fri 22:30"]),
        ("every morning at 10:30", ["*-*-* 10:30"]),
        ("at 12:15 a.m.", ["*-*-* 00:15"]),
        ("21:30", ["*-*-* 21:30"]),
        ("at 6", ["*-*-* 06:00"]),
        ("at 07:05", ["*-*-* 07:05"]),
        ("7pm on weekdays", ["Mon..Fri 19:00"]),
        ("at 21:00 every day", ["*-*-* 21:00"]),
        // Several times a day.
        ("three times a day at 8, 14 and 20", ["*-*-* 08,14,20:00"]),
        ("3 times a day at 8am, 2pm, 8pm", ["*-*-* 08,14,20:00"]),
        ("once a day at 9", ["*-*-* 09:00"]),
        ("twice a day at 9:30 and 21:00", ["*-*-* 09:30", "*-*-* 21:00"]),
        ("weekdays at 8am and 6pm", ["Mon..Fri 08,18:00"]),
        ("at 21 and 9", ["*-*-* 09,21:00"]),
        // Weekdays of the month.
        ("second Tuesday of the month at 19:00", ["Tue *-*-08..14 19:00"]),
        ("third Wednesday of each month at 6pm", ["Wed *-*-15..21 18:00"]),
        ("4th Thursday of every month at 20:30", ["Thu *-*-22..28 20:30"]),
        ("last Friday of the month at 5pm", ["Fri *-*~01..07 17:00"]),
        ("the first Sunday of the month at noon", ["Sun *-*-01..07 12:00"]),
        // Calendar expressions are kept as typed.
        ("Mon..Fri 19:00", ["Mon..Fri 19:00"]),
        ("Sat,Sun *-*-* 10:00", ["Sat,Sun *-*-* 10:00"]),
        ("*-*-01 09:00", ["*-*-01 09:00"]),
    ]

    static let refused: [(phrase: String, because: String)] = [
        ("", "nothing was typed"),
        ("   ", "nothing was typed"),
        ("sometimes", "'sometimes' is not a day or a time I know"),
        ("weekdays", "it does not say at what time"),
        ("every Sunday", "it does not say at what time"),
        ("daily", "it does not say at what time"),
        ("weekly", "'weekly' does not say which day"),
        ("Mon..Fri", "'mon..fri' is not a day or a time I know"),
        ("at 25:00", "hours run from 0 to 23"),
        ("at 7:75", "minutes run from 00 to 59"),
        ("at 13pm", "is not an hour on a 12-hour clock"),
        ("at 19:00 pm", "a 24-hour time needs no am/pm"),
        ("every evening at 07:30", "07:30 is not in the evening"),
        ("at 1900", "is not a time of day"),
        ("every evening at 7am", "07:00 is not in the evening"),
        ("every morning at 9pm", "21:00 is not in the morning"),
        ("every evening at 2", "2 o'clock is not in the evening"),
        ("twice a day at 9", "it says 2 times a day but names 1 time"),
        ("three times a day at 9 and 21", "it says 3 times a day but names 2 times"),
        ("at 9 and 9", "the same time is named twice"),
        ("twice a week at 7pm", "does not say which days"),
        ("monthly at 10", "'monthly' does not say which day"),
        ("first of the month at 10", "must be followed by a day of the week"),
        ("first Monday at 10", "needs 'of the month'"),
        ("on the 15th at 9", "'15th' is not a time of day"),
        ("weekdays at 7pm on weekends", "name different days"),
        ("every morning in the evening at 8", "contradict each other"),
        ("9-5", "'-' is not a day or a time I know"),
        ("tomorrow at 9", "'tomorrow' is not a day or a time I know"),
        ("every hour", "'hour' is not a day or a time I know"),
        ("every 2 days at 9", "'2 days' is an interval"),
        ("every 3 hours", "'3 hours' is an interval"),
        ("in 10 minutes", "'10 minutes' is an interval"),
        ("at 7:30 pm pm", "'pm' is not a day or a time I know"),
    ]

    @Test(arguments: table)
    func phraseGivesExpression(phrase: String, expressions: [String]) throws {
        let t = try FriendlyTime.parse(phrase)
        #expect(t.expressions == expressions, "'\(phrase)'")
    }

    @Test(arguments: refused)
    func phraseIsRefused(phrase: String, because: String) {
        do {
            let t = try FriendlyTime.parse(phrase)
            Issue.record("'\(phrase)' was read as \(t.expressions); it must be refused (\(because))")
        } catch {
            #expect(error.reason.contains(because), "'\(phrase)': \(error.reason)")
            // The message always offers examples.
            #expect(error.description.contains("'weekdays at 7pm'"))
        }
    }

    /// The examples a refusal offers are understood themselves.
    @Test(arguments: FriendlyTime.examples)
    func examplesAreUnderstood(phrase: String) throws {
        let t = try FriendlyTime.parse(phrase)
        #expect(!t.isCalendarExpression && !t.expressions.isEmpty)
    }

    @Test func tableIsLargeEnough() {
        #expect(Self.table.count >= 40)
    }

    /// systemd-analyze accepts every expression of the table and lists the same next elapses as
    /// our engine, in two zones, from a base before a DST change.
    @Test(arguments: ["Europe/Berlin", "America/New_York"])
    func expressionsAgreeWithSystemdAnalyze(zoneID: String) throws {
        guard FileManager.default.isExecutableFile(atPath: Oracle.path) else {
            Issue.record("systemd-analyze (the oracle) is not installed: run Scripts/setup")
            return
        }
        let zone = try #require(TimeZone(identifier: zoneID))
        let expressions = Array(Set(Self.table.flatMap(\.expressions))).sorted()
        for base in [1_774_000_000, 1_792_800_000, 1_798_754_400] {  // March, October, December 2026
            let theirs = try Oracle.ask(expressions, zone: zoneID, base: base, iterations: 5)
            for (e, oracle) in zip(expressions, theirs) {
                #expect(oracle.valid && oracle.elapses.count == 5, "systemd-analyze refused '\(e)': \(oracle)")
                #expect(ourAnswer(e, zone: zone, base: base, iterations: 5) == oracle, "'\(e)' TZ=\(zoneID) @\(base)")
            }
        }
    }
}
