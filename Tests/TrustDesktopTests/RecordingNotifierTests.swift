import Dispatch
import Testing
import TrustCore
import TrustDesktop
import TrustTestSupport

/// The test double keeps the `Notifier` contract the daemon's tests rely on.
@Suite struct RecordingNotifierTests {
    @Test func recordsRequestsAndPlaysTheServerOnTheDeliveryQueue() async throws {
        let queue = DispatchQueue(label: "test.daemon")
        let notifier = RecordingNotifier(deliveryQueue: queue)
        let events = Mailbox<NotifierEvent>()
        notifier.setEventHandler { event in
            dispatchPrecondition(condition: .onQueue(queue))
            events.post(event)
        }
        notifier.start()
        let server = try await events.first { _ in true }
        #expect(server.appearedServer?.capabilities.actions == true)

        let a = try await notifier.notify(NotificationRequest(summary: "a"))
        let b = try await notifier.notify(NotificationRequest(summary: "b"))
        let again = try await notifier.notify(NotificationRequest(replaces: a, summary: "a2"))
        #expect([a, b, again] == [NotificationID(1), NotificationID(2), NotificationID(1)])
        #expect(notifier.requests.map(\.summary) == ["a", "b", "a2"])

        notifier.simulate(.actionInvoked(b, action: "kept"))
        _ = try await events.first { $0 == .actionInvoked(b, action: "kept") }
        try await notifier.close(a)
        #expect(notifier.closed == [a])
    }

    @Test func failuresAndAMissingServerAreErrors() async throws {
        let notifier = RecordingNotifier(deliveryQueue: DispatchQueue(label: "test.daemon"), server: nil)
        let noServer = await #expect(throws: NotifierError.self) { try await notifier.notify(NotificationRequest(summary: "s")) }
        #expect(noServer?.kind == .noServer)
        notifier.simulate(.serverAppeared(RecordingNotifier.server(capabilities: ["body"])))
        #expect(try await notifier.server()?.capabilities.actions == false)
        notifier.failCalls(with: NotifierError(kind: .timeout, message: "Notify timed out"))
        let failed = await #expect(throws: NotifierError.self) { try await notifier.notify(NotificationRequest(summary: "s")) }
        #expect(failed?.kind == .timeout)
        notifier.failCalls(with: nil)
        #expect(try await notifier.notify(NotificationRequest(summary: "s")) == NotificationID(1))
    }
}
