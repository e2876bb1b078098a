// What the daemon tells systemd (sd_notify), as a port.
import SystemdKit

/// Receives READY=1, STATUS=…, RELOADING=1, STOPPING=1.
public protocol ServiceStatus: Sendable {
    func tell(_ states: [ServiceState])
}

/// `sd_notify` through SystemdKit; a failure is logged by the caller's handler, never fatal.
public struct SystemdServiceStatus: ServiceStatus {
    let manager = ServiceManager()
    let onError: @Sendable (SystemdError) -> Void
    public init(onError: @escaping @Sendable (SystemdError) -> Void) { self.onError = onError }
    public func tell(_ states: [ServiceState]) {
        do { try manager.notify(states) } catch { onError(error) }
    }
}
