// Files, bad files, refused writes, tampering and concurrent writers, on real SQLite files.
import Foundation
import GRDB
import Testing
import TrustCore
import TrustTestSupport

@testable import TrustStore

private func sha(_ path: String) throws -> Data {
    try Data(contentsOf: URL(fileURLWithPath: path))
}

private func mode(_ path: String) -> Int? { FileSystem.mode(path) }

@Suite struct FileSafetyTests {
    @Test func directoriesArePrivateAndFilesTooIncludingWALAndSHM() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        #expect(mode(scratch.path + "/state") == 0o700)
        #expect(mode(scratch.path + "/state/trust") == 0o700)
        for suffix in ["", "-wal", "-shm"] {
            #expect(FileSystem.exists(scratch.ledger + suffix), "\(suffix)")
            #expect(mode(scratch.ledger + suffix) == 0o600, "ledger.sqlite\(suffix)")
        }
    }

    @Test func readersGetAHelpfulErrorWhenThereIsNoLedgerYet() throws {
        let scratch = Scratch()
        for mode in [TrustStore.Mode.readOnly, .readWrite] {
            #expect(throws: StoreError.missing(path: scratch.ledger)) { try TrustStore(path: scratch.ledger, mode: mode) }
        }
        #expect(!FileSystem.exists(scratch.ledger), "readers never create it")
        #expect(StoreError.missing(path: "/x/ledger.sqlite").description.contains("no ledger yet at /x/ledger.sqlite; trustd creates it"))
        // An empty file is no ledger either, for readers; trustd initializes it.
        try FileManager.default.createDirectory(atPath: scratch.path + "/state/trust", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: scratch.ledger, contents: Data())
        #expect(throws: StoreError.missing(path: scratch.ledger)) { try TrustStore(path: scratch.ledger, mode: .readOnly) }
        let store = try TrustStore(path: scratch.ledger, mode: .create)
        try store.schedule("x", "2026-11-25T21:30:00+01:00")
        #expect(try TrustStore(path: scratch.ledger, mode: .readOnly).counts().occurrences == 1)
    }

    @Test func aFileThatIsNotSQLiteIsRefusedAndLeftUntouched() throws {
        let scratch = Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path + "/state/trust", withIntermediateDirectories: true)
        let junk = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        try junk.write(to: URL(fileURLWithPath: scratch.ledger))
        for mode in [TrustStore.Mode.create, .readWrite, .readOnly] {
            #expect(throws: StoreError.notADatabase(path: scratch.ledger)) { try TrustStore(path: scratch.ledger, mode: mode) }
        }
        #expect(try sha(scratch.ledger) == junk)
        #expect(!FileSystem.exists(scratch.ledger + "-wal"))
    }

    @Test func anotherProgramsDatabaseIsRefusedAndLeftUntouched() throws {
        let scratch = Scratch()
        try FileManager.default.createDirectory(atPath: scratch.path + "/state/trust", withIntermediateDirectories: true)
        do {
            let other = try DatabaseQueue(path: scratch.ledger)
            try other.write { db in
                try db.execute(sql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine')")
            }
            try other.close()
        }
        let before = try sha(scratch.ledger)
        for mode in [TrustStore.Mode.create, .readWrite, .readOnly] {
            #expect(throws: StoreError.notATrustStore(path: scratch.ledger)) { try TrustStore(path: scratch.ledger, mode: mode) }
        }
        #expect(try sha(scratch.ledger) == before, "not converted to WAL, not migrated")
        #expect(!FileSystem.exists(scratch.ledger + "-wal"))
    }

    @Test func aLedgerFromANewerTrustdIsRefusedNotMigratedDown() throws {
        let scratch = Scratch()
        do {
            let store = try TrustStore(path: scratch.ledger)
            try store.schedule("x", "2026-11-25T21:30:00+01:00")
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations VALUES ('v2-from-the-future')")
                try db.execute(sql: "PRAGMA user_version = \(Schema.version + 1)")
            }
        }
        for mode in [TrustStore.Mode.create, .readWrite, .readOnly] {
            #expect(throws: StoreError.newerSchema(path: scratch.ledger, found: Schema.version + 1, supported: Schema.version)) {
                try TrustStore(path: scratch.ledger, mode: mode)
            }
        }
        // Also when only the migrations table says so.
        let q = try DatabaseQueue(path: scratch.ledger)
        try q.write { db in try db.execute(sql: "PRAGMA user_version = \(Schema.version)") }
        try q.close()
        #expect(throws: StoreError.self) { try TrustStore(path: scratch.ledger, mode: .readWrite) }
    }

    @Test func anOlderLedgerIsUpgradedByWritersAndReadersSaySo() throws {
        let scratch = Scratch()
        do {
            let store = try TrustStore(path: scratch.ledger)
            try store.schedule("x", "2026-11-25T21:30:00+01:00")
            try store.writer.write { db in try db.execute(sql: "PRAGMA user_version = 0") }
        }
        #expect(throws: StoreError.olderSchema(path: scratch.ledger, found: 0, supported: Schema.version)) {
            try TrustStore(path: scratch.ledger, mode: .readOnly)
        }
        #expect(StoreError.olderSchema(path: "/p", found: 0, supported: 1).description.contains("start trustd"))
        let writer = try TrustStore(path: scratch.ledger, mode: .readWrite)
        #expect(try writer.counts().occurrences == 1)
        let reader = try TrustStore(path: scratch.ledger, mode: .readOnly)
        #expect(try reader.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") } == Schema.version)
        #expect(try reader.verify().isIntact)
    }

    /// A ledger of 400 answered check-ins with notes (about 40 pages), checkpointed into the file.
    private func ledgerOfSomePages(_ scratch: Scratch) throws {
        let store = try TrustStore(path: scratch.ledger)
        try store.transaction { tx in
            for i in 0..<400 {
                let when = instant("2026-01-01T21:30:00+01:00").addingTimeInterval(Double(i) * 86400)
                let o = try tx.schedule(
                    item: "evening-call", kind: .commitment, scheduled: when, zone: berlin, day: DayKey.of(when, in: TimeZone(identifier: berlin)!),
                    deadline: when.addingTimeInterval(3600), at: when)
                _ = try tx.answer(occurrence: o.id, answer: .kept, note: String(repeating: "n", count: 200), channel: .terminal, at: when)
            }
        }
        try store.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    /// Writers (trustd's `.create`, `trustctl answer`'s `.readWrite`) check the pages before the
    /// first write and refuse a damaged ledger, saying how to recover; the file keeps every byte.
    @Test func writersRefuseALedgerDamagedPastItsHeaderAndLeaveItByteIdentical() throws {
        let scratch = Scratch()
        try ledgerOfSomePages(scratch)
        let damaged = try overwritePages(of: scratch.ledger)
        for mode in [TrustStore.Mode.create, .readWrite] {
            do {
                _ = try TrustStore(path: scratch.ledger, mode: mode)
                Issue.record("a \(mode) store opened a damaged ledger")
            } catch {
                guard case .damaged(let path, let problems) = error else {
                    Issue.record("\(error)")
                    continue
                }
                #expect(path == scratch.ledger)
                #expect(!problems.isEmpty && problems != ["ok"])
                #expect(error.description.contains("trustctl verify --store \(scratch.ledger)"), "\(error)")
                #expect(error.description.contains("trustctl export"), "\(error)")
                #expect(error.description.contains("backup"), "\(error)")
                // One line, SQLite's first findings only.
                #expect(!error.description.contains("\n") && !error.description.contains("***"), "\(error)")
                #expect(error.description.contains("Page "), "\(error)")
            }
            #expect(try sha(scratch.ledger) == damaged, "\(mode): not a byte changed")
        }
        // Readers still open it, for verify and export to save what can be read.
        #expect(!(try TrustStore(path: scratch.ledger, mode: .readOnly).verify().integrityOK))
        #expect(try sha(scratch.ledger) == damaged)
    }

    @Test func anIntactLedgerPassesTheWritersCheck() throws {
        let scratch = Scratch()
        try ledgerOfSomePages(scratch)
        let store = try TrustStore(path: scratch.ledger, mode: .readWrite)
        #expect(try store.counts().occurrences == 400)
    }

    @Test func aCorruptLedgerIsReportedNotRepaired() throws {
        let scratch = Scratch()
        try ledgerOfSomePages(scratch)
        // Overwrite a few pages in the middle of the file (not the header).
        let damaged = try overwritePages(of: scratch.ledger)

        // Readers open it (the damage is not on the first page) and verify reports it.
        let store = try TrustStore(path: scratch.ledger, mode: .readOnly)
        let report = try store.verify()
        #expect(!report.integrityOK)
        #expect(!report.isIntact)
        #expect(report.integrity.contains { $0.contains("malformed") || $0.contains("Page") }, "\(report.integrity)")
        // Writers refuse to touch it only where it is damaged; nothing is ever "repaired".
        #expect(StoreError.corrupt(path: "/p", detail: "x").description.contains("left untouched"))
        #expect(try sha(scratch.ledger) == damaged, "never rewritten")
    }
}

@Suite struct RefusedWriteTests {
    @Test func aFullDiskRefusesTheAnswerAndSaysSo() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let o = try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        try store.writer.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)")
        }
        let long = String(repeating: "a long note that needs new pages ", count: 2000)
        do {
            try store.answer(occurrence: o.id, answer: .kept, note: long, channel: .terminal, at: instant("2026-11-25T21:40:00+01:00"))
            Issue.record("the answer was accepted")
        } catch {
            guard case .diskFull(let path, _) = error else {
                Issue.record("expected .diskFull, got \(error)")
                return
            }
            #expect(path == scratch.ledger)
            #expect(error.description.contains("nothing was recorded"))
        }
        // Not recorded, and the ledger is still sound.
        let reader = try TrustStore(path: scratch.ledger, mode: .readOnly)
        #expect(try reader.occurrence(id: o.id)?.state == .pending)
        #expect(try reader.verify().isIntact)
        #expect(StoreError.diskFull(path: "/p", freeBytes: 0).description.contains("the disk is full"))
    }

    @Test func aReadOnlyConnectionRefusesTheAnswerAndSaysSo() throws {
        // We run as root, so file modes cannot make the file read-only here; Tests/Scripts/store-readonly.sh
        // does that as an unprivileged user. Here: SQLite's own read-only refusal (query_only) and a
        // read-only open.
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let o = try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        try store.writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA query_only = 1") }
        do {
            try store.answer(occurrence: o.id, answer: .kept, channel: .terminal, at: instant("2026-11-25T21:40:00+01:00"))
            Issue.record("the answer was accepted")
        } catch {
            guard case .readOnly(let path, _) = error else {
                Issue.record("expected .readOnly, got \(error)")
                return
            }
            #expect(path == scratch.ledger)
            #expect(error.isWriteRefusal)
        }
        let reader = try TrustStore(path: scratch.ledger, mode: .readOnly)
        #expect(throws: StoreError.self) {
            try reader.answer(occurrence: o.id, answer: .kept, channel: .terminal, at: instant("2026-11-25T21:40:00+01:00"))
        }
        #expect(try reader.occurrence(id: o.id)?.state == .pending)
    }
}

@Suite struct TamperTests {
    /// A small ledger: 3 days of 2 items, answered, one corrected.
    private func makeLedger(_ scratch: Scratch) throws -> TrustStore {
        let store = try TrustStore(path: scratch.ledger)
        for day in 20...22 {
            for item in ["evening-call", "no-phone-dinner"] {
                let o = try store.schedule(ItemID(item), "2026-11-\(day)T21:30:00+01:00")
                try store.recordPrompted(occurrence: o.id, notificationID: NotificationID(UInt32(day)), channel: .notification, at: instant("2026-11-\(day)T21:30:00+01:00"))
                try store.answer(occurrence: o.id, answer: day == 21 ? .missed : .kept, note: day == 21 ? "forgot" : nil, channel: .notification, at: instant("2026-11-\(day)T21:35:00+01:00"))
            }
        }
        let first = try #require(try store.history(item: "evening-call").last)
        try store.answer(occurrence: first.id, answer: .skipped, channel: .terminal, at: instant("2026-11-21T09:00:00+01:00"))
        return store
    }

    @Test func anIntactLedgerVerifiesAndNamesItsHead() throws {
        let scratch = Scratch()
        let store = try makeLedger(scratch)
        let report = try store.verify()
        #expect(report.isIntact, "\(report)")
        #expect(report.eventCount == 6 * 3 + 1)
        #expect(report.occurrenceCount == 6)
        #expect(report.headSequence == 19)
        let head = try #require(report.headHash)
        #expect(head.count == 64)
        #expect(try store.events(after: 18).first?.hashHex == head)
        #expect(try store.verify(anchor: (19, head)).isIntact)
        #expect(try store.verify(anchor: (5, try store.events(after: 4)[0].hashHex)).isIntact)
        #expect(try !store.verify(anchor: (5, head)).isIntact)
        #expect(try !store.verify(anchor: (99, head)).isIntact)
    }

    @Test func theLogCannotBeEditedThroughSQLWhileTheTriggersStand() throws {
        let scratch = Scratch()
        let store = try makeLedger(scratch)
        for sql in [
            "UPDATE event SET answer = 'kept' WHERE seq = 9",
            "DELETE FROM event WHERE seq = 19",
            "DELETE FROM occurrence WHERE id = 1",
            "UPDATE occurrence SET day = 20261124 WHERE id = 1",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") {
                try store.writer.write { db in try db.execute(sql: sql) }
            }
        }
        #expect(try store.verify().isIntact)
    }

    struct Tampering: Sendable, CustomStringConvertible {
        var description: String
        var sql: String
        /// The first broken link's sequence, or nil when only findings are expected.
        var brokenAt: Int64?
        var finding: String?
    }

    static let tamperings: [Tampering] = [
        .init(description: "change an answer", sql: "UPDATE event SET answer = 'kept' WHERE seq = 9;", brokenAt: 9),
        .init(description: "change a note", sql: "UPDATE event SET note = 'called' WHERE seq = 9;", brokenAt: 9),
        .init(description: "backdate an answer", sql: "UPDATE event SET at = at - 86400000 WHERE seq = 3;", brokenAt: 3),
        .init(description: "delete an event", sql: "DELETE FROM event WHERE seq = 12;", brokenAt: 13),
        .init(description: "move an occurrence to another day", sql: "UPDATE occurrence SET day = 20261119 WHERE id = 1;", brokenAt: 1),
        .init(
            description: "rewrite the cached state only",
            sql: "UPDATE occurrence SET state = 'kept' WHERE id = 3;", brokenAt: nil, finding: "state 'kept', events say 'missed'"),
        .init(
            description: "add an occurrence by hand",
            sql: "INSERT INTO occurrence (item, kind, scheduled, zone, day, deadline, state) VALUES ('evening-call', 'commitment', 1, 'UTC', 19700101, 2, 'kept');",
            brokenAt: nil, finding: "has no events"),
    ]

    @Test(arguments: tamperings)
    func editingARowWithTheSQLiteShellIsDetected(_ t: Tampering) throws {
        guard hasSQLite3Shell else {
            Issue.record("sqlite3 is not installed (Scripts/setup installs it)")
            return
        }
        let scratch = Scratch()
        _ = try makeLedger(scratch)
        // An attacker drops the safeguards first.
        let sql = TrustStore.triggers.map { "DROP TRIGGER \($0);" }.joined() + t.sql
        let shell = try sqlite3(scratch.ledger, sql)
        #expect(shell.status == 0, "\(shell.output)")

        let report = try TrustStore(path: scratch.ledger, mode: .readOnly).verify()
        #expect(!report.isIntact)
        #expect(report.integrityOK)
        #expect(report.firstBrokenLink?.sequence == t.brokenAt, "\(report.firstBrokenLink?.description ?? "none")")
        #expect(report.findings.contains { $0.message.contains("append-only safeguard") })
        if let finding = t.finding {
            #expect(report.findings.contains { $0.description.contains(finding) }, "\(report.findings)")
        }
    }
}

@Suite struct ConcurrencyTests {
    @Test func separateConnectionsWriteAndReadAtOnceWithoutLockErrors() async throws {
        let scratch = Scratch()
        let setup = try TrustStore(path: scratch.ledger)
        let base = instant("2026-01-01T21:30:00+01:00")
        let perWriter = 60
        try setup.transaction { tx in
            for w in 0..<3 {
                for i in 0..<perWriter {
                    let when = base.addingTimeInterval(Double(i) * 86400)
                    _ = try tx.schedule(
                        item: ItemID("writer-\(w)"), kind: .commitment, scheduled: when, zone: berlin,
                        day: DayKey.of(when, in: TimeZone(identifier: berlin)!), deadline: when.addingTimeInterval(3600), at: when)
                }
            }
        }
        let path = scratch.ledger
        let late = base.addingTimeInterval(400 * 86400)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for w in 0..<3 {
                group.addTask {
                    // Its own store object: its own SQLite connections, as another process would have.
                    let store = try TrustStore(path: path, mode: .readWrite)
                    for _ in 0..<perWriter {
                        try store.answerNewestOpen(item: ItemID("writer-\(w)"), answer: .kept, channel: .terminal, at: late)
                    }
                    return perWriter
                }
            }
            group.addTask {
                let reader = try TrustStore(path: path, mode: .readOnly)
                var reads = 0
                for _ in 0..<60 {
                    _ = try reader.pending(asOf: late)
                    _ = try reader.records()
                    reads += 1
                }
                return reads
            }
            for try await _ in group {}
        }
        let report = try setup.verify()
        #expect(report.isIntact, "\(report)")
        #expect(report.eventCount == 3 * perWriter * 2)
        #expect(try setup.pending(asOf: late).isEmpty)
        #expect(try setup.records().allSatisfy { $0.state == .kept })
    }
}
