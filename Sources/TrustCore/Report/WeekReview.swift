// The weekly honest conversation's agenda: what one week of the ledger says, item by item.
import Foundation

/// One occurrence in the reviewed week, as the agenda shows it.
public struct ReviewEntry: Sendable, Hashable {
    public var id: Int64
    public var day: DayKey
    public var state: ReportState
    public var note: String?
    /// For skips: whether it was within the forgiveness budget.
    public var forgiven: Bool?
}

/// One item's week.
public struct ItemWeek: Sendable {
    /// The item's numbers as of the end of the week (or today, when the week is not over). For a finished
    /// week, `stats.today` is the Monday after it and `stats.progress` describes that (empty) week: use `targetMet`.
    public var stats: ItemStats
    public var tally: DayTally
    /// The week's occurrences in order (pending ones left out).
    public var entries: [ReviewEntry]
    /// Milestones any streak reached during the week.
    public var milestones: [MilestoneEvent]

    /// For `N/week` frequency commitments: whether the week had ≥ N kept.
    public var targetMet: Bool? {
        guard let target = stats.item.target, target.period == .week, stats.item.kind == .commitment else { return nil }
        return tally.kept >= target.count
    }

    public var slips: [ReviewEntry] { entries.filter { $0.state == .missed || $0.state == .unanswered } }
    public var skips: [ReviewEntry] { entries.filter { $0.state == .skipped } }
    public var notes: [ReviewEntry] { entries.filter { ($0.note ?? "").isEmpty == false } }
}

public struct WeekReview: Sendable {
    /// Monday of the week.
    public var start: DayKey
    /// Sunday of the week.
    public var end: DayKey
    public var today: DayKey
    public var items: [ItemWeek]
    public var tally: DayTally

    /// Whether the week is over (today is after its Sunday).
    public var isComplete: Bool { today > end }

    public init(plan: Plan?, records: [CheckIn], week: DayKey, today: DayKey, now: Date) {
        self.init(plan: plan, ledgers: ItemCheckIns.group(records), week: week, today: today, now: now)
    }

    /// The review of the week (Monday–Sunday) containing `week`. Numbers are as of the week's end, or today
    /// when the week is not over yet; records after that are left out. Items with nothing asked that week and
    /// no pending check-ins are left out. `ledgers` must carry the notes of the week.
    public init(plan: Plan?, ledgers: [ItemCheckIns], week: DayKey, today: DayKey, now: Date) {
        let start = week.start(of: .week)
        let end = start.adding(days: 6)
        self.start = start
        self.end = end
        self.today = today
        // A finished week is judged as of the Monday after it (its last day is over); the current one as of today.
        let last = Int32(min(end, today).daysSinceEpoch)
        let upTo = ledgers.map { l -> ItemCheckIns in
            var l = l
            l.entries.removeAll { $0.day > last }
            return l
        }
        let report = Report(plan: plan, ledgers: upTo, today: min(end.adding(days: 1), today), now: now)
        let byItem = Dictionary(upTo.map { ($0.item, $0) }, uniquingKeysWith: { a, _ in a })
        let nowMs = CompactCheckIn.millis(now)
        let first = Int32(start.daysSinceEpoch)
        var items: [ItemWeek] = []
        var total = DayTally()
        for stats in report.items {
            guard let days = stats.days, let ledger = byItem[stats.item.id] else { continue }
            let tally = days.sum(from: start, to: end)
            if tally.total == 0 { continue }
            total += tally
            let forgiven = WeekReview.forgivenSkips(item: stats.item, entries: ledger.entries, nowMs: nowMs)
            var week = ledger.entries.filter { $0.day >= first }
            week.sort(by: CompactCheckIn.chronological)
            let entries = week.compactMap { e -> ReviewEntry? in
                let state = e.reportState(nowMs: nowMs)
                if state == .pending { return nil }
                return ReviewEntry(
                    id: e.id, day: e.dayKey, state: state, note: ledger.notes[e.id],
                    forgiven: state == .skipped ? forgiven.contains(e.id) : nil)
            }
            let events = stats.milestoneEvents.filter { $0.day >= start && $0.day <= end }
            items.append(ItemWeek(stats: stats, tally: tally, entries: entries, milestones: events))
        }
        self.items = items
        self.tally = total
    }

    /// Ids of the item's skips that fall within its forgiveness budget.
    static func forgivenSkips(item: Item, entries: [CompactCheckIn], nowMs: Int64) -> Set<Int64> {
        var skips = entries.filter { $0.reportState(nowMs: nowMs) == .skipped }
        skips.sort(by: CompactCheckIn.chronological)
        var budget = SkipBudget(item.skips)
        var forgiven = Set<Int64>()
        for e in skips where budget.forgives(skipOn: e) { forgiven.insert(e.id) }
        return forgiven
    }
}
