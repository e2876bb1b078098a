// Streaks, strength, rates, forgiveness and milestones of one item: pure functions of the item,
// its ledger records, "today" and "now". The rules are written out in docs/report-semantics.md.
import Foundation

/// What one step of an item's streak is.
public enum StreakUnit: String, Sendable, Hashable, Codable {
    /// Scheduled commitments: consecutive kept check-ins.
    case checkIns = "check-ins"
    /// Boundaries (days held) and `N/day` frequency targets.
    case days
    /// `N/week` frequency targets.
    case weeks
    /// `N/month` frequency targets.
    case months

    public static func of(kind: ItemKind, target: PerPeriod?) -> StreakUnit {
        if kind == .boundary { return .days }
        guard let target else { return .checkIns }
        switch target.period {
        case .day: return .days
        case .week: return .weeks
        case .month: return .months
        }
    }

    /// "check-in"/"check-ins", "day"/"days", … for `count`.
    public func noun(_ count: Int) -> String {
        let singular: String
        switch self {
        case .checkIns: singular = "check-in"
        case .days: singular = "day"
        case .weeks: singular = "week"
        case .months: singular = "month"
        }
        return count == 1 ? singular : singular + "s"
    }
}

/// A `celebrate:` streak length and when it was reached.
public struct Milestone: Sendable, Hashable {
    /// The streak length, in the item's streak unit.
    public var count: Int
    /// The day the *current* streak reached it; nil when the current streak has not.
    public var reached: DayKey?
    /// The first day any streak reached it; nil when none ever did.
    public var firstReached: DayKey?

    public init(count: Int, reached: DayKey? = nil, firstReached: DayKey? = nil) {
        self.count = count
        self.reached = reached
        self.firstReached = firstReached
    }
}

/// A note given with an answer.
public struct RecentNote: Sendable, Hashable {
    public var day: DayKey
    public var state: ReportState
    public var text: String
    public init(day: DayKey, state: ReportState, text: String) {
        self.day = day
        self.state = state
        self.text = text
    }
}

/// A streak reaching a `celebrate:` value on a day.
public struct MilestoneEvent: Sendable, Hashable {
    public var count: Int
    public var day: DayKey
    public init(count: Int, day: DayKey) {
        self.count = count
        self.day = day
    }
}

/// Kept / asked over the last `days` days (today included).
public struct WindowRate: Sendable, Hashable {
    public var days: Int
    public var tally: DayTally
    /// kept / (kept + missed + unanswered); nil when nothing was asked (skips are excused, pending is not yet due).
    public var rate: Double? { tally.rate }

    public init(days: Int, tally: DayTally) {
        self.days = days
        self.tally = tally
    }
}

/// A frequency commitment's current period: how far it is, and how long it can still be met.
public struct PeriodProgress: Sendable, Hashable {
    public var period: Period
    public var start: DayKey
    /// Last day of the period.
    public var end: DayKey
    public var target: Int
    public var kept: Int
    /// Skips within the budget in this period (they excuse a shortfall at the period's end).
    public var forgivenSkips: Int
    /// Days from today to the end of the period, today included.
    public var daysLeft: Int
    /// Days on which it can still be done: `daysLeft`, minus today when today is already answered.
    public var opportunities: Int

    public init(
        period: Period, start: DayKey, end: DayKey, target: Int, kept: Int, forgivenSkips: Int, daysLeft: Int,
        opportunities: Int
    ) {
        self.period = period
        self.start = start
        self.end = end
        self.target = target
        self.kept = kept
        self.forgivenSkips = forgivenSkips
        self.daysLeft = daysLeft
        self.opportunities = opportunities
    }

    /// "N more this week": kept check-ins still needed (0 when met).
    public var needed: Int { max(0, target - kept) }
    public var met: Bool { kept >= target }
    /// Whether the target (or an excused shortfall) can still be reached this period.
    public var reachable: Bool { met || target - kept - forgivenSkips <= opportunities }
    /// Days that can still go by without one before the target can no longer be met; nil when met or out of reach.
    public var spare: Int? {
        guard !met, reachable else { return nil }
        return max(0, opportunities - needed)
    }
    /// The last day on which starting the remaining ones still meets the target (one a day); nil when met or out of reach.
    public var lastChance: DayKey? {
        guard !met, needed <= opportunities else { return nil }
        return end.adding(days: -(needed - 1))
    }
}

/// Every report number for one item.
public struct ItemStats: Sendable {
    public var item: Item
    /// False when the item is in the ledger but not (or no longer) in the plan; `item` then has the defaults.
    public var inPlan: Bool
    public var unit: StreakUnit
    public var today: DayKey

    /// Day-by-day tallies from the first record to today (nil when the item has no records).
    public var days: DayTallies?
    public var totals: DayTally

    public var streak: Int
    public var bestStreak: Int
    /// The day the current streak began (its first kept unit); nil when the streak is 0.
    public var streakStart: DayKey?

    /// Today's habit strength, 0…1; nil without records.
    public var strength: Double?
    /// Strength at the end of each day from `strengthStart`, one value a day up to today.
    public var strengthHistory: [Double]
    public var strengthStart: DayKey?
    /// The f (check-ins per day) the strength was computed with.
    public var frequencyPerDay: Double?

    /// Kept/asked over 7, 30 and 90 days.
    public var rates: [WindowRate]

    public var skipsUsed: Int
    public var skipsLeft: Int
    /// First and last day of the current forgiveness-budget period.
    public var skipsPeriodStart: DayKey
    public var skipsPeriodEnd: DayKey

    /// One entry per `celebrate:` value, ascending.
    public var milestones: [Milestone]
    /// Every time any streak reached a `celebrate:` value, in order.
    public var milestoneEvents: [MilestoneEvent]
    /// For frequency commitments in the plan: the period containing today.
    public var progress: PeriodProgress?
    /// Notes given with answers in the last 30 days, newest first (at most `recentNotesLimit`).
    public var recentNotes: [RecentNote]

    public static let recentNotesLimit = 10

    public var hasData: Bool { days != nil }
    public var firstDay: DayKey? { days?.first }
    /// The next `celebrate:` value above the current streak.
    public var nextMilestone: Int? { milestones.map(\.count).filter { $0 > streak }.min() }
    public func rate(days n: Int) -> WindowRate? { rates.first { $0.days == n } }

    public static let rateWindows = [7, 30, 90]

    /// Computes everything for `item` from `records` (records of other items are ignored).
    /// `today` is the current day in the plan's zone with `day-starts` applied; `now` decides whether a
    /// pending occurrence's deadline has passed.
    public init(item: Item, inPlan: Bool = true, records: [CheckIn], today: DayKey, now: Date) {
        let ledger = ItemCheckIns.group(records.filter { $0.item == item.id }).first
        self.init(item: item, inPlan: inPlan, ledger: ledger, today: today, now: now)
    }

    /// Computes everything for `item` from its part of the ledger (nil: no occurrences yet).
    public init(item: Item, inPlan: Bool = true, ledger: ItemCheckIns?, today: DayKey, now: Date) {
        self.item = item
        self.inPlan = inPlan
        self.today = today
        self.unit = StreakUnit.of(kind: item.kind, target: item.target)
        skipsPeriodStart = today.start(of: item.skips.period)
        skipsPeriodEnd = today.startOfNext(item.skips.period).adding(days: -1)

        var entries = ledger?.entries ?? []
        if !entries.isSorted(by: CompactCheckIn.chronological) { entries.sort(by: CompactCheckIn.chronological) }
        var counter = StreakCounter(celebrate: item.celebrate)
        guard let firstEntry = entries.first, let lastEntry = entries.last else {
            days = nil
            totals = DayTally()
            streak = 0
            bestStreak = 0
            streakStart = nil
            strength = nil
            strengthHistory = []
            strengthStart = nil
            frequencyPerDay = nil
            rates = ItemStats.rateWindows.map { WindowRate(days: $0, tally: DayTally()) }
            skipsUsed = 0
            skipsLeft = max(0, item.skips.count)
            milestones = counter.milestones
            milestoneEvents = []
            recentNotes = []
            progress = ItemStats.frequencyProgress(item: item, inPlan: inPlan, days: nil, today: today)
            return
        }
        let nowMs = CompactCheckIn.millis(now)
        let first = DayKey(daysSinceEpoch: Int(firstEntry.day))
        let firstIndex = Int(firstEntry.day)
        let todayOffset = today.daysSinceEpoch - firstIndex
        let lastRecord = DayKey(daysSinceEpoch: Int(lastEntry.day))

        // Tallies and forgiveness: the first `skips.count` skips of each budget period (in order) are forgiven.
        var tallies = DayTallies(first: first, last: max(lastRecord, today))
        var states = [ReportState]()
        states.reserveCapacity(entries.count)
        var forgiven = [Bool](repeating: false, count: entries.count)
        var budget = SkipBudget(item.skips)
        for (i, e) in entries.enumerated() {
            let state = e.reportState(nowMs: nowMs)
            states.append(state)
            let offset = Int(e.day) - firstIndex
            tallies.add(state, offset: offset)
            guard state == .skipped else { continue }
            forgiven[i] = budget.forgives(skipOn: e)
            tallies.addSkip(forgiven: forgiven[i], offset: offset)
        }
        days = tallies
        totals = tallies.sum(offsets: 0...(tallies.count - 1))
        rates = ItemStats.rateWindows.map {
            WindowRate(days: $0, tally: tallies.sum(offsets: (todayOffset + 1 - $0)...todayOffset))
        }
        skipsUsed = tallies.sum(from: skipsPeriodStart, to: skipsPeriodEnd).skipped
        skipsLeft = max(0, item.skips.count - skipsUsed)

        // Streaks.
        if item.kind == .boundary {
            // Days held: a day with a slip (missed, unanswered) or an unforgiven skip breaks; a day with a
            // kept check-in adds; a day of forgiven skips or pending check-ins only holds.
            var offset = 0
            while offset < tallies.count && offset <= todayOffset {
                let t = tallies.tallies[offset]
                if t.failed > 0 || tallies.unforgiven[offset] > 0 {
                    counter.breakStreak()
                } else if t.kept > 0 {
                    counter.add(day: firstIndex + offset)
                }
                offset += 1
            }
        } else if let target = item.target {
            ItemStats.walkPeriods(item: item, target: target, tallies: tallies, today: today, counter: &counter)
        } else {
            // Scheduled commitments: consecutive kept check-ins.
            let todayIndex = Int32(today.daysSinceEpoch)
            for (i, e) in entries.enumerated() where e.day <= todayIndex {
                switch states[i] {
                case .kept: counter.add(day: Int(e.day))
                case .skipped: if !forgiven[i] { counter.breakStreak() }
                case .missed, .unanswered: counter.breakStreak()
                case .pending: break
                }
            }
        }
        streak = counter.current
        bestStreak = counter.best
        streakStart = counter.currentStart
        milestones = counter.milestones
        milestoneEvents = counter.events

        // Notes of the last 30 days, newest first.
        var notes: [RecentNote] = []
        if let all = ledger?.notes, !all.isEmpty {
            let from = Int32(today.daysSinceEpoch - 29)
            let to = Int32(today.daysSinceEpoch)
            for (i, e) in entries.enumerated().reversed() {
                if e.day < from || notes.count == ItemStats.recentNotesLimit { break }
                if e.day <= to, let note = all[e.id], !note.isEmpty {
                    notes.append(RecentNote(day: e.dayKey, state: states[i], text: note))
                }
            }
        }
        recentNotes = notes

        progress = ItemStats.frequencyProgress(item: item, inPlan: inPlan, days: tallies, today: today)

        // Strength.
        let strengthResult = ItemStats.strength(item: item, tallies: tallies, lastRecord: lastRecord, today: today)
        strengthHistory = strengthResult.history
        strengthStart = strengthResult.history.isEmpty ? nil : tallies.first
        strength = strengthResult.history.last
        frequencyPerDay = strengthResult.f
    }

    // MARK: Frequency commitments

    /// Walks the target periods from the first record's period to today's (or the item's end).
    /// A period with ≥ target kept adds (on the day the target was reached); a period short of it breaks,
    /// except when forgiven skips make up the shortfall, when the item existed for only part of the period
    /// (added or ended mid-period), or when it is the current period and can still be met — those hold.
    static func walkPeriods(
        item: Item, target: PerPeriod, tallies: DayTallies, today: DayKey, counter: inout StreakCounter
    ) {
        let activeFirst = max(tallies.first, item.starts ?? tallies.first)
        var lastDay = today
        if let ends = item.ends, ends < lastDay { lastDay = ends }
        let lastOffset = lastDay.daysSinceEpoch - tallies.firstIndex
        var periodStart = tallies.first.start(of: target.period)
        while periodStart <= lastDay {
            let next = periodStart.startOfNext(target.period)
            let periodEnd = next.adding(days: -1)
            let lo = max(0, periodStart.daysSinceEpoch - tallies.firstIndex)
            let hi = min(periodEnd.daysSinceEpoch - tallies.firstIndex, lastOffset, tallies.count - 1)
            var kept = 0
            var reachedAt: Int?
            var forgiven = 0
            if lo <= hi {
                for offset in lo...hi {
                    kept += tallies.tallies[offset].kept
                    if reachedAt == nil && kept >= target.count { reachedAt = offset }
                    forgiven += Int(tallies.forgiven[offset])
                }
            }
            if let reachedAt {
                counter.add(tallies.first.adding(days: reachedAt))
            } else if periodEnd >= today && (item.ends.map { $0 >= today } ?? true) {
                // The current period: holds while it can still be met.
                let p = ItemStats.progress(
                    target: target, periodStart: periodStart, periodEnd: periodEnd, kept: kept, forgiven: forgiven,
                    todayTally: tallies[today], today: today)
                if !p.reachable { counter.breakStreak() }
            } else if kept + forgiven >= target.count {
                // Excused by forgiven skips: holds.
            } else if activeFirst > periodStart || lastDay < periodEnd {
                // The item existed for only part of this period: holds.
            } else {
                counter.breakStreak()
            }
            periodStart = next
        }
    }

    static func progress(
        target: PerPeriod, periodStart: DayKey, periodEnd: DayKey, kept: Int, forgiven: Int, todayTally: DayTally,
        today: DayKey
    ) -> PeriodProgress {
        let daysLeft = max(0, today.days(to: periodEnd) + 1)
        let todayAnswered = todayTally.total - todayTally.pending > 0
        return PeriodProgress(
            period: target.period, start: periodStart, end: periodEnd, target: target.count, kept: kept,
            forgivenSkips: forgiven, daysLeft: daysLeft, opportunities: max(0, daysLeft - (todayAnswered ? 1 : 0)))
    }

    static func frequencyProgress(item: Item, inPlan: Bool, days: DayTallies?, today: DayKey) -> PeriodProgress? {
        guard inPlan, item.kind == .commitment, let target = item.target else { return nil }
        if let ends = item.ends, ends < today { return nil }
        let start = today.start(of: target.period)
        let end = today.startOfNext(target.period).adding(days: -1)
        var kept = 0
        var forgivenCount = 0
        if let days {
            let range = (start.daysSinceEpoch - days.firstIndex)...(end.daysSinceEpoch - days.firstIndex)
            kept = days.sum(offsets: range).kept
            forgivenCount = days.forgivenSum(offsets: range)
        }
        return progress(
            target: target, periodStart: start, periodEnd: end, kept: kept, forgiven: forgivenCount,
            todayTally: days?[today] ?? DayTally(), today: today)
    }

    // MARK: Strength

    /// Loop Habit Tracker's multiplier for a habit done `f` times a day: m = 0.5^(√f / 13).
    public static func multiplier(frequencyPerDay f: Double) -> Double {
        pow(0.5, f.squareRoot() / 13)
    }

    /// One day of Loop's score: score·m + v·(1 − m), m being `multiplier(frequencyPerDay:)`.
    @inline(__always)
    public static func nextScore(_ score: Double, value v: Double, multiplier m: Double) -> Double {
        score * m + v * (1 - m)
    }

    /// Check-ins per day observed over the item's last 8 weeks of records (ending at its last record);
    /// ≥ 0.9 rounds to a whole number so that a few days without the daemon don't make a daily promise non-daily.
    public static func observedFrequency(tallies: DayTallies, lastRecord: DayKey) -> Double {
        let end = min(lastRecord, tallies.last)
        let start = max(tallies.first, end.adding(days: -55))
        let span = start.days(to: end) + 1
        guard span > 0 else { return 1 }
        let count = tallies.sum(from: start, to: end).total
        let f = Double(count) / Double(span)
        return f >= 0.9 ? max(1, f.rounded()) : f
    }

    /// Loop Habit Tracker's score, day by day from the first record to today (see docs/report-semantics.md):
    /// scheduled commitments and boundaries: v = kept / asked over a window (1 day when checked daily or more,
    /// else 14 days); days with nothing asked in the window carry the score.
    /// Frequency commitments: v = min(1, kept in the window / target), the window being the target's period,
    /// doubled with the target below one a day (Loop's smoothing: 3/week → 6 in 14 days).
    /// A day whose only check-ins were skipped carries the score over and is left out of the window.
    static func strength(item: Item, tallies: DayTallies, lastRecord: DayKey, today: DayKey)
        -> (history: [Double], f: Double)
    {
        var end = today
        if let ends = item.ends, ends < end { end = ends }
        let n = min(tallies.count, tallies.first.days(to: end) + 1)
        let f: Double
        let window: Int
        let needed: Double?
        if let target = item.target, item.kind == .commitment, target.count > 0 {
            f = target.perDay
            let periodDays = target.period == .day ? 1 : (target.period == .week ? 7 : 30)
            let double = f < 1 ? 2 : 1
            window = periodDays * double
            needed = Double(target.count * double)
        } else {
            f = observedFrequency(tallies: tallies, lastRecord: lastRecord)
            window = f >= 1 ? 1 : 14
            needed = nil
        }
        guard n > 0 else { return ([], f) }
        let m = multiplier(frequencyPerDay: f)
        var history = [Double]()
        history.reserveCapacity(n)
        var score = 0.0
        // The window holds the last `window` days that were not skip-only days: like Loop, a skipped day is
        // treated as if it never existed. Their offsets, in a ring of `window + 1`.
        var ring = [Int](repeating: 0, count: window + 1)
        var oldest = 0
        var inWindow = 0
        var keptW = 0
        var askedW = 0
        tallies.tallies.withUnsafeBufferPointer { t in
            for i in 0..<n {
                let day = t[i]
                if day.skipped > 0 && day.asked == 0 {
                    history.append(score)
                    continue
                }
                ring[(oldest + inWindow) % ring.count] = i
                inWindow += 1
                keptW += day.kept
                askedW += day.asked
                if inWindow > window {
                    let old = t[ring[oldest]]
                    oldest = (oldest + 1) % ring.count
                    inWindow -= 1
                    keptW -= old.kept
                    askedW -= old.asked
                }
                if let needed {
                    score = nextScore(score, value: min(1, Double(keptW) / needed), multiplier: m)
                } else if askedW > 0 {
                    score = nextScore(score, value: min(1, Double(keptW) / Double(askedW)), multiplier: m)
                }
                history.append(score)
            }
        }
        return (history, f)
    }
}

/// The forgiveness budget (`skips: N/period`): of the skips in one budget period (a day, a week
/// from Monday or a calendar month, of the skip's own day), taken in chronological order, the
/// first N are forgiven.
struct SkipBudget {
    let budget: PerPeriod
    private var used: [Int: Int] = [:]

    init(_ budget: PerPeriod) { self.budget = budget }

    /// Spends the budget on a skip; whether it is forgiven. Call it for each skip in
    /// `CompactCheckIn.chronological` order.
    mutating func forgives(skipOn e: CompactCheckIn) -> Bool {
        let key = e.dayKey.start(of: budget.period).daysSinceEpoch
        let count = used[key, default: 0] + 1
        used[key] = count
        return count <= budget.count
    }
}

/// Counts a streak over a sequence of units: add, hold (nothing), break. Days are days since 1970.
struct StreakCounter {
    let celebrate: [Int]
    /// The index in `celebrate` of the next value the current streak can reach (the streak grows by one).
    var nextCelebrate = 0
    var current = 0
    var best = 0
    var currentStartDay: Int?
    var reached: [Int: Int] = [:]
    var firstReached: [Int: Int] = [:]
    var eventDays: [(count: Int, day: Int)] = []

    init(celebrate: [Int]) {
        self.celebrate = Array(Set(celebrate.filter { $0 > 0 })).sorted()
    }

    mutating func add(_ day: DayKey) { add(day: day.daysSinceEpoch) }

    @inline(__always)
    mutating func add(day: Int) {
        if current == 0 { currentStartDay = day }
        current += 1
        if current > best { best = current }
        // Not a set lookup: this runs once per kept check-in of ten years (a hash each cost ~1 ms a report).
        if nextCelebrate < celebrate.count && celebrate[nextCelebrate] == current {
            nextCelebrate += 1
            reached[current] = day
            if firstReached[current] == nil { firstReached[current] = day }
            eventDays.append((current, day))
        }
    }

    @inline(__always)
    mutating func breakStreak() {
        current = 0
        nextCelebrate = 0
        currentStartDay = nil
        if !reached.isEmpty { reached.removeAll(keepingCapacity: true) }
    }

    var currentStart: DayKey? { currentStartDay.map { DayKey(daysSinceEpoch: $0) } }

    var events: [MilestoneEvent] { eventDays.map { MilestoneEvent(count: $0.count, day: DayKey(daysSinceEpoch: $0.day)) } }

    var milestones: [Milestone] {
        celebrate.map {
            Milestone(
                count: $0, reached: reached[$0].map { DayKey(daysSinceEpoch: $0) },
                firstReached: firstReached[$0].map { DayKey(daysSinceEpoch: $0) })
        }
    }
}

extension Array {
    fileprivate func isSorted(by less: (Element, Element) -> Bool) -> Bool {
        var i = 1
        while i < count {
            if less(self[i], self[i - 1]) { return false }
            i += 1
        }
        return true
    }
}

extension Item {
    /// The item as the report sees one that is in the ledger but not in the plan: its id as title,
    /// the recorded kind, no target (a scheduled commitment), and the built-in forgiveness budget and milestones.
    public static func fromLedger(id: ItemID, kind: ItemKind) -> Item {
        Item(id: id, kind: kind, title: id.rawValue, schedule: [])
    }
}

// MARK: Milestones for the daemon

/// A `celebrate:` milestone an answer made a streak reach (see `ItemStats.milestoneReached`).
public struct ReachedMilestone: Sendable, Hashable {
    /// The milestone: streak length in `unit`s, and the day the streak reached it.
    public var event: MilestoneEvent
    public var unit: StreakUnit
    /// The streak after the answer (at least `event.count`).
    public var streak: Int
}

extension ItemStats {
    /// The milestone that the kept answer on occurrence `answered` made the item's current streak
    /// reach, if any: the largest milestone event of the ledger `records` (the item's, *after*
    /// the answer) that the same ledger without that answer (the occurrence still pending) does
    /// not have, and that the current streak still holds. Nil when `answered` is not kept.
    ///
    /// Comparing milestone events rather than streak lengths makes a late answer (after its
    /// deadline, when the pending occurrence already counts as unanswered) celebrate only the
    /// step it adds, and a correction that joins two runs celebrate what the joined run reaches.
    public static func milestoneReached(
        item: Item, records: [CheckIn], answered: Int64, today: DayKey, now: Date
    ) -> ReachedMilestone? {
        guard !item.celebrate.isEmpty,
            let i = records.firstIndex(where: { $0.id == answered }), records[i].state == .kept
        else { return nil }
        let after = ItemStats(item: item, records: records, today: today, now: now)
        var without = records
        without[i].state = .pending
        without[i].answeredAt = nil
        let before = ItemStats(item: item, records: without, today: today, now: now)
        var remaining = before.milestoneEvents
        var new: [MilestoneEvent] = []
        for e in after.milestoneEvents {
            if let j = remaining.firstIndex(of: e) { remaining.remove(at: j) } else { new.append(e) }
        }
        guard let reached = new.max(by: { $0.count < $1.count }), after.streak >= reached.count else { return nil }
        return ReachedMilestone(event: reached, unit: after.unit, streak: after.streak)
    }
}
