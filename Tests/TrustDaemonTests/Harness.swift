import Dispatch
import Foundation
import Logging
import SystemdKit
import TrustCore
import TrustDesktop
import TrustPlan
import TrustStore
import TrustTestSupport

@testable import TrustDaemon

/// A wall clock a test sets by hand. Timers armed on it fire (on their queue) when the clock is
/// set to or past their instant — a deterministic stand-in for Dispatch's wall-clock timers.
final class ManualClock: DaemonClock, @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var current: Date
    private var timers: [WeakTimer] = []

    init(_ start: Date) { current = start }

    func now() -> Date { lock.withLock { current } }

    func makeTimer(queue: DispatchQueue, handler: @escaping @Sendable () -> Void) -> WakeTimer {
        let t = ManualTimer(clock: self, queue: queue, handler: handler)
        lock.withLock { timers.append(WeakTimer(timer: t)) }
        return t
    }

    /// Sets the clock (forward or back) and fires every timer now due.
    func set(_ date: Date) {
        let due: [ManualTimer] = lock.withLock {
            current = date
            timers.removeAll { $0.timer == nil }
            return timers.compactMap(\.timer).filter { t in t.takeIfDue(date) }
        }
        for t in due { t.fire() }
    }

    func advance(_ seconds: TimeInterval) { set(now().addingTimeInterval(seconds)) }

    /// The earliest armed instant of any live timer.
    var nextArmed: Date? {
        lock.withLock { timers.compactMap { $0.timer?.armed }.min() }
    }

    private struct WeakTimer { weak var timer: ManualTimer? }
}

final class ManualTimer: WakeTimer, @unchecked Sendable {
    // `armed` is guarded by `lock`.
    private let lock = NSLock()
    private let queue: DispatchQueue
    private let handler: @Sendable () -> Void
    private weak var clock: ManualClock?
    private var _armed: Date?
    private var cancelled = false

    init(clock: ManualClock, queue: DispatchQueue, handler: @escaping @Sendable () -> Void) {
        self.clock = clock
        self.queue = queue
        self.handler = handler
    }

    var armed: Date? { lock.withLock { cancelled ? nil : _armed } }

    func arm(at instant: Date?) {
        lock.withLock { _armed = instant }
        // Armed in the past: fires at once, like a wall-clock timer.
        if let instant, let clock, clock.now() >= instant, takeIfDue(clock.now()) { fire() }
    }

    func cancel() { lock.withLock { cancelled = true } }

    func takeIfDue(_ now: Date) -> Bool {
        lock.withLock {
            guard !cancelled, let a = _armed, a <= now else { return false }
            _armed = nil
            return true
        }
    }

    func fire() { queue.async(execute: handler) }
}

/// Records what the daemon tells systemd.
final class RecordingService: ServiceStatus, @unchecked Sendable {
    private let lock = NSLock()
    private var _states: [ServiceState] = []
    func tell(_ states: [ServiceState]) { lock.withLock { _states += states } }
    var states: [ServiceState] { lock.withLock { _states } }
    var statuses: [String] {
        states.compactMap { if case .status(let s) = $0 { s } else { nil } }
    }
}

/// A terminal a test types into and reads from.
final class FakeConsole: Console, @unchecked Sendable {
    private let lock = NSLock()
    private var _output: [String] = []
    private var handler: (@Sendable (String?) -> Void)?
    private var queue: DispatchQueue?

    func start(queue: DispatchQueue, lines: @escaping @Sendable (String?) -> Void) {
        lock.withLock {
            self.queue = queue
            handler = lines
        }
    }
    func print(_ text: String) { lock.withLock { _output.append(text) } }
    func stop() { lock.withLock { handler = nil } }

    func type(_ line: String) {
        let (q, h) = lock.withLock { (queue, handler) }
        if let q, let h { q.async { h(line) } }
    }
    var output: String { lock.withLock { _output.joined(separator: "\n") } }
}

/// Collects log lines.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    func append(_ s: String) { lock.withLock { _lines.append(s) } }
    var lines: [String] { lock.withLock { _lines } }
    var text: String { lines.joined(separator: "\n") }

    func logger() -> Logger {
        Logger(label: "trustd-test") { _ in CollectingHandler(collector: self) }
    }

    struct CollectingHandler: LogHandler {
        let collector: LogCollector
        var logLevel: Logger.Level = .debug
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            collector.append("\(event.level): \(event.message)")
        }
    }
}

/// The real ledger port, with `recordPrompted`'s batches counted (how many transactions a burst
/// of prompts cost).
final class CountingLedger: Ledger, @unchecked Sendable {
    // Confinement: `batches` is guarded by `lock`; `base` is a Sendable value.
    private let base: StoreLedger
    private let lock = NSLock()
    private var batches: [Int] = []
    init(_ base: StoreLedger) { self.base = base }

    /// The sizes of the `recordPrompted` calls so far, in order.
    var promptedBatches: [Int] { lock.withLock { batches } }

    func recordPrompted(_ prompts: [PromptedRecord]) throws(LedgerError) {
        lock.withLock { batches.append(prompts.count) }
        try base.recordPrompted(prompts)
    }

    var path: String { base.path }
    func lastScheduled(item: ItemID) throws(LedgerError) -> Date? { try base.lastScheduled(item: item) }
    func lastScheduled(item: ItemID, notAfter: Date) throws(LedgerError) -> Date? {
        try base.lastScheduled(item: item, notAfter: notAfter)
    }
    func voidScheduled(after now: Date, at: Date) throws(LedgerError) -> [CheckIn] { try base.voidScheduled(after: now, at: at) }
    func celebrateOnce(occurrence: CheckInID, streak: Int, at: Date) throws(LedgerError) -> CheckInEvent? {
        try base.celebrateOnce(occurrence: occurrence, streak: streak, at: at)
    }
    func openOccurrences() throws(LedgerError) -> [CheckIn] { try base.openOccurrences() }
    func occurrence(id: CheckInID) throws(LedgerError) -> CheckIn? { try base.occurrence(id: id) }
    func enter(_ creations: [Creation], at: Date) throws(LedgerError) -> [CheckIn] { try base.enter(creations, at: at) }
    func recordSnoozed(occurrence: CheckInID, until: Date, channel: Channel, at: Date) throws(LedgerError) -> CheckIn {
        try base.recordSnoozed(occurrence: occurrence, until: until, channel: channel, at: at)
    }
    func answer(occurrence: CheckInID, answer: Answer, note: String?, channel: Channel, at: Date) throws(LedgerError)
        -> AnswerResult
    {
        try base.answer(occurrence: occurrence, answer: answer, note: note, channel: channel, at: at)
    }
    func addNote(occurrence: CheckInID, note: String, channel: Channel, at: Date) throws(LedgerError) -> CheckIn {
        try base.addNote(occurrence: occurrence, note: note, channel: channel, at: at)
    }
    func markUnanswered(occurrence: CheckInID, at: Date, channel: Channel) throws(LedgerError) -> Bool {
        try base.markUnanswered(occurrence: occurrence, at: at, channel: channel)
    }
    func lastEventSequence() throws(LedgerError) -> Int64 { try base.lastEventSequence() }
    func events(after sequence: Int64, limit: Int) throws(LedgerError) -> [CheckInEvent] {
        try base.events(after: sequence, limit: limit)
    }
    func records(items: [ItemID]?, since: DayKey?) throws(LedgerError) -> [CheckIn] { try base.records(items: items, since: since) }
    func lastPlanVersion() throws(LedgerError) -> RecordedPlanVersion? { try base.lastPlanVersion() }
    func recordPlanVersion(_ version: PlanVersion, at: Date) throws(LedgerError) -> RecordedPlanVersion? {
        try base.recordPlanVersion(version, at: at)
    }
    func planVersions() throws(LedgerError) -> [RecordedPlanVersion] { try base.planVersions() }
}

/// One daemon on a real ledger file, a manual clock, the recording notifier and a fake terminal.
final class Rig: @unchecked Sendable {
    /// Shared with `restarted` rigs; removed when the last of them is gone.
    private let scratch: ScratchDirectory
    var dir: String { scratch.path }
    let planPath: String
    let storePath: String
    let store: TrustStore
    let clock: ManualClock
    let queue = DispatchQueue(label: "trustd-test")
    let notifier: RecordingNotifier?
    /// The real client, when the rig runs on a private bus.
    let client: NotificationClient?
    let console: FakeConsole?
    let service = RecordingService()
    /// The daemon's ledger port: the real store, with its prompt batches counted.
    let ledger: CountingLedger
    /// What the daemon is told the system zone is.
    let systemZone = ZoneBox()
    let logs = LogCollector()
    private(set) var daemon: Daemon!

    init(
        plan: String, at start: Date, scratch: ScratchDirectory? = nil, server: NotificationServer? = RecordingNotifier.server(capabilities: ["actions", "body"]),
        desktop: Bool = true, terminal: Bool = false, zone: TimeZone = Fixture.berlin, demoDelay: TimeInterval? = nil,
        bus: PrivateBus? = nil, settled: (@Sendable () -> Void)? = nil, planFile: String = "plan.yaml",
        readPlan: (@Sendable (String, TimeZone, Date) -> PlanReadResult)? = nil, warmUpLead: TimeInterval = 0
    ) throws {
        let scratch = try scratch ?? ScratchDirectory()
        self.scratch = scratch
        let dir = scratch.path
        planPath = dir + "/" + planFile
        storePath = dir + "/state/ledger.sqlite"
        if FileManager.default.fileExists(atPath: (planPath as NSString).deletingLastPathComponent) {
            try plan.write(toFile: planPath, atomically: true, encoding: .utf8)
        }
        store = try TrustStore(path: storePath)
        ledger = CountingLedger(StoreLedger(store))
        clock = ManualClock(start)
        if let bus {
            notifier = nil
            client = NotificationClient(
                address: bus.busAddress, deliveryQueue: queue,
                backoff: Backoff(initial: .milliseconds(50), maximum: .milliseconds(200)), callTimeout: .seconds(5))
        } else {
            notifier = desktop ? RecordingNotifier(deliveryQueue: queue, server: server) : nil
            client = nil
        }
        console = terminal ? FakeConsole() : nil
        let systemZone = self.systemZone
        systemZone.set(zone)
        var options = DaemonOptions(planPath: planPath, systemTimeZone: { systemZone.get() }, demoDelay: demoDelay)
        options.desktopGrace = 0.05
        options.settled = settled
        if let readPlan { options.readPlan = readPlan }
        options.settleDelay = 0.2
        options.warmUpLead = warmUpLead
        // A stop waits this long at most for the server's close replies: ample on a loaded
        // machine (a server that is gone answers at once, with an error).
        options.closeGrace = 15
        daemon = Daemon(
            options: options,
            ports: DaemonPorts(
                ledger: ledger, clock: clock, notifier: client ?? notifier, console: console, service: service,
                logger: logs.logger()),
            queue: queue)
    }

    /// A second daemon on the same files (a restart), with its own notifier.
    func restarted(
        at date: Date, server: NotificationServer? = RecordingNotifier.server(capabilities: ["actions", "body"]),
        bus: PrivateBus? = nil
    ) throws -> Rig {
        let plan = try String(contentsOfFile: planPath, encoding: .utf8)
        return try Rig(plan: plan, at: date, scratch: scratch, server: server, bus: bus)
    }

    func start() async {
        daemon.start()
        await settle()
        for _ in 0..<200 where !(await daemon.inspect { $0.ready }) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        await settle()
    }

    func stop() async {
        await withCheckedContinuation { c in daemon.stop { c.resume() } }
    }

    /// Lets every hop on the daemon's queue (notifier completions, timers) run, and a read of
    /// the plan (on its own queue) come back.
    func settle() async {
        for _ in 0..<8 { _ = await daemon.inspect { _ in 0 } }
        for _ in 0..<1000 where await daemon.inspect({ $0.readingPlan }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
        for _ in 0..<8 { _ = await daemon.inspect { _ in 0 } }
    }

    /// Tells the daemon that another process wrote the ledger (as its inotify watch would) and
    /// waits until it has reacted to every event there, however late its coalescing timer fires.
    func ledgerWritten() async throws {
        let head = try store.lastEventSequence()
        daemon.ledgerFileChanged()
        _ = await eventually { await self.daemon.inspect { $0.ledgerSequence } >= head }
        await settle()
    }

    func set(_ date: Date) async {
        clock.set(date)
        await settle()
    }

    func act(_ id: UInt32, _ action: String) async {
        notifier?.simulate(.actionInvoked(NotificationID(id), action: action))
        await settle()
    }

    var requests: [NotificationRequest] { notifier?.requests ?? [] }
    /// The requests that show a check-in (not notices such as "Recorded as unanswered").
    var checkInRequests: [NotificationRequest] { requests.filter { $0.hints.category == CheckInPrompt.category } }
    var closed: [UInt32] { notifier?.closed.map(\.rawValue) ?? [] }

    func occurrences(_ item: ItemID? = nil) throws -> [CheckIn] {
        try store.history(item: item).map(\.occurrence).sorted { $0.scheduled < $1.scheduled }
    }

    func events(_ id: CheckInID) throws -> [EventType] { try store.events(occurrence: id).map(\.type) }

    func writePlan(_ text: String) throws { try text.write(toFile: planPath, atomically: true, encoding: .utf8) }
}

/// A private temporary directory, removed with everything in it when the last reference goes.
final class ScratchDirectory: Sendable {
    let path: String
    init() throws { path = try TemporaryDirectory.make(prefix: "trustd-rig") }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A plan file's text: `items` are commitment entries (YAML), indented by the caller's format.
func planYAML(zone: String = "Europe/Berlin", quiet: String? = nil, extra: String = "", _ commitments: String) -> String {
    """
    version: 1
    timezone: \(zone)
    \(quiet.map { "quiet-hours: \"\($0)\"" } ?? "")
    \(extra)
    commitments:
    \(commitments)
    """
}

/// Waits until `condition` holds (polling), up to `timeout` seconds; returns whether it did.
@discardableResult
func eventually(_ timeout: Double = 10, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

final class ZoneBox: @unchecked Sendable {
    private let lock = NSLock()
    private var zone = TimeZone(identifier: "UTC")!
    func set(_ z: TimeZone) { lock.withLock { zone = z } }
    func get() -> TimeZone { lock.withLock { zone } }
}
