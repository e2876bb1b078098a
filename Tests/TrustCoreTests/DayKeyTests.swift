import Foundation
import Testing
import TrustCore

@Suite struct DayKeyTests {
    @Test(arguments: [
        ("1970-01-01", 0, 4, "Thu"), ("2000-02-29", 11016, 2, "Tue"), ("2026-11-25", 20782, 3, "Wed"),
        ("1969-12-31", -1, 3, "Wed"), ("2199-12-31", 84005, 2, "Tue"), ("2026-11-29", 20786, 7, "Sun"),
        ("2026-11-23", 20780, 1, "Mon"),
    ])
    func roundTrip(text: String, days: Int, isoWeekday: Int, abbreviation: String) throws {
        let key = try #require(DayKey(text))
        #expect(key.daysSinceEpoch == days)
        #expect(DayKey(daysSinceEpoch: days) == key)
        #expect(key.description == text)
        #expect(key.isoWeekday == isoWeekday)
        #expect(key.weekdayAbbreviation == abbreviation)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "20261101", "2026-11-31", ""])
    func rejectsInvalid(text: String) {
        #expect(DayKey(text) == nil)
    }

    @Test func periods() throws {
        let d = try #require(DayKey("2026-11-25"))  // a Wednesday
        #expect(d.start(of: .week) == DayKey("2026-11-23"))
        #expect(d.startOfNext(.week) == DayKey("2026-11-30"))
        #expect(d.start(of: .month) == DayKey("2026-11-01"))
        #expect(DayKey("2026-12-31")!.startOfNext(.month) == DayKey("2027-01-01"))
    }

    @Test func dayStartMovesTheBoundary() throws {
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        // 2026-11-25 00:40 in Berlin = 23:40 UTC the day before.
        let lateNight = Date(timeIntervalSince1970: 1_764_027_600)  // 2025-11-24T23:40:00Z
        #expect(DayKey.of(lateNight, in: berlin) == DayKey("2025-11-25"))
        #expect(DayKey.of(lateNight, in: berlin, dayStart: TimeOfDay(hour: 4, minute: 0)) == DayKey("2025-11-24"))
    }
}

@Suite struct LocalTimeTextTests {
    // (zone, instant, RFC 3339): the expected texts are Python's datetime.isoformat().
    @Test(arguments: [
        ("Europe/Berlin", 1_795_608_007, "2026-11-25T13:00:07+01:00"),
        ("Europe/Berlin", 1_782_907_200, "2026-07-01T14:00:00+02:00"),
        ("America/St_Johns", 1_795_608_007, "2026-11-25T08:30:07-03:30"),
        ("Asia/Kolkata", 1_795_608_007, "2026-11-25T17:30:07+05:30"),
        ("UTC", 1_795_608_007, "2026-11-25T12:00:07+00:00"),
        ("America/New_York", -1, "1969-12-31T18:59:59-05:00"),
    ])
    func rfc3339(zoneID: String, seconds: Int, expected: String) throws {
        let zone = try #require(TimeZone(identifier: zoneID))
        let local = LocalTime(Date(timeIntervalSince1970: TimeInterval(seconds)), in: zone)
        #expect(local.rfc3339 == expected)
        #expect(local.utcOffsetText == String(expected.suffix(6)))
        #expect(LocalTime(Date(timeIntervalSince1970: TimeInterval(seconds)), utcOffset: local.utcOffset) == local)
    }

    @Test func secondsAreShownOnlyWhenAsked() {
        #expect(TimeOfDay(hour: 7, minute: 5).description == "07:05")
        #expect(TimeOfDay(hour: 7, minute: 5).withSeconds == "07:05:00")
        #expect(TimeOfDay(hour: 23, minute: 59, second: 9).description == "23:59:09")
    }
}
