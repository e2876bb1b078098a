// The next-elapse search of systemd 252 as Debian 12 ships it (252.39: calendarspec.c's find_next
// and its helpers, with the stable branch's fix for results that go backwards), step for
// step: it walks year → month → day → weekday → hour → minute → second, lets mktime normalize
// impossible dates and DST gaps, and restarts from the normalized time. Every mktime call of
// the original is made here too, in the same order, because each one leaves glibc's offset
// guess behind for the next, and that guess decides which of two equal local times in a DST
// fold is meant.
import Foundation

/// Why there is no next elapse.
public enum CalendarSearchFailure: Error, Sendable, Hashable {
    /// The expression never elapses again before 2200 (systemd: ENOENT).
    case never
    /// systemd gives up after 1000 rounds (EDEADLK); seen only with contrived expressions.
    case tooManyIterations
    /// The instant is past what systemd can format (year 9999).
    case outOfRange
}

struct CalendarEngine {
    private let spec: CalendarSpec
    private var mktime: MkTime

    /// The last instant systemd accepts as a base (`USEC_TIMESTAMP_FORMATTABLE_MAX`).
    static let maxMicroseconds: Int64 = 253_402_214_399_000_000
    private static let maxYear = 2199
    private static let maxIterations = 1000
    private static let usecPerSecond = 1_000_000

    /// `cache`: where zone offsets are remembered between searches (tests pass their own).
    init(spec: CalendarSpec, zone: TimeZone, cache: ZoneIntervalCache = .shared) {
        self.spec = spec
        if spec.utc {
            mktime = MkTime(nil, cache: cache)
        } else {
            mktime = MkTime(spec.timeZone ?? zone, cache: cache)
        }
    }

    /// calendar_spec_next_usec: the first elapse strictly after `usec`; nil when there is none.
    mutating func next(afterMicroseconds usec: Int64) -> Int64? {
        try? search(afterMicroseconds: usec).get()
    }

    mutating func search(afterMicroseconds usec: Int64) -> Result<Int64, CalendarSearchFailure> {
        if usec > Self.maxMicroseconds { return .failure(.outOfRange) }
        let u = max(usec, -1) + 1
        let seconds = Int(u / 1_000_000)
        var tm = mktime.offsets.brokenDown(seconds)
        var tmUsec = Int(u % 1_000_000)
        if let failure = findNext(&tm, &tmUsec) { return .failure(failure) }
        guard let t = mktime(&tm), t >= 0 else { return .failure(.outOfRange) }
        return .success(Int64(t) * 1_000_000 + Int64(tmUsec))
    }

    // MARK: find_next

    private mutating func findNext(_ tm: inout BrokenDownTime, _ usec: inout Int) -> CalendarSearchFailure? {
        var c = tm
        var tmUsec = usec
        var r: Int
        var invalidateDST = false

        for _ in 0..<Self.maxIterations {
            // Normalize the current date.
            _ = mktime(&c)
            if !invalidateDST { c.isDST = -1 }

            var value = c.year
            r = match(spec.year, &value, c, isDay: false)
            c.year = value
            if r > 0 { Self.reset(&c, &tmUsec, below: .year) }
            if r < 0 { return .never }
            if withinBounds(&c) <= 0 { return .never }

            value = c.month + 1
            var shifted = c
            shifted.month += 1
            r = match(spec.month, &value, shifted, isDay: false)
            c.month = value - 1
            if r > 0 { Self.reset(&c, &tmUsec, below: .month) }
            if r >= 0 { r = withinBounds(&c) }
            if r < 0 {
                Self.carry(&c, &tmUsec, into: .year)
                continue
            }
            if r == 0 { continue }

            value = c.day
            r = match(spec.day, &value, c, isDay: true)
            c.day = value
            if r > 0 { Self.reset(&c, &tmUsec, below: .day) }
            if r >= 0 { r = withinBounds(&c) }
            if r < 0 {
                Self.carry(&c, &tmUsec, into: .month)
                continue
            }
            if r == 0 { continue }

            if !matchesWeekday(c) {
                Self.carry(&c, &tmUsec, into: .day)
                continue
            }

            value = c.hour
            r = match(spec.hour, &value, c, isDay: false)
            c.hour = value
            if r > 0 { Self.reset(&c, &tmUsec, below: .hour) }
            if r >= 0 { r = withinBounds(&c) }
            if r < 0 {
                Self.carry(&c, &tmUsec, into: .day)
                continue
            }
            // The hour set may not exist (a DST gap): start again from the normalized time.
            if r == 0 { continue }

            value = c.minute
            r = match(spec.minute, &value, c, isDay: false)
            c.minute = value
            if r > 0 { Self.reset(&c, &tmUsec, below: .minute) }
            if r >= 0 { r = withinBounds(&c) }
            if r < 0 {
                Self.carry(&c, &tmUsec, into: .hour)
                continue
            }
            if r == 0 { continue }

            value = c.second * Self.usecPerSecond + tmUsec
            r = match(spec.microsecond, &value, c, isDay: false)
            tmUsec = value % Self.usecPerSecond
            c.second = value / Self.usecPerSecond
            if r >= 0 { r = withinBounds(&c) }
            if r < 0 {
                Self.carry(&c, &tmUsec, into: .minute)
                continue
            }
            if r == 0 { continue }

            // A result not after the start means a DST change led mktime astray (systemd's
            // backported fix for negative DST, in 252.39): step an hour on and let mktime
            // decide tm_isdst from now on.
            var order = Self.compareFields(tm, c)
            if order == 0 { order = usec < tmUsec + 1 ? -1 : (usec > tmUsec + 1 ? 1 : 0) }
            if order >= 0 {
                invalidateDST = true
                c.hour += 1
                continue
            }

            tm = c
            usec = tmUsec
            return nil
        }
        return .tooManyIterations
    }

    /// The fields of `BrokenDownTime` that `findNext` moves, coarsest first.
    private enum Field: Int, Comparable {
        case year, month, day, hour, minute
        static func < (a: Field, b: Field) -> Bool { a.rawValue < b.rawValue }
    }

    /// Sets every field finer than `field` to its first value (month 0, day 1, the rest 0),
    /// microseconds included: what find_next does after it moved `field`.
    @inline(__always)
    private static func reset(_ tm: inout BrokenDownTime, _ usec: inout Int, below field: Field) {
        if field < .month { tm.month = 0 }
        if field < .day { tm.day = 1 }
        if field < .hour { tm.hour = 0 }
        if field < .minute { tm.minute = 0 }
        tm.second = 0
        usec = 0
    }

    /// Steps `field` on by one and resets everything finer: find_next's way out when no value
    /// of the next finer field matches (mktime normalizes the overflow).
    @inline(__always)
    private static func carry(_ tm: inout BrokenDownTime, _ usec: inout Int, into field: Field) {
        switch field {
        case .year: tm.year += 1
        case .month: tm.month += 1
        case .day: tm.day += 1
        case .hour: tm.hour += 1
        case .minute: tm.minute += 1
        }
        reset(&tm, &usec, below: field)
    }

    /// tm_compare: orders two broken-down times by their fields, year to second.
    private static func compareFields(_ a: BrokenDownTime, _ b: BrokenDownTime) -> Int {
        let l = (a.year, a.month, a.day, a.hour, a.minute, a.second)
        let r = (b.year, b.month, b.day, b.hour, b.minute, b.second)
        return l < r ? -1 : (l > r ? 1 : 0)
    }

    /// mktime that fails like systemd's `mktime_or_timegm(…) < 0` check.
    @inline(__always)
    private mutating func normalized(_ tm: inout BrokenDownTime) -> Int? {
        guard let t = mktime(&tm), t >= 0 else { return nil }
        return t
    }

    /// find_end_of_month: the day of the month `day` days before its end (1 = the last day), or -1.
    private mutating func endOfMonthDay(_ tm: BrokenDownTime, _ day: Int) -> Int {
        var t = tm
        t.month += 1
        t.day = 1 - day
        if normalized(&t) == nil || t.month != tm.month { return -1 }
        return t.day
    }

    /// find_matching_component: the earliest value ≥ `value` in the chain. Returns 1 and moves
    /// `value` when it had to move, 0 when `value` matches, -1 when nothing does.
    private mutating func match(_ chain: [CalendarComponent], _ value: inout Int, _ tm: BrokenDownTime, isDay: Bool)
        -> Int
    {
        if chain.isEmpty { return 0 }
        let endOfMonth = isDay && spec.endOfMonth
        var d = -1
        var found = false
        for c in chain {
            var start = c.start
            var stop = c.stop
            if endOfMonth {
                start = endOfMonthDay(tm, c.start)
                stop = endOfMonthDay(tm, c.stop)
                if stop > 0 { swap(&start, &stop) }
            }
            if start >= value {
                if !found || start < d {
                    d = start
                    found = true
                }
            } else if c.step > 0 {
                let k = start + c.step * ((value - start + c.step - 1) / c.step)
                if (!found || k < d) && (stop < 0 || k <= stop) {
                    d = k
                    found = true
                }
            }
        }
        if !found { return -1 }
        let changed = value != d ? 1 : 0
        value = d
        return changed
    }

    /// tm_within_bounds: 1 when `tm` is a real local time; 0 after replacing it by its
    /// normalization (sub-fields below the first changed one reset); < 0 when out of range
    /// or when normalization went backwards.
    private mutating func withinBounds(_ tm: inout BrokenDownTime) -> Int {
        if tm.year > Self.maxYear { return -1 }
        var t = tm
        if normalized(&t) == nil { return -1 }
        var cmp: Int
        func compare(_ a: Int, _ b: Int) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        cmp = compare(t.year, tm.year)
        if cmp != 0 {
            t.month = 0
        } else {
            cmp = compare(t.month, tm.month)
            if cmp != 0 {
                t.day = 1
            } else {
                cmp = compare(t.day, tm.day)
                if cmp != 0 {
                    t.hour = 0
                } else {
                    cmp = compare(t.hour, tm.hour)
                    if cmp != 0 {
                        t.minute = 0
                    } else {
                        cmp = compare(t.minute, tm.minute)
                        if cmp != 0 {
                            t.second = 0
                        } else {
                            cmp = compare(t.second, tm.second)
                        }
                    }
                }
            }
        }
        if cmp < 0 { return -2 }  // refuse to go backwards
        if cmp > 0 { tm = t }
        return cmp == 0 ? 1 : 0
    }

    private mutating func matchesWeekday(_ tm: BrokenDownTime) -> Bool {
        let bits = spec.weekdays
        if bits < 0 || bits >= 127 { return true }
        var t = tm
        if normalized(&t) == nil { return false }
        let k = t.weekday == 0 ? 6 : t.weekday - 1
        return bits & (1 << k) != 0
    }
}
