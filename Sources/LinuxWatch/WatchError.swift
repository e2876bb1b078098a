// Typed errors of the LinuxWatch adapter. No errno escapes this target: callers see what was
// attempted, on which path, and the system's reason in words.
import Glibc

/// A failed system call in LinuxWatch, with what was being attempted.
///
/// `description` reads like
/// `Watching /home/ann/.config/trust for changes failed: No such file or directory (ENOENT)`.
public struct WatchError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was attempted, as a person would say it: "Watching /x for changes".
    public var operation: String
    /// The system's reason: "No such file or directory".
    public var reason: String
    /// The symbolic name of the error, e.g. `ENOENT` (empty when unknown).
    public var code: String
    /// Whether the path named in `operation` does not exist (ENOENT, ENOTDIR).
    public var isMissing: Bool

    public init(operation: String, reason: String, code: String, isMissing: Bool = false) {
        self.operation = operation
        self.reason = reason
        self.code = code
        self.isMissing = isMissing
    }

    /// From the current `errno`.
    init(_ operation: String, errno e: Int32 = errno) {
        self.init(
            operation: operation, reason: String(cString: strerror(e)), code: WatchError.name(of: e),
            isMissing: e == ENOENT || e == ENOTDIR)
    }

    public var description: String {
        code.isEmpty ? "\(operation) failed: \(reason)" : "\(operation) failed: \(reason) (\(code))"
    }

    static func name(of e: Int32) -> String {
        switch e {
        case ENOENT: "ENOENT"
        case ENOTDIR: "ENOTDIR"
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case EMFILE: "EMFILE"
        case ENFILE: "ENFILE"
        case ENOSPC: "ENOSPC"
        case ENOMEM: "ENOMEM"
        case EINVAL: "EINVAL"
        case EBADF: "EBADF"
        case ECANCELED: "ECANCELED"
        default: "errno \(e)"
        }
    }
}

/// Retries a system call interrupted by a signal (EINTR), like swift-system's `valueOrErrno`.
@inline(__always)
func retryingOnInterrupt<T: BinaryInteger>(_ call: () -> T) -> T {
    while true {
        let r = call()
        if r == -1 && errno == EINTR { continue }
        return r
    }
}
