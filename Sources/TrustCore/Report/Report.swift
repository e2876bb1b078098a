// The whole report: every item's numbers plus the summary line. Pure: the plan (if any), the ledger
// records, "today" and "now" in; values out. Rendering lives in TrustReport.
import Foundation

/// Kept / asked across all reported items over a calendar period.
public struct PeriodSummary: Sendable, Hashable {
    public var period: Period
    public var start: DayKey
    /// Last day of the period.
    public var end: DayKey
    public var tally: DayTally

    public init(period: Period, start: DayKey, end: DayKey, tally: DayTally) {
        self.period = period
        self.start = start
        self.end = end
        self.tally = tally
    }

    public var kept: Int { tally.kept }
    public var asked: Int { tally.asked }
    public var rate: Double? { tally.rate }
}

public struct Report: Sendable {
    public var today: DayKey
    public var now: Date
    /// Records before this day were left out (`--since`).
    public var since: DayKey?
    public var week: PeriodSummary
    public var month: PeriodSummary
    public var items: [ItemStats]

    /// Plan items first (in plan order), then items found only in the ledger (by id).
    /// `only` restricts the report to those ids (in the order given); ids in neither plan nor ledger are ignored
    /// here — callers check them with `unknownItems`. Records before `since` are left out of every number.
    public init(
        plan: Plan?, records: [CheckIn], only: [ItemID]? = nil, since: DayKey? = nil, today: DayKey,
        now: Date
    ) {
        self.init(plan: plan, ledgers: ItemCheckIns.group(records), only: only, since: since, today: today, now: now)
    }

    /// The same from the ledger already split by item (what `TrustStore.checkInsByItem` reads).
    public init(
        plan: Plan?, ledgers: [ItemCheckIns], only: [ItemID]? = nil, since: DayKey? = nil, today: DayKey, now: Date
    ) {
        self.today = today
        self.now = now
        self.since = since
        var byItem: [ItemID: ItemCheckIns] = [:]
        for var ledger in ledgers {
            if let since {
                let s = Int32(since.daysSinceEpoch)
                ledger.entries.removeAll { $0.day < s }
            }
            if var existing = byItem[ledger.item] {
                existing.entries += ledger.entries
                existing.notes.merge(ledger.notes) { a, _ in a }
                byItem[ledger.item] = existing
            } else {
                byItem[ledger.item] = ledger
            }
        }

        var entries: [(Item, Bool)] = []
        var seen = Set<ItemID>()
        for item in plan?.items ?? [] where seen.insert(item.id).inserted {
            entries.append((item, true))
        }
        for id in byItem.keys.sorted() where !seen.contains(id) {
            entries.append((Item.fromLedger(id: id, kind: byItem[id]!.kind), false))
        }
        if let only {
            let index = Dictionary(entries.map { ($0.0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var picked: [(Item, Bool)] = []
            var pickedIDs = Set<ItemID>()
            for id in only where pickedIDs.insert(id).inserted { if let e = index[id] { picked.append(e) } }
            entries = picked
        }
        // Each item's numbers are independent of the others': a large ledger's are computed on
        // every core (10 years of 50 daily items: ~13 ms on one core).
        let size = byItem.values.reduce(0) { $0 + $1.entries.count }
        let pairs = entries.map { Pair(item: $0.0, inPlan: $0.1) }
        items = Parallel.map(pairs, threshold: size >= Report.parallelAbove ? 2 : Int.max) { [byItem] pair in
            let ledger = byItem[pair.item.id].flatMap { $0.entries.isEmpty ? nil : $0 }
            return ItemStats(item: pair.item, inPlan: pair.inPlan, ledger: ledger, today: today, now: now)
        }
        week = Report.summary(.week, items: items, today: today)
        month = Report.summary(.month, items: items, today: today)
    }

    /// The number of check-ins from which the items are computed (and an export is written) on several
    /// threads.
    public static let parallelAbove = 20_000

    private struct Pair: Sendable {
        var item: Item
        var inPlan: Bool
    }

    static func summary(_ period: Period, items: [ItemStats], today: DayKey) -> PeriodSummary {
        let start = today.start(of: period)
        let end = today.startOfNext(period).adding(days: -1)
        var tally = DayTally()
        for item in items { if let days = item.days { tally += days.sum(from: start, to: end) } }
        return PeriodSummary(period: period, start: start, end: end, tally: tally)
    }

    /// The ids in `requested` that are neither in the plan nor in the ledger.
    public static func unknownItems(_ requested: [ItemID], plan: Plan?, ledgerItems: Set<ItemID>) -> [ItemID] {
        let planned = Set(plan?.items.map(\.id) ?? [])
        return requested.filter { !planned.contains($0) && !ledgerItems.contains($0) }
    }
}
