// Owns the way back from the person to the ledger: answers, snoozes and notes from any surface,
// the reaction to new ledger events (celebrations, withdrawals), and retrying after the ledger
// failed. The path of a click: `answer` commits it (one transaction), takes the prompt off the
// board, and reacts to the event it wrote (a milestone, then a scheduling step) without reading
// it back when no other process wrote in between; the notification then either turns into the
// celebration in place (`replaces_id`) or is closed. The inotify watch on the ledger's WAL then
// wakes `syncLedger` once more; it finds no newer event and does nothing.
import Dispatch
import Foundation
import Logging
import TrustCore

extension Daemon {
    /// An answer from any surface: committed to the ledger before anything else reacts. Its
    /// notification turns into the celebration, if the answer reached a milestone, in place;
    /// otherwise it is closed.
    func answer(_ id: CheckInID, _ answer: Answer, note: String?, channel: Channel) {
        dispatchPrecondition(condition: .onQueue(queue))
        recordPrompted()  // the prompt this answers goes first in the ledger
        let now = clock.now()
        let result: AnswerResult
        do {
            result = try ledger.answer(occurrence: id, answer: answer, note: note, channel: channel, at: now)
        } catch {
            log.error("Could not record the answer \(answer.rawValue) to check-in #\(id): \(error)")
            console?.print("Could not record your answer: \(error)")
            announce(summary: "trustd could not record your answer", body: "\(error)", replacing: nil) { _ in }
            return
        }
        let o = result.occurrence
        // The journal keeps text for months: in discreet mode a note is only said to exist.
        let discreet = keeper.plan?.discreet ?? false
        let noteText = note.map { discreet ? " — with a note" : " — note: \($0)" } ?? ""
        log.log(
            level: console == nil ? .info : .debug,
            "Check-in #\(id) \(o.item): \(answer.rawValue) (\(DaemonText.outcome(result)), via \(channel.rawValue))\(noteText)",
            metadata: DaemonText.meta(o.item, id))
        let shownAs = takeOff(id, why: "recorded: \(answer.rawValue)")
        let inPlace = shownAs.map { (checkIn: id, notification: $0) }
        let celebrated: Bool
        if let event = result.event, event.sequence == lastSequence + 1 {
            celebrated = react(to: [event], inPlace: inPlace)  // nothing else was written since: no need to read it back
        } else {
            celebrated = syncLedger(inPlace: inPlace)
        }
        if let shownAs, !celebrated { notifier?.close(shownAs) { _ in } }
    }

    func snooze(_ id: CheckInID, channel: Channel) {
        dispatchPrecondition(condition: .onQueue(queue))
        recordPrompted()  // the prompt this answers goes first in the ledger
        let now = clock.now()
        let plan = keeper.plan
        do {
            guard let o = try ledger.occurrence(id: id), o.state == .pending else { return }
            // A snooze never outlasts the check-in: one that would end after its deadline ends
            // halfway there, so the check-in comes back with time left to answer it.
            let length = min(plan?.item(o.item)?.snooze ?? PlanDefaults.snooze, o.deadline.timeIntervalSince(now) / 2)
            let until = now.addingTimeInterval(length)
            _ = try ledger.recordSnoozed(occurrence: id, until: until, channel: channel, at: now)
            let untilText = DaemonText.format(until, plan?.timeZone ?? .current)
            log.info("Check-in #\(id) \(o.item): snoozed until \(untilText)", metadata: DaemonText.meta(o.item, id))
            // Says so in place until then; the re-show replaces it again.
            showSnoozed(id, until: untilText)
            console?.print("  #\(id): snoozed until \(untilText)")
        } catch {
            log.error("Could not record the snooze of check-in #\(id): \(error)")
            return
        }
        syncLedger()
    }

    func note(_ id: CheckInID, _ text: String, channel: Channel) {
        dispatchPrecondition(condition: .onQueue(queue))
        recordPrompted()  // the prompt this answers goes first in the ledger
        // An inline reply is a note, never parsed as an answer ("no time today" is not a miss).
        do {
            _ = try ledger.addNote(occurrence: id, note: text, channel: channel, at: clock.now())
            log.info("Check-in #\(id): note added")
        } catch {
            log.error("Could not record the note on check-in #\(id): \(error)")
        }
    }

    /// Reads the ledger events this run has not seen and reacts to them (see `react`); returns
    /// whether `inPlace`'s notification became a celebration.
    @discardableResult
    func syncLedger(inPlace: (checkIn: CheckInID, notification: NotificationID)? = nil) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running else { return false }
        let events: [CheckInEvent]
        do {
            events = try ledger.events(after: lastSequence, limit: 10_000)
        } catch {
            ledgerFailed(error, doing: "reading new ledger events")
            return false
        }
        return react(to: events, inPlace: inPlace)
    }

    /// Reacts to new ledger events (the next ones after `lastSequence`, oldest first): celebrations
    /// after kept answers (from any channel), withdrawals of prompts answered elsewhere (the next
    /// step), log lines. A celebration shows in place of the answered check-in's notification:
    /// `inPlace` (just answered here, already off the board) or one still on the board (answered
    /// elsewhere). Returns whether `inPlace`'s notification became a celebration.
    @discardableResult
    func react(to events: [CheckInEvent], inPlace: (checkIn: CheckInID, notification: NotificationID)? = nil) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running, let last = events.last else { return false }
        lastSequence = last.sequence
        var usedInPlace = false
        for e in events where e.type == .answered || e.type == .corrected {
            if e.channel == .terminal, prompts[e.occurrence] != nil {
                log.info("Check-in #\(e.occurrence) was answered from the terminal (\(e.answer?.rawValue ?? "?"))")
            }
            guard e.answer == .kept else { continue }
            if let inPlace, inPlace.checkIn == e.occurrence, !usedInPlace {
                usedInPlace = celebrateIfMilestone(e.occurrence, replacing: inPlace.notification)
            } else if let shown = prompts[e.occurrence]?.notificationID {
                // Answered elsewhere while its notification shows: the celebration (sent only for
                // a check-in now kept) takes its place, and the next step has nothing to withdraw.
                if celebrateIfMilestone(e.occurrence, replacing: shown) { _ = takeOff(e.occurrence, why: nil) }
            } else {
                celebrateIfMilestone(e.occurrence)
            }
        }
        step()
        return usedInPlace
    }

    /// Celebrates the milestone answer `id` reached, if any and not yet celebrated: a notice on
    /// the terminal and the desktop, in place of notification `replacing` when given. Returns
    /// whether it was sent to the desktop in place of `replacing`.
    @discardableResult
    func celebrateIfMilestone(_ id: CheckInID, replacing: NotificationID? = nil) -> Bool {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let plan = keeper.plan else { return false }
        do {
            guard let o = try ledger.occurrence(id: id), o.state == .kept, let item = plan.item(o.item),
                !item.celebrate.isEmpty
            else { return false }
            let now = clock.now()
            let records = try ledger.records(items: [item.id], since: nil)
            guard
                let reached = ItemStats.milestoneReached(
                    item: item, records: records, answered: id, today: plan.day(of: now), now: now)
            else { return false }
            // Once per milestone, across restarts and processes: the ledger records it on the
            // occurrence of the day the streak reached it (a correction back and forth reaches the
            // same milestone on the same day again).
            let count = reached.event.count
            let target = records.last { $0.day == reached.event.day && $0.state == .kept }?.id ?? id
            guard let recorded = try ledger.celebrateOnce(occurrence: target, streak: count, at: now) else { return false }
            // Its own event: nothing to react to.
            if recorded.sequence == lastSequence + 1 { lastSequence = recorded.sequence }
            let unit = reached.unit.noun(count)
            log.notice("Milestone: \(item.id) kept \(count) \(unit) in a row", metadata: DaemonText.meta(item.id, id))
            let summary = plan.discreet ? "A milestone" : "\(count) \(unit) in a row: \(item.title)"
            let body =
                plan.discreet
                ? "A promise kept \(count) times in a row."
                : "A promise\(item.to.map { " to \($0)" } ?? ""), kept \(count) \(unit) in a row. That is how trust grows back."
            announce(summary: summary, body: body, replacing: replacing) { _ in }
            return replacing != nil && notifier != nil && server != nil
        } catch {
            ledgerFailed(error, doing: "reading the streak")
            return false
        }
    }

    /// At start: a milestone the newest kept answer of an item reached while trustd was not
    /// running (`trustctl answer`) is celebrated now, unless the ledger says it was already.
    func celebrateMilestonesReachedWhileStopped() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let plan = keeper.plan else { return }
        for item in plan.items where !item.celebrate.isEmpty {
            do {
                guard let newest = try ledger.records(items: [item.id], since: nil).last(where: { $0.state == .kept })
                else { continue }
                celebrateIfMilestone(newest.id)
            } catch {
                ledgerFailed(error, doing: "reading the streaks")
                return
            }
        }
    }

    func ledgerFailed(_ error: LedgerError, doing what: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        ledgerFailures += 1
        let delay = min(options.ledgerRetryMax, options.ledgerRetry * pow(2, Double(min(ledgerFailures - 1, 16))))
        log.error("Failed \(what): \(error). Trying again in \(Int(delay)) s; no answer is lost meanwhile")
        service.tell([.status("Ledger error: \(error)")])
        lastStatus = ""
        if retryTimer == nil { retryTimer = clock.makeTimer(queue: queue) { [weak self] in self?.step() } }
        retryTimer?.arm(at: clock.now().addingTimeInterval(delay))
    }
}
