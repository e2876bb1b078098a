// Pure per-item work (parsing calendar expressions, finding next check-ins) split across the
// processor's cores for large plans. The order of results is the order of the input.
import Dispatch
import Foundation
import Synchronization

public enum Parallel {
    /// `items.map(transform)`, computed on several threads when there are at least `threshold`
    /// items (below that, threads cost more than they save).
    public static func map<T: Sendable, R: Sendable>(
        _ items: [T], threshold: Int = 512, _ transform: @Sendable (T) -> R
    ) -> [R] {
        let chunks = items.count < threshold ? 1 : min(ProcessInfo.processInfo.activeProcessorCount * 2, 64)
        guard chunks > 1 else { return items.map(transform) }
        let size = (items.count + chunks - 1) / chunks
        let parts = Mutex<[Int: [R]]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = min(c * size, items.count)..<min((c + 1) * size, items.count)
            let part = items[range].map(transform)
            parts.withLock { $0[c] = part }
        }
        return parts.withLock { parts in (0..<chunks).flatMap { parts[$0] ?? [] } }
    }
}

/// A value computed on another thread while this one does something else: `wait()` returns it.
public final class Pending<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    private let done = DispatchSemaphore(value: 0)

    public init(_ work: @escaping @Sendable () -> Value) {
        DispatchQueue.global().async {
            let result = work()
            self.value.withLock { $0 = result }
            self.done.signal()
        }
    }

    /// The value, once computed (waits for it the first time).
    public func wait() -> Value {
        if let ready = value.withLock({ $0 }) { return ready }
        done.wait()
        return value.withLock { $0! }
    }
}
