// systemd's own calendar test vectors (src/test/test-calendarspec.c, systemd 252), ported as
// tables, plus the forms trustd's plans use. The facts come from systemd; the differential
// test (CalendarDifferentialTests) checks many more against the installed systemd-analyze.
import Foundation
import Testing
import TrustCore

private func zone(_ id: String) -> TimeZone {
    // systemd's tests set TZ="" for UTC.
    id.isEmpty ? TimeZone(identifier: "UTC")! : TimeZone(identifier: id)!
}

private func usec(_ d: Date?) -> Int64? {
    d.map { Int64(($0.timeIntervalSince1970 * 1_000_000).rounded()) }
}

@Suite struct CalendarNormalizationTests {
    /// test_one(input, output): the normalized form, which must itself normalize to itself.
    @Test(arguments: [
        ("Sat,Thu,Mon-Wed,Sat-Sun", "Mon..Thu,Sat,Sun *-*-* 00:00:00"),
        ("Sat,Thu,Mon..Wed,Sat..Sun", "Mon..Thu,Sat,Sun *-*-* 00:00:00"),
        ("Mon,Sun 12-*-* 2,1:23", "Mon,Sun 2012-*-* 01,02:23:00"),
        ("Wed *-1", "Wed *-*-01 00:00:00"),
        ("Wed-Wed,Wed *-1", "Wed *-*-01 00:00:00"),
        ("Wed..Wed,Wed *-1", "Wed *-*-01 00:00:00"),
        ("Wed, 17:48", "Wed *-*-* 17:48:00"),
        ("Wednesday,", "Wed *-*-* 00:00:00"),
        ("Wed-Sat,Tue 12-10-15 1:2:3", "Tue..Sat 2012-10-15 01:02:03"),
        ("Wed..Sat,Tue 12-10-15 1:2:3", "Tue..Sat 2012-10-15 01:02:03"),
        ("*-*-7 0:0:0", "*-*-07 00:00:00"),
        ("10-15", "*-10-15 00:00:00"),
        ("monday *-12-* 17:00", "Mon *-12-* 17:00:00"),
        ("Mon,Fri *-*-3,1,2 *:30:45", "Mon,Fri *-*-01,02,03 *:30:45"),
        ("12,14,13,12:20,10,30", "*-*-* 12,13,14:10,20,30:00"),
        ("mon,fri *-1/2-1,3 *:30:45", "Mon,Fri *-01/2-01,03 *:30:45"),
        ("03-05 08:05:40", "*-03-05 08:05:40"),
        ("08:05:40", "*-*-* 08:05:40"),
        ("05:40", "*-*-* 05:40:00"),
        ("Sat,Sun 12-05 08:05:40", "Sat,Sun *-12-05 08:05:40"),
        ("Sat,Sun 08:05:40", "Sat,Sun *-*-* 08:05:40"),
        ("2003-03-05 05:40", "2003-03-05 05:40:00"),
        ("2003-03-05", "2003-03-05 00:00:00"),
        ("03-05", "*-03-05 00:00:00"),
        ("hourly", "*-*-* *:00:00"),
        ("daily", "*-*-* 00:00:00"),
        ("monthly", "*-*-01 00:00:00"),
        ("weekly", "Mon *-*-* 00:00:00"),
        ("minutely", "*-*-* *:*:00"),
        ("quarterly", "*-01,04,07,10-01 00:00:00"),
        ("semi-annually", "*-01,07-01 00:00:00"),
        ("annually", "*-01-01 00:00:00"),
        ("*:2/3", "*-*-* *:02/3:00"),
        ("2015-10-25 01:00:00 uTc", "2015-10-25 01:00:00 UTC"),
        ("2015-10-25 01:00:00 Asia/Vladivostok", "2015-10-25 01:00:00 Asia/Vladivostok"),
        ("weekly Pacific/Auckland", "Mon *-*-* 00:00:00 Pacific/Auckland"),
        ("2016-03-27 03:17:00.4200005", "2016-03-27 03:17:00.420001"),
        ("2016-03-27 03:17:00/0.42", "2016-03-27 03:17:00/0.420000"),
        ("9..11,13:00,30", "*-*-* 09..11,13:00,30:00"),
        ("1..3-1..3 1..3:1..3", "*-01..03-01..03 01..03:01..03:00"),
        ("00:00:1.125..2.125", "*-*-* 00:00:01.125000..02.125000"),
        ("00:00:1.0..3.8", "*-*-* 00:00:01..03"),
        ("00:00:01..03", "*-*-* 00:00:01..03"),
        ("00:00:01/2,02..03", "*-*-* 00:00:01/2,02..03"),
        ("*-*~1 Utc", "*-*~01 00:00:00 UTC"),
        ("*-*~05,3 ", "*-*~03,05 00:00:00"),
        ("*-*~* 00:00:00", "*-*-* 00:00:00"),
        ("Monday", "Mon *-*-* 00:00:00"),
        ("Monday *-*-*", "Mon *-*-* 00:00:00"),
        ("*-*-*", "*-*-* 00:00:00"),
        ("*:*:*", "*-*-* *:*:*"),
        ("*:*", "*-*-* *:*:00"),
        ("12:*", "*-*-* 12:*:00"),
        ("*:30", "*-*-* *:30:00"),
        ("93..00-*-*", "1993..2000-*-* 00:00:00"),
        ("00..07-*-*", "2000..2007-*-* 00:00:00"),
        ("*:20..39/5", "*-*-* *:20..35/5:00"),
        ("00:00:20..40/1", "*-*-* 00:00:20..40"),
        ("*~03/1,03..05", "*-*~03/1,03..05 00:00:00"),
        // UNIX timestamps are always UTC.
        ("@1493187147", "2017-04-26 06:12:27 UTC"),
        ("@1493187147 UTC", "2017-04-26 06:12:27 UTC"),
        ("@0", "1970-01-01 00:00:00 UTC"),
        ("@0 UTC", "1970-01-01 00:00:00 UTC"),
        ("*:05..05", "*-*-* *:05:00"),
        ("*:05..10/6", "*-*-* *:05:00"),
        // Forms trustd plans use, checked against systemd-analyze 252.
        ("Mon..Fri 19:00", "Mon..Fri *-*-* 19:00:00"),
        ("Sun 18:00", "Sun *-*-* 18:00:00"),
        ("19:00", "*-*-* 19:00:00"),
        ("*-*-* 07:30", "*-*-* 07:30:00"),
        ("Mon..Sun 12:00", "*-*-* 12:00:00"),
        ("*-02~03", "*-02~03 00:00:00"),
        ("Mon *-05~07/1", "Mon *-05~07/1 00:00:00"),
        ("*:*:0/0.5", "*-*-* *:*:00/0.500000"),
        ("*:*:0.9999995", "*-*-* *:*:01"),
        ("2026-11-25", "2026-11-25 00:00:00"),
        ("26-11-25", "2026-11-25 00:00:00"),
        ("@ 12", "1970-01-01 00:00:12 UTC"),
        ("@+5", "1970-01-01 00:00:05 UTC"),
        ("Mon ", "Mon *-*-* 00:00:00"),
        ("*-*-* ", "*-*-* 00:00:00"),
        ("Daily", "*-*-* 00:00:00"),
        ("anually", "*-01-01 00:00:00"),
        ("bi-annually", "*-01,07-01 00:00:00"),
        ("daily Etc/UTC", "*-*-* 00:00:00 Etc/UTC"),
        ("daily utc", "*-*-* 00:00:00 UTC"),
        ("mon-wed,fri..sun 1:2:3.25", "Mon..Wed,Fri..Sun *-*-* 01:02:03.250000"),
        ("0/23:00", "*-*-* 00/23:00:00"),
        ("*-*~28", "*-*~28 00:00:00"),
        ("*-*~1..3/2", "*-*~01..03/2 00:00:00"),
        ("Sat,Sun", "Sat,Sun *-*-* 00:00:00"),
        ("Mon,Tue,Wed", "Mon..Wed *-*-* 00:00:00"),
        ("Mon,Wed,Fri,Sun", "Mon,Wed,Fri,Sun *-*-* 00:00:00"),
        ("01,00:15:00..45", "*-*-* 00,01:15:00..45"),
        ("4~12,06..16", "*-04~06..16,12 00:00:00"),
    ])
    func normalizes(input: String, output: String) throws {
        let spec = try CalendarSpec.parse(input)
        #expect(spec.normalized == output)
        #expect(spec.original == input)
        let again = try CalendarSpec.parse(spec.normalized)
        #expect(again.normalized == output)
    }

    /// Expressions systemd 252 rejects.
    @Test(arguments: [
        "test", " utc", "    ", "", "7", "121212:1:2", "2000-03-05.23 00:00:00", "2000-03-05 00:00.1:00",
        "00:00:00/0.00000001", "00:00:00.0..00.9", "2016~11-22", "*-*~5/5", "Monday.. 12:00", "Monday..",
        "-00:+00/-5", "00:+00/-5", "2016- 11- 24 12: 30: 00", "*~29", "*~16..31", "12..1/2-*", "20/4:00",
        "00:00/60", "00:00:2300", "00:00:18446744073709551615", "@88588582097858858",
        // More, checked against systemd-analyze 252.
        "Mon..Wed..Fri", "*-*-*T19:00", "19:00 ", "daily europe/berlin", "daily GMT+5", "1969-01-01", "Mon,,Tue",
        "Mon.. 12:00", "*/2:00", "5", "daily  UTC", "1.5:00", "*:*:1...5", "1/23:00", "*-*-31/2", "Mon..Fry 19:00",
        "Fri..Mon", "Mond", "24:00", "*:60", "*-13-01", "*-*-32", "2200-01-01", "@-1", "@", "@7258118400",
        "Mon 19:00 Europe/Berln", "12:00 Mon",
        // systemd lowers the bound of each further '~' list element by 3.
        "4~25/4,12,06..16", "10/1~18..18,13,28/4",
    ])
    func rejects(input: String) {
        #expect(throws: CalendarSpecError.self) { try CalendarSpec.parse(input) }
    }

    @Test(arguments: [
        // (input, column, a phrase in the message)
        ("Mon..Fry 19:00", 6, "weekday"),
        ("Fry 19:00", 1, "Fry"),
        ("Mon 25:00", 5, "hour 25"),
        ("*-13-01", 3, "month 13"),
        ("Mon 19:00 Europe/Berln", 11, "unknown time zone 'Europe/Berln'"),
        // systemd takes the local zone's abbreviation; trustd asks for the zone's name.
        ("daily CEST", 7, "unknown time zone 'CEST' (expected UTC or an IANA zone"),
        ("Fri..Mon", 1, "backwards"),
        ("Mon 19:00x", 10, "'x'"),
        ("19", 3, "':'"),
        ("", 1, "empty"),
        ("*:*:1.", 7, "digits"),
        ("00:00/60", 4, "repetition 60"),
        ("Mon..", 6, "no end"),
        ("2016~11-22", 5, "'~'"),
        ("Mön 19:00", 1, "Mön"),
        // 2^64: without the overflow check both would wrap to 0 and parse.
        ("@18446744073709551616", 1, "timestamp out of range"),
        ("*-*-* 18446744073709551616:00", 7, "number too large"),
    ])
    func errorsPointAtTheColumn(input: String, column: Int, phrase: String) {
        do {
            _ = try CalendarSpec.parse(input)
            Issue.record("parsed \(input)")
        } catch {
            #expect(error.column == column, "\(input): \(error)")
            #expect(error.message.contains(phrase), "\(input): \(error)")
        }
    }

    @Test func zones() throws {
        #expect(try CalendarSpec.parse("daily").timeZone == nil)
        #expect(try CalendarSpec.parse("daily UTC").timeZone?.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0)
        #expect(try CalendarSpec.parse("Mon 19:00 Europe/Berlin").timeZone?.identifier == "Europe/Berlin")
        #expect(try CalendarSpec.parse("@0").timeZone != nil)
    }
}

@Suite struct CalendarNextTests {
    /// test_next(input, TZ, after, expect) from systemd; expect nil = never again.
    @Test(arguments: [
        ("2016-03-27 03:17:00", "", 12345, Int64?(1_459_048_620_000_000)),
        ("2016-03-27 03:17:00", "CET", 12345, 1_459_041_420_000_000),
        ("2016-03-27 03:17:00", "EET", 12345, nil),
        ("2016-03-27 03:17:00 UTC", "", 12345, 1_459_048_620_000_000),
        ("2016-03-27 03:17:00 UTC", "CET", 12345, 1_459_048_620_000_000),
        ("2016-03-27 03:17:00 UTC", "EET", 12345, 1_459_048_620_000_000),
        ("2016-03-27 03:17:00.420000001 UTC", "EET", 12345, 1_459_048_620_420_000),
        ("2016-03-27 03:17:00.4200005 UTC", "EET", 12345, 1_459_048_620_420_001),
        ("2015-11-13 09:11:23.42", "EET", 12345, 1_447_398_683_420_000),
        ("2015-11-13 09:11:23.42/1.77", "EET", 1_447_398_683_420_000, 1_447_398_685_190_000),
        ("2015-11-13 09:11:23.42/1.77", "EET", 1_447_398_683_419_999, 1_447_398_683_420_000),
        ("Sun 16:00:00", "CET", 1_456_041_600_123_456, 1_456_066_800_000_000),
        ("*-04-31", "", 12345, nil),
        ("2016-02~01 UTC", "", 12345, 1_456_704_000_000_000),
        ("Mon 2017-05~01..07 UTC", "", 12345, 1_496_016_000_000_000),
        ("Mon 2017-05~07/1 UTC", "", 12345, 1_496_016_000_000_000),
        ("*-*-01/5 04:00:00 UTC", "", 1_646_010_000_000_000, 1_646_107_200_000_000),
        ("*-01/7-01 04:00:00 UTC", "", 1_664_607_600_000_000, 1_672_545_600_000_000),
        ("2017-08-06 9,11,13,15,17:00 UTC", "", 1_502_029_800_000_000, 1_502_031_600_000_000),
        ("2017-08-06 9..17/2:00 UTC", "", 1_502_029_800_000_000, 1_502_031_600_000_000),
        ("2016-12-* 3..21/6:00 UTC", "", 1_482_613_200_000_001, 1_482_634_800_000_000),
        ("2017-09-24 03:30:00 Pacific/Auckland", "", 12345, 1_506_177_000_000_000),
        // 2017-09-24 02:30 does not exist in Auckland (DST starts).
        ("2017-09-24 02:30:00 Pacific/Auckland", "", 12345, nil),
        ("2017-04-02 02:30:00 Pacific/Auckland", "", 12345, 1_491_053_400_000_000),
        // 02:30 exists twice when DST ends; it elapses once.
        ("2017-04-02 02:30:00 Pacific/Auckland", "", 1_491_053_400_000_000, nil),
        ("2017-04-02 03:30:00 Pacific/Auckland", "", 12345, 1_491_060_600_000_000),
        // The expression's zone wins over the evaluation zone.
        ("2017-09-09 20:42:00 Pacific/Auckland", "", 12345, 1_504_946_520_000_000),
        ("2017-09-09 20:42:00 Pacific/Auckland", "EET", 12345, 1_504_946_520_000_000),
        // mktime() moving backwards must not loop (Dublin's negative DST).
        ("Sun *-*-* 01:00:00 Europe/Dublin", "", 1_616_412_478_000_000, 1_617_494_400_000_000),
    ])
    func next(input: String, tz: String, after: Int64, expect: Int64?) throws {
        let spec = try CalendarSpec.parse(input)
        let after = Date(timeIntervalSince1970: Double(after) / 1_000_000)
        #expect(usec(spec.next(after: after, in: zone(tz))) == expect)
    }

    @Test func hourlyIsWithinAnHour() throws {
        // test_hourly_bug_4031, at a fixed instant.
        let spec = try CalendarSpec.parse("hourly")
        let n = Date(timeIntervalSince1970: 1_764_087_185.25)
        let u = try #require(spec.next(after: n, in: zone("Europe/Berlin")))
        let w = try #require(spec.next(after: u, in: zone("Europe/Berlin")))
        #expect(n < u && u <= n + 3600 && u < w && w <= u + 3600)
    }

    @Test func plansEveryEveningInBerlin() throws {
        let spec = try CalendarSpec.parse("Mon..Fri 19:00")
        let berlin = zone("Europe/Berlin")
        // Wed 2026-11-25 12:00 CET → 19:00 CET the same day, then Thu, Fri, Mon.
        let base = Date(timeIntervalSince1970: 1_795_604_400)
        let got = spec.elapses(after: base, in: berlin, count: 4).map { Int($0.timeIntervalSince1970) }
        #expect(got == [1_795_629_600, 1_795_716_000, 1_795_802_400, 1_796_061_600])
    }

    @Test func elapsesStopAtTheEnd() throws {
        let spec = try CalendarSpec.parse("2026-11-25 19:00 UTC")
        let got = spec.elapses(after: Date(timeIntervalSince1970: 0), in: zone("UTC"), count: 5)
        #expect(got.map(\.timeIntervalSince1970) == [1_795_633_200])
    }
}
