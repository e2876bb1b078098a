import Foundation
import SystemdKit
import Testing
import TrustCore
import TrustStore
import TrustTestSupport

/// The built `trustd` as a process, on a private bus with the test notification server, with
/// real time and short schedules: signals, reload, sd_notify, SIGKILL and restart.
@Suite(.serialized) struct BuiltBinaryTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let trustd = packageRoot + "/.build/debug/trustd"
    static let trustctl = packageRoot + "/.build/debug/trustctl"

    /// One trustd process: stdin a pipe (no terminal mode), stdout and stderr to files.
    final class Trustd: @unchecked Sendable {
        let process = Process()
        let stderrPath: String
        private let stdin = Pipe()

        init(_ arguments: [String], environment: [String: String], stderrPath: String) throws {
            self.stderrPath = stderrPath
            process.executableURL = URL(fileURLWithPath: BuiltBinaryTests.trustd)
            process.arguments = arguments
            process.environment = environment
            process.standardInput = stdin
            _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.standardOutput = FileHandle(forWritingAtPath: stderrPath)
            process.standardError = FileHandle(forWritingAtPath: stderrPath)
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }
        var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

        func signal(_ s: Int32) { kill(pid, s) }

        /// Waits for the exit; nil when it did not exit within `timeout` (then it is killed).
        func exitStatus(timeout: Double = 30) async -> Int32? {
            let done = await eventually(timeout) { !self.process.isRunning }
            if !done {
                kill(pid, SIGKILL)
                process.waitUntilExit()
                return nil
            }
            process.waitUntilExit()
            return process.terminationStatus
        }

        deinit { if process.isRunning { kill(pid, SIGKILL) } }
    }

    /// Receives what trustd tells the service manager: a datagram socket at `path`, read by a
    /// small Python child (Debian's python3), one line per datagram.
    final class NotifySocket: @unchecked Sendable {
        let path: String
        let child: ChildProcess
        init(directory: String) async throws {
            path = directory + "/notify.sock"
            let script = """
                import os, select, socket, sys
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                s.bind(sys.argv[1])
                print("LISTENING", flush=True)
                while True:
                    r, _, _ = select.select([s, sys.stdin], [], [])
                    if sys.stdin in r and not os.read(0, 1):
                        break
                    if s in r:
                        print(s.recv(65536).decode().replace("\\n", "|"), flush=True)
                """
            child = try ChildProcess("/usr/bin/python3", ["-c", script, path], stderrPath: directory + "/notify.log")
            _ = try await child.line(where: { $0 == "LISTENING" })
        }
        var messages: [String] { child.lines.all.filter { $0 != "LISTENING" } }
        func first(_ predicate: @escaping @Sendable (String) -> Bool, timeout: Double = 30) async throws -> String {
            try await child.line(where: predicate, timeout: .milliseconds(Int(timeout * 1000)))
        }
        func stop() async { await child.stop() }
    }

    struct Setup {
        let dir: String
        let bus: PrivateBus
        let planPath: String
        let storePath: String
        var environment: [String: String]

        init(plan: String) async throws {
            for binary in [BuiltBinaryTests.trustd, BuiltBinaryTests.trustctl]
            where !FileManager.default.isExecutableFile(atPath: binary) {
                throw HarnessError("\(binary) is missing: run swift build first")
            }
            dir = try TemporaryDirectory.make(prefix: "trustd-bin")
            bus = try await PrivateBus.start()
            planPath = dir + "/config/plan.yaml"
            storePath = dir + "/state/ledger.sqlite"
            try FileManager.default.createDirectory(atPath: dir + "/config", withIntermediateDirectories: true)
            try plan.write(toFile: planPath, atomically: true, encoding: .utf8)
            environment = [
                "PATH": "/usr/bin:/bin", "HOME": dir, "DBUS_SESSION_BUS_ADDRESS": bus.address, "TZ": "Europe/Berlin",
                "SWIFT_BACKTRACE": "enable=no",
            ]
        }

        func start(_ extra: [String: String] = [:], name: String) throws -> Trustd {
            try Trustd(
                ["--plan", planPath, "--store", storePath], environment: environment.merging(extra) { $1 },
                stderrPath: dir + "/\(name).log")
        }

        /// Runs the built trustctl on this ledger with `environment` (default: the setup's) and
        /// returns its exit status. Waited for on a thread of its own, not one of the few the
        /// concurrent tests share.
        func trustctl(_ arguments: [String], environment: [String: String]? = nil) async throws -> Int32 {
            let arguments = arguments + ["--store", storePath]
            let environment = environment ?? self.environment
            return try await onBlockingThread {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: BuiltBinaryTests.trustctl)
                p.arguments = arguments
                p.environment = environment
                p.standardOutput = FileHandle.nullDevice
                try p.run()
                p.waitUntilExit()
                return p.terminationStatus
            }
        }

        func writePlan(_ text: String) throws {
            // As editors do: a new file renamed over the old one.
            try text.write(toFile: planPath + ".tmp", atomically: false, encoding: .utf8)
            guard rename(planPath + ".tmp", planPath) == 0 else { throw HarnessError("rename failed") }
        }

        func tearDown() async {
            await bus.shutdown()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    private func notifies(_ server: FakeNotificationServer) async throws -> [RecordedCall] {
        try await server.calls().filter { $0.method == "Notify" }
    }

    /// A check-in every 2 s.
    static let tickPlan = """
        version: 1
        commitments:
          - id: tick
            title: Tick
            at: "*:*:0/2"
            deadline: 1m
        """

    @Test func readyStatusReloadBySignalAndByEditAndABadPlanAndStop() async throws {
        let setup = try await Setup(
            plan: """
                version: 1
                timezone: Pacific/Kiritimati
                commitments:
                  - id: noon
                    title: Noon
                    at: "12:00"
                """)
        let server = try await FakeNotificationServer.start(on: setup.bus)
        let notify = try await NotifySocket(directory: setup.dir)
        let trustd = try setup.start(["NOTIFY_SOCKET": notify.path], name: "trustd")

        _ = try await notify.first { $0.contains("READY=1") }
        // A named zone resolves in the built binary; the next check-in is at noon there.
        let status = try #require(notify.messages.first { $0.contains("READY=1") })
        #expect(status.contains("STATUS=Next check-in: noon at "), "\(status)")
        #expect(status.contains(" 12:00 "), "\(status)")

        // An edit (rename over the file) reloads.
        try setup.writePlan(
            """
            version: 1
            commitments:
              - id: noon
                title: Noon
                at: "12:00"
              - id: evening
                title: Evening
                at: "19:00"
            """)
        #expect(await eventually(30) { trustd.log.contains("Reloaded the plan (the plan file changed): 2 items; added evening") })

        // A bad plan is rejected: error with file:line:column in the log, one notification,
        // the running plan stays.
        try setup.writePlan(
            """
            version: 1
            commitments:
              - id: noon
                title: Noon
                at: "12:00"
                deadlin: 2h
            """)
        #expect(await eventually(30) { trustd.log.contains("\(setup.planPath):6:5: error:") })
        #expect(try await eventually(30) { try await notifies(server).contains { $0.arguments[3] == .string("trustd: the plan has an error; the previous plan stays in force") } })
        _ = try await notify.first { $0.contains("plan rejected: \(setup.planPath):6:5: error:") }

        // SIGHUP reloads (still the bad plan: rejected again, RELOADING=1 then READY=1).
        let before = notify.messages.count
        trustd.signal(SIGHUP)
        #expect(await eventually(30) { notify.messages.dropFirst(before).contains { $0.hasPrefix("RELOADING=1") } })
        #expect(await eventually(30) { notify.messages.dropFirst(before).contains { $0.contains("READY=1") } })
        #expect(await eventually(30) { trustd.log.components(separatedBy: "6:5: error:").count == 3 })

        trustd.signal(SIGTERM)
        #expect(await trustd.exitStatus() == 0)
        #expect(notify.messages.contains { $0.contains("STOPPING=1") })
        #expect(trustd.log.contains("trustd stopped"))

        await notify.stop()
        await server.stop()
        await setup.tearDown()
    }

    /// A ledger damaged past its header: trustd stops at once with the reason in STATUS= and the
    /// log and exit status 65 (EX_DATAERR), `trustctl answer` refuses it, and neither changes a byte.
    @Test func aDamagedLedgerStopsTrustdAndTrustctlAnswerWithoutWritingAByte() async throws {
        let setup = try await Setup(plan: Self.tickPlan)
        do {
            try FileManager.default.createDirectory(atPath: setup.dir + "/state", withIntermediateDirectories: true)
            let store = try TrustStore(path: setup.storePath)
            let zone = TimeZone(identifier: "Europe/Berlin")!
            let start = Date(timeIntervalSince1970: 1_767_299_400)
            _ = try store.transaction { tx in
                for i in 0..<400 {
                    let when = start.addingTimeInterval(Double(i) * 86400)
                    let o = try tx.schedule(
                        item: "tick", kind: .commitment, scheduled: when, zone: zone.identifier, day: DayKey.of(when, in: zone),
                        deadline: when.addingTimeInterval(3600), at: when)
                    _ = try tx.answer(occurrence: o.id, answer: .kept, note: String(repeating: "n", count: 200), channel: .terminal, at: when)
                }
            }
            try store.checkpoint()
        }
        let damaged = try overwritePages(of: setup.storePath)
        let notify = try await NotifySocket(directory: setup.dir)
        let trustd = try setup.start(["NOTIFY_SOCKET": notify.path], name: "trustd")
        #expect(await trustd.exitStatus() == 65)
        let status = try await notify.first { $0.contains("STATUS=") }
        #expect(status.contains("STATUS=Stopped: the ledger \(setup.storePath) is damaged"), "\(status)")
        #expect(status.contains("trustctl verify --store \(setup.storePath)"), "\(status)")
        #expect(!notify.messages.contains { $0.contains("READY=1") })
        #expect(trustd.log.contains("trustd cannot use its ledger and stops without writing anything"), "\(trustd.log)")
        #expect(trustd.log.contains("trustctl export --store"), "\(trustd.log)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: setup.storePath)) == damaged)

        // trustctl answer: refused with the same advice, exit status 1, not a byte changed.
        let answer = try await onBlockingThread { () throws -> (Int32, String) in
            let p = Process()
            p.executableURL = URL(fileURLWithPath: BuiltBinaryTests.trustctl)
            p.arguments = ["answer", "tick", "kept", "--occurrence", "400", "--store", setup.storePath]
            p.environment = setup.environment
            let err = Pipe()
            p.standardOutput = FileHandle.nullDevice
            p.standardError = err
            try p.run()
            let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return (p.terminationStatus, text)
        }
        #expect(answer.0 == 1)
        #expect(answer.1.contains("trustctl answer: error: the ledger \(setup.storePath) is damaged"), "\(answer.1)")
        #expect(answer.1.contains("trustctl verify --store"), "\(answer.1)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: setup.storePath)) == damaged)

        await notify.stop()
        await setup.tearDown()
    }

    /// `trustctl answer` while trustd is gone (killed): trustctl itself withdraws the check-in's
    /// notification, with the id in the ledger, after the answer is on disk.
    @Test func trustctlClosesTheNotificationWhenTrustdIsNotRunning() async throws {
        let setup = try await Setup(plan: Self.tickPlan)
        let server = try await FakeNotificationServer.start(on: setup.bus)
        let trustd = try setup.start(name: "trustd")
        // Killed once a prompt's notification id is in the ledger (trustctl has it from there).
        #expect(await eventually(30) { trustd.log.contains("trustd starting") })  // the ledger exists
        let reader = try TrustStore(path: setup.storePath, mode: .readOnly)
        #expect(try await eventually(30) { try reader.history().contains { $0.occurrence.notificationID != nil } })
        trustd.signal(SIGKILL)
        _ = await trustd.exitStatus()
        let prompted = try #require(try reader.history().map(\.occurrence).first { $0.notificationID != nil })
        let id = try #require(prompted.notificationID)
        let shown = try await notifies(server)
        let before = try await server.calls().count

        #expect(try await setup.trustctl(["answer", "tick", "kept", "--occurrence", "\(prompted.id)"]) == 0)

        let after = try await server.calls().dropFirst(before)
        let closed = after.filter { $0.method == "CloseNotification" }
        #expect(closed.map { $0.arguments.first } == [.uint32(id.rawValue)])
        #expect(closed.allSatisfy { c in !shown.contains { $0.sender == c.sender } })  // trustctl's own connection
        #expect(!after.contains { $0.method == "Notify" })
        await server.stop()
        await setup.tearDown()
    }

    /// `trustctl answer` in another process: trustd notices the ledger change (inotify on the
    /// WAL) and closes the desktop notification. The watchdog is pinged meanwhile.
    @Test func anAnswerFromTrustctlClosesTheNotificationAndTheWatchdogIsPinged() async throws {
        let setup = try await Setup(plan: Self.tickPlan)
        let server = try await FakeNotificationServer.start(on: setup.bus)
        let notify = try await NotifySocket(directory: setup.dir)
        let trustd = try setup.start(["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000"], name: "trustd")
        #expect(try await eventually(30) { try await notifies(server).count >= 1 })
        let shown = try #require(try await notifies(server).first)
        let id = try #require(shown.result)

        // No bus for trustctl here: this proves trustd itself notices the answer and closes it.
        let noBus = setup.environment.filter { $0.key != "DBUS_SESSION_BUS_ADDRESS" }
        #expect(try await setup.trustctl(["answer", "tick", "kept", "--note", "from the terminal"], environment: noBus) == 0)

        /// Whether the connection that showed `id` (trustd itself, not trustctl) closed it.
        func closedByTrustd(_ id: UInt32) async throws -> Bool {
            try await server.calls().contains {
                $0.method == "CloseNotification" && $0.arguments.first == .uint32(id) && $0.sender == shown.sender
            }
        }
        #expect(try await eventually(15) { try await closedByTrustd(id) })
        #expect(await eventually(15) { notify.messages.filter { $0 == "WATCHDOG=1" }.count >= 3 })

        // A clean stop takes what is on screen away: its buttons would reach nobody.
        #expect(try await eventually(15) { try await notifies(server).count >= 2 })
        let last = try #require(try await notifies(server).last?.result)
        trustd.signal(SIGTERM)
        #expect(await trustd.exitStatus() == 0)
        #expect(try await eventually(15) { try await closedByTrustd(last) })
        await notify.stop()
        await server.stop()
        await setup.tearDown()
    }

    /// A check-in every 2 s, answered as they come; trustd is SIGKILLed mid-stream, stays down
    /// for a few check-ins, and is started again. No answer is lost, no occurrence is entered
    /// twice, none is shown as two notifications at once, and the missed ones are caught up.
    @Test func sigkillMidStreamAndRestart() async throws {
        let setup = try await Setup(plan: Self.tickPlan)
        let server = try await FakeNotificationServer.start(on: setup.bus)
        let answered = Answered()

        // Answers every notification once, alternately kept and missed.
        let answering = Task {
            while !Task.isCancelled {
                for call in (try? await notifies(server)) ?? [] {
                    guard let id = call.result, answered.claim(id) else { continue }
                    try? await server.emitActionInvoked(id: id, key: id % 2 == 0 ? "kept" : "missed")
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { answering.cancel() }

        var run = try setup.start(name: "run1")
        #expect(await eventually(30) { run.log.contains("trustd starting") })
        let reader = try TrustStore(path: setup.storePath, mode: .readOnly)
        #expect(try await eventually(30) { try reader.history().filter { $0.occurrence.state != .pending }.count >= 3 })
        // Kill right after an answer went out, while prompts are in flight.
        _ = await eventually(15) { answered.count > 3 }
        run.signal(SIGKILL)
        _ = await run.exitStatus()
        let beforeRestart = try reader.history().map(\.occurrence)
        let answeredBefore = beforeRestart.filter { $0.state.answer != nil }
        #expect(answeredBefore.count >= 3)

        try await Task.sleep(for: .seconds(5))  // two or three check-ins fall due meanwhile
        let downSince = beforeRestart.map(\.scheduled).max()!
        run = try setup.start(name: "run2")
        #expect(try await eventually(30) { try reader.history().count >= beforeRestart.count + 5 })
        run.signal(SIGTERM)
        #expect(await run.exitStatus() == 0)
        answering.cancel()

        let all = try reader.history().map(\.occurrence).sorted { $0.scheduled < $1.scheduled }
        // Entered once each, every 2 s, without gaps.
        #expect(Set(all.map(\.scheduled)).count == all.count)
        for (a, b) in zip(all, all.dropFirst()) { #expect(b.scheduled.timeIntervalSince(a.scheduled) == 2) }
        // No acknowledged answer is lost or changed.
        for o in answeredBefore {
            #expect(all.first { $0.id == o.id }?.state == o.state)
        }
        // The check-ins that fell due while trustd was down: the newest prompted, the older
        // ones recorded unanswered without a prompt.
        let restartLog = try String(contentsOfFile: setup.dir + "/run2.log", encoding: .utf8)
        let missed = all.filter { $0.scheduled > downSince && restartLog.contains("Check-in #\($0.id) (tick, due") }
        #expect(!missed.isEmpty, "\(restartLog)")
        for o in missed {
            #expect(o.state == .unanswered)
            #expect(try reader.events(occurrence: o.id).map(\.type) == [.scheduled, .unanswered])
        }
        // Never two notifications at once for one occurrence: a second prompt (a re-issue after
        // the restart) comes only after the first notification was closed.
        let calls = try await server.calls()
        for o in all {
            let prompts = try reader.events(occurrence: o.id).filter { $0.type == .prompted }
            #expect(prompts.count <= 2)
            if prompts.count == 2, let old = prompts[0].notificationID, let new = prompts[1].notificationID {
                let closedAt = calls.firstIndex { $0.method == "CloseNotification" && $0.arguments.first == .uint32(old.rawValue) }
                let shownAt = calls.firstIndex { $0.method == "Notify" && $0.result == new.rawValue }
                #expect(closedAt != nil && shownAt != nil && closedAt! < shownAt!)
            }
        }
        let report = try reader.verify()
        #expect(report.isIntact, "\(report.findings)")

        await server.stop()
        await setup.tearDown()
    }
}

/// Notification ids the answering task has acted on.
final class Answered: @unchecked Sendable {
    private let lock = NSLock()
    private var ids: Set<UInt32> = []
    func claim(_ id: UInt32) -> Bool { lock.withLock { ids.insert(id).inserted } }
    var count: Int { lock.withLock { ids.count } }
}
