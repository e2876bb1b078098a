import Dispatch
import Glibc

/// How long to wait before reconnecting: `initial`, doubling up to `maximum`.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    /// A connection that stayed up this long resets the delay to `initial`.
    public var resetAfter: Duration

    public init(initial: Duration, maximum: Duration, resetAfter: Duration? = nil) {
        self.initial = initial
        self.maximum = maximum
        self.resetAfter = resetAfter ?? maximum
    }

    /// 0.5 s, 1 s, 2 s … up to one minute.
    public static let standard = Backoff(initial: .milliseconds(500), maximum: .seconds(60))

    /// The delay before attempt `n` (0-based).
    public func delay(attempt n: Int) -> Duration {
        var d = initial
        for _ in 0..<min(n, 62) {
            d = d * 2
            if d >= maximum { return maximum }
        }
        return min(d, maximum)
    }
}

/// A bus connection that reconnects with backoff when it is lost or cannot be made.
///
/// The owner reacts to `Event`s: on `.connected(bus)` it installs its matches and refreshes
/// what it knows (a new connection starts with no subscriptions); on `.disconnected` it knows
/// calls fail until the next `.connected`. The schedule of the daemon is unaffected.
///
/// Confinement: like `Bus`, everything happens on `queue`; `start`, `stop` and `bus` must be
/// called there (checked with `dispatchPrecondition`) and events are delivered there.
public final class BusConnection: @unchecked Sendable {
    public enum Event: Sendable {
        case connected(Bus)
        /// The connection was lost or could not be made; the next attempt is in `retryIn`.
        case disconnected(BusError, retryIn: Duration)
    }

    public let address: BusAddress
    public let queue: DispatchQueue
    public let backoff: Backoff
    private let handler: @Sendable (Event) -> Void
    private var current: Bus?
    private var attempt = 0
    private var connectedAt: DispatchTime?
    private var retryTimer: DispatchSourceTimer?
    private var running = false

    public init(
        address: BusAddress, queue: DispatchQueue, backoff: Backoff = .standard,
        handler: @escaping @Sendable (Event) -> Void
    ) {
        self.address = address
        self.queue = queue
        self.backoff = backoff
        self.handler = handler
    }

    /// The open connection, or nil while disconnected.
    public var bus: Bus? {
        dispatchPrecondition(condition: .onQueue(queue))
        return current
    }

    /// Connects now (the first `Event` is delivered before this returns).
    public func start() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !running else { return }
        running = true
        connect()
    }

    /// Closes the connection and stops reconnecting. No further events.
    public func stop() {
        dispatchPrecondition(condition: .onQueue(queue))
        running = false
        retryTimer?.cancel()
        retryTimer = nil
        current?.close()
        current = nil
    }

    private func connect() {
        retryTimer?.cancel()
        retryTimer = nil
        guard running else { return }
        do {
            let bus = try Bus.open(address, queue: queue) { [weak self] error in self?.lost(error) }
            current = bus
            connectedAt = .now()
            handler(.connected(bus))
        } catch {
            scheduleRetry(after: error)
        }
    }

    private func lost(_ error: BusError) {
        current = nil
        if let since = connectedAt {
            let upNanos = DispatchTime.now().uptimeNanoseconds &- since.uptimeNanoseconds
            if Duration.nanoseconds(Int64(clamping: upNanos)) >= backoff.resetAfter { attempt = 0 }
        }
        connectedAt = nil
        scheduleRetry(after: error)
    }

    private func scheduleRetry(after error: BusError) {
        guard running else { return }
        let delay = backoff.delay(attempt: attempt)
        attempt += 1
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.setEventHandler { [weak self] in self?.connect() }
        timer.schedule(deadline: .now() + delay.dispatchInterval)
        retryTimer = timer
        timer.resume()
        handler(.disconnected(error, retryIn: delay))
    }
}
