// Notify round trips through trustd's notification client (TrustDesktop over sd-bus) to the
// test notification server on a private bus: sequential round trips per second with latency
// percentiles, then throughput with a window of calls in flight. Run through
// Benchmarks/bench-notify (release build).
import Dispatch
import Foundation
import TrustDesktop
import TrustTestSupport

// Usage: notify-benchmark [COUNT] [WINDOW]   |   notify-benchmark idle SECONDS ADDRESS
// `idle`: a client connected to the bus at ADDRESS and its server (both started outside this
// process, so only the client's own threads are traced), doing nothing: prints "idle PID" and
// waits, so Benchmarks/bench-notify can count its system calls with strace.
let arguments = CommandLine.arguments.dropFirst()
let count = arguments.first.flatMap(Int.init) ?? 1000
let window = arguments.dropFirst().first.flatMap(Int.init) ?? 32

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func ms(_ d: Duration) -> Double {
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
}

/// The idle client alone: connect, see the server, wait.
func idle(address: String, seconds: Int) async throws {
    let client = NotificationClient(address: .address(address), deliveryQueue: DispatchQueue(label: "bench.delivery"))
    let appeared = DispatchSemaphore(value: 0)
    client.setEventHandler { if case .serverAppeared = $0 { appeared.signal() } }
    client.start()
    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
        Thread.detachNewThread {
            if appeared.wait(timeout: .now() + 10) == .timedOut {
                FileHandle.standardError.write(Data("notify-benchmark: no notification server on \(address)\n".utf8))
                exit(1)
            }
            c.resume()
        }
    }
    FileHandle.standardOutput.write(Data("idle \(getpid())\n".utf8))
    // sleep(3) on a thread of its own: Task.sleep's timer, or a Dispatch worker blocked in
    // sleep (libdispatch then monitors its pool every second), would show up in the trace.
    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
        Thread.detachNewThread {
            sleep(UInt32(seconds))
            c.resume()
        }
    }
    client.shutdown()
}

func run() async throws {
    if arguments.first == "idle" {
        let rest = Array(arguments.dropFirst())
        guard rest.count == 2, let seconds = Int(rest[0]) else {
            throw HarnessError("usage: notify-benchmark idle SECONDS ADDRESS")
        }
        try await idle(address: rest[1], seconds: seconds)
        return
    }
    let bus = try await PrivateBus.start()
    let server = try await FakeNotificationServer.start(on: bus)
    let client = NotificationClient(address: bus.busAddress, deliveryQueue: DispatchQueue(label: "bench.delivery"))
    let appeared = Mailbox<Bool>()
    client.setEventHandler { if case .serverAppeared = $0 { appeared.post(true) } }
    client.start()
    _ = try await appeared.first { $0 }

    let request = CheckInPrompt(
        item: .init(id: "evening-call", kind: .commitment, title: "Call every evening", to: "Sam", why: "So you know", schedule: []),
        discreet: false, capabilities: NotificationCapabilities(FakeNotificationServer.fullCapabilities)
    ).request()
    for _ in 0..<50 { _ = try await client.notify(request) }  // warm-up

    let clock = ContinuousClock()
    var latencies: [Double] = []
    latencies.reserveCapacity(count)
    let start = clock.now
    for _ in 0..<count {
        let t0 = clock.now
        _ = try await client.notify(request)
        latencies.append(ms(clock.now - t0))
    }
    let sequential = ms(clock.now - start)
    latencies.sort()

    // Pipelined: `window` calls in flight at once.
    let pipeStart = clock.now
    try await withThrowingTaskGroup(of: Void.self) { group in
        var sent = 0
        while sent < min(window, count) {
            group.addTask { _ = try await client.notify(request) }
            sent += 1
        }
        while try await group.next() != nil {
            if sent < count {
                group.addTask { _ = try await client.notify(request) }
                sent += 1
            }
        }
    }
    let pipelined = ms(clock.now - pipeStart)

    let recorded = try await server.calls().filter { $0.method == "Notify" }.count
    client.shutdown()
    await server.stop()
    await bus.shutdown()
    guard recorded == 50 + 2 * count else {
        throw HarnessError("the server recorded \(recorded) Notify calls, expected \(50 + 2 * count)")
    }

    print("Notify to the test server (Python, dbus-python) on a private dbus-daemon, \(count) notifications")
    print(String(format: "  sequential: %.0f round trips/s; latency median %.3f ms, p99 %.3f ms, max %.3f ms",
        Double(count) / (sequential / 1000), percentile(latencies, 0.5), percentile(latencies, 0.99), latencies.last ?? 0))
    print(String(format: "  pipelined (%d in flight): %.0f notifications/s", window, Double(count) / (pipelined / 1000)))
}

do {
    try await run()
} catch {
    FileHandle.standardError.write(Data("notify-benchmark: \(error)\n".utf8))
    exit(1)
}
