// `trustctl share`: one week of the ledger as a signed digest for the person the promises are made
// to. These are the signed data's values (canonical JSON, see TrustStore's DigestSigning); the
// ledger reading, the hash chain and the signature are TrustStore's, the page TrustReport's.
import Foundation

/// One week's signed digest. Every value is an integer, a string or a Boolean (no floating point), so
/// its JSON is the same bytes on every machine.
public struct WeekDigest: Codable, Sendable, Hashable {
    /// `trustd-digest-1`.
    public static let currentFormat = "trustd-digest-1"
    /// The page's `<script type="application/json">` elements: the signed data, and the signature block.
    public static let dataElementID = "trustd-digest"
    public static let signatureElementID = "trustd-signature"
    public static func scriptOpen(id: String) -> String { "<script type=\"application/json\" id=\"\(id)\">" }

    public var format: String
    /// Monday and Sunday of the week, `YYYY-MM-DD`, in `zone` (the plan's), `day-starts` applied.
    public var weekStart: String
    public var weekEnd: String
    public var zone: String
    /// When the digest was written, ms since 1970-01-01 UTC.
    public var createdAt: Int64
    /// Whether the notes' text (and their salts) is included; without, only their salted hashes.
    public var withNotes: Bool
    /// The ledger's hash chain before the week's first event and after its last one.
    public var chain: DigestChain
    /// Every occurrence an event of the week belongs to: the part of an event's hash that is the occurrence's.
    public var occurrences: [DigestOccurrence]
    /// Every ledger event of the week, in chain order: `chain.startSequence + 1 … chain.endSequence`.
    public var events: [DigestEvent]
    /// Each promise's week, as the page shows it.
    public var items: [DigestItem]
    /// Changes to the plan during the week, oldest first (fed by the caller of the digest builder).
    public var planChanges: [DigestPlanChange]

    public init(
        weekStart: DayKey, weekEnd: DayKey, zone: String, createdAt: Int64, withNotes: Bool, chain: DigestChain,
        occurrences: [DigestOccurrence], events: [DigestEvent], items: [DigestItem], planChanges: [DigestPlanChange]
    ) {
        format = Self.currentFormat
        self.weekStart = weekStart.description
        self.weekEnd = weekEnd.description
        self.zone = zone
        self.createdAt = createdAt
        self.withNotes = withNotes
        self.chain = chain
        self.occurrences = occurrences
        self.events = events
        self.items = items
        self.planChanges = planChanges
    }
}

/// The chain's head (sequence and SHA-256, lowercase hex) before and after the week. A ledger with no
/// event before the week starts at sequence 0 and 64 zeros.
public struct DigestChain: Codable, Sendable, Hashable {
    public var startSequence: Int64
    public var startHash: String
    public var endSequence: Int64
    public var endHash: String
    public init(startSequence: Int64, startHash: String, endSequence: Int64, endHash: String) {
        self.startSequence = startSequence
        self.startHash = startHash
        self.endSequence = endSequence
        self.endHash = endHash
    }
}

/// An occurrence's identity, the columns its events' hashes cover (see docs/ledger.md).
public struct DigestOccurrence: Codable, Sendable, Hashable {
    public var id: Int64
    public var item: String
    public var kind: String
    public var scheduled: Int64
    public var zone: String
    /// YYYYMMDD.
    public var day: Int64
    public var deadline: Int64
    public init(id: Int64, item: String, kind: String, scheduled: Int64, zone: String, day: Int64, deadline: Int64) {
        self.id = id
        self.item = item
        self.kind = kind
        self.scheduled = scheduled
        self.zone = zone
        self.day = day
        self.deadline = deadline
    }
}

/// A ledger event as its hash covers it. `form` is its canonical form (1, 2 or 3). In form 3 the
/// note is in the chain as `noteHash`; `note` and `noteSalt` are there only with `--with-notes`. In
/// forms 1 and 2 (events written before schema v5) the note's text itself is hashed: such an event
/// with a note is only in a digest with its note.
public struct DigestEvent: Codable, Sendable, Hashable {
    public var sequence: Int64
    public var occurrence: Int64
    public var form: Int
    public var type: String
    public var at: Int64
    public var channel: String
    public var answer: String?
    public var note: String?
    public var noteSalt: String?
    public var noteHash: String?
    public var notificationID: Int64?
    public var until: Int64?
    public var importSource: String?
    public var importFile: String?
    public var importSHA256: String?
    /// The number kept with it (as the chain hashes it: Swift's `description` of the Double).
    public var value: String?
    /// The event's hash as the ledger stores it, lowercase hex: SHA-256(previous event's hash ‖ canonical form).
    public var hash: String
    public init(
        sequence: Int64, occurrence: Int64, form: Int, type: String, at: Int64, channel: String, answer: String? = nil,
        note: String? = nil, noteSalt: String? = nil, noteHash: String? = nil, notificationID: Int64? = nil,
        until: Int64? = nil, importSource: String? = nil, importFile: String? = nil, importSHA256: String? = nil,
        value: String? = nil, hash: String
    ) {
        self.sequence = sequence
        self.occurrence = occurrence
        self.form = form
        self.type = type
        self.at = at
        self.channel = channel
        self.answer = answer
        self.note = note
        self.noteSalt = noteSalt
        self.noteHash = noteHash
        self.notificationID = notificationID
        self.until = until
        self.importSource = importSource
        self.importFile = importFile
        self.importSHA256 = importSHA256
        self.value = value
        self.hash = hash
    }
}

/// One promise's week.
public struct DigestItem: Codable, Sendable, Hashable {
    public var item: String
    public var kind: String
    /// The plan's title, when the plan has one.
    public var title: String?
    public var checkIns: [DigestCheckIn]
    /// Up to the end of the week, computed by the sender's trustd from the whole ledger as it is when
    /// the digest is written (a later correction of a day of the week counts; not proven by the
    /// week's events alone).
    public var streak: Int
    public var bestStreak: Int
    public var skipsUsed: Int
    public var skipsLeft: Int
    public init(
        item: String, kind: String, title: String?, checkIns: [DigestCheckIn], streak: Int, bestStreak: Int,
        skipsUsed: Int, skipsLeft: Int
    ) {
        self.item = item
        self.kind = kind
        self.title = title
        self.checkIns = checkIns
        self.streak = streak
        self.bestStreak = bestStreak
        self.skipsUsed = skipsUsed
        self.skipsLeft = skipsLeft
    }
}

/// One check-in of the week as of the chain's end head.
public struct DigestCheckIn: Codable, Sendable, Hashable {
    public var occurrence: Int64
    public var day: String
    public var scheduled: Int64
    /// pending, kept, missed, skipped, unanswered or voided.
    public var state: String
    public var answeredAt: Int64?
    /// In the occurrence's zone, as the sender's machine computed them (so the page is the same on
    /// every machine, whatever its time-zone data): `21:30`, and `Wed 25 Nov 21:40`.
    public var time: String
    public var answeredLocal: String?
    /// Answered after its deadline had passed unanswered.
    public var late: Bool
    /// The answer was changed (a `corrected` event).
    public var corrected: Bool
    /// Whether a note was written; its text only with `--with-notes`.
    public var hasNote: Bool
    public var note: String?
    public init(
        occurrence: Int64, day: String, scheduled: Int64, state: String, answeredAt: Int64?, time: String,
        answeredLocal: String?, late: Bool, corrected: Bool, hasNote: Bool, note: String?
    ) {
        self.time = time
        self.answeredLocal = answeredLocal
        self.occurrence = occurrence
        self.day = day
        self.scheduled = scheduled
        self.state = state
        self.answeredAt = answeredAt
        self.late = late
        self.corrected = corrected
        self.hasNote = hasNote
        self.note = note
    }
}

/// A change to the plan during the week: when, which item (nil: the plan as a whole), what.
public struct DigestPlanChange: Codable, Sendable, Hashable {
    public var at: Int64
    public var item: String?
    public var summary: String
    public init(at: Int64, item: String?, summary: String) {
        self.at = at
        self.item = item
        self.summary = summary
    }
}
