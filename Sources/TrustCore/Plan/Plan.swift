// The plan a person writes (plan.yaml), after validation and with defaults resolved.
// Reading YAML lives in TrustPlan; this is the pure model every other target uses.
import Foundation

public struct Plan: Sendable, Equatable {
    public var version: Int
    /// The plan's zone: `timezone:` or the system's.
    public var timeZone: TimeZone
    /// Answers and occurrences before this local time belong to the previous day.
    public var dayStart: TimeOfDay
    public var quietHours: QuietHours?
    /// Neutral wording and the `transient` hint in notifications (`discreet: true`).
    public var discreet: Bool
    /// Commitments first, then boundaries, each in file order.
    public var items: [Item]
    /// `changes-take-effect: 7d`: a weakening change applies only this long after trustd adopts
    /// it (issue 14; see `PlanHolds`). Nil: every change applies at once.
    public var changesTakeEffect: TimeInterval?

    public init(
        version: Int = 1, timeZone: TimeZone, dayStart: TimeOfDay = .midnight, quietHours: QuietHours? = nil,
        discreet: Bool = false, items: [Item], changesTakeEffect: TimeInterval? = nil
    ) {
        self.changesTakeEffect = changesTakeEffect
        self.version = version
        self.timeZone = timeZone
        self.dayStart = dayStart
        self.quietHours = quietHours
        self.discreet = discreet
        self.items = items
    }

    public func item(_ id: ItemID) -> Item? { items.first { $0.id == id } }
}

/// `quiet-hours: "22:30-07:30"`: no prompt inside; a prompt due inside is shown when it ends.
/// The window may wrap midnight. Times are local to the plan's zone.
public struct QuietHours: Hashable, Sendable {
    public var start: TimeOfDay
    public var end: TimeOfDay
    public init(start: TimeOfDay, end: TimeOfDay) {
        self.start = start
        self.end = end
    }
}

/// Built-in defaults, used when neither the item nor `defaults:` says otherwise.
public enum PlanDefaults {
    public static let deadline: TimeInterval = 3 * 3600
    public static let snooze: TimeInterval = 15 * 60
    public static let skips = PerPeriod(count: 2, period: .month)
    public static let celebrate = [7, 30, 100, 365]
}

/// One commitment or boundary, with every default resolved.
public struct Item: Sendable, Equatable, Identifiable {
    public var id: ItemID
    public var kind: ItemKind
    public var title: String
    /// Whom the promise is made to.
    public var to: String?
    /// Why it matters; shown in the prompt.
    public var why: String?
    /// The question asked at each check-in (defaulted from the title when absent).
    public var ask: String
    /// When to ask: one or more calendar expressions (their union).
    public var schedule: [CalendarSpec]
    /// For frequency commitments (`target: 3/week`); nil for scheduled ones and boundaries.
    public var target: PerPeriod?
    /// An occurrence not answered this long after it is due is recorded `unanswered`.
    public var deadline: TimeInterval
    public var snooze: TimeInterval
    /// Forgiveness budget: skips within it keep a streak.
    public var skips: PerPeriod
    /// Streak lengths to celebrate, ascending.
    public var celebrate: [Int]
    /// First and last day (inclusive) on which occurrences happen.
    public var starts: DayKey?
    public var ends: DayKey?

    public init(
        id: ItemID, kind: ItemKind, title: String, to: String? = nil, why: String? = nil, ask: String? = nil,
        schedule: [CalendarSpec], target: PerPeriod? = nil, deadline: TimeInterval = PlanDefaults.deadline,
        snooze: TimeInterval = PlanDefaults.snooze, skips: PerPeriod = PlanDefaults.skips,
        celebrate: [Int] = PlanDefaults.celebrate, starts: DayKey? = nil, ends: DayKey? = nil
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.to = to
        self.why = why
        self.ask = ask ?? Item.defaultAsk(title: title, kind: kind)
        self.schedule = schedule
        self.target = target
        self.deadline = deadline
        self.snooze = snooze
        self.skips = skips
        self.celebrate = celebrate
        self.starts = starts
        self.ends = ends
    }

    /// "Did you keep your promise: Exercise?" / "Did you hold your boundary: No phone at dinner?"
    public static func defaultAsk(title: String, kind: ItemKind) -> String {
        switch kind {
        case .commitment: "Did you keep your promise: \(title)?"
        case .boundary: "Did you hold your boundary: \(title)?"
        }
    }
}
