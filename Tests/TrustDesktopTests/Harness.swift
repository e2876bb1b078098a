import Dispatch
import SystemdKit
import TrustDesktop
import TrustTestSupport

/// A private bus, the test notification server on it, and our client connected to it.
struct DesktopHarness {
    let bus: PrivateBus
    var server: FakeNotificationServer?
    let client: NotificationClient
    let events: Mailbox<NotifierEvent>

    static let fastBackoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(200))

    /// Runs `body` with a started client (after its first event) and always cleans up.
    static func with(
        capabilities: [String]? = FakeNotificationServer.fullCapabilities,
        _ body: (inout DesktopHarness) async throws -> Void
    ) async throws {
        let bus = try await PrivateBus.start()
        var harness: DesktopHarness?
        do {
            let server = try await capabilities.asyncMap { try await FakeNotificationServer.start(on: bus, capabilities: $0) }
            let client = NotificationClient(
                address: bus.busAddress, deliveryQueue: DispatchQueue(label: "test.delivery"), backoff: fastBackoff,
                callTimeout: .seconds(30))  // no test here waits it out: only a slow machine would reach it
            let events = Mailbox<NotifierEvent>()
            client.setEventHandler { events.post($0) }
            client.start()
            harness = DesktopHarness(bus: bus, server: server, client: client, events: events)
            _ = try await events.first { if case .busLost = $0 { false } else { true } }
            try await body(&harness!)
        } catch {
            await harness?.tearDown()
            await bus.shutdown()
            throw error
        }
        await harness?.tearDown()
        await bus.shutdown()
    }

    func tearDown() async {
        client.shutdown()
        await server?.stop()
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
        switch self {
        case .some(let w): try await transform(w)
        case .none: nil
        }
    }
}

extension NotifierEvent {
    var isServerAppeared: Bool { if case .serverAppeared = self { true } else { false } }
    var appearedServer: NotificationServer? { if case .serverAppeared(let s) = self { s } else { nil } }
    var isBusLost: Bool { if case .busLost = self { true } else { false } }
}
