// Notices when the wall clock is set (NTP step, manual change, resume with a corrected RTC) at
// once, the way systemd does: a CLOCK_REALTIME timerfd armed at the end of time with
// TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET. The kernel cancels such a timer whenever the
// realtime clock is set discontinuously, and a read then fails with ECANCELED. (Dispatch's own
// wall-clock timers use a realtime timerfd without CANCEL_ON_SET: they fire late after a
// backward jump, and a time-zone change moves nothing; the owner must recompute.)
import Dispatch
import CLinuxWatch
import Glibc

/// Calls a handler on `queue` each time the realtime clock is set.
///
/// Confinement: the handler runs on `queue`; re-arming happens there too. `@unchecked Sendable`
/// because Dispatch sources are not marked `Sendable`: `source` is immutable after `init` and
/// `cancel()` (thread-safe in Dispatch) may be called from any thread; the descriptor is closed
/// by the source's cancel handler.
public final class ClockChangeWatcher: @unchecked Sendable {
    /// Why the handler was called.
    public enum Reason: Sendable, Hashable {
        /// The realtime clock was set (ECANCELED).
        case clockSet
        /// The armed instant passed (only with a test deadline; the end of time never passes).
        case expired
    }

    private let source: DispatchSourceRead

    /// Starts watching. The handler is called on `queue` after each change of the clock.
    public convenience init(queue: DispatchQueue, handler: @escaping @Sendable (Reason) -> Void) throws(WatchError) {
        try self.init(queue: queue, armAt: nil, handler: handler)
    }

    /// `armAt`: an absolute realtime instant (seconds since the epoch) to arm at instead of the
    /// end of time — lets a test drive the read path by expiry, since setting the clock needs
    /// CAP_SYS_TIME and disturbs the whole machine.
    init(queue: DispatchQueue, armAt: Double?, handler: @escaping @Sendable (Reason) -> Void) throws(WatchError) {
        let fd = timerfd_create(CLOCK_REALTIME, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
        if fd < 0 { throw WatchError("Creating a realtime timerfd to notice clock changes") }
        do throws(WatchError) {
            try ClockChangeWatcher.arm(fd: fd, at: armAt)
        } catch {
            close(fd)
            throw error
        }
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler {
            var expirations: UInt64 = 0
            let n = retryingOnInterrupt { read(fd, &expirations, MemoryLayout<UInt64>.size) }
            let reason: Reason
            if n == MemoryLayout<UInt64>.size {
                reason = .expired
            } else if n < 0 && errno == ECANCELED {
                reason = .clockSet
            } else {
                return  // EAGAIN: spurious wake-up
            }
            // Re-arm before reporting so that a change during the handler is not missed. After an
            // expiry, the test deadline has passed: arm at the end of time.
            try? ClockChangeWatcher.arm(fd: fd, at: nil)
            handler(reason)
        }
        source.setCancelHandler { close(fd) }
        self.source = source
        source.resume()
    }

    deinit { source.cancel() }

    public func cancel() { source.cancel() }

    /// The instant the timer is armed at (seconds since the epoch), read back from the kernel —
    /// for tests and `trustd --verbose`.
    public static func armedInstant(of watcher: ClockChangeWatcher) -> Double? {
        var spec = itimerspec()
        let fd = Int32(watcher.source.handle)
        guard timerfd_gettime(fd, &spec) == 0 else { return nil }
        if spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0 { return nil }
        // gettime reports the time remaining; turn it back into an absolute instant.
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + Double(spec.it_value.tv_sec)
            + Double(spec.it_value.tv_nsec) / 1e9
    }

    private static func arm(fd: Int32, at: Double?) throws(WatchError) {
        var spec = itimerspec()
        if let at {
            spec.it_value.tv_sec = Int(at.rounded(.down))
            spec.it_value.tv_nsec = Int((at - at.rounded(.down)) * 1e9)
        } else {
            // systemd arms at TIME_T_MAX; the kernel clamps it to its own end of time.
            spec.it_value.tv_sec = Int.max
        }
        let flags = Int32(TFD_TIMER_ABSTIME) | Int32(TFD_TIMER_CANCEL_ON_SET)
        if timerfd_settime(fd, flags, &spec, nil) < 0 {
            throw WatchError("Arming a realtime timerfd to notice clock changes")
        }
    }
}
