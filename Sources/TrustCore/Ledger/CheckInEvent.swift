// The ledger's vocabulary, part 2: the append-only event log of check-ins, a check-in with its
// events, and what recording an answer did.
import Foundation

/// What happened to a check-in. The event log is append-only: a correction is a new event.
public enum EventType: String, Sendable, Codable, CaseIterable, Hashable {
    /// The occurrence was entered in the ledger (always its first event).
    case scheduled
    /// The person was asked (a notification, a terminal line, or the journal without a desktop).
    case prompted
    /// The person asked to be reminded later (`until`).
    case snoozed
    /// The first answer (also a late one, after `unanswered`).
    case answered
    /// A later answer to an answered occurrence: replaces the earlier answer (and the note, when
    /// it has one; without one the earlier note stays).
    case corrected
    /// A note added to an answered occurrence without changing the answer.
    case noted
    /// The deadline passed without an answer.
    case unanswered
    /// Withdrawn by a clock correction (schema v3): the clock went forward and back, and this
    /// occurrence, entered for an instant that has not come yet, was never answered. Its state
    /// becomes `voided`; an answered occurrence is never voided.
    case voided
    /// A `celebrate:` milestone of the item's streak was shown to the person (schema v3), `streak`
    /// long; on the occurrence whose day reached it. Recorded so a milestone is celebrated once,
    /// across restarts, also when it was reached while trustd was not running.
    case celebrated
}

/// One entry of the append-only event log.
public struct CheckInEvent: Sendable, Hashable, Identifiable {
    /// Position in the log and in the hash chain: 1, 2, 3, … without gaps.
    public var sequence: Int64
    public var occurrence: CheckInID
    public var type: EventType
    /// When it happened (for an answer: when it was given, not the occurrence's day).
    public var at: Date
    public var channel: Channel
    /// For `answered` and `corrected`.
    public var answer: Answer?
    /// For `answered`, `corrected` (optional) and `noted`.
    public var note: String?
    /// For `prompted`: the desktop notification id, when a notification server showed it.
    public var notificationID: NotificationID?
    /// For `snoozed`: when to prompt again.
    public var until: Date?
    /// For `celebrated`: the streak length celebrated.
    public var streak: Int?
    /// SHA-256 over the previous event's hash and this event's canonical content (32 bytes).
    public var hash: [UInt8]

    public var id: Int64 { sequence }

    public init(
        sequence: Int64, occurrence: CheckInID, type: EventType, at: Date, channel: Channel, answer: Answer? = nil,
        note: String? = nil, notificationID: NotificationID? = nil, until: Date? = nil, streak: Int? = nil,
        hash: [UInt8]
    ) {
        self.streak = streak
        self.sequence = sequence
        self.occurrence = occurrence
        self.type = type
        self.at = at
        self.channel = channel
        self.answer = answer
        self.note = note
        self.notificationID = notificationID
        self.until = until
        self.hash = hash
    }

    /// The hash as 64 lowercase hex digits.
    public var hashHex: String { Hex.encode(hash) }
}

/// An occurrence with its events, oldest event first: one entry of `history`.
public struct CheckInHistory: Sendable, Hashable, Identifiable {
    public var occurrence: CheckIn
    public var events: [CheckInEvent]
    public var id: CheckInID { occurrence.id }
    public init(occurrence: CheckIn, events: [CheckInEvent]) {
        self.occurrence = occurrence
        self.events = events
    }
    /// Whether the answer was corrected at least once.
    public var wasCorrected: Bool { events.contains { $0.type == .corrected } }
}

/// The result of recording an answer.
public struct AnswerResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// The first answer (possibly late: `previous` is then `.unanswered`).
        case answered
        /// The occurrence had an answer already; `previous` was replaced (a `corrected` event).
        case corrected(previous: Answer)
        /// Same answer as before, with a new note (a `noted` event).
        case noted
        /// Same answer, no new note: nothing was recorded.
        case unchanged
    }

    public var outcome: Outcome
    /// The occurrence after the answer. Its `notificationID` names the desktop notification
    /// still showing the prompt, which the caller should close.
    public var occurrence: CheckIn
    /// Its state before the answer.
    public var previousState: CheckInState
    /// The event recorded; nil when `unchanged`.
    public var event: CheckInEvent?

    public init(outcome: Outcome, occurrence: CheckIn, previousState: CheckInState, event: CheckInEvent?) {
        self.outcome = outcome
        self.occurrence = occurrence
        self.previousState = previousState
        self.event = event
    }

    /// Whether the answer arrived after the occurrence had been recorded `unanswered`.
    public var wasLate: Bool { previousState == .unanswered }
}

/// Lowercase hexadecimal, for hashes.
public enum Hex {
    public static func encode(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of an even-length hex string (either case), or nil.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}
