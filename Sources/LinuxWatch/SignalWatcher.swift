// Signals, received synchronously by one thread with sigwaitinfo(2).
//
// Why not a Dispatch signal source or a signalfd: on Linux, an async `main` (and `dispatchMain()`)
// parks the main thread in `sigsuspend` with an empty mask, so a signal sent to the process is
// delivered to the main thread and runs its default action (terminate, for SIGHUP) however the
// other threads block it. trustd's main thread therefore blocks the signals before any other
// thread exists (threads inherit the mask) and then waits for them itself.
import CLinuxWatch
import Glibc

/// The signals a daemon handles.
public enum Signal: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// SIGHUP: reload the configuration (`systemctl reload`).
    case hangup
    /// SIGTERM: stop (`systemctl stop`).
    case terminate
    /// SIGINT: stop (Ctrl-C on a terminal).
    case interrupt

    var number: Int32 {
        switch self {
        case .hangup: SIGHUP
        case .terminate: SIGTERM
        case .interrupt: SIGINT
        }
    }

    init?(number: Int32) {
        guard let s = Signal.allCases.first(where: { $0.number == number }) else { return nil }
        self = s
    }

    public var description: String {
        switch self {
        case .hangup: "SIGHUP"
        case .terminate: "SIGTERM"
        case .interrupt: "SIGINT"
        }
    }
}

/// Waits for signals on the calling thread.
///
/// Use: call `SignalWaiter.block(_:)` first thing in `main` (before any thread exists), start the
/// work on other threads, then call `next()` in a loop on the main thread.
public struct SignalWaiter: Sendable {
    public let signals: Set<Signal>

    public init(_ signals: Set<Signal>) { self.signals = signals }

    /// Blocks `signals` in the calling thread and in every thread it creates from now on, so that
    /// their default action never runs and they stay pending until `next()` takes them.
    public static func block(_ signals: Set<Signal>) {
        var set = sigset(signals)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// Waits until one of the signals is pending for this thread or the process, and takes it.
    /// The signals must be blocked in this thread (`block`).
    public func next() -> Signal {
        var set = SignalWaiter.sigset(signals)
        while true {
            let n = sigwaitinfo(&set, nil)
            if n > 0, let s = Signal(number: n) { return s }
            // EINTR (another signal's handler ran): wait again.
        }
    }

    private static func sigset(_ signals: Set<Signal>) -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s.number) }
        return set
    }
}
