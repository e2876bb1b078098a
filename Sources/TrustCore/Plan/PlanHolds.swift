// `changes-take-effect: 7d` (issue 14): a weakening change to an item applies only that long
// after trustd adopted it; until then the item keeps its old terms (only the weakened ones: a
// strengthening in the same edit applies at once). Computed from the plan versions in the ledger
// and the time, so a restart finds the same holds. Pure.
import Foundation

/// The items held under earlier terms at one instant.
public struct PlanHolds: Equatable, Sendable {
    public struct Hold: Equatable, Sendable {
        public var item: ItemID
        /// The terms scheduled now: the new terms with each weakened one as it was.
        public var inForce: PlanItemTerms
        /// The terms adopted, waiting (nil: the item was removed).
        public var adopted: PlanItemTerms?
        /// When the adopted terms apply.
        public var takesEffect: Date
        /// The weakening changes held back.
        public var held: [PlanChange]
    }

    /// By item, in id order.
    public var holds: [Hold]
    /// A lowered or removed `changes-take-effect` waits like any weakening: the delay still in
    /// force and when the new one applies.
    public var delayInForceSeconds: Int?
    public var delayTakesEffect: Date?

    /// Nothing held.
    public static let none = PlanHolds(versions: [], now: Date(timeIntervalSince1970: 0))

    public var isEmpty: Bool { holds.isEmpty && delayTakesEffect == nil }
    /// The next instant a hold ends (the daemon wakes then to apply the adopted terms).
    public var nextChange: Date? { (holds.map(\.takesEffect) + [delayTakesEffect].compactMap { $0 }).min() }

    public func hold(_ id: ItemID) -> Hold? { holds.first { $0.item == id } }

    /// The holds at `now`, from every plan version recorded (in order; the daemon's own adoption
    /// of the plan on disk is the last of them).
    public init(versions: [RecordedPlanVersion], now: Date) {
        var inForce: [ItemID: PlanItemTerms] = [:]
        var pending: [ItemID: (terms: PlanItemTerms?, at: Date)] = [:]
        var delay: Int?
        var pendingDelay: (seconds: Int?, at: Date)?
        func promote(upTo t: Date) {
            for (id, p) in pending where p.at <= t {
                inForce[id] = p.terms
                pending[id] = nil
            }
            if let d = pendingDelay, d.at <= t {
                delay = d.seconds
                pendingDelay = nil
            }
        }
        for v in versions {
            promote(upTo: v.recordedAt)
            let wait = delay ?? 0
            let ids = Set(inForce.keys).union(v.version.items.map(\.id)).union(pending.keys)
            for id in ids {
                let new = v.version.item(id)
                // The same adopted terms again (another item changed): the hold keeps its time.
                if let p = pending[id], p.terms == new { continue }
                if wait > 0, let old = inForce[id] {
                    let kept = Self.keepingWeakened(old, new)
                    if kept != new {
                        inForce[id] = kept
                        pending[id] = (new, v.recordedAt.addingTimeInterval(TimeInterval(wait)))
                        continue
                    }
                }
                inForce[id] = new
                pending[id] = nil
            }
            let newDelay = v.version.changesTakeEffectSeconds
            if wait > 0, (newDelay ?? 0) < wait {
                // The same lowered delay again keeps its time; another one waits afresh.
                if pendingDelay == nil || pendingDelay!.seconds != newDelay {
                    pendingDelay = (newDelay, v.recordedAt.addingTimeInterval(TimeInterval(wait)))
                }
            } else {
                delay = newDelay
                pendingDelay = nil
            }
        }
        promote(upTo: now)
        holds = pending.keys.sorted().map { id in
            let p = pending[id]!
            let old = inForce[id]!
            let held: [PlanChange] =
                if let n = p.terms {
                    PlanComparison.itemChanges(from: old, to: n).filter { $0.direction == .weakening }
                } else {
                    [PlanChange(item: id, aspect: .removed, direction: .weakening, old: old)]
                }
            return Hold(item: id, inForce: old, adopted: p.terms, takesEffect: p.at, held: held)
        }
        delayInForceSeconds = pendingDelay == nil ? nil : delay
        delayTakesEffect = pendingDelay?.at
    }

    /// `new` with every term that weakens `old` kept as in `old` (all of `old` when `new` is nil:
    /// a removed item stays until the removal applies).
    static func keepingWeakened(_ old: PlanItemTerms, _ new: PlanItemTerms?) -> PlanItemTerms {
        guard var t = new else { return old }
        for change in PlanComparison.itemChanges(from: old, to: t) where change.direction == .weakening {
            switch change.aspect {
            case .schedule:
                t.schedule = old.schedule
                t.checkInsPer52Weeks = old.checkInsPer52Weeks
            case .target: t.target = old.target
            case .deadline: t.deadlineSeconds = old.deadlineSeconds
            case .skips: t.skips = old.skips
            case .starts: t.starts = old.starts
            case .ends: t.ends = old.ends
            case .added, .removed, .kind, .title, .changesTakeEffect: break
            }
        }
        return t
    }

    /// `plan` (as read from the file) with each held item scheduled under its terms in force: a
    /// weakened item gets its old schedule, target, deadline, skips, start and end back; a removed
    /// one is put back (with the wording defaults, as only its terms are recorded).
    public func applied(to plan: Plan) -> Plan {
        guard !holds.isEmpty else { return plan }
        var out = plan
        for h in holds {
            let schedule = h.inForce.schedule.compactMap { try? CalendarSpec.parse($0) }
            if let i = out.items.firstIndex(where: { $0.id == h.item }) {
                var item = out.items[i]
                if schedule.count == h.inForce.schedule.count { item.schedule = schedule }
                item.target = h.inForce.target
                item.deadline = TimeInterval(h.inForce.deadlineSeconds)
                item.skips = h.inForce.skips
                item.starts = h.inForce.starts
                item.ends = h.inForce.ends
                out.items[i] = item
            } else if !schedule.isEmpty {
                out.items.append(
                    Item(
                        id: h.item, kind: h.inForce.kind, title: h.inForce.title, schedule: schedule,
                        target: h.inForce.target, deadline: TimeInterval(h.inForce.deadlineSeconds),
                        skips: h.inForce.skips, starts: h.inForce.starts, ends: h.inForce.ends))
            }
        }
        return out
    }
}
