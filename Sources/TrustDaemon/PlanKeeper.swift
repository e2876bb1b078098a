// Owns the plan in force: reading it (with the demo check-in of `trustd --demo`), adopting a
// valid one or rejecting one with errors, the reload debounce, and the per-item cursors the
// scheduler starts from. A value kept by the `Daemon` on its queue; the extension acts on it.
// The file is read and parsed on `Daemon.planQueue`, never on the daemon's queue: that queue
// sends the watchdog pings and the prompts, and a big or hostile plan must stall neither.
import Dispatch
import Foundation
import Logging
import TrustCore
import TrustPlan

/// The plan in force and where each item's occurrences are entered up to.
struct PlanKeeper {
    /// The plan scheduled: `adopted` with the held items under their old terms (`holds`).
    var plan: Plan?
    /// The plan as read from the file (with the demo item), the one recorded in the ledger.
    var adopted: Plan?
    /// Weakening changes waiting for the plan's `changes-take-effect` (issue 14), computed from
    /// the plan log in the ledger: a restart finds the same ones.
    var holds = PlanHolds.none
    /// The demo item's id (left out of the plan recorded in the ledger).
    var demoID: ItemID?
    /// The summary of the plan file last read (computed on `planQueue`: it counts each item's
    /// check-ins in 52 weeks), recorded when that plan is adopted.
    var readVersion: PlanVersion?
    /// The demo check-in of `trustd --demo`, added to every plan read.
    var demoItem: Item?
    /// Per item: occurrences up to here are in the ledger (see `Scheduler.decide`).
    var cursors: [ItemID: Date] = [:]
    /// Why the plan on disk is not the one in force, for STATUS=.
    var problem: String?
    var adoptedOnce = false
    /// Bumped by each plan file event: only the last one of a burst reloads.
    var reloadGeneration = 0
    /// Bumped by each read of the file: only the newest read's result is applied.
    var readGeneration = 0
    /// Reads started on `planQueue` whose result has not come back yet.
    var readsInFlight = 0
    /// The first plan of the run has been read (and adopted or rejected).
    var firstRead = false
    /// A reload asked for while the first plan was being read: done right after it.
    var pendingReload: String?
}

extension Daemon {
    /// The plan file changed: reload after `reloadDebounce` without further changes.
    func debounceReload() {
        dispatchPrecondition(condition: .onQueue(queue))
        keeper.reloadGeneration += 1
        let generation = keeper.reloadGeneration
        queue.asyncAfter(deadline: .now() + options.reloadDebounce) {
            if generation == self.keeper.reloadGeneration { self.reloadPlan(reason: "the plan file changed") }
        }
    }

    /// Reads the plan on `planQueue` and hands the result (with the demo item added) to `apply`
    /// on the daemon's queue; the result of a read overtaken by a newer one is dropped.
    func readPlan(now: Date, then apply: @escaping @Sendable (PlanReadResult) -> Void) {
        dispatchPrecondition(condition: .onQueue(queue))
        keeper.readGeneration += 1
        keeper.readsInFlight += 1
        let generation = keeper.readGeneration
        let read = options.readPlan
        let path = options.planPath
        let zone = options.systemTimeZone()
        planQueue.async {
            let result = read(path, zone, now)
            // The plan as written, before the demo item is added.
            let version = result.plan.map { PlanVersion($0) }
            self.queue.async {
                self.keeper.readsInFlight -= 1
                guard generation == self.keeper.readGeneration else { return }
                self.keeper.readVersion = version
                apply(self.withDemoItem(result))
            }
        }
    }

    private func withDemoItem(_ read: PlanReadResult) -> PlanReadResult {
        dispatchPrecondition(condition: .onQueue(queue))
        var result = read
        if let demoItem = keeper.demoItem, var p = result.plan {
            var item = demoItem
            if p.item(item.id) != nil { item.id = "trustd-demo" }
            keeper.demoID = item.id
            p.items.append(item)
            scheduler.quietHoursExempt = [item.id]
            result.plan = p
        }
        return result
    }

    /// The first plan of a run: adopted, or (missing) the demo alone, or rejected.
    func adoptFirstPlan(_ result: PlanReadResult, now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        keeper.firstRead = true
        if let p = result.plan, result.errors.isEmpty {
            adopt(p, now: now)
            logPlanWarnings(result)
        } else if result.isMissingFile {
            log.warning(
                "No plan at \(options.planPath): nothing to check in on yet. Run `trustctl init` to write one; trustd reads it as soon as it appears")
            keeper.problem = "no plan at \(options.planPath)"
            if let demoItem = keeper.demoItem {
                keeper.demoID = demoItem.id
                // Not a plan the person wrote: nothing to record.
                adopt(Plan(timeZone: options.systemTimeZone(), items: [demoItem]), now: now, record: false)
            }
        } else {
            reject(result, initial: true)
        }
    }

    func reloadPlan(reason: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running || phase == .starting else { return }
        guard keeper.firstRead else {
            keeper.pendingReload = reason
            return
        }
        service.tell([.reloading, .status("Reloading the plan")])
        // Everything due under the old plan first: the new one starts from when it is read.
        step()
        readPlan(now: clock.now()) { result in self.applyReload(result, reason: reason) }
    }

    private func applyReload(_ result: PlanReadResult, reason: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running || phase == .starting else { return }
        step()
        let now = clock.now()
        if let p = result.plan, result.errors.isEmpty {
            let before = keeper.plan
            adopt(p, now: now)
            keeper.problem = nil
            logPlanWarnings(result)
            log.info("Reloaded the plan (\(reason)): \(DaemonText.describeChanges(from: before, to: p))")
            if let id = prompts.planNotice {
                notifier?.close(id) { _ in }
                prompts.planNotice = nil
            }
        } else {
            reject(result, initial: keeper.plan == nil)
        }
        lastStatus = ""
        step()
        service.tell([.ready, .status(statusLine)])
    }

    /// Puts a valid plan in force. The first plan of a run resumes from the ledger (catch-up);
    /// later ones start from now, since everything due until now under the old plan is entered.
    /// The plan is recorded in the ledger's plan log when its hash differs from the last one
    /// recorded (`record`), and weakened items are held under their old terms while the plan's
    /// `changes-take-effect` says so.
    func adopt(_ newPlan: Plan, now: Date, record: Bool = true) {
        dispatchPrecondition(condition: .onQueue(queue))
        let initial = !keeper.adoptedOnce
        keeper.adoptedOnce = true
        keeper.adopted = newPlan
        keeper.holds = .none
        if record { recordPlan(newPlan, now: now) }
        keeper.plan = keeper.holds.applied(to: newPlan)
        setCursors(initial: initial, now: now)
        if initial, record, let earliest = keeper.cursors.values.min(), earliest < now {
            // trustd was not running since `earliest`: catch-up starts under the holds as they were
            // then, and each scheduling step applies the ones that ended meanwhile in turn.
            do {
                let then = PlanHolds(versions: try ledger.planVersions(), now: earliest)
                if then != keeper.holds {
                    keeper.holds = then
                    keeper.plan = then.applied(to: newPlan)
                    setCursors(initial: initial, now: now)
                }
            } catch {
                ledgerFailed(error, doing: "reading the plan log")
            }
        }
    }

    /// The cursor of each item of the plan in force that has none yet (all of them at the start).
    private func setCursors(initial: Bool, now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        for item in keeper.plan?.items ?? [] {
            if initial, keeper.cursors[item.id] != nil { continue }
            if initial {
                do {
                    // Catch-up: occurrences after the newest one in the ledger fell due while trustd was
                    // not running. An item never seen starts now.
                    keeper.cursors[item.id] = try ledger.lastScheduled(item: item.id) ?? now
                } catch {
                    ledgerFailed(error, doing: "reading the ledger")
                }
            } else {
                // Everything due until now under the old plan is in the ledger: start from now.
                keeper.cursors[item.id] = max(keeper.cursors[item.id] ?? now, now)
            }
        }
    }

    /// Records `plan` in the ledger unless it is the version recorded last, then computes the
    /// holds from every version recorded.
    private func recordPlan(_ plan: Plan, now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        let version = keeper.readVersion ?? PlanVersion(plan, excluding: keeper.demoID.map { [$0] } ?? [])
        do {
            if let recorded = try ledger.recordPlanVersion(version, at: now) {
                log.info("Recorded plan version \(recorded.sequence) in the ledger (SHA-256 \(recorded.planHash.prefix(16))…)")
            }
            keeper.holds = PlanHolds(versions: try ledger.planVersions(), now: now)
        } catch {
            ledgerFailed(error, doing: "recording the plan")
        }
        for hold in keeper.holds.holds {
            log.notice(
                "\(DaemonText.held(hold, zone: plan.timeZone))", metadata: DaemonText.meta(hold.item, nil))
        }
    }

    /// Each held change whose time has come applies, in turn: first the check-ins the old terms
    /// gave up to its end are entered (trustd may have slept or been stopped across it), then the
    /// holds are computed again as of that end and the plan scheduled with them. Called by each
    /// scheduling step before it decides.
    func applyEndedHolds(now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let adopted = keeper.adopted else { return }
        var rounds = 0
        while let end = keeper.holds.nextChange, end <= now, rounds < 64 {
            rounds += 1
            if let held = keeper.plan, !enterCheckIns(upTo: end, plan: held) { return }
            do {
                keeper.holds = PlanHolds(versions: try ledger.planVersions(), now: end)
            } catch {
                ledgerFailed(error, doing: "reading the plan log")
                return
            }
            keeper.plan = keeper.holds.applied(to: adopted)
            log.info("A held plan change took effect at \(DaemonText.format(end, adopted.timeZone)) (changes-take-effect)")
            lastStatus = ""
        }
    }

    /// Enters what `plan` asked up to `end` (an instant that has passed), as a step at `end` would
    /// have; the scheduling step that follows expires or prompts them. False when the ledger failed.
    private func enterCheckIns(upTo end: Date, plan: Plan) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        do {
            let open = try ledger.openOccurrences()
            let decision = scheduler.decide(
                now: end, plan: plan, cursors: keeper.cursors, open: open, shown: prompts.shown, memo: &nextOccurrences)
            let creations: [Creation] = decision.actions.compactMap { if case .create(let c) = $0 { c } else { nil } }
            if !creations.isEmpty {
                _ = try ledger.enter(creations, at: clock.now())
                log.notice(
                    "\(creations.count) check-in(s) due under the held plan terms before \(DaemonText.format(end, plan.timeZone)) entered")
            }
            keeper.cursors.merge(decision.cursors) { $1 }
            return true
        } catch {
            ledgerFailed(error, doing: "entering the check-ins due before a held plan change applied")
            return false
        }
    }

    func reject(_ result: PlanReadResult, initial: Bool) {
        dispatchPrecondition(condition: .onQueue(queue))
        let errors = result.isMissingFile ? result.diagnostics : result.errors
        for d in errors { log.error("\(d.rendered(source: result.source))") }
        let notice = DaemonText.planRejected(errors.map(\.headline), initial: initial)
        log.error("The plan \(options.planPath) has \(notice.count); \(notice.kept)")
        keeper.problem = "plan rejected: \(errors.first?.headline ?? "unreadable")"
        announce(summary: notice.summary, body: notice.body, replacing: prompts.planNotice) { [weak self] id in
            self?.prompts.planNotice = id
        }
    }

    func logPlanWarnings(_ result: PlanReadResult) {
        for d in result.warnings { log.warning("\(d.headline)") }
    }
}
