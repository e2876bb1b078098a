import Foundation
import Testing
import TrustCore

@testable import TrustReport

private func terms(
    at: [String] = ["*-*-* 21:00:00"], perYear: Int = 364, target: PerPeriod? = nil, deadline: Int = 10800,
    skips: PerPeriod = PerPeriod(count: 2, period: .month), starts: DayKey? = nil, ends: DayKey? = nil, title: String = "Call"
) -> PlanItemTerms {
    PlanItemTerms(
        id: "call", kind: .commitment, title: title, schedule: at, checkInsPer52Weeks: perYear, target: target,
        deadlineSeconds: deadline, skips: skips, starts: starts, ends: ends)
}

private func only(_ old: PlanItemTerms, _ new: PlanItemTerms) -> PlanChange {
    // One change per pair below (a wrong pair fails the comparison of its sentence).
    PlanComparison.changes(from: PlanVersion(items: [old]), to: PlanVersion(items: [new]))[0]
}

@Suite struct PlanChangesTextTests {
    static let cases: [(PlanChange, String)] = [
        (only(terms(), terms(at: ["Mon *-*-* 21:00:00"], perYear: 52)),
            "call: schedule *-*-* 21:00:00, 364 check-ins a year → Mon *-*-* 21:00:00, 52 check-ins a year"),
        (only(terms(target: PerPeriod(count: 3, period: .week)), terms()), "call: target 3/week → none"),
        (only(terms(), terms(deadline: 5400)), "call: deadline 3h → 1h30m"),
        (only(terms(), terms(skips: PerPeriod(count: 1, period: .week))), "call: skips 2/month → 1/week"),
        (only(terms(), terms(starts: DayKey(year: 2026, month: 12, day: 1))), "call: starts from the beginning → 2026-12-01"),
        (only(terms(ends: DayKey(year: 2026, month: 12, day: 31)), terms()), "call: ends 2026-12-31 → never"),
        (only(terms(), terms(title: "Phone")), "call: title “Call” → “Phone”"),
        (PlanChange(item: "call", aspect: .added, direction: .strengthening, new: terms()),
            "call added (*-*-* 21:00:00, 364 check-ins a year)"),
        (PlanChange(item: nil, aspect: .changesTakeEffect, direction: .weakening, oldDelaySeconds: 604_800),
            "changes-take-effect 7d → not set"),
    ]

    @Test(arguments: cases)
    func eachChangeInASentence(_ change: PlanChange, _ expected: String) {
        #expect(PlanChangesText.describe(change) == expected)
    }

    @Test func weakeningsAreMarkedApartFromStrengthenings() {
        let marks = PlanChangeDirection.allCases.map(PlanChangesText.mark)
        #expect(Set(marks).count == 3)
        #expect(PlanChangesText.mark(.weakening) == "WEAKENED")
        let r = PlanRevision(
            recorded: RecordedPlanVersion(
                sequence: 2, recordedAt: Date(timeIntervalSince1970: 1_795_608_000), planHash: "",
                version: PlanVersion(items: [terms(deadline: 3600)])),
            changes: [only(terms(), terms(deadline: 3600)), only(terms(), terms(deadline: 86400))], isFirst: false)
        let md = PlanChangesText.markdown([r], zone: TimeZone(identifier: "UTC")!) ?? ""
        #expect(md.contains("  - strengthened: call: deadline 3h → 1h\n"))
        #expect(md.contains("  - **WEAKENED**: call: deadline 3h → 1d\n"))
        #expect(md.contains("plan version 2, adopted 2026-11-25T12:00:00+00:00: 1 weakening, 1 strengthening"))
        #expect(PlanChangesText.markdown([], zone: TimeZone(identifier: "UTC")!) == nil)
    }
}
