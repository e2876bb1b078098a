import Foundation
import Testing
import TrustCore
import TrustDesktop
import TrustStore
import TrustTestSupport

@testable import TrustDaemon

private typealias F = Fixture
private let h: TimeInterval = 3600

private let callPlan = planYAML(
    """
      - id: evening-call
        title: Call Sam
        ask: Did you call Sam tonight?
        at: "19:00"
        deadline: 3h
        snooze: 15m
    """)

/// Call Sam at 19:00, celebrated at a streak of 2.
private let celebrateAtTwoPlan = planYAML(
    """
      - id: evening-call
        title: Call Sam
        to: Sam
        at: "19:00"
        celebrate: [2]
    """)

/// The runtime on a real ledger file with a deterministic clock and the recording notifier.
@Suite struct DaemonTests {
    /// With the pages given back when trustd settles, a wake further away than the settle delay plus
    /// the lead is preceded by a step `warmUpLead` earlier that pages the scheduling code and data back
    /// in: it enters and prompts nothing and arms the wake itself; a closer wake is armed as it is (issue 15: the first of 100 check-ins due at once waited 23 ms, 11 ms with it).
    @Test func aFarWakeIsPrecededByAWarmUpStepThatPromptsNothing() async throws {
        let lead: TimeInterval = 0.5
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:00"), settled: {}, warmUpLead: lead)
        await rig.start()
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:00").addingTimeInterval(-lead))
        await rig.set(F.at("2026-11-25 19:00").addingTimeInterval(-lead))
        #expect(rig.requests.isEmpty)
        #expect(try rig.occurrences().isEmpty)
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:00"))
        await rig.set(F.at("2026-11-25 19:00"))
        #expect(rig.requests.map(\.summary) == ["Did you call Sam tonight?"])
        // The snooze (15 min) and the next day are further than the settle delay: warmed up too.
        await rig.act(1, "kept")
        #expect(rig.clock.nextArmed == F.at("2026-11-26 19:00").addingTimeInterval(-lead))
        // Started 0.6 s before the instant (closer than the rig's settle delay, 0.2 s, plus the lead): as it is.
        let close = try Rig(plan: callPlan, at: F.at("2026-11-25 19:00").addingTimeInterval(-0.6), settled: {}, warmUpLead: lead)
        await close.start()
        #expect(close.clock.nextArmed == F.at("2026-11-25 19:00"), "\(close.requests.map(\.summary)) \(String(describing: close.clock.nextArmed)) \(close.service.statuses)")
        await close.stop()
        await rig.stop()
    }

    /// Twelve check-ins due at once: their twelve `Notify` replies are recorded in one transaction
    /// (one fsync), each with its notification (issue 15: a transaction and a scheduling step for
    /// each reply took ≈ 1.4 ms of the daemon's time, 140 ms for a burst of 100).
    @Test func aBurstsPromptsAreRecordedInOneTransaction() async throws {
        let items = (1...12).map { "  - id: item-\($0)\n    title: Item \($0)\n    at: \"19:00\"\n" }.joined()
        let rig = try Rig(plan: planYAML(items), at: F.at("2026-11-25 18:59"))
        await rig.start()
        await rig.set(F.at("2026-11-25 19:00:01"))
        #expect(rig.checkInRequests.count == 12)
        #expect(rig.ledger.promptedBatches == [12])
        let occurrences = try rig.occurrences()
        #expect(occurrences.map(\.promptCount) == Array(repeating: 1, count: 12))
        #expect(Set(occurrences.compactMap(\.notificationID?.rawValue)) == Set(1...12))
        #expect(occurrences.allSatisfy { $0.promptedAt == F.at("2026-11-25 19:00:01") })
        await rig.stop()
    }

    /// A snooze clicked before the prompt's record was written (it waits for the burst's one
    /// transaction) still follows the prompt in the ledger, so the snooze stands.
    @Test func aSnoozeRightAfterThePromptFollowsItInTheLedger() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        let notifier = try #require(rig.notifier)
        notifier.holdReplies()
        await rig.set(F.at("2026-11-25 19:00:01"))
        #expect(rig.requests.count == 1)
        // The reply, then the click, both queued before the daemon records the prompt.
        notifier.releaseReplies()
        notifier.simulate(.actionInvoked(NotificationID(1), action: "snooze"))
        await rig.settle()
        let o = try #require(try rig.occurrences().first)
        #expect(try rig.events(o.id) == [.scheduled, .prompted, .snoozed])
        #expect(o.snoozedUntil == F.at("2026-11-25 19:15:01"))
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:15:01"))
        await rig.stop()
    }

    /// A prompt whose reply came just before a stop is recorded with its notification, so the
    /// next run closes it (`closeLeftovers`).
    @Test func aPromptRepliedJustBeforeAStopIsRecorded() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        let notifier = try #require(rig.notifier)
        notifier.holdReplies()
        await rig.set(F.at("2026-11-25 19:00:01"))
        notifier.releaseReplies()
        await rig.stop()
        let o = try #require(try rig.occurrences().first)
        #expect(try rig.events(o.id) == [.scheduled, .prompted])
        #expect(o.notificationID == NotificationID(1))
        #expect(rig.closed == [1])
    }

    @Test func promptsAtItsTimeAndAnActionAnswerLandsInTheStore() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        #expect(rig.requests.isEmpty)
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:00"))
        #expect(rig.service.states.first == .ready)
        #expect(rig.service.statuses.first == "Next check-in: evening-call at Wed 2026-11-25 19:00 +01:00")

        await rig.set(F.at("2026-11-25 19:00"))
        #expect(rig.requests.map(\.summary) == ["Did you call Sam tonight?"])
        #expect(rig.requests.first?.actions.map(\.key) == ["kept", "missed", "skipped", "snooze"])
        let o = try #require(try rig.occurrences().first)
        #expect(o.scheduled == F.at("2026-11-25 19:00"))
        #expect(o.deadline == F.at("2026-11-25 22:00"))
        #expect(o.notificationID == 1)
        #expect(try rig.events(o.id) == [.scheduled, .prompted])

        await rig.act(1, "kept")
        let answered = try #require(try rig.store.occurrence(id: o.id))
        #expect(answered.state == .kept)
        #expect(answered.answerChannel == .notification)
        #expect(rig.closed == [1])
        #expect(rig.clock.nextArmed == F.at("2026-11-26 19:00"))
        await rig.stop()
        #expect(rig.service.states.last == .stopping)
    }

    @Test func actionsOnNotificationsThisRunDidNotSendAreIgnored() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        await rig.set(F.at("2026-11-25 19:00:01"))
        await rig.act(99, "kept")
        await rig.act(1, "default")  // a click on the body
        #expect(try rig.occurrences().map(\.state) == [.pending])
        await rig.stop()
    }

    @Test func snoozeShowsAgainInPlaceAfterTheItemsSnooze() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        await rig.set(F.at("2026-11-25 19:00:01"))
        #expect(rig.requests.count == 1)
        await rig.set(F.at("2026-11-25 19:02"))
        await rig.act(1, "snooze")
        let o = try #require(try rig.occurrences().first)
        #expect(o.snoozedUntil == F.at("2026-11-25 19:17"))
        #expect(rig.closed == [])
        #expect(rig.requests.count == 2)
        #expect(rig.requests.last?.replaces == NotificationID(1))
        #expect(rig.requests.last?.summary == "Snoozed until Wed 2026-11-25 19:17 +01:00")
        #expect(rig.requests.last?.actions == [])
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:17"))
        await rig.set(F.at("2026-11-25 19:17"))
        #expect(rig.requests.count == 3)
        #expect(rig.requests.last?.replaces == NotificationID(1))
        #expect(rig.requests.last?.actions.isEmpty == false)
        #expect(try rig.events(o.id) == [.scheduled, .prompted, .snoozed, .prompted])
        #expect(try rig.store.occurrence(id: o.id)?.snoozedUntil == nil)
        await rig.stop()
    }

    /// A snooze that would end after the deadline (15 min asked, 10 left) ends halfway there:
    /// the check-in comes back before it expires, not never.
    @Test func aSnoozeNearTheDeadlineEndsBeforeIt() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        await rig.set(F.at("2026-11-25 19:00"))
        await rig.set(F.at("2026-11-25 21:50"))
        await rig.act(1, "snooze")
        let o = try #require(try rig.occurrences().first)
        #expect(o.snoozedUntil == F.at("2026-11-25 21:55"))
        #expect(rig.clock.nextArmed == F.at("2026-11-25 21:55"))
        await rig.set(F.at("2026-11-25 21:55"))
        #expect(rig.checkInRequests.count == 2)
        #expect(rig.requests.last?.replaces == NotificationID(1))
        await rig.set(F.at("2026-11-25 22:00"))
        #expect(try rig.events(o.id) == [.scheduled, .prompted, .snoozed, .prompted, .unanswered])
        await rig.stop()
    }

    /// At the deadline the notification is updated in place (no buttons, transient) to say the
    /// check-in was recorded unanswered, rather than closed without a word.
    @Test func anUnansweredCheckInExpiresAtItsDeadlineInPlace() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        await rig.set(F.at("2026-11-25 19:00"))
        await rig.set(F.at("2026-11-25 21:59:59"))
        #expect(try rig.occurrences().map(\.state) == [.pending])
        await rig.set(F.at("2026-11-25 22:00"))
        #expect(try rig.occurrences().map(\.state) == [.unanswered])
        #expect(rig.closed == [])
        let notice = try #require(rig.requests.last)
        #expect(rig.requests.count == 2)
        #expect(notice.replaces == NotificationID(1))
        #expect(notice.summary == "Recorded as unanswered")
        #expect(notice.actions == [])
        #expect(notice.hints.transient == true)
        // A late answer (trustctl answer) still counts, and nothing is shown again.
        let o = try #require(try rig.occurrences().first)
        _ = try rig.store.answer(occurrence: o.id, answer: .kept, channel: .terminal, at: F.at("2026-11-25 23:00"))
        try await rig.ledgerWritten()
        #expect(try rig.occurrences().map(\.state) == [.kept])
        #expect(rig.requests.count == 2)
        await rig.stop()
    }

    @Test func quietHoursDeferThePromptToTheirEnd() async throws {
        let plan = planYAML(
            quiet: "22:30-07:30",
            """
              - id: late
                title: Late
                at: "23:00"
                deadline: 2h
            """)
        let rig = try Rig(plan: plan, at: F.at("2026-11-25 22:00"))
        await rig.start()
        await rig.set(F.at("2026-11-25 23:00"))
        let o = try #require(try rig.occurrences().first)
        #expect(rig.requests.isEmpty)
        #expect(o.deadline == F.at("2026-11-26 09:30"))
        #expect(rig.clock.nextArmed == F.at("2026-11-26 07:30"))
        await rig.set(F.at("2026-11-26 07:30"))
        #expect(rig.requests.count == 1)
        await rig.stop()
    }

    /// trustd was not running for three days: one prompt (the newest, marked as late), the
    /// two older check-ins recorded unanswered, nothing entered twice.
    @Test func catchUpAfterDowntimePromptsOnceAndRecordsTheRest() async throws {
        let first = try Rig(plan: callPlan, at: F.at("2026-11-22 18:00"))
        await first.start()
        await first.set(F.at("2026-11-22 19:00"))
        await first.act(1, "kept")
        await first.stop()

        let second = try first.restarted(at: F.at("2026-11-25 20:30"))
        await second.start()
        let all = try second.occurrences()
        #expect(all.map(\.scheduled) == ["22", "23", "24", "25"].map { F.at("2026-11-\($0) 19:00") })
        #expect(all.map(\.state) == [.kept, .unanswered, .unanswered, .pending])
        #expect(all.last?.deadline == F.at("2026-11-25 23:30"))
        #expect(second.requests.count == 1)
        #expect(second.requests.first?.body.hasPrefix("Due Wed 2026-11-25 19:00 +01:00, while trustd was not running.") == true)
        let channels = try second.store.events(occurrence: all[3].id).map(\.channel)
        #expect(channels == [.daemon, .catchUp])
        await second.stop()
    }

    @Test func clockJumpsForwardAndBack() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 17:30"))
        await rig.start()
        // Back to 18:00 before anything was due: the timer is still for 19:00.
        await rig.set(F.at("2026-11-25 18:00"))
        rig.daemon.clockChanged()
        await rig.settle()
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:00"))
        await rig.set(F.at("2026-11-25 19:00"))
        #expect(try rig.occurrences().count == 1)
        // Back again past 19:00: the unanswered 19:00 check-in has not come yet; it is voided,
        // its prompt withdrawn, and it is entered (once) when 19:00 comes again.
        await rig.set(F.at("2026-11-25 18:30"))
        rig.daemon.clockChanged()
        await rig.settle()
        #expect(rig.closed == [1])
        await rig.set(F.at("2026-11-25 19:00:05"))
        #expect(try rig.occurrences().sorted { $0.id < $1.id }.map(\.state) == [.voided, .pending])
        #expect(rig.requests.count == 2)
        // Forward two days: catch-up.
        await rig.set(F.at("2026-11-27 20:00"))
        rig.daemon.clockChanged()
        await rig.settle()
        #expect(try rig.occurrences().sorted { $0.id < $1.id }.map(\.state) == [.voided, .unanswered, .unanswered, .pending])
        #expect(rig.checkInRequests.count == 3)
        await rig.stop()
    }

    /// New York: 2026-11-01 02:00 EDT → 01:00 EST. A 01:30 check-in happens once that night.
    @Test func aDSTTransitionInTheSystemZone() async throws {
        let ny = TimeZone(identifier: "America/New_York")!
        let plan = """
            version: 1
            commitments:
              - id: night
                title: Night
                at: "01:30"
                deadline: 30m
            """
        let rig = try Rig(plan: plan, at: F.at("2026-10-31 12:00", ny), zone: ny)
        await rig.start()
        var t = F.at("2026-10-31 12:00", ny)
        while t < F.at("2026-11-03 12:00", ny) {
            t = t.addingTimeInterval(15 * 60)
            await rig.set(t)
        }
        let all = try rig.occurrences()
        // The first 01:30 of the night (EDT, 05:30 UTC), not the repeated one (EST); then EST.
        #expect(all.map(\.scheduled) == [Date(timeIntervalSince1970: 1_793_511_000)] + ["2026-11-02 01:30", "2026-11-03 01:30"].map { F.at($0, ny) })
        #expect(all.first?.scheduled == Date(timeIntervalSince1970: 1_793_511_000))  // 05:30 UTC: the first 01:30 (EDT)
        #expect(all.map(\.zone) == ["America/New_York", "America/New_York", "America/New_York"])
        #expect(all.map(\.state) == [.unanswered, .unanswered, .unanswered])
        #expect(rig.checkInRequests.count == 3)
        await rig.stop()
    }

    @Test func reloadWithAGoodPlanAndThenABadOne() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 12:00"))
        await rig.start()
        try rig.writePlan(
            planYAML(
                """
                  - id: evening-call
                    title: Call Sam
                    at: "19:00"
                  - id: walk
                    title: Walk
                    at: "13:00"
                """))
        rig.daemon.reload(reason: "test")
        await rig.settle()
        #expect(await rig.daemon.inspect { $0.planItems } == ["evening-call", "walk"])
        #expect(rig.clock.nextArmed == F.at("2026-11-25 13:00"))
        #expect(rig.logs.text.contains("Reloaded the plan (test): 2 items; added walk"))

        try rig.writePlan(
            planYAML(
                """
                  - id: evening-call
                    title: Call Sam
                    at: "25:00"
                """))
        rig.daemon.reload(reason: "test")
        await rig.settle()
        // Rejected: the running schedule stays.
        #expect(await rig.daemon.inspect { $0.planItems } == ["evening-call", "walk"])
        #expect(rig.clock.nextArmed == F.at("2026-11-25 13:00"))
        let notice = try #require(rig.requests.last)
        #expect(notice.summary == "trustd: the plan has an error; the previous plan stays in force")
        // file:line:column (the column is the plan reader's business: inside the expression).
        let location = rig.planPath + ":8:"
        let message = ": error: invalid calendar expression '25:00'"
        #expect(notice.body.hasPrefix(location))
        #expect(notice.body.contains(message))
        #expect(rig.logs.text.contains(location))
        let status = rig.service.statuses.last ?? ""
        #expect(status.contains("plan rejected: \(location)") && status.contains(message), "\(status)")
        await rig.set(F.at("2026-11-25 13:00"))
        #expect(try rig.occurrences().map(\.item) == ["walk"])

        // Fixed: the error notification is withdrawn.
        try rig.writePlan(callPlan)
        rig.daemon.reload(reason: "test")
        await rig.settle()
        #expect(rig.closed == [1])  // the error notification was the first one sent
        #expect(rig.logs.text.contains("removed walk (history kept)"))
        await rig.stop()
    }

    @Test func theServerVanishingAndReturning() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:00"))
        await rig.start()
        rig.notifier?.simulate(.serverVanished)
        await rig.set(F.at("2026-11-25 19:00"))
        #expect(rig.requests.isEmpty)
        let o = try #require(try rig.occurrences().first)
        #expect(try rig.store.events(occurrence: o.id).map(\.channel) == [.daemon, .daemon])
        #expect(rig.logs.text.contains("Check-in #\(o.id) evening-call: Did you call Sam tonight?"))
        // Back: the open check-in is shown on the desktop now.
        rig.notifier?.simulate(.serverAppeared(RecordingNotifier.server(capabilities: ["body"])))
        await rig.settle()
        #expect(rig.requests.count == 1)
        // That server has no buttons: the body says how to answer.
        #expect(rig.requests.first?.actions == [])
        #expect(rig.requests.first?.body.contains("trustctl answer evening-call kept") == true)
        await rig.stop()
    }

    /// A new server process (another unique name) without a vanish in between: the old id is
    /// never closed on it, and the open check-in is shown to the new server once.
    @Test func aReplacedServerNeverGetsTheOldIdsClosed() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        await rig.set(F.at("2026-11-25 19:00"))
        #expect(rig.requests.count == 1)
        let replacement = NotificationServer(
            name: "recording", vendor: "trustd", version: "2", specVersion: "1.3",
            capabilities: NotificationCapabilities(["actions", "body"]), busName: ":replacement")
        rig.notifier?.simulate(.serverAppeared(replacement))
        await rig.settle()
        #expect(rig.requests.count == 2)
        #expect(rig.requests.last?.replaces == nil)
        #expect(rig.closed.isEmpty)
        await rig.act(1, "kept")  // the old id answers nothing on the new server
        #expect(try rig.occurrences().first?.state == .pending)
        await rig.act(2, "kept")
        #expect(try rig.occurrences().first?.state == .kept)
        #expect(rig.closed == [2])
        await rig.stop()
    }

    @Test func answersTypedOnTheTerminal() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"), desktop: false, terminal: true)
        await rig.start()
        await rig.set(F.at("2026-11-25 19:00:01"))
        let console = try #require(rig.console)
        #expect(console.output.contains("▶ Check-in #1 · evening-call · Wed 2026-11-25 19:00 +01:00"))
        #expect(console.output.contains("Did you call Sam tonight?"))
        console.type("nonsense")
        console.type("k called from the hotel")
        await rig.settle()
        let o = try #require(try rig.occurrences().first)
        #expect(o.state == .kept)
        #expect(o.note == "called from the hotel")
        #expect(o.answerChannel == .terminal)
        #expect(console.output.contains("`nonsense` is not an answer: type k, m, s or z"))
        await rig.stop()
    }

    /// `trustctl answer` in another process: trustd notices the new event and closes the
    /// notification.
    @Test func anAnswerFromAnotherProcessClosesTheNotification() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        await rig.set(F.at("2026-11-25 19:00:01"))
        let other = try TrustStore(path: rig.storePath, mode: .readWrite)
        try other.answerNewestOpen(item: "evening-call", answer: .missed, channel: .terminal, at: F.at("2026-11-25 19:05"))
        try await rig.ledgerWritten()
        #expect(rig.closed == [1])
        #expect(await rig.daemon.inspect { $0.shown.isEmpty })
        await rig.stop()
    }

    /// With the daemon caught up on the ledger (as its WAL watch keeps it), the answer's own event
    /// is the next one: the daemon reacts to it without reading it back, with the same result.
    @Test func anAnswerThatIsTheNextEventIsReactedToWithoutReadingItBack() async throws {
        let plan = celebrateAtTwoPlan
        let rig = try Rig(plan: plan, at: F.at("2026-11-24 18:00"))
        await rig.start()
        for (day, notification) in [("2026-11-24 19:00", UInt32(1)), ("2026-11-25 19:00", 2)] {
            await rig.set(F.at(day))
            try await rig.ledgerWritten()  // caught up: the prompt's events are seen
            await rig.act(notification, "kept")
            // Reacted to without a WAL notice: the answer's event is seen, its prompt withdrawn
            // (closed, or turned into the milestone's celebration in place).
            let head = try rig.store.lastEventSequence()
            #expect(await rig.daemon.inspect { $0.ledgerSequence } == head)
            #expect(rig.closed.last == 1)
            #expect(rig.requests.last?.replaces == (notification == 2 ? NotificationID(2) : nil))
        }
        #expect(rig.requests.last?.summary == "2 check-ins in a row: Call Sam")
        #expect(rig.closed == [1])
        await rig.stop()
    }

    @Test func aStreakReachingAMilestoneIsCelebratedOnce() async throws {
        let plan = planYAML(
            """
              - id: evening-call
                title: Call Sam
                to: Sam
                at: "19:00"
                celebrate: [2, 5]
            """)
        let rig = try Rig(plan: plan, at: F.at("2026-11-24 18:00"))
        await rig.start()
        await rig.set(F.at("2026-11-24 19:00"))
        await rig.act(1, "kept")
        #expect(rig.requests.count == 1)
        await rig.set(F.at("2026-11-25 19:00"))
        await rig.act(2, "kept")
        #expect(rig.requests.count == 3)
        #expect(rig.requests.last?.summary == "2 check-ins in a row: Call Sam")
        #expect(rig.requests.last?.body == "A promise to Sam, kept 2 check-ins in a row. That is how trust grows back.")
        // The same answer again, or a correction back and forth, does not celebrate twice.
        let o = try #require(try rig.occurrences().last)
        _ = try rig.store.answer(occurrence: o.id, answer: .missed, channel: .terminal)
        _ = try rig.store.answer(occurrence: o.id, answer: .kept, channel: .terminal)
        try await rig.ledgerWritten()
        #expect(rig.requests.count == 3)
        await rig.stop()
    }

    /// Every 5 minutes, so that jumps of minutes, hours and days all enter several check-ins.
    static let tickPlan = planYAML(
        """
          - id: tick
            title: Tick
            at: "*:0/5"
            deadline: 1h
        """)

    /// A clock set forward (catch-up enters the check-ins up to the wrong "now") and then back:
    /// the never-answered ones scheduled after the corrected now are voided (in `history`, in no
    /// figure), their prompt withdrawn, the answered one keeps its answer, the cursor returns, and
    /// each instant is entered again when it really comes.
    @Test(arguments: [20 * 60, 5 * 3600, 3 * 86400] as [TimeInterval])
    func aForwardThenBackJumpVoidsTheFutureCheckInsNeverAnswered(jump: TimeInterval) async throws {
        let start = F.at("2026-11-25 18:58")
        let rig = try Rig(plan: Self.tickPlan, at: start)
        await rig.start()
        await rig.set(start.addingTimeInterval(jump))
        rig.daemon.clockChanged()
        await rig.settle()
        let entered = try rig.occurrences()
        #expect(entered.count >= 4)
        #expect(entered.first?.scheduled == F.at("2026-11-25 19:00"))
        #expect(rig.requests.count == 1)  // the newest, a catch-up prompt
        // The person answers the first of them (trustctl answer --occurrence).
        _ = try rig.store.answer(occurrence: entered[0].id, answer: .kept, channel: .terminal, at: start.addingTimeInterval(jump))
        try await rig.ledgerWritten()

        // NTP corrects the clock.
        await rig.set(F.at("2026-11-25 18:59"))
        rig.daemon.clockChanged()
        await rig.settle()
        let after = try rig.occurrences()
        #expect(after.map(\.id) == entered.map(\.id))
        #expect(after[0].state == .kept)
        #expect(after.dropFirst().allSatisfy { $0.state == .voided }, "\(after.map(\.state))")
        for o in after.dropFirst() { #expect(try rig.events(o.id).last == .voided) }
        #expect(rig.closed == [1])
        #expect(await rig.daemon.inspect { $0.shown.isEmpty })
        #expect(await rig.daemon.inspect { $0.cursors["tick"] } == F.at("2026-11-25 18:59"))
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:00"))
        // In no figure: the records behind export, review and milestones, and the report's read.
        #expect(try rig.store.records(items: nil, since: nil).map(\.id) == [entered[0].id])
        #expect(try rig.store.checkInsByItem().map(\.entries.count).reduce(0, +) == 1)
        #expect(try rig.store.verify().isIntact)

        // Real time comes: 19:00 is answered already (not entered again); 19:05 is entered anew.
        await rig.set(F.at("2026-11-25 19:00"))
        #expect(rig.requests.count == 1)
        await rig.set(F.at("2026-11-25 19:05"))
        let now = try rig.occurrences().filter { $0.state == .pending }
        #expect(now.map(\.scheduled) == [F.at("2026-11-25 19:05")])
        #expect(rig.requests.count == 2)
        await rig.stop()
    }

    /// The same through the real clock-change path: DaemonHost's ClockChangeWatcher (a
    /// CLOCK_REALTIME timerfd with TFD_TIMER_CANCEL_ON_SET) reads ECANCELED when the realtime clock
    /// is set. The test sets it to its own reading (CAP_SYS_TIME; the clock moves by microseconds),
    /// while the daemon's hand-set clock makes the forward and back jumps.
    @Test func theClockChangePathVoidsAfterARealClockSet() async throws {
        let start = F.at("2026-11-25 18:58")
        let rig = try Rig(plan: Self.tickPlan, at: start)
        let host = DaemonHost(daemon: rig.daemon, planPath: rig.planPath, ledgerPath: rig.storePath, logger: rig.logs.logger())
        host.start()
        #expect(await eventually { await rig.daemon.inspect { $0.ready } })
        func changes() -> Int { rig.logs.lines.filter { $0.contains("The system clock changed") }.count }

        rig.clock.set(F.at("2026-11-25 21:00"))
        try setRealtimeClockToItself()
        #expect(await eventually { changes() == 1 })
        #expect(await eventually { (try? rig.occurrences().count) == 25 })
        rig.clock.set(F.at("2026-11-25 18:59"))
        try setRealtimeClockToItself()
        #expect(await eventually { changes() == 2 })
        #expect(await eventually { (try? rig.occurrences().allSatisfy { $0.state == .voided }) == true })
        #expect(await rig.daemon.inspect { $0.cursors["tick"] } == F.at("2026-11-25 18:59"))
        await withCheckedContinuation { c in host.stop { c.resume() } }
    }

    /// A milestone reached by `trustctl answer` while trustd was stopped is celebrated at the next
    /// start, once: the ledger records it (`celebrated`), so a further restart does not repeat it.
    @Test func aMilestoneReachedWhileTrustdWasStoppedIsCelebratedOnceAcrossRestarts() async throws {
        let plan = celebrateAtTwoPlan
        let milestone = "2 check-ins in a row: Call Sam"
        let first = try Rig(plan: plan, at: F.at("2026-11-24 18:00"))
        await first.start()
        await first.set(F.at("2026-11-24 19:00"))
        await first.act(1, "kept")
        await first.set(F.at("2026-11-25 19:00"))
        await first.stop()
        // trustd stopped; the person answers from the terminal.
        let other = try TrustStore(path: first.storePath, mode: .readWrite)
        try other.answerNewestOpen(item: "evening-call", answer: .kept, channel: .terminal, at: F.at("2026-11-25 19:05"))

        let second = try first.restarted(at: F.at("2026-11-25 19:10"))
        await second.start()
        #expect(second.requests.filter { $0.summary == milestone }.count == 1)
        await second.stop()
        let third = try second.restarted(at: F.at("2026-11-25 19:20"))
        await third.start()
        #expect(third.requests.allSatisfy { $0.summary != milestone })
        await third.stop()
        let celebrated = try third.store.events(after: 0, limit: 1000).filter { $0.type == .celebrated }
        #expect(celebrated.map(\.streak) == [2])
        #expect(try third.store.verify().isIntact)
    }

    /// Within one run too, the ledger (not the process) remembers: a second daemon on the same
    /// ledger does not celebrate what the first did.
    @Test func aCelebrationIsInTheLedgerAndCoveredByTheChain() async throws {
        let plan = planYAML(
            """
              - id: evening-call
                title: Call Sam
                at: "19:00"
                celebrate: [2]
            """)
        let rig = try Rig(plan: plan, at: F.at("2026-11-24 18:00"))
        await rig.start()
        await rig.set(F.at("2026-11-24 19:00"))
        await rig.act(1, "kept")
        await rig.set(F.at("2026-11-25 19:00"))
        await rig.act(2, "kept")
        await rig.stop()
        let events = try rig.store.events(after: 0, limit: 1000)
        let celebrated = try #require(events.first { $0.type == .celebrated })
        #expect(celebrated.streak == 2)
        let second = try rig.restarted(at: F.at("2026-11-25 19:30"))
        await second.start()
        #expect(second.requests.allSatisfy { !$0.summary.contains("in a row") })
        await second.stop()
        #expect(try rig.store.verify().isIntact)
    }

    /// Discreet mode keeps titles, asks and notes out of the journal too (what the daemon logs is
    /// what the journald handler writes): item ids and check-in numbers only.
    @Test func discreetModeKeepsTitlesAsksAndNotesOutOfTheLog() async throws {
        let plan = planYAML(
            extra: "discreet: true",
            """
              - id: evening-call
                title: Call Sam
                ask: Did you call Sam tonight?
                why: Sam is waiting
                at: "19:00"
                celebrate: [1]
            """)
        let rig = try Rig(plan: plan, at: F.at("2026-11-25 18:59"))
        await rig.start()
        await rig.set(F.at("2026-11-25 19:00"))
        // A reply is a note, never an answer (#10): the answer comes from the Kept button.
        rig.notifier?.simulate(.replied(NotificationID(1), text: "called from the hotel"))
        await rig.settle()
        await rig.act(1, "kept")
        _ = try rig.store.addNote(occurrence: 1, note: "Sam sounded happy", channel: .terminal)
        try await rig.ledgerWritten()
        await rig.stop()
        let log = rig.logs.text
        #expect(try rig.store.occurrence(id: 1)?.state == .kept)
        #expect(log.contains("Check-in #1 evening-call: kept"), "\(log)")
        for secret in ["Sam", "hotel", "Did you call", "waiting"] {
            #expect(!log.contains(secret), "'\(secret)' in the log:\n\(log)")
        }
    }

    /// A restart closes what the previous run left on screen and shows it again; nothing is
    /// entered or prompted twice.
    @Test func aRestartClosesLeftoversAndReissues() async throws {
        let first = try Rig(plan: callPlan, at: F.at("2026-11-25 18:00"))
        await first.start()
        await first.set(F.at("2026-11-25 19:00"))
        #expect(first.requests.count == 1)
        // No stop(): as if killed.
        let second = try first.restarted(at: F.at("2026-11-25 19:10"))
        await second.start()
        #expect(second.closed.contains(1))
        #expect(second.requests.count == 1)
        let o = try #require(try second.occurrences().first)
        #expect(try second.occurrences().count == 1)
        #expect(try second.events(o.id) == [.scheduled, .prompted, .prompted])
        await second.act(1, "skipped")  // the recording notifier numbers from 1 again
        #expect(try second.store.occurrence(id: o.id)?.state == .skipped)
        await second.stop()
        await first.stop()
    }

    @Test func aMissingPlanWaitsForOneAndTheDemoItemStillRuns() async throws {
        let rig = try Rig(plan: "", at: F.at("2026-11-25 12:00"), demoDelay: 60)
        try FileManager.default.removeItem(atPath: rig.planPath)
        await rig.start()
        #expect(rig.logs.text.contains("No plan at \(rig.planPath)"))
        #expect(rig.logs.text.contains("Run `trustctl init` to write one"))
        #expect(await rig.daemon.inspect { $0.planItems } == ["demo"])
        await rig.set(F.at("2026-11-25 12:01"))
        #expect(rig.requests.map(\.summary) == ["Demo: did this check-in reach you?"])
        try rig.writePlan(callPlan)
        rig.daemon.planFileChanged()
        #expect(await eventually { await rig.daemon.inspect { $0.planItems } == ["evening-call", "demo"] })
        await rig.stop()
    }
}

extension DaemonTests {
    /// A plan without `timezone:` follows the system's zone when it changes (travel).
    @Test func aChangedSystemTimeZoneMovesAPlanWithoutAZone() async throws {
        let plan = """
            version: 1
            commitments:
              - id: call
                title: Call
                at: "19:00"
            """
        let rig = try Rig(plan: plan, at: F.at("2026-11-25 12:00"))
        await rig.start()
        #expect(rig.clock.nextArmed == F.at("2026-11-25 19:00"))
        let tokyo = TimeZone(identifier: "Asia/Tokyo")!
        rig.systemZone.set(tokyo)
        rig.daemon.systemTimeZoneChanged()
        await rig.settle()
        #expect(rig.clock.nextArmed == F.at("2026-11-26 19:00", tokyo))
        #expect(rig.logs.text.contains("Reloaded the plan (the system time zone is now Asia/Tokyo)"))
        await rig.stop()
    }
}

extension DaemonTests {
    /// `settled` (trustd gives idle pages back there) runs once after a burst of activity, also
    /// without a plan in force; not while idle, and not after a stop.
    @Test func settledRunsOnceAfterActivityAndNeverWhileIdle() async throws {
        let calls = Mailbox<Int>()
        let rig = try Rig(plan: "", at: F.at("2026-11-25 18:59"), settled: { calls.post(1) })
        try FileManager.default.removeItem(atPath: rig.planPath)
        let idle = Duration.milliseconds(600)  // three times the rig's settleDelay
        await rig.start()
        #expect(await eventually(5) { calls.all.count == 1 })
        try await Task.sleep(for: idle)
        #expect(calls.all.count == 1)

        // Three steps in a row (queued one after another): one call after them.
        try rig.writePlan(callPlan)
        rig.daemon.reload(reason: "test")
        rig.daemon.clockChanged()
        rig.daemon.clockChanged()
        #expect(await eventually(5) { calls.all.count == 2 })
        try await Task.sleep(for: idle)
        #expect(calls.all.count == 2)

        // A step right before the stop: the stop cancels the call it armed.
        rig.daemon.clockChanged()
        await rig.stop()
        try await Task.sleep(for: idle)
        #expect(calls.all.count == 2)
    }
}

extension DaemonTests {
    /// A plan that is a symlink (a dotfiles checkout): edits of the file it points to reload it,
    /// also after the link is pointed elsewhere; the file it no longer points to is not watched.
    @Test func editsOfASymlinkedPlansTargetReloadIt() async throws {
        let rig = try Rig(plan: callPlan, at: F.at("2026-11-25 12:00"))
        let dotfiles = rig.dir + "/dotfiles"
        try FileManager.default.createDirectory(atPath: dotfiles, withIntermediateDirectories: true)
        try callPlan.write(toFile: dotfiles + "/plan.yaml", atomically: false, encoding: .utf8)
        try FileManager.default.removeItem(atPath: rig.planPath)
        try FileManager.default.createSymbolicLink(atPath: rig.planPath, withDestinationPath: "dotfiles/plan.yaml")
        let host = DaemonHost(daemon: rig.daemon, planPath: rig.planPath, ledgerPath: rig.storePath, logger: rig.logs.logger())
        host.start()
        #expect(await eventually { await rig.daemon.inspect { $0.ready } })
        func reloads() -> Int { rig.logs.lines.filter { $0.contains("Reloaded the plan (the plan file changed)") }.count }

        let twoItems = planYAML(
            """
              - id: evening-call
                title: Call Sam
                at: "19:00"
              - id: walk
                title: Walk
                at: "13:00"
            """)
        // Written in place, as an editor writing through the link does: nothing changes beside the link.
        try twoItems.write(toFile: dotfiles + "/plan.yaml", atomically: false, encoding: .utf8)
        #expect(await eventually { reloads() == 1 })
        #expect(await rig.daemon.inspect { $0.planItems } == ["evening-call", "walk"])

        // The link pointed elsewhere (as `ln -sf` does: a new link renamed over the old one).
        try callPlan.write(toFile: dotfiles + "/other.yaml", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: rig.planPath + ".new", withDestinationPath: "dotfiles/other.yaml")
        #expect(rename(rig.planPath + ".new", rig.planPath) == 0)
        #expect(await eventually { reloads() == 2 })
        #expect(await rig.daemon.inspect { $0.planItems } == ["evening-call"])
        try twoItems.write(toFile: dotfiles + "/other.yaml", atomically: false, encoding: .utf8)
        #expect(await eventually { reloads() == 3 })
        #expect(await rig.daemon.inspect { $0.planItems } == ["evening-call", "walk"])

        // The old target is no longer the plan: editing it reloads nothing.
        try callPlan.write(toFile: dotfiles + "/plan.yaml", atomically: false, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(600))
        #expect(reloads() == 3)
        await withCheckedContinuation { c in host.stop { c.resume() } }
    }
}

/// Sets CLOCK_REALTIME to its own current reading: a discontinuous set (by the microseconds
/// between the read and the set) that cancels every TFD_TIMER_CANCEL_ON_SET timer, without moving
/// the machine's time. Needs CAP_SYS_TIME: as root directly, else through `sudo -n` (CI's user
/// has it, see .ci/run); without either the test fails and says so.
func setRealtimeClockToItself() throws {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    if clock_settime(CLOCK_REALTIME, &now) == 0 { return }
    let failure = errno
    let script = """
        import ctypes
        class T(ctypes.Structure): _fields_ = [("s", ctypes.c_long), ("ns", ctypes.c_long)]
        libc = ctypes.CDLL(None, use_errno=True); t = T()
        libc.clock_gettime(0, ctypes.byref(t))
        raise SystemExit(0 if libc.clock_settime(0, ctypes.byref(t)) == 0 else ctypes.get_errno())
        """
    let sudo = Process()
    sudo.executableURL = URL(fileURLWithPath: "/usr/bin/sudo")
    sudo.arguments = ["-n", "/usr/bin/python3", "-c", script]
    if (try? sudo.run()) != nil {
        sudo.waitUntilExit()
        if sudo.terminationStatus == 0 { return }
    }
    throw HarnessError(
        "clock_settime(CLOCK_REALTIME) failed (errno \(failure)) and `sudo -n` could not do it: this test needs CAP_SYS_TIME")
}
