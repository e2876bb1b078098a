import Foundation
import SystemdKit

/// A thread-safe record of values posted from any thread (callbacks on bus queues, pipe
/// readers), which an async test can wait on with a timeout.
public final class Mailbox<T: Sendable>: @unchecked Sendable {
    // Confinement: every stored property is guarded by `lock`.
    private let lock = NSLock()
    private var items: [T] = []
    private var closed = false
    private var waiters: [Waiter] = []

    private final class Waiter: @unchecked Sendable {
        // Confinement: `continuation` is taken under the mailbox's lock or `Waiter.lock`, once.
        let predicate: @Sendable (T) -> Bool
        private let lock = NSLock()
        private var continuation: CheckedContinuation<T, any Error>?
        init(_ predicate: @escaping @Sendable (T) -> Bool, _ c: CheckedContinuation<T, any Error>) {
            self.predicate = predicate
            continuation = c
        }
        func finish(_ result: Result<T, any Error>) {
            lock.lock()
            let c = continuation
            continuation = nil
            lock.unlock()
            c?.resume(with: result)
        }
    }

    public init() {}

    public func post(_ value: T) {
        lock.lock()
        items.append(value)
        let candidates = waiters
        lock.unlock()
        // Predicates run outside the lock: they may read this mailbox.
        let matched = candidates.filter { $0.predicate(value) }
        guard !matched.isEmpty else { return }
        lock.lock()
        waiters.removeAll { w in matched.contains { $0 === w } }
        lock.unlock()
        for w in matched { w.finish(.success(value)) }
    }

    /// No more values will come: waiters for values not yet posted fail.
    public func close() {
        lock.lock()
        closed = true
        let pending = waiters
        waiters = []
        lock.unlock()
        for w in pending { w.finish(.failure(HarnessError("the source closed before a matching value came"))) }
    }

    /// Everything posted so far, in order.
    public var all: [T] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }

    /// The first value posted (before or after this call) satisfying `predicate`.
    public func first(where predicate: @escaping @Sendable (T) -> Bool, timeout: Duration = .seconds(30)) async throws
        -> T
    {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
            let waiter = Waiter(predicate, c)
            // Predicates run outside the lock (they may read this mailbox): check a snapshot,
            // then register only if nothing was posted meanwhile.
            var checked = 0
            while true {
                lock.lock()
                let fresh = Array(items[checked...])
                if fresh.isEmpty {
                    if closed {
                        lock.unlock()
                        waiter.finish(.failure(HarnessError("the source closed before a matching value came")))
                        return
                    }
                    waiters.append(waiter)
                    lock.unlock()
                    break
                }
                lock.unlock()
                if let found = fresh.first(where: predicate) {
                    waiter.finish(.success(found))
                    return
                }
                checked += fresh.count
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout.dispatchInterval) { [weak self] in
                self?.lock.lock()
                self?.waiters.removeAll { $0 === waiter }
                self?.lock.unlock()
                waiter.finish(.failure(HarnessError("nothing matching came within \(timeout)")))
            }
        }
    }

    /// The first value satisfying `predicate`, or nil.
    public func existing(where predicate: (T) -> Bool) -> T? {
        lock.lock()
        defer { lock.unlock() }
        return items.first(where: predicate)
    }
}
