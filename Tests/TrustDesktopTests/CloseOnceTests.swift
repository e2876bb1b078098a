import Foundation
import SystemdKit
import Testing
import TrustCore
import TrustDesktop
import TrustTestSupport

/// `NotificationClient.closeOnce` (what `trustctl answer` uses): its own short-lived
/// connection, the server's answer or a typed failure, never a hang.
@Suite struct CloseOnceTests {
    /// Blocking, as in trustctl: off the cooperative pool, and not queued behind the calendar
    /// tests' heavy work (the timeout test measures this call). Only the timeout test gives a
    /// short `timeout`: the others check what the bus or the server answered, which a loaded
    /// machine may take more than trustctl's 1 s to deliver.
    static func closeOnce(_ id: NotificationID, on address: BusAddress, timeout: Duration = .seconds(30)) async throws
        -> Result<Void, NotifierError>
    {
        try await onBlockingThread { NotificationClient.closeOnce(id, address: address, timeout: timeout) }
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

    /// Closing never starts a notification server, neither `closeOnce` nor the client's
    /// `close`; showing one does (the control: this bus does activate). The service file runs a
    /// script that leaves a mark and exits without taking the name (the bus gives up after 1 s).
    @Test func closingNeverActivatesAServer() async throws {
        let services = try TemporaryDirectory.make(prefix: "trustd-services")
        defer { try? FileManager.default.removeItem(atPath: services) }
        let mark = services + "/activated"
        try """
            [D-BUS Service]
            Name=org.freedesktop.Notifications
            Exec=/bin/sh -c 'echo started >> \(mark)'

            """.write(toFile: services + "/org.freedesktop.Notifications.service", atomically: true, encoding: .utf8)
        let bus = try await PrivateBus.start(serviceDirectory: services)
        let client = NotificationClient(
            address: bus.busAddress, deliveryQueue: DispatchQueue(label: "test.delivery"), callTimeout: .seconds(30))
        let events = Mailbox<NotifierEvent>()
        client.setEventHandler { events.post($0) }
        client.start()
        // Starting asks for the server's information, which may activate one: it fails here.
        _ = try await events.first { $0 == .serverVanished }
        try? FileManager.default.removeItem(atPath: mark)

        let once = try await Self.closeOnce(NotificationID(1), on: bus.busAddress)
        // An id this client was never given is not sent at all (it may be another application's).
        try await client.close(NotificationID(1))
        let activatedByClosing = FileManager.default.fileExists(atPath: mark)
        let notify = await #expect(throws: NotifierError.self) { try await client.notify(NotificationRequest(summary: "s")) }
        let activatedByNotify = FileManager.default.fileExists(atPath: mark)
        client.shutdown()
        await bus.shutdown()

        #expect(!activatedByClosing)
        #expect(activatedByNotify, "the control: Notify may start a server")
        guard case .failure(let error) = once else {
            Issue.record("closeOnce succeeded without a server")
            return
        }
        #expect(error.kind == .noServer, "\(error)")
        #expect(notify?.kind == .timeout, "the activated service never takes the name: \(String(describing: notify))")
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
