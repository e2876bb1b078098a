// `trustctl share`: one week of the ledger read for a signed digest: the chain's head before and
// after the week, every event in between as its hash covers it, and each check-in of the week.
import Foundation
import GRDB
import TrustCore

/// Why a digest of the week cannot be written.
public struct DigestRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension TrustStore {
    /// The digest of the week `weekStart` (a Monday) to `weekEnd` (its Sunday), days starting at
    /// `dayStart` in `zone`.
    ///
    /// The week's events run from the first event recorded (`at`) at or after the week's first
    /// instant up to the one before the first event recorded at or after the instant after it (the
    /// log up to now when there is none yet): consecutive weeks share their boundary head, so one
    /// digest's end head is the next one's start head. Its check-ins are the occurrences of the
    /// week's days, as of the end head.
    ///
    /// `items`: each promise's figures (streak, skips) from the whole ledger, check-ins empty; the
    /// builder fills the check-ins and adds any item only the ledger knows. `planChanges` are put in
    /// as given. Without `withNotes` a note is carried as its salted hash only, and a week holding a
    /// note written before schema v5 (whose text is in the chain) is refused.
    public func digest(
        weekStart: DayKey, weekEnd: DayKey, zone: TimeZone, dayStart: TimeOfDay, createdAt: Date, withNotes: Bool,
        items: [DigestItem], planChanges: [DigestPlanChange]
    ) throws -> WeekDigest {
        var starts = DayStarts(zone: zone, dayStart: dayStart)
        let from = starts.start(of: weekStart)
        let to = starts.start(of: weekEnd.adding(days: 1))
        do {
            return try writer.read { db in try digest(db, from: from, to: to, weekStart: weekStart, weekEnd: weekEnd, zone: zone,
                createdAt: createdAt, withNotes: withNotes, items: items, planChanges: planChanges) }
        } catch let refusal as DigestRefusal {
            throw refusal
        } catch {
            throw StoreError.wrap(error, path: path, busyTimeout: Self.busyTimeout)
        }
    }

    private func digest(
        _ db: Database, from: Int64, to: Int64, weekStart: DayKey, weekEnd: DayKey, zone: TimeZone, createdAt: Date,
        withNotes: Bool, items: [DigestItem], planChanges: [DigestPlanChange]
    ) throws -> WeekDigest {
            // The longest stretch of the log recorded entirely before `instant`: ends before the first
            // event recorded at or after it. An answer entered later for an earlier time (`trustctl
            // answer --at`) comes after that event in the log, so it does not move a boundary that
            // a digest already showed.
            func head(before instant: Int64) throws -> (Int64, [UInt8]) {
                guard
                    let row = try Row.fetchOne(
                        db,
                        sql: """
                            SELECT seq, hash FROM event
                            WHERE seq = coalesce((SELECT min(seq) FROM event WHERE at >= ?) - 1, (SELECT max(seq) FROM event))
                            """,
                        arguments: [instant])
                else { return (0, HashChain.genesis) }
                return (row[0], [UInt8](row[1] as Data))
            }
            let (startSequence, startHash) = try head(before: from)
            var (endSequence, endHash) = try head(before: to)
            if endSequence < startSequence { (endSequence, endHash) = (startSequence, startHash) }

            let rows = try EventRow.fetchAll(db, sql: "WHERE seq > ? AND seq <= ? ORDER BY seq", [startSequence, endSequence])
            let unhashedNotes = rows.filter { $0.note != nil && $0.noteSalt == nil }
            if !withNotes, let first = unhashedNotes.first {
                throw DigestRefusal(
                    message:
                        "the week holds \(unhashedNotes.count) note\(unhashedNotes.count == 1 ? "" : "s") written before trustd hashed notes (schema v5; first: event \(first.sequence)): their text is part of the hash chain, so the week can only be checked with them. Run `trustctl share --with-notes` to share them, or share a later week"
                )
            }
            var events: [DigestEvent] = []
            events.reserveCapacity(rows.count)
            for r in rows {
                guard let occurrence = r.occurrence, let type = r.type, let at = r.at, let channel = r.channel else {
                    throw StoreError.corrupt(path: path, detail: "event \(r.sequence) has missing values; run `trustctl verify`")
                }
                let content = EventContent(
                    sequence: r.sequence, type: type, at: at, channel: channel, answer: r.answer, note: r.note,
                    notificationID: r.notificationID, until: r.until, importSource: r.importSource, importFile: r.importFile,
                    importSHA256: r.importSHA256, value: r.value, noteSalt: r.noteSalt)
                let form = content.canonicalVersion
                let hashed = form == 3 ? r.note.map { HashChain.noteCommitment(salt: r.noteSalt!, note: $0) } : nil
                events.append(
                    DigestEvent(
                        sequence: r.sequence, occurrence: occurrence, form: form, type: type, at: at, channel: channel,
                        answer: r.answer, note: withNotes || form < 3 ? r.note : nil,
                        noteSalt: withNotes && r.note != nil ? r.noteSalt : nil, noteHash: hashed,
                        notificationID: r.notificationID, until: r.until, importSource: r.importSource,
                        importFile: r.importFile, importSHA256: r.importSHA256, value: r.value.map { String(describing: $0) },
                        hash: Hex.encode(r.hash)))
            }

            // The occurrences the events belong to, and those of the week's days.
            let firstDay = DayNumber.from(weekStart)
            let lastDay = DayNumber.from(weekEnd)
            let referenced = Set(events.map(\.occurrence))
            let occurrenceRows = try OccurrenceRow.fetchAll(
                db, path: path, sql: "WHERE day BETWEEN ? AND ? ORDER BY scheduled, id", [firstDay, lastDay])
            var identities: [Int64: OccurrenceIdentity] = [:]
            for o in occurrenceRows { identities[o.identity.id] = o.identity }
            let missing = referenced.filter { identities[$0] == nil }.sorted()
            for id in missing {
                guard let o = try OccurrenceRow.fetchOne(db, path: path, where: "id = ?", [id]) else {
                    throw StoreError.corrupt(path: path, detail: "an event belongs to occurrence #\(id), which is missing; run `trustctl verify`")
                }
                identities[id] = o.identity
            }
            let occurrences = referenced.sorted().map { id in
                let o = identities[id]!
                return DigestOccurrence(
                    id: o.id, item: o.item, kind: o.kind, scheduled: o.scheduled, zone: o.zone, day: o.day, deadline: o.deadline)
            }

            // Each check-in of the week as of the end head: its events folded, late answers and corrections marked.
            var byItem: [String: [DigestCheckIn]] = [:]
            var kinds: [String: String] = [:]
            for o in occurrenceRows {
                let history = try EventRow.fetchAll(
                    db, sql: "WHERE occurrence = ? AND seq <= ? ORDER BY seq", [o.identity.id, endSequence])
                guard !history.isEmpty else { continue }  // entered after the week's end head
                var cache = OccurrenceCache()
                var late = false
                var corrected = false
                var wasUnanswered = false
                for (i, r) in history.enumerated() {
                    let content = EventContent(
                        sequence: r.sequence, type: r.type ?? "", at: r.at ?? 0, channel: r.channel ?? "", answer: r.answer,
                        note: r.note, notificationID: r.notificationID, until: r.until)
                    do { try cache.apply(content, isFirst: i == 0) } catch {
                        throw StoreError.corrupt(path: path, detail: "event \(r.sequence) is not valid (\(error)); run `trustctl verify`")
                    }
                    switch r.type {
                    case "unanswered": wasUnanswered = true
                    case "answered": late = late || wasUnanswered || (r.at ?? 0) > o.identity.deadline
                    case "corrected": corrected = true
                    default: break
                    }
                }
                kinds[o.identity.item] = o.identity.kind
                let localZone = TimeZone(identifier: o.identity.zone) ?? zone
                let scheduledLocal = LocalTime(Millis.date(o.identity.scheduled), in: localZone)
                let answeredLocal = cache.answeredAt.map { LocalTime(Millis.date($0), in: localZone) }
                byItem[o.identity.item, default: []].append(
                    DigestCheckIn(
                        occurrence: o.identity.id, day: DayNumber.day(o.identity.day).description, scheduled: o.identity.scheduled,
                        state: cache.state, answeredAt: cache.answeredAt,
                        time: Self.hourMinute(scheduledLocal.timeOfDay),
                        answeredLocal: answeredLocal.map {
                            "\($0.day.weekdayAbbreviation) \($0.day.day) \(Self.monthAbbreviations[$0.day.month - 1]) \(Self.hourMinute($0.timeOfDay))"
                        }, late: late, corrected: corrected,
                        hasNote: cache.note != nil, note: withNotes ? cache.note : nil))
            }
            var result = items
            for i in result.indices { result[i].checkIns = byItem.removeValue(forKey: result[i].item) ?? [] }
            for (item, checkIns) in byItem.sorted(by: { $0.key < $1.key }) {
                result.append(
                    DigestItem(
                        item: item, kind: kinds[item] ?? "commitment", title: nil, checkIns: checkIns, streak: 0, bestStreak: 0,
                        skipsUsed: 0, skipsLeft: 0))
            }
            return WeekDigest(
                weekStart: weekStart, weekEnd: weekEnd, zone: zone.identifier, createdAt: Millis.from(createdAt),
                withNotes: withNotes,
                chain: DigestChain(
                    startSequence: startSequence, startHash: Hex.encode(startHash), endSequence: endSequence,
                    endHash: Hex.encode(endHash)),
                occurrences: occurrences, events: events, items: result, planChanges: planChanges)
    }

    static let monthAbbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static func hourMinute(_ t: TimeOfDay) -> String { String(t.description.prefix(5)) }
}
