// The daemon's runtime: executes the Scheduler's decisions against the ledger, the desktop and the
// terminal, and reacts to everything that can change them (a timer, a clock jump, an answer, a
// plan edit, another process writing the ledger, the notification server coming and going).
import Dispatch
import Foundation
import Logging
import SystemdKit
import TrustCore
import TrustDesktop
import TrustPlan
import TrustStore

/// Settings of one daemon run.
public struct DaemonOptions: Sendable {
    /// The plan file.
    public var planPath: String
    /// Adds a clearly labelled demo check-in due this long after start (`trustd --demo`).
    public var demoDelay: TimeInterval?
    /// See `Scheduler.lateTolerance`.
    public var lateTolerance: TimeInterval = 60
    /// See `Scheduler.catchUpLimit`.
    public var catchUpLimit: Int = 10_000
    /// Plan file events closer together than this cause one reload.
    public var reloadDebounce: TimeInterval = 0.2
    /// How long the first scheduling step waits for the notifier to say whether a server is there.
    public var desktopGrace: TimeInterval = 2
    /// Delay before retrying after the ledger failed (doubling up to `ledgerRetryMax`).
    public var ledgerRetry: TimeInterval = 5
    public var ledgerRetryMax: TimeInterval = 300
    /// Called on the daemon's queue `settleDelay` after its last scheduling step (start-up, a
    /// reload, a check-in, an answer), once: the moment to give the pages that work touched back
    /// (`ResidentMemory.releaseFileBackedPages`). Not called while idle, nor after `stop`.
    public var settled: (@Sendable () -> Void)?
    public var settleDelay: TimeInterval = 2
    /// How long a stop waits for the server to confirm the notifications it closes.
    public var closeGrace: TimeInterval = 2
    /// The zone of a plan that names none: the system's, asked again at every plan load (a
    /// changed system zone reloads the plan).
    public var systemTimeZone: @Sendable () -> TimeZone

    public init(
        planPath: String, systemTimeZone: @escaping @Sendable () -> TimeZone = Self.currentSystemTimeZone,
        demoDelay: TimeInterval? = nil
    ) {
        self.planPath = planPath
        self.systemTimeZone = systemTimeZone
        self.demoDelay = demoDelay
    }

    /// Foundation's idea of the system zone, re-read (it is cached otherwise): `$TZ`, else
    /// `/etc/localtime`.
    public static let currentSystemTimeZone: @Sendable () -> TimeZone = {
        NSTimeZone.resetSystemTimeZone()
        return TimeZone.current
    }
}

/// What the daemon is built from (ports with real implementations and test doubles).
public struct DaemonPorts {
    public var ledger: any Ledger
    public var clock: any DaemonClock
    /// The desktop; nil with `--no-desktop` (prompts go to the terminal or the journal).
    public var notifier: (any Notifier)?
    /// The terminal in foreground mode; nil under systemd.
    public var console: (any Console)?
    public var service: any ServiceStatus
    public var logger: Logger

    public init(
        ledger: any Ledger, clock: any DaemonClock, notifier: (any Notifier)?, console: (any Console)?,
        service: any ServiceStatus, logger: Logger
    ) {
        self.ledger = ledger
        self.clock = clock
        self.notifier = notifier
        self.console = console
        self.service = service
        self.logger = logger
    }
}

/// trustd's runtime.
///
/// Confinement: every `var` of this class is confined to `queue`, one serial queue on which
/// every timer, watcher, notifier event and console line is delivered; each entry point hops
/// onto it and the internal methods check it with `dispatchPrecondition`. That is what makes
/// `@unchecked Sendable` sound.
public final class Daemon: @unchecked Sendable {
    public let queue: DispatchQueue
    public let options: DaemonOptions
    private let ledger: any Ledger
    private let clock: any DaemonClock
    private let notifier: (any Notifier)?
    private let console: (any Console)?
    private let service: any ServiceStatus
    private let log: Logger
    private var scheduler: Scheduler

    // MARK: State (confined to `queue`)

    private enum Phase { case idle, starting, running, stopped }
    private var phase = Phase.idle
    private var plan: Plan?
    private var demoItem: Item?
    /// Per item: occurrences up to here are in the ledger (see `Scheduler.decide`).
    private var cursors: [ItemID: Date] = [:]
    /// What this run has on screen, by occurrence.
    private var shown: [OccurrenceID: ShownPrompt] = [:]
    /// Notification id → occurrence, for the notifier's events.
    private var byNotification: [UInt32: OccurrenceID] = [:]
    /// The newest ledger event this run has reacted to.
    private var lastSequence: Int64 = 0
    /// Notifications an earlier run left, to close once a server is there.
    private var leftovers: [UInt32] = []
    private var server: NotificationServer?
    private var desktopKnown = false
    private var timer: (any WakeTimer)?
    private var wakeAt: Date?
    private var lastStatus = ""
    /// Why the plan on disk is not the one in force, for STATUS=.
    private var planProblem: String?
    private var adoptedOnce = false
    private var ready = false
    private var planNotice: UInt32?
    private var celebrated: Set<String> = []
    private var ledgerFailures = 0
    private var retryTimer: (any WakeTimer)?
    private var reloadGeneration = 0
    private var syncScheduled = false
    private var stepping = false
    private var stepAgain = false
    /// Fires `options.settled`; each step pushes it back (one wake-up after activity).
    private var settleTimer: (any DispatchSourceTimer)?
    /// While stopping (waiting for the close replies): who to tell when done.
    private var stopCompletion: (@Sendable () -> Void)?

    public init(options: DaemonOptions, ports: DaemonPorts, queue: DispatchQueue) {
        self.options = options
        self.queue = queue
        self.ledger = ports.ledger
        self.clock = ports.clock
        self.notifier = ports.notifier
        self.console = ports.console
        self.service = ports.service
        self.log = ports.logger
        self.scheduler = Scheduler(lateTolerance: options.lateTolerance, catchUpLimit: options.catchUpLimit)
    }

    // MARK: Entry points (any thread)

    /// Loads the plan, resumes from the ledger, connects to the desktop; READY=1 follows the first
    /// scheduling step. Returns at once.
    public func start() { queue.async { self.begin() } }

    /// Closes what this run shows, says STOPPING=1 and stops every source; `completion` runs on
    /// `queue` when done.
    public func stop(completion: @escaping @Sendable () -> Void = {}) {
        queue.async {
            self.end(completion: completion)
        }
    }

    /// Re-reads the plan (SIGHUP, or the file changed). A plan with errors is rejected.
    public func reload(reason: String) { queue.async { self.reloadPlan(reason: reason) } }

    /// The plan file changed: reload after `reloadDebounce` without further changes.
    public func planFileChanged() {
        queue.async {
            self.reloadGeneration += 1
            let generation = self.reloadGeneration
            self.queue.asyncAfter(deadline: .now() + self.options.reloadDebounce) {
                if generation == self.reloadGeneration { self.reloadPlan(reason: "the plan file changed") }
            }
        }
    }

    /// The system's time zone changed (`/etc/localtime`): a plan without `timezone:` follows it.
    public func systemTimeZoneChanged() {
        queue.async {
            let zone = self.options.systemTimeZone()
            guard let plan = self.plan, plan.timeZone != zone else { return }
            self.reloadPlan(reason: "the system time zone is now \(zone.identifier)")
        }
    }

    /// The wall clock was set (or the machine resumed): recompute at once.
    public func clockChanged() {
        queue.async {
            self.log.info("The system clock changed; recomputing the schedule")
            self.step()
        }
    }

    /// Another process may have written the ledger (inotify on its WAL): react to new events.
    public func ledgerFileChanged() {
        queue.async {
            guard !self.syncScheduled else { return }
            self.syncScheduled = true
            // Coalesce the burst of writes of one transaction.
            self.queue.asyncAfter(deadline: .now() + 0.01) {
                self.syncScheduled = false
                self.syncLedger()
            }
        }
    }

    /// Runs `body` on the daemon's queue (tests, diagnostics).
    public func inspect<T: Sendable>(_ body: @escaping @Sendable (DaemonSnapshot) -> T) async -> T {
        await withCheckedContinuation { c in
            queue.async { c.resume(returning: body(self.snapshot)) }
        }
    }

    // MARK: Start and stop

    private func begin() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .idle else { return }
        phase = .starting
        let now = clock.now()
        timer = clock.makeTimer(queue: queue) { [weak self] in self?.step() }
        if let delay = options.demoDelay {
            demoItem = Self.demoItem(at: now.addingTimeInterval(delay))
            scheduler.quietHoursExempt = ["demo"]
        }

        let result = readPlan(now: now)
        if let p = result.plan, result.errors.isEmpty {
            adopt(p, now: now)
            logPlanWarnings(result)
        } else if result.isMissingFile {
            log.warning(
                "No plan at \(options.planPath): nothing to check in on yet. Run `trustctl init` to write one; trustd reads it as soon as it appears")
            planProblem = "no plan at \(options.planPath)"
            if let demoItem { adopt(Plan(timeZone: options.systemTimeZone(), items: [demoItem]), now: now) }
        } else {
            reject(result, initial: true)
        }

        do {
            lastSequence = try ledger.lastEventSequence()
            // Prompts an earlier run left on screen: their actions would reach nobody.
            leftovers = try ledger.openOccurrences().compactMap(\.notificationID)
        } catch {
            ledgerFailed(error, doing: "reading the ledger")
        }

        console?.start(queue: queue) { [weak self] line in self?.typed(line) }
        if let console {
            console.print(
                "trustd is running. Check-ins appear here\(notifier == nil ? "" : " (and on the desktop when a notification server is there)"); type `help` to see how to answer.")
        }
        if let notifier {
            notifier.setEventHandler { [weak self] event in self?.desktopEvent(event) }
            notifier.start()
            // Wait briefly for the first word from the desktop, so a prompt due at once goes to the
            // right place; never longer than the grace period.
            queue.asyncAfter(deadline: .now() + options.desktopGrace) { [weak self] in self?.firstStep() }
        } else {
            firstStep()
        }
    }

    private func firstStep() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .starting else { return }
        phase = .running
        step()
        ready = true
        service.tell([.ready, .status(statusLine)])
    }

    /// (Re)arms the one-shot timer that runs `options.settled` `settleDelay` from now.
    private func settleSoon() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let settled = options.settled else { return }
        if settleTimer == nil {
            let t = DispatchSource.makeTimerSource(queue: queue)
            t.setEventHandler(handler: settled)
            t.activate()
            settleTimer = t
        }
        settleTimer?.schedule(deadline: .now() + options.settleDelay)
    }

    private func end(completion: @escaping @Sendable () -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase != .stopped else { return completion() }
        phase = .stopped
        service.tell([.stopping])
        timer?.cancel()
        retryTimer?.cancel()
        settleTimer?.cancel()
        console?.stop()
        // Close what is on screen: its buttons would reach nobody. The next run shows it again.
        // Shutting the connection down drops messages not yet written, so wait for the replies
        // (or `options.closeGrace`, whichever comes first) before disconnecting.
        var ids = shown.values.compactMap(\.notificationID)
        if let planNotice { ids.append(planNotice) }
        shown = [:]
        stopCompletion = completion
        guard let notifier, !ids.isEmpty else { return finishStop() }
        let replies = DispatchGroup()
        for id in ids {
            replies.enter()
            notifier.close(NotificationID(id)) { _ in replies.leave() }
        }
        let grace = DispatchWorkItem { self.finishStop() }
        queue.asyncAfter(deadline: .now() + options.closeGrace, execute: grace)
        replies.notify(queue: queue) {
            grace.cancel()
            self.finishStop()
        }
    }

    /// Disconnects and calls the stop's completion, once: after the close replies or the grace
    /// period, whichever comes first.
    private func finishStop() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let completion = stopCompletion else { return }
        stopCompletion = nil
        notifier?.shutdown()
        log.info("trustd stopped")
        completion()
    }

    // MARK: The plan

    private func readPlan(now: Date) -> PlanReadResult {
        var result = PlanReader.load(path: options.planPath, defaultTimeZone: options.systemTimeZone(), now: now)
        if let demoItem, var p = result.plan {
            var item = demoItem
            if p.item(item.id) != nil { item.id = "trustd-demo" }
            p.items.append(item)
            scheduler.quietHoursExempt = [item.id]
            result.plan = p
        }
        return result
    }

    private func reloadPlan(reason: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running || phase == .starting else { return }
        service.tell([.reloading, .status("Reloading the plan")])
        // Everything due under the old plan first: the new one starts from now.
        step()
        let now = clock.now()
        let result = readPlan(now: now)
        if let p = result.plan, result.errors.isEmpty {
            let before = plan
            adopt(p, now: now)
            planProblem = nil
            logPlanWarnings(result)
            log.info("Reloaded the plan (\(reason)): \(Self.describeChanges(from: before, to: p))")
            if let id = planNotice {
                notifier?.close(NotificationID(id)) { _ in }
                planNotice = nil
            }
        } else {
            reject(result, initial: plan == nil)
        }
        lastStatus = ""
        step()
        service.tell([.ready, .status(statusLine)])
    }

    /// Puts a valid plan in force. The first plan of a run resumes from the ledger (catch-up);
    /// later ones start from now, since everything due until now under the old plan is entered.
    private func adopt(_ newPlan: Plan, now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        let initial = !adoptedOnce
        adoptedOnce = true
        plan = newPlan
        for item in newPlan.items {
            if initial {
                do {
                    // Catch-up: occurrences after the newest one in the ledger fell due while trustd was
                    // not running. An item never seen starts now.
                    cursors[item.id] = try ledger.lastScheduled(item: item.id) ?? now
                } catch {
                    ledgerFailed(error, doing: "reading the ledger")
                }
            } else {
                // Everything due until now under the old plan is in the ledger: start from now.
                cursors[item.id] = max(cursors[item.id] ?? now, now)
            }
        }
    }

    private func reject(_ result: PlanReadResult, initial: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        let errors = result.isMissingFile ? result.diagnostics : result.errors
        for d in errors { log.error("\(d.rendered(source: result.source))") }
        let kept = initial ? "no check-ins are scheduled until it is fixed" : "the previous plan stays in force"
        let count = errors.count == 1 ? "an error" : "\(errors.count) errors"
        log.error("The plan \(options.planPath) has \(count); \(kept)")
        planProblem = "plan rejected: \(errors.first?.headline ?? "unreadable")"
        let body =
            errors.prefix(3).map(\.headline).joined(separator: "\n")
            + (errors.count > 3 ? "\n… and \(errors.count - 3) more: run trustctl check" : "\nRun trustctl check for details.")
        announce(summary: "trustd: the plan has \(count); \(kept)", body: body, replacing: planNotice) { [weak self] id in
            self?.planNotice = id
        }
    }

    private func logPlanWarnings(_ result: PlanReadResult) {
        for d in result.warnings { log.warning("\(d.headline)") }
    }

    static func describeChanges(from old: Plan?, to new: Plan) -> String {
        let before = Set(old?.items.map(\.id) ?? [])
        let after = Set(new.items.map(\.id))
        var parts = ["\(new.items.count) item\(new.items.count == 1 ? "" : "s")"]
        let added = after.subtracting(before).sorted()
        let removed = before.subtracting(after).sorted()
        if !added.isEmpty { parts.append("added " + added.map(\.rawValue).joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("removed " + removed.map(\.rawValue).joined(separator: ", ") + " (history kept)") }
        return parts.joined(separator: "; ")
    }

    /// The demo check-in of `trustd --demo`: once, at `instant`.
    static func demoItem(at instant: Date) -> Item {
        let local = LocalTime(Date(timeIntervalSince1970: instant.timeIntervalSince1970.rounded(.up)), in: TimeZone(identifier: "UTC")!)
        let spec = (try? CalendarSpec.parse("\(local.day) \(local.timeOfDay) UTC"))!
        return Item(
            id: "demo", kind: .commitment, title: "trustd demo check-in",
            why: "Added by trustd --demo to show what a check-in looks like; it is not in your plan.",
            ask: "Demo: did this check-in reach you?", schedule: [spec], deadline: 600, snooze: 60)
    }

    // MARK: The scheduling loop

    /// Runs the scheduler and executes its steps until nothing is left to do, then arms the
    /// timer for the next instant anything is due.
    private func step() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running else { return }
        settleSoon()  // also without a plan in force: start-up and a rejected plan touched pages too
        guard let plan else { return }
        if stepping {
            stepAgain = true
            return
        }
        stepping = true
        defer { stepping = false }
        var rounds = 0
        repeat {
            stepAgain = false
            rounds += 1
            let now = clock.now()
            let open: [StoredOccurrence]
            do {
                open = try ledger.openOccurrences()
            } catch {
                ledgerFailed(error, doing: "reading the open check-ins")
                return
            }
            let decision = scheduler.decide(now: now, plan: plan, cursors: cursors, open: open, shown: shown)
            for note in decision.notes { log.warning("\(note)") }
            if decision.actions.isEmpty {
                cursors = decision.cursors
                ledgerFailures = 0
                arm(decision.wake, now: now)
                status(decision.nextCheckIn, plan: plan)
                return
            }
            do {
                try execute(decision, open: open, plan: plan, now: now)
            } catch {
                ledgerFailed(error, doing: "writing to the ledger")
                return
            }
            stepAgain = true
        } while stepAgain && rounds < 16
        // Not settled after many rounds (should not happen): look again shortly rather than spin.
        log.warning("The schedule did not settle; looking again in one second")
        arm(clock.now().addingTimeInterval(1), now: clock.now())
    }

    private func execute(_ decision: SchedulerDecision, open: [StoredOccurrence], plan: Plan, now: Date) throws(StoreError) {
        dispatchPrecondition(condition: .onQueue(queue))
        let byID = Dictionary(open.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var creations: [Creation] = []
        for action in decision.actions {
            switch action {
            case .withdraw(let id):
                withdraw(id, why: nil)
            case .expire(let id):
                if try ledger.markUnanswered(occurrence: id, at: now, channel: .daemon) {
                    let o = byID[id]
                    log.notice(
                        "Check-in #\(id) (\(o?.item.rawValue ?? "?")) was not answered by its deadline; recorded as unanswered",
                        metadata: Self.meta(o?.item, id))
                }
                withdraw(id, why: "no answer by the deadline; recorded as unanswered")
            case .create(let c):
                creations.append(c)
            case .prompt:
                break
            }
        }
        if !creations.isEmpty {
            let entered = try ledger.enter(creations, at: now)
            cursors = decision.cursors
            for (c, o) in zip(creations, entered) where c.expireAtOnce {
                log.notice(
                    "Check-in #\(o.id) (\(c.item), due \(Self.format(c.scheduled, plan.timeZone))) fell due while trustd was not running; recorded as unanswered (answer it with trustctl answer \(c.item) --occurrence \(o.id))",
                    metadata: Self.meta(c.item, o.id))
            }
        }
        for action in decision.actions {
            guard case .prompt(let id, let reason) = action, let o = byID[id], let item = plan.item(o.item) else { continue }
            try prompt(o, item: item, reason: reason, plan: plan, now: now)
        }
    }

    private func arm(_ wake: Date?, now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        wakeAt = wake
        timer?.arm(at: wake)
    }

    private var statusLine: String {
        if !lastStatus.isEmpty { return lastStatus }
        return "No plan in force" + (planProblem.map { ": \($0)" } ?? "")
    }

    private func statusText(_ next: NextCheckIn?, plan: Plan) -> String {
        let line: String
        if let next {
            line = "Next check-in: \(next.item) at \(Self.format(next.at, plan.timeZone))"
        } else {
            line = plan.items.isEmpty ? "No check-ins in the plan" : "No check-ins ahead"
        }
        return line + (planProblem.map { "; \($0)" } ?? "")
    }

    private func status(_ next: NextCheckIn?, plan: Plan) {
        let line = statusText(next, plan: plan)
        guard line != lastStatus else { return }
        lastStatus = line
        if ready { service.tell([.status(line)]) }
        log.debug("\(line)")
    }

    // MARK: Prompts

    private func prompt(_ o: StoredOccurrence, item: Item, reason: PromptReason, plan: Plan, now: Date) throws(StoreError) {
        dispatchPrecondition(condition: .onQueue(queue))
        let previous = shown[o.id]
        let late = reason == .late
        let when = late ? " (due \(Self.format(o.scheduled, plan.timeZone)), while trustd was not running)" : ""
        // On a terminal the prompt itself is printed; the log line would repeat it.
        log.log(
            level: console == nil ? .info : .debug,
            "Check-in #\(o.id) \(item.id): \(plan.discreet ? "check-in due" : item.ask)\(when)",
            metadata: Self.meta(item.id, o.id))
        if let console {
            console.print(Self.terminalPrompt(o, item: item, plan: plan, late: late))
        }
        if let notifier, let server {
            let content = CheckInPrompt(item: item, discreet: plan.discreet, capabilities: server.capabilities)
            var request = content.request(replacing: previous?.notificationID.map { NotificationID($0) })
            if late, !plan.discreet {
                request.body = "Due \(Self.format(o.scheduled, plan.timeZone)), while trustd was not running.\n" + request.body
            }
            shown[o.id] = ShownPrompt(surface: .notification(nil), at: now)
            let channel: Channel = late ? .catchUp : .notification
            notifier.notify(request) { [weak self] result in
                self?.notified(o, item: item, result: result, channel: channel)
            }
        } else {
            shown[o.id] = ShownPrompt(surface: console != nil ? .terminal : .journal, at: now)
            let channel: Channel = late ? .catchUp : (console != nil ? .terminal : .daemon)
            _ = try ledger.recordPrompted(occurrence: o.id, notificationID: nil, channel: channel, at: now)
        }
    }

    private func notified(_ o: StoredOccurrence, item: Item, result: Result<NotificationID, NotifierError>, channel: Channel) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running else {
            if case .success(let id) = result { notifier?.close(id) { _ in } }
            return
        }
        let now = clock.now()
        switch result {
        case .success(let nid):
            let id = nid.rawValue
            // Answered or expired while Notify was in flight: take it back at once.
            guard shown[o.id]?.inFlight == true else {
                notifier?.close(nid) { _ in }
                return
            }
            shown[o.id] = ShownPrompt(surface: .notification(id), at: now)
            byNotification[id] = o.id
            do {
                _ = try ledger.recordPrompted(occurrence: o.id, notificationID: id, channel: channel, at: now)
            } catch {
                ledgerFailed(error, doing: "recording a prompt")
            }
        case .failure(let error):
            log.warning(
                "Could not show check-in #\(o.id) on the desktop: \(error); it is in the journal and in trustctl pending",
                metadata: Self.meta(item.id, o.id))
            guard shown[o.id]?.inFlight == true else { return }
            shown[o.id] = ShownPrompt(surface: console != nil ? .terminal : .journal, at: now)
            do {
                _ = try ledger.recordPrompted(
                    occurrence: o.id, notificationID: nil, channel: channel == .catchUp ? .catchUp : .daemon, at: now)
            } catch {
                ledgerFailed(error, doing: "recording a prompt")
            }
        }
        step()
    }

    /// Takes a prompt off the screen (answered, expired, or no longer open).
    private func withdraw(_ id: OccurrenceID, why: String?) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let s = shown.removeValue(forKey: id) else { return }
        if let nid = s.notificationID {
            byNotification[nid] = nil
            notifier?.close(NotificationID(nid)) { _ in }
        }
        if let console, let why { console.print("  #\(id): \(why)") }
    }

    private func announce(
        summary: String, body: String, replacing: UInt32?, completion: @escaping @Sendable (UInt32?) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        console?.print("\(summary)\n\(body)")
        guard let notifier, server != nil else {
            completion(nil)
            return
        }
        let request = NotificationRequest(
            replaces: replacing.map { NotificationID($0) }, summary: summary, body: body,
            hints: NotificationHints(urgency: .normal, category: "x-trustd.notice", desktopEntry: "trustd"))
        notifier.notify(request) { result in completion(try? result.get().rawValue) }
    }

    // MARK: Answers

    /// An answer from any surface: committed to the ledger before anything else reacts.
    private func answer(_ id: OccurrenceID, _ answer: Answer, note: String?, channel: Channel) {
        dispatchPrecondition(condition: .onQueue(queue))
        let now = clock.now()
        do {
            let result = try ledger.answer(occurrence: id, answer: answer, note: note, channel: channel, at: now)
            let o = result.occurrence
            let what: String
            switch result.outcome {
            case .answered: what = result.wasLate ? "answered late" : "answered"
            case .corrected(let previous): what = "corrected from \(previous.rawValue)"
            case .noted: what = "noted"
            case .unchanged: what = "unchanged"
            }
            log.log(
                level: console == nil ? .info : .debug,
                "Check-in #\(id) \(o.item): \(answer.rawValue) (\(what), via \(channel.rawValue))\(note.map { " — note: \($0)" } ?? "")",
                metadata: Self.meta(o.item, id))
            withdraw(id, why: "recorded: \(answer.rawValue)")
        } catch {
            log.error("Could not record the answer \(answer.rawValue) to check-in #\(id): \(error)")
            console?.print("Could not record your answer: \(error)")
            announce(summary: "trustd could not record your answer", body: "\(error)", replacing: nil) { _ in }
            return
        }
        syncLedger()
    }

    private func snooze(_ id: OccurrenceID, channel: Channel) {
        dispatchPrecondition(condition: .onQueue(queue))
        let now = clock.now()
        do {
            guard let o = try ledger.occurrence(id: id), o.state == .pending else { return }
            // A snooze never outlasts the check-in: one that would end after its deadline ends
            // halfway there, so the check-in comes back with time left to answer it.
            let length = min(plan?.item(o.item)?.snooze ?? PlanDefaults.snooze, o.deadline.timeIntervalSince(now) / 2)
            let until = now.addingTimeInterval(length)
            _ = try ledger.recordSnoozed(occurrence: id, until: until, channel: channel, at: now)
            log.info("Check-in #\(id) \(o.item): snoozed until \(Self.format(until, plan?.timeZone ?? .current))", metadata: Self.meta(o.item, id))
            // Off the screen until then; the re-show replaces it in place.
            if let nid = shown[id]?.notificationID { notifier?.close(NotificationID(nid)) { _ in } }
            console?.print("  #\(id): snoozed until \(Self.format(until, plan?.timeZone ?? .current))")
        } catch {
            log.error("Could not record the snooze of check-in #\(id): \(error)")
            return
        }
        syncLedger()
    }

    private func note(_ id: OccurrenceID, _ text: String, channel: Channel) {
        dispatchPrecondition(condition: .onQueue(queue))
        // A reply that starts with an answer word answers; anything else is a note.
        if case .act(.only, .answer(let a), let note) = TerminalCommand.parse(text) {
            answer(id, a, note: note, channel: channel)
            return
        }
        do {
            _ = try ledger.addNote(occurrence: id, note: text, channel: channel, at: clock.now())
            log.info("Check-in #\(id): note added")
        } catch {
            log.error("Could not record the note on check-in #\(id): \(error)")
        }
    }

    // MARK: The ledger written by others

    /// Reacts to ledger events this run has not seen: celebrations after kept answers (from any
    /// channel), withdrawals of prompts answered elsewhere (the next step), log lines.
    private func syncLedger() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running else { return }
        let events: [LedgerEvent]
        do {
            events = try ledger.events(after: lastSequence, limit: 10_000)
        } catch {
            ledgerFailed(error, doing: "reading new ledger events")
            return
        }
        guard let last = events.last else { return }
        lastSequence = last.sequence
        for e in events where e.type == .answered || e.type == .corrected {
            if e.channel == .terminal, shown[e.occurrence] != nil {
                log.info("Check-in #\(e.occurrence) was answered from the terminal (\(e.answer?.rawValue ?? "?"))")
            }
            if e.answer == .kept { celebrateIfMilestone(e.occurrence) }
        }
        step()
    }

    private func celebrateIfMilestone(_ id: OccurrenceID) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let plan else { return }
        do {
            guard let o = try ledger.occurrence(id: id), o.state == .kept, let item = plan.item(o.item),
                !item.celebrate.isEmpty
            else { return }
            let now = clock.now()
            let records = try ledger.records(items: [item.id], since: nil)
            guard
                let reached = ItemStats.milestoneReached(
                    item: item, records: records, answered: id, today: plan.day(of: now), now: now)
            else { return }
            // A correction back and forth reaches the same milestone on the same day again.
            let key = "\(item.id)/\(reached.event.count)/\(reached.event.day)"
            guard celebrated.insert(key).inserted else { return }
            let count = reached.event.count
            let unit = reached.unit.noun(count)
            log.notice("Milestone: \(item.id) kept \(count) \(unit) in a row", metadata: Self.meta(item.id, id))
            let summary = plan.discreet ? "A milestone" : "\(count) \(unit) in a row: \(item.title)"
            let body =
                plan.discreet
                ? "A promise kept \(count) times in a row."
                : "A promise\(item.to.map { " to \($0)" } ?? ""), kept \(count) \(unit) in a row. That is how trust grows back."
            announce(summary: summary, body: body, replacing: nil) { _ in }
        } catch {
            ledgerFailed(error, doing: "reading the streak")
        }
    }

    private func ledgerFailed(_ error: StoreError, doing what: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        ledgerFailures += 1
        let delay = min(options.ledgerRetryMax, options.ledgerRetry * pow(2, Double(min(ledgerFailures - 1, 16))))
        log.error("Failed \(what): \(error). Trying again in \(Int(delay)) s; no answer is lost meanwhile")
        service.tell([.status("Ledger error: \(error)")])
        lastStatus = ""
        if retryTimer == nil { retryTimer = clock.makeTimer(queue: queue) { [weak self] in self?.step() } }
        retryTimer?.arm(at: clock.now().addingTimeInterval(delay))
    }

    // MARK: The desktop

    private func desktopEvent(_ event: NotifierEvent) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running || phase == .starting else { return }
        switch event {
        case .serverAppeared(let s):
            let first = !desktopKnown
            desktopKnown = true
            server = s
            log.info("Notification server: \(s.name) \(s.version) by \(s.vendor) (\(s.capabilities))")
            for id in leftovers { notifier?.close(NotificationID(id)) { _ in } }
            leftovers = []
            // Prompts that went only to the journal or the terminal (or to a server that went away)
            // are shown on the desktop now.
            for (id, s) in shown where s.notificationID == nil { shown[id] = nil }
            if first && phase == .starting { firstStep() } else { step() }
        case .serverVanished, .busLost:
            let first = !desktopKnown
            desktopKnown = true
            if server != nil || first {
                let fallback = console != nil ? "this terminal" : "the journal and trustctl pending"
                if case .busLost(let e, _) = event {
                    log.warning(
                        first
                            ? "No session bus (\(e)): no desktop notifications; check-ins go to \(fallback). trustd keeps trying to connect"
                            : "Lost the session bus (\(e)); check-ins go to \(fallback) until it is back")
                } else {
                    log.warning("No notification server on the session bus; check-ins go to \(fallback)")
                }
            }
            server = nil
            for (id, s) in shown where s.notificationID != nil || s.inFlight {
                shown[id] = ShownPrompt(surface: console != nil ? .terminal : .journal, at: s.at)
            }
            byNotification = [:]
            if first && phase == .starting { firstStep() }
        case .actionInvoked(let nid, let key):
            guard let id = byNotification[nid.rawValue] else { return }
            guard let action = PromptAction(key: key) else { return }  // "default": a click on the body
            if let a = action.answer {
                answer(id, a, note: nil, channel: .notification)
            } else {
                snooze(id, channel: .notification)
            }
        case .replied(let nid, let text):
            guard let id = byNotification[nid.rawValue] else { return }
            note(id, text, channel: .notification)
        case .closed(let nid, let reason):
            // Dismissed: the check-in stays pending (trustctl pending lists it) until its deadline.
            if let id = byNotification[nid.rawValue], reason == .dismissed {
                log.info("Check-in #\(id) was dismissed without an answer; it stays pending")
            }
        }
    }

    // MARK: The terminal

    private func typed(_ line: String?) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running || phase == .starting, let console else { return }
        guard let line else {
            log.info("Standard input closed; answers from this terminal are off (trustctl answer still works)")
            return
        }
        let waiting = shown.keys.sorted()
        func resolve(_ target: TerminalCommand.Target) -> OccurrenceID? {
            switch target {
            case .only:
                if waiting.count == 1 { return waiting[0] }
                console.print(
                    waiting.isEmpty
                        ? "No check-in is waiting. (Type `pending` to list, `help` for help.)"
                        : "Several check-ins are waiting (\(waiting.map { "#\($0)" }.joined(separator: ", "))); say which, e.g. `\(waiting[0]) k`.")
                return nil
            case .occurrence(let id):
                if shown[id] != nil { return id }
                // Also one not shown in this run (answered late, from `trustctl pending`).
                if (try? ledger.occurrence(id: id)) != nil { return id }
                console.print("There is no check-in #\(id).")
                return nil
            case .item(let item):
                let open = (try? ledger.openOccurrences()) ?? []
                if let o = open.filter({ $0.item == item && shown[$0.id] != nil }).last { return o.id }
                console.print("No check-in of \(item) is waiting.")
                return nil
            }
        }
        switch TerminalCommand.parse(line) {
        case .empty: break
        case .help: console.print(TerminalCommand.helpText)
        case .pending:
            let open = (try? ledger.openOccurrences()) ?? []
            let due = open.filter { shown[$0.id] != nil }
            console.print(
                due.isEmpty
                    ? "No check-in is waiting."
                    : due.map { "  #\($0.id) \($0.item) (due \(Self.format($0.scheduled, plan?.timeZone ?? .current)))" }
                        .joined(separator: "\n"))
        case .invalid(let why): console.print(why)
        case .act(let target, let verb, let note):
            guard let id = resolve(target) else { return }
            switch verb {
            case .answer(let a): answer(id, a, note: note, channel: .terminal)
            case .snooze: snooze(id, channel: .terminal)
            }
        }
    }

    static func terminalPrompt(_ o: StoredOccurrence, item: Item, plan: Plan, late: Bool) -> String {
        var lines: [String] = []
        let when = format(o.scheduled, plan.timeZone)
        lines.append("▶ Check-in #\(o.id) · \(item.id) · \(when)\(late ? " (while trustd was not running)" : "")")
        lines.append("  \(plan.discreet ? "A check-in is waiting for your answer." : item.ask)")
        if !plan.discreet, let why = item.why { lines.append("  \(why)") }
        let labels = PromptAction.allCases.map { a -> String in
            let key = a == .snooze ? "z" : String(a.key.prefix(1))
            return "\(key) = \(a.label(for: item.kind, discreet: plan.discreet, snooze: item.snooze).lowercased())"
        }
        lines.append("  Answer: " + labels.joined(separator: ", ") + "   (e.g. `k`, `\(o.id) m a note`)")
        return lines.joined(separator: "\n")
    }

    // MARK: Helpers

    static func meta(_ item: ItemID?, _ occurrence: OccurrenceID?) -> Logger.Metadata {
        var m: Logger.Metadata = [:]
        if let item { m["item"] = "\(item)" }
        if let occurrence { m["occurrence"] = "\(occurrence)" }
        return m
    }

    /// `Wed 2026-11-25 19:00 +01:00`: the wall clock in `zone` and its offset from UTC. Integer
    /// math over the core's `LocalTime` (no DateFormatter: ICU's formatting and locale data would
    /// stay resident in an otherwise idle daemon).
    static func format(_ date: Date, _ zone: TimeZone) -> String {
        let local = LocalTime(date, in: zone)
        let minute = TimeOfDay(hour: local.timeOfDay.hour, minute: local.timeOfDay.minute)
        return "\(local.day.weekdayAbbreviation) \(local.day) \(minute) \(local.utcOffsetText)"
    }

    /// What tests and diagnostics may look at.
    private var snapshot: DaemonSnapshot {
        DaemonSnapshot(
            ready: ready, planItems: plan?.items.map(\.id) ?? [], cursors: cursors, shown: shown, wake: wakeAt,
            status: lastStatus, serverName: server?.name, ledgerSequence: lastSequence)
    }
}

/// The daemon's state at one instant (read on its queue).
public struct DaemonSnapshot: Sendable {
    public var ready: Bool
    public var planItems: [ItemID]
    public var cursors: [ItemID: Date]
    public var shown: [OccurrenceID: ShownPrompt]
    public var wake: Date?
    public var status: String
    public var serverName: String?
    /// The newest ledger event this run has reacted to.
    public var ledgerSequence: Int64
}
