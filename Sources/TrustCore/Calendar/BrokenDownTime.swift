// Civil ("broken-down") time and a faithful model of glibc's localtime_r/mktime, which systemd's
// calendar code is built on. systemd's answers across DST changes are whatever mktime's
// normalization makes of an impossible or ambiguous local time, so matching systemd to the
// second means reproducing mktime exactly, including its habit of starting each conversion
// from the UTC offset the previous conversion found.
import Foundation

/// `struct tm`, with the full year (not year − 1900) and 0-based months like C.
struct BrokenDownTime: Hashable, Sendable {
    var year: Int
    /// 0…11 after normalization; callers may set any value before `mktime`.
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    /// -1 unknown, 0 standard time, 1 daylight saving time (`tm_isdst`).
    var isDST: Int
    /// 0 = Sunday … 6 = Saturday (`tm_wday`), set by conversions.
    var weekday: Int = 0
    /// 0-based day of the year (`tm_yday`), set by conversions.
    var yearDay: Int = 0
}

/// Days from 1970-01-01 to year-01-01 (proleptic Gregorian).
@inline(__always)
func daysBeforeYear(_ year: Int) -> Int {
    let y = year - 1
    // Days from 0001-01-01 to year-01-01, minus days from 0001-01-01 to 1970-01-01 (719162).
    return 365 * y + floorDiv(y, 4) - floorDiv(y, 100) + floorDiv(y, 400) - 719_162
}

@inline(__always)
func floorDiv(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Days before each month (0…12), normal and leap years (glibc's `__mon_yday`).
let daysBeforeMonth: [[Int]] = [
    [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
    [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
]

/// Offsets of a zone, looked up per instant and cached as the intervals between transitions.
/// Foundation's `TimeZone` answers each question in ~50 ns behind a process-wide lock; a run of
/// 10,000 elapses asks hundreds of thousands, and a plan check makes an engine per item. So the
/// intervals live in `ZoneIntervalCache.shared` (keyed by zone identifier), and each instance
/// keeps a snapshot of its zone's intervals, refreshed only when an instant is not in it.
struct ZoneOffsets {
    let zone: TimeZone?  // nil: UTC
    private let cache: ZoneIntervalCache
    private var intervals: [ZoneInterval] = []  // snapshot: sorted by end, disjoint
    private var last = -1
    /// Where the C library's tm_isdst is the opposite of Foundation's (see `negativeDST`).
    private let inverted: Range<Int>?

    init(_ zone: TimeZone?, cache: ZoneIntervalCache = .shared) {
        if let zone, zone.identifier == "GMT" || zone.identifier == "UTC" {
            self.zone = nil
        } else {
            self.zone = zone
        }
        self.cache = cache
        inverted = zone.flatMap { Self.negativeDST($0.identifier) }
    }

    /// Zones whose tzdata (as Debian builds it) has *negative* daylight saving time: Irish
    /// Standard Time in summer is standard time and winter GMT is "DST"; Morocco's +01 is
    /// standard and Ramadan's +00 is "DST". glibc's tm_isdst says so, Foundation (ICU) says
    /// the opposite. Offsets agree in every zone from 1970 to 2100; only this flag differs, and
    /// mktime's choices in DST gaps depend on it. Measured against glibc for every zone
    /// Foundation knows (the instants where tm_isdst starts and stops disagreeing).
    ///
    /// A switch, not a dictionary: a dictionary's first use costs a scan of every protocol
    /// conformance in the binary, 2 % of a short `trustctl calendar` (issue 15).
    static func negativeDST(_ identifier: String) -> Range<Int>? {
        switch identifier {
        case "Europe/Dublin", "Eire": 57_722_400..<Int.max  // 1971-10-31 02:00 UTC
        case "Africa/Casablanca", "Africa/El_Aaiun": 1_540_692_000..<Int.max  // 2018-10-28 02:00 UTC
        case "Africa/Windhoek": 764_200_800..<1_508_796_000  // 1994-03-20 … 2017-10-23
        default: nil
        }
    }

    /// UTC offset in seconds and whether daylight saving time is in effect at instant `t`.
    @inline(__always)
    mutating func at(_ t: Int) -> (offset: Int, isDST: Bool) {
        guard let zone else { return (0, false) }
        if last >= 0 {
            let i = intervals[last]
            if i.start <= t && t < i.end { return (i.offset, i.isDST) }
        }
        return lookup(t, zone)
    }

    private mutating func lookup(_ t: Int, _ zone: TimeZone) -> (offset: Int, isDST: Bool) {
        if let hit = find(t) { return hit }
        // Not in the snapshot: another search may have learned it since.
        intervals = cache.intervals(zone.identifier)
        if let hit = find(t) { return hit }
        intervals = cache.insert(Self.interval(at: t, in: zone, inverted: inverted), zone: zone.identifier)
        return find(t)!
    }

    /// The snapshot's answer for `t`, if it has one.
    @inline(__always)
    private mutating func find(_ t: Int) -> (offset: Int, isDST: Bool)? {
        let lo = ZoneIntervalCache.firstEnding(after: t, in: intervals)
        guard lo < intervals.count && intervals[lo].start <= t else { return nil }
        last = lo
        return (intervals[lo].offset, intervals[lo].isDST)
    }

    /// What Foundation says about `t`: the interval from `t` to the next transition.
    static func interval(at t: Int, in zone: TimeZone, inverted: Range<Int>?) -> ZoneInterval {
        let date = Date(timeIntervalSince1970: Double(t))
        let offset = zone.secondsFromGMT(for: date)
        var isDST = zone.isDaylightSavingTime(for: date)
        var end = Int.max
        if let next = zone.nextDaylightSavingTimeTransition(after: date) {
            let n = next.timeIntervalSince1970
            end = n >= Double(Int.max) ? Int.max : Int(n.rounded(.up))
            if end <= t { end = t + 1 }
        }
        if let inverted {
            if inverted.contains(t) { isDST.toggle() }
            for bound in [inverted.lowerBound, inverted.upperBound] where t < bound && bound < end { end = bound }
        }
        return ZoneInterval(start: t, end: end, offset: offset, isDST: isDST)
    }

    // The last day converted: searches probe the same day again and again.
    private var cachedDays = Int.min
    private var cachedDay = BrokenDownTime(year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, isDST: 0)

    /// `localtime_r` (or `gmtime_r` for UTC).
    mutating func brokenDown(_ t: Int) -> BrokenDownTime {
        let (offset, isDST) = at(t)
        let local = t + offset
        let days = floorDiv(local, 86400)
        let secs = local - days * 86400
        if days == cachedDays {
            var tm = cachedDay
            tm.hour = secs / 3600
            tm.minute = secs / 60 % 60
            tm.second = secs % 60
            tm.isDST = isDST ? 1 : 0
            return tm
        }
        let date = DayKey(daysSinceEpoch: days)
        let yday = days - daysBeforeYear(date.year)
        var wday = (days + 4) % 7
        if wday < 0 { wday += 7 }
        let tm = BrokenDownTime(
            year: date.year, month: date.month - 1, day: date.day, hour: secs / 3600, minute: secs / 60 % 60,
            second: secs % 60, isDST: isDST ? 1 : 0, weekday: wday, yearDay: yday)
        cachedDays = days
        cachedDay = tm
        return tm
    }
}

/// glibc's `mktime` (and `timegm`, for a UTC zone): local broken-down time to an instant,
/// normalizing out-of-range fields, with glibc's choice in DST gaps and folds. `guess` is
/// glibc's static `localtime_offset`: the offset the previous call found, used as the
/// first probe; in a fold it decides which of the two instants is returned.
struct MkTime {
    var offsets: ZoneOffsets
    var guess = 0

    init(_ zone: TimeZone?, cache: ZoneIntervalCache = .shared) { offsets = ZoneOffsets(zone, cache: cache) }

    private var cachedYear = Int.min
    private var cachedYearDays = 0

    /// Seconds of (year, yday, hour, min, sec) as if the zone were UTC; fields may be out of range.
    @inline(__always)
    private mutating func naive(year: Int, yearDay: Int, hour: Int, minute: Int, second: Int) -> Int {
        if year != cachedYear {
            cachedYear = year
            cachedYearDays = daysBeforeYear(year)
        }
        return ((cachedYearDays + yearDay) * 24 + hour) * 3600 + minute * 60 + second
    }

    @inline(__always)
    private mutating func naive(_ tm: BrokenDownTime) -> Int {
        naive(year: tm.year, yearDay: tm.yearDay, hour: tm.hour, minute: tm.minute, second: tm.second)
    }

    @inline(__always)
    private static func isDSTDiffer(_ a: Int, _ b: Int) -> Bool { (a == 0) != (b == 0) && a >= 0 && b >= 0 }

    /// Returns the instant and normalizes `tp`, or nil (glibc's -1 with EOVERFLOW).
    mutating func callAsFunction(_ tp: inout BrokenDownTime) -> Int? {
        let isdst = tp.isDST
        let monthRemainder = tp.month % 12
        let negative = monthRemainder < 0 ? 1 : 0
        let monthYears = tp.month / 12 - negative
        let year = tp.year + monthYears
        let yearDay = daysBeforeMonth[DayKey.isLeapYear(year) ? 1 : 0][monthRemainder + 12 * negative] - 1 + tp.day
        let secondRequested = tp.second
        let second = min(max(tp.second, 0), 59)
        let requested = naive(year: year, yearDay: yearDay, hour: tp.hour, minute: tp.minute, second: second)
        let off = guess
        let t0 = requested + off

        var t = t0
        var t1 = t0
        var t2 = t0
        var dst2 = 0
        var remainingProbes = 6
        var tm: BrokenDownTime
        var oscillating = false
        while true {
            tm = offsets.brokenDown(t)
            let dt = requested - naive(tm)
            if dt == 0 { break }
            if t == t1 && t != t2
                && (tm.isDST < 0
                    || (isdst < 0 ? dst2 <= (tm.isDST != 0 ? 1 : 0) : (isdst != 0) != (tm.isDST != 0)))
            {
                // Oscillating around a spring-forward gap: take this probe.
                oscillating = true
                break
            }
            remainingProbes -= 1
            if remainingProbes == 0 { return nil }
            t1 = t2
            t2 = t
            t += dt
            dst2 = tm.isDST != 0 ? 1 : 0
        }

        if !oscillating && Self.isDSTDiffer(isdst, tm.isDST) {
            // The match has the wrong tm_isdst: extrapolate from a neighbouring time that has it.
            let stride = 601_200
            let deltaBound = 536_454_000 / 2 + stride
            var found = false
            var delta = stride
            search: while delta < deltaBound {
                for direction in [-1, 1] {
                    let ot = t + delta * direction
                    let otm = offsets.brokenDown(ot)
                    if !Self.isDSTDiffer(isdst, otm.isDST) {
                        let gt = ot + (requested - naive(otm))
                        tm = offsets.brokenDown(gt)
                        t = gt
                        found = true
                        break search
                    }
                }
                delta += stride
            }
            if !found { return nil }
        }

        guess = t - t0 + off
        if secondRequested != tm.second {
            let adjustment = (second == 0 && tm.second == 60 ? 1 : 0) - second + secondRequested
            t += adjustment
            tm = offsets.brokenDown(t)
        }
        tp = tm
        return t
    }
}
