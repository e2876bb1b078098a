import Dispatch
import SystemdKit
import Testing
import TrustTestSupport

/// The sd-bus wrapper on a real private bus with the real test server.
@Suite struct BusTests {
    static let notifications = (name: "org.freedesktop.Notifications", path: "/org/freedesktop/Notifications")

    func getServerInformation(autoStart: Bool = false) -> MethodCall {
        MethodCall(
            destination: Self.notifications.name, path: Self.notifications.path,
            interface: "org.freedesktop.Notifications", member: "GetServerInformation", autoStart: autoStart)
    }

    @Test func callsAMethodAndReadsTypedReply() async throws {
        let bus = try await PrivateBus.start()
        let server = try await FakeNotificationServer.start(on: bus, name: "fake", vendor: "acme", version: "2.1")
        let client = try await AsyncBus.connect(bus.busAddress)
        let reply = try await client.call(getServerInformation())
        #expect(reply.signature == "ssss")
        #expect(reply.arguments == [.string("fake"), .string("acme"), .string("2.1"), .string("1.3")])
        #expect(reply.sender == server.uniqueName)
        await client.close()
        await server.stop()
        await bus.shutdown()
    }

    @Test func serviceUnknownIsATypedErrorNamingTheCall() async throws {
        let bus = try await PrivateBus.start()
        let client = try await AsyncBus.connect(bus.busAddress)
        let error = await #expect(throws: BusError.self) { try await client.call(getServerInformation(autoStart: true)) }
        #expect(error?.kind == .serviceUnknown)
        #expect(error?.name == "org.freedesktop.DBus.Error.ServiceUnknown")
        #expect(error?.description.hasPrefix("GetServerInformation to org.freedesktop.Notifications failed: ") == true)
        #expect(error?.description.hasSuffix("(org.freedesktop.DBus.Error.ServiceUnknown)") == true)
        await client.close()
        await bus.shutdown()
    }
}
