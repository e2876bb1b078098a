// Owns what this run has put in front of the person: the prompts on screen (by check-in and by
// notification id), the notifications an earlier run left, and the plan notice. A value kept by
// the `Daemon` on its queue; the daemon's extension below shows, withdraws and announces.
import Dispatch
import Foundation
import Logging
import TrustCore
import TrustDesktop

/// The prompts on screen. Pure bookkeeping: the `Daemon` does the talking.
struct PromptBoard {
    /// What this run has on screen, by check-in.
    private(set) var shown: [CheckInID: ShownPrompt] = [:]
    /// Notification id → check-in, for the notifier's events.
    private var byNotification: [NotificationID: CheckInID] = [:]
    /// Notifications an earlier run left and when each was shown, to close once a server is
    /// there, if it is the one that showed them.
    var leftovers: [(id: NotificationID, shownAt: Date)] = []
    /// The notification saying the plan was rejected, while it shows.
    var planNotice: NotificationID?
    /// What each check-in on the desktop shows (for turning a three-button prompt's page).
    private(set) var contents: [CheckInID: CheckInPrompt] = [:]

    /// Remembers what check-in `id` shows.
    mutating func keep(_ content: CheckInPrompt, for id: CheckInID) { contents[id] = content }

    subscript(id: CheckInID) -> ShownPrompt? { shown[id] }

    /// The check-ins waiting on screen, oldest id first.
    var waiting: [CheckInID] { shown.keys.sorted() }

    /// The check-in a notification shows, if this run showed it.
    func checkIn(showing notification: NotificationID) -> CheckInID? { byNotification[notification] }

    /// Shown now on `surface` (a notification in flight, the terminal, the journal).
    mutating func show(_ id: CheckInID, on surface: ShownPrompt.Surface, at: Date) {
        shown[id] = ShownPrompt(surface: surface, at: at)
    }

    /// `Notify` answered: the check-in shows as notification `notification`.
    mutating func showing(_ id: CheckInID, as notification: NotificationID, at: Date) {
        if let old = shown[id]?.notificationID, old != notification { byNotification[old] = nil }
        shown[id] = ShownPrompt(surface: .notification(notification), at: at)
        byNotification[notification] = id
    }

    /// Off the screen; returns what it was.
    mutating func remove(_ id: CheckInID) -> ShownPrompt? {
        contents[id] = nil
        guard let s = shown.removeValue(forKey: id) else { return nil }
        if let nid = s.notificationID { byNotification[nid] = nil }
        return s
    }

    /// A server appeared: prompts that went only to the journal or the terminal (or to a server
    /// that went away) are forgotten, so the next step shows them on the desktop.
    mutating func forgetOffDesktop() {
        for (id, s) in shown where s.notificationID == nil { shown[id] = nil }
    }

    /// The server went away: what it showed (or was about to) now counts as shown on `fallback`.
    mutating func fallBack(to fallback: ShownPrompt.Surface) {
        for (id, s) in shown where s.notificationID != nil || s.inFlight {
            shown[id] = ShownPrompt(surface: fallback, at: s.at)
        }
        byNotification = [:]
    }

    /// Everything on screen goes (a stop): the notifications to close.
    mutating func clear() -> [NotificationID] {
        var ids = shown.values.compactMap(\.notificationID)
        if let planNotice { ids.append(planNotice) }
        shown = [:]
        byNotification = [:]
        contents = [:]
        return ids
    }
}

extension Daemon {
    /// Shows a check-in: on the terminal, on the desktop (when a server is there), else in the
    /// journal; recorded `prompted` once it is shown.
    func prompt(_ o: CheckIn, item: Item, reason: PromptReason, plan: Plan, now: Date) throws(LedgerError) {
        dispatchPrecondition(condition: .onQueue(queue))
        let previous = prompts[o.id]
        let late = reason == .late
        let when = late ? " (due \(DaemonText.format(o.scheduled, plan.timeZone)), while trustd was not running)" : ""
        // On a terminal the prompt itself is printed; the log line would repeat it.
        log.log(
            level: console == nil ? .info : .debug,
            "Check-in #\(o.id) \(item.id): \(plan.discreet ? "check-in due" : item.ask)\(when)",
            metadata: DaemonText.meta(item.id, o.id))
        if let console {
            console.print(DaemonText.terminalPrompt(o, item: item, plan: plan, late: late))
        }
        if let notifier, let server {
            var content = CheckInPrompt(item: item, discreet: plan.discreet, server: server)
            if late, !plan.discreet {
                content.body = "Due \(DaemonText.format(o.scheduled, plan.timeZone)), while trustd was not running.\n" + content.body
            }
            let request = content.request(replacing: previous?.notificationID)
            prompts.keep(content, for: o.id)
            prompts.show(o.id, on: .notification(nil), at: now)
            let channel: Channel = late ? .catchUp : .notification
            notifier.notify(request) { [weak self] result in
                self?.notified(o, item: item, result: result, channel: channel)
            }
        } else {
            prompts.show(o.id, on: offDesktop, at: now)
            let channel: Channel = late ? .catchUp : (console != nil ? .terminal : .daemon)
            keepPrompted(PromptedRecord(occurrence: o.id, notificationID: nil, channel: channel, at: now))
        }
    }

    /// A prompt shown, to record with the others shown meanwhile: one transaction (one fsync) for
    /// a burst, written by the next step (queued behind the replies already waiting) before it
    /// decides anything. Issue 15: one fsynced transaction and one scheduling step for each of
    /// 100 `Notify` replies took ≈ 140 ms of the daemon's time, beside the burst's prompts.
    func keepPrompted(_ record: PromptedRecord) {
        dispatchPrecondition(condition: .onQueue(queue))
        promptedToRecord.append(record)
        guard !recordingScheduled else { return }
        recordingScheduled = true
        queue.async { [weak self] in
            guard let self else { return }
            self.recordingScheduled = false
            self.step()  // records them first (unless an answer did already), then decides
        }
    }

    /// Writes the prompts kept by `keepPrompted`. Every scheduling round does it first: the
    /// scheduler reads what the ledger says of a check-in (a snooze is over once it was shown
    /// again), so the ledger holds every prompt shown before a decision is made.
    func flushPrompted() throws(LedgerError) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !promptedToRecord.isEmpty else { return }
        let batch = promptedToRecord
        promptedToRecord = []
        do {
            try ledger.recordPrompted(batch)
        } catch {
            promptedToRecord = batch + promptedToRecord  // tried again by the retry's step
            throw error
        }
    }

    /// `flushPrompted` where a failure is logged and retried (when stopping, and before a step
    /// that has no plan to decide with).
    func recordPrompted() {
        do { try flushPrompted() } catch { ledgerFailed(error, doing: "recording the prompts shown") }
    }

    /// Where a prompt shows without a notification server.
    var offDesktop: ShownPrompt.Surface { console != nil ? .terminal : .journal }

    /// `Notify` answered (on the daemon's queue).
    func notified(_ o: CheckIn, item: Item, result: Result<NotificationID, NotifierError>, channel: Channel) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running else {
            if case .success(let id) = result { notifier?.close(id) { _ in } }
            return
        }
        let now = clock.now()
        switch result {
        case .success(let id):
            // Answered or expired while Notify was in flight: take it back at once.
            guard prompts[o.id]?.inFlight == true else {
                notifier?.close(id) { _ in }
                return
            }
            prompts.showing(o.id, as: id, at: now)
            keepPrompted(PromptedRecord(occurrence: o.id, notificationID: id, channel: channel, at: now))
        case .failure(let error):
            log.warning(
                "Could not show check-in #\(o.id) on the desktop: \(error); it is in the journal and in trustctl pending",
                metadata: DaemonText.meta(item.id, o.id))
            guard prompts[o.id]?.inFlight == true else { return }
            prompts.show(o.id, on: offDesktop, at: now)
            keepPrompted(
                PromptedRecord(occurrence: o.id, notificationID: nil, channel: channel == .catchUp ? .catchUp : .daemon, at: now))
        }
    }

    /// Takes a prompt off the screen (answered, expired, or no longer open). With `notice`, a
    /// notification on the desktop is updated in place (`replaces_id`) to say it, without
    /// buttons, `transient`, for a few seconds, instead of vanishing unexplained.
    func withdraw(_ id: CheckInID, why: String?, notice: (summary: String, body: String)? = nil) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let nid = takeOff(id, why: why) else { return }
        if let notice, let notifier {
            notifier.notify(Self.inPlaceNotice(replacing: nid, notice)) { _ in }
        } else {
            notifier?.close(nid) { _ in }
        }
    }

    /// Takes a prompt off the board (and says `why` on the terminal) but leaves its notification
    /// on the desktop: returns its id, which the caller closes or updates in place.
    func takeOff(_ id: CheckInID, why: String?) -> NotificationID? {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let s = prompts.remove(id) else { return nil }
        if let console, let why { console.print("  #\(id): \(why)") }
        return s.notificationID
    }

    /// A snoozed check-in's notification says until when, in place and without buttons; the
    /// re-show replaces it again.
    func showSnoozed(_ id: CheckInID, until: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let nid = prompts[id]?.notificationID, let notifier else { return }
        notifier.notify(Self.inPlaceNotice(replacing: nid, (summary: "Snoozed until \(until)", body: "trustd asks again then."))) {
            _ in
        }
    }

    /// A check-in's notification turned into a short notice: no buttons, `transient`, 10 s.
    static func inPlaceNotice(replacing nid: NotificationID, _ notice: (summary: String, body: String)) -> NotificationRequest {
        NotificationRequest(
            replaces: nid, summary: notice.summary, body: notice.body,
            hints: NotificationHints(
                urgency: .low, category: "x-trustd.notice", desktopEntry: CheckInPrompt.desktopEntry, transient: true,
                imagePath: CheckInPrompt.iconName),
            expiration: .milliseconds(10_000))
    }

    /// What a check-in's notification says once its deadline passed (no plan text: discreet-safe).
    static let unansweredNotice = (
        summary: "Recorded as unanswered",
        body: "No answer came by the check-in's deadline. A late answer still counts: trustctl pending lists it."
    )

    /// A notice that is not a check-in (a rejected plan, a milestone, a failed answer): on the
    /// terminal, and on the desktop when a server is there. `completion` gets its notification id.
    func announce(
        summary: String, body: String, replacing: NotificationID?,
        completion: @escaping @Sendable (NotificationID?) -> Void
    ) {
        dispatchPrecondition(condition: .onQueue(queue))
        console?.print("\(summary)\n\(body)")
        guard let notifier, server != nil else {
            completion(nil)
            return
        }
        let request = NotificationRequest(
            replaces: replacing, summary: summary, body: body,
            hints: NotificationHints(urgency: .normal, category: "x-trustd.notice", desktopEntry: "trustd"))
        notifier.notify(request) { result in completion(try? result.get()) }
    }

    /// Shows the other page of a three-button prompt as a new notification, then closes the one
    /// clicked: GNOME Shell hides a banner once one of its actions is invoked, and before GNOME 46
    /// a notification updated in place after that is not shown as a banner again (and the list
    /// draws no buttons), so the other page's buttons would never be seen
    /// (Tests/Scripts/desktop-gnome.sh shows it on GNOME 43).
    func turnPage(_ id: CheckInID, showing nid: NotificationID, after key: String) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let notifier, var content = prompts.contents[id],
            let page = content.actionSet.page(after: key, on: content.page)
        else { return }
        content.page = page
        prompts.keep(content, for: id)
        notifier.notify(content.request()) { [weak self] result in
            guard let self, case .success(let new) = result else { return }
            guard self.prompts[id]?.notificationID == nid else {
                // Answered, expired or turned again meanwhile: this page is not wanted.
                notifier.close(new) { _ in }
                return
            }
            self.prompts.showing(id, as: new, at: self.clock.now())
            if new != nid { notifier.close(nid) { _ in } }
        }
    }

    /// Closes the previous run's notifications (those the server showed before this run), one after
    /// another, then steps: a check-in shown again never appears before its old notification is
    /// closed (`BuiltBinaryTests.sigkillMidStreamAndRestart`; stepping at once sent the new Notify
    /// while the close still waited for the server's process id).
    func closeLeftovers(_ rest: ArraySlice<(id: NotificationID, shownAt: Date)>) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard let notifier, let (id, shownAt) = rest.first else { return step() }
        notifier.closeLeftover(id, shownAt: shownAt) { [weak self] _ in self?.closeLeftovers(rest.dropFirst()) }
    }

    /// What the notifier reports: servers coming and going, and the person's clicks and replies.
    func desktopEvent(_ event: NotifierEvent) {
        dispatchPrecondition(condition: .onQueue(queue))
        guard phase == .running || phase == .starting else { return }
        switch event {
        case .serverAppeared(let s):
            desktopKnown = true
            // Another process owns the name now (the server restarted or was replaced): the ids
            // the previous one gave mean nothing to it, or name another application's
            // notification. Never close them; the open check-ins are shown to the new one once.
            if let old = server, old.busName != s.busName { prompts.fallBack(to: offDesktop) }
            server = s
            log.info("Notification server: \(s.name) \(s.version) by \(s.vendor) (\(s.capabilities)); \(PromptActionSet.choose(for: s).reason)")
            let leftovers = prompts.leftovers
            prompts.leftovers = []
            prompts.forgetOffDesktop()
            closeLeftovers(leftovers[...])
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
            prompts.fallBack(to: offDesktop)
        case .actionInvoked(let nid, let key):
            guard let id = prompts.checkIn(showing: nid) else { return }
            // "more", "back" and a click on the body ("default") turn a three-button prompt's page.
            guard let action = PromptAction(key: key) else { return turnPage(id, showing: nid, after: key) }
            if let a = action.answer {
                answer(id, a, note: nil, channel: .notification)
            } else {
                snooze(id, channel: .notification)
            }
        case .replied(let nid, let text):
            guard let id = prompts.checkIn(showing: nid) else { return }
            note(id, text, channel: .notification)
        case .closed(let nid, let reason):
            // Dismissed: the check-in stays pending (trustctl pending lists it) until its deadline.
            if let id = prompts.checkIn(showing: nid), reason == .dismissed {
                log.info("Check-in #\(id) was dismissed without an answer; it stays pending")
            }
        }
    }
}
