import Foundation
import SystemdKit
import Testing
import TrustCore
import TrustDesktop
import TrustStore
import TrustTestSupport

@testable import TrustDaemon

private typealias F = Fixture

/// A person's way to an answer on one server: the labels clicked in order ("<body>": a click on
/// the body), and what the ledger then says.
struct AnswerPath: Sendable, CustomTestStringConvertible {
    var profile: FakeNotificationServer.Profile
    var clicks: [String]
    var outcome: String
    var testDescription: String { "\(profile.rawValue): \(clicks.joined(separator: " → ")) = \(outcome)" }
}

@Suite(.serialized) struct DesktopProfileTests {
    /// Every answer is reachable on every server that has actions, through what it draws.
    @Test(arguments: [
        AnswerPath(profile: .gnome, clicks: ["Kept"], outcome: "kept"),
        AnswerPath(profile: .gnome, clicks: ["Missed"], outcome: "missed"),
        AnswerPath(profile: .gnome, clicks: ["More…", "Skip"], outcome: "skipped"),
        AnswerPath(profile: .gnome, clicks: ["More…", "Snooze 15 min"], outcome: "snoozed"),
        AnswerPath(profile: .gnome, clicks: ["<body>", "Skip"], outcome: "skipped"),
        AnswerPath(profile: .gnome, clicks: ["More…", "Back", "Missed"], outcome: "missed"),
        AnswerPath(profile: .plasma, clicks: ["Kept"], outcome: "kept"),
        AnswerPath(profile: .plasma, clicks: ["Missed"], outcome: "missed"),
        AnswerPath(profile: .plasma, clicks: ["Skip"], outcome: "skipped"),
        AnswerPath(profile: .plasma, clicks: ["Snooze 15 min"], outcome: "snoozed"),
        AnswerPath(profile: .dunst, clicks: ["Kept"], outcome: "kept"),
        AnswerPath(profile: .dunst, clicks: ["Missed"], outcome: "missed"),
        AnswerPath(profile: .dunst, clicks: ["Skip"], outcome: "skipped"),
        AnswerPath(profile: .dunst, clicks: ["Snooze 15 min"], outcome: "snoozed"),
    ])
    func everyAnswerIsReachable(path: AnswerPath) async throws {
        let on = try await OnBus(profile: path.profile)
        let (server, rig) = (on.server, on.rig)
        var id = try await on.prompted()
        for (n, label) in path.clicks.enumerated() {
            let before = try await notifies(on.server).count
            if label == "<body>" {
                try await server.clickBody(id: id)
            } else {
                try await server.click(id: id, label: label)
            }
            if n < path.clicks.count - 1 {
                // A page turn: a new notification (a new banner), the clicked one closed, nothing
                // recorded.
                #expect(try await eventually { try await notifies(on.server).count == before + 1 })
                let page = try #require(try await notifies(on.server).last)
                #expect(page.arguments[1] == .uint32(0))
                let old = id
                id = try #require(page.result)
                #expect(try await eventually { try await on.server.calls().contains { $0.method == "CloseNotification" && $0.arguments == [.uint32(old)] } })
                #expect(try rig.occurrences().first?.state == .pending)
            }
        }
        let o = { try #require(try rig.occurrences().first) }
        switch path.outcome {
        case "snoozed":
            #expect(try await eventually { try o().snoozedUntil == F.at("2026-11-25 19:15") })
        default:
            #expect(try await eventually { try o().state.rawValue == path.outcome })
            #expect(try o().answerChannel == .notification)
        }
        await on.tearDown()
    }

    /// GNOME draws three buttons: the Notify carries Kept / Missed / More… (and the body click),
    /// `resident`, and the identity hints; Skip is not on the first page, More… shows it in a new
    /// notification and closes the first.
    @Test func gnomeGetsKeptMissedMoreAndANewNotificationPerPage() async throws {
        let on = try await OnBus(profile: .gnome)
        let server = on.server
        let id = try await on.prompted()
        let first = try #require(try await notifies(on.server).first)
        #expect(first.arguments[5] == .strings(["kept", "Kept", "missed", "Missed", "more", "More…", "default", "More"]))
        #expect(first.hints["resident"] == .variant(.bool(true)))
        #expect(first.hints["desktop-entry"] == .variant(.string("trustd")))
        #expect(first.hints["image-path"] == .variant(.string("trustd")))
        #expect(first.hints["x-kde-reply-placeholder-text"] == nil)
        #expect(try await server.drawn(id: id) == ["Kept", "Missed", "More…"])
        await #expect(throws: (any Error).self) { try await server.click(id: id, label: "Skip") }
        try await server.click(id: id, label: "More…")
        #expect(try await eventually { try await notifies(on.server).count == 2 })
        let second = try #require(try await notifies(on.server).last?.result)
        #expect(second != id)
        #expect(try await server.drawn(id: second) == ["Skip", "Snooze 15 min", "Back"])
        #expect(try await eventually { try await server.calls().filter { $0.method == "CloseNotification" }.map(\.arguments) == [[.uint32(id)]] })
        await on.tearDown()
    }

    /// Plasma offers inline-reply: the reply field's text is a note, never an answer, and a
    /// reply forged by another client (broadcast or sent straight to trustd) is ignored.
    @Test func plasmaRepliesBecomeNotesAndForgedOnesAreIgnored() async throws {
        let on = try await OnBus(profile: .plasma)
        let (server, rig, bus) = (on.server, on.rig, on.bus)
        let id = try await on.prompted()
        let first = try #require(try await notifies(on.server).first)
        #expect(
            first.arguments[5]
                == .strings([
                    "kept", "Kept", "missed", "Missed", "skipped", "Skip", "snooze", "Snooze 15 min", "inline-reply", "Note",
                ]))
        #expect(first.hints["x-kde-reply-placeholder-text"] == .variant(.string(CheckInPrompt.replyPlaceholder)))

        let forger = try await AsyncBus.connect(bus.busAddress)
        let forged = SignalEmission(
            path: "/org/freedesktop/Notifications", interface: "org.freedesktop.Notifications",
            member: "NotificationReplied", arguments: [.uint32(id), .string("kept (forged)")])
        try await forger.emit(forged)
        var direct = forged
        direct.destination = first.sender
        try await forger.emit(direct)
        try await forger.sync()

        // Starts with "no" and with an answer word: still only a note.
        try await server.reply(id: id, text: "no time yet, kept waiting for the train")
        #expect(try await eventually { try rig.occurrences().first?.note == "no time yet, kept waiting for the train" })
        let o = try #require(try rig.occurrences().first)
        #expect(o.state == .pending)
        #expect(try rig.events(o.id) == [.scheduled, .prompted, .noted])
        await forger.close()
        await on.tearDown()
    }

    /// dunst: four actions (its menu lists them), no reply field, no resident hint.
    @Test func dunstGetsAllFourInItsMenu() async throws {
        let on = try await OnBus(profile: .dunst)
        let id = try await on.prompted()
        let first = try #require(try await notifies(on.server).first)
        #expect(first.arguments[5] == .strings(["kept", "Kept", "missed", "Missed", "skipped", "Skip", "snooze", "Snooze 15 min"]))
        #expect(first.hints["resident"] == nil)
        await #expect(throws: (any Error).self) { try await on.server.reply(id: id, text: "a note") }
        await on.tearDown()
    }

    /// Without `actions`: nothing to click; the body names the command that answers.
    @Test func aServerWithoutActionsGetsTheCommand() async throws {
        let on = try await OnBus(profile: .noActions)
        let id = try await on.prompted()
        let first = try #require(try await notifies(on.server).first)
        #expect(first.arguments[5] == .strings([]))
        #expect(first.arguments[4].stringValue?.contains("trustctl answer evening-call kept") == true)
        #expect(try await on.server.drawn(id: id) == [])
        await on.tearDown()
    }
}
