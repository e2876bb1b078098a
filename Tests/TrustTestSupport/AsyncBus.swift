import Dispatch
import SystemdKit

/// A `Bus` on its own queue with async methods, for tests that act as another client on a
/// private bus (driving the test server, forging signals).
public final class AsyncBus: @unchecked Sendable {
    // Confinement: `bus` is only touched on `queue`.
    public let queue = DispatchQueue(label: "trustd.test.bus")
    private var bus: Bus?

    public static func connect(_ address: BusAddress) async throws -> AsyncBus {
        let client = AsyncBus()
        try await client.onQueue { () throws(BusError) in
            client.bus = try Bus.open(address, queue: client.queue)
        }
        return client
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws(BusError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { c in
            queue.async {
                do { c.resume(returning: try body()) } catch { c.resume(throwing: error) }
            }
        }
    }

    public func call(_ call: MethodCall) async throws -> BusMessage {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<BusMessage, any Error>) in
            queue.async {
                guard let bus = self.bus else {
                    c.resume(throwing: BusError.notConnected(call.operation))
                    return
                }
                bus.call(call) { c.resume(with: $0.mapError { $0 as any Error }) }
            }
        }
    }

    public func emit(_ signal: SignalEmission) async throws {
        try await onQueue { () throws(BusError) in
            guard let bus = self.bus else { throw BusError.notConnected("emit") }
            try bus.emit(signal)
        }
    }

    /// A round trip to the bus daemon: every message this connection sent before has been
    /// routed when it returns.
    public func sync() async throws {
        _ = try await call(
            MethodCall(
                destination: "org.freedesktop.DBus", path: "/org/freedesktop/DBus",
                interface: "org.freedesktop.DBus", member: "GetId"))
    }

    /// Subscribes to signals matching `rule`; returns once the bus has accepted the rule.
    public func subscribe(_ rule: MatchRule) async throws -> Mailbox<BusMessage> {
        let box = Mailbox<BusMessage>()
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            queue.async {
                guard let bus = self.bus else {
                    c.resume(throwing: BusError.notConnected("subscribe"))
                    return
                }
                do {
                    try bus.addMatch(rule, installed: { c.resume(with: $0.mapError { $0 as any Error }) }) { box.post($0) }
                } catch {
                    c.resume(throwing: error)
                }
            }
        }
        return box
    }

    public func close() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            queue.async {
                self.bus?.close()
                self.bus = nil
                c.resume()
            }
        }
    }
}
