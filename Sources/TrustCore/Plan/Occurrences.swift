// When an item prompts: the union of its calendar expressions, evaluated in the plan's zone,
// limited to its `starts`…`ends` days (local days in the plan's zone, `day-starts` applied).
// Quiet-hours arithmetic. Pure: every instant and zone is an argument.
import Foundation

// MARK: - Local wall-clock time → instants

/// Conversions from local wall-clock time to instants that survive DST gaps and overlaps.
public enum LocalTimeMath {
    /// The first instant not before `notBefore` at which the wall clock in `zone` reads at least
    /// `localSeconds` (seconds since 1970-01-01 00:00 *local*). When that local time is skipped
    /// by a DST gap it is the instant the clock jumps past it; when it occurs twice it is the
    /// first of the two that is not before `notBefore`.
    public static func firstInstant(atLocal localSeconds: Int, in zone: TimeZone, notBefore: Date? = nil) -> Date {
        let before = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(localSeconds - 86400)))
        let after = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(localSeconds + 86400)))
        var valid: [Int] = []
        for offset in before == after ? [before] : [before, after] {
            let t = localSeconds - offset
            if zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t))) == offset { valid.append(t) }
        }
        valid.sort()
        let floor = notBefore?.timeIntervalSince1970 ?? -.infinity
        if let t = valid.first(where: { TimeInterval($0) >= floor }) {
            return Date(timeIntervalSince1970: TimeInterval(t))
        }
        if valid.isEmpty, before != after {
            // A gap: binary-search the first second whose wall clock reads at least localSeconds.
            var lo = localSeconds - max(before, after)  // wall clock reads earlier than localSeconds
            var hi = localSeconds - min(before, after)  // wall clock reads later
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2
                let wall = mid + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(mid)))
                if wall >= localSeconds { hi = mid } else { lo = mid }
            }
            let t = Date(timeIntervalSince1970: TimeInterval(hi))
            if let notBefore, t < notBefore { return notBefore }
            return t
        }
        // Both candidates lie before notBefore (or the zone changed twice within two days).
        if let notBefore { return notBefore }
        return Date(timeIntervalSince1970: TimeInterval(localSeconds - before))
    }

    /// Seconds since 1970-01-01 00:00 local for `day` at `time`.
    public static func localSeconds(_ day: DayKey, _ time: TimeOfDay) -> Int {
        day.daysSinceEpoch * 86400 + time.secondsSinceMidnight
    }
}

extension DayKey {
    /// The first instant that belongs to this day in `zone` when days start at `dayStart`
    /// (the wall clock reads `dayStart`; on a DST day that skips it, the instant after the jump).
    public func firstInstant(in zone: TimeZone, dayStart: TimeOfDay = .midnight) -> Date {
        LocalTimeMath.firstInstant(atLocal: LocalTimeMath.localSeconds(self, dayStart), in: zone)
    }
}

// MARK: - Quiet hours

extension QuietHours {
    /// Whether the window wraps midnight (`22:30-07:30`).
    public var wrapsMidnight: Bool { end < start }

    /// Whether the wall clock in `zone` at `date` is inside the window (start inclusive, end exclusive).
    public func contains(_ date: Date, in zone: TimeZone) -> Bool {
        contains(LocalTime(date, in: zone).timeOfDay)
    }

    /// Whether a local time of day is inside the window (start inclusive, end exclusive).
    public func contains(_ time: TimeOfDay) -> Bool {
        if start == end { return false }
        return wrapsMidnight ? (time >= start || time < end) : (time >= start && time < end)
    }

    /// The instant the window containing `date` ends: the first instant after `date` at which the
    /// wall clock reads `end` (after the jump when DST skips it). `date` itself when it is not
    /// inside the window.
    public func end(containing date: Date, in zone: TimeZone) -> Date {
        let local = LocalTime(date, in: zone)
        guard contains(local.timeOfDay) else { return date }
        let endDay = wrapsMidnight && local.timeOfDay >= start ? local.day.adding(days: 1) : local.day
        let t = LocalTimeMath.firstInstant(atLocal: LocalTimeMath.localSeconds(endDay, end), in: zone, notBefore: date)
        return t > date ? t : date
    }
}

// MARK: - Occurrences

/// The union of several calendar expressions, evaluated in one zone.
struct ZonedSchedule: Sendable {
    var specs: [CalendarSpec]
    var zone: TimeZone
    init(_ specs: [CalendarSpec], zone: TimeZone) {
        self.specs = specs
        self.zone = zone
    }

    /// The first elapse of any expression strictly after `date`; nil when none elapses again.
    func next(after date: Date) -> Date? {
        var best: Date?
        for spec in specs {
            if let n = spec.next(after: date, in: zone), best == nil || n < best! { best = n }
        }
        return best
    }

    /// The first `count` elapses strictly after `date`, ascending, without duplicates (fewer when
    /// the expressions stop elapsing).
    func next(after date: Date, count: Int) -> [Date] {
        guard count > 0 else { return [] }
        if specs.count == 1 { return specs[0].elapses(after: date, in: zone, count: count) }
        // The union's first `count` are among each expression's first `count`.
        var all: [Date] = []
        for spec in specs { all += spec.elapses(after: date, in: zone, count: count) }
        all.sort()
        var out: [Date] = []
        for t in all where out.last != t {
            out.append(t)
            if out.count == count { break }
        }
        return out
    }
}

extension Item {
    /// The union of the item's expressions in `zone`.
    func schedule(in zone: TimeZone) -> ZonedSchedule { ZonedSchedule(schedule, zone: zone) }

    /// The next prompt instant strictly after `date`: the earliest elapse of any of the item's
    /// expressions, evaluated in `zone`, on a day within `starts`…`ends`. Nil when there is none.
    public func nextOccurrence(after date: Date, in zone: TimeZone, dayStart: TimeOfDay = .midnight) -> Date? {
        let schedule = schedule(in: zone)
        guard starts != nil || ends != nil else { return schedule.next(after: date) }
        var t = date
        // The local day begins within a day and a half of its UTC midnight, whatever the zone
        // and `day-starts`: only near or before `starts` is the exact first instant needed.
        if let starts, date.timeIntervalSince1970 < TimeInterval((starts.daysSinceEpoch + 3) * 86400) {
            let first = starts.firstInstant(in: zone, dayStart: dayStart).addingTimeInterval(-1e-3)
            if t < first { t = first }
        }
        while let n = schedule.next(after: t) {
            let day = DayKey.of(n, in: zone, dayStart: dayStart)
            if let ends, day > ends { return nil }
            if let starts, day < starts {
                t = n
                continue
            }
            return n
        }
        return nil
    }

    /// The next `count` prompt instants strictly after `date` (fewer when the item stops prompting).
    public func nextOccurrences(
        after date: Date, count: Int, in zone: TimeZone, dayStart: TimeOfDay = .midnight
    ) -> [Date] {
        if starts == nil && ends == nil { return schedule(in: zone).next(after: date, count: count) }
        var out: [Date] = []
        var t = date
        while out.count < count, let n = nextOccurrence(after: t, in: zone, dayStart: dayStart) {
            out.append(n)
            t = n
        }
        return out
    }

    /// The most prompts the schedule gives in any one of `periods` consecutive calendar periods
    /// (local to `zone`, `dayStart` applied), starting with the one containing `date`. Counting
    /// stops as soon as a period reaches `cap`. `starts`/`ends` are ignored: this measures what the
    /// expressions themselves can deliver, e.g. whether `target: 3/week` is reachable at all.
    public func maxOccurrences(
        per period: Period, periods: Int, from date: Date, in zone: TimeZone, dayStart: TimeOfDay = .midnight,
        cap: Int = .max
    ) -> Int {
        var first = DayKey.of(date, in: zone, dayStart: dayStart).start(of: period)
        var last = first
        for _ in 0..<max(1, periods) { last = last.startOfNext(period) }
        let schedule = schedule(in: zone)
        var t = first.firstInstant(in: zone, dayStart: dayStart).addingTimeInterval(-1e-3)
        let stop = last.firstInstant(in: zone, dayStart: dayStart)
        var best = 0
        var count = 0
        while let n = schedule.next(after: t), n < stop {
            let key = DayKey.of(n, in: zone, dayStart: dayStart).start(of: period)
            if key != first {
                first = key
                count = 0
            }
            count += 1
            best = max(best, count)
            if best >= cap { return best }
            t = n
        }
        return best
    }
}

extension Plan {
    /// The item's next prompt instant strictly after `date`, in the plan's zone.
    public func nextOccurrence(of item: Item, after date: Date) -> Date? {
        item.nextOccurrence(after: date, in: timeZone, dayStart: dayStart)
    }

    /// The day an instant belongs to in this plan (its zone, `day-starts` applied).
    public func day(of date: Date) -> DayKey { DayKey.of(date, in: timeZone, dayStart: dayStart) }
}
