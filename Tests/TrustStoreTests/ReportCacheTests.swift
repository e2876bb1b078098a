import Foundation
import GRDB
import Testing
import TrustCore
@testable import TrustStore

/// The report's cache beside the ledger (`ledger.sqlite-report`): the report read with it says exactly
/// what it says without it, after any change to the ledger, with a cache of another ledger, or with a
/// damaged one.
@Suite struct ReportCacheTests {
    /// Everything `checkInsByItem` returns, in its order.
    func same(_ a: [ItemCheckIns], _ b: [ItemCheckIns], _ comment: Comment? = nil) {
        #expect(a.map(\.item) == b.map(\.item), comment)
        #expect(a.map(\.kind) == b.map(\.kind), comment)
        #expect(a.map(\.entries) == b.map(\.entries), comment)
        #expect(a.map(\.notes) == b.map(\.notes), comment)
    }

    /// The report's read without a cache.
    func truth(_ store: TrustStore, notesSince: DayKey? = DayKey("2026-11-01")) throws -> [ItemCheckIns] {
        try store.checkInsByItem(items: nil, since: nil, notesSince: notesSince, parallelAbove: 1_000_000, cache: nil)
    }

    enum Change: String, CaseIterable, Sendable {
        case nothing, answer, correction, newOccurrences, newItem, unanswered, voided, imported
    }

    func apply(_ change: Change, to store: TrustStore) throws {
        let at = instant("2026-11-28T09:00:00+01:00")
        switch change {
        case .nothing: break
        case .answer:
            let open = try #require(try store.records(items: ["phone"]).first { $0.state == .pending })
            try store.answer(occurrence: open.id, answer: .kept, note: "late, but kept", channel: .terminal, at: at)
        case .correction:
            let kept = try #require(try store.records(items: ["call"]).first { $0.state == .kept })
            try store.answer(occurrence: kept.id, answer: .missed, note: "I was wrong", channel: .terminal, at: at)
        case .newOccurrences:
            _ = try store.schedule("call", "2026-11-28T21:30:00+01:00")
            _ = try store.schedule("phone", "2026-11-28T20:00:00+01:00", kind: .commitment)  // the kind changes back
        case .newItem:
            let new = try store.schedule("walk", "2026-11-19T07:00:00+01:00")  // before every other item's first day
            try store.answer(occurrence: new.id, answer: .kept, note: "fresh air", channel: .terminal, at: at)
        case .unanswered:
            let open = try #require(try store.records(items: ["phone"]).first { $0.state == .pending })
            _ = try store.markUnanswered(occurrence: open.id, at: at)
        case .voided:
            _ = try store.schedule("call", "2026-12-01T21:30:00+01:00")
            _ = try store.schedule("call", "2026-12-02T21:30:00+01:00")
            let voided = try store.transaction { tx in
                try tx.voidScheduled(after: instant("2026-11-30T00:00:00+01:00"), channel: .daemon, at: at)
            }
            #expect(voided.count == 2)
        case .imported:
            let days = [ImportCheckIn(day: DayKey("2026-11-10")!, answer: .kept, note: "from Loop")]
            _ = try store.recordImport(
                ImportBatch(
                    source: .loop, file: "backup.db", sha256: String(repeating: "cd", count: 32),
                    zone: TimeZone(identifier: berlin)!, dayStart: TimeOfDay(hour: 4, minute: 0), at: at,
                    items: [.init(item: "call", kind: .commitment, checkIns: days)]))
        }
    }

    /// A cache written before the change is brought up to date by the next read, which says what a read
    /// without a cache says. The file is left as it was while few events were read on top of it, and
    /// written again (0600) for the newest event after more than `rewriteAfter`.
    @Test(arguments: Change.allCases)
    func followsEveryChange(_ change: Change) throws {
        let (scratch, store) = try ReportReadingTests().makeLedger()
        let cache = scratch.ledger + "-report"
        let notes = DayKey("2026-11-01")
        let before = try store.checkInsByItem(notesSince: notes)  // writes the cache
        same(before, try truth(store))
        let written = try store.lastEventSequence()
        #expect(ReportCache.read(cache)?.headSeq == written)

        try apply(change, to: store)
        let reader = try TrustStore(path: scratch.ledger, mode: .readOnly)
        let after = try reader.checkInsByItem(notesSince: notes)
        same(after, try truth(store), "\(change)")
        #expect(ReportCache.read(cache)?.headSeq == written, "a few events: not written again")
        same(try reader.checkInsByItem(notesSince: notes), after, "\(change), read on top of the file again")

        let rewritten = try reader.checkInsByItem(
            items: nil, since: nil, notesSince: notes, parallelAbove: 20_000, cache: cache, rewriteAfter: 0)
        same(rewritten, after, "\(change)")
        #expect(ReportCache.read(cache)?.headSeq == (try store.lastEventSequence()))
        #expect(FileSystem.mode(cache) == 0o600)
        same(try reader.checkInsByItem(notesSince: notes), after, "\(change), from the file written again")
    }

    /// A cache of another ledger whose history differs before the cache's newest event (a backup restored
    /// over the file, another file moved into place) is not used: the ledger is read in full.
    @Test func anotherLedgersCacheIsNotUsed() throws {
        let (a, storeA) = try ReportReadingTests().makeLedger()
        let (b, storeB) = try ReportReadingTests().makeLedger()
        // The same history but for one answer early on, and B has more events since.
        let firstCall = try #require(try storeB.records(items: ["call"]).first)
        try storeB.answer(occurrence: firstCall.id, answer: .skipped, channel: .terminal, at: instant("2026-11-28T09:00:00+01:00"))
        _ = try storeB.schedule("call", "2026-11-28T21:30:00+01:00")
        _ = try storeA.checkInsByItem()  // writes A's cache
        let cacheA = try #require(ReportCache.read(a.ledger + "-report"))
        #expect(cacheA.headSeq < (try storeB.lastEventSequence()))
        try FileManager.default.copyItem(atPath: a.ledger + "-report", toPath: b.ledger + "-report")

        let read = try storeB.checkInsByItem(items: nil, since: nil, notesSince: DayKey("2026-11-01"))
        same(read, try truth(storeB))
        #expect(read.first { $0.item == "call" }?.entries.first?.state == .skipped)
        let rewritten = try #require(ReportCache.read(b.ledger + "-report"))
        #expect(rewritten.headSeq == (try storeB.lastEventSequence()) && rewritten.headHash != cacheA.headHash)
    }

    /// A backup restored over the ledger: the cache describes events the restored file does not have (its
    /// newest event is not in the log), so the ledger is read in full, and the cache is written again.
    @Test func anOlderBackupRestoredIsReadInFull() throws {
        let (scratch, store) = try ReportReadingTests().makeLedger()
        let backup = scratch.path + "/backup.sqlite"
        try store.writer.backup(to: DatabaseQueue(path: backup))
        let open = try #require(try store.records(items: ["phone"]).first { $0.state == .pending })
        try store.answer(occurrence: open.id, answer: .missed, channel: .terminal, at: instant("2026-11-28T09:00:00+01:00"))
        _ = try store.checkInsByItem()  // the cache now has the answer's event
        let cached = try #require(ReportCache.read(scratch.ledger + "-report"))

        // The backup, under the cache's name: its log ends before the cache's newest event.
        let restored = scratch.path + "/restored.sqlite"
        try FileManager.default.copyItem(atPath: backup, toPath: restored)
        try FileManager.default.copyItem(atPath: scratch.ledger + "-report", toPath: restored + "-report")
        let reader = try TrustStore(path: restored, mode: .readOnly)
        #expect(try reader.lastEventSequence() < cached.headSeq)
        let read = try reader.checkInsByItem(notesSince: DayKey("2026-11-01"))
        same(read, try truth(reader))
        #expect(read.first { $0.item == "phone" }?.entries.first { $0.id == open.id }?.state == .pending)
        #expect(ReportCache.read(restored + "-report")?.headSeq == (try reader.lastEventSequence()))
    }

    enum Damage: String, CaseIterable, Sendable {
        case flippedState, truncated, empty, garbage, otherVersion, symbolicLink, directory
    }

    /// A damaged cache file, or something else at its path, is ignored: the report reads the ledger in full
    /// and says the same; a file is replaced by a sound one.
    @Test(arguments: Damage.allCases)
    func damagedCacheIsIgnored(_ damage: Damage) throws {
        let (scratch, store) = try ReportReadingTests().makeLedger()
        let cache = scratch.ledger + "-report"
        _ = try store.checkInsByItem()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: cache)))
        let rows = try #require(ReportCache.read(cache)?.items.last?.entries.count)
        switch damage {
        case .flippedState:
            // The last item's first state (its state column ends 8 + rows bytes before the end): pending → skipped.
            bytes[bytes.count - 8 - 2 * rows] ^= 3
        case .truncated: bytes.removeLast(100)
        case .empty: bytes = []
        case .garbage: bytes = Array(repeating: 0x5a, count: 4096)
        case .otherVersion: bytes[ReportCache.magic.count - 2] = UInt8(ascii: "9")
        case .symbolicLink, .directory: break
        }
        #expect(bytes.withUnsafeBytes { ReportCache.decode($0) } == nil || damage == .symbolicLink || damage == .directory)
        try FileManager.default.removeItem(atPath: cache)
        switch damage {
        case .symbolicLink:
            // A sound cache, but reached through a link (which the report does not follow, nor write through).
            let elsewhere = scratch.path + "/elsewhere"
            try Data(bytes).write(to: URL(fileURLWithPath: elsewhere))
            try FileManager.default.createSymbolicLink(atPath: cache, withDestinationPath: elsewhere)
            #expect(ReportCache.read(cache) == nil)
        case .directory:
            try FileManager.default.createDirectory(atPath: cache, withIntermediateDirectories: false)
        default:
            try Data(bytes).write(to: URL(fileURLWithPath: cache))
        }
        let reader = try TrustStore(path: scratch.ledger, mode: .readOnly)
        same(try reader.checkInsByItem(notesSince: DayKey("2026-11-01")), try truth(store), "\(damage)")
        if damage != .directory {
            #expect(ReportCache.read(cache)?.headSeq == (try store.lastEventSequence()), "replaced: \(damage)")
        }
    }

    @Test func encodingRoundTrips() throws {
        let (_, store) = try ReportReadingTests().makeLedger()
        let snapshot = try store.read { db in try SnapshotRows.read(db, into: LedgerSnapshot(), ids: nil, path: "") }
        #expect(snapshot.count == 24 && snapshot.items.count == 3 && snapshot.headHash.count == 32)
        for s in [snapshot, LedgerSnapshot(), LedgerSnapshot(headSeq: 0, headHash: [], items: [.init(item: "ünïcode-ıtem")])] {
            #expect(ReportCache.encode(s).withUnsafeBytes { ReportCache.decode($0) } == s)
        }
    }

    /// Notes are found through the index on the scheduled instant: a check-in just after midnight in the
    /// zone furthest east (UTC+14), and one that counts for the day before (before `day-starts`), still have
    /// their notes read for their day.
    @Test func notesAtTheEdgesOfTheDay() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let zone = "Pacific/Kiritimati"
        let entries: [(String, DayKey)] = [
            ("2026-11-20T00:30:00+14:00", DayKey("2026-11-20")!),  // 2026-11-19 10:30 UTC
            ("2026-11-21T03:00:00+14:00", DayKey("2026-11-20")!),  // before a 04:00 day start: the day before
            ("2026-11-19T23:30:00+14:00", DayKey("2026-11-19")!),  // before --since: no note
        ]
        for (i, (iso, day)) in entries.enumerated() {
            let when = instant(iso)
            let c = try store.schedule(
                item: "call", kind: .commitment, scheduled: when, zone: zone, day: day,
                deadline: when.addingTimeInterval(3600), at: when)
            try store.answer(occurrence: c.id, answer: .kept, note: "note \(i)", channel: .terminal, at: when)
        }
        let read = try store.checkInsByItem(notesSince: DayKey("2026-11-20"))
        #expect(read.first?.notes.values.sorted() == ["note 0", "note 1"])
    }
}
