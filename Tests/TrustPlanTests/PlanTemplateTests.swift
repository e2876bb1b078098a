// The first plan `trustctl init` writes: valid, commented like the example, holding exactly the
// answers given (in order, with their values), for any mix of commitments and boundaries.
import Foundation
import Testing
import TrustCore
import TrustPlan

@Suite struct PlanTemplateTests {
    static let now = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01 00:00 UTC

    static let items = [
        NewPlanItem(
            kind: .commitment, id: "call-sam", title: "Call Sam when I'm away", to: "Sam", at: ["Mon..Fri 19:00"],
            atPhrase: "weekdays at 7pm"),
        NewPlanItem(kind: .boundary, id: "no-phone", title: "No phone: at dinner", to: "Sam", at: ["*-*-* 21:30"], atPhrase: "daily 21:30"),
        NewPlanItem(
            kind: .commitment, id: "exercise", title: "Exercise", at: ["*-*-* 09,21:00"], atPhrase: "twice a day at 9 and 21",
            target: "3/week"),
    ]

    @Test(arguments: [0, 1, 2, 3])
    func templateIsAValidPlanWithTheAnswers(count: Int) throws {
        let given = Array(Self.items.prefix(count))
        let text = PlanTemplate.render(timezone: "Europe/Berlin", items: given)
        let result = PlanReader.parse(yaml: text, file: "plan.yaml", defaultTimeZone: .current, now: Self.now)
        let plan = try result.get()
        #expect(plan.timeZone.identifier == "Europe/Berlin")
        // Commitments first, then boundaries, each in the order given.
        let expected = given.filter { $0.kind == .commitment } + given.filter { $0.kind == .boundary }
        #expect(plan.items.map(\.id.rawValue) == expected.map(\.id))
        for (item, answer) in zip(plan.items, expected) {
            #expect(item.title == answer.title && item.kind == answer.kind && item.to == answer.to)
            #expect(item.schedule.map(\.original) == answer.at)
            #expect(item.target?.description == answer.target)
        }
        // Only the "no items" warning when there are none.
        #expect(result.warnings.count == (count == 0 ? 1 : 0), "\(result.warnings)")
        // Commented like the example, with what was typed beside each schedule.
        #expect(text.hasPrefix("# trustd plan: the promises you are keeping, and when trustd asks about them.\n"))
        #expect(text.contains("\n# Commitments: things you promised to do.\ncommitments:"))
        for answer in given { #expect(text.contains("  # \(answer.atPhrase!)\n")) }
    }
}
