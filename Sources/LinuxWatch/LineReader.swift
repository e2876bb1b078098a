// Lines typed on a terminal (or any readable descriptor), delivered on a queue: what the
// daemon's foreground mode uses to accept answers without blocking its queue.
import Dispatch
import Glibc

/// Whether standard input is a terminal (`isatty(0)`). Under systemd it is /dev/null.
public var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

/// Reads lines from a descriptor as they arrive and hands each (without its newline) to a
/// handler on `queue`; `nil` once at end of input, after which the reader stops.
///
/// Confinement: `pending` (the partial line) is touched only on `queue`, by the source's event
/// handler (checked with `dispatchPrecondition`). `cancel()` may be called from any thread. The
/// descriptor is not closed (it usually is standard input).
public final class LineReader: @unchecked Sendable {
    private let queue: DispatchQueue
    private let fd: Int32
    private let handler: @Sendable (String?) -> Void
    private var source: DispatchSourceRead?
    private var pending: [UInt8] = []

    public init(fileDescriptor: Int32 = STDIN_FILENO, queue: DispatchQueue, handler: @escaping @Sendable (String?) -> Void) {
        self.queue = queue
        self.fd = fileDescriptor
        self.handler = handler
        let source = DispatchSource.makeReadSource(fileDescriptor: fileDescriptor, queue: queue)
        self.source = source
        source.setEventHandler { [weak self] in self?.readAvailable() }
        source.resume()
    }

    deinit { source?.cancel() }

    public func cancel() {
        queue.async { [self] in
            source?.cancel()
            source = nil
        }
    }

    private func readAvailable() {
        dispatchPrecondition(condition: .onQueue(queue))
        // Read while poll(2) says more is there (data or end of input): Dispatch on Linux may not
        // fire again for an end of input that arrived together with the last data. The descriptor
        // stays blocking (it is usually a terminal shared with the shell), so each read is
        // preceded by a zero-timeout poll.
        repeat {
            guard source != nil else { return }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { raw in retryingOnInterrupt { read(fd, raw.baseAddress, raw.count) } }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return }
            if n <= 0 {
                finish()
                return
            }
            pending += buffer[0..<n]
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<newline])
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                pending.removeSubrange(...newline)
                handler(String(decoding: line, as: UTF8.self))
            }
        } while readable()
    }

    private func readable() -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return retryingOnInterrupt { poll(&p, 1, 0) } == 1 && p.revents & Int16(POLLIN | POLLHUP) != 0
    }

    private func finish() {
        source?.cancel()
        source = nil
        if !pending.isEmpty {
            handler(String(decoding: pending, as: UTF8.self))
            pending = []
        }
        handler(nil)
    }
}
