import Foundation
import Testing
import TrustCore

/// `"2026-03-29T01:00:00Z"` or `"2026-03-29T01:00Z"` as an instant (UTC).
private func instant(_ text: String) -> Date {
    let parts = text.dropLast().split(separator: "T")
    let day = DayKey(parts[0])!
    let clock = parts[1].split(separator: ":").map { Int($0)! }
    let seconds = clock[0] * 3600 + clock[1] * 60 + (clock.count > 2 ? clock[2] : 0)
    return Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86400 + seconds))
}

private func namedZone(_ id: String) -> TimeZone { TimeZone(identifier: id)! }

private func calendarSpec(_ text: String) -> CalendarSpec {
    do {
        return try CalendarSpec.parse(text)
    } catch {
        Issue.record("calendar expression \(text) did not parse: \(error)")
        return try! CalendarSpec.parse("*-*-* 00:00:00")
    }
}

@Suite struct LocalTimeMathTests {
    // (zone, local day, local time, notBefore, expected instant)
    @Test(arguments: [
        ("Europe/Berlin", "2026-11-25", "19:00", nil, "2026-11-25T18:00Z"),  // CET
        ("Europe/Berlin", "2026-07-01", "19:00", nil, "2026-07-01T17:00Z"),  // CEST
        ("Europe/Berlin", "2026-03-29", "02:30", nil, "2026-03-29T01:00Z"),  // gap: the jump to 03:00
        ("Europe/Berlin", "2026-03-29", "02:00", nil, "2026-03-29T01:00Z"),  // the gap's first second
        ("Europe/Berlin", "2026-03-29", "03:00", nil, "2026-03-29T01:00Z"),
        ("Europe/Berlin", "2026-03-29", "01:59", nil, "2026-03-29T00:59Z"),
        ("Europe/Berlin", "2026-10-25", "02:30", nil, "2026-10-25T00:30Z"),  // twice: the first
        ("Europe/Berlin", "2026-10-25", "02:30", "2026-10-25T00:31Z", "2026-10-25T01:30Z"),  // the second
        ("Europe/Berlin", "2026-10-25", "03:00", nil, "2026-10-25T02:00Z"),
        ("America/New_York", "2026-03-08", "02:30", nil, "2026-03-08T07:00Z"),
        ("America/New_York", "2026-11-01", "01:30", nil, "2026-11-01T05:30Z"),
        ("Australia/Lord_Howe", "2026-10-04", "02:15", nil, "2026-10-03T15:30Z"),  // 30-minute gap
        ("Australia/Lord_Howe", "2026-04-05", "01:45", nil, "2026-04-04T14:45Z"),  // 30-minute overlap, first
        ("Asia/Kolkata", "2026-11-25", "00:00", nil, "2026-11-24T18:30Z"),
        ("UTC", "2026-02-28", "23:59", nil, "2026-02-28T23:59Z"),
    ] as [(String, String, String, String?, String)])
    func firstInstant(zoneID: String, day: String, time: String, notBefore: String?, expected: String) throws {
        let local = LocalTimeMath.localSeconds(DayKey(day)!, try TimeOfDay.parse(time))
        let t = LocalTimeMath.firstInstant(atLocal: local, in: namedZone(zoneID), notBefore: notBefore.map(instant))
        #expect(t == instant(expected))
    }

    @Test func dayStartsAtDayStart() {
        let berlin = namedZone("Europe/Berlin")
        #expect(DayKey("2026-11-25")!.firstInstant(in: berlin) == instant("2026-11-24T23:00Z"))
        #expect(DayKey("2026-11-25")!.firstInstant(in: berlin, dayStart: TimeOfDay(hour: 4, minute: 0)) == instant("2026-11-25T03:00Z"))
        // The spring-forward day in New York starts at midnight as usual; 02:xx does not exist.
        #expect(DayKey("2026-03-08")!.firstInstant(in: namedZone("America/New_York"), dayStart: TimeOfDay(hour: 2, minute: 30)) == instant("2026-03-08T07:00Z"))
    }
}

@Suite struct QuietHoursTests {
    static let night = QuietHours(start: TimeOfDay(hour: 22, minute: 30), end: TimeOfDay(hour: 7, minute: 30))
    static let afternoon = QuietHours(start: TimeOfDay(hour: 13, minute: 0), end: TimeOfDay(hour: 15, minute: 0))

    @Test(arguments: [
        (night, "22:29", false), (night, "22:30", true), (night, "23:59", true), (night, "00:00", true),
        (night, "07:29", true), (night, "07:30", false), (night, "12:00", false),
        (afternoon, "12:59", false), (afternoon, "13:00", true), (afternoon, "14:59", true),
        (afternoon, "15:00", false), (afternoon, "00:00", false),
    ])
    func contains(window: QuietHours, time: String, expected: Bool) throws {
        #expect(window.contains(try TimeOfDay.parse(time)) == expected)
        #expect(window.wrapsMidnight == (window == Self.night))
    }

    @Test func containsUsesTheWallClockOfTheZone() {
        // 21:45Z is 22:45 in Berlin (inside) but 16:45 in New York (outside).
        #expect(Self.night.contains(instant("2026-11-25T21:45Z"), in: namedZone("Europe/Berlin")))
        #expect(!Self.night.contains(instant("2026-11-25T21:45Z"), in: namedZone("America/New_York")))
    }

    // (zone, window, instant, the instant the window containing it ends)
    @Test(arguments: [
        ("Europe/Berlin", "22:30-07:30", "2026-11-25T22:00Z", "2026-11-26T06:30Z"),  // 23:00 → tomorrow 07:30
        ("Europe/Berlin", "22:30-07:30", "2026-11-26T02:00Z", "2026-11-26T06:30Z"),  // 03:00 → today 07:30
        ("Europe/Berlin", "22:30-07:30", "2026-11-25T21:30Z", "2026-11-26T06:30Z"),  // exactly at the start
        ("Europe/Berlin", "22:30-07:30", "2026-11-25T12:00Z", "2026-11-25T12:00Z"),  // outside: itself
        ("Europe/Berlin", "22:30-07:30", "2026-11-26T06:30Z", "2026-11-26T06:30Z"),  // at the end: outside
        ("Europe/Berlin", "22:30-07:30", "2026-03-28T22:00Z", "2026-03-29T05:30Z"),  // night into summer time
        ("Europe/Berlin", "22:30-07:30", "2026-10-24T21:00Z", "2026-10-25T06:30Z"),  // night into winter time
        ("Europe/Berlin", "00:00-02:30", "2026-03-29T00:30Z", "2026-03-29T01:00Z"),  // end skipped: the jump
        ("Europe/Berlin", "00:00-02:30", "2026-10-24T23:00Z", "2026-10-25T00:30Z"),  // end twice: the first
        ("Europe/Berlin", "00:00-02:30", "2026-10-25T01:10Z", "2026-10-25T01:30Z"),  // in the repeated hour
        ("Europe/Berlin", "02:15-05:00", "2026-03-29T01:05Z", "2026-03-29T03:00Z"),  // start skipped
        ("America/New_York", "22:00-06:00", "2026-11-01T03:00Z", "2026-11-01T11:00Z"),  // 25-hour night
        ("America/New_York", "22:00-06:00", "2026-03-08T03:00Z", "2026-03-08T10:00Z"),  // 23-hour night
        ("Australia/Lord_Howe", "01:00-02:15", "2026-10-03T15:00Z", "2026-10-03T15:30Z"),  // half-hour gap
        ("Asia/Kolkata", "21:00-06:00", "2026-11-25T16:00Z", "2026-11-26T00:30Z"),
    ])
    func end(zoneID: String, window: String, at: String, expected: String) throws {
        let q = try QuietHours.parse(window)
        let z = namedZone(zoneID)
        let end = q.end(containing: instant(at), in: z)
        #expect(end == instant(expected))
        #expect(!q.contains(end, in: z) || end == instant(at))
    }
}

@Suite struct OccurrenceTests {
    let berlin = namedZone("Europe/Berlin")

    func item(_ at: [String], starts: String? = nil, ends: String? = nil, target: PerPeriod? = nil) -> Item {
        Item(
            id: "x", kind: .commitment, title: "X", schedule: at.map(calendarSpec), target: target,
            starts: starts.flatMap { DayKey($0) }, ends: ends.flatMap { DayKey($0) })
    }

    /// The item's prompts in `[start, end)`, walked with `nextOccurrence` as the daemon's scheduler
    /// walks them.
    func prompts(_ i: Item, from start: Date, to end: Date) -> [Date] {
        var out: [Date] = []
        var t = start.addingTimeInterval(-1e-3)  // an elapse exactly at `start` counts
        while let n = i.nextOccurrence(after: t, in: berlin), n < end {
            out.append(n)
            t = n
        }
        return out
    }

    // (at, starts, ends, day-starts, after, expected next)
    @Test(arguments: [
        (["21:00"], nil, nil, "00:00", "2026-11-25T12:00Z", "2026-11-25T20:00Z"),
        (["21:00"], nil, nil, "00:00", "2026-11-25T20:00Z", "2026-11-26T20:00Z"),  // strictly after
        (["21:00"], nil, nil, "00:00", "2026-11-25T19:59:59Z", "2026-11-25T20:00Z"),
        (["21:00"], "2026-12-01", nil, "00:00", "2026-11-25T12:00Z", "2026-12-01T20:00Z"),
        (["21:00"], nil, "2026-11-25", "00:00", "2026-11-25T12:00Z", "2026-11-25T20:00Z"),
        (["21:00"], nil, "2026-11-25", "00:00", "2026-11-25T20:00Z", nil),  // after the last day
        (["00:00"], "2026-12-01", nil, "00:00", "2026-11-25T12:00Z", "2026-11-30T23:00Z"),  // at the first instant
        // day-starts 04:00: 01:00 on Dec 1 still belongs to Nov 30, so the first is early on Dec 2.
        (["01:00"], "2026-12-01", nil, "04:00", "2026-11-25T12:00Z", "2026-12-02T00:00Z"),
        (["01:00"], nil, "2026-12-01", "04:00", "2026-12-01T12:00Z", "2026-12-02T00:00Z"),
        (["01:00"], nil, "2026-12-01", "04:00", "2026-12-02T00:00Z", nil),
        (["Mon 09:00", "Wed 18:00"], nil, nil, "00:00", "2026-11-25T12:00Z", "2026-11-25T17:00Z"),
        (["Mon 09:00", "Wed 18:00"], nil, nil, "00:00", "2026-11-25T17:00Z", "2026-11-30T08:00Z"),
        (["Mon..Fri 19:00"], nil, nil, "00:00", "2026-11-27T18:00Z", "2026-11-30T18:00Z"),  // Fri → Mon
        (["2026-12-24 18:00"], nil, nil, "00:00", "2026-12-24T17:00Z", nil),  // never again
        (["02:30"], nil, nil, "00:00", "2026-03-28T12:00Z", "2026-03-30T00:30Z"),  // skipped by DST
        (["19:00 UTC"], nil, nil, "00:00", "2026-11-25T12:00Z", "2026-11-25T19:00Z"),  // its own zone
    ] as [([String], String?, String?, String, String, String?)])
    func next(at: [String], starts: String?, ends: String?, dayStart: String, after: String, expected: String?) throws {
        let i = item(at, starts: starts, ends: ends)
        let n = i.nextOccurrence(after: instant(after), in: berlin, dayStart: try TimeOfDay.parse(dayStart))
        #expect(n == expected.map(instant))
    }

    @Test func occurrencesInARange() {
        let i = item(["Mon..Fri 19:00", "Sun 10:00"])
        let all = prompts(i, from: instant("2026-11-27T18:00Z"), to: instant("2026-12-01T18:00Z"))
        // Fri 19:00 (the start itself), Sun 10:00, Mon 19:00; Tue 19:00 is the excluded end.
        #expect(all == [instant("2026-11-27T18:00Z"), instant("2026-11-29T09:00Z"), instant("2026-11-30T18:00Z")])
    }

    @Test func overlappingExpressionsFireOnce() {
        let i = item(["*-*-* 21:00:00", "21:00", "Wed 21:00"])
        let all = prompts(i, from: instant("2026-11-25T00:00Z"), to: instant("2026-11-28T00:00Z"))
        #expect(all == [instant("2026-11-25T20:00Z"), instant("2026-11-26T20:00Z"), instant("2026-11-27T20:00Z")])
    }

    @Test func occurrencesRespectStartsAndEnds() {
        let i = item(["21:00"], starts: "2026-11-26", ends: "2026-11-27")
        let all = prompts(i, from: instant("2026-11-20T00:00Z"), to: instant("2026-12-05T00:00Z"))
        #expect(all == [instant("2026-11-26T20:00Z"), instant("2026-11-27T20:00Z")])
    }

    @Test func aSkippedLocalTimeDoesNotFireAndARepeatedOneFiresOnce() {
        let daily = item(["02:30"])
        let spring = prompts(daily, from: instant("2026-03-28T00:00Z"), to: instant("2026-03-31T00:00Z"))
        #expect(spring == [instant("2026-03-28T01:30Z"), instant("2026-03-30T00:30Z")])
        let autumn = prompts(daily, from: instant("2026-10-24T00:00Z"), to: instant("2026-10-27T00:00Z"))
        #expect(autumn.count == 3)
        #expect(autumn.first == instant("2026-10-24T00:30Z"))
        #expect(autumn.last == instant("2026-10-26T01:30Z"))
    }

    @Test func aYearOfPromptsWithinStartsAndEnds() {
        let i = item(["Mon..Fri 07:15", "Sat,Sun 09:00", "*-*-01 12:00"], starts: "2026-03-01", ends: "2026-11-30")
        let all = prompts(i, from: instant("2026-01-01T00:00Z"), to: instant("2027-01-01T00:00Z"))
        // 275 days from March 1 to November 30, each with one weekday or weekend prompt, and the
        // first of nine months at noon.
        #expect(all.count == 275 + 9)
        #expect(all.first == instant("2026-03-01T08:00Z"))  // Sunday 09:00 CET
        #expect(all.last == instant("2026-11-30T06:15Z"))  // Monday 07:15 CET
        #expect(all.filter { LocalTime($0, in: berlin).timeOfDay == TimeOfDay(hour: 12, minute: 0) }.count == 9)
        #expect(Set(all.map { LocalTime($0, in: berlin).day }).count == 275)
        #expect(i.nextOccurrences(after: instant("2026-01-01T00:00Z"), count: 300, in: berlin) == all)
    }

    // (at, period, cap, most per period)
    @Test(arguments: [
        (["Mon..Fri 19:00"], Period.week, Int.max, 5),
        (["Sun 18:00"], Period.week, Int.max, 1),
        (["21:00"], Period.week, 3, 3),  // stops counting at the cap
        (["21:00"], Period.week, Int.max, 7),
        (["*-*-01 09:00"], Period.week, Int.max, 1),
        (["Mon 09:00"], Period.month, Int.max, 5),
        (["09:00", "18:00"], Period.day, Int.max, 2),
        (["Sat 10:00"], Period.day, Int.max, 1),
    ])
    func maxOccurrences(at: [String], period: Period, cap: Int, expected: Int) {
        let i = item(at)
        #expect(i.maxOccurrences(per: period, periods: 13, from: instant("2026-11-25T12:00Z"), in: berlin, cap: cap) == expected)
    }

    @Test func planWrappersUseThePlansZoneAndDayStart() {
        let i = item(["01:00"], starts: "2026-12-01")
        let plan = Plan(timeZone: berlin, dayStart: TimeOfDay(hour: 4, minute: 0), items: [i])
        #expect(plan.nextOccurrence(of: i, after: instant("2026-11-25T12:00Z")) == instant("2026-12-02T00:00Z"))
        #expect(plan.nextOccurrence(of: i, after: instant("2026-12-02T00:00Z")) == instant("2026-12-03T00:00Z"))
        #expect(plan.day(of: instant("2026-12-02T00:00Z")) == DayKey("2026-12-01"))
    }
}

@Suite struct NextOccurrencesTests {
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    // Each list must equal repeated nextOccurrence, for single and several expressions, with and
    // without starts/ends, across the autumn DST change.
    @Test(arguments: [
        (["21:00"], nil, nil),
        (["Mon..Fri 19:00", "Sun 10:00", "Fri 19:00"], nil, nil),
        (["02:30"], nil, nil),
        (["*-*-* 00/6:00"], "2026-10-26", "2026-10-28"),
        (["Sat,Sun 09:00", "2026-10-25 12:00"], "2026-10-24", nil),
    ] as [([String], String?, String?)])
    func matchesRepeatedNext(at: [String], starts: String?, ends: String?) throws {
        let item = Item(
            id: "x", kind: .commitment, title: "X", schedule: try at.map { try CalendarSpec.parse($0) },
            starts: starts.flatMap { DayKey($0) }, ends: ends.flatMap { DayKey($0) })
        let after = Date(timeIntervalSince1970: 1_792_756_800)  // 2026-10-23 12:00 UTC
        var expected: [Date] = []
        var t = after
        while expected.count < 12, let n = item.nextOccurrence(after: t, in: berlin) {
            expected.append(n)
            t = n
        }
        #expect(!expected.isEmpty)
        #expect(item.nextOccurrences(after: after, count: 12, in: berlin) == expected)
        #expect(item.nextOccurrences(after: after, count: 0, in: berlin) == [])
    }
}
