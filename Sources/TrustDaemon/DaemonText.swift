// Owns the daemon's words: the terminal prompt, instants as people read them, the status line,
// the plan's change summary and rejection notice, the demo check-in, log metadata. Pure functions.
import Foundation
import Logging
import TrustCore
import TrustDesktop

enum DaemonText {
    /// `Wed 2026-11-25 19:00 +01:00`: the wall clock in `zone` and its offset from UTC. Integer
    /// math over the core's `LocalTime` (no DateFormatter: ICU's formatting and locale data would
    /// stay resident in an otherwise idle daemon).
    static func format(_ date: Date, _ zone: TimeZone) -> String {
        let local = LocalTime(date, in: zone)
        let minute = TimeOfDay(hour: local.timeOfDay.hour, minute: local.timeOfDay.minute)
        return "\(local.day.weekdayAbbreviation) \(local.day) \(minute) \(local.utcOffsetText)"
    }

    static func meta(_ item: ItemID?, _ occurrence: CheckInID?) -> Logger.Metadata {
        var m: Logger.Metadata = [:]
        if let item { m["item"] = "\(item)" }
        if let occurrence { m["occurrence"] = "\(occurrence)" }
        return m
    }

    static func terminalPrompt(_ o: CheckIn, item: Item, plan: Plan, late: Bool) -> String {
        var lines: [String] = []
        let when = format(o.scheduled, plan.timeZone)
        lines.append("▶ Check-in #\(o.id) · \(item.id) · \(when)\(late ? " (while trustd was not running)" : "")")
        lines.append("  \(plan.discreet ? "A check-in is waiting for your answer." : DisplayText.terminal(item.ask))")
        if !plan.discreet, let why = item.why { lines.append("  \(DisplayText.terminal(why))") }
        let labels = PromptAction.allCases.map { a -> String in
            let key = a == .snooze ? "z" : String(a.key.prefix(1))
            return "\(key) = \(a.label(for: item.kind, discreet: plan.discreet, snooze: item.snooze).lowercased())"
        }
        lines.append("  Answer: " + labels.joined(separator: ", ") + "   (e.g. `k`, `\(o.id) m a note`)")
        return lines.joined(separator: "\n")
    }

    /// `STATUS=`: the next check-in, and why the plan on disk is not in force, if it is not.
    static func status(_ next: NextCheckIn?, plan: Plan, problem: String?) -> String {
        let line: String
        if let next {
            line = "Next check-in: \(next.item) at \(format(next.at, plan.timeZone))"
        } else {
            line = plan.items.isEmpty ? "No check-ins in the plan" : "No check-ins ahead"
        }
        return line + (problem.map { "; \($0)" } ?? "")
    }

    static func describeChanges(from old: Plan?, to new: Plan) -> String {
        let before = Set(old?.items.map(\.id) ?? [])
        let after = Set(new.items.map(\.id))
        var parts = ["\(new.items.count) item\(new.items.count == 1 ? "" : "s")"]
        let added = after.subtracting(before).sorted()
        let removed = before.subtracting(after).sorted()
        if !added.isEmpty { parts.append("added " + added.map(\.rawValue).joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("removed " + removed.map(\.rawValue).joined(separator: ", ") + " (history kept)") }
        return parts.joined(separator: "; ")
    }

    /// The words of a rejected plan: "an error"/"N errors", what stays in force, and the notice.
    static func planRejected(_ headlines: [String], initial: Bool) -> (count: String, kept: String, summary: String, body: String) {
        let kept = initial ? "no check-ins are scheduled until it is fixed" : "the previous plan stays in force"
        let count = headlines.count == 1 ? "an error" : "\(headlines.count) errors"
        let body =
            headlines.prefix(3).joined(separator: "\n")
            + (headlines.count > 3 ? "\n… and \(headlines.count - 3) more: run trustctl check" : "\nRun trustctl check for details.")
        return (count, kept, "trustd: the plan has \(count); \(kept)", body)
    }

    /// How an answer changed the check-in, for the log.
    static func outcome(_ result: AnswerResult) -> String {
        switch result.outcome {
        case .answered: result.wasLate ? "answered late" : "answered"
        case .corrected(let previous): "corrected from \(previous.rawValue)"
        case .noted: "noted"
        case .unchanged: "unchanged"
        }
    }

    /// The demo check-in of `trustd --demo`: once, at `instant`.
    static func demoItem(at instant: Date) -> Item {
        let local = LocalTime(Date(timeIntervalSince1970: instant.timeIntervalSince1970.rounded(.up)), in: TimeZone(identifier: "UTC")!)
        let spec = (try? CalendarSpec.parse("\(local.day) \(local.timeOfDay) UTC"))!
        return Item(
            id: "demo", kind: .commitment, title: "trustd demo check-in",
            why: "Added by trustd --demo to show what a check-in looks like; it is not in your plan.",
            ask: "Demo: did this check-in reach you?", schedule: [spec], deadline: 600, snooze: 60)
    }
}
