// The import's decisions, pure and table-driven: what each tracker value means, which item a
// habit feeds, which days are recorded, left out or already there.
import Foundation
import Testing

@testable import TrustCore

private func d(_ s: String) -> DayKey { DayKey(s)! }
private let atLeast20 = NumericTarget(direction: .atLeast, value: 20)
private let atMost2 = NumericTarget(direction: .atMost, value: 2)

private func item(_ id: String, _ title: String, kind: ItemKind = .commitment) -> Item {
    Item(id: ItemID(id), kind: kind, title: title, schedule: [])
}

private func history(_ habits: [ImportedHabit]) -> ImportedHistory {
    ImportedHistory(source: .loop, path: "backup.db", sha256: String(repeating: "a", count: 64), habits: habits)
}

@Suite struct ImportValueMappingTests {
    @Test(arguments: [
        (ImportedMark.yes, nil as NumericTarget?, Answer.kept as Answer?),
        (.no, nil, .missed),
        (.skip, nil, .skipped),
        (.unknown, nil, nil),
        (.yesAuto, nil, nil),  // Loop's fill-in for non-daily habits: not an answer
        (.amount(25), atLeast20, .kept),
        (.amount(20), atLeast20, .kept),
        (.amount(19.9), atLeast20, .missed),
        (.amount(0), atLeast20, .missed),
        (.amount(1), atMost2, .kept),
        (.amount(2), atMost2, .kept),
        (.amount(3), atMost2, .missed),
        (.amount(1.5), nil, .kept),
        (.amount(0), nil, .missed),
    ])
    func eachTrackerValue(_ mark: ImportedMark, _ numeric: NumericTarget?, _ expected: Answer?) {
        #expect(ImportPlanner.answer(for: mark, numeric: numeric) == expected)
    }

    @Test(arguments: [
        (HabitFrequency.daily, nil as String?),
        (HabitFrequency(times: 3, days: 7), "3/week"),
        (HabitFrequency(times: 1, days: 7), "1/week"),
        (HabitFrequency(times: 2, days: 3), "5/week"),
        (HabitFrequency(times: 1, days: 15), "2/month"),
        (HabitFrequency(times: 1, days: 30), "1/month"),
        (HabitFrequency(times: 1, days: 90), "1/month"),
        (HabitFrequency(times: 0, days: 1), nil),
        (HabitFrequency(times: 7, days: 7), nil),
    ])
    func frequencyToPlanTarget(_ f: HabitFrequency, _ expected: String?) {
        #expect(f.planTarget.map { $0.target.description } == expected)
    }

    @Test(arguments: [
        ("Wake up early", "wake-up-early"), ("Push-ups", "push-ups"), ("  Café au lait!! ", "caf-au-lait"),
        ("Bed by midnight", "bed-by-midnight"), ("日本", ""),
    ])
    func slugs(_ name: String, _ expected: String) {
        #expect(ImportPlanner.slug(name) == expected)
    }
}

@Suite struct ImportPlanTests {
    let habits = [
        ImportedHabit(
            name: "Meditate",
            days: [
                ImportedDay(day: d("2025-03-01"), mark: .yes, note: "calm"),
                ImportedDay(day: d("2025-03-02"), mark: .no),
                ImportedDay(day: d("2025-03-03"), mark: .skip),
                ImportedDay(day: d("2025-03-04"), mark: .unknown),
                ImportedDay(day: d("2025-03-05"), mark: .yesAuto),
                ImportedDay(day: d("2025-03-06"), mark: .yes),
            ]),
        ImportedHabit(
            name: "Push-ups", numeric: atLeast20,
            days: [ImportedDay(day: d("2025-03-01"), mark: .amount(25)), ImportedDay(day: d("2025-03-02"), mark: .amount(5))]),
    ]
    let items = [item("meditate", "Meditate every morning"), item("exercise", "Push-ups")]

    @Test func mapsByIDThenTitleAndDecidesEachDay() throws {
        let p = try ImportPlanner.plan(history(habits), items: items, maps: [:], existing: [:], today: d("2026-01-01"))
        #expect(p.isReady)
        #expect(p.habits.map(\.item) == ["meditate", "exercise"])  // by slug id, then by title
        let m = p.habits[0]
        #expect(m.checkIns == [
            ImportCheckIn(day: d("2025-03-01"), answer: .kept, note: "calm"),
            ImportCheckIn(day: d("2025-03-02"), answer: .missed),
            ImportCheckIn(day: d("2025-03-03"), answer: .skipped),
            ImportCheckIn(day: d("2025-03-06"), answer: .kept),
        ])
        #expect((m.kept, m.missed, m.skipped, m.notAsked) == (2, 1, 1, 2))
        #expect((m.first, m.last) == (d("2025-03-01"), d("2025-03-06")))
        #expect(p.habits[1].checkIns.map(\.value) == [25, 5])
        #expect(p.habits[1].checkIns.map(\.answer) == [.kept, .missed])
    }

    @Test func overlapKeepsTrustdsDaysAndAlreadyImportedDaysAreNotAddedAgain() throws {
        let existing: [ItemID: [DayKey: ExistingDay]] = [
            "meditate": [d("2025-03-01"): .recorded, d("2025-03-02"): .imported, d("2025-03-04"): .recorded]
        ]
        let p = try ImportPlanner.plan(history(habits), items: items, maps: [:], existing: existing, today: d("2026-01-01"))
        let m = p.habits[0]
        #expect(m.checkIns.map(\.day) == [d("2025-03-03"), d("2025-03-06")])
        #expect(m.leftOut == 1)  // 03-04 is unknown: nothing to leave out
        #expect(m.alreadyImported == 1)
    }

    @Test func todayAndLaterAreLeftOut() throws {
        let p = try ImportPlanner.plan(history(habits), items: items, maps: [:], existing: [:], today: d("2025-03-02"))
        #expect(p.habits[0].checkIns.map(\.day) == [d("2025-03-01")])
        #expect(p.habits[0].future == 3)  // 03-02, 03-03, 03-06 (03-04 and 03-05 have no answer)
    }

    @Test func mapOverridesAndLeavesOut() throws {
        let p = try ImportPlanner.plan(
            history(habits), items: items, maps: ["meditate": .item("exercise"), "Push-ups": .leaveOut], existing: [:],
            today: d("2026-01-01"))
        #expect(p.habits.map(\.item) == ["exercise", nil])
        #expect(p.habits[1].checkIns.isEmpty)
    }

    @Test func unmappedHabitsGetAPlanEntryAndBlockTheImport() throws {
        let h = history(habits + [ImportedHabit(name: "Wake up early", question: "Before 6?", frequency: HabitFrequency(times: 2, days: 3))])
        let p = try ImportPlanner.plan(h, items: [item("meditate", "M")], maps: [:], existing: [:], today: d("2026-01-01"))
        #expect(!p.isReady)
        #expect(p.unmapped.map(\.habit) == ["Push-ups", "Wake up early"])
        #expect(
            p.proposal == """
                commitments:
                  - id: push-ups
                    title: "Push-ups"
                    at: "21:00"
                  - id: wake-up-early
                    title: "Wake up early"
                    ask: "Before 6?"
                    at: "21:00"
                    target: 5/week   # Loop Habit Tracker: 2 in 3 days; the nearest trustd target

                """)
    }

    @Test(arguments: [
        (["Swim": ImportTarget.item("meditate")], "--map Swim=…: backup.db has no habit named 'Swim'"),
        (["Meditate": .item("nope")], "--map Meditate=nope: the plan has no item 'nope'"),
        (["Push-ups": .item("meditate")], "'Meditate' and 'Push-ups' both map to the item 'meditate'"),
    ])
    func badMaps(_ maps: [String: ImportTarget], _ message: String) {
        #expect {
            _ = try ImportPlanner.plan(history(habits), items: items, maps: maps, existing: [:], today: d("2026-01-01"))
        } throws: { error in
            (error as? ImportPlanError)?.message.hasPrefix(message) == true
        }
    }
}
