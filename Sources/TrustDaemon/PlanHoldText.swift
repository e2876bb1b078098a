// The daemon's words about held plan changes (`changes-take-effect`, issue 14): in the journal
// and in STATUS=.
import Foundation
import TrustCore

extension DaemonText {
    /// `; 1 weakening change held until Mon 2026-12-07 21:00 +01:00 (changes-take-effect)`, or "".
    static func holds(_ holds: PlanHolds, zone: TimeZone) -> String {
        guard let next = holds.nextChange else { return "" }
        let count = holds.holds.reduce(0) { $0 + $1.held.count } + (holds.delayTakesEffect == nil ? 0 : 1)
        return
            "; \(count) weakening plan change\(count == 1 ? "" : "s") held until \(format(next, zone)) (changes-take-effect)"
    }

    /// `exercise keeps its old terms (schedule, deadline) until …: changes-take-effect`.
    static func held(_ hold: PlanHolds.Hold, zone: TimeZone) -> String {
        let what = hold.held.map(\.aspect.rawValue).joined(separator: ", ")
        let verb = hold.adopted == nil ? "stays in the plan (its removal is held)" : "keeps its old terms (\(what))"
        return "\(hold.item) \(verb) until \(format(hold.takesEffect, zone)): the plan's changes-take-effect delays a weakening change"
    }
}
