import SystemdKit
import Testing
import TrustDesktop
import TrustTestSupport

/// `NotificationClient.closeOnce` (what `trustctl answer` uses): its own short-lived
/// connection, the server's answer or a typed failure, never a hang.
@Suite struct CloseOnceTests {
    /// Blocking, as in trustctl: off the cooperative pool.
    static func closeOnce(_ id: NotificationID, on address: BusAddress, timeout: Duration = .seconds(1)) async throws
        -> Result<Void, NotifierError>
    {
        try await onOwnThread { NotificationClient.closeOnce(id, address: address, timeout: timeout) }
    }

    @Test func closesAnotherClientsNotificationAndThatClientHearsOfIt() async throws {
        try await DesktopHarness.with { h in
            let id = try await h.client.notify(NotificationRequest(summary: "s"))
            let shown = try #require(try await h.server!.calls().first { $0.method == "Notify" })
            let result = try await Self.closeOnce(id, on: h.bus.busAddress)
            #expect((try? result.get()) != nil, "\(result)")
            let close = try #require(try await h.server!.calls().first { $0.method == "CloseNotification" })
            #expect(close.arguments == [.uint32(id.rawValue)])
            #expect(close.sender != shown.sender, "over a connection of its own")
            // The daemon's client learns that its prompt went away.
            _ = try await h.events.first { $0 == .closed(id, .closedByCall) }
        }
    }

    @Test func noServerIsANoServerFailure() async throws {
        let bus = try await PrivateBus.start()
        let result = try await Self.closeOnce(NotificationID(1), on: bus.busAddress)
        await bus.shutdown()
        guard case .failure(let error) = result else {
            Issue.record("closing with no server succeeded")
            return
        }
        #expect(error.kind == .noServer)
        #expect(error.message.hasPrefix("CloseNotification to org.freedesktop.Notifications failed: "))
    }

    @Test func noBusIsANoBusFailure() async throws {
        let dir = try TemporaryDirectory.make(prefix: "trustd-nobus")
        let result = try await Self.closeOnce(NotificationID(1), on: .address("unix:path=\(dir)/bus"))
        guard case .failure(let error) = result else {
            Issue.record("closing on a missing bus succeeded")
            return
        }
        #expect(error.kind == .noBus)
    }

    /// A server that owns the name but does not answer: a timeout after `timeout`, not a hang
    /// and not "no bus".
    @Test func aServerThatDoesNotAnswerIsATimeout() async throws {
        let bus = try await PrivateBus.start()
        let server = try await FakeNotificationServer.start(on: bus)
        server.suspend()
        let start = ContinuousClock.now
        let result = try await Self.closeOnce(NotificationID(1), on: bus.busAddress, timeout: .milliseconds(300))
        let elapsed = ContinuousClock.now - start
        server.resume()
        await server.stop()
        await bus.shutdown()
        guard case .failure(let error) = result else {
            Issue.record("a frozen server answered")
            return
        }
        #expect(error.kind == .timeout, "\(error)")
        #expect(error.message.hasPrefix("CloseNotification to org.freedesktop.Notifications failed: "))
        #expect(elapsed >= .milliseconds(250) && elapsed < .seconds(5), "gave up after \(elapsed)")
    }
}
