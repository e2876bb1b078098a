import CSystemd
import Dispatch
import Foundation

/// A state change to tell the service manager (`sd_notify`).
public enum ServiceState: Sendable, Hashable {
    /// Start-up finished (`Type=notify`).
    case ready
    /// Free-form status shown by `systemctl status` (one line).
    case status(String)
    /// Shutting down.
    case stopping
    /// Reloading configuration; follow with `.ready` when done.
    case reloading
    /// Still alive (`WatchdogSec=`).
    case watchdog

    /// The `KEY=value` line.
    public var assignment: String {
        switch self {
        case .ready: "READY=1"
        case .status(let s): "STATUS=" + s.split(whereSeparator: \.isNewline).joined(separator: " ")
        case .stopping: "STOPPING=1"
        case .reloading: "RELOADING=1"
        case .watchdog: "WATCHDOG=1"
        }
    }
}

/// `sd_notify` and `sd_watchdog_enabled` over libsystemd.
///
/// libsystemd reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from the process
/// environment; outside systemd (no `NOTIFY_SOCKET`) every call is a no-op.
public struct ServiceManager: Sendable {
    public init() {}

    /// Sends the states in one datagram. Returns whether a service manager was there to
    /// receive it (false when `NOTIFY_SOCKET` is unset).
    @discardableResult
    public func notify(_ states: ServiceState...) throws(SystemdError) -> Bool {
        try notify(states)
    }

    @discardableResult
    public func notify(_ states: [ServiceState]) throws(SystemdError) -> Bool {
        let text = states.map(\.assignment).joined(separator: "\n")
        let r = text.withCString { sd_notify(0, $0) }
        if r < 0 {
            throw SystemdError("Sending \(states.map(\.assignment).joined(separator: ", ")) to the service manager", returned: r)
        }
        return r > 0
    }

    /// The watchdog interval the service manager expects pings within (`WATCHDOG_USEC`,
    /// when `WATCHDOG_PID` is unset or this process), or nil when the watchdog is off.
    public func watchdogInterval() throws(SystemdError) -> Duration? {
        var usec: UInt64 = 0
        let r = sd_watchdog_enabled(0, &usec)
        if r < 0 { throw SystemdError("Reading WATCHDOG_USEC", returned: r) }
        return r > 0 ? .microseconds(Int64(clamping: usec)) : nil
    }
}

/// Sends `WATCHDOG=1` at half the watchdog interval, on a Dispatch timer (idle otherwise).
///
/// Confinement: the timer lives on `queue`; `start` and `stop` may be called from any thread
/// (they hop onto `queue`). A failed ping is reported to `onError` on `queue`.
public final class WatchdogPinger: @unchecked Sendable {
    public let interval: Duration
    private let queue: DispatchQueue
    private let manager: ServiceManager
    private let onError: @Sendable (SystemdError) -> Void
    private var timer: DispatchSourceTimer?  // confined to `queue`

    /// Nil when the service manager set no watchdog.
    public convenience init?(
        manager: ServiceManager = ServiceManager(), queue: DispatchQueue,
        onError: @escaping @Sendable (SystemdError) -> Void = { _ in }
    ) throws(SystemdError) {
        guard let interval = try manager.watchdogInterval() else { return nil }
        self.init(interval: interval, manager: manager, queue: queue, onError: onError)
    }

    public init(
        interval: Duration, manager: ServiceManager = ServiceManager(), queue: DispatchQueue,
        onError: @escaping @Sendable (SystemdError) -> Void = { _ in }
    ) {
        self.interval = interval
        self.manager = manager
        self.queue = queue
        self.onError = onError
    }

    /// Between pings: half the interval (at least 1 ms).
    var period: Duration { max(interval / 2, .milliseconds(1)) }

    /// Pings now, then every `period`.
    public func start() {
        queue.async { [self] in
            dispatchPrecondition(condition: .onQueue(queue))
            guard timer == nil else { return }
            let t = DispatchSource.makeTimerSource(queue: queue)
            t.setEventHandler { [weak self] in self?.ping() }
            t.schedule(deadline: .now(), repeating: period.dispatchInterval, leeway: (period / 10).dispatchInterval)
            timer = t
            t.resume()
        }
    }

    public func stop() {
        queue.async { [self] in
            timer?.cancel()
            timer = nil
        }
    }

    private func ping() {
        dispatchPrecondition(condition: .onQueue(queue))
        do { try manager.notify(.watchdog) } catch { onError(error) }
    }
}
