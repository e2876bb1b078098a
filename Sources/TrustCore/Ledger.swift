// What the ledger says about one occurrence, as the pure core sees it: the input of
// streak, strength and report math. TrustStore produces these from its tables.
import Foundation

/// One scheduled check-in and where it stands.
public struct OccurrenceRecord: Sendable, Hashable, Identifiable {
    /// The store's occurrence id.
    public var id: Int64
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
    public var state: OccurrenceState
    /// When the latest answer was given, if any.
    public var answeredAt: Date?
    /// The latest note, if any.
    public var note: String?

    public init(
        id: Int64, item: ItemID, kind: ItemKind, scheduled: Date, zone: String, day: DayKey, deadline: Date,
        state: OccurrenceState, answeredAt: Date? = nil, note: String? = nil
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
