// Time as a port. The daemon reads the wall clock after every wake-up and waits with one
// wall-clock timer; tests drive both by hand.
import Dispatch
import Foundation

/// The wall clock and a way to wait for an instant on it.
public protocol DaemonClock: Sendable {
    func now() -> Date
    /// A one-shot timer whose handler runs on `queue`.
    func makeTimer(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) -> WakeTimer
}

/// One re-armable wake-up. Confined to the queue it was made for.
public protocol WakeTimer: AnyObject {
    /// Fires once at `instant` (wall-clock time: a suspend or a clock change moves it with the
    /// clock), replacing any earlier arming. `nil` disarms.
    func arm(at instant: Date?)
    func cancel()
}

/// The real clock: `Date()` and Dispatch timers on the wall clock (`schedule(wallDeadline:)`,
/// a CLOCK_REALTIME timerfd): it fires at the wall-clock instant also after a suspend.
public struct SystemClock: DaemonClock {
    public init() {}
    public func now() -> Date { Date() }
    public func makeTimer(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) -> WakeTimer {
        DispatchWallTimer(queue: queue, handler: handler)
    }
}

/// Confinement: used only on `queue` (checked with `dispatchPrecondition`).
final class DispatchWallTimer: WakeTimer {
    private let queue: DispatchQueue
    private let source: DispatchSourceTimer

    init(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) {
        self.queue = queue
        source = DispatchSource.makeTimerSource(queue: queue)
        source.setEventHandler(handler: handler)
        // Created suspended; kept resumed and parked at "never" when disarmed, so `cancel` is safe.
        source.schedule(wallDeadline: .distantFuture)
        source.activate()
    }

    func arm(at instant: Date?) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let instant else {
            source.schedule(wallDeadline: .distantFuture)
            return
        }
        let t = instant.timeIntervalSince1970
        let seconds = t.rounded(.down)
        let spec = timespec(tv_sec: Int(seconds), tv_nsec: Int(((t - seconds) * 1e9).rounded(.up)))
        // No leeway: Dispatch ignores it for wall timers anyway, and a check-in is due at its second.
        source.schedule(wallDeadline: DispatchWallTime(timespec: spec), leeway: .nanoseconds(0))
    }

    func cancel() {
        source.cancel()
    }

    deinit { source.cancel() }
}
