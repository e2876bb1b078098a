import Foundation

/// Errors of the test harness, with what to do about them.
public struct HarnessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A child process for tests: its stdin is a pipe the child watches (closing it, or this
/// test process dying, tells the child to exit), its stdout is read line by line, its stderr
/// goes to a file kept for diagnostics.
public final class ChildProcess: @unchecked Sendable {
    // Confinement: `buffer` is guarded by `lock` (`lines` is a Mailbox, safe on its own);
    // `process` is set up in `init` and only read after.
    private let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let lock = NSLock()
    private var buffer = Data()
    /// Every line printed so far; closed when stdout ends.
    public let lines = Mailbox<String>()
    public let stderrPath: String
    public let name: String

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, stderrPath: String)
        throws
    {
        name = (executable as NSString).lastPathComponent
        self.stderrPath = stderrPath
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        // Read on a thread of its own with blocking reads, not with `readabilityHandler` (a
        // Dispatch read source): a CI run crashed in libdispatch's event loop
        // (`_dispatch_event_loop_drain`, SIGSEGV) while test children came and went — the known
        // use-after-free of an epoll muxnote when read sources of pipes are torn down
        // (swiftlang/swift-corelibs-libdispatch#949; swift-tools-protocols#73 works around it the
        // same way). The thread holds the reading end until end of file (the child's exit).
        let reading = stdoutPipe.fileHandleForReading
        Thread.detachNewThread { [weak self] in
            var chunk = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = chunk.withUnsafeMutableBytes { Foundation.read(reading.fileDescriptor, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard let self else { return }
                self.received(n > 0 ? Data(chunk[0..<n]) : Data())
                if n <= 0 { return }
            }
        }
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    private func received(_ data: Data) {
        lock.lock()
        var complete: [String] = []
        if !data.isEmpty {
            buffer.append(data)
            while let nl = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                complete.append(String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self))
                buffer.removeSubrange(buffer.startIndex...nl)
            }
        }
        lock.unlock()
        for line in complete { lines.post(line) }
        if data.isEmpty { lines.close() }
    }

    /// The first output line (already printed or to come) satisfying `predicate`; throws
    /// when the child exits first or `timeout` passes.
    public func line(where predicate: @escaping @Sendable (String) -> Bool, timeout: Duration = .seconds(30))
        async throws -> String
    {
        do {
            return try await lines.first(where: predicate, timeout: timeout)
        } catch {
            let err = (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? ""
            throw HarnessError("\(name): \(error); its stderr:\n\(err)")
        }
    }

    /// Closes stdin (the child's cue to exit) and waits for it to exit.
    public func stop() async {
        try? stdinPipe.fileHandleForWriting.close()
        await waitForExit()
    }

    private func waitForExit() async {
        // waitUntilExit spins a run loop; keep it off the cooperative pool.
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                self.process.waitUntilExit()
                c.resume()
            }
        }
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

