import Foundation
import Testing
import TrustCore
import TrustTestSupport

/// Strength against Loop Habit Tracker's own test vectors (uhabits-core ScoreListTest: `YesNoScoreListTest`),
/// and its convergence properties.
@Suite struct StrengthTests {
    let today = DayKey.d("2026-11-25")

    /// Loop's `test_getValue`: kept on the last 20 days; scores from today backwards.
    static let twentyDays = [
        0.655747, 0.636894, 0.617008, 0.596033, 0.573910, 0.550574, 0.525961, 0.500000, 0.472617, 0.443734,
        0.413270, 0.381137, 0.347244, 0.311495, 0.273788, 0.234017, 0.192067, 0.147820, 0.101149, 0.051922,
    ]

    @Test func dailyKeptTwentyDaysMatchesLoop() throws {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: today.adding(days: -19), String(repeating: "K", count: 20))
        let s = reportStats(scheduled(), ledger, today: today)
        #expect(s.frequencyPerDay == 1)
        let history = Array(s.strengthHistory.reversed())
        try #require(history.count == 20)
        for (got, want) in zip(history, Self.twentyDays) { #expect(abs(got - want) < 1e-6) }
        #expect(abs(try #require(s.strength) - 0.655747) < 1e-6)
    }

    /// Loop's `test_getValueWithSkip`: the same with skips 5, 10 and 11 days ago.
    @Test func dailyWithSkipsMatchesLoop() throws {
        var ledger = LedgerBuilder()
        var p = Array(repeating: Character("K"), count: 20)
        for ago in [5, 10, 11] { p[19 - ago] = "S" }
        ledger.pattern("call", from: today.adding(days: -19), String(p))
        let s = reportStats(scheduled(skips: PerPeriod(count: 5, period: .month)), ledger, today: today)
        let want = [
            0.596033, 0.573910, 0.550574, 0.525961, 0.500000, 0.472617, 0.472617, 0.443734, 0.413270, 0.381137,
            0.347244, 0.347244, 0.347244, 0.311495, 0.273788, 0.234017, 0.192067, 0.147820, 0.101149, 0.051922,
        ]
        for (got, w) in zip(s.strengthHistory.reversed(), want) { #expect(abs(got - w) < 1e-6) }
    }

    /// Loop's `test_getValueWithSkip2`: kept 5 days ago, skipped 4 days ago, not done since (here: missed).
    @Test func keptSkippedMissedMatchesLoop() throws {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: today.adding(days: -5), "KSMMMM")
        let s = reportStats(scheduled(), ledger, today: today)
        let want = [0.041949, 0.044247, 0.046670, 0.049226, 0.051922, 0.051922]
        for (got, w) in zip(s.strengthHistory.reversed(), want) { #expect(abs(got - w) < 1e-6) }
    }

    /// Loop's `test_getValueNonDailyWithSkip`: 6 times a week, done the last 18 days except skips 10–12 days ago.
    @Test func sixPerWeekWithSkipsMatchesLoop() throws {
        var ledger = LedgerBuilder()
        var p = Array(repeating: Character("K"), count: 18)
        for ago in [10, 11, 12] { p[17 - ago] = "S" }
        ledger.pattern("walk", from: today.adding(days: -17), String(p))
        let s = reportStats(frequency(PerPeriod(count: 6, period: .week)), ledger, today: today)
        let want = [
            0.365222, 0.333100, 0.299354, 0.263899, 0.226651, 0.191734, 0.159268, 0.129375, 0.102187, 0.077839,
            0.056477, 0.056477, 0.056477, 0.056477, 0.038251, 0.023319, 0.011848, 0.004014,
        ]
        let got = Array(s.strengthHistory.reversed())
        try #require(got.count == 18)
        for (g, w) in zip(got, want) { #expect(abs(g - w) < 1e-6) }
    }

    /// Loop's `test_imperfectNonDaily`: 3/week done twice each week converges to 2/3; as 4/week, to 1/2.
    @Test(arguments: [(3, 2.0 / 3), (4, 0.5)])
    func imperfectNonDailyConverges(target: Int, limit: Double) throws {
        var ledger = LedgerBuilder()
        ledger.pattern(
            "walk", from: today.adding(days: -699), String(repeating: "MMMMMKK", count: 100))
        let s = reportStats(frequency(PerPeriod(count: target, period: .week)), ledger, today: today)
        #expect(abs(try #require(s.strength) - limit) < 1e-6)
    }

    /// Loop's `test_irregularNonDaily`: once a week on different weekdays still converges to 100%.
    @Test func irregularWeeklyConverges() throws {
        var ledger = LedgerBuilder()
        ledger.pattern(
            "walk", from: today.adding(days: -1399), String(repeating: "K............K", count: 100))
        let s = reportStats(frequency(PerPeriod(count: 1, period: .week)), ledger, today: today)
        #expect(abs(try #require(s.strength) - 1) < 1e-3)
    }

    /// Loop's `shouldAchieveHighScoreInReasonableTime`, and the same for a scheduled weekly check-in.
    @Test func reachesHighScoreInReasonableTime() throws {
        var daily = LedgerBuilder()
        daily.pattern("call", from: today.adding(days: -89), String(repeating: "K", count: 90))
        #expect(try #require(reportStats(scheduled(), daily, today: today).strength) > 0.99)

        var weekly = LedgerBuilder()
        weekly.pattern("walk", from: today.adding(days: -38 * 7), String(repeating: "K......", count: 39))
        let asTarget = reportStats(frequency(PerPeriod(count: 1, period: .week)), weekly, today: today.adding(days: -6))
        #expect(try #require(asTarget.strength) > 0.99)
        // A scheduled Sunday check-in (observed f = 1/7) kept for 39 weeks.
        var sunday = LedgerBuilder()
        sunday.pattern("talk", from: .d("2026-02-22"), String(repeating: "K......", count: 39))
        let talk = reportStats(scheduled("talk"), sunday, today: .d("2026-11-15"))
        #expect(abs(try #require(talk.frequencyPerDay) - 1.0 / 7) < 0.01)
        #expect(try #require(talk.strength) > 0.99)
    }

    @Test func aSingleLapseIsForgivenNotFatal() throws {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: today.adding(days: -119), String(repeating: "K", count: 119) + "M")
        let s = reportStats(scheduled(), ledger, today: today)
        let strength = try #require(s.strength)
        #expect(strength > 0.94 && strength < 0.96)  // m = 0.5^(1/13) ≈ 0.948
        #expect(s.streak == 0)
    }

    @Test func pendingAndUnaskedDaysDoNotMoveTheScore() throws {
        var a = LedgerBuilder()
        a.pattern("call", from: today.adding(days: -4), "KKKK")
        var b = a
        b.pattern("call", from: today, "P")
        let sa = try #require(reportStats(scheduled(), a, today: today).strength)
        let sb = try #require(reportStats(scheduled(), b, today: today).strength)
        #expect(sa == sb)
        // A day without a check-in (the daemon was not running) in a daily promise carries the score.
        var full = LedgerBuilder()
        full.pattern("call", from: today.adding(days: -20), String(repeating: "K", count: 21))
        var gap = LedgerBuilder()
        gap.pattern("call", from: today.adding(days: -21), String(repeating: "K", count: 10) + "." + String(repeating: "K", count: 11))
        let sFull = try #require(reportStats(scheduled(), full, today: today).strength)
        let sGap = try #require(reportStats(scheduled(), gap, today: today).strength)
        #expect(abs(sFull - sGap) < 1e-12)
    }

    @Test func scheduledWeeklyMissOnceDropsGently() throws {
        var ledger = LedgerBuilder()
        ledger.pattern("talk", from: .d("2026-02-22"), String(repeating: "K......", count: 38) + "M......")
        let s = reportStats(scheduled("talk"), ledger, today: .d("2026-11-21"))
        let strength = try #require(s.strength)
        // A week of v = 1/2 (one kept, one missed in the 14-day window) at m = 0.5^(√(1/7)/13) ≈ 0.980:
        // 0.5 + 0.5·m⁷ ≈ 0.934.
        let m = ItemStats.multiplier(frequencyPerDay: 1.0 / 7)
        let before = try #require(s.strengthHistory.dropLast(7).last)
        #expect(abs(strength - (0.5 + (before - 0.5) * pow(m, 7))) < 1e-9)
        #expect(strength < before && strength > 0.9)
    }

    @Test func multiplierIsLoops() {
        #expect(abs(ItemStats.multiplier(frequencyPerDay: 1) - pow(0.5, 1.0 / 13)) < 1e-12)
        let daily = ItemStats.multiplier(frequencyPerDay: 1)
        #expect(abs(ItemStats.nextScore(0, value: 1, multiplier: daily) - 0.051922) < 1e-6)
        let threeAWeek = ItemStats.multiplier(frequencyPerDay: 3.0 / 7)
        #expect(abs(ItemStats.nextScore(0.5, value: 0.5, multiplier: threeAWeek) - 0.5) < 1e-12)
    }

    @Test func noRecordsNoStrength() {
        let s = ItemStats(item: scheduled(), records: [], today: today, now: .now)
        #expect(s.strength == nil)
        #expect(!s.hasData)
        #expect(s.rates.allSatisfy { $0.rate == nil })
        #expect(s.streak == 0)
        #expect(s.skipsLeft == 2)
    }
}

@Suite struct RateAndBudgetTests {
    let today = DayKey.d("2026-11-25")

    @Test(arguments: [
        // pattern ending today, rate7, rate30, rate90
        ("KKKKKMS", 5.0 / 6, 5.0 / 6, 5.0 / 6),
        ("K...................", nil, 1.0, 1.0),  // nothing asked in the last 7 days
        ("KKKKKKKKKM", 6.0 / 7, 0.9, 0.9),  // an item added ten days ago
        ("KKKP", 1.0, 1.0, 1.0),  // pending today is not asked yet
        ("SSSS", nil, nil, nil),  // skips are excused, not asked
        ("UKKKKKK", 6.0 / 7, 6.0 / 7, 6.0 / 7),
        ("UKKKKKKK", 1.0, 7.0 / 8, 7.0 / 8),
    ] as [(String, Double?, Double?, Double?)])
    func rates(pattern: String, r7: Double?, r30: Double?, r90: Double?) {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: today.adding(days: 1 - patternDays(pattern)), pattern)
        let s = reportStats(scheduled(skips: PerPeriod(count: 9, period: .month)), ledger, today: today)
        #expect(s.rate(days: 7)?.rate == r7)
        #expect(s.rate(days: 30)?.rate == r30)
        #expect(s.rate(days: 90)?.rate == r90)
    }

    @Test func ninetyDayWindowExcludesDay91() {
        var ledger = LedgerBuilder()
        ledger.add("call", on: today.adding(days: -90), .missed)
        ledger.add("call", on: today.adding(days: -89), .kept)
        let s = reportStats(scheduled(), ledger, today: today)
        #expect(s.rate(days: 90)?.rate == 1)
        #expect(s.rate(days: 90)?.tally.kept == 1)
    }

    @Test(arguments: [
        // budget, skip days, skips left
        (PerPeriod(count: 2, period: .month), ["2026-11-03"], 1),
        (PerPeriod(count: 2, period: .month), ["2026-10-30", "2026-10-31"], 2),
        (PerPeriod(count: 2, period: .month), ["2026-11-01", "2026-11-20", "2026-11-24"], 0),
        (PerPeriod(count: 1, period: .week), ["2026-11-22"], 1),
        (PerPeriod(count: 1, period: .week), ["2026-11-23"], 0),
    ] as [(PerPeriod, [String], Int)])
    func skipsLeft(budget: PerPeriod, skipDays: [String], left: Int) {
        var ledger = LedgerBuilder()
        for d in skipDays { ledger.add("call", on: .d(d), .skipped) }
        ledger.add("call", on: today, .kept)
        let s = reportStats(scheduled(skips: budget), ledger, today: today)
        #expect(s.skipsLeft == left)
        #expect(s.skipsUsed == skipDays.filter { DayKey.d($0) >= today.start(of: budget.period) }.count)
    }
}

@Suite struct MilestoneTests {
    let monday = DayKey.d("2026-11-02")

    @Test func milestonesOfTheCurrentAndFirstStreak() {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: monday, "KKK M KKKK")
        let s = reportStats(scheduled(celebrate: [3, 4, 7]), ledger, today: monday.adding(days: 7))
        #expect(
            s.milestones == [
                Milestone(count: 3, reached: monday.adding(days: 6), firstReached: monday.adding(days: 2)),
                Milestone(count: 4, reached: monday.adding(days: 7), firstReached: monday.adding(days: 7)),
                Milestone(count: 7, reached: nil, firstReached: nil),
            ])
        #expect(s.nextMilestone == 7)
        #expect(
            s.milestoneEvents == [
                MilestoneEvent(count: 3, day: monday.adding(days: 2)), MilestoneEvent(count: 3, day: monday.adding(days: 6)),
                MilestoneEvent(count: 4, day: monday.adding(days: 7)),
            ])
    }

    struct ReachedCase: Sendable, CustomTestStringConvertible {
        var item: Item
        var pattern: String
        /// The index (in record order) of the occurrence answered last.
        var answered: Int
        var expected: Int?
        var why: String
        var testDescription: String { why }
    }

    static let reachedCases: [ReachedCase] = [
        ReachedCase(item: scheduled(celebrate: [3, 7]), pattern: "KKK", answered: 2, expected: 3, why: "third kept"),
        ReachedCase(item: scheduled(celebrate: [3, 7]), pattern: "KK", answered: 1, expected: nil, why: "not yet"),
        ReachedCase(item: scheduled(celebrate: [3, 7]), pattern: "KKKK", answered: 3, expected: nil, why: "past it"),
        ReachedCase(item: scheduled(celebrate: [3, 7]), pattern: "KKM", answered: 2, expected: nil, why: "a miss"),
        ReachedCase(
            item: scheduled(celebrate: [3, 7]), pattern: "KKKKKKK", answered: 3, expected: 7,
            why: "a correction from missed to kept joins two runs"),
        ReachedCase(
            item: scheduled(celebrate: [2, 3]), pattern: "KK.K", answered: 2, expected: 3,
            why: "the largest milestone crossed"),
        ReachedCase(
            item: frequency(PerPeriod(count: 3, period: .week), celebrate: [2]), pattern: "KKK.... K.K.K", answered: 5,
            expected: 2, why: "the answer completing the second week"),
        ReachedCase(
            item: boundary(), pattern: "KKKKKK", answered: 5, expected: nil, why: "boundary: 6 days is no milestone"),
        ReachedCase(
            item: boundary(), pattern: "KKKKKKK", answered: 6, expected: 7, why: "boundary: the seventh day held"),
    ]

    @Test(arguments: reachedCases)
    func milestoneReached(_ c: ReachedCase) throws {
        var ledger = LedgerBuilder()
        ledger.pattern(c.item.id, kind: c.item.kind, from: monday, c.pattern)
        let answered = ledger.records[c.answered]
        let today = ledger.records.last!.day
        let got = ItemStats.milestoneReached(
            item: c.item, records: ledger.records, answered: answered.id, today: today,
            now: ledger.instant(today, TimeOfDay(hour: 23, minute: 0)))
        #expect(got?.event.count == c.expected)
        if let got { #expect(got.streak >= got.event.count) }
    }

    @Test func lateAnswerAfterTheDeadlineCelebratesOnlyItsOwnStep() throws {
        // A 400-check-in streak; the last one answered the next morning, after its deadline (catch-up).
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: .d("2025-10-01"), String(repeating: "K", count: 400))
        let last = ledger.records.last!
        let now = last.deadline.addingTimeInterval(6 * 3600)
        let item = scheduled(celebrate: [7, 30, 100, 365, 400])
        #expect(
            ItemStats.milestoneReached(item: item, records: ledger.records, answered: last.id, today: last.day, now: now)?
                .event == MilestoneEvent(count: 400, day: last.day))
        #expect(
            ItemStats.milestoneReached(
                item: scheduled(celebrate: [7, 30, 100, 365]), records: ledger.records, answered: last.id,
                today: last.day, now: now) == nil)
    }
}
