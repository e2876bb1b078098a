import Foundation

/// Runs CPU-heavy or blocking test work on a thread of its own, one such body at a time, and
/// awaits its result.
///
/// Swift concurrency's cooperative pool has as many threads as the machine has cores (two on
/// CI). A test that computes or waits for seconds on one of them — the calendar engine's
/// differential and property tests do both — starves every async test running beside it, whose
/// awaits on bus replies and child processes then time out. On a thread of its own it no longer
/// holds a pool thread, and because these bodies run one at a time they take at most one core:
/// the rest of the suite keeps the other. Keep `#expect` and `#require` outside `body` (they
/// belong to the test's task); return what to check instead.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await onThread {
        heavyWork.wait()
        defer { heavyWork.signal() }
        return try body()
    }
}

/// Runs a body that blocks but does not compute (a synchronous call that waits on a socket,
/// as trustctl makes) on a thread of its own, at once: not queued behind `onOwnThread`'s heavy
/// bodies, whose seconds would otherwise count in what a timing test measures.
public func onBlockingThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await onThread(body)
}

private func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// One heavy body at a time (see `onOwnThread`).
private let heavyWork = DispatchSemaphore(value: 1)
