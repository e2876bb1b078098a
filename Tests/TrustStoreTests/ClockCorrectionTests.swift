// Schema v3 (issue 11): a ledger written before it migrates with every row, hash, trigger and
// index kept; check-ins voided by a clock correction and celebrations are on the hash chain.
import Foundation
import GRDB
import Testing
import TrustCore

@testable import TrustStore

@Suite struct ClockCorrectionTests {
    /// A ledger as schema v2 left it (migrated only that far, written by the same transaction code).
    private func ledgerAtV2(_ scratch: Scratch) throws {
        try FileManager.default.createDirectory(atPath: scratch.path + "/state/trust", withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: scratch.ledger)
        try Schema.migrator.migrate(queue, upTo: "v2-import")
        try queue.write { db in
            try db.execute(sql: "PRAGMA application_id = \(Schema.applicationID)")
            try db.execute(sql: "PRAGMA user_version = 2")
            var tx = try LedgerTransaction(db: db, path: scratch.ledger)
            tx.saltsNotes = false  // no note_salt column before schema v5
            let zone = TimeZone(identifier: berlin)!
            for (i, iso) in ["2026-11-24T19:00:00+01:00", "2026-11-25T19:00:00+01:00", "2026-11-26T19:00:00+01:00"].enumerated() {
                let when = instant(iso)
                let o = try tx.schedule(
                    item: "call", kind: .commitment, scheduled: when, zone: berlin, day: DayKey.of(when, in: zone),
                    deadline: when.addingTimeInterval(3600), at: when)
                if i == 0 { _ = try tx.answer(occurrence: o.id, answer: .kept, note: "yes", channel: .terminal, at: when) }
                if i == 1 { _ = try tx.markUnanswered(occurrence: o.id, channel: .catchUp, at: when) }
            }
        }
        try queue.close()
    }

    private func schemaObjects(_ store: TrustStore) throws -> [String] {
        try store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT type || ' ' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY 1")
        }
    }

    @Test func aV2LedgerMigratesKeepingRowsHashesTriggersAndIndexes() throws {
        let scratch = Scratch()
        try ledgerAtV2(scratch)
        let before = try TrustStore(path: scratch.ledger, mode: .readWrite)  // migrates
        #expect(try before.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        let report = try before.verify()
        #expect(report.isIntact, "\(report)")
        #expect(report.eventCount == 5)
        #expect(try before.history().map(\.occurrence.state).sorted { $0.rawValue < $1.rawValue } == [.kept, .pending, .unanswered])
        let objects = try schemaObjects(before)
        for name in TrustStore.triggers { #expect(objects.contains("trigger \(name)"), "\(objects)") }
        for name in ["occurrence_once", "occurrence_pending", "occurrence_scheduled", "occurrence_report", "event_occurrence", "event_imported"] {
            #expect(objects.contains("index \(name)"), "\(objects)")
        }
        #expect(!objects.contains { $0.hasSuffix("_v3") })
        // The log is still append-only.
        #expect(throws: (any Error).self) { try before.writer.write { db in try db.execute(sql: "DELETE FROM event") } }
    }

    /// Voiding: only never-answered check-ins after `now`; on the chain; out of the figures; the
    /// instant can be entered again, once.
    @Test func voidingKeepsAnswersIsChainedAndFreesTheInstant() throws {
        let scratch = Scratch()
        try ledgerAtV2(scratch)
        let store = try TrustStore(path: scratch.ledger, mode: .readWrite)
        // The clock came back to before all three.
        let now = instant("2026-11-24T18:00:00+01:00")
        let voided = try store.transaction { tx in try tx.voidScheduled(after: now, channel: .daemon, at: now) }
        #expect(voided.map(\.state) == [.voided, .voided])
        let states = try store.history().sorted { $0.occurrence.id < $1.occurrence.id }.map(\.occurrence.state)
        #expect(states == [.kept, .voided, .voided])
        #expect(try store.records(items: nil, since: nil).map(\.state) == [.kept])
        #expect(try store.lastScheduled(item: "call") == instant("2026-11-24T19:00:00+01:00"))
        #expect(try store.openOccurrences().isEmpty)
        #expect(try store.verify().isIntact)
        // 25 Nov 19:00 comes again: entered anew, once.
        let again = try store.schedule("call", "2026-11-25T19:00:00+01:00")
        #expect(again.state == .pending && !voided.map(\.id).contains(again.id))
        #expect(try store.schedule("call", "2026-11-25T19:00:00+01:00").id == again.id)
        #expect(try store.verify().isIntact)
    }

    @Test func aCelebrationIsOnTheChainAndCheckedOnce() throws {
        let scratch = Scratch()
        try ledgerAtV2(scratch)
        let store = try TrustStore(path: scratch.ledger, mode: .readWrite)
        let first = try #require(try store.history().map(\.occurrence).min { $0.id < $1.id })
        try store.transaction { tx in
            #expect(try !tx.wasCelebrated(occurrence: first.id, streak: 7))
            _ = try tx.recordCelebrated(occurrence: first.id, streak: 7, channel: .daemon, at: Date())
            #expect(try tx.wasCelebrated(occurrence: first.id, streak: 7))
            #expect(try !tx.wasCelebrated(occurrence: first.id, streak: 14))
        }
        let event = try #require(try store.events(occurrence: first.id).last)
        #expect(event.type == .celebrated && event.streak == 7)
        #expect(try store.occurrence(id: first.id)?.state == .kept)
        #expect(try store.verify().isIntact)
        // Changing the streak breaks the chain.
        try store.writer.write { db in
            try db.execute(sql: "DROP TRIGGER event_append_only_update")
            try db.execute(sql: "UPDATE event SET value = 8 WHERE type = 'celebrated'")
        }
        #expect(try !store.verify().chainOK)
    }
}
