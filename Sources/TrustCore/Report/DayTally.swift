// Per-day tallies of one item's occurrences: the input every report number is computed from.
import Foundation

/// Where one occurrence stands for the report at a given instant: like `CheckInState`, except that
/// an occurrence still `pending` after its deadline counts as `unanswered` (the daemon records that
/// state at the deadline; a report taken before it catches up must not read a silence as "pending").
/// `CompactCheckIn.reportState(nowMs:)` decides it.
public enum ReportState: String, Sendable, Hashable, CaseIterable, Codable {
    case kept, missed, skipped, unanswered, pending
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
    /// kept / asked; nil when nothing was asked (skips are excused, pending is not yet due).
    public var rate: Double? { asked == 0 ? nil : Double(kept) / Double(asked) }

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
    /// `first.daysSinceEpoch`.
    public let firstIndex: Int
    public private(set) var tallies: [DayTally]
    /// Skips within the forgiveness budget, per day (parallel to `tallies`).
    public private(set) var forgiven: [Int32]
    /// Skips beyond the forgiveness budget, per day (parallel to `tallies`).
    public private(set) var unforgiven: [Int32]

    public init(first: DayKey, last: DayKey) {
        self.first = first
        self.firstIndex = first.daysSinceEpoch
        let n = max(0, first.days(to: last) + 1)
        self.tallies = Array(repeating: DayTally(), count: n)
        self.forgiven = Array(repeating: 0, count: n)
        self.unforgiven = Array(repeating: 0, count: n)
    }

    public var last: DayKey { first.adding(days: tallies.count - 1) }
    public var count: Int { tallies.count }

    /// The tally of `day`; an empty tally outside the range.
    public subscript(day: DayKey) -> DayTally { self[offset: day.daysSinceEpoch - firstIndex] }

    /// The tally at an offset from `first`; empty outside the range.
    public subscript(offset i: Int) -> DayTally {
        i >= 0 && i < tallies.count ? tallies[i] : DayTally()
    }

    /// Forgiven skips at an offset from `first`; 0 outside the range.
    public func forgiven(offset i: Int) -> Int { i >= 0 && i < forgiven.count ? Int(forgiven[i]) : 0 }

    mutating func add(_ state: ReportState, offset i: Int) {
        if i >= 0 && i < tallies.count { tallies[i].add(state) }
    }

    mutating func addSkip(forgiven isForgiven: Bool, offset i: Int) {
        guard i >= 0 && i < tallies.count else { return }
        if isForgiven { forgiven[i] += 1 } else { unforgiven[i] += 1 }
    }

    /// The sum over `from...to` (clamped to the range).
    public func sum(from: DayKey, to: DayKey) -> DayTally {
        sum(offsets: (from.daysSinceEpoch - firstIndex)...(max(from.daysSinceEpoch, to.daysSinceEpoch) - firstIndex))
    }

    /// The sum over offsets from `first` (clamped to the range).
    public func sum(offsets: ClosedRange<Int>) -> DayTally {
        let lo = max(0, offsets.lowerBound)
        let hi = min(tallies.count - 1, offsets.upperBound)
        var total = DayTally()
        if lo <= hi { for i in lo...hi { total += tallies[i] } }
        return total
    }

    /// Forgiven skips over offsets from `first` (clamped to the range).
    func forgivenSum(offsets: ClosedRange<Int>) -> Int {
        let lo = max(0, offsets.lowerBound)
        let hi = min(forgiven.count - 1, offsets.upperBound)
        var total = 0
        if lo <= hi { for i in lo...hi { total += Int(forgiven[i]) } }
        return total
    }
}
