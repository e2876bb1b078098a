import Dispatch
import Synchronization
import SystemdKit

extension NotificationClient {
    /// Withdraws one notification over a short-lived connection and waits (at most `timeout`)
    /// for the server's reply: for `trustctl answer`, which closes the prompt of the check-in
    /// it answered even when trustd is not running to do it. Never starts a notification
    /// server (no bus activation). Blocks the calling thread; do not call it on a queue the
    /// bus work could need.
    public static func closeOnce(
        _ id: NotificationID, address: BusAddress = .session, timeout: Duration = .seconds(1)
    ) -> Result<Void, NotifierError> {
        let queue = DispatchQueue(label: "trustctl.close-notification")
        let outcome = OnceBox<Result<Void, NotifierError>>()
        let done = DispatchSemaphore(value: 0)
        // Confinement: `bus` lives and dies on `queue`.
        queue.async {
            let bus: Bus
            do throws(BusError) {
                bus = try Bus.open(address, queue: queue)
            } catch {
                outcome.set(.failure(NotifierError(error)))
                done.signal()
                return
            }
            let call = MethodCall(
                destination: name, path: path, interface: interface, member: "CloseNotification",
                arguments: [.uint32(id.rawValue)], autoStart: false, timeout: timeout)
            bus.call(call) { result in
                outcome.set(result.map { _ in () }.mapError(NotifierError.init))
                done.signal()
                queue.async { bus.close() }  // not from inside sd_bus_process
            }
        }
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        if done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds) + 100_000_000)) == .timedOut {
            return .failure(NotifierError(BusError.notConnected("CloseNotification to \(name)", "no reply in time")))
        }
        return outcome.get() ?? .success(())
    }
}

/// A value set once on one thread and read on another.
private final class OnceBox<T: Sendable>: Sendable {
    private let value = Mutex<T?>(nil)
    func set(_ v: T) { value.withLock { if $0 == nil { $0 = v } } }
    func get() -> T? { value.withLock { $0 } }
}
