import Foundation
import Testing

@testable import LinuxWatch

/// The C library's local time agrees with Foundation's view of the same process zone, and
/// `fromLocal` undoes `local`. (The process zone is whatever the test runs in; both sides read it.)
@Suite struct SystemTimeTests {
    @Test(arguments: [0, 1_795_604_400, 1_795_863_600, 1_774_746_000, 1_792_886_400, 4_102_444_799] as [Int64])
    func localTimeMatchesFoundationAndRoundTrips(seconds: Int64) throws {
        let t = SystemTime.local(seconds)
        let date = Date(timeIntervalSince1970: Double(seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        #expect(t.utcOffset == TimeZone.current.secondsFromGMT(for: date))
        #expect([t.year, t.month, t.day, t.hour, t.minute, t.second] == [c.year, c.month, c.day, c.hour, c.minute, c.second])
        #expect(t.weekday == c.weekday! - 1)  // 0 = Sunday
        let back = try #require(
            SystemTime.fromLocal(year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second))
        // A time that happens twice (the hour a DST change repeats) may come back as its twin.
        #expect(back == seconds || abs(back - seconds) == 3600)
    }

    @Test func beforeTheEpochIsNil() {
        #expect(SystemTime.fromLocal(year: 1969, month: 12, day: 30, hour: 0, minute: 0, second: 0) == nil)
    }

    @Test func nowIsTheWallClock() {
        let now = SystemTime.nowMicroseconds()
        let foundation = Int64(Date().timeIntervalSince1970 * 1_000_000)
        #expect(abs(now - foundation) < 5_000_000)
    }
}
