// trustctl answer / pending / history / verify, in process on real ledger files.
// (Tests/Scripts/store-*.sh run the built binary.)
import ArgumentParser
import Foundation
import Testing
import TrustCore
import TrustStore
import TrustTestSupport

@testable import TrustCLI

private let berlinZone = TimeZone(identifier: "Europe/Berlin")!

private func at(_ iso: String) -> Date {
    let f = ISO8601DateFormatter()
    return f.date(from: iso)!
}

/// A ledger in a private temporary directory, removed at the end.
private final class Ledger: Sendable {
    let dir: String
    let path: String
    let store: TrustStore
    init() throws {
        dir = try TemporaryDirectory.make(prefix: "trust-cli-store-tests")
        path = dir + "/ledger.sqlite"
        store = try TrustStore(path: path)
    }
    deinit { try? FileManager.default.removeItem(atPath: dir) }

    @discardableResult
    func schedule(_ item: ItemID, _ iso: String, kind: ItemKind = .commitment) throws -> CheckIn {
        let when = at(iso)
        return try store.schedule(
            item: item, kind: kind, scheduled: when, zone: "Europe/Berlin", day: DayKey.of(when, in: berlinZone),
            deadline: when.addingTimeInterval(3 * 3600), at: when)
    }
}

@Suite struct StoreAnswerCommandTests {
    @Test(arguments: [
        (["evening-call", "kep"], "unknown answer 'kep'; answer with one of: kept, missed, skipped"),
        (["Evening Call", "kept"], "is not an item id"),
        (["evening-call", "kept", "--at", "25.11.2026 21:40"], "--at '25.11.2026 21:40': expected"),
        (["evening-call", "kept", "--occurrence", "x"], "occurrence"),
    ])
    func badArgumentsAreRefusedWithTheValidChoices(_ arguments: [String], _ message: String) {
        do {
            _ = try AnswerCommand.parse(arguments)
            Issue.record("accepted \(arguments)")
        } catch {
            #expect(AnswerCommand.message(for: error).contains(message), "\(AnswerCommand.message(for: error))")
        }
    }

    @Test func answeringCorrectingAndNotingReadNaturally() throws {
        let ledger = try Ledger()
        let o = try ledger.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        let now = at("2026-11-25T21:40:00+01:00")
        func answer(_ args: [String], now: Date = now) throws -> String {
            try AnswerCommand.parse(args + ["--store", ledger.path]).perform(on: ledger.store, now: now, zone: berlinZone)
        }
        #expect(
            try answer(["evening-call", "kept", "--note", "called from the airport"])
                == "Recorded: evening-call kept for Wed 2026-11-25 (check-in 21:30, #\(o.id)).\nNote: called from the airport")
        #expect(try answer(["evening-call", "kept", "--occurrence", "\(o.id)"]).contains("is already kept"))
        let corrected = try answer(["evening-call", "missed", "--occurrence", "\(o.id)"])
        #expect(corrected.hasPrefix("Corrected: evening-call for Wed 2026-11-25 is now missed (was kept; check-in 21:30, #\(o.id))."))
        #expect(corrected.contains("The earlier answer stays in the ledger"))
        #expect(try ledger.store.occurrence(id: o.id)?.state == .missed)
        #expect(try ledger.store.occurrence(id: o.id)?.answerChannel == .terminal)

        // Nothing open any more: the error says how to change the latest.
        #expect(throws: StoreError.nothingOpen("evening-call", latest: try ledger.store.occurrence(id: o.id))) {
            try answer(["evening-call", "kept"])
        }
        #expect(
            StoreError.nothingOpen("evening-call", latest: try ledger.store.occurrence(id: o.id)).description
                .contains("pass --occurrence \(o.id)"))
    }

    @Test func aLateAnswerCountsForTheCheckInsDay() throws {
        let ledger = try Ledger()
        let o = try ledger.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        // 00:40 the next night, before the deadline (00:30 + … no: deadline is 00:30) → late.
        try ledger.store.markUnanswered(occurrence: o.id, at: at("2026-11-26T00:30:00+01:00"))
        let text = try AnswerCommand.parse(["evening-call", "kept", "--at", "2026-11-26 00:40", "--store", ledger.path])
            .perform(on: ledger.store, now: at("2026-11-26T09:00:00+01:00"), zone: berlinZone)
        #expect(text.contains("Recorded: evening-call kept for Wed 2026-11-25"))
        #expect(text.contains("after the deadline (Thu 00:30) and still counts for Wed 2026-11-25"))
        let stored = try #require(try ledger.store.occurrence(id: o.id))
        #expect(stored.day == DayKey(year: 2026, month: 11, day: 25))
        #expect(stored.answeredAt == at("2026-11-26T00:40:00+01:00"))

        let o2 = try ledger.schedule("evening-call", "2026-11-26T21:30:00+01:00")
        let nextDay = try AnswerCommand.parse(["evening-call", "kept", "--store", ledger.path])
            .perform(on: ledger.store, now: at("2026-11-27T00:10:00+01:00"), zone: berlinZone)
        #expect(nextDay.contains("#\(o2.id)"))
        #expect(nextDay.contains("It counts for Thu 2026-11-26, the check-in's day."))
    }

    @Test func unknownItemsAndMismatchedOccurrencesAreClearErrors() throws {
        let ledger = try Ledger()
        let o = try ledger.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        try ledger.schedule("exercise", "2026-11-25T21:00:00+01:00")
        let now = at("2026-11-25T22:00:00+01:00")
        do {
            _ = try AnswerCommand.parse(["excercise", "kept"]).perform(on: ledger.store, now: now, zone: berlinZone)
            Issue.record("answered an unknown item")
        } catch let error as StoreError {
            #expect(error.description == "no check-in of 'excercise' in the ledger; items in the ledger: evening-call, exercise")
        }
        do {
            _ = try AnswerCommand.parse(["exercise", "kept", "--occurrence", "\(o.id)"]).perform(on: ledger.store, now: now, zone: berlinZone)
            Issue.record("answered another item's occurrence")
        } catch let error as CommandFailure {
            #expect(error.description.contains("occurrence #\(o.id) is a check-in of 'evening-call', not 'exercise'"))
        }
        #expect(try ledger.store.occurrence(id: o.id)?.state == .pending)
    }

    /// With trustd stopped, `trustctl answer` takes the answered check-in's prompt off the desktop itself
    /// (a real private bus and notification server), but only a prompt that can still be showing.
    @Test func answeringAPendingCheckInClosesItsPromptACorrectionDoesNot() async throws {
        let bus = try await PrivateBus.start()
        let server = try await FakeNotificationServer.start(on: bus)
        let ledger = try Ledger()
        let o = try ledger.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        try ledger.store.recordPrompted(occurrence: o.id, notificationID: 42, channel: .notification, at: at("2026-11-25T21:30:00+01:00"))
        let now = at("2026-11-25T21:40:00+01:00")
        func answer(_ args: [String]) throws -> String {
            try AnswerCommand.parse(args).perform(on: ledger.store, now: now, zone: berlinZone, desktop: bus.busAddress)
        }
        func closed() async throws -> [UInt32?] {
            try await server.calls().filter { $0.method == "CloseNotification" }.map { $0.arguments.first?.uint32Value }
        }
        #expect(try answer(["evening-call", "kept"]).hasPrefix("Recorded: evening-call kept"))
        #expect(try await closed() == [42])
        // A correction and a note: that prompt went with the first answer, and the server may have given
        // id 42 to another program's notification since.
        #expect(try answer(["evening-call", "missed", "--occurrence", "\(o.id)"]).hasPrefix("Corrected:"))
        #expect(try answer(["evening-call", "missed", "--occurrence", "\(o.id)", "--note", "late"]).hasPrefix("Noted"))
        #expect(try await closed() == [42])

        // No notification server: the answer is recorded all the same, without an error.
        await server.stop()
        let next = try ledger.schedule("evening-call", "2026-11-26T21:30:00+01:00")
        try ledger.store.recordPrompted(occurrence: next.id, notificationID: 43, channel: .notification, at: at("2026-11-26T21:30:00+01:00"))
        let text = try AnswerCommand.parse(["evening-call", "kept", "--occurrence", "\(next.id)"])
            .perform(on: ledger.store, now: at("2026-11-26T21:40:00+01:00"), zone: berlinZone, desktop: bus.busAddress)
        #expect(text.hasPrefix("Recorded: evening-call kept for Thu 2026-11-26"))
        #expect(try ledger.store.occurrence(id: next.id)?.state == .kept)
        await bus.shutdown()
    }

    @Test(arguments: [
        ("2026-11-25 21:40", "2026-11-25T21:40:00+01:00"),
        ("2026-11-25 21:40:30", "2026-11-25T21:40:30+01:00"),
        ("2026-11-25T21:40", "2026-11-25T21:40:00+01:00"),
        ("2026-11-25T20:40:00Z", "2026-11-25T21:40:00+01:00"),
        ("2026-11-25T21:40:00+01:00", "2026-11-25T21:40:00+01:00"),
        ("@1795639200", "2026-11-25T21:40:00+01:00"),
        ("21:40", "2026-11-25T21:40:00+01:00"),
        ("2026-07-01 08:00", "2026-07-01T08:00:00+02:00"),
        ("now", "2026-11-25T12:00:00+01:00"),
    ])
    func timesOnTheCommandLine(_ text: String, _ expected: String) {
        #expect(StoreTimeText.parseInstant(text, now: at("2026-11-25T12:00:00+01:00"), zone: berlinZone) == at(expected))
    }

    @Test(arguments: ["2026-03-29 02:30", "2026-13-01 10:00", "2026-11-25 24:00", "yesterday", "21h40", ""])
    func timesThatDoNotExistAreRefused(_ text: String) {
        #expect(StoreTimeText.parseInstant(text, now: at("2026-11-25T12:00:00+01:00"), zone: berlinZone) == nil)
    }
}

@Suite struct StorePendingHistoryVerifyTests {
    @Test func pendingListsDueCheckInsOldestFirst() throws {
        let ledger = try Ledger()
        let b = try ledger.schedule("no-phone-dinner", "2026-11-25T20:00:00+01:00", kind: .boundary)
        let a = try ledger.schedule("evening-call", "2026-11-25T19:00:00+01:00")
        try ledger.schedule("exercise", "2026-11-26T21:00:00+01:00")  // not due yet
        try ledger.store.recordPrompted(occurrence: a.id, notificationID: 42, channel: .notification, at: at("2026-11-25T19:00:00+01:00"))
        try ledger.store.recordSnoozed(
            occurrence: a.id, until: at("2026-11-25T21:15:00+01:00"), channel: .notification, at: at("2026-11-25T19:01:00+01:00"))
        let now = at("2026-11-25T21:00:00+01:00")

        let text = try PendingCommand.parse([]).render(store: ledger.store, now: now)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("#"))
        #expect(lines[1].contains("#\(a.id)") && lines[1].contains("Wed 2026-11-25 19:00") && lines[1].contains("evening-call"))
        #expect(lines[1].contains("22:00 (in 1 h)") && lines[1].contains("snoozed until 21:15"))
        #expect(lines[2].contains("#\(b.id)") && lines[2].contains("no-phone-dinner") && lines[2].contains("not yet prompted"))
        #expect(!text.contains("exercise"))
        #expect(text.contains("trustctl answer ITEM kept|missed|skipped"))

        let json = try PendingCommand.parse(["--json"]).render(store: ledger.store, now: now)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed.map { $0["item"] as? String } == ["evening-call", "no-phone-dinner"])
        #expect(parsed[0]["scheduled"] as? String == "2026-11-25T19:00:00+01:00")
        #expect(parsed[0]["notification_id"] as? Int == 42)
        #expect(parsed[0]["snoozed_until"] as? String == "2026-11-25T21:15:00+01:00")
        #expect(parsed[1]["kind"] as? String == "boundary")
        #expect(parsed[1]["prompted_at"] is NSNull)

        try ledger.store.answer(occurrence: a.id, answer: .kept, channel: .terminal, at: now)
        try ledger.store.answer(occurrence: b.id, answer: .kept, channel: .terminal, at: now)
        #expect(try PendingCommand.parse([]).render(store: ledger.store, now: now) == "Nothing awaits an answer.")
    }

    /// Check-ins voided by a clock correction: `history` shows them; `answer` refuses them.
    @Test func voidedCheckInsShowInHistoryAndTakeNoAnswer() throws {
        let ledger = try Ledger()
        let kept = try ledger.schedule("evening-call", "2026-11-24T21:30:00+01:00")
        try ledger.store.answer(occurrence: kept.id, answer: .kept, channel: .terminal, at: at("2026-11-24T21:40:00+01:00"))
        let ahead = try ledger.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        let voided = try ledger.store.transaction { tx in
            try tx.voidScheduled(after: at("2026-11-25T09:00:00+01:00"), channel: .daemon, at: at("2026-11-25T09:00:00+01:00"))
        }
        #expect(voided.map(\.id) == [ahead.id])
        let text = try HistoryCommand.parse(["evening-call", "--events"]).render(store: ledger.store)
        #expect(text.contains("Wed 2026-11-25  21:30  evening-call  voided"), "\(text)")
        #expect(text.contains("event 4  2026-11-25T09:00:00+01:00  daemon        voided"), "\(text)")
        do {
            _ = try AnswerCommand.parse(["evening-call", "kept", "--occurrence", "\(ahead.id)"])
                .perform(on: ledger.store, now: at("2026-11-25T22:00:00+01:00"), zone: berlinZone)
            Issue.record("a voided check-in took an answer")
        } catch let error as StoreError {
            #expect(error.description.contains("was voided by a clock correction"), "\(error)")
        }
        #expect(try ledger.store.occurrence(id: ahead.id)?.state == .voided)
        #expect(try ledger.store.verify().isIntact)
    }

    @Test func historyIsNewestFirstAndMarksCorrections() throws {
        let ledger = try Ledger()
        var ids: [CheckInID] = []
        for day in 23...25 {
            let o = try ledger.schedule("evening-call", "2026-11-\(day)T21:30:00+01:00")
            try ledger.store.answer(
                occurrence: o.id, answer: .kept, note: day == 24 ? "called, \"late\"" : nil, channel: .notification,
                at: at("2026-11-\(day)T21:45:00+01:00"))
            ids.append(o.id)
        }
        try ledger.store.answer(occurrence: ids[0], answer: .missed, channel: .terminal, at: at("2026-11-25T08:00:00+01:00"))
        try ledger.schedule("exercise", "2026-11-25T21:00:00+01:00")

        let text = try HistoryCommand.parse(["evening-call"]).render(store: ledger.store)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[1].hasPrefix("Wed 2026-11-25  21:30  evening-call  kept"))
        #expect(lines[2].contains("Tue 2026-11-24") && lines[2].hasSuffix("called, \"late\""))
        #expect(lines[3].contains("Mon 2026-11-23") && lines[3].contains("missed*") && lines[3].contains("2026-11-25 08:00 terminal"))
        #expect(lines[4].hasPrefix("* corrected"))

        let since = try HistoryCommand.parse(["--since", "2026-11-25", "--events"]).render(store: ledger.store)
        #expect(since.contains("exercise") && since.contains("event ") && !since.contains("2026-11-24"))

        let json = try HistoryCommand.parse(["evening-call", "--json", "--limit", "2"]).render(store: ledger.store)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        #expect(parsed[0]["day"] as? String == "2026-11-25")
        #expect(parsed[1]["note"] as? String == "called, \"late\"")
        #expect(parsed[1]["answered_at"] as? String == "2026-11-24T21:45:00+01:00")
        let events = try #require(parsed[0]["events"] as? [[String: Any]])
        #expect(events.map { $0["type"] as? String } == ["scheduled", "answered"])
        #expect((events[1]["hash"] as? String)?.count == 64)

        do {
            _ = try HistoryCommand.parse(["excercise"]).render(store: ledger.store)
            Issue.record("unknown item accepted")
        } catch let error as StoreError {
            #expect(error.description.contains("items in the ledger: evening-call, exercise"))
        }
        #expect(throws: (any Error).self) { _ = try HistoryCommand.parse(["--since", "yesterday"]) }
    }

    /// A note with terminal escapes (clear the screen, retitle the window, a forged line after a
    /// CR) is shown written out in `history`; `--json` keeps it exactly.
    @Test func historyShowsControlCharactersInNotesInsteadOfObeyingThem() throws {
        let ledger = try Ledger()
        let o = try ledger.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        let note = "ok\u{1B}[2J\u{1B}]0;owned\u{07}\rverify: intact\u{9B}31m"
        try ledger.store.answer(occurrence: o.id, answer: .kept, note: note, channel: .terminal, at: at("2026-11-25T21:45:00+01:00"))
        let text = try HistoryCommand.parse(["--events"]).render(store: ledger.store)
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) })
        #expect(text.contains("ok\\x1B[2J\\x1B]0;owned\\x07\\rverify: intact\\x9B31m"))
        let json = try HistoryCommand.parse(["--json"]).render(store: ledger.store)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed[0]["note"] as? String == note)
    }

    @Test func verifySaysIntactAndPrintsTheHeadToAnchor() throws {
        let ledger = try Ledger()
        let o = try ledger.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        try ledger.store.answer(occurrence: o.id, answer: .kept, channel: .terminal, at: at("2026-11-25T21:45:00+01:00"))
        let report = try ledger.store.verify()
        let text = VerifyCommand.text(report)
        #expect(text.contains("integrity: ok"))
        #expect(text.contains("hash chain: intact, 2 events"))
        #expect(text.contains("head: 2:\(report.headHash!)"))
        #expect(text.hasSuffix("verified: the ledger is intact"))
        let anchor = try #require(VerifyCommand.parseAnchor("2:\(report.headHash!)"))
        #expect(try ledger.store.verify(anchor: anchor).isIntact)
        #expect(VerifyCommand.parseAnchor("2:abc") == nil)

        let json = try #require(try JSONSerialization.jsonObject(with: Data(VerifyCommand.json(report).utf8)) as? [String: Any])
        #expect(json["intact"] as? Bool == true)
        #expect(json["events"] as? Int == 2)
        #expect(json["first_broken_link"] is NSNull)
    }
}
