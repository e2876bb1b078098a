// The writers' page check is skipped only for the very file version a check found sound (issue 15).
import Foundation
import GRDB
import Testing
import TrustCore
import TrustTestSupport

@testable import TrustStore

/// A ledger of a few hundred check-ins (some pages), checkpointed, then opened once by a writer:
/// its check ran and is recorded.
private func checkedLedger(_ scratch: Scratch) throws {
    let store = try TrustStore(path: scratch.ledger)
    try store.transaction { tx in
        for i in 0..<400 {
            let when = instant("2026-01-01T21:30:00+01:00").addingTimeInterval(Double(i) * 86400)
            let o = try tx.schedule(
                item: "evening-call", kind: .commitment, scheduled: when, zone: berlin,
                day: DayKey.of(when, in: TimeZone(identifier: berlin)!), deadline: when.addingTimeInterval(3600), at: when)
            _ = try tx.answer(occurrence: o.id, answer: .kept, note: String(repeating: "n", count: 200), channel: .terminal, at: when)
        }
    }
    try store.writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    #expect(PageCheckRecord.read(for: scratch.ledger) == nil, "a new file is not checked, so not recorded")
    _ = try TrustStore(path: scratch.ledger, mode: .readWrite)
}

extension PageCheckRecord {
    /// The ledger's state as a writer observes it, through a connection of its own (SQLite's, so
    /// that no lock of this process is dropped: see `observe(_:through:)`).
    static func observe(_ ledger: String) -> (FileSystem.Identity, UInt32)? {
        withConnection(ledger) { observe(ledger, through: $0) } ?? nil
    }

    static func vouching(for ledger: String, now: Date) -> PageCheckRecord? {
        withConnection(ledger) { vouching(for: ledger, through: $0, now: now) } ?? nil
    }

    private static func withConnection<T>(_ ledger: String, _ body: (Database) -> T) -> T? {
        var config = Configuration()
        config.readonly = true
        guard let queue = try? DatabaseQueue(path: ledger, configuration: config) else { return nil }
        defer { try? queue.close() }
        return queue.inDatabase { body($0) }
    }
}

/// Lets the kernel's file-time clock tick (4 ms at most here): a change within the same tick as the
/// file's last write, keeping its size, is the record's documented blind spot (see `PageCheckRecord`).
private func nextTick() { usleep(20_000) }

private func opens(_ path: String) -> Result<Void, StoreError> {
    do {
        _ = try TrustStore(path: path, mode: .readWrite)
        return .success(())
    } catch {
        return .failure(error)
    }
}

@Suite struct PageCheckRecordTests {
    @Test func aPassedCheckIsRecordedBesideTheLedgerPrivatelyForThisVersionOfTheFile() throws {
        let scratch = Scratch()
        let before = Date()
        try checkedLedger(scratch)
        let record = try #require(PageCheckRecord.read(for: scratch.ledger))
        let (file, counter) = try #require(PageCheckRecord.observe(scratch.ledger))
        #expect(record.file == file && record.changeCounter == counter)
        #expect(abs(Double(record.checkedAt) - before.timeIntervalSince1970) < 60)
        #expect(FileSystem.mode(scratch.ledger + "-checked") == 0o600)
        #expect(PageCheckRecord.vouching(for: scratch.ledger, now: Date()) == record)
        #expect(PageCheckRecord(text: record.text) == record)
    }

    enum Record: String, CaseIterable, Sendable {
        /// None at all.
        case none
        /// The one written before the damage (the damage changed the file's times).
        case fromBeforeTheDamage
        /// One describing the damaged file exactly: only this skips the check.
        case matchingTheFile
        /// Matching, but its check is older than `maxAge`.
        case matchingButOld
        /// Matching, but cut short (a torn write).
        case torn
    }

    /// Damaged after the last check: refused, unless a record vouches for exactly this file (which
    /// shows the record is what skips the check).
    @Test(arguments: Record.allCases)
    func aLedgerDamagedAfterItsLastCheckIsRefusedUnlessTheRecordDescribesItExactly(_ record: Record) throws {
        let scratch = Scratch()
        try checkedLedger(scratch)
        let recordPath = scratch.ledger + "-checked"
        #expect(FileSystem.exists(recordPath))
        nextTick()
        let damaged = try overwritePages(of: scratch.ledger)
        let (file, counter) = try #require(PageCheckRecord.observe(scratch.ledger))
        let now = Int64(Date().timeIntervalSince1970)
        let matching = PageCheckRecord(file: file, changeCounter: counter, checkedAt: now)
        switch record {
        case .none: try FileManager.default.removeItem(atPath: recordPath)
        case .fromBeforeTheDamage: break
        case .matchingTheFile: matching.write(for: scratch.ledger)
        case .matchingButOld:
            PageCheckRecord(file: file, changeCounter: counter, checkedAt: now - Int64(PageCheckRecord.maxAge) - 60).write(for: scratch.ledger)
        case .torn: try String(matching.text.dropLast(9)).write(toFile: recordPath, atomically: false, encoding: .utf8)
        }

        switch opens(scratch.ledger) {
        case .success:
            #expect(record == .matchingTheFile, "a damaged ledger was opened for writing with the record \(record)")
        case .failure(let error):
            #expect(record != .matchingTheFile, "\(error)")
            guard case .damaged = error else {
                Issue.record("\(record): \(error)")
                return
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: scratch.ledger)) == damaged || record == .matchingTheFile)
    }

    /// A writer's own writes keep the record (the file after a checkpoint is the new sound version,
    /// checked at the same time); damage after that is still found.
    @Test func aWritersOwnWritesCarryTheRecordForwardAndLaterDamageIsStillRefused() throws {
        let scratch = Scratch()
        try checkedLedger(scratch)
        let first = try #require(PageCheckRecord.read(for: scratch.ledger))
        let store = try TrustStore(path: scratch.ledger, mode: .readWrite)
        _ = try store.schedule("evening-call", "2027-06-01T21:30:00+02:00")
        try store.checkpoint()
        let (file, counter) = try #require(PageCheckRecord.observe(scratch.ledger))
        #expect(file != first.file, "the checkpoint wrote the file")
        let carried = try #require(PageCheckRecord.vouching(for: scratch.ledger, now: Date()))
        #expect(carried.file == file && carried.changeCounter == counter)
        #expect(carried.checkedAt == first.checkedAt, "the age counts from the check itself")

        nextTick()
        try overwritePages(of: scratch.ledger)
        guard case .failure(.damaged) = opens(scratch.ledger) else {
            Issue.record("damage after the last write was not found")
            return
        }
    }

    /// A change by something else (here: the same bytes written back, which changes the file's
    /// times) is not carried forward by a writer's next write: the next writer checks again.
    @Test func aChangeBySomethingElseIsNotCarriedForward() throws {
        let scratch = Scratch()
        try checkedLedger(scratch)
        let store = try TrustStore(path: scratch.ledger, mode: .readWrite)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: scratch.ledger))
        nextTick()
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: scratch.ledger))
        try handle.write(contentsOf: bytes.prefix(8192))
        try handle.close()
        #expect(PageCheckRecord.vouching(for: scratch.ledger, now: Date()) == nil)

        _ = try store.schedule("evening-call", "2027-06-01T21:30:00+02:00")
        try store.checkpoint()
        #expect(PageCheckRecord.vouching(for: scratch.ledger, now: Date()) == nil)
        // The next writer checks (the file is intact) and records again.
        guard case .success = opens(scratch.ledger) else {
            Issue.record("an intact ledger was refused")
            return
        }
        #expect(PageCheckRecord.vouching(for: scratch.ledger, now: Date()) != nil)
    }

    /// A writer that closes while nothing else has the ledger open leaves no write-ahead log, however
    /// many times it is opened, written, read and closed (as `trustctl answer` is while trustd is
    /// stopped): every answer is in the ledger file itself. Before, a reader connection closed last
    /// (GRDB closes the writer first) and could not remove the log; the next process rebuilt the
    /// log's index by reading all of it, checkpointed all of it again, and the log only grew
    /// (6.6 MB after 150 answers, each answer 27 ms instead of 17 ms: `Benchmarks/bench-writer-check`).
    @Test func aWriterClosingLastLeavesNoWriteAheadLogSoItCannotGrow() throws {
        let scratch = Scratch()
        try checkedLedger(scratch)
        for day in 1...20 {
            let store = try TrustStore(path: scratch.ledger, mode: .readWrite)
            let due = try store.schedule("evening-call", String(format: "2027-07-%02dT21:30:00+02:00", day))
            _ = try store.answer(occurrence: due.id, answer: .kept, note: nil, channel: .terminal, at: due.scheduled)
            #expect(try store.counts().occurrences == 400 + day)  // a read, on a reader connection
        }
        let wal = scratch.ledger + "-wal"
        #expect(!FileSystem.exists(wal), "the write-ahead log is left: \(FileSystem.size(wal) ?? -1) bytes")
        // Everything is in the file alone.
        let copy = scratch.path + "/alone.sqlite"
        try FileManager.default.copyItem(atPath: scratch.ledger, toPath: copy)
        #expect(try TrustStore(path: copy, mode: .readOnly).counts().occurrences == 420)
    }
}
