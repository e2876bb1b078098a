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
    public var rate: Double? { tally.asked == 0 ? nil : Double(tally.kept) / Double(tally.asked) }
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
        plan: Plan?, records: [OccurrenceRecord], only: [ItemID]? = nil, since: DayKey? = nil, today: DayKey,
        now: Date
    ) {
        self.today = today
        self.now = now
        self.since = since
        let used = since.map { s in records.filter { $0.day >= s } } ?? records
        var byItem: [ItemID: [OccurrenceRecord]] = [:]
        for r in used { byItem[r.item, default: []].append(r) }

        var entries: [(Item, Bool)] = []
        var seen = Set<ItemID>()
        for item in plan?.items ?? [] where seen.insert(item.id).inserted {
            entries.append((item, true))
        }
        var ledgerOnly: [ItemID: ItemKind] = [:]
        for r in records where !seen.contains(r.item) && ledgerOnly[r.item] == nil { ledgerOnly[r.item] = r.kind }
        for id in ledgerOnly.keys.sorted() { entries.append((Item.fromLedger(id: id, kind: ledgerOnly[id]!), false)) }
        if let only {
            let index = Dictionary(entries.map { ($0.0.id, $0) }, uniquingKeysWith: { a, _ in a })
            var picked: [(Item, Bool)] = []
            var pickedIDs = Set<ItemID>()
            for id in only where pickedIDs.insert(id).inserted { if let e = index[id] { picked.append(e) } }
            entries = picked
        }
        items = entries.map { item, inPlan in
            ItemStats(item: item, inPlan: inPlan, records: byItem[item.id] ?? [], today: today, now: now)
        }
        week = Report.summary(.week, items: items, today: today)
        month = Report.summary(.month, items: items, today: today)
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
