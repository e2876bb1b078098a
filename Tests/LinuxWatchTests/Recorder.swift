import Foundation

/// Collects values delivered on any queue; a test awaits them with a timeout.
final class Recorder<Value: Sendable>: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var values: [Value] = []

    func record(_ value: Value) {
        lock.lock()
        values.append(value)
        lock.unlock()
    }

    var all: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }

    /// Waits until `predicate` holds for the values so far, or `timeout` passes; returns them.
    @discardableResult
    func wait(timeout: Double = 5, until predicate: ([Value]) -> Bool) async -> [Value] {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            let v = all
            if predicate(v) { return v }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return all
    }
}

func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "linuxwatch-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
