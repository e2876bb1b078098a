import Foundation
import Synchronization
import Testing
import TrustCore
@testable import TrustStore

/// `checkInsByItem` (the report's fast read) says exactly what `records` says, split by item (its cache:
/// ReportCacheTests).
@Suite struct ReportReadingTests {
    func makeLedger() throws -> (Scratch, TrustStore) {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        // Interleaved items, every state, a correction, notes old and recent, a kind that changed, a long id.
        let long: ItemID = "a-rather-long-item-identifier-past-fifteen-bytes"
        for (i, day) in (20...27).enumerated() {
            let call = try store.schedule("call", "2026-11-\(day)T21:30:00+01:00")
            let phone = try store.schedule("phone", "2026-11-\(day)T20:00:00+01:00", kind: i < 4 ? .commitment : .boundary)
            let other = try store.schedule(long, "2026-11-\(day)T08:00:00+01:00")
            let at = instant("2026-11-\(day)T22:00:00+01:00")
            switch i % 4 {
            case 0: try store.answer(occurrence: call.id, answer: .kept, note: "day \(day) ✓, \"quoted\"", channel: .terminal, at: at)
            case 1: try store.answer(occurrence: call.id, answer: .missed, channel: .terminal, at: at)
            case 2: try store.answer(occurrence: call.id, answer: .skipped, note: "ill", channel: .terminal, at: at)
            default: try store.markUnanswered(occurrence: call.id, at: at.addingTimeInterval(3 * 3600))
            }
            if i % 2 == 0 { try store.answer(occurrence: phone.id, answer: .kept, channel: .notification, at: at) }
            if i == 3 {
                try store.answer(occurrence: other.id, answer: .missed, channel: .terminal, at: at)
                try store.answer(occurrence: other.id, answer: .kept, note: "corrected", channel: .terminal, at: at)
            }
        }
        return (scratch, store)
    }

    func expected(_ records: [CheckIn], notesSince: DayKey?) -> [ItemID: ItemCheckIns] {
        var result: [ItemID: ItemCheckIns] = [:]
        for var l in ItemCheckIns.group(records) {
            l.entries.sort(by: CompactCheckIn.chronological)
            l.notes = l.notes.filter { id, _ in
                guard let notesSince else { return false }
                return records.first { $0.id == id }!.day >= notesSince
            }
            result[l.item] = l
        }
        return result
    }

    @Test(arguments: [
        (nil, nil, nil), (nil, "2026-11-23", "2026-11-20"), (["call", "phone"], nil, "2026-11-26"),
        (["phone"], "2026-11-25", nil), ([], nil, nil),
    ] as [([String]?, String?, String?)])
    func sameAsRecords(items: [String]?, since: String?, notesSince: String?) throws {
        let (scratch, store) = try makeLedger()
        _ = scratch
        let ids = items.map { $0.map { ItemID($0) } }
        let sinceDay = since.flatMap { DayKey($0) }
        let notesDay = notesSince.flatMap { DayKey($0) }
        let want = expected(try store.records(items: ids, since: sinceDay), notesSince: notesDay)
        // Two halves on two connections, and one pass; no cache, then a new cache file (written by the
        // first read, used by the second).
        for parallelAbove in [0, 1_000_000] {
            for cache in [nil, scratch.path + "/cache-\(parallelAbove)", scratch.path + "/cache-\(parallelAbove)"] {
                let fast = try store.checkInsByItem(
                    items: ids, since: sinceDay, notesSince: notesDay, parallelAbove: parallelAbove, cache: cache)
                try check(fast, want, all: ids == nil && sinceDay == nil)
            }
        }
    }

    func check(_ fast: [ItemCheckIns], _ want: [ItemID: ItemCheckIns], all: Bool) throws {
        #expect(Set(fast.map(\.item)) == Set(want.keys))
        for l in fast {
            let w = try #require(want[l.item])
            #expect(l.entries.sorted(by: CompactCheckIn.chronological) == w.entries)
            #expect(l.kind == w.kind)
            #expect(l.notes == w.notes)
        }
        if all {
            #expect(fast.first { $0.item == "phone" }?.kind == .boundary)  // the newest occurrence's kind
            #expect(fast.reduce(0) { $0 + $1.entries.count } == 24)
        }
    }

    @Test func readOnlyOpenAndEmptyLedger() throws {
        let (scratch, store) = try makeLedger()
        _ = store
        let reader = try TrustStore(path: scratch.ledger, mode: .readOnly)
        #expect(try reader.checkInsByItem().count == 3)
        let empty = Scratch()
        #expect(try TrustStore(path: empty.ledger).checkInsByItem().isEmpty)
    }

    /// Both fast reads, in two parts on two connections, while another connection commits transactions that
    /// each answer one check-in of either part's item: every read sees both answers of a transaction or
    /// neither (one snapshot), never one part before a commit and the other after it. The report's read
    /// also with its cache, brought up to date by each read.
    @Test func twoPartReadsAreOneSnapshotWhileAWriterCommits() async throws {
        let scratch = Scratch()
        let setup = try TrustStore(path: scratch.ledger)
        let count = 150
        let zone = TimeZone(identifier: berlin)!
        // a-item has the low ids and sorts first, z-item the high ids: each read part holds one of them.
        try setup.transaction { tx in
            for item: ItemID in ["a-item", "z-item"] {
                for i in 0..<count {
                    let when = instant("2026-01-01T21:30:00+01:00").addingTimeInterval(Double(i) * 86400)
                    _ = try tx.schedule(
                        item: item, kind: .commitment, scheduled: when, zone: berlin, day: DayKey.of(when, in: zone),
                        deadline: when.addingTimeInterval(3600), at: when)
                }
            }
        }
        let path = scratch.ledger
        let late = instant("2027-01-01T12:00:00+01:00")
        // The writer starts after the reader's first read, so the reader sees the ledger before, while
        // and after the writes: on a loaded machine the writer could otherwise finish before any read.
        let firstRead = FirstRead()
        let reads = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                let writer = try TrustStore(path: path, mode: .readWrite)
                while !firstRead.done.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(1)) }
                for _ in 0..<count {
                    try writer.transaction { tx in
                        for item: ItemID in ["a-item", "z-item"] {
                            let open = try #require(try tx.newestOpen(item: item, asOf: late))
                            _ = try tx.answer(occurrence: open.id, answer: .kept, note: nil, channel: .terminal, at: late)
                        }
                    }
                }
                return 0
            }
            group.addTask {
                let reader = try TrustStore(path: path, mode: .readOnly)
                var reads = 0
                var done = false
                while !done {
                    let records = try reader.records(items: nil, since: nil, parallelAbove: 0)
                    let a = records.count { $0.item == "a-item" && $0.state == .kept }
                    let z = records.count { $0.item == "z-item" && $0.state == .kept }
                    #expect(a == z, "records(): a-item has \(a) answers, z-item \(z)")
                    for cache in [nil, path + "-cache"] {
                        let ledgers = try reader.checkInsByItem(
                            items: nil, since: nil, notesSince: nil, parallelAbove: 0, cache: cache)
                        let kept = ledgers.map { l in (l.item, l.entries.count { $0.state == .kept }) }
                        #expect(kept.count == 2 && kept[0].1 == kept[1].1, "checkInsByItem(cache: \(cache ?? "none")): \(kept)")
                    }
                    reads += 1
                    firstRead.done.store(true, ordering: .releasing)
                    done = a == count
                }
                return reads
            }
            return try await group.reduce(0, +)
        }
        #expect(reads > 1)
        #expect(try setup.verify().isIntact)
    }
}

/// Set once the reader has read: the writer waits for it.
private final class FirstRead: Sendable {
    let done = Atomic<Bool>(false)
}
