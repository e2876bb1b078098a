// `trustctl share verify`: checks a digest page on any machine, without the ledger: the signature,
// that the page is exactly what its signed data renders, the hash chain from the start head to the
// end head, the check-ins against the events, and the continuity with the previous week's digest.
import Crypto
import Foundation
import TrustCore

/// A check a digest failed, named in its message.
public enum DigestFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case notADigest(String)
    case badSignature
    case pageEdited(line: Int)
    case wrongKey(signedBy: String, pinned: String)
    case reordered(sequence: Int64, after: Int64)
    case eventMissing(sequence: Int64)
    case unexpectedEvent(sequence: Int64)
    case eventRewritten(sequence: Int64)
    case endHeadMismatch
    case noteMismatch(sequence: Int64)
    case noteWithheld(sequence: Int64)
    case checkInMissing(item: String, day: String, occurrence: Int64)
    case checkInDisagrees(item: String, day: String, stated: String, events: String)
    case differentSigner(previous: String, this: String)
    case notLater(previous: String, this: String)
    case weekSkipped(previousEnd: String, thisStart: String)
    case notContinuing(previousEnd: String, thisStart: String)

    public var description: String {
        switch self {
        case .notADigest(let why): "not a trustd digest: \(why)"
        case .badSignature:
            "signature check failed: the signed data was changed after it was signed (or the signature is not this key's)"
        case .pageEdited(let line):
            "page check failed: the page differs from what its signed data shows (first at line \(line)): its text was edited by hand"
        case .wrongKey(let signedBy, let pinned):
            "key check failed: signed by the key \(signedBy), not the pinned key \(pinned)"
        case .reordered(let sequence, let after):
            "order check failed: event \(sequence) comes after event \(after): the week's events were reordered"
        case .eventMissing(let sequence):
            "chain check failed: event \(sequence) is missing: an event was removed from the week"
        case .unexpectedEvent(let sequence):
            "chain check failed: event \(sequence) is outside the week's chain span: an event was added"
        case .eventRewritten(let sequence):
            "chain check failed: event \(sequence) does not hash to its recorded hash: it was rewritten after it was recorded"
        case .endHeadMismatch:
            "chain check failed: the week's events do not lead to the stated end head: the head was changed"
        case .noteMismatch(let sequence):
            "note check failed: the note of event \(sequence) is not the one whose hash is in the chain"
        case .noteWithheld(let sequence):
            "note check failed: event \(sequence) was recorded before notes were hashed, and its note is left out: its hash cannot be checked"
        case .checkInMissing(let item, let day, let occurrence):
            "check-in check failed: \(item) on \(day) (occurrence #\(occurrence)) is in the week's events but not on the page: a check-in was removed"
        case .checkInDisagrees(let item, let day, let stated, let events):
            "check-in check failed: \(item) on \(day) is shown \(stated), but the week's events say \(events)"
        case .differentSigner(let previous, let this):
            "continuity check failed: the previous digest was signed by \(previous), this one by \(this)"
        case .notLater(let previous, let this):
            "continuity check failed: the previous digest's week (\(previous)) is not before this one's (\(this))"
        case .weekSkipped(let previousEnd, let thisStart):
            "continuity check failed: the previous digest ends \(previousEnd) and this one starts \(thisStart): a week was skipped"
        case .notContinuing(let previousEnd, let thisStart):
            "continuity check failed: this digest's start head \(thisStart) is not the previous digest's end head \(previousEnd): the ledger was rewritten between them"
        }
    }
}

public enum DigestVerifier {
    /// What a page renders to from its signed data: `(digest, its JSON, the signature block's JSON,
    /// the key's fingerprint)`.
    public typealias Render = (WeekDigest, String, String, String) -> String

    /// Checks `page` (and its continuity with `previous`, when given) and returns its signed digest
    /// and the previous one. `pin`: a base64 public key or a fingerprint (hex, spaces ignored, at least 16 digits).
    public static func verify(
        page: String, render: Render, pin: String? = nil, previous: String? = nil
    ) throws(DigestFailure) -> (signed: SignedDigest, previous: SignedDigest?) {
        let signed = try checkedPage(page, render: render)
        if let pin {
            let fingerprint = signed.signature.fingerprint ?? "?"
            if !matches(pin: pin, publicKey: signed.signature.publicKey, fingerprint: fingerprint) {
                throw .wrongKey(signedBy: fingerprint, pinned: pin)
            }
        }
        try checkChain(signed.digest)
        try checkCheckIns(signed.digest)
        var before: SignedDigest?
        if let previous {
            do {
                let page = try checkedPage(previous, render: render)
                try checkChain(page.digest)
                try checkCheckIns(page.digest)
                before = page
            } catch {
                throw .notADigest("the previous digest fails its own check: \(error)")
            }
            try checkContinuity(previous: before!, this: signed)
        }
        return (signed, before)
    }

    /// The page's signed data, its signature checked and the page compared with its rendering.
    static func checkedPage(_ page: String, render: Render) throws(DigestFailure) -> SignedDigest {
        guard let json = element(WeekDigest.dataElementID, in: page) else {
            throw .notADigest("no <script id=\"\(WeekDigest.dataElementID)\"> element with the signed data")
        }
        guard let signatureText = element(WeekDigest.signatureElementID, in: page) else {
            throw .notADigest("no <script id=\"\(WeekDigest.signatureElementID)\"> element with the signature")
        }
        guard let signature = try? JSONDecoder().decode(DigestSignature.self, from: Data(signatureText.utf8)),
            let keyBytes = Data(base64Encoded: signature.publicKey),
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes),
            let signatureBytes = Data(base64Encoded: signature.signature)
        else { throw .notADigest("the signature element is not an Ed25519 public key and signature") }
        guard key.isValidSignature(signatureBytes, for: DigestCodec.signedBytes(json)) else { throw .badSignature }
        let digest: WeekDigest
        do { digest = try JSONDecoder().decode(WeekDigest.self, from: Data(json.utf8)) } catch {
            throw .notADigest("its signed data is not a digest (\(error))")
        }
        guard digest.format == WeekDigest.currentFormat else {
            throw .notADigest("format '\(digest.format)'; this trustctl reads \(WeekDigest.currentFormat)")
        }
        // The embedded texts as they are (the data's bytes are what was signed): the check does not
        // depend on this machine's JSON encoder writing the same bytes as the sender's.
        let rendered = render(digest, json, signatureText, signature.fingerprint ?? "")
        if rendered != page {
            let a = page.split(separator: "\n", omittingEmptySubsequences: false)
            let b = rendered.split(separator: "\n", omittingEmptySubsequences: false)
            let line = Array(zip(a, b)).firstIndex { $0 != $1 }.map { $0 + 1 } ?? min(a.count, b.count) + 1
            throw .pageEdited(line: line)
        }
        return SignedDigest(digest: digest, json: json, signature: signature)
    }

    /// The text of `<script type="application/json" id="ID">…</script>`.
    static func element(_ id: String, in page: String) -> String? {
        let open = WeekDigest.scriptOpen(id: id)
        guard let start = page.range(of: open), let end = page.range(of: "</script>", range: start.upperBound..<page.endIndex)
        else { return nil }
        return String(page[start.upperBound..<end.lowerBound])
    }

    static func matches(pin: String, publicKey: String, fingerprint: String) -> Bool {
        if pin == publicKey { return true }
        let digits = pin.lowercased().filter { !$0.isWhitespace && $0 != ":" }
        let own = fingerprint.filter { !$0.isWhitespace }
        return digits.count >= 16 && digits.allSatisfy(\.isHexDigit) && own.hasPrefix(digits.prefix(16))
            && digits.count <= own.count
    }

    /// The events are `startSequence + 1 … endSequence` in order, each hashes to its recorded hash
    /// from the one before (the first from the start head), and the last hash is the end head.
    static func checkChain(_ d: WeekDigest) throws(DigestFailure) {
        var expected = d.chain.startSequence + 1
        var last: Int64 = d.chain.startSequence
        let present = Set(d.events.map(\.sequence))
        for e in d.events {
            if e.sequence <= last { throw .reordered(sequence: e.sequence, after: last) }
            if e.sequence > d.chain.endSequence { throw .unexpectedEvent(sequence: e.sequence) }
            if e.sequence != expected {
                // The one expected here comes later: the events were reordered, not cut.
                if present.contains(expected) { throw .reordered(sequence: e.sequence, after: last) }
                throw .eventMissing(sequence: expected)
            }
            last = e.sequence
            expected += 1
        }
        if expected <= d.chain.endSequence { throw .eventMissing(sequence: expected) }

        let identities = Dictionary(
            d.occurrences.map {
                ($0.id, OccurrenceIdentity(id: $0.id, item: $0.item, kind: $0.kind, scheduled: $0.scheduled, zone: $0.zone, day: $0.day, deadline: $0.deadline))
            }, uniquingKeysWith: { a, _ in a })
        guard var previous = Hex.decode(d.chain.startHash), previous.count == 32 else {
            throw .notADigest("the start head is not a SHA-256 hash")
        }
        for e in d.events {
            guard let identity = identities[e.occurrence] else {
                throw .notADigest("event \(e.sequence) belongs to occurrence #\(e.occurrence), which the digest does not describe")
            }
            let noteField: String?
            if e.form == 3 {
                if let note = e.note {
                    guard let salt = e.noteSalt, HashChain.noteCommitment(salt: salt, note: note) == e.noteHash else {
                        throw .noteMismatch(sequence: e.sequence)
                    }
                }
                noteField = e.noteHash
            } else {
                if e.noteHash != nil { throw .noteWithheld(sequence: e.sequence) }
                noteField = e.note
            }
            let content = EventContent(
                sequence: e.sequence, type: e.type, at: e.at, channel: e.channel, answer: e.answer, note: nil,
                notificationID: e.notificationID, until: e.until, importSource: e.importSource, importFile: e.importFile,
                importSHA256: e.importSHA256, value: e.value.flatMap(Double.init))
            let form = (1...3).contains(e.form) ? e.form : 1
            let link = HashChain.link(previous: previous, canonical: HashChain.canonical(version: form, identity, content, noteField: noteField))
            if Hex.encode(link) != e.hash.lowercased() { throw .eventRewritten(sequence: e.sequence) }
            previous = link
        }
        if Hex.encode(previous) != d.chain.endHash.lowercased() { throw .endHeadMismatch }
    }

    /// Every occurrence of the week's days entered in the week is on the page, and a check-in whose
    /// answer was given or corrected in the week shows that answer (the last one), shows a correction
    /// made in the week as one, and shows the note the week's events leave it with (whether there is
    /// one; with the notes, its text).
    static func checkCheckIns(_ d: WeekDigest) throws(DigestFailure) {
        var shown: [Int64: (item: String, checkIn: DigestCheckIn)] = [:]
        for item in d.items { for c in item.checkIns { shown[c.occurrence] = (item.item, c) } }
        let first = Int64(d.weekStart.replacingOccurrences(of: "-", with: "")) ?? 0
        let last = Int64(d.weekEnd.replacingOccurrences(of: "-", with: "")) ?? 0
        let identities = Dictionary(d.occurrences.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var answers: [Int64: String] = [:]
        var corrected: Set<Int64> = []
        // The note the events leave: nil unknown, .some(nil) none, .some(text or hash).
        var notes: [Int64: String?] = [:]
        for e in d.events {
            guard let o = identities[e.occurrence], (first...last).contains(o.day) else { continue }
            if shown[o.id] == nil {
                throw .checkInMissing(item: o.item, day: DayNumberText.text(o.day), occurrence: o.id)
            }
            let note = e.note ?? e.noteHash
            switch e.type {
            case "answered":
                if let a = e.answer { answers[o.id] = a }
                notes[o.id] = .some(note)
            case "corrected":
                if let a = e.answer { answers[o.id] = a }
                corrected.insert(o.id)
                if let note { notes[o.id] = .some(note) }
            case "noted": notes[o.id] = .some(note)
            case "voided": answers[o.id] = answers[o.id] ?? "voided"
            default: break
            }
        }
        for id in Set(answers.keys).union(corrected).union(notes.keys).sorted() {
            let (item, c) = shown[id]!
            if let answer = answers[id], c.state != answer {
                throw .checkInDisagrees(item: item, day: c.day, stated: c.state, events: answer)
            }
            if corrected.contains(id), !c.corrected {
                throw .checkInDisagrees(item: item, day: c.day, stated: "not corrected", events: "corrected")
            }
            if let note = notes[id] {
                if c.hasNote != (note != nil) {
                    throw .checkInDisagrees(
                        item: item, day: c.day, stated: c.hasNote ? "with a note" : "without a note",
                        events: note == nil ? "none" : "a note")
                }
                if d.withNotes, let text = c.note, let events = d.events.last(where: { $0.occurrence == id && $0.note != nil })?.note,
                    text != events
                {
                    throw .checkInDisagrees(item: item, day: c.day, stated: "with the note '\(text)'", events: "'\(events)'")
                }
            }
        }
    }

    static func checkContinuity(previous: SignedDigest, this: SignedDigest) throws(DigestFailure) {
        if previous.signature.publicKey != this.signature.publicKey {
            throw .differentSigner(previous: previous.signature.fingerprint ?? "?", this: this.signature.fingerprint ?? "?")
        }
        let p = previous.digest
        let t = this.digest
        guard let previousEnd = DayKey(p.weekEnd), let thisStart = DayKey(t.weekStart) else {
            throw .notADigest("a week is not YYYY-MM-DD")
        }
        if previousEnd >= thisStart { throw .notLater(previous: "\(p.weekStart)–\(p.weekEnd)", this: "\(t.weekStart)–\(t.weekEnd)") }
        if previousEnd.adding(days: 1) != thisStart { throw .weekSkipped(previousEnd: p.weekEnd, thisStart: t.weekStart) }
        if p.chain.endSequence != t.chain.startSequence || p.chain.endHash != t.chain.startHash {
            throw .notContinuing(
                previousEnd: "\(p.chain.endSequence):\(p.chain.endHash.prefix(16))",
                thisStart: "\(t.chain.startSequence):\(t.chain.startHash.prefix(16))")
        }
    }
}

enum DayNumberText {
    static func text(_ n: Int64) -> String { DayNumber.day(n).description }
}
