import Foundation
import SystemdKit
import Testing
import TrustCore
import TrustDesktop
import TrustStore
import TrustTestSupport

@testable import TrustDaemon

private typealias F = Fixture

/// The notification server restarting under a running (or killed and restarted) trustd, on a
/// private bus with the test server. Ids are numbered per server process, so another
/// application's notification on the new server may carry the number trustd's had on the old one.
///
/// The daemon's clock follows the real one here: whether a notification an earlier run left is
/// closed depends on when the server process really started, compared with when it was shown.
@Suite(.serialized) struct ServerRestartTests {
    /// One check-in due this minute (Berlin): the rig starts a minute before, and `prompt`
    /// moves its clock to the real now.
    static func plan(dueAt now: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = F.berlin
        f.dateFormat = "HH:mm"
        return planYAML(
            """
              - id: evening-call
                title: Call Sam
                to: Sam
                ask: Did you call Sam tonight?
                at: "\(f.string(from: now))"
                deadline: 3h
                snooze: 15m
            """)
    }

    static let ask = BusValue.string("Did you call Sam tonight?")

    /// trustd's check-in Notify calls on `server` (not other applications').
    static func checkIns(_ server: FakeNotificationServer) async throws -> [RecordedCall] {
        try await notifies(server).filter { $0.arguments[3] == ask }
    }

    static func closes(_ server: FakeNotificationServer) async throws -> [UInt32] {
        try await server.calls().filter { $0.method == "CloseNotification" }.compactMap { $0.arguments.first?.uint32Value }
    }

    /// Another application shows a notification on `server`; returns its id.
    static func otherApplication(_ app: AsyncBus, shows summary: String, on server: FakeNotificationServer) async throws
        -> UInt32
    {
        let reply = try await app.call(
            MethodCall(
                destination: server.uniqueName, path: "/org/freedesktop/Notifications",
                interface: "org.freedesktop.Notifications", member: "Notify",
                arguments: NotificationRequest(appName: "other", summary: summary).arguments))
        return try #require(reply.arguments.first?.uint32Value)
    }

    /// Starts a rig at the start of the minute before the check-in's and prompts at `shownAt`: a
    /// whole second (the ledger keeps milliseconds, and the rig's clock stands still) two
    /// seconds ahead of the real clock, so the server surely started before it at the
    /// resolution the kernel gives. Returns the rig, the check-in's notification id on
    /// `server`, and `shownAt`.
    static func prompted(on bus: PrivateBus, _ server: FakeNotificationServer) async throws -> (Rig, UInt32, Date) {
        let shownAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 2).rounded(.up))
        let minute = Date(timeIntervalSince1970: (shownAt.timeIntervalSince1970 / 60).rounded(.down) * 60)
        let rig = try Rig(plan: plan(dueAt: shownAt), at: minute.addingTimeInterval(-60), bus: bus)
        await rig.start()
        #expect(await eventually { await rig.daemon.inspect { $0.serverName } != nil })
        await rig.set(shownAt)
        #expect(try await eventually { try await checkIns(server).count == 1 })
        let id = try #require(try await checkIns(server).first?.result)
        #expect(try await eventually { try rig.occurrences().first?.notificationID?.rawValue == id })
        return (rig, id, shownAt)
    }

    /// trustd keeps running; the server restarts. The open check-in is shown to the new server
    /// exactly once, as a new notification; nothing is closed there until it is answered, and
    /// then only the new notification, never the number the old one had, which now names
    /// another application's notification.
    @Test func aRestartedServerGetsTheOpenCheckInOnceAndNoOldIdClosed() async throws {
        let bus = try await PrivateBus.start()
        let app = try await AsyncBus.connect(bus.busAddress)
        let first = try await FakeNotificationServer.start(on: bus, profile: .plasma)
        _ = try await Self.otherApplication(app, shows: "mail", on: first)  // trustd's gets id 2
        let (rig, old, shownAt) = try await Self.prompted(on: bus, first)
        #expect(old == 2)

        await first.stop()
        let second = try await FakeNotificationServer.start(on: bus, profile: .plasma)
        #expect(try await eventually { try await Self.checkIns(second).count == 1 })
        let reissue = try #require(try await Self.checkIns(second).first)
        let new = try #require(reissue.result)
        #expect(reissue.arguments[1] == .uint32(0), "a new notification, not a replacement of the old id")
        #expect(try await eventually { try rig.occurrences().first?.notificationID?.rawValue == new })
        let theirs = try await Self.otherApplication(app, shows: "chat", on: second)
        #expect(theirs == old, "the new server gave the old number to another application")

        // Once: time passes, nothing is shown again and nothing closed.
        await rig.set(shownAt.addingTimeInterval(120))
        await rig.settle()
        #expect(try await Self.checkIns(second).count == 1)
        #expect(try await Self.closes(second) == [])

        try await second.click(id: new, label: "Kept")
        #expect(try await eventually { try rig.occurrences().first?.state == .kept })
        let o = try #require(try rig.occurrences().first)
        #expect(try rig.events(o.id) == [.scheduled, .prompted, .prompted, .answered])
        await rig.stop()
        #expect(try await Self.closes(second).allSatisfy { $0 == new })
        #expect(try await !Self.closes(second).contains(theirs))
        await app.close()
        await second.stop()
        await bus.shutdown()
    }

    /// trustd is killed while its check-in shows, and started again. If the same server still
    /// runs, the notification the killed run left is closed; if the server restarted meanwhile,
    /// its id may name another application's notification: it is left alone. Either way the
    /// check-in is shown once and can be answered.
    @Test(arguments: [false, true])
    func aKilledRunsLeftoverIsClosedOnlyOnTheServerThatShowedIt(serverRestarted: Bool) async throws {
        let bus = try await PrivateBus.start()
        let app = try await AsyncBus.connect(bus.busAddress)
        var server = try await FakeNotificationServer.start(on: bus)
        let (killed, old, shownAt) = try await Self.prompted(on: bus, server)
        killed.client?.shutdown()  // as if killed: no stop(), its connection goes away

        if serverRestarted {
            // The new server starts after the notification was shown (in real time).
            while Date() <= shownAt { try await Task.sleep(for: .milliseconds(50)) }
            await server.stop()
            server = try await FakeNotificationServer.start(on: bus)
            #expect(try await Self.otherApplication(app, shows: "mail", on: server) == old)
        }
        let again = try killed.restarted(at: shownAt.addingTimeInterval(30), bus: bus)
        await again.start()
        let now = server
        #expect(try await eventually { try await Self.checkIns(now).count == (serverRestarted ? 1 : 2) })
        let new = try #require(try await Self.checkIns(server).last?.result)
        #expect(try await eventually { try again.occurrences().first?.notificationID?.rawValue == new })
        if serverRestarted {
            #expect(try await Self.closes(server) == [])
        } else {
            #expect(try await eventually { try await Self.closes(now) == [old] })
            #expect(new != old)
        }

        try await server.emitActionInvoked(id: new, key: "kept")
        #expect(try await eventually { try again.occurrences().first?.state == .kept })
        #expect(try again.occurrences().count == 1)
        await again.stop()
        if serverRestarted { #expect(try await Self.closes(server).allSatisfy { $0 == new }) }
        await app.close()
        await server.stop()
        await bus.shutdown()
    }
}
