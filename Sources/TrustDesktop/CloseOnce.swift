import Dispatch
import SystemdKit
import TrustCore

extension NotificationClient {
    /// Withdraws one notification over a short-lived connection and waits (at most `timeout`)
    /// for the server's reply: for `trustctl answer`, which closes the prompt of the check-in
    /// it answered even when trustd is not running to do it. Never starts a notification
    /// server (no bus activation). Blocks the calling thread; do not call it on a queue the
    /// bus work could need.
    ///
    /// A server that does not answer in time is a `.timeout` failure, no server a `.noServer`
    /// one, no bus `.noBus`.
    public static func closeOnce(
        _ id: NotificationID, address: BusAddress = .session, timeout: Duration = .seconds(1)
    ) -> Result<Void, NotifierError> {
        let call = MethodCall(
            destination: name, path: path, interface: interface, member: "CloseNotification",
            arguments: [.uint32(id.rawValue)], autoStart: false, timeout: timeout)
        let queue = DispatchQueue(label: "trustctl.close-notification")
        let outcome = Locked<Result<Void, NotifierError>>()
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
            bus.call(call) { result in
                outcome.set(result.map { _ in () }.mapError(NotifierError.init))
                done.signal()
                queue.async { bus.close() }  // not from inside sd_bus_process
            }
        }
        // sd-bus ends the call itself after `timeout` (a NoReply error); this wait is only the
        // backstop, with a margin for connecting, and fails the same way.
        guard done.wait(timeout: .now() + (timeout + .milliseconds(100)).dispatchInterval) == .success,
            let result = outcome.get()
        else {
            return .failure(
                NotifierError(
                    BusError(
                        operation: call.operation, name: "org.freedesktop.DBus.Error.NoReply",
                        message: "no reply within \(timeout)")))
        }
        return result
    }
}
