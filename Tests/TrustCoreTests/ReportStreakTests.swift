import Foundation
import Testing
import TrustCore
import TrustTestSupport

private let monday = DayKey.d("2026-11-02")  // a Monday

/// The stats of `item` over `ledger`, "now" being noon on `today` in the ledger's zone.
func reportStats(_ item: Item, _ ledger: LedgerBuilder, today: DayKey, now: Date? = nil) -> ItemStats {
    ItemStats(
        item: item, records: ledger.records, today: today,
        now: now ?? ledger.instant(today, TimeOfDay(hour: 12, minute: 0)))
}

func scheduled(_ id: ItemID = "call", skips: PerPeriod = PlanDefaults.skips, celebrate: [Int] = PlanDefaults.celebrate)
    -> Item
{
    Item(id: id, kind: .commitment, title: "Call", schedule: [], skips: skips, celebrate: celebrate)
}

func frequency(_ target: PerPeriod, id: ItemID = "walk", skips: PerPeriod = PlanDefaults.skips, celebrate: [Int] = [])
    -> Item
{
    Item(id: id, kind: .commitment, title: "Walk", schedule: [], target: target, skips: skips, celebrate: celebrate)
}

func boundary(_ id: ItemID = "phone", skips: PerPeriod = PlanDefaults.skips) -> Item {
    Item(id: id, kind: .boundary, title: "No phone at dinner", schedule: [], skips: skips)
}

/// Days in a pattern (spaces ignored).
func patternDays(_ p: String) -> Int { p.filter { $0 != " " }.count }

@Suite struct ScheduledStreakTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var pattern: String
        var streak: Int
        var best: Int
        var why: String
        var testDescription: String { "\(pattern): \(why)" }
    }

    static let cases: [Case] = [
        Case(pattern: "KKKKK", streak: 5, best: 5, why: "all kept"),
        Case(pattern: "KKMKK", streak: 2, best: 2, why: "a miss breaks"),
        Case(pattern: "KKKMKK", streak: 2, best: 3, why: "the best streak survives a break"),
        Case(pattern: "KKUKK", streak: 2, best: 2, why: "unanswered breaks"),
        Case(pattern: "KKSKK", streak: 4, best: 4, why: "a skip within the budget holds without adding"),
        Case(pattern: "KSSKK", streak: 3, best: 3, why: "two skips within 2/month hold"),
        Case(pattern: "KSSSK", streak: 1, best: 1, why: "the third skip in a month breaks"),
        Case(pattern: "KKKKP", streak: 4, best: 4, why: "pending today does not break"),
        Case(pattern: "KKPKK", streak: 4, best: 4, why: "a pending check-in (deadline ahead) holds"),
        Case(pattern: "KK.KK", streak: 4, best: 4, why: "a day with nothing asked neither adds nor breaks"),
        Case(pattern: "MMMM", streak: 0, best: 0, why: "never kept"),
        Case(pattern: "SS", streak: 0, best: 0, why: "skips alone add nothing"),
        Case(pattern: "K22K", streak: 6, best: 6, why: "each check-in counts, two a day"),
        Case(pattern: "KKKM", streak: 0, best: 3, why: "a miss today breaks now"),
    ]

    @Test(arguments: cases)
    func streak(_ c: Case) {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: monday, c.pattern)
        let s = reportStats(scheduled(), ledger, today: monday.adding(days: patternDays(c.pattern) - 1))
        #expect(s.streak == c.streak)
        #expect(s.bestStreak == c.best)
        #expect(s.unit == .checkIns)
    }

    struct BudgetCase: Sendable, CustomTestStringConvertible {
        var skips: PerPeriod
        var from: String
        var pattern: String
        var streak: Int
        var best: Int
        var why: String
        var testDescription: String { "\(skips) from \(from) \(pattern): \(why)" }
    }

    static let budgetCases: [BudgetCase] = [
        // 2026-01-30 and -31 use January's two skips; 2026-02-01 is the first of February's.
        BudgetCase(
            skips: PerPeriod(count: 2, period: .month), from: "2026-01-28", pattern: "KKSSSKK", streak: 4, best: 4,
            why: "the budget restarts with the month"),
        BudgetCase(
            skips: PerPeriod(count: 2, period: .month), from: "2026-01-27", pattern: "KKSSSKK", streak: 2, best: 2,
            why: "a third skip on the last day of the month breaks"),
        BudgetCase(
            skips: PerPeriod(count: 1, period: .week), from: "2026-11-07", pattern: "KSSK", streak: 2, best: 2,
            why: "Sunday's skip is last week's, Monday's is this week's"),
        BudgetCase(
            skips: PerPeriod(count: 1, period: .week), from: "2026-11-09", pattern: "KSSK", streak: 1, best: 1,
            why: "two skips in one week with 1/week: the second breaks"),
        BudgetCase(
            skips: PerPeriod(count: 0, period: .month), from: "2026-11-02", pattern: "KKSK", streak: 1, best: 2,
            why: "no budget: every skip breaks"),
        BudgetCase(
            skips: PerPeriod(count: 1, period: .day), from: "2026-11-02", pattern: "KSSK", streak: 2, best: 2,
            why: "1/day: one skip a day is forgiven"),
    ]

    @Test(arguments: budgetCases)
    func budget(_ c: BudgetCase) {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: .d(c.from), c.pattern)
        let s = reportStats(
            scheduled(skips: c.skips), ledger, today: DayKey.d(c.from).adding(days: patternDays(c.pattern) - 1))
        #expect(s.streak == c.streak)
        #expect(s.bestStreak == c.best)
    }

    @Test func twoCheckInsOnADayOneSkippedWithinBudget() {
        var ledger = LedgerBuilder()
        ledger.add("call", on: monday, at: TimeOfDay(hour: 8, minute: 0), .kept)
        ledger.add("call", on: monday, at: TimeOfDay(hour: 20, minute: 0), .skipped)
        ledger.add("call", on: monday.adding(days: 1), at: TimeOfDay(hour: 8, minute: 0), .kept)
        let s = reportStats(scheduled(skips: PerPeriod(count: 1, period: .day)), ledger, today: monday.adding(days: 1))
        #expect(s.streak == 2)
    }

    @Test func overduePendingCountsAsUnanswered() {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: monday, "KKK")
        // Thursday's check-in at 21:30 with a 3-hour deadline, still pending in the store.
        ledger.add("call", on: monday.adding(days: 3), .pending)
        let thursday = monday.adding(days: 3)
        let beforeDeadline = reportStats(
            scheduled(), ledger, today: thursday, now: ledger.instant(thursday, TimeOfDay(hour: 23, minute: 0)))
        #expect(beforeDeadline.streak == 3)
        #expect(beforeDeadline.days?[thursday].mark == .pending)
        let afterDeadline = reportStats(
            scheduled(), ledger, today: thursday.adding(days: 1),
            now: ledger.instant(thursday.adding(days: 1), TimeOfDay(hour: 9, minute: 0)))
        #expect(afterDeadline.streak == 0)
        #expect(afterDeadline.bestStreak == 3)
        #expect(afterDeadline.days?[thursday].mark == .unanswered)
    }

    @Test func lateNightAnswerCountsForTheCheckInsDay() throws {
        var ledger = LedgerBuilder()
        let tue = monday.adding(days: 1)
        // Monday's 22:30 check-in answered at 00:40 on Tuesday.
        ledger.add(
            "call", on: monday, at: TimeOfDay(hour: 22, minute: 30), .kept,
            answeredAt: ledger.instant(tue, TimeOfDay(hour: 0, minute: 40)))
        ledger.add("call", on: tue, at: TimeOfDay(hour: 22, minute: 30), .kept)
        let s = reportStats(scheduled(), ledger, today: tue)
        #expect(s.streak == 2)
        let days = try #require(s.days)
        #expect(days[monday].kept == 1)
        #expect(days[tue].kept == 1)
    }

    @Test func dayStartMovesAfterMidnightCheckInsToThePreviousDay() throws {
        // Calls at 00:30 with `day-starts: 04:00` belong to the evening before.
        var ledger = LedgerBuilder(dayStart: TimeOfDay(hour: 4, minute: 0))
        ledger.pattern("call", from: monday, "KKKKK", at: TimeOfDay(hour: 0, minute: 30))
        let s = reportStats(scheduled(), ledger, today: monday.adding(days: 3))
        let days = try #require(s.days)
        #expect(days.first == monday.adding(days: -1))
        #expect(days[monday.adding(days: -1)].kept == 1)
        #expect(s.streak == 5)
    }

    /// Berlin switches to summer time on 2026-03-29 and back on 2026-10-25: every day still has exactly one
    /// check-in and the streak runs through.
    @Test(arguments: ["2026-03-23", "2026-10-19"])
    func dstWeeksDoNotBreakAStreak(from: String) throws {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: .d(from), "KKKKKKK KKKKKKK")
        // A check-in inside the spring gap / the autumn repeat hour, too.
        ledger.add("call", on: DayKey.d(from).adding(days: 6), at: TimeOfDay(hour: 2, minute: 30), .kept)
        let today = DayKey.d(from).adding(days: 13)
        let s = reportStats(scheduled(), ledger, today: today)
        #expect(s.streak == 15)
        let days = try #require(s.days)
        for i in 0..<14 {
            #expect(days[DayKey.d(from).adding(days: i)].kept == (i == 6 ? 2 : 1))
        }
    }

    @Test func travelKeepsTheRecordedDay() throws {
        // Two check-ins computed in New York: their UTC instants fall on the next Berlin day, but the ledger's day
        // (computed in the zone they were scheduled in) is what counts.
        var berlin = LedgerBuilder()
        berlin.pattern("call", from: monday, "KK")
        var newYork = LedgerBuilder(zone: "America/New_York")
        newYork.pattern("call", from: monday.adding(days: 2), "KK", at: TimeOfDay(hour: 21, minute: 30))
        var records = berlin.records
        records += newYork.records.map { r in
            var r = r
            r.id += 100
            return r
        }
        let s = ItemStats(
            item: scheduled(), records: records, today: monday.adding(days: 4),
            now: berlin.instant(monday.adding(days: 4), TimeOfDay(hour: 12, minute: 0)))
        #expect(s.streak == 4)
        let days = try #require(s.days)
        #expect(days[monday.adding(days: 3)].kept == 1)
        #expect(days[monday.adding(days: 4)].kept == 0)
    }

    @Test func onlyFutureCheckInsSoFar() {
        // Added today, first check-in tomorrow (already in the ledger as pending).
        var ledger = LedgerBuilder()
        ledger.add("call", on: monday.adding(days: 1), .pending, deadline: 30 * 86400)
        let s = reportStats(scheduled(), ledger, today: monday)
        #expect(s.hasData)
        #expect(s.streak == 0 && s.bestStreak == 0)
        #expect(s.strength == nil)
        #expect(s.rates.allSatisfy { $0.rate == nil })
        #expect(s.days?[monday.adding(days: 1)].mark == .pending)
    }

    @Test func recordsOfOtherItemsAreIgnored() {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: monday, "KKK")
        ledger.pattern("other", from: monday, "MMM")
        let s = reportStats(scheduled(), ledger, today: monday.adding(days: 2))
        #expect(s.streak == 3)
        #expect(s.totals.total == 3)
    }

    @Test func unsortedRecordsGiveTheSameResult() {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: monday, "KKMKKSKK")
        let today = monday.adding(days: 7)
        let sorted = reportStats(scheduled(), ledger, today: today)
        let shuffled = ItemStats(
            item: scheduled(), records: ledger.records.reversed(), today: today,
            now: ledger.instant(today, TimeOfDay(hour: 12, minute: 0)))
        #expect(sorted.streak == shuffled.streak)
        #expect(sorted.strength == shuffled.strength)
        #expect(sorted.streak == 4)
    }
}

@Suite struct FrequencyStreakTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var from: String = "2026-11-02"
        var pattern: String
        var today: String
        var streak: Int
        var best: Int
        var why: String
        var testDescription: String { "\(pattern) today \(today): \(why)" }
    }

    static let cases: [Case] = [
        Case(pattern: "KKK.... KKK.... KK....K", today: "2026-11-22", streak: 3, best: 3, why: "a week reaches 3 on Sunday"),
        Case(pattern: "KKK.... KK..... KKK....", today: "2026-11-22", streak: 1, best: 1, why: "a short week breaks"),
        Case(pattern: "KKK.... KK.S... KKK....", today: "2026-11-22", streak: 2, best: 2,
            why: "a forgiven skip excuses the shortfall: holds without adding"),
        Case(pattern: "KKK.... KKK.... K", today: "2026-11-16", streak: 2, best: 2,
            why: "the current week holds while it can still be met"),
        Case(pattern: "KKK.... KKK.... K.....", today: "2026-11-21", streak: 2, best: 2,
            why: "Saturday, one kept, two days left: still reachable"),
        Case(pattern: "KKK.... KKK.... K....M", today: "2026-11-21", streak: 0, best: 2,
            why: "Saturday answered, one day left for two: out of reach breaks now"),
        Case(pattern: "KKK.... ....... KKK....", today: "2026-11-22", streak: 1, best: 1,
            why: "a week with nothing recorded breaks"),
        Case(pattern: "MMMMMMM KKKKKKK", today: "2026-11-15", streak: 1, best: 1, why: "more than the target counts once"),
        Case(from: "2026-11-05", pattern: "KK.. KKK....", today: "2026-11-15", streak: 1, best: 1,
            why: "an item added on Thursday: its short first week holds"),
        Case(from: "2026-11-05", pattern: "KKK. KKK....", today: "2026-11-15", streak: 2, best: 2,
            why: "an item added on Thursday that still makes its first week"),
        Case(pattern: "KKK.... KKK.... KKK....", today: "2026-12-01", streak: 0, best: 3,
            why: "no records since: last week broke the streak"),
    ]

    @Test(arguments: cases)
    func weekly(_ c: Case) {
        var ledger = LedgerBuilder()
        ledger.pattern("walk", from: .d(c.from), c.pattern)
        let s = reportStats(frequency(PerPeriod(count: 3, period: .week)), ledger, today: .d(c.today))
        #expect(s.streak == c.streak)
        #expect(s.bestStreak == c.best)
        #expect(s.unit == .weeks)
    }

    @Test func reachedOnSundayDatesTheMilestoneSunday() throws {
        var ledger = LedgerBuilder()
        ledger.pattern("walk", from: monday, "KKK.... KK....K")
        let s = reportStats(
            frequency(PerPeriod(count: 3, period: .week), celebrate: [2]), ledger, today: .d("2026-11-15"))
        #expect(s.milestones == [Milestone(count: 2, reached: .d("2026-11-15"), firstReached: .d("2026-11-15"))])
        #expect(s.streakStart == .d("2026-11-04"))
    }

    @Test func dstWeekReachesTarget() {
        // 2026-03-23..29 contains the switch to summer time (Sunday 29th).
        var ledger = LedgerBuilder()
        ledger.pattern("walk", from: .d("2026-03-16"), "KKK.... K.K...K")
        let s = reportStats(frequency(PerPeriod(count: 3, period: .week)), ledger, today: .d("2026-03-29"))
        #expect(s.streak == 2)
    }

    @Test func monthlyTarget() {
        var ledger = LedgerBuilder()
        ledger.add("walk", on: .d("2026-09-10"), .kept)
        ledger.add("walk", on: .d("2026-10-03"), .kept)
        let item = frequency(PerPeriod(count: 1, period: .month))
        let s = reportStats(item, ledger, today: .d("2026-11-25"))
        #expect(s.streak == 2)  // November can still be met
        #expect(s.unit == .months)
        #expect(s.progress?.needed == 1)
        #expect(s.progress?.daysLeft == 6)
        let dec = reportStats(item, ledger, today: .d("2026-12-02"))
        #expect(dec.streak == 0)  // November had none
        #expect(dec.bestStreak == 2)
    }

    @Test func monthlyTargetAddedMidMonth() {
        // 2/month, added on 20 October with one walk that month: October holds, November adds.
        var ledger = LedgerBuilder()
        ledger.add("walk", on: .d("2026-10-20"), .kept)
        ledger.add("walk", on: .d("2026-10-21"), .missed)
        ledger.add("walk", on: .d("2026-11-03"), .kept)
        ledger.add("walk", on: .d("2026-11-10"), .kept)
        var item = frequency(PerPeriod(count: 2, period: .month))
        item.starts = .d("2026-10-20")
        let s = reportStats(item, ledger, today: .d("2026-12-05"))
        #expect(s.streak == 1)
        #expect(s.bestStreak == 1)
        #expect(s.streakStart == .d("2026-11-10"))
        #expect(s.progress?.needed == 2)
        #expect(s.progress?.daysLeft == 27)
    }

    struct ProgressCase: Sendable, CustomTestStringConvertible {
        var pattern: String  // from Monday 2026-11-16
        var today: String
        var needed: Int
        var daysLeft: Int
        var opportunities: Int
        var spare: Int?
        var lastChance: String?
        var reachable: Bool
        var testDescription: String { "\(pattern) on \(today)" }
    }

    static let progressCases: [ProgressCase] = [
        ProgressCase(pattern: "K", today: "2026-11-16", needed: 2, daysLeft: 7, opportunities: 6, spare: 4,
            lastChance: "2026-11-21", reachable: true),
        ProgressCase(pattern: "K.", today: "2026-11-17", needed: 2, daysLeft: 6, opportunities: 6, spare: 4,
            lastChance: "2026-11-21", reachable: true),
        ProgressCase(pattern: "K....", today: "2026-11-20", needed: 2, daysLeft: 3, opportunities: 3, spare: 1,
            lastChance: "2026-11-21", reachable: true),
        ProgressCase(pattern: "K.....", today: "2026-11-21", needed: 2, daysLeft: 2, opportunities: 2, spare: 0,
            lastChance: "2026-11-21", reachable: true),
        ProgressCase(pattern: "K....M", today: "2026-11-21", needed: 2, daysLeft: 2, opportunities: 1, spare: nil,
            lastChance: nil, reachable: false),
        ProgressCase(pattern: "KK.K", today: "2026-11-19", needed: 0, daysLeft: 4, opportunities: 3, spare: nil,
            lastChance: nil, reachable: true),
        ProgressCase(pattern: "", today: "2026-11-22", needed: 3, daysLeft: 1, opportunities: 1, spare: nil,
            lastChance: nil, reachable: false),
    ]

    @Test(arguments: progressCases)
    func progress(_ c: ProgressCase) throws {
        var ledger = LedgerBuilder()
        ledger.pattern("walk", from: .d("2026-11-09"), "KKK....")
        ledger.pattern("walk", from: .d("2026-11-16"), c.pattern)
        let s = reportStats(frequency(PerPeriod(count: 3, period: .week)), ledger, today: .d(c.today))
        let p = try #require(s.progress)
        #expect(p.start == .d("2026-11-16"))
        #expect(p.end == .d("2026-11-22"))
        #expect(p.needed == c.needed)
        #expect(p.daysLeft == c.daysLeft)
        #expect(p.opportunities == c.opportunities)
        #expect(p.spare == c.spare)
        #expect(p.lastChance == c.lastChance.map { DayKey.d($0) })
        #expect(p.reachable == c.reachable)
    }

    @Test func noProgressForScheduledOrRemovedOrEndedItems() {
        var ledger = LedgerBuilder()
        ledger.pattern("walk", from: monday, "KKK")
        let today = monday.adding(days: 2)
        #expect(reportStats(scheduled("walk"), ledger, today: today).progress == nil)
        let removed = ItemStats(
            item: frequency(PerPeriod(count: 3, period: .week)), inPlan: false, records: ledger.records, today: today,
            now: .now)
        #expect(removed.progress == nil)
        var ended = frequency(PerPeriod(count: 3, period: .week))
        ended.ends = monday
        #expect(reportStats(ended, ledger, today: today).progress == nil)
    }
}

@Suite struct BoundaryStreakTests {
    static let cases: [(String, Int, Int, String)] = [
        ("KKKKK", 5, 5, "days held"),
        ("KKMKK", 2, 2, "a slip breaks"),
        ("KKUKK", 2, 2, "no answer breaks"),
        ("KK.KK", 4, 4, "a day without a check-in neither adds nor breaks"),
        ("KKSKK", 4, 4, "a forgiven skip holds"),
        ("KSSSK", 1, 1, "a skip beyond the budget breaks"),
        ("KK2K", 4, 4, "two held check-ins on one day: one day"),
        ("KKKP", 3, 3, "pending today"),
    ]

    @Test(arguments: cases)
    func daysHeld(pattern: String, streak: Int, best: Int, why: String) {
        var ledger = LedgerBuilder()
        ledger.pattern("phone", kind: .boundary, from: monday, pattern)
        let s = reportStats(boundary(), ledger, today: monday.adding(days: patternDays(pattern) - 1))
        #expect(s.streak == streak, "\(why)")
        #expect(s.bestStreak == best, "\(why)")
        #expect(s.unit == .days)
    }

    @Test func aSlipLaterTheSameDayBreaks() {
        var ledger = LedgerBuilder()
        ledger.pattern("phone", kind: .boundary, from: monday, "KK")
        ledger.add("phone", kind: .boundary, on: monday.adding(days: 2), at: TimeOfDay(hour: 13, minute: 0), .kept)
        ledger.add("phone", kind: .boundary, on: monday.adding(days: 2), at: TimeOfDay(hour: 20, minute: 0), .missed)
        let s = reportStats(boundary(), ledger, today: monday.adding(days: 2))
        #expect(s.streak == 0)
        #expect(s.bestStreak == 2)
        #expect(s.days?[monday.adding(days: 2)].mark == .partial)
    }
}
