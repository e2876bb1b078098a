import Foundation
import Testing
import TrustTestSupport

@testable import LinuxWatch

@Suite struct ClockChangeWatcherTests {
    let queue = DispatchQueue(label: "clock-watcher-test")

    /// The production watcher is armed at the end of time with CANCEL_ON_SET: it reads back from
    /// the kernel as armed centuries ahead, and nothing fires while the clock is not set.
    @Test func armsAtTheEndOfTimeAndStaysQuiet() async throws {
        let reasons = Mailbox<ClockChangeWatcher.Reason>()
        let watcher = try ClockChangeWatcher(queue: queue) { reasons.post($0) }
        defer { watcher.cancel() }
        let armed = try #require(ClockChangeWatcher.armedInstant(of: watcher))
        #expect(armed > Date(timeIntervalSince1970: 0).addingTimeInterval(200 * 365 * 86400).timeIntervalSince1970)
        try await Task.sleep(for: .milliseconds(100))
        #expect(reasons.all.isEmpty)
    }

    /// Setting the realtime clock needs CAP_SYS_TIME and would disturb every process on the
    /// machine, so the read path is driven by expiry instead: the same descriptor, read source,
    /// read, re-arm and handler as a clock change (ECANCELED differs only in the branch taken).
    @Test func theReadPathReportsAndReArms() async throws {
        let reasons = Mailbox<ClockChangeWatcher.Reason>()
        let at = Date().timeIntervalSince1970 + 0.05
        let watcher = try ClockChangeWatcher(queue: queue, armAt: at) { reasons.post($0) }
        defer { watcher.cancel() }
        #expect(try await reasons.first { _ in true } == .expired)
        #expect(Date().timeIntervalSince1970 >= at)
        // Re-armed at the end of time: a spurious second report would show here.
        let armed = try #require(ClockChangeWatcher.armedInstant(of: watcher))
        #expect(armed > Date().timeIntervalSince1970 + 100 * 365 * 86400)
        try await Task.sleep(for: .milliseconds(50))
        #expect(reasons.all == [.expired])
    }
}

@Suite struct SignalAndLineTests {
    let queue = DispatchQueue(label: "signal-line-test")

    /// A signal sent to a thread that blocks it stays pending and `next()` takes it. (A signal
    /// sent to this whole multi-threaded test process could be taken by any thread that does
    /// not block it, so process-directed delivery is tested on the built trustd, which blocks the
    /// signals first thing in main: the built-binary tests send it SIGHUP and SIGTERM.)
    @Test func aBlockedSignalIsTakenByTheWaiterInsteadOfItsDefaultAction() async throws {
        let got = Mailbox<Signal>()
        let ready = Mailbox<pthread_t>()
        let thread = Thread {
            SignalWaiter.block([.hangup, .terminate])
            ready.post(pthread_self())
            let waiter = SignalWaiter([.hangup, .terminate])
            got.post(waiter.next())
            got.post(waiter.next())
        }
        thread.start()
        let t = try await ready.first { _ in true }
        #expect(pthread_kill(t, SIGHUP) == 0)  // the default action would end the test process
        _ = try await got.first { _ in true }
        #expect(got.all == [.hangup])
        #expect(pthread_kill(t, SIGTERM) == 0)
        _ = try await got.first { _ in got.all.count == 2 }
        #expect(got.all == [.hangup, .terminate])
    }

    @Test func linesArriveWithoutNewlinesAndEndOfInputOnce() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let lines = Mailbox<String?>()
        let reader = LineReader(fileDescriptor: fds[0], queue: queue) { lines.post($0) }
        defer {
            reader.cancel()
            close(fds[0])
        }
        let text = Array("k\nmissed\r\n".utf8)
        #expect(write(fds[1], text, text.count) == text.count)
        _ = try await lines.first { _ in lines.all.count >= 2 }
        #expect(lines.all == ["k", "missed"])
        let rest = Array("skipped --note late".utf8)
        #expect(write(fds[1], rest, rest.count) == rest.count)
        close(fds[1])
        _ = try await lines.first { _ in lines.all.count >= 4 }
        #expect(lines.all == ["k", "missed", "skipped --note late", nil])
    }
}
