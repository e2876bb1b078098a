import Foundation
import SystemdKit
import Testing
import TrustCore
import TrustDesktop
import TrustStore
import TrustTestSupport

@testable import TrustDaemon

private typealias F = Fixture

/// What follows an answer or a deadline updates the check-in's notification in place
/// (`replaces_id`), on the test server behaving like each real one, instead of closing it and
/// sending another.
@Suite(.serialized) struct InPlaceTests {
    /// Call Sam at 19:00, celebrated at a streak of 2.
    static let plan = planYAML(
        """
          - id: evening-call
            title: Call Sam
            to: Sam
            ask: Did you call Sam tonight?
            at: "19:00"
            deadline: 3h
            celebrate: [2]
        """)

    static func closes(_ server: FakeNotificationServer) async throws -> [UInt32] {
        try await server.calls().filter { $0.method == "CloseNotification" }.compactMap { $0.arguments.first?.uint32Value }
    }

    /// A private bus, the test server behaving like `profile`, and a started rig.
    static func start(_ profile: FakeNotificationServer.Profile, at: String) async throws
        -> (PrivateBus, FakeNotificationServer, Rig)
    {
        let bus = try await PrivateBus.start()
        let server = try await FakeNotificationServer.start(on: bus, profile: profile)
        let rig = try Rig(plan: plan, at: F.at(at), bus: bus)
        await rig.start()
        #expect(await eventually { await rig.daemon.inspect { $0.serverName } != nil })
        return (bus, server, rig)
    }

    /// Shows the check-in of `day` at 19:00; returns its notification id once the ledger has it.
    static func prompted(_ rig: Rig, _ server: FakeNotificationServer, day: String, count: Int) async throws -> UInt32 {
        await rig.set(F.at("\(day) 19:00"))
        #expect(try await eventually { try await notifies(server).count == count })
        let id = try #require(try await notifies(server).last?.result)
        #expect(try await eventually { try rig.occurrences().last?.notificationID?.rawValue == id })
        return id
    }

    /// Kept on two days: the first answer closes its notification; the second reaches the
    /// milestone, and the celebration replaces the answered notification (same id, no buttons),
    /// which is never closed. `resident` went with the prompt where the server keeps
    /// notifications, so it was still there to be replaced.
    @Test(arguments: [FakeNotificationServer.Profile.gnome, .plasma, .dunst])
    func theCelebrationReplacesTheAnsweredNotification(profile: FakeNotificationServer.Profile) async throws {
        let (bus, server, rig) = try await Self.start(profile, at: "2026-11-24 18:59")
        let first = try await Self.prompted(rig, server, day: "2026-11-24", count: 1)
        try await server.click(id: first, label: "Kept")
        #expect(try await eventually { try await Self.closes(server) == [first] })

        let second = try await Self.prompted(rig, server, day: "2026-11-25", count: 2)
        let prompt = try #require(try await notifies(server).last)
        #expect(prompt.hints["resident"] == (profile == .dunst ? nil : .variant(.bool(true))))
        try await server.click(id: second, label: "Kept")
        #expect(try await eventually { try await notifies(server).count == 3 })
        let celebration = try #require(try await notifies(server).last)
        #expect(celebration.arguments[1] == .uint32(second))
        #expect(celebration.arguments[3] == .string("2 check-ins in a row: Call Sam"))
        #expect(celebration.arguments[5] == .strings([]))
        #expect(celebration.result == second)
        await rig.settle()
        #expect(try await Self.closes(server) == [first])
        #expect(try rig.occurrences().last?.state == .kept)
        await rig.stop()
        await server.stop()
        await bus.shutdown()
    }

    /// Answered from the terminal (another process) while the notification shows: the
    /// celebration takes its place as well.
    @Test func aMilestoneAnsweredElsewhereReplacesTheShowingNotification() async throws {
        let (bus, server, rig) = try await Self.start(.plasma, at: "2026-11-24 18:59")
        let first = try await Self.prompted(rig, server, day: "2026-11-24", count: 1)
        try await server.click(id: first, label: "Kept")
        let second = try await Self.prompted(rig, server, day: "2026-11-25", count: 2)
        let o = try #require(try rig.occurrences().last)
        _ = try rig.store.answer(occurrence: o.id, answer: .kept, channel: .terminal)
        try await rig.ledgerWritten()
        #expect(try await eventually { try await notifies(server).count == 3 })
        let celebration = try #require(try await notifies(server).last)
        #expect(celebration.arguments[1] == .uint32(second))
        #expect(celebration.arguments[3] == .string("2 check-ins in a row: Call Sam"))
        await rig.settle()
        #expect(try await Self.closes(server) == [first])
        await rig.stop()
        #expect(try await Self.closes(server) == [first], "nothing left on the board to close at the stop")
        await server.stop()
        await bus.shutdown()
    }

    /// No answer by the deadline: the notification says so in place (same id, no buttons,
    /// `transient`, a 10 s expiry) rather than vanishing.
    @Test(arguments: [FakeNotificationServer.Profile.gnome, .plasma, .dunst, .noActions])
    func theDeadlineSaysUnansweredInPlace(profile: FakeNotificationServer.Profile) async throws {
        let (bus, server, rig) = try await Self.start(profile, at: "2026-11-24 18:59")
        let id = try await Self.prompted(rig, server, day: "2026-11-24", count: 1)
        await rig.set(F.at("2026-11-24 22:00"))
        #expect(try await eventually { try rig.occurrences().first?.state == .unanswered })
        #expect(try await eventually { try await notifies(server).count == 2 })
        let notice = try #require(try await notifies(server).last)
        #expect(notice.arguments[1] == .uint32(id))
        #expect(notice.arguments[3] == .string("Recorded as unanswered"))
        #expect(notice.arguments[5] == .strings([]))
        #expect(notice.arguments[7] == .int32(10_000))
        #expect(notice.hints["transient"] == .variant(.bool(true)))
        #expect(try await Self.closes(server) == [])
        await rig.stop()
        await server.stop()
        await bus.shutdown()
    }
}
