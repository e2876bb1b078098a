import Synchronization

/// A value set on one thread and read on another: a result handed from a bus queue to a
/// waiting thread, or a finding kept between two steps of the doctor.
final class Locked<Value: Sendable>: Sendable {
    private let value = Mutex<Value?>(nil)
    func set(_ v: Value) { value.withLock { $0 = v } }
    func get() -> Value? { value.withLock { $0 } }
}
