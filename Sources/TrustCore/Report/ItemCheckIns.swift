// The report's input, compact: one item's occurrences without strings (a 10-year, 50-item ledger is
// ~180,000 of them, and the report must finish in well under 100 ms).
import Foundation

/// One occurrence reduced to what streaks, strength and rates need.
public struct CompactCheckIn: Sendable, Hashable {
    /// The store's occurrence id.
    public var id: Int64
    /// The day it counts for, as days since 1970-01-01 (`DayKey.daysSinceEpoch`).
    public var day: Int32
    public var state: CheckInState
    /// Scheduled instant, milliseconds since 1970-01-01 UTC (orders check-ins within a day).
    public var scheduledMs: Int64
    /// Deadline, milliseconds since 1970-01-01 UTC (a pending check-in past it counts as unanswered).
    public var deadlineMs: Int64

    public init(id: Int64, day: Int32, state: CheckInState, scheduledMs: Int64, deadlineMs: Int64) {
        self.id = id
        self.day = day
        self.state = state
        self.scheduledMs = scheduledMs
        self.deadlineMs = deadlineMs
    }

    public init(_ r: CheckIn) {
        self.init(
            id: r.id, day: Int32(r.day.daysSinceEpoch), state: r.state, scheduledMs: CompactCheckIn.millis(r.scheduled),
            deadlineMs: CompactCheckIn.millis(r.deadline))
    }

    public var dayKey: DayKey { DayKey(daysSinceEpoch: Int(day)) }

    /// The state for the report at `nowMs`: pending past its deadline is unanswered.
    @inline(__always)
    public func reportState(nowMs: Int64) -> ReportState {
        switch state {
        case .kept: .kept
        case .missed: .missed
        case .skipped: .skipped
        case .unanswered: .unanswered
        // Never read for a figure (the store leaves voided check-ins out); counted as nothing asked.
        case .voided: .skipped
        case .pending: deadlineMs <= nowMs ? .unanswered : .pending
        }
    }

    /// Milliseconds since 1970, rounded down.
    public static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Order: day, scheduled instant, id.
    @inline(__always)
    public static func chronological(_ a: CompactCheckIn, _ b: CompactCheckIn) -> Bool {
        if a.day != b.day { return a.day < b.day }
        if a.scheduledMs != b.scheduledMs { return a.scheduledMs < b.scheduledMs }
        return a.id < b.id
    }
}

/// One item's part of the ledger.
public struct ItemCheckIns: Sendable {
    public var item: ItemID
    /// The kind recorded with its newest occurrence.
    public var kind: ItemKind
    public var entries: [CompactCheckIn]
    /// Notes by occurrence id: all of them, or only those the reader fetched (recent ones).
    public var notes: [Int64: String]

    public init(item: ItemID, kind: ItemKind, entries: [CompactCheckIn], notes: [Int64: String] = [:]) {
        self.item = item
        self.kind = kind
        self.entries = entries
        self.notes = notes
    }

    /// Groups records by item (in order of first appearance), keeping every note.
    public static func group(_ records: [CheckIn]) -> [ItemCheckIns] {
        var index: [ItemID: Int] = [:]
        var result: [ItemCheckIns] = []
        var newest: [Date] = []
        for r in records {
            let i: Int
            if let known = index[r.item] {
                i = known
            } else {
                i = result.count
                index[r.item] = i
                result.append(ItemCheckIns(item: r.item, kind: r.kind, entries: []))
                newest.append(r.scheduled)
            }
            result[i].entries.append(CompactCheckIn(r))
            if r.scheduled >= newest[i] {
                newest[i] = r.scheduled
                result[i].kind = r.kind
            }
            if let note = r.note { result[i].notes[r.id] = note }
        }
        return result
    }
}
