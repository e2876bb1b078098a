// What changed between two recorded plans, each change classified (issue 14): a weakening asks
// less of the person (fewer check-ins, a lower target, more skips, a longer deadline, an item
// removed or ended earlier), a strengthening asks more, a neutral change only rewords. Pure.
import Foundation

/// The direction of one change.
public enum PlanChangeDirection: String, Codable, Hashable, Sendable, CaseIterable {
    case weakening
    case strengthening
    case neutral
}

/// One change between two plan versions.
public struct PlanChange: Codable, Equatable, Hashable, Sendable {
    public enum Aspect: String, Codable, Hashable, Sendable, CaseIterable {
        case added, removed, kind, title, schedule, target, deadline, skips, starts, ends
        /// The plan's `changes-take-effect` (no item).
        case changesTakeEffect = "changes-take-effect"
    }

    /// Nil for a change to the plan as a whole (`changes-take-effect`).
    public var item: ItemID?
    public var aspect: Aspect
    public var direction: PlanChangeDirection
    /// The item's terms before and after (nil when it was added or removed).
    public var old: PlanItemTerms?
    public var new: PlanItemTerms?
    /// `changes-take-effect` before and after, in seconds (nil: not set).
    public var oldDelaySeconds: Int?
    public var newDelaySeconds: Int?

    public init(
        item: ItemID?, aspect: Aspect, direction: PlanChangeDirection, old: PlanItemTerms? = nil,
        new: PlanItemTerms? = nil, oldDelaySeconds: Int? = nil, newDelaySeconds: Int? = nil
    ) {
        self.item = item
        self.aspect = aspect
        self.direction = direction
        self.old = old
        self.new = new
        self.oldDelaySeconds = oldDelaySeconds
        self.newDelaySeconds = newDelaySeconds
    }
}

/// A recorded plan version with what changed from the one before it.
public struct PlanRevision: Equatable, Hashable, Sendable {
    public var recorded: RecordedPlanVersion
    /// Empty for the first plan ever recorded (`isFirst`).
    public var changes: [PlanChange]
    public var isFirst: Bool

    public init(recorded: RecordedPlanVersion, changes: [PlanChange], isFirst: Bool) {
        self.recorded = recorded
        self.changes = changes
        self.isFirst = isFirst
    }

    public var weakenings: [PlanChange] { changes.filter { $0.direction == .weakening } }
    public var strengthenings: [PlanChange] { changes.filter { $0.direction == .strengthening } }
}

public enum PlanComparison {
    /// Every change from `old` to `new`, items in id order, each item's aspects in the order of
    /// `PlanChange.Aspect`, the plan's own `changes-take-effect` last.
    public static func changes(from old: PlanVersion, to new: PlanVersion) -> [PlanChange] {
        var out: [PlanChange] = []
        let ids = Set(old.items.map(\.id)).union(new.items.map(\.id)).sorted()
        for id in ids {
            switch (old.item(id), new.item(id)) {
            case (nil, let n?): out.append(PlanChange(item: id, aspect: .added, direction: .strengthening, new: n))
            case (let o?, nil): out.append(PlanChange(item: id, aspect: .removed, direction: .weakening, old: o))
            case (let o?, let n?): out += itemChanges(from: o, to: n)
            case (nil, nil): break
            }
        }
        if old.changesTakeEffectSeconds != new.changesTakeEffectSeconds {
            let direction = compare(old.changesTakeEffectSeconds ?? 0, new.changesTakeEffectSeconds ?? 0, lessIsWeaker: true)
            out.append(
                PlanChange(
                    item: nil, aspect: .changesTakeEffect, direction: direction,
                    oldDelaySeconds: old.changesTakeEffectSeconds, newDelaySeconds: new.changesTakeEffectSeconds))
        }
        return out
    }

    /// The changes of one item whose terms went from `o` to `n`.
    public static func itemChanges(from o: PlanItemTerms, to n: PlanItemTerms) -> [PlanChange] {
        var out: [PlanChange] = []
        func add(_ aspect: PlanChange.Aspect, _ direction: PlanChangeDirection) {
            out.append(PlanChange(item: o.id, aspect: aspect, direction: direction, old: o, new: n))
        }
        if o.kind != n.kind { add(.kind, .neutral) }
        if o.title != n.title { add(.title, .neutral) }
        if o.schedule != n.schedule || o.checkInsPer52Weeks != n.checkInsPer52Weeks {
            add(.schedule, compare(o.checkInsPer52Weeks, n.checkInsPer52Weeks, lessIsWeaker: true))
        }
        if o.target != n.target {
            add(.target, compare(o.target?.perDay ?? 0, n.target?.perDay ?? 0, lessIsWeaker: true))
        }
        if o.deadlineSeconds != n.deadlineSeconds {
            add(.deadline, compare(o.deadlineSeconds, n.deadlineSeconds, lessIsWeaker: false))
        }
        if o.skips != n.skips { add(.skips, compare(o.skips.perDay, n.skips.perDay, lessIsWeaker: false)) }
        if o.starts != n.starts {
            // No start is the earliest start.
            add(.starts, compare(o.starts?.daysSinceEpoch ?? .min, n.starts?.daysSinceEpoch ?? .min, lessIsWeaker: false))
        }
        if o.ends != n.ends {
            // No end is the latest end.
            add(.ends, compare(o.ends?.daysSinceEpoch ?? .max, n.ends?.daysSinceEpoch ?? .max, lessIsWeaker: true))
        }
        return out
    }

    /// Each of `versions` (in the order recorded) with its changes from the one before it;
    /// `previous` is the version recorded just before the first of them (nil: the first is the
    /// first ever). What `history`, `review`, the HTML report and the weekly digest show.
    public static func revisions(_ versions: [RecordedPlanVersion], previous: RecordedPlanVersion?) -> [PlanRevision] {
        var before = previous
        return versions.map { v in
            defer { before = v }
            guard let b = before else { return PlanRevision(recorded: v, changes: [], isFirst: true) }
            return PlanRevision(recorded: v, changes: changes(from: b.version, to: v.version), isFirst: false)
        }
    }

    /// `new` compared with `old` on a scale where more asks more of the person, unless
    /// `lessIsWeaker` is false (a longer deadline or a bigger skip budget asks less).
    static func compare<T: Comparable>(_ old: T, _ new: T, lessIsWeaker: Bool) -> PlanChangeDirection {
        if old == new { return .neutral }
        return (new < old) == lessIsWeaker ? .weakening : .strengthening
    }
}
