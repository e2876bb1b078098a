// Properties of next(after:) over generated expressions, zones and instants, checked against a
// brute-force matcher that knows nothing of the search: the next elapse is strictly later,
// is itself a match, and no match lies between the instant and it (a local time that occurs
// twice counts once, at its first occurrence).
import Foundation
import Testing
import TrustTestSupport

@testable import TrustCore

/// Whether instant `s` is an elapse the search from `after` should find, by looking at it: its
/// wall-clock time matches `spec` and is later than that of `after` (systemd searches forward in
/// wall-clock time). A wall-clock time that occurs twice (clocks going back) counts at its first
/// occurrence, unless `after` itself is already past the change.
private func matches(_ spec: CalendarSpec, _ s: Int, _ evaluationZone: TimeZone, after: Int) -> Bool {
    let zone = spec.timeZone ?? evaluationZone
    func offsetAt(_ t: Int) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))) }
    let offset = offsetAt(s)
    let afterOffset = offsetAt(after)
    guard s + offset > after + afterOffset else { return false }
    for delta in [1800, 3600, 7200] where offsetAt(s - delta) == offset + delta && afterOffset != offset {
        return false
    }
    let local = s + offset
    let days = floorDiv(local, 86400)
    let secs = local - days * 86400
    let day = DayKey(daysSinceEpoch: days)
    func has(_ chain: [CalendarComponent], _ v: Int) -> Bool {
        chain.isEmpty || chain.contains { c in member(c.start, c.stop, c.step, v) }
    }
    guard has(spec.year, day.year), has(spec.month, day.month) else { return false }
    if spec.endOfMonth {
        // `~N` is the N-th last day: day L+1-N of a month with L days; ranges run upwards from the earlier day.
        let last = DayKey.daysInMonth(year: day.year, month: day.month)
        let ok = spec.day.contains { c in
            var start = last + 1 - c.start
            var stop = c.stop >= 0 ? last + 1 - c.stop : -1
            if stop > 0 { swap(&start, &stop) }
            return member(start, stop, c.step, day.day)
        }
        guard ok else { return false }
    } else {
        guard has(spec.day, day.day) else { return false }
    }
    if spec.weekdays > 0 && spec.weekdays < 127 && spec.weekdays & (1 << (day.isoWeekday - 1)) == 0 { return false }
    return has(spec.hour, secs / 3600) && has(spec.minute, secs / 60 % 60)
        && has(spec.microsecond, secs % 60 * 1_000_000)
}

/// Whether `v` is one of `start`, `start + step`, … (up to `stop` when it is not -1).
private func member(_ start: Int, _ stop: Int, _ step: Int, _ v: Int) -> Bool {
    v == start || (step > 0 && v > start && (v - start) % step == 0 && (stop < 0 || v <= stop))
}

@Suite struct CalendarPropertyTests {
    static let zones = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]

    @Test(arguments: zones)
    func nextIsTheFirstMatchAfter(zoneID: String) async throws {
        let zone = try #require(TimeZone(identifier: zoneID))
        // Seconds of computing: off the cooperative pool (see `onOwnThread`).
        let failures = try await onOwnThread { Self.check(zoneID: zoneID, zone: zone) }
        #expect(failures.isEmpty, "\(failures.count) failures in \(zoneID):\n\(failures.prefix(15).joined(separator: "\n"))")
    }

    /// Failures of 200 generated expressions from instants around this zone's DST changes.
    static func check(zoneID: String, zone: TimeZone) -> [String] {
        var g = ExpressionGenerator(rng: SplitMix64(seed: 0x5052_4F50 &+ UInt64(zoneID.utf8.count)))
        var rng = SplitMix64(seed: 42)
        // Instants: random ones in 2026–2028 and ones just before this zone's DST changes.
        var instants: [Int] = (0..<40).map { _ in Int.random(in: 1_767_225_600...1_830_000_000, using: &rng) }
        var t = Date(timeIntervalSince1970: 1_767_225_600)
        for _ in 0..<4 {
            guard let tr = zone.nextDaylightSavingTimeTransition(after: t) else { break }
            let s = Int(tr.timeIntervalSince1970)
            instants += [s - 5400 - 13, s - 1800, s - 1, s, s + 1799]
            t = tr
        }
        var checked = 0
        var failures: [String] = []
        while checked < 200 {
            let text = g.expression()
            // Whole seconds only: the scan below looks at whole seconds.
            guard let spec = try? CalendarSpec.parse(text),
                spec.microsecond.allSatisfy({ $0.start % 1_000_000 == 0 && $0.step % 1_000_000 == 0 && max($0.stop, 0) % 1_000_000 == 0 })
            else { continue }
            let seconds = (0..<60).filter { sec in
                spec.microsecond.contains { c in member(c.start, c.stop, c.step, sec * 1_000_000) }
            }
            let after = instants[checked % instants.count] + Int.random(in: 0...3600, using: &rng)
            checked += 1
            let next = spec.next(after: Date(timeIntervalSince1970: Double(after)), in: zone)
            let n = next.map { Int($0.timeIntervalSince1970) }
            if let n, n <= after {
                failures.append("'\(text)' after \(after): \(n) is not later")
                continue
            }
            if let n, !matches(spec, n, zone, after: after) {
                failures.append("'\(text)' after \(after): \(n) does not match")
                continue
            }
            // No match may lie between: scan up to 26 hours (minute by minute, the matching seconds only).
            let end = min(n ?? Int.max, after + 26 * 3600)
            var minute = after - after % 60
            scan: while minute < end {
                for s in seconds {
                    let instant = minute + s
                    if instant <= after { continue }
                    if instant >= end { break scan }
                    if matches(spec, instant, zone, after: after) {
                        failures.append("'\(text)' after \(after): skipped \(instant), returned \(n.map(String.init) ?? "never")")
                        break scan
                    }
                }
                minute += 60
            }
        }
        return failures
    }
}
