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
    // Stored in 32 bits (20 bytes, not 40): a report holds one tally per day per item, 182,500 of them
    // for ten years of fifty items, and fresh memory costs a page fault per 4 kB (issue 15). A count
    // is at most the number of occurrences in the ledger.
    private var keptCount: Int32 = 0
    private var missedCount: Int32 = 0
    private var skippedCount: Int32 = 0
    private var unansweredCount: Int32 = 0
    private var pendingCount: Int32 = 0

    public var kept: Int {
        get { Int(keptCount) }
        set { keptCount = Int32(newValue) }
    }
    public var missed: Int {
        get { Int(missedCount) }
        set { missedCount = Int32(newValue) }
    }
    public var skipped: Int {
        get { Int(skippedCount) }
        set { skippedCount = Int32(newValue) }
    }
    public var unanswered: Int {
        get { Int(unansweredCount) }
        set { unansweredCount = Int32(newValue) }
    }
    public var pending: Int {
        get { Int(pendingCount) }
        set { pendingCount = Int32(newValue) }
    }

    public init(kept: Int = 0, missed: Int = 0, skipped: Int = 0, unanswered: Int = 0, pending: Int = 0) {
        keptCount = Int32(kept)
        missedCount = Int32(missed)
        skippedCount = Int32(skipped)
        unansweredCount = Int32(unanswered)
        pendingCount = Int32(pending)
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
        case .kept: keptCount += 1
        case .missed: missedCount += 1
        case .skipped: skippedCount += 1
        case .unanswered: unansweredCount += 1
        case .pending: pendingCount += 1
        }
    }

    public static func + (a: DayTally, b: DayTally) -> DayTally {
        var sum = a
        sum += b
        return sum
    }

    public static func += (a: inout DayTally, b: DayTally) {
        a.keptCount += b.keptCount
        a.missedCount += b.missedCount
        a.skippedCount += b.skippedCount
        a.unansweredCount += b.unansweredCount
        a.pendingCount += b.pendingCount
    }

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
