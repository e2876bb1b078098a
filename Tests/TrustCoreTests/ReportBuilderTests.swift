import Foundation
import Testing
import TrustCore
import TrustTestSupport

@Suite struct ReportBuilderTests {
    let today = DayKey.d("2026-11-25")  // a Wednesday

    func plan(_ items: [Item]) -> Plan { Plan(timeZone: TimeZone(identifier: "Europe/Berlin")!, items: items) }

    @Test func itemsRemovedFromThePlanAreReportedWithDefaults() throws {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: today.adding(days: -2), "KKK")
        ledger.pattern("old-habit", kind: .boundary, from: .d("2026-01-01"), "KKKKM")
        let report = Report(plan: plan([scheduled("call")]), records: ledger.records, today: today, now: .now)
        #expect(report.items.map(\.item.id) == ["call", "old-habit"])
        let old = report.items[1]
        #expect(!old.inPlan)
        #expect(old.item.kind == .boundary)
        #expect(old.item.title == "old-habit")
        #expect(old.item.skips == PlanDefaults.skips)
        #expect(old.item.celebrate == PlanDefaults.celebrate)
        #expect(old.bestStreak == 4)
        #expect(old.streak == 0)
        #expect(report.items[0].inPlan)
    }

    @Test func planItemsWithoutRecordsSaySo() {
        let report = Report(plan: plan([scheduled("call"), boundary()]), records: [], today: today, now: .now)
        #expect(report.items.count == 2)
        #expect(report.items.allSatisfy { !$0.hasData })
        #expect(report.week.rate == nil)
    }

    @Test func onlyAndUnknownItems() {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: today, "K")
        ledger.pattern("gone", from: today, "K")
        let p = plan([scheduled("call"), boundary()])
        let report = Report(plan: p, records: ledger.records, only: ["gone", "call", "gone"], today: today, now: .now)
        #expect(report.items.map(\.item.id) == ["gone", "call"])
        #expect(Report.unknownItems(["call", "gone", "nope", "phone"], plan: p, ledgerItems: ["call", "gone"]) == ["nope"])
    }

    @Test func summaryCountsThisWeekAndThisMonth() {
        var ledger = LedgerBuilder()
        // Monday 2026-11-23 … today (Wednesday): call K M K; phone K K P(today)
        ledger.pattern("call", from: .d("2026-11-01"), "KKKKKMMK")  // 1st–8th November
        ledger.pattern("call", from: .d("2026-11-23"), "KMK")
        ledger.pattern("phone", kind: .boundary, from: .d("2026-11-23"), "KKP")
        ledger.pattern("call", from: .d("2026-10-31"), "M")  // October: not this month
        let report = Report(plan: plan([scheduled("call"), boundary()]), records: ledger.records, today: today, now: .now)
        #expect(report.week.start == .d("2026-11-23"))
        #expect(report.week.end == .d("2026-11-29"))
        #expect(report.week.kept == 4)
        #expect(report.week.asked == 5)
        #expect(report.month.kept == 10)
        #expect(report.month.asked == 13)
        #expect(report.month.start == .d("2026-11-01"))
        #expect(report.month.end == .d("2026-11-30"))
    }

    @Test func sinceLeavesOutEarlierRecords() {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: today.adding(days: -9), "KKKKKMKKKK")
        let all = Report(plan: nil, records: ledger.records, today: today, now: .now)
        let since = Report(plan: nil, records: ledger.records, since: today.adding(days: -3), today: today, now: .now)
        #expect(all.items[0].bestStreak == 5)
        #expect(since.items[0].bestStreak == 4)
        #expect(since.items[0].firstDay == today.adding(days: -3))
    }

    @Test func recentNotesNewestFirstWithinThirtyDays() {
        var ledger = LedgerBuilder()
        ledger.add("call", on: today.adding(days: -30), .missed, note: "too old")
        ledger.add("call", on: today.adding(days: -29), .missed, note: "oldest kept")
        ledger.add("call", on: today.adding(days: -3), .kept, note: "")
        ledger.add("call", on: today.adding(days: -1), .skipped, note: "ill")
        ledger.add("call", on: today.adding(days: 1), .pending, note: "future")
        let s = reportStats(scheduled(), ledger, today: today)
        #expect(s.recentNotes.map(\.text) == ["ill", "oldest kept"])
        #expect(s.recentNotes.first?.state == .skipped)
    }

    @Test func planDecidesTheKindAndTarget() {
        // The ledger says commitment; the plan now says it is a frequency commitment 2/week.
        var ledger = LedgerBuilder()
        ledger.pattern("walk", from: .d("2026-11-16"), "K.K.... K")
        let report = Report(
            plan: plan([frequency(PerPeriod(count: 2, period: .week))]), records: ledger.records, today: today, now: .now)
        #expect(report.items[0].unit == .weeks)
        #expect(report.items[0].streak == 1)
        #expect(report.items[0].progress?.needed == 1)
    }
}

@Suite struct WeekReviewTests {
    let today = DayKey.d("2026-11-25")

    @Test func agendaOfAPastWeek() throws {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: .d("2026-11-09"), "KKKKKK")
        ledger.add("call", on: .d("2026-11-15"), .missed, note: "Flight was late")
        ledger.pattern("call", from: .d("2026-11-16"), "KSKKKKK")
        ledger.pattern("call", from: .d("2026-11-23"), "MMM")  // after the reviewed week
        ledger.pattern("walk", from: .d("2026-11-16"), "K..K...")
        let p = Plan(
            timeZone: TimeZone(identifier: "Europe/Berlin")!,
            items: [scheduled(celebrate: [3, 7]), frequency(PerPeriod(count: 3, period: .week)), boundary()])
        let review = WeekReview(plan: p, records: ledger.records, week: .d("2026-11-19"), today: today, now: .now)
        #expect(review.start == .d("2026-11-16"))
        #expect(review.end == .d("2026-11-22"))
        #expect(review.isComplete)
        #expect(review.items.map(\.stats.item.id) == ["call", "walk"])  // the boundary had nothing that week
        let call = review.items[0]
        #expect(call.tally.kept == 6)
        #expect(call.tally.skipped == 1)
        #expect(call.skips.map(\.forgiven) == [true])
        #expect(call.stats.streak == 6)  // as of Sunday, not today
        #expect(call.milestones == [MilestoneEvent(count: 3, day: .d("2026-11-19"))])
        let walk = review.items[1]
        #expect(walk.tally.kept == 2)
        #expect(walk.targetMet == false)
        #expect(walk.stats.streak == 0)  // the week fell short
        #expect(call.targetMet == nil)

        let before = WeekReview(plan: p, records: ledger.records, week: .d("2026-11-15"), today: today, now: .now)
        #expect(before.items[0].slips.map(\.note) == ["Flight was late"])
        #expect(before.items[0].notes.count == 1)
    }

    @Test func theCurrentWeekIsAsOfToday() {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: .d("2026-11-23"), "KKP")
        let review = WeekReview(
            plan: nil, records: ledger.records, week: today, today: today,
            now: ledger.instant(today, TimeOfDay(hour: 12, minute: 0)))
        #expect(!review.isComplete)
        #expect(review.items[0].entries.count == 2)
        #expect(review.tally.pending == 1)
        #expect(review.items[0].stats.today == today)
    }
}
