// Signals as Dispatch events: the default action is turned off (SIG_IGN) and a Dispatch signal
// source delivers the signal on a queue, where ordinary code may run (not a signal handler).
import Dispatch
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

    public var description: String {
        switch self {
        case .hangup: "SIGHUP"
        case .terminate: "SIGTERM"
        case .interrupt: "SIGINT"
        }
    }
}

/// Delivers `signals` to a handler on `queue` instead of their default action.
///
/// Confinement: the handler runs on `queue`. `@unchecked Sendable` because Dispatch sources are
/// not marked `Sendable`: `sources` is immutable after `init`, and `cancel()` (thread-safe in
/// Dispatch) may be called from any thread. The signals stay ignored afterwards (a late SIGTERM
/// must not kill a process that is cleaning up).
public final class SignalWatcher: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]

    public init(_ signals: Set<Signal>, queue: DispatchQueue, handler: @escaping @Sendable (Signal) -> Void) {
        sources = signals.sorted { $0.number < $1.number }.map { s in
            signal(s.number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: s.number, queue: queue)
            source.setEventHandler { handler(s) }
            source.resume()
            return source
        }
    }

    deinit { cancel() }

    public func cancel() {
        for s in sources { s.cancel() }
    }
}
