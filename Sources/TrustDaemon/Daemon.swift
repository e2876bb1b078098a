// Owns the daemon's life and its scheduling loop: its state, the entry points (which hop onto
// its queue), start and stop, and the loop that executes the Scheduler's decisions against the
// ledger until nothing is left to do, then arms the timer. Beside it: DaemonOptions (what it is
// built from), PromptBoard (what is on screen), PlanKeeper (the plan in force), Answers (the way
// back to the ledger), TerminalDialogue, DaemonText (the words).
import Dispatch
import Foundation
import Logging
import SystemdKit
import TrustCore
import TrustDesktop

/// trustd's runtime.
///
/// Confinement: every `var` of this class (and of the `PromptBoard` and `PlanKeeper` values it
/// holds) is confined to `queue`, one serial queue on which every timer, watcher, notifier event
/// and console line is delivered; each entry point hops onto it and the internal methods check it
/// with `dispatchPrecondition`. That is what makes `@unchecked Sendable` sound.
public final class Daemon: @unchecked Sendable {
    public let queue: DispatchQueue
    /// Where the plan file is read and parsed (see PlanKeeper): never `queue`.
    let planQueue = DispatchQueue(label: "trustd-plan-reader", qos: .utility)
    public let options: DaemonOptions
    let ledger: any Ledger
    let clock: any DaemonClock
    let notifier: (any Notifier)?
    let console: (any Console)?
    let service: any ServiceStatus
    let log: Logger
    var scheduler: Scheduler

    // MARK: State (confined to `queue`)

    enum Phase { case idle, starting, running, stopped }
    var phase = Phase.idle
    /// The plan in force and the cursors.
    var keeper = PlanKeeper()
    /// What this run has on screen.
    var prompts = PromptBoard()
    /// The newest ledger event this run has reacted to.
    var lastSequence: Int64 = 0
    var server: NotificationServer?
    var desktopKnown = false
    /// From the start until the notifier first says whether a server is there (or
    /// `options.desktopGrace` passed): prompts due are held, so one due at start goes to the right
    /// place. Nothing else waits for the desktop: READY=1, check-ins entered, deadlines.
    var awaitingDesktop = false
    var timer: (any WakeTimer)?
    var wakeAt: Date?
    var lastStatus = ""
    var ready = false
    var ledgerFailures = 0
    var retryTimer: (any WakeTimer)?
    var syncScheduled = false
    var stepping = false
    var stepAgain = false
    /// Prompts shown and not yet recorded, and whether the block recording them is queued (see
    /// `keepPrompted`).
    var promptedToRecord: [PromptedRecord] = []
    var recordingScheduled = false
    /// Each item's next occurrence, as the last scheduling round found it (the rounds mostly ask
    /// again what the previous one asked: issue 15).
    var nextOccurrences = NextOccurrenceMemo()
    /// Fires `options.settled`; each step pushes it back (one wake-up after activity).
    var settleTimer: (any DispatchSourceTimer)?
    /// While stopping (waiting for the close replies): who to tell when done.
    var stopCompletion: (@Sendable () -> Void)?

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
    /// scheduling step, without waiting for the desktop (see `awaitingDesktop`). Returns at once.
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
            self.debounceReload()
        }
    }

    /// The system's time zone changed (`/etc/localtime`): a plan without `timezone:` follows it.
    public func systemTimeZoneChanged() {
        queue.async {
            let zone = self.options.systemTimeZone()
            guard let plan = self.keeper.plan, plan.timeZone != zone else { return }
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

    func begin() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .idle else { return }
        phase = .starting
        let now = clock.now()
        timer = clock.makeTimer(queue: queue) { [weak self] in self?.step() }
        if let delay = options.demoDelay {
            keeper.demoItem = DaemonText.demoItem(at: now.addingTimeInterval(delay))
            scheduler.quietHoursExempt = ["demo"]
        }

        readPlan(now: now) { result in
            guard self.phase == .starting else { return }
            self.adoptFirstPlan(result, now: now)
            self.connect()
            if let reason = self.keeper.pendingReload {
                self.keeper.pendingReload = nil
                self.reloadPlan(reason: reason)
            }
        }
    }

    /// The rest of the start, once the first plan is read: the ledger's open check-ins, the
    /// terminal, the desktop (which answers later), the first step and READY=1.
    func connect() {
        dispatchPrecondition(condition: .onQueue(queue))
        do {
            lastSequence = try ledger.lastEventSequence()
            // Prompts an earlier run left on screen: their actions would reach nobody.
            prompts.leftovers = try ledger.openOccurrences().compactMap { o in
                o.notificationID.map { ($0, o.promptedAt ?? .distantPast) }
            }
        } catch {
            ledgerFailed(error, doing: "reading the ledger")
        }

        console?.start(queue: queue) { [weak self] line in self?.typed(line) }
        if let console {
            console.print(
                "trustd is running. Check-ins appear here\(notifier == nil ? "" : " (and on the desktop when a notification server is there)"); type `help` to see how to answer.")
        }
        if let notifier {
            // The desktop answers when it answers (a session bus being socket-activated, a slow
            // server, none at all): prompts due meanwhile wait for its first word, never longer
            // than the grace period, then go to it or to the fallback. Readiness does not wait.
            awaitingDesktop = true
            notifier.setEventHandler { [weak self] event in self?.desktopSpoke(event) }
            notifier.start()
            queue.asyncAfter(deadline: .now() + options.desktopGrace) { [weak self] in self?.desktopSettled() }
        }
        firstStep()
    }

    /// The first scheduling step (check-ins due are entered; prompts wait while `awaitingDesktop`),
    /// then READY=1. What the first prompt does not need comes after: the milestones reached while
    /// stopped (a read of each celebrated item's history) once the desktop is settled.
    func firstStep() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .starting else { return }
        phase = .running
        step()
        ready = true
        service.tell([.ready, .status(statusLine)])
        if !awaitingDesktop {
            queue.async { [weak self] in
                guard let self, self.phase == .running else { return }
                self.celebrateMilestonesReachedWhileStopped()
            }
        }
    }

    /// The notifier's events: the first that says whether a server is there ends the wait for
    /// the desktop.
    func desktopSpoke(_ event: NotifierEvent) {
        dispatchPrecondition(condition: .onQueue(queue))
        switch event {
        case .serverAppeared, .serverVanished, .busLost:
            let settles = awaitingDesktop
            awaitingDesktop = false  // before the event's own step, so that step shows what waited
            desktopEvent(event)
            if settles { desktopSettledNow(stepped: { if case .serverAppeared = event { true } else { false } }()) }
        default:
            desktopEvent(event)
        }
    }

    /// The grace period for the desktop's first word is over: what waited goes to the fallback.
    func desktopSettled() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard awaitingDesktop else { return }
        awaitingDesktop = false
        log.debug("No word from the desktop within \(options.desktopGrace) s; check-ins due go to the fallback until it speaks")
        desktopSettledNow(stepped: false)
    }

    /// The prompts that waited for the desktop go out (unless the event's own step sent them), then
    /// the milestones reached while stopped are celebrated (on the desktop, when it is there).
    private func desktopSettledNow(stepped: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running else { return }
        if !stepped { step() }
        celebrateMilestonesReachedWhileStopped()
    }

    /// (Re)arms the one-shot timer that runs `options.settled` `settleDelay` from now.
    func settleSoon() {
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

    func end(completion: @escaping @Sendable () -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase != .stopped else { return completion() }
        recordPrompted()
        phase = .stopped
        service.tell([.stopping])
        timer?.cancel()
        retryTimer?.cancel()
        settleTimer?.cancel()
        console?.stop()
        // Close what is on screen: its buttons would reach nobody. The next run shows it again.
        // Shutting the connection down drops messages not yet written, so wait for the replies
        // (or `options.closeGrace`, whichever comes first) before disconnecting.
        let ids = prompts.clear()
        stopCompletion = completion
        guard let notifier, !ids.isEmpty else { return finishStop() }
        let replies = DispatchGroup()
        for id in ids {
            replies.enter()
            notifier.close(id) { _ in replies.leave() }
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
    func finishStop() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let completion = stopCompletion else { return }
        stopCompletion = nil
        notifier?.shutdown()
        log.info("trustd stopped")
        completion()
    }

    // MARK: The scheduling loop

    /// Runs the scheduler and executes its steps until nothing is left to do, then arms the
    /// timer for the next instant anything is due.
    func step() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running else { return }
        settleSoon()  // also without a plan in force: start-up and a rejected plan touched pages too
        applyEndedHolds(now: clock.now())
        guard let plan = keeper.plan else { return recordPrompted() }
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
            do { try flushPrompted() } catch {
                ledgerFailed(error, doing: "recording the prompts shown")
                return
            }
            let open: [CheckIn]
            do {
                let ahead = Scheduler.itemsAhead(of: now, cursors: keeper.cursors, tolerance: scheduler.lateTolerance)
                if !ahead.isEmpty { try clockWentBack(now: now, items: ahead) }
                open = try ledger.openOccurrences()
            } catch {
                ledgerFailed(error, doing: "reading the open check-ins")
                return
            }
            var decision = scheduler.decide(
                now: now, plan: plan, cursors: keeper.cursors, open: open, shown: prompts.shown, memo: &nextOccurrences)
            if awaitingDesktop {
                // Shown once the desktop speaks (or its grace period ends): see `desktopSpoke`.
                decision.actions.removeAll { if case .prompt = $0 { true } else { false } }
            }
            for note in decision.notes { log.warning("\(note)") }
            if decision.actions.isEmpty {
                keeper.cursors = decision.cursors
                ledgerFailures = 0
                arm([decision.wake, keeper.holds.nextChange].compactMap { $0 }.min(), now: now)
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

    func execute(_ decision: SchedulerDecision, open: [CheckIn], plan: Plan, now: Date) throws(LedgerError) {
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
                        metadata: DaemonText.meta(o?.item, id))
                }
                withdraw(id, why: "no answer by the deadline; recorded as unanswered", notice: Self.unansweredNotice)
            case .create(let c):
                creations.append(c)
            case .prompt:
                break
            }
        }
        if !creations.isEmpty {
            let entered = try ledger.enter(creations, at: now)
            keeper.cursors = decision.cursors
            for (c, o) in zip(creations, entered) where c.expireAtOnce {
                log.notice(
                    "Check-in #\(o.id) (\(c.item), due \(DaemonText.format(c.scheduled, plan.timeZone))) fell due while trustd was not running; recorded as unanswered (answer it with trustctl answer \(c.item) --occurrence \(o.id))",
                    metadata: DaemonText.meta(c.item, o.id))
            }
        }
        for action in decision.actions {
            guard case .prompt(let id, let reason) = action, let o = byID[id], let item = plan.item(o.item) else { continue }
            try prompt(o, item: item, reason: reason, plan: plan, now: now)
        }
    }

    /// The clock was set back behind the newest check-in entered: the never-answered check-ins
    /// entered for instants that have not come again are voided (they show in `history`, in no
    /// figure; their prompts are withdrawn by the next decision, as they are no longer open), and
    /// the cursors of `items` return to the newest instant that has come. Answers stay.
    func clockWentBack(now: Date, items: [ItemID]) throws(LedgerError) {
        dispatchPrecondition(condition: .onQueue(queue))
        let voided = try ledger.voidScheduled(after: now, at: now)
        for item in items {
            keeper.cursors[item] = try ledger.lastScheduled(item: item, notAfter: now) ?? now
        }
        log.warning(
            "The clock is behind check-ins already entered (it was set back): \(voided.count) never-answered check-in(s) scheduled after now were voided by the clock correction; answered ones keep their answers")
        for o in voided {
            log.notice("Check-in #\(o.id) (\(o.item)) voided by a clock correction", metadata: DaemonText.meta(o.item, o.id))
        }
    }

    func arm(_ wake: Date?, now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        wakeAt = wake
        // The pages given back when the daemon settles are touched again `warmUpLead` before the
        // wake (that step finds nothing due and arms the wake itself), so a check-in's latency does
        // not include paging the scheduling code back in (issue 15: 5.9 ms of a 100-check-in burst).
        // Only when the warm-up comes after the pages are given back (else there is nothing to warm).
        if let wake, options.settled != nil, options.warmUpLead > 0,
            wake.addingTimeInterval(-options.warmUpLead) > now.addingTimeInterval(options.settleDelay)
        {
            timer?.arm(at: wake.addingTimeInterval(-options.warmUpLead))
        } else {
            timer?.arm(at: wake)
        }
    }

    var statusLine: String {
        if !lastStatus.isEmpty { return lastStatus }
        return "No plan in force" + (keeper.problem.map { ": \($0)" } ?? "")
    }

    func status(_ next: NextCheckIn?, plan: Plan) {
        let line = DaemonText.status(next, plan: plan, problem: keeper.problem) + DaemonText.holds(keeper.holds, zone: plan.timeZone)
        guard line != lastStatus else { return }
        lastStatus = line
        if ready { service.tell([.status(line)]) }
        log.debug("\(line)")
    }

    /// What tests and diagnostics may look at.
    private var snapshot: DaemonSnapshot {
        DaemonSnapshot(
            ready: ready, planItems: keeper.plan?.items.map(\.id) ?? [], cursors: keeper.cursors, shown: prompts.shown, wake: wakeAt,
            status: lastStatus, serverName: server?.name, ledgerSequence: lastSequence,
            readingPlan: keeper.readsInFlight > 0)
    }
}

/// The daemon's state at one instant (read on its queue).
public struct DaemonSnapshot: Sendable {
    public var ready: Bool
    public var planItems: [ItemID]
    public var cursors: [ItemID: Date]
    public var shown: [CheckInID: ShownPrompt]
    public var wake: Date?
    public var status: String
    public var serverName: String?
    /// The newest ledger event this run has reacted to.
    public var ledgerSequence: Int64
    /// A read of the plan file is under way (on the plan reader's queue).
    public var readingPlan: Bool
}
