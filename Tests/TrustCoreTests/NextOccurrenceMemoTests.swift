// The scheduler with its memo of next occurrences decides exactly what it decides without one,
// round after round as a daemon calls it: the clock creeping, leaping days ahead, set back, on
// daylight-saving days, around `starts`/`ends`, in quiet hours, and across plan reloads that change
// an item under the same id, remove one or change the zone.
import Foundation
import Testing
import TrustCore
import TrustTestSupport

private typealias F = Fixture
private let h: TimeInterval = 3600

/// A seeded walk of the clock: mostly small steps (milliseconds to hours), now and then days ahead
/// or back an hour or two.
private struct Walk {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 33
    }
    mutating func step() -> TimeInterval {
        let r = next() % 100
        let fraction = Double(next() % 1000) / 1000
        switch r {
        case 0..<40: return fraction * 2  // within seconds, at millisecond precision
        case 40..<75: return Double(next() % 120) * 60 + fraction  // minutes
        case 75..<90: return Double(next() % 12) * h + fraction  // hours
        case 90..<95: return Double(1 + next() % 4) * 24 * h  // days (a catch-up)
        default: return -Double(1 + next() % 2) * h  // the clock set back
        }
    }
}

private let plans: [(String, Plan, Plan)] = {
    let trip = F.item(
        "trip", "19:00", starts: DayKey(year: 2026, month: 3, day: 30), ends: DayKey(year: 2026, month: 4, day: 2))
    let items = [
        F.item("call", "19:00"),
        F.item("work", "Mon..Fri 07:30", "Sat 09:00"),
        F.item("walk", "Sun 10:00"),
        F.item("often", "*:00/15"),
        F.item("night", "02:30"),  // skipped when the clocks spring forward, repeated when they fall back
        F.item("exact", "*-*-* 12:00:00.250"),
        trip,
    ]
    var changed = items.filter { $0.id != "walk" }
    changed[0] = F.item("call", "20:00")  // the same id, another time
    changed.append(F.item("new", "Tue,Thu 18:00"))
    return [
        ("Berlin", F.plan(items), F.plan(changed)),
        ("quiet hours and a day start", F.plan(items, quiet: "22:30-07:30", dayStart: TimeOfDay(hour: 4, minute: 0)),
         F.plan(changed, quiet: "22:30-07:30", dayStart: TimeOfDay(hour: 4, minute: 0))),
        ("another zone after the reload", F.plan(items), F.plan(items, zone: TimeZone(identifier: "America/New_York")!)),
    ]
}()

@Suite struct NextOccurrenceMemoTests {
    @Test(arguments: plans.indices, [
        ("spring forward", "2026-03-27 18:00"), ("fall back", "2026-10-23 18:00"), ("a year end", "2026-12-29 06:00"),
    ])
    func theMemoChangesNoDecision(plan index: Int, start: (String, String)) {
        let (_, before, after) = plans[index]
        let scheduler = Scheduler(catchUpLimit: 50)
        var memo = NextOccurrenceMemo()
        var walk = Walk(state: start.1.utf8.reduce(UInt64(index)) { $0 &* 31 &+ UInt64($1) })
        var now = F.at(start.1)
        var cursors: [ItemID: Date] = [:]
        var roundsWithNothingNew = 0
        for round in 0..<400 {
            let plan = round < 200 ? before : after
            let plain = scheduler.decide(now: now, plan: plan, cursors: cursors, open: [], shown: [:])
            let memoized = scheduler.decide(now: now, plan: plan, cursors: cursors, open: [], shown: [:], memo: &memo)
            #expect(memoized == plain, "round \(round) at \(now)")
            if memoized != plain { return }
            #expect(memo.count <= plan.items.count)
            if plain.actions.isEmpty { roundsWithNothingNew += 1 }
            // As the daemon does: the cursors move on; a clock set back returns them to now.
            cursors = plain.cursors.mapValues { min($0, now) }
            now = now.plus(walk.step())
        }
        #expect(roundsWithNothingNew > 100)  // most rounds find nothing new: those the memo answers whole
    }

    /// The memo answers only for the same item: a reload changing its schedule searches again.
    @Test func aChangedItemIsSearchedAgain() {
        let scheduler = Scheduler()
        var memo = NextOccurrenceMemo()
        let now = F.at("2026-11-25 12:00")
        let cursors: [ItemID: Date] = ["call": now]
        var d = scheduler.decide(
            now: now, plan: F.plan([F.item("call", "19:00")]), cursors: cursors, open: [], shown: [:], memo: &memo)
        #expect(d.wake == F.at("2026-11-25 19:00"))
        d = scheduler.decide(
            now: now, plan: F.plan([F.item("call", "18:00")]), cursors: cursors, open: [], shown: [:], memo: &memo)
        #expect(d.wake == F.at("2026-11-25 18:00"))
        d = scheduler.decide(
            now: now, plan: F.plan([F.item("call", "18:00")], zone: TimeZone(identifier: "UTC")!), cursors: cursors,
            open: [], shown: [:], memo: &memo)
        #expect(d.wake == F.at("2026-11-25 18:00", TimeZone(identifier: "UTC")!))
        d = scheduler.decide(now: now, plan: F.plan([]), cursors: cursors, open: [], shown: [:], memo: &memo)
        #expect(memo.count == 0)
    }
}
