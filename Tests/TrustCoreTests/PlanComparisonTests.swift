import Foundation
import Testing
import TrustCore

private func spec(_ text: String) -> CalendarSpec {
    do {
        return try CalendarSpec.parse(text)
    } catch {
        Issue.record("calendar expression \(text) did not parse: \(error)")
        return try! CalendarSpec.parse("*-*-* 00:00:00")
    }
}

/// A commitment `id` with the given terms (every one has a default).
private func item(
    _ id: ItemID = "call", kind: ItemKind = .commitment, title: String = "Call Sam", at: [String] = ["*-*-* 21:00"],
    target: PerPeriod? = nil, deadline: TimeInterval = 3 * 3600, skips: PerPeriod = PerPeriod(count: 2, period: .month),
    starts: String? = nil, ends: String? = nil, ask: String? = nil, why: String? = nil
) -> Item {
    Item(
        id: id, kind: kind, title: title, why: why, ask: ask, schedule: at.map(spec), target: target, deadline: deadline,
        skips: skips, starts: starts.flatMap { DayKey($0) }, ends: ends.flatMap { DayKey($0) })
}

private func version(_ items: [Item], delay: TimeInterval? = nil) -> PlanVersion {
    PlanVersion(Plan(timeZone: TimeZone(identifier: "UTC")!, items: items, changesTakeEffect: delay))
}

private let weekly = PerPeriod(count: 1, period: .week)

@Suite struct PlanVersionTests {
    @Test func theSummaryCountsCheckInsAndLeavesOutWording() throws {
        let a = PlanItemTerms(item(at: ["*-*-* 21:00"], ask: "Did you?", why: "it matters"))
        #expect(a.checkInsPer52Weeks == 364)
        #expect(PlanItemTerms(item(at: ["Mon,Thu 21:00"])).checkInsPer52Weeks == 104)
        #expect(PlanItemTerms(item(at: ["Mon 08:00", "Mon 20:00"])).checkInsPer52Weeks == 104)
        // Past 2,000 the count is estimated from the rate so far: exact for regular schedules.
        #expect(PlanItemTerms(item(at: ["hourly"])).checkInsPer52Weeks == 8736)
        #expect(PlanItemTerms(item(at: ["*:0/2"])).checkInsPer52Weeks == 262_080)
        #expect(PlanItemTerms(item(at: ["*:*:*"])).checkInsPer52Weeks == 31_449_600)
        #expect(a.schedule == ["*-*-* 21:00:00"])
        // why/ask/to are wording: the same terms, the same summary, the same bytes.
        #expect(version([item(why: "because")]) == version([item(ask: "Well?", why: "other")]))
        #expect(version([item(why: "because")]).canonicalJSON == version([item()]).canonicalJSON)
        // Items are sorted by id, so the file's order does not matter.
        #expect(version([item("b"), item("a")]).canonicalJSON == version([item("a"), item("b")]).canonicalJSON)
    }

    @Test func theCanonicalJSONRoundTrips() throws {
        let v = version(
            [item(target: PerPeriod(count: 3, period: .week), starts: "2026-01-01", ends: "2026-12-31"), item("no-phone", kind: .boundary)],
            delay: 7 * 86400)
        #expect(PlanVersion.decode(json: v.canonicalJSON) == v)
        #expect(v.changesTakeEffectSeconds == 604_800)
        #expect(PlanVersion.decode(json: Array("{\"items\": 3}".utf8)) == nil)
    }

    @Test func theDemoItemIsLeftOut() {
        let plan = Plan(timeZone: TimeZone(identifier: "UTC")!, items: [item(), item("demo")])
        #expect(PlanVersion(plan, excluding: ["demo"]).items.map(\.id) == ["call"])
    }
}

@Suite struct PlanComparisonTests {
    // (what, old items, new items, expected (item, aspect, direction) in order)
    static let cases: [(String, [Item], [Item], [(ItemID?, PlanChange.Aspect, PlanChangeDirection)])] = [
        // Weakenings
        ("fewer check-ins", [item(at: ["*-*-* 21:00"])], [item(at: ["Mon,Wed,Fri 21:00"])], [("call", .schedule, .weakening)]),
        ("hourly to every two hours", [item(at: ["hourly"])], [item(at: ["0/2:00"])], [("call", .schedule, .weakening)]),
        ("one expression of two dropped", [item(at: ["Mon 08:00", "Thu 08:00"])], [item(at: ["Mon 08:00"])],
            [("call", .schedule, .weakening)]),
        ("lower frequency target", [item(target: PerPeriod(count: 3, period: .week))], [item(target: PerPeriod(count: 2, period: .week))],
            [("call", .target, .weakening)]),
        ("target per month instead of per week", [item(target: PerPeriod(count: 2, period: .week))],
            [item(target: PerPeriod(count: 4, period: .month))], [("call", .target, .weakening)]),
        ("target dropped", [item(target: weekly)], [item()], [("call", .target, .weakening)]),
        ("larger skip budget", [item()], [item(skips: PerPeriod(count: 4, period: .month))], [("call", .skips, .weakening)]),
        ("longer deadline", [item()], [item(deadline: 6 * 3600)], [("call", .deadline, .weakening)]),
        ("item removed", [item(), item("walk")], [item()], [("walk", .removed, .weakening)]),
        ("boundary removed", [item(), item("no-phone", kind: .boundary)], [item()], [("no-phone", .removed, .weakening)]),
        ("ends earlier", [item(ends: "2026-12-31")], [item(ends: "2026-06-30")], [("call", .ends, .weakening)]),
        ("an end set", [item()], [item(ends: "2026-12-31")], [("call", .ends, .weakening)]),
        ("starts later", [item(starts: "2026-01-01")], [item(starts: "2026-03-01")], [("call", .starts, .weakening)]),
        // Strengthenings
        ("more check-ins", [item(at: ["Mon 21:00"])], [item(at: ["Mon,Thu 21:00"])], [("call", .schedule, .strengthening)]),
        ("higher target", [item(target: PerPeriod(count: 2, period: .week))], [item(target: PerPeriod(count: 3, period: .week))],
            [("call", .target, .strengthening)]),
        ("smaller skip budget", [item()], [item(skips: PerPeriod(count: 0, period: .month))], [("call", .skips, .strengthening)]),
        ("shorter deadline", [item()], [item(deadline: 3600)], [("call", .deadline, .strengthening)]),
        ("item added", [item()], [item(), item("walk")], [("walk", .added, .strengthening)]),
        ("boundary added", [item()], [item(), item("no-phone", kind: .boundary)], [("no-phone", .added, .strengthening)]),
        ("end removed", [item(ends: "2026-12-31")], [item()], [("call", .ends, .strengthening)]),
        ("ends later", [item(ends: "2026-06-30")], [item(ends: "2026-12-31")], [("call", .ends, .strengthening)]),
        ("starts earlier", [item(starts: "2026-03-01")], [item(starts: "2026-01-01")], [("call", .starts, .strengthening)]),
        // Neutral
        ("title reworded", [item()], [item(title: "Phone Sam")], [("call", .title, .neutral)]),
        ("a commitment made a boundary", [item()], [item(kind: .boundary)], [("call", .kind, .neutral)]),
        ("same count, other time", [item(at: ["*-*-* 21:00"])], [item(at: ["*-*-* 20:30"])], [("call", .schedule, .neutral)]),
        ("skips same rate written differently", [item(skips: PerPeriod(count: 1, period: .day))],
            [item(skips: PerPeriod(count: 7, period: .week))], [("call", .skips, .neutral)]),
        ("why and ask are not recorded", [item(why: "a")], [item(ask: "Did you call?", why: "b")], []),
        // Several at once, items in id order
        ("mixed", [item(deadline: 3600), item("walk", at: ["Mon 08:00"])],
            [item(deadline: 7200, skips: PerPeriod(count: 1, period: .month)), item("walk", at: ["Mon,Fri 08:00"])],
            [("call", .deadline, .weakening), ("call", .skips, .strengthening), ("walk", .schedule, .strengthening)]),
    ]

    @Test(arguments: cases)
    func classifies(_ what: String, _ old: [Item], _ new: [Item], _ expected: [(ItemID?, PlanChange.Aspect, PlanChangeDirection)]) {
        let changes = PlanComparison.changes(from: version(old), to: version(new))
        #expect(changes.map(\.item) == expected.map(\.0), "\(what)")
        #expect(changes.map(\.aspect) == expected.map(\.1), "\(what)")
        #expect(changes.map(\.direction) == expected.map(\.2), "\(what)")
    }

    @Test(arguments: [
        (nil, 7 * 86400, PlanChangeDirection.strengthening),
        (7 * 86400, 86400, .weakening),
        (86400, nil, .weakening),
        (86400, 3 * 86400, .strengthening),
    ] as [(TimeInterval?, TimeInterval?, PlanChangeDirection)])
    func theDelayItselfIsClassified(_ old: TimeInterval?, _ new: TimeInterval?, _ direction: PlanChangeDirection) {
        let changes = PlanComparison.changes(from: version([item()], delay: old), to: version([item()], delay: new))
        #expect(changes.map(\.aspect) == [.changesTakeEffect])
        #expect(changes.map(\.direction) == [direction])
        #expect(changes.first?.item == nil)
    }

    @Test func revisionsCompareEachVersionWithTheOneBefore() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let v1 = RecordedPlanVersion(sequence: 1, recordedAt: t0, planHash: "a", version: version([item()]))
        let v2 = RecordedPlanVersion(sequence: 2, recordedAt: t0 + 60, planHash: "b", version: version([item(deadline: 60)]))
        let v3 = RecordedPlanVersion(sequence: 3, recordedAt: t0 + 120, planHash: "c", version: version([]))
        let all = PlanComparison.revisions([v1, v2, v3], previous: nil)
        #expect(all.map(\.isFirst) == [true, false, false])
        #expect(all[0].changes.isEmpty)
        #expect(all[1].strengthenings.map(\.aspect) == [.deadline])
        #expect(all[2].weakenings.map(\.aspect) == [.removed])
        // A range starting after the first version still compares with the one before it.
        let later = PlanComparison.revisions([v3], previous: v2)
        #expect(later.map(\.isFirst) == [false])
        #expect(later[0].weakenings.map(\.item) == ["call"])
    }
}

@Suite struct PlanHoldsTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let week: TimeInterval = 7 * 86400

    func recorded(_ seq: Int64, _ at: Date, _ v: PlanVersion) -> RecordedPlanVersion {
        RecordedPlanVersion(sequence: seq, recordedAt: at, planHash: "\(seq)", version: v)
    }

    @Test func aWeakeningWaitsAndAStrengtheningDoesNot() throws {
        let v1 = recorded(1, t0, version([item(at: ["*-*-* 21:00"], deadline: 3600)], delay: week))
        // Fewer check-ins (weakening) and a shorter deadline (strengthening) in one edit.
        let v2 = recorded(2, t0 + 86400, version([item(at: ["Mon 21:00"], deadline: 1800)], delay: week))
        let during = PlanHolds(versions: [v1, v2], now: t0 + 2 * 86400)
        let hold = try #require(during.hold("call"))
        #expect(hold.takesEffect == t0 + 86400 + week)
        #expect(hold.inForce.schedule == ["*-*-* 21:00:00"])  // the old schedule, held
        #expect(hold.inForce.deadlineSeconds == 1800)  // the stronger deadline, at once
        #expect(hold.held.map(\.aspect) == [.schedule])
        #expect(during.nextChange == t0 + 86400 + week)
        let plan = Plan(timeZone: TimeZone(identifier: "UTC")!, items: [item(at: ["Mon 21:00"], deadline: 1800)])
        let scheduled = during.applied(to: plan)
        #expect(scheduled.items[0].schedule.map(\.normalized) == ["*-*-* 21:00:00"])
        #expect(scheduled.items[0].deadline == 1800)

        let after = PlanHolds(versions: [v1, v2], now: t0 + 86400 + week)
        #expect(after.isEmpty)
        #expect(after.applied(to: plan) == plan)
    }

    @Test func withoutTheKeyEveryChangeAppliesAtOnce() {
        let v1 = recorded(1, t0, version([item(), item("walk")]))
        let v2 = recorded(2, t0 + 60, version([item(deadline: 86400)]))
        #expect(PlanHolds(versions: [v1, v2], now: t0 + 120).isEmpty)
    }

    @Test func aRemovedItemStaysUntilTheRemovalApplies() throws {
        let v1 = recorded(1, t0, version([item(), item("walk", at: ["Sat 09:00"])], delay: week))
        let v2 = recorded(2, t0 + 60, version([item()], delay: week))
        let holds = PlanHolds(versions: [v1, v2], now: t0 + 120)
        let hold = try #require(holds.hold("walk"))
        #expect(hold.adopted == nil)
        #expect(hold.held.map(\.aspect) == [.removed])
        let plan = Plan(timeZone: TimeZone(identifier: "UTC")!, items: [item()])
        #expect(holds.applied(to: plan).items.map(\.id) == ["call", "walk"])
        #expect(holds.applied(to: plan).items[1].schedule.map(\.normalized) == ["Sat *-*-* 09:00:00"])
        #expect(PlanHolds(versions: [v1, v2], now: t0 + 60 + week).applied(to: plan).items.map(\.id) == ["call"])
    }

    @Test func removingTheDelayIsItselfHeld() {
        let v1 = recorded(1, t0, version([item()], delay: week))
        let v2 = recorded(2, t0 + 60, version([item()], delay: nil))
        // Then, a day later, a weakening: the week still applies to it.
        let v3 = recorded(3, t0 + 86400, version([item(deadline: 86400)], delay: nil))
        let holds = PlanHolds(versions: [v1, v2, v3], now: t0 + 2 * 86400)
        #expect(holds.delayTakesEffect == t0 + 60 + week)
        #expect(holds.hold("call")?.takesEffect == t0 + 86400 + week)
        #expect(PlanHolds(versions: [v1, v2, v3], now: t0 + 86400 + week).isEmpty)
    }

    @Test func strengtheningBackCancelsAHold() {
        let v1 = recorded(1, t0, version([item()], delay: week))
        let v2 = recorded(2, t0 + 60, version([item(deadline: 86400)], delay: week))
        let v3 = recorded(3, t0 + 120, version([item()], delay: week))
        #expect(PlanHolds(versions: [v1, v2], now: t0 + 90).hold("call") != nil)
        #expect(PlanHolds(versions: [v1, v2, v3], now: t0 + 150).isEmpty)
    }
}

extension PlanHoldsTests {
    @Test func changingAnotherItemDoesNotRestartAHold() {
        let v1 = recorded(1, t0, version([item(), item("walk")], delay: week))
        let v2 = recorded(2, t0 + 60, version([item(deadline: 86400), item("walk")], delay: week))
        let v3 = recorded(3, t0 + 86400, version([item(deadline: 86400), item("walk", title: "A walk")], delay: week))
        #expect(PlanHolds(versions: [v1, v2, v3], now: t0 + 2 * 86400).hold("call")?.takesEffect == t0 + 60 + week)
        #expect(PlanHolds(versions: [v1, v2, v3], now: t0 + 2 * 86400).hold("walk") == nil)
    }
}
