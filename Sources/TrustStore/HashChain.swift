// Tamper evidence and the derived occurrence state: pure functions over the stored (raw) values,
// shared by the write path and by `verify`, so that what is written is exactly what is checked.
import Crypto
import Foundation
import TrustCore

/// The immutable part of an occurrence row, covered by the hash of every one of its events:
/// editing an occurrence's item, time, zone, day or deadline breaks its events' links.
struct OccurrenceIdentity: Hashable, Sendable {
    var id: Int64
    var item: String
    var kind: String
    var scheduled: Int64
    var zone: String
    var day: Int64
    var deadline: Int64
}

/// An event's own stored columns, as raw values.
struct EventContent: Hashable, Sendable {
    var sequence: Int64
    var type: String
    var at: Int64
    var channel: String
    var answer: String?
    var note: String?
    var notificationID: Int64?
    var until: Int64?
    /// On events written by `trustctl import` (schema v2): the tracker, the file's name and
    /// SHA-256, and the day's number; `value` also on `celebrated` events (schema v3: the streak).
    /// Their presence selects the canonical form `trustd-event-2`.
    var importSource: String? = nil
    var importFile: String? = nil
    var importSHA256: String? = nil
    var value: Double? = nil
    /// Schema v5: 16 random bytes (lowercase hex) stored with every event written with a note. Its
    /// presence selects the canonical form `trustd-event-3`, in which the note is hashed as
    /// `HashChain.noteCommitment(salt:note:)`: the chain can be checked (by a `trustctl share`
    /// digest's receiver) without the note's text, and the hash cannot be brute-forced without the salt.
    var noteSalt: String? = nil

    var hasVersion2Fields: Bool { importSource != nil || importFile != nil || importSHA256 != nil || value != nil }

    /// 1, 2 or 3: the canonical form this event is hashed in.
    var canonicalVersion: Int { noteSalt != nil ? 3 : hasVersion2Fields ? 2 : 1 }
}

enum HashChain {
    /// The "previous hash" of the first event.
    static let genesis = [UInt8](repeating: 0, count: 32)

    /// The canonical content of an event: a version tag, then every field as a netstring
    /// (`<byte count>:<bytes>,`), absent values as `~`. Unambiguous for any text, including notes
    /// with separators or newlines. Changing this breaks every existing chain: never edit it;
    /// add a new version tag instead.
    static func canonical(_ o: OccurrenceIdentity, _ e: EventContent) -> [UInt8] {
        let version = e.canonicalVersion
        let noteField = version == 3 ? e.note.map { noteCommitment(salt: e.noteSalt!, note: $0) } : e.note
        return canonical(version: version, o, e, noteField: noteField)
    }

    /// The canonical form with the note field given as the chain sees it: the text in versions 1
    /// and 2, the salted hash (`noteCommitment`) in version 3. A digest's receiver has only the hash.
    static func canonical(version: Int, _ o: OccurrenceIdentity, _ e: EventContent, noteField: String?) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(160 + (noteField?.utf8.count ?? 0))
        func field(_ s: String?) {
            guard let s else {
                out.append(UInt8(ascii: "~"))
                return
            }
            out.append(contentsOf: String(s.utf8.count).utf8)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: ","))
        }
        func field(_ n: Int64?) { field(n.map { String($0) }) }
        // Version 2 (an imported event, or a `celebrated` one, whose streak is in `value`) is
        // version 1 with four fields after `until`; events without them keep version 1, so ledgers
        // written before schema v2 verify unchanged. Version 3 (schema v5: an event with a note and
        // its salt) is version 2 with the note replaced by its salted hash.
        field(version == 3 ? "trustd-event-3" : version == 2 ? "trustd-event-2" : "trustd-event-1")
        field(e.sequence)
        field(o.id)
        field(o.item)
        field(o.kind)
        field(o.scheduled)
        field(o.zone)
        field(o.day)
        field(o.deadline)
        field(e.type)
        field(e.at)
        field(e.channel)
        field(e.answer)
        field(noteField)
        field(e.notificationID)
        field(e.until)
        if version >= 2 {
            field(e.importSource)
            field(e.importFile)
            field(e.importSHA256)
            field(e.value.map { String(describing: $0) })
        }
        return out
    }

    /// `trustd-event-3`'s note: lowercase hex of SHA-256(salt bytes ‖ the note's UTF-8). `salt` is
    /// hex; a salt that is not hex is hashed as its UTF-8 (a tampered row then fails its link).
    static func noteCommitment(salt: String, note: String) -> String {
        var h = SHA256()
        h.update(data: Hex.decode(salt) ?? Array(salt.utf8))
        h.update(data: Array(note.utf8))
        return Hex.encode(Array(h.finalize()))
    }

    /// A new note salt: 16 bytes from the system's random source, lowercase hex.
    static func newNoteSalt() -> String {
        var g = SystemRandomNumberGenerator()
        return Hex.encode((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &g) })
    }

    /// SHA-256(previous ‖ canonical content).
    static func link(previous: [UInt8], _ o: OccurrenceIdentity, _ e: EventContent) -> [UInt8] {
        link(previous: previous, canonical: canonical(o, e))
    }

    static func link(previous: [UInt8], canonical: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: previous)
        h.update(data: canonical)
        return Array(h.finalize())
    }
}

/// The columns of an occurrence row that are derived from its events. The writer applies each
/// new event to the cached value and stores the result in the same transaction; `verify`
/// folds the log from scratch and compares. Raw strings so that tampered values are reported,
/// not trapped on.
struct OccurrenceCache: Hashable, Sendable {
    var state: String = CheckInState.pending.rawValue
    var answeredAt: Int64?
    var answerChannel: String?
    var note: String?
    var promptedAt: Int64?
    var promptCount: Int64 = 0
    var notificationID: Int64?
    var snoozedUntil: Int64?

    enum Problem: Error, Equatable {
        case unknownType(String)
        case missingAnswer
        case notFirst  // `scheduled` after other events
    }

    /// The effect of one event. Mirrors the documentation of `EventType`.
    mutating func apply(_ e: EventContent, isFirst: Bool) throws(Problem) {
        guard let type = EventType(rawValue: e.type) else { throw .unknownType(e.type) }
        switch type {
        case .scheduled:
            guard isFirst else { throw .notFirst }
            self = OccurrenceCache()
        case .prompted:
            promptedAt = e.at
            promptCount += 1
            notificationID = e.notificationID
            snoozedUntil = nil
        case .snoozed:
            snoozedUntil = e.until
        case .answered, .corrected:
            guard let answer = e.answer else { throw .missingAnswer }
            state = answer
            answeredAt = e.at
            answerChannel = e.channel
            // A correction without a note keeps the note given earlier (the person wrote it).
            if e.note != nil || type == .answered { note = e.note }
            snoozedUntil = nil
        case .noted:
            note = e.note
        case .unanswered:
            if state == CheckInState.pending.rawValue { state = CheckInState.unanswered.rawValue }
            snoozedUntil = nil
        case .voided:
            // Only a check-in never answered: an answer given stays.
            if state == CheckInState.pending.rawValue || state == CheckInState.unanswered.rawValue {
                state = CheckInState.voided.rawValue
            }
            snoozedUntil = nil
        case .celebrated:
            break  // the occurrence is unchanged; the event is the record
        }
    }
}
