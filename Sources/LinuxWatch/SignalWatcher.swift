// Signals as events on a queue, through a signalfd: the signals are blocked (so their default
// action — terminate, for SIGHUP, SIGTERM and SIGINT — never runs) and read from a descriptor
// by a Dispatch read source, where ordinary code may run (not a signal handler).
//
// A signal sent to the process is delivered to any thread that does not block it. Every thread
// must therefore block these signals: call `SignalWatcher.block(_:)` first thing in `main`,
// before any other thread exists; threads created later inherit the mask.
import CLinuxWatch
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

/// Delivers `signals` to a handler on `queue` instead of their default action.
///
/// Confinement: the handler runs on `queue`. `@unchecked Sendable` because Dispatch sources are
/// not marked `Sendable`: `source` is immutable after `init`, and `cancel()` (thread-safe in
/// Dispatch) may be called from any thread; the signalfd is closed by the source's cancel
/// handler. The signals stay blocked afterwards (a late SIGTERM must not kill a process that is
/// cleaning up).
public final class SignalWatcher: @unchecked Sendable {
    private let source: DispatchSourceRead

    /// Blocks `signals` in the calling thread and in every thread it creates from now on. Call
    /// from `main` before anything starts a thread.
    public static func block(_ signals: Set<Signal>) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s.number) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    public init(_ signals: Set<Signal>, queue: DispatchQueue, handler: @escaping @Sendable (Signal) -> Void)
        throws(WatchError)
    {
        SignalWatcher.block(signals)
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s.number) }
        let fd = signalfd(-1, &set, Int32(SFD_NONBLOCK | SFD_CLOEXEC))
        if fd < 0 { throw WatchError("Creating a signalfd for \(signals.map(\.description).sorted().joined(separator: ", "))") }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler {
            var info = signalfd_siginfo()
            let size = MemoryLayout<signalfd_siginfo>.size
            while retryingOnInterrupt({ read(fd, &info, size) }) == size {
                if let s = Signal(number: Int32(bitPattern: info.ssi_signo)) { handler(s) }
            }
        }
        source.setCancelHandler { close(fd) }
        self.source = source
        source.resume()
    }

    deinit { source.cancel() }

    public func cancel() { source.cancel() }
}
