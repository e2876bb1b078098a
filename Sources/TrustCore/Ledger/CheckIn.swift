// The ledger's vocabulary, part 1: one check-in (an occurrence of a plan item entered in the
// ledger), its identity and where it stands. The store produces these; the scheduler, the daemon,
// trustctl and the report math read them.
import Foundation

/// The ledger's id of one check-in (SQLite rowid; never reused, since the ledger never deletes).
public typealias CheckInID = Int64

/// A notification id the server assigned (`Notify`'s return value); never 0. Kept typed from the
/// bus to the ledger and back.
public struct NotificationID: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByIntegerLiteral
{
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }
    public init(integerLiteral value: UInt32) { self.rawValue = value }
    public var description: String { String(rawValue) }
}

/// One scheduled check-in and where it stands.
///
/// The fields after `note` are what the daemon needs to resume after a restart (the notification
/// showing it, the last prompt, a running snooze): a cache of the event log, kept in the same
/// transaction. Bulk reads for reports (`records(items:since:)`) leave them at their defaults.
public struct CheckIn: Sendable, Hashable, Identifiable {
    public var id: CheckInID
    public var item: ItemID
    public var kind: ItemKind
    /// The scheduled instant (stored in UTC).
    public var scheduled: Date
    /// The zone the occurrence was computed in (IANA identifier).
    public var zone: String
    /// The day it belongs to (local to `zone`, `day-starts` applied) — never the click time.
    public var day: DayKey
    public var deadline: Date
    /// The latest state: corrections replace earlier answers.
    public var state: CheckInState
    /// When the latest answer was given, if any.
    public var answeredAt: Date?
    /// The latest note, if any.
    public var note: String?
    /// The desktop notification that shows (or showed) the latest prompt, if any.
    public var notificationID: NotificationID?
    /// When it was last prompted, if ever.
    public var promptedAt: Date?
    /// How many times it was prompted (snoozes and restarts re-prompt).
    public var promptCount: Int
    /// While snoozed: when to prompt again. Cleared by the next prompt, an answer or the deadline.
    public var snoozedUntil: Date?
    /// How the latest answer arrived, if answered.
    public var answerChannel: Channel?

    public init(
        id: CheckInID, item: ItemID, kind: ItemKind, scheduled: Date, zone: String, day: DayKey, deadline: Date,
        state: CheckInState, answeredAt: Date? = nil, note: String? = nil, notificationID: NotificationID? = nil,
        promptedAt: Date? = nil, promptCount: Int = 0, snoozedUntil: Date? = nil, answerChannel: Channel? = nil
    ) {
        self.id = id
        self.item = item
        self.kind = kind
        self.scheduled = scheduled
        self.zone = zone
        self.day = day
        self.deadline = deadline
        self.state = state
        self.answeredAt = answeredAt
        self.note = note
        self.notificationID = notificationID
        self.promptedAt = promptedAt
        self.promptCount = promptCount
        self.snoozedUntil = snoozedUntil
        self.answerChannel = answerChannel
    }

    /// Awaiting an answer (`pending` or `unanswered`): what `answerNewestOpen` may answer.
    public var isOpen: Bool { state == .pending || state == .unanswered }

    /// Identity and state only, as `records(items:since:)` reads them (the prompt cache cleared).
    public var withoutPromptCache: CheckIn {
        CheckIn(
            id: id, item: item, kind: kind, scheduled: scheduled, zone: zone, day: day, deadline: deadline, state: state,
            answeredAt: answeredAt, note: note)
    }
}

/// How an event reached the ledger.
public enum Channel: String, Sendable, Codable, CaseIterable, Hashable {
    case notification
    case terminal
    case catchUp = "catch-up"
    case daemon
    /// Brought in by `trustctl import` from another tracker's history (the event names the file).
    case imported = "import"
}
