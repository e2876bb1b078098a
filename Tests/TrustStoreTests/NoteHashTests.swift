// Schema v5 (issue 14): a note enters the hash chain as SHA-256(salt ‖ note) (`trustd-event-3`),
// so the chain can be checked without the note's text; older events keep their canonical form.
import Foundation
import GRDB
import Testing
import TrustCore

@testable import TrustStore

@Suite struct NoteHashTests {
    /// A ledger as schema v3 left it: notes hashed as text (no salt column), written by the same transaction code.
    static func ledgerAtV3(_ path: String, notes: [String]) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v3-void-and-celebrate")
        try queue.write { db in
            try db.execute(sql: "PRAGMA application_id = \(Schema.applicationID)")
            try db.execute(sql: "PRAGMA user_version = 3")
            var tx = try LedgerTransaction(db: db, path: path)
            tx.saltsNotes = false
            let zone = TimeZone(identifier: berlin)!
            for (i, note) in notes.enumerated() {
                let when = instant("2026-11-2\(3 + i)T19:00:00+01:00")
                let o = try tx.schedule(
                    item: "call", kind: .commitment, scheduled: when, zone: berlin, day: DayKey.of(when, in: zone),
                    deadline: when.addingTimeInterval(3600), at: when)
                _ = try tx.answer(occurrence: o.id, answer: .kept, note: note, channel: .terminal, at: when)
            }
        }
        try queue.close()
    }

    private func events(_ store: TrustStore) throws -> [EventRow] {
        try store.writer.read { db in try EventRow.fetchAll(db, sql: "ORDER BY seq") }
    }

    @Test func aNoteIsChainedAsItsSaltedHashNotItsText() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let o = try store.schedule("call", "2026-11-25T21:30:00+01:00")
        try store.answer(occurrence: o.id, answer: .kept, note: "called from the airport", channel: .terminal, at: instant("2026-11-25T21:40:00+01:00"))
        try store.answer(occurrence: o.id, answer: .missed, channel: .terminal, at: instant("2026-11-25T21:50:00+01:00"))
        let rows = try events(store)
        #expect(rows.map(\.noteSalt?.count) == [nil, 32, nil])
        let identity = OccurrenceIdentity(
            id: o.id, item: "call", kind: "commitment", scheduled: Millis.from(o.scheduled), zone: berlin,
            day: DayNumber.from(o.day), deadline: Millis.from(o.deadline))
        let noted = rows[1]
        let content = EventContent(
            sequence: noted.sequence, type: noted.type!, at: noted.at!, channel: noted.channel!, answer: noted.answer,
            note: noted.note, notificationID: nil, until: nil, noteSalt: noted.noteSalt)
        let canonical = String(decoding: HashChain.canonical(identity, content), as: UTF8.self)
        #expect(canonical.hasPrefix("14:trustd-event-3,"))
        #expect(!canonical.contains("airport"))
        let commitment = HashChain.noteCommitment(salt: noted.noteSalt!, note: "called from the airport")
        #expect(canonical.contains("64:\(commitment),"))
        // The receiver's view: the same hash from the commitment alone, without the text.
        #expect(
            HashChain.link(previous: rows[0].hash, canonical: HashChain.canonical(version: 3, identity, content, noteField: commitment))
                == noted.hash)
        // Events without a note keep version 1.
        #expect(rows[0].noteSalt == nil && rows[2].noteSalt == nil)
        #expect(try store.verify().isIntact)
        // Two equal notes have different salts, so their hashes say nothing about each other.
        let p = try store.schedule("call", "2026-11-26T21:30:00+01:00")
        try store.answer(occurrence: p.id, answer: .kept, note: "called from the airport", channel: .terminal, at: instant("2026-11-26T21:40:00+01:00"))
        #expect(try events(store).last!.noteSalt != noted.noteSalt)
    }

    @Test(arguments: [
        ("UPDATE event SET note = 'called from home' WHERE note IS NOT NULL", "hash mismatch"),
        ("UPDATE event SET note_salt = '00000000000000000000000000000000' WHERE note_salt IS NOT NULL", "hash mismatch"),
        ("UPDATE event SET note_salt = NULL WHERE note_salt IS NOT NULL", "hash mismatch"),
    ])
    func editingANoteOrItsSaltBreaksTheChain(_ sql: String, _ message: String) throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let o = try store.schedule("call", "2026-11-25T21:30:00+01:00")
        try store.answer(occurrence: o.id, answer: .kept, note: "called from the airport", channel: .terminal, at: instant("2026-11-25T21:40:00+01:00"))
        #expect(try store.verify().isIntact)
        let edit = try sqlite3(scratch.ledger, "DROP TRIGGER event_append_only_update; \(sql);")
        #expect(edit.status == 0, "\(edit.output)")
        let report = try TrustStore(path: scratch.ledger, mode: .readOnly).verify()
        #expect(report.firstBrokenLink?.sequence == 2)
        #expect(report.firstBrokenLink?.message.contains(message) == true, "\(report)")
    }

    @Test func aLedgerFromBeforeV5MigratesAndVerifiesWithItsNotesHashedAsText() throws {
        let scratch = Scratch()
        try Self.ledgerAtV3(scratch.ledger, notes: ["yes", "late but yes"])
        let store = try TrustStore(path: scratch.ledger, mode: .readWrite)  // migrates
        #expect(try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        let old = try events(store)
        #expect(old.count == 4 && old.allSatisfy { $0.noteSalt == nil })
        #expect(try store.verify().isIntact)
        // New notes after the migration are salted; the old ones keep `trustd-event-1`.
        let o = try store.schedule("call", "2026-11-27T19:00:00+01:00")
        try store.answer(occurrence: o.id, answer: .kept, note: "yes again", channel: .terminal, at: instant("2026-11-27T19:10:00+01:00"))
        #expect(try events(store).last?.noteSalt != nil)
        let report = try store.verify()
        #expect(report.isIntact, "\(report)")
        #expect(report.eventCount == 6)
        // The triggers stand after the migration.
        #expect(throws: (any Error).self) { try store.writer.write { db in try db.execute(sql: "UPDATE event SET note = 'x'") } }
    }

    @Test func importedNotesAreSaltedToo() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let batch = ImportBatch(
            source: .habitctl, file: "log", sha256: String(repeating: "a", count: 64), zone: TimeZone(identifier: berlin)!,
            dayStart: .midnight, at: instant("2026-11-27T19:00:00+01:00"),
            items: [
                .init(
                    item: "walk", kind: .commitment,
                    checkIns: [
                        .init(day: DayKey(year: 2026, month: 11, day: 20), answer: .kept, note: "in the rain", value: nil),
                        .init(day: DayKey(year: 2026, month: 11, day: 21), answer: .kept, note: nil, value: nil),
                    ])
            ])
        try store.recordImport(batch)
        let rows = try events(store)
        #expect(rows.map { $0.noteSalt != nil } == [false, true, false, false])
        #expect(try store.verify().isIntact)
    }

    /// A page with nothing but the two data elements: the verifier's checks without TrustReport's page.
    static func bare(_ digest: WeekDigest, _ json: String, _ signature: String, _ fingerprint: String) -> String {
        WeekDigest.scriptOpen(id: WeekDigest.dataElementID) + json + "</script>\n" + WeekDigest.scriptOpen(id: WeekDigest.signatureElementID)
            + signature + "</script>\n"
    }

    @Test func aWeekWithNotesFromBeforeV5IsSharedOnlyWithThemAndThenVerifies() throws {
        let scratch = Scratch()
        try Self.ledgerAtV3(scratch.ledger, notes: ["yes", "late but yes"])  // 2026-11-23 and 24
        let store = try TrustStore(path: scratch.ledger, mode: .readWrite)
        let o = try store.schedule("call", "2026-11-25T19:00:00+01:00")
        try store.answer(occurrence: o.id, answer: .missed, note: "sorry", channel: .terminal, at: instant("2026-11-25T19:10:00+01:00"))
        let monday = DayKey(year: 2026, month: 11, day: 23)
        func digest(withNotes: Bool) throws -> WeekDigest {
            try store.digest(
                weekStart: monday, weekEnd: monday.adding(days: 6), zone: TimeZone(identifier: berlin)!, dayStart: .midnight,
                createdAt: instant("2026-12-01T10:00:00+01:00"), withNotes: withNotes, items: [], planChanges: [])
        }
        #expect(throws: DigestRefusal.self) { try digest(withNotes: false) }
        do { _ = try digest(withNotes: false) } catch {
            #expect("\(error)".contains("2 notes written before trustd hashed notes (schema v5; first: event 2)"), "\(error)")
            #expect("\(error)".contains("trustctl share --with-notes"))
        }
        let d = try digest(withNotes: true)
        #expect(d.events.map(\.form) == [1, 1, 1, 1, 1, 3])
        #expect(d.events.map(\.note) == [nil, "yes", nil, "late but yes", nil, "sorry"])
        #expect(d.chain.startSequence == 0 && d.chain.startHash == String(repeating: "0", count: 64))
        #expect(d.chain.endHash == (try store.verify().headHash))
        let key = try ShareKey.load(at: scratch.path + "/state/trust/" + ShareKey.fileName, create: true).key
        let signed = try key.sign(d)
        let page = Self.bare(d, signed.json, signed.signatureJSON, key.fingerprint)
        let verified = try DigestVerifier.verify(page: page, render: Self.bare, pin: key.publicKeyBase64)
        #expect(verified.signed.digest == d)
        // An old note changed: its text is what the chain hashed, so the event's hash no longer matches.
        var edited = d
        edited.events[1].note = "no"
        let forged = try key.sign(edited)
        #expect(throws: DigestFailure.eventRewritten(sequence: 2)) {
            try DigestVerifier.verify(page: Self.bare(edited, forged.json, forged.signatureJSON, ""), render: Self.bare)
        }
        // An old note withheld as a hash: the chain cannot be checked, and the verifier says so.
        edited = d
        edited.events[1].note = nil
        edited.events[1].noteHash = String(repeating: "1", count: 64)
        let withheld = try key.sign(edited)
        #expect(throws: DigestFailure.noteWithheld(sequence: 2)) {
            try DigestVerifier.verify(page: Self.bare(edited, withheld.json, withheld.signatureJSON, ""), render: Self.bare)
        }
    }
}
