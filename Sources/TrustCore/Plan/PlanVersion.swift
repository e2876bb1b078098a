// A plan as the ledger records it (issue 14): a normalized summary of every item's terms, free of
// wording that does not change a promise's strength (`why`, `ask`, `to`) and of how the file
// happens to be written (comments, order of keys, spacing). Two files with the same terms give
// equal summaries, so the same hash in the ledger. Pure: built from a `Plan`, compared by
// `PlanComparison`.
import Foundation

/// One item's terms, as recorded in the ledger.
public struct PlanItemTerms: Codable, Equatable, Hashable, Sendable {
    public var id: ItemID
    public var kind: ItemKind
    public var title: String
    /// Each calendar expression in systemd's normalized form, in file order.
    public var schedule: [String]
    /// Check-ins the expressions give in 52 weeks (from a fixed Monday, in UTC, `starts`/`ends`
    /// ignored): the measure "fewer check-ins" compares. Counted up to `countedExactly`; past that
    /// (a schedule more than hourly) it is estimated from the time the first ones take.
    public var checkInsPer52Weeks: Int
    /// `target: 3/week` of a frequency commitment.
    public var target: PerPeriod?
    /// Seconds after a check-in is due that it is recorded unanswered.
    public var deadlineSeconds: Int
    /// The forgiveness budget.
    public var skips: PerPeriod
    public var starts: DayKey?
    public var ends: DayKey?

    /// Elapses counted one by one at most (a schedule every second would otherwise take 31 million
    /// steps).
    public static let countedExactly = 2_000
    /// Where the 52 weeks counted start: a Monday, so weekly schedules count whole weeks.
    static let countFrom = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01 00:00 UTC

    public init(
        id: ItemID, kind: ItemKind, title: String, schedule: [String], checkInsPer52Weeks: Int, target: PerPeriod?,
        deadlineSeconds: Int, skips: PerPeriod, starts: DayKey?, ends: DayKey?
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.schedule = schedule
        self.checkInsPer52Weeks = checkInsPer52Weeks
        self.target = target
        self.deadlineSeconds = deadlineSeconds
        self.skips = skips
        self.starts = starts
        self.ends = ends
    }

    public init(_ item: Item) {
        self.init(
            id: item.id, kind: item.kind, title: item.title, schedule: item.schedule.map(\.normalized),
            checkInsPer52Weeks: Self.checkIns(item), target: item.target, deadlineSeconds: Int(item.deadline.rounded()),
            skips: item.skips, starts: item.starts, ends: item.ends)
    }

    static func checkIns(_ item: Item) -> Int {
        let window: TimeInterval = 364 * 86400
        let stop = countFrom.addingTimeInterval(window)
        let schedule = item.schedule(in: TimeZone(identifier: "UTC")!)
        var t = countFrom.addingTimeInterval(-1e-3)
        var first: Date?
        var count = 0
        while let n = schedule.next(after: t), n < stop {
            count += 1
            t = n
            if first == nil { first = n }
            if count == countedExactly, let first, n > first {
                // The rest of the window at the rate of the intervals so far.
                return Int((Double(count - 1) * window / n.timeIntervalSince(first)).rounded())
            }
        }
        return count
    }
}

/// A plan's terms, as recorded in the ledger (`plan_version`).
public struct PlanVersion: Codable, Equatable, Hashable, Sendable {
    /// Items sorted by id.
    public var items: [PlanItemTerms]
    /// `changes-take-effect:`: how long after it is adopted a weakening change starts to apply.
    public var changesTakeEffectSeconds: Int?

    public init(items: [PlanItemTerms], changesTakeEffectSeconds: Int? = nil) {
        self.items = items.sorted { $0.id < $1.id }
        self.changesTakeEffectSeconds = changesTakeEffectSeconds
    }

    /// The summary of `plan`, leaving out the items in `excluding` (trustd's demo check-in).
    public init(_ plan: Plan, excluding: Set<ItemID> = []) {
        self.init(
            items: plan.items.filter { !excluding.contains($0.id) }.map(PlanItemTerms.init),
            changesTakeEffectSeconds: plan.changesTakeEffect.map { Int($0.rounded()) })
    }

    public func item(_ id: ItemID) -> PlanItemTerms? { items.first { $0.id == id } }

    /// The canonical bytes the ledger hashes (and chains): sorted-key JSON of this value, so
    /// equal summaries give equal bytes.
    public var canonicalJSON: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, integers and arrays cannot fail.
        return Array((try? encoder.encode(self)) ?? Data())
    }

    public static func decode(json: [UInt8]) -> PlanVersion? {
        try? JSONDecoder().decode(PlanVersion.self, from: Data(json))
    }
}

/// A plan version as recorded: when trustd adopted it, and its place and hash in the plan chain.
public struct RecordedPlanVersion: Equatable, Hashable, Sendable {
    /// 1, 2, 3, … in the order recorded.
    public var sequence: Int64
    public var recordedAt: Date
    /// SHA-256 of `version.canonicalJSON`, lowercase hex.
    public var planHash: String
    public var version: PlanVersion

    public init(sequence: Int64, recordedAt: Date, planHash: String, version: PlanVersion) {
        self.sequence = sequence
        self.recordedAt = recordedAt
        self.planHash = planHash
        self.version = version
    }
}
