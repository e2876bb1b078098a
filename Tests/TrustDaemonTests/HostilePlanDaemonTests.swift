import Foundation
import Testing
import TrustCore
import TrustPlan
import TrustTestSupport

#if canImport(Glibc)
    import Glibc
#endif

@testable import TrustDaemon

private typealias F = Fixture

private let callPlan = planYAML(
    """
      - id: evening-call
        title: Call Sam
        ask: Did you call Sam tonight?
        at: "19:00"
        deadline: 3h
    """)

/// Plans that are too big, too deep or not files, in trustd (issue #11): the plan is read off
/// the daemon's queue, so prompts and the watchdog (pinged on that queue) never wait for it.
@Suite struct HostilePlanDaemonTests {
    /// While a reload's read is stuck, a check-in falls due: it is entered and shown at once, and
    /// the queue answers; the read's result is applied when it comes.
    @Test func aSlowPlanReadStallsNeitherPromptsNorTheQueue() async throws {
        let gate = Gate()
        let rig = try Rig(
            plan: callPlan, at: F.at("2026-11-25 18:59"),
            readPlan: { path, zone, now in
                gate.pass()
                return PlanReader.load(path: path, defaultTimeZone: zone, now: now)
            })
        await rig.start()
        gate.close()
        try rig.writePlan(
            planYAML(
                """
                  - id: evening-call
                    title: Call Sam
                    at: "19:00"
                  - id: walk
                    title: Walk
                    at: "20:00"
                """))
        rig.daemon.reload(reason: "test")
        #expect(await eventually { gate.waiting })
        rig.clock.set(F.at("2026-11-25 19:00"))
        let promptedWhileReading = await eventually(5) { rig.requests.count == 1 }
        // The queue answers while the read waits (it cannot after a prompt that never came).
        var answeredWhileReading = false
        if promptedWhileReading {
            answeredWhileReading = await rig.daemon.inspect { $0.readingPlan && $0.planItems == ["evening-call"] }
        }
        gate.open()
        #expect(promptedWhileReading)
        #expect(answeredWhileReading)
        #expect(await eventually { await rig.daemon.inspect { $0.planItems } == ["evening-call", "walk"] })
        let states = rig.service.states
        #expect((states.lastIndex(of: .ready) ?? 0) > (states.lastIndex(of: .reloading) ?? .max))
        await rig.stop()
    }

    /// The exponential alias of issue #11 (8 s and ×2 per level before): rejected at once, with
    /// its place in the file; the running schedule stays.
    @Test func anAliasBombIsRejectedAndTheScheduleStays() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 12:00"))
        await rig.start()
        let bomb = ["a0: &a0 x"] + (1..<24).map { "a\($0): &a\($0) [*a\($0 - 1), *a\($0 - 1)]" } + ["b: {*a23: 1}"]
        try rig.writePlan(bomb.joined(separator: "\n") + "\n")
        rig.daemon.reload(reason: "test")
        await rig.settle()
        let notice = try #require(rig.requests.last)
        #expect(notice.body.hasPrefix(rig.planPath + ":13:12: error: the aliases up to here stand for more than 10000 values"))
        #expect(await rig.daemon.inspect { $0.planItems } == ["evening-call"])
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:00"))
        await rig.stop()
    }

    /// A FIFO at the plan path (nobody writing to it): named, rejected, and nothing waits on it.
    @Test(.timeLimit(.minutes(1))) func aFIFOAtThePlanPathIsRejectedWithoutBlocking() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 12:00"))
        await rig.start()
        try FileManager.default.removeItem(atPath: rig.planPath)
        #expect(mkfifo(rig.planPath, 0o600) == 0)
        rig.daemon.reload(reason: "test")
        #expect(await eventually { rig.requests.last?.body.contains("named pipe") == true })
        #expect(rig.requests.last?.body.hasPrefix(rig.planPath + ": error: the plan path is a named pipe (FIFO), not a file") == true)
        #expect(await rig.daemon.inspect { $0.planItems } == ["evening-call"])
        await rig.stop()
    }

    /// `~/.config/trust` made after trustd started (a fresh account): the plan is read when it
    /// appears there, through the real watchers of `DaemonHost`.
    @Test func aPlanDirectoryMissingAtStartIsWatchedUntilThePlanAppears() async throws {
        let rig = try Rig(plan: "", at: F.at("2026-11-25 12:00"), planFile: "config/trust/plan.yaml")
        let host = DaemonHost(daemon: rig.daemon, planPath: rig.planPath, ledgerPath: rig.storePath, logger: rig.logs.logger())
        host.start()
        #expect(await eventually { await rig.daemon.inspect { $0.ready } })
        #expect(rig.logs.text.contains("No plan at \(rig.planPath)"))
        #expect(await rig.daemon.inspect { $0.planItems } == [])

        try FileManager.default.createDirectory(atPath: rig.dir + "/config/trust", withIntermediateDirectories: true)
        try callPlan.write(toFile: rig.planPath, atomically: true, encoding: .utf8)
        #expect(await eventually { await rig.daemon.inspect { $0.planItems } == ["evening-call"] })
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:00"))
        await withCheckedContinuation { c in host.stop { c.resume() } }
    }
}

/// Blocks `pass()` while closed; says whether someone waits there.
private final class Gate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = true
    private var waiters = 0

    func close() { condition.withLock { isOpen = false } }
    func open() {
        condition.withLock {
            isOpen = true
            condition.broadcast()
        }
    }
    var waiting: Bool { condition.withLock { waiters > 0 } }
    func pass() {
        condition.withLock {
            waiters += 1
            while !isOpen { condition.wait() }
            waiters -= 1
        }
    }
}

/// The terminal prompt shows an ask or why with escapes written out (a plan copied from
/// somewhere cannot clear the screen or forge a line).
@Test func theTerminalPromptWritesOutControlCharacters() throws {
    let item = Item(
        id: "call", kind: .commitment, title: "Call", why: "\u{9B}31mred", ask: "Called?\u{1B}[2J\rforged", schedule: [])
    let plan = Plan(timeZone: Fixture.berlin, items: [item])
    var b = LedgerBuilder()
    b.add("call", on: .d("2026-11-25"), .pending)
    let o = try #require(b.records.first)
    let text = DaemonText.terminalPrompt(o, item: item, plan: plan, late: false)
    #expect(!text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) })
    #expect(text.contains("Called?\\x1B[2J\\rforged"))
    #expect(text.contains("\\x9B31mred"))
}
