// `trustctl verify`: SQLite's own integrity check, then the hash chain from the first event to
// the last, then every occurrence row against what its events say.
import Foundation
import GRDB
import TrustCore

/// The result of `TrustStore.verify()`.
public struct VerifyReport: Sendable, Hashable {
    /// One finding, tied to an event (`sequence`) and/or an occurrence when it can be.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        public var sequence: Int64?
        public var occurrence: CheckInID?
        public var message: String
        public var description: String {
            var prefix = ""
            if let sequence { prefix += "event \(sequence): " } else if let occurrence { prefix += "occurrence #\(occurrence): " }
            return prefix + message
        }
    }

    public var path: String
    /// `PRAGMA integrity_check` output: `["ok"]` when the file is sound.
    public var integrity: [String]
    public var occurrenceCount: Int
    public var eventCount: Int
    /// The newest event and its hash: write it down (or show it to your partner); a later
    /// `verify` whose chain still passes through this hash proves nothing before it was rewritten.
    public var headSequence: Int64
    public var headHash: String?
    /// The first event whose stored hash is not SHA-256(previous hash ‖ its content).
    public var firstBrokenLink: Finding?
    /// How many events fail their link (each checked against its predecessor as stored).
    public var brokenLinkCount: Int
    /// Other problems: removed safeguards, rows that disagree with their events (at most 20).
    public var findings: [Finding]
    public var findingCount: Int
    /// The plan log (schema v4): how many plan versions, the newest one and its chain hash. Its
    /// broken links and plan hashes that do not match their summaries are findings.
    public var planVersionCount = 0
    public var planHeadSequence: Int64 = 0
    public var planHeadHash: String?

    public var integrityOK: Bool { integrity == ["ok"] }
    public var chainOK: Bool { firstBrokenLink == nil }
    /// Nothing wrong was found.
    public var isIntact: Bool { integrityOK && chainOK && findingCount == 0 }
}

extension TrustStore {
    static let triggers = [
        "event_append_only_update", "event_append_only_delete", "occurrence_never_deleted", "occurrence_identity_fixed",
        "plan_version_append_only_update", "plan_version_append_only_delete",
    ]

    /// Checks the file, the hash chain and every occurrence against its events. Reads one snapshot;
    /// never writes, so it is safe on a damaged file and while trustd runs.
    /// `anchor`: a (sequence, hex hash) pair recorded earlier; a finding is reported unless the
    /// event at that sequence still has that hash.
    public func verify(anchor: (sequence: Int64, hash: String)? = nil) throws(StoreError) -> VerifyReport {
        // On a damaged file SQLite may fail the read transaction's COMMIT after the walk has
        // gathered everything it could: keep the report then.
        var built: VerifyReport?
        do {
            return try read { db in
                built = try walk(db, anchor: anchor)
                return built!
            }
        } catch {
            if let built, case .corrupt = error { return built }
            if let built, case .notADatabase = error { return built }
            throw error
        }
    }

    private func walk(_ db: Database, anchor: (sequence: Int64, hash: String)?) throws -> VerifyReport {
        var report = VerifyReport(
            path: path, integrity: [], occurrenceCount: 0, eventCount: 0, headSequence: 0, headHash: nil,
            firstBrokenLink: nil, brokenLinkCount: 0, findings: [], findingCount: 0)
        func note(_ f: VerifyReport.Finding) {
            report.findingCount += 1
            if report.findings.count < 20 { report.findings.append(f) }
        }

        do {
            let lines = try String.fetchCursor(db, sql: "PRAGMA integrity_check(20)")
            while let line = try lines.next() { report.integrity.append(line) }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            // SQLite lists what it found, then fails: keep both.
            report.integrity.append(error.message ?? "corrupt")
        }
        // (Events pointing at missing occurrences are found by the chain walk below.)

        let present = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger'"))
        for name in Self.triggers where !present.contains(name) {
            note(.init(message: "the append-only safeguard \(name) was removed: the ledger was edited outside trustd"))
        }

        do {
            // Occurrences as stored, indexed by id (ids are dense: 1, 2, 3, … never deleted).
            let maxID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM occurrence") ?? 0
            var rows = OccurrenceTable<OccurrenceRow>(capacity: Int(clamping: maxID))
            let occurrenceCursor = try Row.fetchCursor(db, sql: "SELECT \(OccurrenceRow.columns) FROM occurrence")
            while let r = try occurrenceCursor.next() {
                let (id, row) = OccurrenceRow.checked(r, path: path)
                guard let id, let row else {
                    note(.init(occurrence: id, message: "has missing values"))
                    continue
                }
                rows[id] = row
            }
            report.occurrenceCount = rows.count

            // The chain, and each occurrence's state folded from its events.
            var derived = OccurrenceTable<OccurrenceCache>(capacity: Int(clamping: maxID))
            var previousHash = HashChain.genesis
            var previousSequence: Int64 = 0
            var anchorSeen = false
            func broken(_ f: VerifyReport.Finding) {
                report.brokenLinkCount += 1
                if report.firstBrokenLink == nil { report.firstBrokenLink = f }
            }
            let eventCursor = try EventRow.fetchCursor(db, sql: "SELECT \(EventRow.columns) FROM event ORDER BY seq")
            while let r = try eventCursor.next() {
                let seq = r.sequence
                let occurrence = r.occurrence
                let type = r.type
                let at = r.at
                let channel = r.channel
                let storedHash = r.hash
                report.eventCount += 1
                defer {
                    previousHash = storedHash
                    previousSequence = seq
                }
                if seq != previousSequence + 1 {
                    let missing =
                        seq == previousSequence + 2
                        ? "event \(previousSequence + 1) is missing" : "events \(previousSequence + 1)–\(seq - 1) are missing"
                    broken(.init(sequence: seq, message: "\(missing): the log was cut"))
                }
                if let anchor, anchor.sequence == seq {
                    anchorSeen = true
                    if Hex.encode(storedHash) != anchor.hash.lowercased() {
                        note(.init(sequence: seq, message: "does not have the anchored hash \(anchor.hash): the log up to it was rewritten"))
                    }
                }
                guard let occurrence, let type, let at, let channel else {
                    broken(.init(sequence: seq, message: "has missing values"))
                    continue
                }
                guard let row = rows[occurrence] else {
                    broken(.init(sequence: seq, occurrence: occurrence, message: "belongs to occurrence #\(occurrence), which is not in the ledger"))
                    continue
                }
                let content = EventContent(
                    sequence: seq, type: type, at: at, channel: channel, answer: r.answer, note: r.note,
                    notificationID: r.notificationID, until: r.until, importSource: r.importSource,
                    importFile: r.importFile, importSHA256: r.importSHA256, value: r.value, noteSalt: r.noteSalt)
                let expected = HashChain.link(previous: previousHash, row.identity, content)
                if expected != storedHash {
                    broken(
                        .init(
                            sequence: seq, occurrence: occurrence,
                            message:
                                "hash mismatch: this \(type) event of \(row.identity.item) on \(DayNumber.day(row.identity.day)) (occurrence #\(occurrence)), or that occurrence, was changed after it was written"
                        ))
                }
                let isFirst = derived[occurrence] == nil
                var cache = derived[occurrence] ?? OccurrenceCache()
                do {
                    try cache.apply(content, isFirst: isFirst)
                } catch {
                    note(.init(sequence: seq, occurrence: occurrence, message: "is not a valid \(type) event (\(error))"))
                }
                derived[occurrence] = cache
            }
            if report.eventCount > 0 {
                report.headSequence = previousSequence
                report.headHash = Hex.encode(previousHash)
            }
            if let anchor, !anchorSeen {
                note(.init(sequence: anchor.sequence, message: "the anchored event is not in the log: the log was cut"))
            }
            let plans = try walkPlanChain(db)
            report.planVersionCount = plans.count
            report.planHeadSequence = plans.headSequence
            report.planHeadHash = plans.headHash
            plans.findings.forEach(note)

            for id in rows.ids {
                let row = rows[id]!
                guard let fromEvents = derived[id] else {
                    note(.init(occurrence: id, message: "has no events: it was added outside trustd"))
                    continue
                }
                if fromEvents != row.cache {
                    note(.init(occurrence: id, message: "its stored state disagrees with its events (\(describe(row.cache, fromEvents)))"))
                }
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            // Damaged pages: report what could be read, never stop at an exception.
            report.firstBrokenLink = report.firstBrokenLink
                ?? .init(message: "the ledger could not be read to the end: \(error.message ?? "corrupt")")
            report.brokenLinkCount += 1
            note(.init(message: "only part of the ledger could be checked: the rest is unreadable"))
            if report.integrity == ["ok"] { report.integrity = [error.message ?? "corrupt"] }
        }
        return report
    }

    /// The plan log: each row's link from the one before it, its plan hash against its summary,
    /// and its summary readable.
    private func walkPlanChain(_ db: Database) throws -> (
        count: Int, headSequence: Int64, headHash: String?, findings: [VerifyReport.Finding]
    ) {
        var count = 0
        var findings: [VerifyReport.Finding] = []
        func note(_ f: VerifyReport.Finding) { findings.append(f) }
        var previousHash = PlanChain.genesis
        var previousSequence: Int64 = 0
        let cursor = try Row.fetchCursor(db, sql: "SELECT \(PlanVersionRow.columns) FROM plan_version ORDER BY seq")
        while let raw = try cursor.next() {
            let r = PlanVersionRow(raw)
            count += 1
            defer {
                previousHash = r.hash
                previousSequence = r.sequence
            }
            let name = "plan version \(r.sequence)"
            if r.sequence != previousSequence + 1 {
                let missing =
                    r.sequence == previousSequence + 2
                    ? "plan version \(previousSequence + 1) is missing" : "plan versions \(previousSequence + 1)–\(r.sequence - 1) are missing"
                note(.init(message: "\(name): \(missing): the plan log was cut"))
            }
            guard let at = r.at, let planHash = r.planHash, let summary = r.summary else {
                note(.init(message: "\(name): has missing values"))
                continue
            }
            let expected = PlanChain.link(
                previous: previousHash, sequence: r.sequence, at: at, planHash: planHash, summary: summary)
            if expected != r.hash {
                note(.init(message: "\(name): hash mismatch: this plan version, recorded \(Millis.date(at)), was changed after it was written"))
            }
            if PlanChain.planHash(Array(summary.utf8)) != planHash {
                note(.init(message: "\(name): its plan hash does not match its summary: the summary was edited"))
            }
            if PlanVersion.decode(json: Array(summary.utf8)) == nil {
                note(.init(message: "\(name): its summary is not a plan summary trustd can read"))
            }
        }
        return (count, count > 0 ? previousSequence : 0, count > 0 ? Hex.encode(previousHash) : nil, findings)
    }

    private func describe(_ stored: OccurrenceCache, _ events: OccurrenceCache) -> String {
        var parts: [String] = []
        if stored.state != events.state { parts.append("state '\(stored.state)', events say '\(events.state)'") }
        if stored.note != events.note { parts.append("note \(stored.note.map { "'\($0)'" } ?? "none"), events say \(events.note.map { "'\($0)'" } ?? "none")") }
        if stored.answeredAt != events.answeredAt { parts.append("answer time differs") }
        if stored.answerChannel != events.answerChannel { parts.append("answer channel differs") }
        if stored.promptedAt != events.promptedAt || stored.promptCount != events.promptCount {
            parts.append("prompts differ")
        }
        if stored.notificationID != events.notificationID { parts.append("notification id differs") }
        if stored.snoozedUntil != events.snoozedUntil { parts.append("snooze differs") }
        return parts.joined(separator: "; ")
    }
}

/// A map from occurrence id to `Value`: an array for the dense ids 1…capacity, a dictionary for
/// anything else (ids a tampered file may contain).
struct OccurrenceTable<Value> {
    private var dense: [Value?]
    private var sparse: [Int64: Value] = [:]
    private(set) var count = 0

    init(capacity: Int) { dense = Array(repeating: nil, count: max(0, min(capacity, 50_000_000)) + 1) }

    subscript(id: Int64) -> Value? {
        get { id >= 0 && id < dense.count ? dense[Int(id)] : sparse[id] }
        set {
            if self[id] == nil, newValue != nil { count += 1 }
            if id >= 0 && id < dense.count { dense[Int(id)] = newValue } else { sparse[id] = newValue }
        }
    }

    /// All ids present, ascending.
    var ids: [Int64] {
        dense.indices.filter { dense[$0] != nil }.map(Int64.init) + sparse.keys.sorted()
    }
}
