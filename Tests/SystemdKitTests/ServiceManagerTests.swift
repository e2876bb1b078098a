import Foundation
import Testing
import TrustTestSupport

@testable import SystemdKit

/// A datagram socket standing in for systemd's notification socket.
final class NotifySocket {
    let path: String
    let fd: Int32
    let directory: String

    init() throws {
        directory = try TemporaryDirectory.make(prefix: "trustd-notify")
        path = directory + "/notify"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard r == 0 else { throw HarnessError("bind \(path): \(String(cString: strerror(errno)))") }
    }

    /// Every datagram received so far (non-blocking).
    func received() -> [String] {
        var out: [String] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buf, buf.count, Int32(MSG_DONTWAIT))
            if n <= 0 { return out }
            out.append(String(decoding: buf[0..<n], as: UTF8.self))
        }
    }

    deinit {
        close(fd)
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// sd_notify reads NOTIFY_SOCKET from the process environment, and tests share one process:
/// each case runs in a child process (an exit test) that sets the environment for itself.
@Suite struct ServiceManagerTests {
    @Test func readyStatusAndStoppingReachTheNotifySocket() async throws {
        let socket = try NotifySocket()
        let path = socket.path
        await #expect(processExitsWith: .success) { [path = path as String] in
            setenv("NOTIFY_SOCKET", path, 1)
            let manager = ServiceManager()
            guard try manager.notify(.ready, .status("Watching 3 promises")) else { exit(2) }
            guard try manager.notify(.status("line one\nline two")) else { exit(3) }
            guard try manager.notify(.stopping) else { exit(4) }
        }
        #expect(socket.received() == ["READY=1\nSTATUS=Watching 3 promises", "STATUS=line one line two", "STOPPING=1"])
    }

    @Test func withoutNotifySocketNotifyIsANoOp() async throws {
        await #expect(processExitsWith: .success) {
            unsetenv("NOTIFY_SOCKET")
            if try ServiceManager().notify(.ready) { exit(2) }
            if try ServiceManager().watchdogInterval() != nil { exit(3) }
        }
    }

    /// The period the timer is scheduled with (the timing test below cannot tell 200 ms from
    /// 400 ms on a loaded machine).
    @Test(arguments: [
        (Duration.milliseconds(400), Duration.milliseconds(200)), (.seconds(30), .seconds(15)),
        (.microseconds(1), .milliseconds(1)),
    ])
    func theWatchdogPeriodIsHalfItsInterval(interval: Duration, period: Duration) {
        #expect(WatchdogPinger(interval: interval, queue: DispatchQueue(label: "watchdog")).period == period)
    }

    /// The timer really repeats, and sends `WATCHDOG=1` to the notify socket.
    @Test func theWatchdogPingsRepeatOnItsTimer() async throws {
        let socket = try NotifySocket()
        let path = socket.path
        await #expect(processExitsWith: .success) { [path = path as String] in
            setenv("NOTIFY_SOCKET", path, 1)
            setenv("WATCHDOG_USEC", "400000", 1)
            setenv("WATCHDOG_PID", String(getpid()), 1)
            let queue = DispatchQueue(label: "watchdog")
            guard let pinger = try WatchdogPinger(queue: queue) else { exit(2) }
            guard pinger.interval == .milliseconds(400) else { exit(3) }
            pinger.start()
            usleep(500_000)  // pings at 0, 200, 400 ms
            pinger.stop()
            queue.sync {}
        }
        let pings = socket.received()
        #expect(pings.allSatisfy { $0 == "WATCHDOG=1" })
        #expect((2...4).contains(pings.count), "got \(pings.count) pings in 0.5 s at a 0.2 s period")
    }

    @Test func aWatchdogForAnotherProcessIsNotOurs() async throws {
        await #expect(processExitsWith: .success) {
            setenv("WATCHDOG_USEC", "400000", 1)
            setenv("WATCHDOG_PID", "1", 1)
            if try ServiceManager().watchdogInterval() != nil { exit(2) }
        }
    }

    @Test(arguments: [
        (ServiceState.ready, "READY=1"), (.stopping, "STOPPING=1"), (.reloading, "RELOADING=1"),
        (.watchdog, "WATCHDOG=1"), (.status("a\nb"), "STATUS=a b"),
    ])
    func assignments(state: ServiceState, text: String) {
        #expect(state.assignment == text)
    }
}
