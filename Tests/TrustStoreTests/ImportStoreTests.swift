// Imported history in the ledger: one transaction, chained and verified like every event,
// marked with its source, never replacing trustd's answers; ledgers from before schema v2 migrate
// and keep verifying.
import Foundation
import GRDB
import Testing
import TrustCore

@testable import TrustStore

private func d(_ s: String) -> DayKey { DayKey(s)! }
private let berlinTZ = TimeZone(identifier: "Europe/Berlin")!
private let fileHash = String(repeating: "ab", count: 32)

private func batch(_ checkIns: [ImportCheckIn], item: ItemID = "meditate") -> ImportBatch {
    ImportBatch(
        source: .loop, file: "Loop Habits Backup.db", sha256: fileHash, zone: berlinTZ, dayStart: TimeOfDay(hour: 4, minute: 0),
        at: instant("2026-01-10T12:00:00+01:00"), items: [.init(item: item, kind: .commitment, checkIns: checkIns)])
}

private let threeDays = [
    ImportCheckIn(day: d("2025-03-01"), answer: .kept, note: "calm"),
    ImportCheckIn(day: d("2025-03-02"), answer: .missed),
    ImportCheckIn(day: d("2025-03-30"), answer: .skipped, value: 2.5),  // the day DST starts in Berlin
]

@Suite struct ImportStoreTests {
    @Test func importedCheckInsAreChainedMarkedAndVerify() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let own = try store.schedule("meditate", "2025-03-01T21:00:00+01:00")
        try store.answer(occurrence: own.id, answer: .missed, channel: .terminal, at: instant("2025-03-01T21:05:00+01:00"))

        let result = try store.recordImport(batch(threeDays))
        #expect(result.recorded == 2)
        #expect(result.alreadyThere == 1)  // trustd's own check-in on 03-01 stays
        #expect(try store.verify().isIntact)

        let rows = try store.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.day, o.scheduled, o.deadline, o.state, o.answer_channel, o.note, e.type, e.channel,
                           e.import_source, e.import_file, e.import_sha256, e.value
                    FROM event e JOIN occurrence o ON o.id = e.occurrence WHERE e.channel = 'import' ORDER BY e.seq
                    """)
        }
        #expect(rows.count == 4)
        #expect(rows.map { $0["type"] as String } == ["scheduled", "answered", "scheduled", "answered"])
        // The provenance is on each occurrence's first event.
        #expect(rows.map { $0["import_source"] as String? } == ["loop", nil, "loop", nil])
        #expect(rows.map { $0["import_sha256"] as String? } == [fileHash, nil, fileHash, nil])
        #expect(rows.map { $0["import_file"] as String? } == ["Loop Habits Backup.db", nil, "Loop Habits Backup.db", nil])
        #expect(rows.map { $0["day"] as Int64 } == [20250302, 20250302, 20250330, 20250330])
        #expect(rows.map { $0["state"] as String } == ["missed", "missed", "skipped", "skipped"])
        #expect((rows[3]["value"] as Double?) == 2.5)
        #expect((rows[1]["value"] as Double?) == nil)
        // Each day starts at 04:00 Berlin time (day-starts), the deadline at the next day's start.
        #expect((rows[0]["scheduled"] as Int64) == Int64(instant("2025-03-02T04:00:00+01:00").timeIntervalSince1970 * 1000))
        #expect((rows[2]["scheduled"] as Int64) == Int64(instant("2025-03-30T04:00:00+02:00").timeIntervalSince1970 * 1000))
        #expect((rows[2]["deadline"] as Int64) == Int64(instant("2025-03-31T04:00:00+02:00").timeIntervalSince1970 * 1000))

        let existing = try store.existingDays(items: ["meditate", "other"])
        #expect(existing["meditate"] == [d("2025-03-01"): .recorded, d("2025-03-02"): .imported, d("2025-03-30"): .imported])
        #expect(existing["other"] == [:])
        #expect(
            try store.importedHistory() == [
                ImportedHistorySummary(
                    item: "meditate", source: "loop", file: "Loop Habits Backup.db", sha256: fileHash, days: 2,
                    first: d("2025-03-02"), last: d("2025-03-30"))
            ])
        // The report reads imported check-ins like any other.
        let ledgers = try store.checkInsByItem(items: ["meditate"])
        #expect(ledgers.first?.entries.count == 3)

        // Importing again adds nothing.
        let again = try store.recordImport(batch(threeDays))
        #expect(again.recorded == 0)
        #expect(again.alreadyThere == 3)
    }

    @Test func editingAnImportedEventsSourceBreaksTheChain() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        try store.recordImport(batch(threeDays))
        let sql = """
            DROP TRIGGER event_append_only_update;
            UPDATE event SET import_sha256 = '\(String(repeating: "cd", count: 32))' WHERE seq = 3;
            UPDATE event SET value = 3 WHERE seq = 6;
            """
        #expect(try sqlite3(scratch.ledger, sql).status == 0)
        let report = try TrustStore(path: scratch.ledger, mode: .readOnly).verify()
        #expect(!report.isIntact)
        #expect(report.brokenLinkCount == 2)
        #expect(report.firstBrokenLink?.sequence == 3)
    }

    @Test func aFailureHalfWayRecordsNothing() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        // Stands in for a full disk or any error in the middle of the import.
        let trigger = """
            CREATE TRIGGER fail_half_way BEFORE INSERT ON occurrence WHEN NEW.day = 20250330
            BEGIN SELECT RAISE(ABORT, 'disk full'); END;
            """
        #expect(try sqlite3(scratch.ledger, trigger).status == 0)
        #expect(throws: StoreError.self) { try store.recordImport(batch(threeDays)) }
        #expect(try store.counts() == (0, 0))
        #expect(try store.verify().isIntact)
    }

    @Test func aLedgerFromSchemaV1MigratesAndStillVerifies() throws {
        let scratch = Scratch()
        // Events written by this build without import fields and without a note salt (schema v5)
        // are exactly v1's; copy them into a file that has only the v1 migration, as a ledger from
        // before `trustctl import` would be.
        let source = scratch.path + "/source.sqlite"
        let s = try TrustStore(path: source)
        let o = try s.schedule("meditate", "2025-03-05T21:00:00+01:00")
        try s.transaction { tx in
            tx.saltsNotes = false
            _ = try tx.answer(occurrence: o.id, answer: .kept, note: "ok", channel: .notification, at: instant("2025-03-05T21:01:00+01:00"))
        }
        try s.checkpoint()
        try FileManager.default.createDirectory(atPath: scratch.path + "/state/trust", withIntermediateDirectories: true)
        let v1 = try DatabaseQueue(path: scratch.ledger)
        var migrator = Schema.migrator
        migrator.eraseDatabaseOnSchemaChange = false
        try migrator.migrate(v1, upTo: "v1-ledger")
        try v1.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA application_id = \(Schema.applicationID)")
            try db.execute(sql: "PRAGMA user_version = 1")
            try db.execute(sql: "ATTACH DATABASE ? AS src", arguments: [source])
            try db.execute(sql: "INSERT INTO occurrence SELECT * FROM src.occurrence")
            try db.execute(
                sql: "INSERT INTO event SELECT seq, occurrence, type, at, channel, answer, note, notification_id, until, hash FROM src.event")
            try db.execute(sql: "DETACH DATABASE src")
        }
        try v1.close()
        let columns = try DatabaseQueue(path: scratch.ledger).read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_table_info('event')")
        }
        #expect(columns == 10)

        let migrated = try TrustStore(path: scratch.ledger, mode: .readWrite)
        #expect(try migrated.verify().isIntact)
        try migrated.recordImport(batch(threeDays))
        let report = try migrated.verify()
        #expect(report.isIntact)
        #expect(report.eventCount == 2 + 6)
    }
}

@Suite struct ImportAndTheDaemonTests {
    @Test func catchUpIgnoresImportedHistory() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        try store.recordImport(batch(threeDays))
        // Only imported days: trustd has never scheduled this item, so it starts from now.
        #expect(try store.lastScheduled(item: "meditate") == nil)
        let own = try store.schedule("meditate", "2025-03-10T21:00:00+01:00")
        try store.recordImport(batch([ImportCheckIn(day: d("2025-06-01"), answer: .kept)]))
        #expect(try store.lastScheduled(item: "meditate") == own.scheduled)
    }

    @Test func aCorrectedImportedDayStaysImported() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        try store.recordImport(batch(threeDays))
        let o = try #require(try store.history(item: "meditate", since: nil, limit: 10).first?.occurrence)
        try store.answer(occurrence: o.id, answer: .kept, channel: .terminal, at: instant("2026-01-11T10:00:00+01:00"))
        #expect(try store.existingDays(items: ["meditate"])["meditate"]?[o.day] == .imported)
        #expect(try store.verify().isIntact)
    }
}
