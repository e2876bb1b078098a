import Foundation
import SystemdKit
import Testing
import TrustCore
import TrustDesktop
import TrustStore
import TrustTestSupport

@testable import TrustDaemon

private typealias F = Fixture

/// One commitment at 19:00 (shared with DesktopProfileTests).
let busPlan = planYAML(
    """
      - id: evening-call
        title: Call Sam
        to: Sam
        ask: Did you call Sam tonight?
        at: "19:00"
        deadline: 3h
        snooze: 15m
    """)

func notifies(_ server: FakeNotificationServer) async throws -> [RecordedCall] {
    try await server.calls().filter { $0.method == "Notify" }
}

private func closes(_ server: FakeNotificationServer) async throws -> [UInt32] {
    try await server.calls().filter { $0.method == "CloseNotification" }.compactMap { $0.arguments.first?.uint32Value }
}

/// A private bus, the test server on it (behaving like `profile`, if given), and a started rig at
/// 18:59 that has found the server.
struct OnBus {
    let bus: PrivateBus
    let server: FakeNotificationServer
    let rig: Rig

    init(profile: FakeNotificationServer.Profile? = nil) async throws {
        bus = try await PrivateBus.start()
        server = try await FakeNotificationServer.start(on: bus, profile: profile)
        rig = try Rig(plan: busPlan, at: F.at("2026-11-25 18:59"), bus: bus)
        await rig.start()
        // The rig is ready after a short grace even before the server's answer arrives (a
        // loaded machine): wait for it, so the first check-in goes to the desktop.
        let rig = self.rig
        #expect(await eventually { await rig.daemon.inspect { $0.serverName } != nil })
    }

    /// Sets the clock to the 19:00 check-in and returns its notification id, once the server
    /// has shown it and the ledger records it.
    func prompted() async throws -> UInt32 {
        await rig.set(F.at("2026-11-25 19:00"))
        #expect(try await eventually { try await notifies(server).count == 1 })
        let id = try #require(try await notifies(server).first?.result)
        #expect(try await eventually { try rig.occurrences().first?.notificationID?.rawValue == id })
        return id
    }

    func tearDown() async {
        await rig.stop()
        await server.stop()
        await bus.shutdown()
    }
}

/// The daemon with the real notification client on a private `dbus-daemon`, talking to the
/// test notification server; the clock is still the test's.
@Suite(.serialized) struct BusIntegrationTests {
    @Test func aPromptOnTheBusAndItsAnswersRoundTrip() async throws {
        let on = try await OnBus()
        let (server, rig) = (on.server, on.rig)
        let id = try await on.prompted()
        let call = try #require(try await notifies(server).first)
        #expect(call.signature == "susssasa{sv}i")
        #expect(call.arguments[3] == .string("Did you call Sam tonight?"))
        #expect(
            call.arguments[5]
                == .strings([
                    "kept", "Kept", "missed", "Missed", "skipped", "Skip", "snooze", "Snooze 15 min", "inline-reply", "Note",
                ]))
        #expect(call.hints["category"] == .variant(.string("x-trustd.check-in")))
        #expect(call.arguments[7] == .int32(0))

        // Snooze, then the re-show replaces the notification in place.
        await rig.set(F.at("2026-11-25 19:05"))
        try await server.emitActionInvoked(id: id, key: "snooze")
        #expect(try await eventually { try rig.occurrences().first?.snoozedUntil == F.at("2026-11-25 19:20") })
        // It says so in place (no close), then the re-show replaces it again.
        #expect(try await eventually { try await notifies(server).count == 2 })
        #expect(try await notifies(server)[1].arguments[1] == .uint32(id))
        #expect(try await notifies(server)[1].arguments[5] == .strings([]))
        await rig.set(F.at("2026-11-25 19:20"))
        #expect(try await eventually { try await notifies(server).count == 3 })
        #expect(try await notifies(server)[2].arguments[1] == .uint32(id))
        #expect(try await closes(server) == [])

        // Kept: committed, then the notification is closed.
        try await server.emitActionInvoked(id: id, key: "kept")
        #expect(try await eventually { try rig.occurrences().first?.state == .kept })
        #expect(try rig.occurrences().first?.answerChannel == .notification)
        #expect(try await eventually { try await closes(server) == [id] })
        await on.tearDown()
    }

    @Test func anInlineReplyIsANoteNeverAnAnswer() async throws {
        let on = try await OnBus()
        let (server, rig) = (on.server, on.rig)
        let id = try await on.prompted()
        try await server.emitNotificationReplied(id: id, text: "on the train, will call at 20:00")
        #expect(try await eventually { try rig.occurrences().first?.note == "on the train, will call at 20:00" })
        #expect(try rig.occurrences().first?.state == .pending)
        try await server.emitNotificationReplied(id: id, text: "kept called from the station")
        #expect(try await eventually { try rig.occurrences().first?.note == "kept called from the station" })
        #expect(try rig.occurrences().first?.state == .pending)
        await on.tearDown()
    }

    /// A clean stop closes what it shows and disconnects only once the server has the close:
    /// when `stop` returns, the server has recorded it (no waiting here).
    @Test func aCleanStopClosesWhatItShowsBeforeDisconnecting() async throws {
        let on = try await OnBus()
        let id = try await on.prompted()
        await on.rig.stop()
        #expect(try await closes(on.server) == [id])
        #expect(try on.rig.occurrences().first?.state == .pending)
        await on.tearDown()  // a second stop does nothing
    }

    /// No server: prompts go to the journal and the ledger. A server that appears later gets the
    /// open check-in; one that goes away and returns gets it again.
    @Test func theNotificationServerVanishingAndReturning() async throws {
        let bus = try await PrivateBus.start()
        let rig = try Rig(plan: busPlan, at: F.at("2026-11-25 18:59"), bus: bus)
        await rig.start()
        #expect(await rig.daemon.inspect { $0.serverName } == nil)
        await rig.set(F.at("2026-11-25 19:00"))
        #expect(try await eventually { try rig.occurrences().first?.notificationID == nil && rig.occurrences().first.map { $0.promptCount } == 1 })
        #expect(rig.logs.text.contains("No notification server on the session bus"))

        let server = try await FakeNotificationServer.start(on: bus)
        #expect(try await eventually { try await notifies(server).count == 1 })
        let first = try #require(try await notifies(server).first?.result)
        #expect(try await eventually { try rig.occurrences().first?.notificationID?.rawValue == first })

        await server.stop()
        #expect(await eventually { await rig.daemon.inspect { $0.serverName } == nil })
        let again = try await FakeNotificationServer.start(on: bus)
        #expect(try await eventually { try await notifies(again).count == 1 })
        let second = try #require(try await notifies(again).first?.result)
        try await again.emitActionInvoked(id: second, key: "missed")
        #expect(try await eventually { try rig.occurrences().first?.state == .missed })
        let o = try #require(try rig.occurrences().first)
        #expect(try rig.events(o.id) == [.scheduled, .prompted, .prompted, .prompted, .answered])
        await rig.stop()
        await again.stop()
        await bus.shutdown()
    }

    /// The session bus itself dies and comes back: the schedule goes on, the client reconnects.
    @Test func theBusDyingAndComingBack() async throws {
        let bus = try await PrivateBus.start()
        let server = try await FakeNotificationServer.start(on: bus)
        let rig = try Rig(plan: busPlan, at: F.at("2026-11-25 18:59"), bus: bus)
        await rig.start()
        await server.stop()
        await bus.stop()
        #expect(await eventually { rig.logs.text.contains("Lost the session bus") || rig.logs.text.contains("No notification server") })
        await rig.set(F.at("2026-11-25 19:00"))
        #expect(try await eventually { try rig.occurrences().first?.promptCount == 1 })
        #expect(try rig.occurrences().first?.notificationID == nil)
        try await bus.restart()
        let back = try await FakeNotificationServer.start(on: bus)
        #expect(try await eventually(15) { try await notifies(back).count == 1 })
        await rig.stop()
        await back.stop()
        await bus.shutdown()
    }
}
