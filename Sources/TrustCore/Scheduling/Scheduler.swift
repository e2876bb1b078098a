// The daemon's decisions, as a pure function: given the plan, the instant, what the ledger says
// and what this run has on screen, which steps to take now and when to wake next. No clock, no
// I/O, no bus: the runtime (Daemon) executes the steps, re-reads the ledger and asks again until
// nothing is left to do, then arms one wall-clock timer for `wake`.
import Foundation

/// A prompt this run put in front of the person and has not withdrawn.
public struct ShownPrompt: Sendable, Hashable {
    public enum Surface: Sendable, Hashable {
        /// A desktop notification (`id` nil while `Notify` is in flight).
        case notification(NotificationID?)
        /// A line on the terminal (foreground mode).
        case terminal
        /// Only the journal: no notification server.
        case journal
    }
    public var surface: Surface
    /// When it was shown.
    public var at: Date

    public init(surface: Surface, at: Date) {
        self.surface = surface
        self.at = at
    }

    /// The desktop notification id, if it is one and known.
    public var notificationID: NotificationID? {
        if case .notification(let id) = surface { return id }
        return nil
    }

    /// Whether `Notify` was sent and has not answered yet.
    public var inFlight: Bool { surface == .notification(nil) }
}

/// Why an occurrence is prompted now.
public enum PromptReason: Sendable, Hashable {
    /// Its time came (possibly deferred by quiet hours).
    case due
    /// It fell due while trustd was not running or the machine slept: a catch-up prompt.
    case late
    /// A snooze ended: shown again, in place of the earlier notification.
    case snoozeEnded
    /// It was prompted before (by an earlier run, or before the notification server went away)
    /// and is still open: shown again.
    case reissue
}

/// One step for the runtime.
public enum SchedulerAction: Sendable, Hashable {
    /// Enter an occurrence in the ledger. With `expireAtOnce`, record it `unanswered` in the same
    /// transaction: an older occurrence that fell due while trustd was not running (catch-up
    /// prompts only the newest one per item).
    case create(Creation)
    /// Show the occurrence to the person.
    case prompt(CheckInID, PromptReason)
    /// Its deadline passed unanswered: record `unanswered`, withdraw its prompt if shown.
    case expire(CheckInID)
    /// Shown by this run but no longer open (answered from the terminal, or expired): withdraw it.
    case withdraw(CheckInID)
}

/// An occurrence to enter in the ledger.
public struct Creation: Sendable, Hashable {
    public var item: ItemID
    public var kind: ItemKind
    public var scheduled: Date
    public var zone: String
    public var day: DayKey
    public var deadline: Date
    public var expireAtOnce: Bool

    public init(
        item: ItemID, kind: ItemKind, scheduled: Date, zone: String, day: DayKey, deadline: Date, expireAtOnce: Bool
    ) {
        self.item = item
        self.kind = kind
        self.scheduled = scheduled
        self.zone = zone
        self.day = day
        self.deadline = deadline
        self.expireAtOnce = expireAtOnce
    }
}

/// What the scheduler decided.
public struct SchedulerDecision: Sendable, Hashable {
    /// In order: withdrawals and expiries, then creations, then prompts.
    public var actions: [SchedulerAction]
    /// The next instant anything is due (a creation, a deferred prompt, a snooze end, a deadline);
    /// nil when nothing will ever be due.
    public var wake: Date?
    /// The next check-in a person will see (`STATUS=`): item and instant.
    public var nextCheckIn: NextCheckIn?
    /// Every plan item's cursor after the creations are committed: items seen for the first time
    /// start at `now`, items with creations move to their newest one. The runtime adopts these
    /// only once the creations are in the ledger.
    public var cursors: [ItemID: Date]
    /// Things worth a log line (catch-up enumerations that hit the cap).
    public var notes: [String]

    public init(
        actions: [SchedulerAction] = [], wake: Date? = nil, nextCheckIn: NextCheckIn? = nil,
        cursors: [ItemID: Date] = [:], notes: [String] = []
    ) {
        self.actions = actions
        self.wake = wake
        self.nextCheckIn = nextCheckIn
        self.cursors = cursors
        self.notes = notes
    }
}

public struct NextCheckIn: Sendable, Hashable {
    public var item: ItemID
    public var at: Date
    public init(item: ItemID, at: Date) {
        self.item = item
        self.at = at
    }
}

/// Each item's next occurrence after an instant, as the scheduler last found it (issue 15: the
/// calendar search for every item was most of a scheduling round, and a daemon's round mostly asks
/// again what the previous one asked). An entry answers only for the same item, word for word, in
/// the same zone and day start, after the same instant: a plan reloaded with that item changed
/// searches again. A value: the caller keeps it between calls (trustd, on its queue).
public struct NextOccurrenceMemo: Sendable {
    struct Entry: Sendable {
        var item: Item
        var zone: TimeZone
        var dayStart: TimeOfDay
        var after: Date
        var next: Date?
    }

    var entries: [ItemID: Entry] = [:]

    public init() {}

    /// `plan.nextOccurrence(of: item, after: date)`, from the memo when it has it.
    mutating func next(of item: Item, after date: Date, in plan: Plan) -> Date? {
        if let e = entries[item.id], e.after == date, e.item == item, e.zone == plan.timeZone, e.dayStart == plan.dayStart {
            return e.next
        }
        let next = plan.nextOccurrence(of: item, after: date)
        entries[item.id] = Entry(item: item, zone: plan.timeZone, dayStart: plan.dayStart, after: date, next: next)
        return next
    }

    /// Forgets the items `plan` no longer has.
    mutating func keep(only plan: Plan) {
        guard entries.count > plan.items.count else { return }
        let ids = Set(plan.items.map(\.id))
        entries = entries.filter { ids.contains($0.key) }
    }

    /// How many items it holds (tests).
    public var count: Int { entries.count }
}

/// The pure scheduling rules of trustd (see the README, "How trustd schedules").
public struct Scheduler: Sendable {
    /// A first prompt shown more than this after its due instant (quiet hours aside) is a
    /// catch-up prompt: the timer could not fire on time (suspend, trustd not running).
    public var lateTolerance: TimeInterval
    /// At most this many occurrences of one item are entered by one catch-up (the newest ones).
    public var catchUpLimit: Int
    /// Items the plan's quiet hours do not apply to (the demo check-in of `trustd --demo`).
    public var quietHoursExempt: Set<ItemID>

    public init(lateTolerance: TimeInterval = 60, catchUpLimit: Int = 10_000, quietHoursExempt: Set<ItemID> = []) {
        self.lateTolerance = lateTolerance
        self.catchUpLimit = catchUpLimit
        self.quietHoursExempt = quietHoursExempt
    }

    /// Decides what to do at `now`.
    ///
    /// - Parameters:
    ///   - plan: the plan in force.
    ///   - cursors: per item, the instant up to which its occurrences are in the ledger (its
    ///     latest scheduled occurrence, or when this run first saw the item): occurrences after
    ///     it and not after `now` are due. Items without a cursor start at `now` (no backfill);
    ///     `decision.cursors` has it for the next call.
    ///   - open: the ledger's `pending` occurrences (any item, also removed ones).
    ///   - shown: what this run has on screen, by occurrence.
    public func decide(
        now: Date, plan: Plan, cursors: [ItemID: Date], open: [CheckIn], shown: [CheckInID: ShownPrompt]
    ) -> SchedulerDecision {
        var memo = NextOccurrenceMemo()
        return decide(now: now, plan: plan, cursors: cursors, open: open, shown: shown, memo: &memo)
    }

    /// `decide`, with each item's next occurrence after its cursor kept in `memo` between calls:
    /// the same decision, without searching the calendar again for the items whose cursor has not
    /// moved (all but the one just due, in a daemon's round).
    public func decide(
        now: Date, plan: Plan, cursors: [ItemID: Date], open: [CheckIn], shown: [CheckInID: ShownPrompt],
        memo: inout NextOccurrenceMemo
    ) -> SchedulerDecision {
        var decision = SchedulerDecision()
        var wake: Date?
        func wakeAt(_ t: Date) { if wake == nil || t < wake! { wake = t } }
        var next: NextCheckIn?
        func upcoming(_ item: ItemID, _ t: Date) {
            if next == nil || t < next!.at || (t == next!.at && item < next!.item) { next = NextCheckIn(item: item, at: t) }
        }
        let exempt = quietHoursExempt
        let quiet = { (item: ItemID, t: Date) -> Date in
            exempt.contains(item) ? t : plan.quietHours?.end(containing: t, in: plan.timeZone) ?? t
        }

        var withdrawals: [SchedulerAction] = []
        var creations: [SchedulerAction] = []
        var prompts: [SchedulerAction] = []

        // Open occurrences: deadlines, first prompts, snoozes, re-issues.
        let openIDs = Set(open.map(\.id))
        for o in open {
            if now >= o.deadline {
                withdrawals.append(.expire(o.id))
                continue
            }
            wakeAt(o.deadline)
            guard let item = plan.item(o.item) else { continue }  // removed: expires, never prompted again
            let shownNow = shown[o.id]
            if shownNow?.inFlight == true { continue }
            let base: Date
            let reason: PromptReason
            if let until = o.snoozedUntil {
                base = until
                reason = .snoozeEnded
            } else if shownNow != nil {
                continue  // on screen
            } else if o.promptCount > 0 {
                base = o.promptedAt ?? o.scheduled
                reason = .reissue
            } else {
                base = o.scheduled
                reason = now.timeIntervalSince(quiet(o.item, o.scheduled)) > lateTolerance ? .late : .due
            }
            let at = quiet(o.item, max(base, now))
            if at <= now {
                prompts.append(.prompt(o.id, reason))
            } else {
                wakeAt(at)
                upcoming(item.id, at)
            }
        }
        for (id, _) in shown where !openIDs.contains(id) {
            withdrawals.append(.withdraw(id))
        }
        withdrawals.sort { Self.order($0) < Self.order($1) }

        // New occurrences, per item.
        for item in plan.items {
            let showable = { (t: Date) -> Date in quiet(item.id, t) }
            let cursor = cursors[item.id] ?? now
            var due: [Date] = []
            var dropped = 0
            var t = cursor
            var following = memo.next(of: item, after: t, in: plan)
            while let n = following, n <= now {
                due.append(n)
                if due.count > 2 * catchUpLimit {
                    dropped += due.count - catchUpLimit
                    due.removeFirst(due.count - catchUpLimit)
                }
                t = n
                following = memo.next(of: item, after: t, in: plan)
            }
            if due.count > catchUpLimit {
                dropped += due.count - catchUpLimit
                due.removeFirst(due.count - catchUpLimit)
            }
            if dropped > 0 {
                decision.notes.append(
                    "\(item.id): \(dropped + due.count) check-ins fell due while trustd was not running; "
                        + "the oldest \(dropped) are not entered in the ledger (the limit is \(catchUpLimit))")
            }
            if let newest = due.last {
                for s in due.dropLast() {
                    creations.append(
                        .create(
                            Creation(
                                item: item.id, kind: item.kind, scheduled: s, zone: plan.timeZone.identifier,
                                day: plan.day(of: s), deadline: s.addingTimeInterval(item.deadline), expireAtOnce: true)))
                }
                // The deadline counts from when the person can first see the prompt: the end of quiet
                // hours, or now for a late (catch-up) prompt.
                let late = now.timeIntervalSince(showable(newest)) > lateTolerance
                let shownFrom = showable(late ? now : newest)
                creations.append(
                    .create(
                        Creation(
                            item: item.id, kind: item.kind, scheduled: newest, zone: plan.timeZone.identifier,
                            day: plan.day(of: newest), deadline: shownFrom.addingTimeInterval(item.deadline),
                            expireAtOnce: false)))
            }
            decision.cursors[item.id] = due.last ?? cursor
            // The first occurrence after max(t, now): `following`, the first after t, is later than
            // now (or there is none), so none lies between t and now.
            if let n = following {
                wakeAt(n)
                upcoming(item.id, showable(n))
            }
        }

        decision.actions = withdrawals + creations + prompts
        decision.wake = wake
        decision.nextCheckIn = next
        memo.keep(only: plan)
        return decision
    }

    /// The items whose cursor is more than `tolerance` after `now`: the clock was set back (a
    /// cursor only ever moves to an instant that had come). Their check-ins entered for instants
    /// that have not come again are withdrawn (voided) and the cursor returns (see
    /// `Daemon.clockWentBack`). A step back within `tolerance` (an NTP slew's worth) voids nothing.
    public static func itemsAhead(of now: Date, cursors: [ItemID: Date], tolerance: TimeInterval = 0) -> [ItemID] {
        cursors.filter { $0.value.timeIntervalSince(now) > tolerance }.map(\.key).sorted()
    }

    private static func order(_ a: SchedulerAction) -> Int64 {
        switch a {
        case .expire(let id), .withdraw(let id), .prompt(let id, _): id
        case .create: 0
        }
    }
}
