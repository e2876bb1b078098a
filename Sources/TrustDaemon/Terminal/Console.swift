// The terminal in foreground mode, as a port: prompts are printed, typed lines come back.
import Dispatch
import Foundation
import LinuxWatch

/// A terminal the daemon prints prompts to and reads answers from.
/// Confinement: called on the daemon queue; `start`'s handler is called on the queue given there.
public protocol Console: AnyObject {
    /// Starts delivering typed lines (nil once, at end of input) on `queue`.
    func start(queue: DispatchQueue, lines: @escaping @Sendable (String?) -> Void)
    /// Prints text (one or more lines).
    func print(_ text: String)
    func stop()
}

/// Standard output and standard input.
public final class StandardConsole: Console {
    private var reader: LineReader?
    public init() {}

    public func start(queue: DispatchQueue, lines: @escaping @Sendable (String?) -> Void) {
        reader = LineReader(queue: queue, handler: lines)
    }

    public func print(_ text: String) {
        var out = text
        if !out.hasSuffix("\n") { out += "\n" }
        FileHandle.standardOutput.write(Data(out.utf8))
    }

    public func stop() {
        reader?.cancel()
        reader = nil
    }
}
