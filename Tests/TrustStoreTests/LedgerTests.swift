import Foundation
import GRDB
import Testing
import TrustCore

@testable import TrustStore

@Suite struct LedgerTests {
    /// The store takes any GRDB writer: an in-memory queue gets the same schema, the same chain and
    /// the same answers as a file (no file is touched).
    @Test func anInMemoryLedgerBehavesLikeAFile() throws {
        let store = try TrustStore(writer: DatabaseQueue())
        let o = try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        try store.recordPrompted(occurrence: o.id, notificationID: 7, channel: .notification, at: instant("2026-11-25T21:30:00+01:00"))
        let first = try store.answer(occurrence: o.id, answer: .missed, channel: .notification, at: instant("2026-11-25T21:40:00+01:00"))
        let second = try store.answer(occurrence: o.id, answer: .kept, note: "late", channel: .terminal, at: instant("2026-11-25T22:00:00+01:00"))
        #expect(first.outcome == .answered)
        #expect(second.outcome == .corrected(previous: .missed))
        #expect(second.occurrence.notificationID == 7)
        #expect(try store.events(occurrence: o.id).map(\.type) == [.scheduled, .prompted, .answered, .corrected])
        #expect(try store.records(items: nil, since: nil) == [second.occurrence.withoutPromptCache])
        #expect(try store.checkInsByItem().map(\.entries.count) == [1])
        let report = try store.verify()
        #expect(report.isIntact)
        #expect(report.eventCount == 4)
    }

    @Test func scheduleIsIdempotentPerItemAndInstant() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let a = try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        let again = try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        let other = try store.schedule("exercise", "2026-11-25T21:30:00+01:00")
        #expect(a.id == again.id)
        #expect(a.id != other.id)
        #expect(a.state == .pending)
        #expect(a.day == DayKey(year: 2026, month: 11, day: 25))
        #expect(a.zone == berlin)
        #expect(a.deadline == instant("2026-11-26T00:30:00+01:00"))
        #expect(try store.events(occurrence: a.id).map(\.type) == [.scheduled])
        #expect(try store.counts().occurrences == 2)

        // A second store object (another process in real life) agrees.
        let reopened = try TrustStore(path: scratch.ledger, mode: .readWrite)
        #expect(try reopened.schedule("evening-call", "2026-11-25T21:30:00+01:00").id == a.id)
        #expect(try reopened.counts().occurrences == 2)
    }

    @Test func theDayIsStoredNotRecomputed() throws {
        // 00:40 local on the 26th, with day-starts 04:00 the caller computed the 25th: stored as given.
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let when = instant("2026-11-26T00:40:00+01:00")
        let o = try store.schedule(
            item: "late", kind: .boundary, scheduled: when, zone: berlin, day: DayKey(year: 2026, month: 11, day: 25),
            deadline: when.addingTimeInterval(3600), at: when)
        #expect(try store.occurrence(id: o.id)?.day == DayKey(year: 2026, month: 11, day: 25))
        #expect(try store.occurrence(id: o.id)?.kind == .boundary)
    }

    struct AnswerStep: Sendable, CustomStringConvertible {
        var answer: Answer
        var note: String?
        var outcome: AnswerResult.Outcome
        var state: CheckInState
        var storedNote: String?
        var description: String { "\(answer)\(note.map { " '\($0)'" } ?? "")" }
    }

    static let answerSequences: [[AnswerStep]] = [
        [.init(answer: .kept, outcome: .answered, state: .kept)],
        [.init(answer: .missed, note: "flight delayed", outcome: .answered, state: .missed, storedNote: "flight delayed")],
        [
            .init(answer: .kept, outcome: .answered, state: .kept),
            .init(answer: .kept, outcome: .unchanged, state: .kept),
        ],
        [
            .init(answer: .kept, note: "called", outcome: .answered, state: .kept, storedNote: "called"),
            .init(answer: .kept, note: "called", outcome: .unchanged, state: .kept, storedNote: "called"),
            .init(answer: .kept, note: "called, 20 min", outcome: .noted, state: .kept, storedNote: "called, 20 min"),
        ],
        [
            .init(answer: .kept, note: "called", outcome: .answered, state: .kept, storedNote: "called"),
            .init(answer: .missed, outcome: .corrected(previous: .kept), state: .missed, storedNote: "called"),
            .init(answer: .skipped, note: "sick", outcome: .corrected(previous: .missed), state: .skipped, storedNote: "sick"),
        ],
        [.init(answer: .skipped, note: "", outcome: .answered, state: .skipped)],
    ]

    @Test(arguments: answerSequences)
    func answersCorrectionsAndNotes(_ steps: [AnswerStep]) throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let o = try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        var clock = instant("2026-11-25T21:45:00+01:00")
        var recorded = 1
        for step in steps {
            clock.addTimeInterval(60)
            let result = try store.answer(occurrence: o.id, answer: step.answer, note: step.note, channel: .terminal, at: clock)
            #expect(result.outcome == step.outcome, "\(step)")
            #expect(result.occurrence.state == step.state)
            #expect(result.occurrence.note == step.storedNote)
            if step.outcome != .unchanged { recorded += 1 }
            #expect(result.event == nil || result.event?.sequence == Int64(recorded))
            let stored = try #require(try store.occurrence(id: o.id))
            #expect(stored.state == step.state)
            #expect(stored.note == step.storedNote)
            #expect(stored.day == DayKey(year: 2026, month: 11, day: 25), "the answer counts for the occurrence's day")
        }
        #expect(try store.events(occurrence: o.id).count == recorded)
        #expect(try store.verify().isIntact)
    }

    @Test func answerNewestOpenPicksTheNewestDueOccurrence() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let monday = try store.schedule("evening-call", "2026-11-23T21:30:00+01:00")
        let tuesday = try store.schedule("evening-call", "2026-11-24T21:30:00+01:00")
        let wednesday = try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        try store.schedule("exercise", "2026-11-24T21:00:00+01:00")

        // Wednesday evening isn't due yet on Wednesday morning: Tuesday is the newest open one.
        let morning = instant("2026-11-25T08:00:00+01:00")
        #expect(try store.markUnanswered(occurrence: tuesday.id, at: instant("2026-11-25T00:30:00+01:00")))
        let r1 = try store.answerNewestOpen(item: "evening-call", answer: .kept, channel: .terminal, at: morning)
        #expect(r1.occurrence.id == tuesday.id)
        #expect(r1.outcome == .answered)
        #expect(r1.wasLate)
        #expect(r1.occurrence.answeredAt == morning)

        // Next newest open: Monday (still pending).
        let r2 = try store.answerNewestOpen(item: "evening-call", answer: .missed, channel: .terminal, at: morning)
        #expect(r2.occurrence.id == monday.id)

        // Nothing open any more before Wednesday evening: the error names the latest one.
        #expect(throws: StoreError.nothingOpen("evening-call", latest: try store.occurrence(id: tuesday.id))) {
            try store.answerNewestOpen(item: "evening-call", answer: .kept, channel: .terminal, at: morning)
        }
        // In the evening, Wednesday is due.
        let r3 = try store.answerNewestOpen(
            item: "evening-call", answer: .kept, channel: .notification, at: instant("2026-11-25T21:31:00+01:00"))
        #expect(r3.occurrence.id == wednesday.id)
        #expect(r3.occurrence.answerChannel == .notification)

        // Only a future one: known item, nothing due.
        try store.schedule("future", "2026-12-25T21:30:00+01:00")
        #expect(throws: StoreError.nothingOpen("future", latest: nil)) {
            try store.answerNewestOpen(item: "future", answer: .kept, channel: .terminal, at: morning)
        }
        #expect(throws: StoreError.unknownItem("excercise", known: ["evening-call", "exercise", "future"])) {
            try store.answerNewestOpen(item: "excercise", answer: .kept, channel: .terminal, at: morning)
        }
        #expect(throws: StoreError.noSuchOccurrence(999)) {
            try store.answer(occurrence: 999, answer: .kept, channel: .terminal, at: morning)
        }
    }

    @Test func promptsSnoozesAndDeadlinesAreCachedFromEvents() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let o = try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        let p1 = try store.recordPrompted(
            occurrence: o.id, notificationID: 17, channel: .notification, at: instant("2026-11-25T21:30:00+01:00"))
        #expect(p1.notificationID == 17)
        #expect(p1.promptCount == 1)
        let s = try store.recordSnoozed(
            occurrence: o.id, until: instant("2026-11-25T21:45:00+01:00"), channel: .notification,
            at: instant("2026-11-25T21:31:00+01:00"))
        #expect(s.snoozedUntil == instant("2026-11-25T21:45:00+01:00"))
        #expect(try store.openOccurrences().map(\.id) == [o.id])
        let p2 = try store.recordPrompted(
            occurrence: o.id, notificationID: 17, channel: .notification, at: instant("2026-11-25T21:45:00+01:00"))
        #expect(p2.snoozedUntil == nil)
        #expect(p2.promptCount == 2)
        #expect(p2.promptedAt == instant("2026-11-25T21:45:00+01:00"))

        #expect(try store.markUnanswered(occurrence: o.id, at: instant("2026-11-26T00:30:00+01:00")))
        #expect(try !store.markUnanswered(occurrence: o.id, at: instant("2026-11-26T00:31:00+01:00")), "only once")
        #expect(try store.occurrence(id: o.id)?.state == .unanswered)
        #expect(try store.openOccurrences().isEmpty)
        #expect(
            try store.events(occurrence: o.id).map(\.type) == [.scheduled, .prompted, .snoozed, .prompted, .unanswered])
        #expect(try store.verify().isIntact)
    }

    @Test func pendingIsDueAndOldestFirst() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let later = try store.schedule("b", "2026-11-25T21:30:00+01:00")
        let earlier = try store.schedule("a", "2026-11-25T19:00:00+01:00")
        let future = try store.schedule("c", "2026-11-26T19:00:00+01:00")
        let answered = try store.schedule("d", "2026-11-25T18:00:00+01:00")
        try store.answer(occurrence: answered.id, answer: .kept, channel: .terminal, at: instant("2026-11-25T18:01:00+01:00"))
        let now = instant("2026-11-25T22:00:00+01:00")
        #expect(try store.pending(asOf: now).map(\.id) == [earlier.id, later.id])
        #expect(try store.openOccurrences().map(\.id) == [earlier.id, later.id, future.id])
    }

    @Test func recordsHistoryAndChangeCounter() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        var expected: [CheckInID] = []
        for day in 20...25 {
            for item in ["b-item", "a-item"] {
                let o = try store.schedule(ItemID(item), "2026-11-\(day)T21:30:00+01:00")
                if day % 2 == 0 {
                    try store.answer(
                        occurrence: o.id, answer: .kept, note: "day \(day)", channel: .notification,
                        at: instant("2026-11-\(day)T21:40:00+01:00"))
                }
                expected.append(o.id)
            }
        }
        let all = try store.records()
        #expect(all.count == 12)
        #expect(all.map(\.item.rawValue) == Array(repeating: "a-item", count: 6) + Array(repeating: "b-item", count: 6))
        #expect(all.prefix(6).map(\.scheduled) == all.prefix(6).map(\.scheduled).sorted())
        let first = all[0]
        #expect(first.day == DayKey(year: 2026, month: 11, day: 20))
        #expect(first.state == .kept && first.note == "day 20")
        #expect(first.answeredAt == instant("2026-11-20T21:40:00+01:00"))
        #expect(all[1].state == .pending && all[1].answeredAt == nil && all[1].note == nil)

        let recent = try store.records(items: ["b-item"], since: DayKey(year: 2026, month: 11, day: 24))
        #expect(recent.map(\.day.day) == [24, 25])
        #expect(try store.records(items: []).isEmpty)

        let history = try store.history(item: "a-item", since: DayKey(year: 2026, month: 11, day: 23))
        #expect(history.map(\.occurrence.day.day) == [25, 24, 23])
        #expect(history[1].events.map(\.type) == [.scheduled, .answered])
        #expect(try store.history(limit: 3).count == 3)
        #expect(try store.lastScheduled(item: "a-item") == instant("2026-11-25T21:30:00+01:00"))
        #expect(try store.lastScheduled(item: "nope") == nil)
        #expect(try store.knownItems() == ["a-item", "b-item"])

        // The change counter: another process's write shows up as new events.
        let seen = try store.lastEventSequence()
        let other = try TrustStore(path: scratch.ledger, mode: .readWrite)
        try other.answerNewestOpen(item: "b-item", answer: .missed, channel: .terminal, at: instant("2026-11-25T23:00:00+01:00"))
        let news = try store.events(after: seen)
        #expect(news.count == 1)
        #expect(news[0].type == .answered && news[0].channel == .terminal && news[0].answer == .missed)
        #expect(try store.lastEventSequence() == seen + 1)
    }

    @Test(arguments: [0, 1_000_000])
    func recordsReadInTwoHalvesEqualOnePass(parallelAbove: Int) throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let zone = TimeZone(identifier: berlin)!
        let items: [ItemID] = ["c-item", "a-item", "e-item", "b-item", "d-item"]
        try store.transaction { tx in
            for day in 0..<40 {
                for (n, item) in items.enumerated() {
                    let when = instant("2026-03-20T21:30:00+01:00").addingTimeInterval(Double(day * 86400 + n * 60))
                    let o = try tx.schedule(
                        item: item, kind: n == 2 ? .boundary : .commitment, scheduled: when, zone: berlin,
                        day: DayKey.of(when, in: zone), deadline: when.addingTimeInterval(3600), at: when)
                    if (day + n) % 3 != 0 {
                        _ = try tx.answer(
                            occurrence: o.id, answer: [.kept, .missed, .skipped][day % 3], note: day % 7 == 0 ? "n\(day)" : nil,
                            channel: .terminal, at: when.addingTimeInterval(600))
                    }
                }
            }
        }
        // The reference: a plain query, decoded the slow way.
        let expected = try store.history().map(\.occurrence.withoutPromptCache).sorted { ($0.item, $0.scheduled) < ($1.item, $1.scheduled) }
        let all = try store.records(items: nil, since: nil, parallelAbove: parallelAbove)
        #expect(all.map(\.id) == expected.map(\.id))
        #expect(all == expected)
        let since = DayKey(year: 2026, month: 4, day: 10)
        let some = try store.records(items: ["e-item", "a-item", "d-item"], since: since, parallelAbove: parallelAbove)
        #expect(some == expected.filter { ["a-item", "d-item", "e-item"].contains($0.item) && $0.day >= since })
        #expect(some.map(\.item.rawValue).first == "a-item")
    }

    @Test func transactionsCommitTogetherOrNotAtAll() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        struct Boom: Error {}
        #expect(throws: StoreError.self) {
            try store.transaction { tx in
                let o = try tx.schedule(
                    item: "x", kind: .commitment, scheduled: instant("2026-11-25T21:30:00+01:00"), zone: berlin,
                    day: DayKey(year: 2026, month: 11, day: 25), deadline: instant("2026-11-25T23:30:00+01:00"),
                    at: instant("2026-11-25T21:00:00+01:00"))
                _ = try tx.answer(occurrence: o.id, answer: .kept, note: nil, channel: .terminal, at: instant("2026-11-25T21:31:00+01:00"))
                throw Boom()
            }
        }
        #expect(try store.counts().occurrences == 0)
        #expect(try store.lastEventSequence() == 0)
        // The chain continues correctly after a rollback.
        try store.schedule("x", "2026-11-25T21:30:00+01:00")
        #expect(try store.verify().isIntact)
    }

    @Test func writesAreDurableWithSynchronousFull() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        let synchronous = try store.writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2, "FULL")
        let journal = try store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
        let appID = try store.writer.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }
        #expect(appID == Schema.applicationID)
    }
}
