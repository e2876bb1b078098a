// Owns the plan in force: reading it (with the demo check-in of `trustd --demo`), adopting a
// valid one or rejecting one with errors, the reload debounce, and the per-item cursors the
// scheduler starts from. A value kept by the `Daemon` on its queue; the extension acts on it.
import Dispatch
import Foundation
import Logging
import TrustCore
import TrustPlan

/// The plan in force and where each item's occurrences are entered up to.
struct PlanKeeper {
    var plan: Plan?
    /// The demo check-in of `trustd --demo`, added to every plan read.
    var demoItem: Item?
    /// Per item: occurrences up to here are in the ledger (see `Scheduler.decide`).
    var cursors: [ItemID: Date] = [:]
    /// Why the plan on disk is not the one in force, for STATUS=.
    var problem: String?
    var adoptedOnce = false
    /// Bumped by each plan file event: only the last one of a burst reloads.
    var reloadGeneration = 0
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

    func readPlan(now: Date) -> PlanReadResult {
        var result = PlanReader.load(path: options.planPath, defaultTimeZone: options.systemTimeZone(), now: now)
        if let demoItem = keeper.demoItem, var p = result.plan {
            var item = demoItem
            if p.item(item.id) != nil { item.id = "trustd-demo" }
            p.items.append(item)
            scheduler.quietHoursExempt = [item.id]
            result.plan = p
        }
        return result
    }

    /// The first plan of a run: adopted, or (missing) the demo alone, or rejected.
    func loadFirstPlan(now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        let result = readPlan(now: now)
        if let p = result.plan, result.errors.isEmpty {
            adopt(p, now: now)
            logPlanWarnings(result)
        } else if result.isMissingFile {
            log.warning(
                "No plan at \(options.planPath): nothing to check in on yet. Run `trustctl init` to write one; trustd reads it as soon as it appears")
            keeper.problem = "no plan at \(options.planPath)"
            if let demoItem = keeper.demoItem {
                adopt(Plan(timeZone: options.systemTimeZone(), items: [demoItem]), now: now)
            }
        } else {
            reject(result, initial: true)
        }
    }

    func reloadPlan(reason: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running || phase == .starting else { return }
        service.tell([.reloading, .status("Reloading the plan")])
        // Everything due under the old plan first: the new one starts from now.
        step()
        let now = clock.now()
        let result = readPlan(now: now)
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
    func adopt(_ newPlan: Plan, now: Date) {
        dispatchPrecondition(condition: .onQueue(queue))
        let initial = !keeper.adoptedOnce
        keeper.adoptedOnce = true
        keeper.plan = newPlan
        for item in newPlan.items {
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
