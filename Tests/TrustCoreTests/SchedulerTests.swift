import Foundation
import Testing
import TrustCore
import TrustTestSupport

private typealias F = Fixture
private let h: TimeInterval = 3600

@Suite struct SchedulerTests {
    let scheduler = Scheduler()

    // MARK: The clock set back

    /// A cursor more than the tolerance after now means the clock went back (cursors only move to
    /// instants that had come): minutes, hours, days; a second within the tolerance is not.
    @Test(arguments: [
        (-1.0, false), (0, false), (59, false), (61, true), (20 * 60, true), (5 * h, true), (3 * 24 * h, true),
    ] as [(TimeInterval, Bool)])
    func aCursorAfterNowMeansTheClockWentBack(ahead: TimeInterval, wentBack: Bool) {
        let now = F.at("2026-11-25 18:59")
        let cursors: [ItemID: Date] = ["call": now.addingTimeInterval(ahead), "walk": now.addingTimeInterval(-h)]
        #expect(Scheduler.itemsAhead(of: now, cursors: cursors, tolerance: 60) == (wentBack ? ["call"] : []))
    }

    // MARK: New occurrences

    @Test func anItemSeenForTheFirstTimeStartsNowWithoutBackfill() {
        let plan = F.plan([F.item("call", "19:00")])
        let now = F.at("2026-11-25 20:00")
        let d = scheduler.decide(now: now, plan: plan, cursors: [:], open: [], shown: [:])
        #expect(d.actions.isEmpty)
        #expect(d.cursors == ["call": now])
        #expect(d.wake == F.at("2026-11-26 19:00"))
        #expect(d.nextCheckIn == NextCheckIn(item: "call", at: F.at("2026-11-26 19:00")))
    }

    @Test func anOccurrenceIsEnteredAtItsTimeWithItsDeadline() {
        let plan = F.plan([F.item("call", "19:00", deadline: 2 * h)])
        let due = F.at("2026-11-25 19:00")
        let d = scheduler.decide(
            now: due.plus(0.002), plan: plan, cursors: ["call": F.at("2026-11-24 19:00")], open: [], shown: [:])
        #expect(d.actions == [F.creation("call", due, deadline: due.plus(2 * h))])
        #expect(d.cursors == ["call": due])
        #expect(d.wake == F.at("2026-11-26 19:00"))
    }

    @Test func nothingIsDueOneSecondEarly() {
        let plan = F.plan([F.item("call", "19:00")])
        let d = scheduler.decide(
            now: F.at("2026-11-25 18:59:59"), plan: plan, cursors: ["call": F.at("2026-11-24 19:00")], open: [],
            shown: [:])
        #expect(d.actions.isEmpty)
        #expect(d.wake == F.at("2026-11-25 19:00"))
    }

    /// Persistent=true: after downtime every missed occurrence is entered, the older ones
    /// unanswered at once, the newest one prompted with a deadline counted from now.
    @Test func catchUpAfterDowntimeEntersAllAndPromptsOnlyTheNewest() {
        let plan = F.plan([F.item("call", "19:00", deadline: 3 * h), F.item("walk", "Sun 10:00")])
        let now = F.at("2026-11-25 20:30")  // a Wednesday
        let d = scheduler.decide(
            now: now, plan: plan,
            cursors: ["call": F.at("2026-11-22 19:00"), "walk": F.at("2026-11-22 10:00")], open: [], shown: [:])
        #expect(
            d.actions == [
                F.creation("call", F.at("2026-11-23 19:00"), deadline: F.at("2026-11-23 22:00"), expired: true),
                F.creation("call", F.at("2026-11-24 19:00"), deadline: F.at("2026-11-24 22:00"), expired: true),
                F.creation("call", F.at("2026-11-25 19:00"), deadline: now.plus(3 * h)),
            ])
        #expect(d.cursors == ["call": F.at("2026-11-25 19:00"), "walk": F.at("2026-11-22 10:00")])
        #expect(d.wake == F.at("2026-11-26 19:00"))
    }

    @Test func catchUpIsCappedAndSaysSo() {
        let plan = F.plan([F.item("minute", "*:*")])
        let now = F.at("2026-11-25 12:00")
        let d = Scheduler(catchUpLimit: 100).decide(
            now: now, plan: plan, cursors: ["minute": now.plus(-6 * h)], open: [], shown: [:])
        #expect(d.actions.count == 100)
        #expect(d.actions.last == F.creation("minute", now, deadline: now.plus(3 * h)))
        #expect(d.actions.first == F.creation("minute", now.plus(-99 * 60), deadline: now.plus(-99 * 60 + 3 * h), expired: true))
        #expect(d.notes == ["minute: 360 check-ins fell due while trustd was not running; the oldest 260 are not entered in the ledger (the limit is 100)"])
    }

    @Test func aBackwardClockJumpCreatesNothingTwice() {
        let plan = F.plan([F.item("call", "19:00")])
        let created = F.at("2026-11-25 19:00")
        // The clock went back to 18:00 after 19:00 was entered.
        let d = scheduler.decide(now: F.at("2026-11-25 18:00"), plan: plan, cursors: ["call": created], open: [], shown: [:])
        #expect(d.actions.isEmpty)
        #expect(d.cursors == ["call": created])
        #expect(d.wake == F.at("2026-11-26 19:00"))
    }

    @Test func aForwardClockJumpIsACatchUp() {
        let plan = F.plan([F.item("call", "19:00", deadline: h)])
        let now = F.at("2026-11-28 08:00")
        let d = scheduler.decide(now: now, plan: plan, cursors: ["call": F.at("2026-11-25 19:00")], open: [], shown: [:])
        #expect(
            d.actions == [
                F.creation("call", F.at("2026-11-26 19:00"), deadline: F.at("2026-11-26 20:00"), expired: true),
                F.creation("call", F.at("2026-11-27 19:00"), deadline: now.plus(h)),
            ])
        #expect(d.wake == F.at("2026-11-28 19:00"))
    }

    @Test func startsAndEndsBoundTheDays() {
        let plan = F.plan([
            F.item("trip", "19:00", starts: DayKey(year: 2026, month: 11, day: 27), ends: DayKey(year: 2026, month: 11, day: 28))
        ])
        var d = scheduler.decide(
            now: F.at("2026-11-25 20:00"), plan: plan, cursors: ["trip": F.at("2026-11-25 20:00")], open: [], shown: [:])
        #expect(d.wake == F.at("2026-11-27 19:00"))
        d = scheduler.decide(
            now: F.at("2026-11-28 19:00"), plan: plan, cursors: ["trip": F.at("2026-11-27 19:00")], open: [], shown: [:])
        #expect(d.actions == [F.creation("trip", F.at("2026-11-28 19:00"), deadline: F.at("2026-11-28 22:00"))])
        #expect(d.wake == nil)
        #expect(d.nextCheckIn == nil)
    }

    // MARK: Quiet hours

    /// Due inside quiet hours: entered at its time, shown when the window ends, deadline from then.
    @Test func quietHoursDeferThePromptAndTheDeadline() {
        let plan = F.plan([F.item("late", "23:00", deadline: 2 * h)], quiet: "22:30-07:30")
        let due = F.at("2026-11-25 23:00")
        let end = F.at("2026-11-26 07:30")
        var d = scheduler.decide(now: due, plan: plan, cursors: ["late": due.plus(-86400)], open: [], shown: [:])
        #expect(d.actions == [F.creation("late", due, deadline: end.plus(2 * h))])

        let o = F.open(1, "late", scheduled: due, deadline: end.plus(2 * h))
        d = scheduler.decide(now: due, plan: plan, cursors: ["late": due], open: [o], shown: [:])
        #expect(d.actions.isEmpty)
        #expect(d.wake == end)
        #expect(d.nextCheckIn == NextCheckIn(item: "late", at: end))

        d = scheduler.decide(now: end, plan: plan, cursors: ["late": due], open: [o], shown: [:])
        #expect(d.actions == [.prompt(1, .due)])  // deferred, not late
    }

    @Test func anExemptItemIgnoresQuietHours() {
        let plan = F.plan([F.item("demo", "23:00", deadline: 600)], quiet: "22:30-07:30")
        let due = F.at("2026-11-25 23:00")
        let scheduler = Scheduler(quietHoursExempt: ["demo"])
        var d = scheduler.decide(now: due, plan: plan, cursors: ["demo": due.plus(-60)], open: [], shown: [:])
        #expect(d.actions == [F.creation("demo", due, deadline: due.plus(600))])
        d = scheduler.decide(now: due, plan: plan, cursors: ["demo": due], open: [F.open(1, "demo", scheduled: due, deadline: due.plus(600))], shown: [:])
        #expect(d.actions == [.prompt(1, .due)])
    }

    @Test(arguments: [
        // (quiet window, now, prompt now?, wake)
        ("22:30-07:30", "2026-11-25 22:29:59", true, nil as String?),
        ("22:30-07:30", "2026-11-25 22:30", false, "2026-11-26 07:30"),
        ("22:30-07:30", "2026-11-26 03:00", false, "2026-11-26 07:30"),
        ("22:30-07:30", "2026-11-26 07:30", true, nil),
        ("13:00-14:00", "2026-11-25 13:59:59", false, "2026-11-25 14:00"),
        ("13:00-14:00", "2026-11-25 22:00", true, nil),
    ])
    func aDueOccurrenceIsShownOnlyOutsideQuietHours(window: String, now: String, prompts: Bool, wake: String?) {
        let plan = F.plan([F.item("x", "12:00", deadline: 48 * h)], quiet: window)
        let o = F.open(7, "x", scheduled: F.at("2026-11-25 12:00").plus(-60), deadline: F.at("2026-11-27 12:00"))
        let d = scheduler.decide(now: F.at(now), plan: plan, cursors: ["x": F.at("2026-11-25 12:00")], open: [o], shown: [:])
        #expect(d.actions.contains { if case .prompt(7, _) = $0 { true } else { false } } == prompts)
        if let wake { #expect(d.wake == F.at(wake)) }
    }

    // MARK: Prompts, snoozes, deadlines

    @Test func aDueOccurrenceIsPromptedOnceThenLeftOnScreen() {
        let plan = F.plan([F.item("call", "19:00")])
        let due = F.at("2026-11-25 19:00")
        let o = F.open(3, "call", scheduled: due, deadline: due.plus(3 * h))
        var d = scheduler.decide(now: due, plan: plan, cursors: ["call": due], open: [o], shown: [:])
        #expect(d.actions == [.prompt(3, .due)])
        // In flight: not again.
        d = scheduler.decide(now: due, plan: plan, cursors: ["call": due], open: [o], shown: [3: ShownPrompt(surface: .notification(nil), at: due)])
        #expect(d.actions.isEmpty)
        var shown = o
        shown.promptCount = 1
        shown.promptedAt = due
        shown.notificationID = 42
        d = scheduler.decide(now: due.plus(60), plan: plan, cursors: ["call": due], open: [shown], shown: [3: ShownPrompt(surface: .notification(42), at: due)])
        #expect(d.actions.isEmpty)
        #expect(d.wake == due.plus(3 * h))
    }

    @Test func aLateFirstPromptIsACatchUp() {
        let plan = F.plan([F.item("call", "19:00")])
        let due = F.at("2026-11-25 19:00")
        let o = F.open(3, "call", scheduled: due, deadline: due.plus(3 * h))
        #expect(scheduler.decide(now: due.plus(60), plan: plan, cursors: ["call": due], open: [o], shown: [:]).actions == [.prompt(3, .due)])
        #expect(scheduler.decide(now: due.plus(61), plan: plan, cursors: ["call": due], open: [o], shown: [:]).actions == [.prompt(3, .late)])
    }

    @Test func theDeadlineExpiresAndWithdraws() {
        let plan = F.plan([F.item("call", "19:00")])
        let due = F.at("2026-11-25 19:00")
        let o = F.open(3, "call", scheduled: due, deadline: due.plus(3 * h), promptCount: 1, promptedAt: due, notification: 9)
        let shown = [Int64(3): ShownPrompt(surface: .notification(9), at: due)]
        var d = scheduler.decide(now: due.plus(3 * h - 1), plan: plan, cursors: ["call": due], open: [o], shown: shown)
        #expect(d.actions.isEmpty)
        #expect(d.wake == due.plus(3 * h))
        d = scheduler.decide(now: due.plus(3 * h), plan: plan, cursors: ["call": due], open: [o], shown: shown)
        #expect(d.actions == [.expire(3)])
    }

    @Test func aSnoozeShowsAgainWhenItEndsOutsideQuietHours() {
        let plan = F.plan([F.item("call", "19:00")], quiet: "22:30-07:30")
        let due = F.at("2026-11-25 19:00")
        var o = F.open(3, "call", scheduled: due, deadline: due.plus(12 * h), promptCount: 1, promptedAt: due, notification: 9, snoozedUntil: due.plus(900))
        let shown = [Int64(3): ShownPrompt(surface: .notification(9), at: due)]
        var d = scheduler.decide(now: due.plus(60), plan: plan, cursors: ["call": due], open: [o], shown: shown)
        #expect(d.actions.isEmpty)
        #expect(d.wake == due.plus(900))
        #expect(d.nextCheckIn == NextCheckIn(item: "call", at: due.plus(900)))
        d = scheduler.decide(now: due.plus(900), plan: plan, cursors: ["call": due], open: [o], shown: shown)
        #expect(d.actions == [.prompt(3, .snoozeEnded)])
        // Snoozed into quiet hours: shown when they end.
        o.snoozedUntil = F.at("2026-11-25 22:40")
        d = scheduler.decide(now: F.at("2026-11-25 22:40"), plan: plan, cursors: ["call": due], open: [o], shown: shown)
        #expect(d.actions.isEmpty)
        #expect(d.wake == F.at("2026-11-26 07:00"))  // the deadline (19:00 + 12 h) comes first
        o.deadline = F.at("2026-11-26 12:00")
        d = scheduler.decide(now: F.at("2026-11-25 22:40"), plan: plan, cursors: ["call": due], open: [o], shown: shown)
        #expect(d.wake == F.at("2026-11-26 07:30"))
    }

    /// After a restart nothing is on screen: prompted occurrences are shown again (the runtime
    /// first closes the notification the previous run left).
    @Test func aRestartReissuesWhatWasPrompted() {
        let plan = F.plan([F.item("call", "19:00")])
        let due = F.at("2026-11-25 19:00")
        let o = F.open(3, "call", scheduled: due, deadline: due.plus(3 * h), promptCount: 1, promptedAt: due, notification: 9)
        let d = scheduler.decide(now: due.plus(600), plan: plan, cursors: ["call": due], open: [o], shown: [:])
        #expect(d.actions == [.prompt(3, .reissue)])
    }

    @Test func aRemovedItemIsNotPromptedAndExpiresAtItsDeadline() {
        let plan = F.plan([F.item("other", "08:00")])
        let due = F.at("2026-11-25 19:00")
        let o = F.open(3, "gone", scheduled: due, deadline: due.plus(3 * h))
        var d = scheduler.decide(now: due.plus(1), plan: plan, cursors: ["other": due], open: [o], shown: [:])
        #expect(d.actions.isEmpty)
        #expect(d.wake == due.plus(3 * h))
        d = scheduler.decide(now: due.plus(3 * h), plan: plan, cursors: ["other": due], open: [o], shown: [:])
        #expect(d.actions == [.expire(3)])
    }

    @Test func aPromptAnsweredElsewhereIsWithdrawn() {
        let plan = F.plan([F.item("call", "19:00")])
        let due = F.at("2026-11-25 19:00")
        let d = scheduler.decide(
            now: due.plus(60), plan: plan, cursors: ["call": due], open: [],
            shown: [5: ShownPrompt(surface: .notification(77), at: due), 6: ShownPrompt(surface: .terminal, at: due)])
        #expect(d.actions == [.withdraw(5), .withdraw(6)])
    }

    // MARK: DST (Europe/Berlin: 2026-03-29 02:00 → 03:00, 2026-10-25 03:00 → 02:00)

    @Test func aLocalTimeSkippedBySpringForwardIsSkipped() {
        let plan = F.plan([F.item("night", "02:30", deadline: h)])
        let now = F.at("2026-03-30 02:30")
        let d = scheduler.decide(now: now, plan: plan, cursors: ["night": F.at("2026-03-28 02:30")], open: [], shown: [:])
        #expect(d.actions == [F.creation("night", now, deadline: now.plus(h))])
    }

    @Test func aLocalTimeRepeatedByFallBackFiresOnce() {
        let plan = F.plan([F.item("night", "02:30", deadline: h)])
        let first = Date(timeIntervalSince1970: 1_792_888_200)  // 2026-10-25 02:30 CEST (00:30 UTC)
        #expect(F.at("2026-10-25 02:30") == first || F.at("2026-10-25 02:30") == first.plus(h))
        var d = scheduler.decide(now: first, plan: plan, cursors: ["night": F.at("2026-10-24 02:30")], open: [], shown: [:])
        #expect(d.actions == [F.creation("night", first, deadline: first.plus(h))])
        // An hour later the wall clock reads 02:30 again (CET): nothing new.
        d = scheduler.decide(now: first.plus(h), plan: plan, cursors: ["night": first], open: [], shown: [:])
        #expect(d.actions.isEmpty)
        #expect(d.wake == F.at("2026-10-26 02:30"))
        #expect(F.at("2026-10-26 02:30").timeIntervalSince(first) == 25 * h)
    }

    @Test func nextCheckInIsTheEarliestAcrossItems() {
        let plan = F.plan([F.item("b", "20:00"), F.item("a", "19:00"), F.item("c", "19:00")])
        let now = F.at("2026-11-25 12:00")
        let d = scheduler.decide(now: now, plan: plan, cursors: [:], open: [], shown: [:])
        #expect(d.nextCheckIn == NextCheckIn(item: "a", at: F.at("2026-11-25 19:00")))
        #expect(d.wake == F.at("2026-11-25 19:00"))
    }
}
