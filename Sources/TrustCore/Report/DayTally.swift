// Per-day tallies of one item's occurrences: the input every report number is computed from.
import Foundation

/// Where one occurrence stands for the report at a given instant: like `OccurrenceState`, except that
/// an occurrence still `pending` after its deadline counts as `unanswered` (the daemon records that
/// state at the deadline; a report taken before it catches up must not read a silence as "pending").
public enum ReportState: String, Sendable, Hashable, CaseIterable, Codable {
    case kept, missed, skipped, unanswered, pending

    public init(_ record: OccurrenceRecord, now: Date) {
        switch record.state {
        case .kept: self = .kept
        case .missed: self = .missed
        case .skipped: self = .skipped
        case .unanswered: self = .unanswered
        case .pending: self = record.deadline <= now ? .unanswered : .pending
        }
    }
}

/// How many occurrences of one item on one day ended in each state.
public struct DayTally: Sendable, Hashable {
    public var kept: Int = 0
    public var missed: Int = 0
    public var skipped: Int = 0
    public var unanswered: Int = 0
    public var pending: Int = 0

    public init(kept: Int = 0, missed: Int = 0, skipped: Int = 0, unanswered: Int = 0, pending: Int = 0) {
        self.kept = kept
        self.missed = missed
        self.skipped = skipped
        self.unanswered = unanswered
        self.pending = pending
    }

    /// Occurrences that count for or against the promise: kept, missed, unanswered (not skipped, not pending).
    public var asked: Int { kept + missed + unanswered }
    /// Missed or unanswered.
    public var failed: Int { missed + unanswered }
    public var total: Int { kept + missed + skipped + unanswered + pending }

    public mutating func add(_ state: ReportState) {
        switch state {
        case .kept: kept += 1
        case .missed: missed += 1
        case .skipped: skipped += 1
        case .unanswered: unanswered += 1
        case .pending: pending += 1
        }
    }

    public static func + (a: DayTally, b: DayTally) -> DayTally {
        DayTally(
            kept: a.kept + b.kept, missed: a.missed + b.missed, skipped: a.skipped + b.skipped,
            unanswered: a.unanswered + b.unanswered, pending: a.pending + b.pending)
    }

    public static func += (a: inout DayTally, b: DayTally) { a = a + b }

    /// The heatmap cell for this day.
    public var mark: DayMark {
        if failed > 0 { return kept > 0 ? .partial : (missed > 0 ? .missed : .unanswered) }
        if kept > 0 { return .kept }
        if skipped > 0 { return .skipped }
        if pending > 0 { return .pending }
        return .none
    }
}

/// One heatmap cell: what a day looked like for an item.
public enum DayMark: String, Sendable, Hashable, CaseIterable, Codable {
    /// Every answered check-in that day was kept (skips may be mixed in).
    case kept
    /// Some kept, some missed or unanswered.
    case partial
    /// Only skips (excused).
    case skipped
    /// Missed (at least one missed, none kept).
    case missed
    /// Asked, but no answer before the deadline (and none kept or missed).
    case unanswered
    /// Awaiting an answer, deadline not passed.
    case pending
    /// Nothing was asked that day.
    case none
}

/// The days of one item's history, from `first` to `last` inclusive, as a dense array.
public struct DayTallies: Sendable, Hashable {
    public let first: DayKey
    public private(set) var tallies: [DayTally]
    let firstIndex: Int

    public init(first: DayKey, last: DayKey) {
        self.first = first
        self.firstIndex = first.daysSinceEpoch
        self.tallies = Array(repeating: DayTally(), count: max(0, first.days(to: last) + 1))
    }

    public var last: DayKey { first.adding(days: tallies.count - 1) }
    public var count: Int { tallies.count }

    /// The tally of `day`; an empty tally outside the range.
    public subscript(day: DayKey) -> DayTally {
        let i = day.daysSinceEpoch - firstIndex
        return i >= 0 && i < tallies.count ? tallies[i] : DayTally()
    }

    /// The tally at an offset from `first`; empty outside the range.
    public subscript(offset i: Int) -> DayTally {
        i >= 0 && i < tallies.count ? tallies[i] : DayTally()
    }

    mutating func add(_ state: ReportState, on day: DayKey) {
        let i = day.daysSinceEpoch - firstIndex
        if i >= 0 && i < tallies.count { tallies[i].add(state) }
    }

    /// The sum over `from...to` (clamped to the range).
    public func sum(from: DayKey, to: DayKey) -> DayTally {
        let lo = max(0, from.daysSinceEpoch - firstIndex)
        let hi = min(tallies.count - 1, to.daysSinceEpoch - firstIndex)
        var total = DayTally()
        if lo <= hi { for i in lo...hi { total += tallies[i] } }
        return total
    }
}
