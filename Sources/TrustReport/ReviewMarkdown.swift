// `trustctl review`: the agenda for the weekly honest conversation, as Markdown.
import Foundation
import TrustCore

public enum ReviewMarkdown {
    public static func render(_ review: WeekReview, meta: ReportMeta) -> String {
        var md = ""
        func line(_ s: String = "") { md += s + "\n" }
        line("# Weekly check-in: \(Format.range(review.start, review.end))")
        line()
        if review.isComplete {
            line("_From the ledger on \(Format.long(review.today)). The week is over._")
        } else {
            line("_From the ledger on \(Format.long(review.today)); the week is not over yet._")
        }
        line()
        let t = review.tally
        if review.items.isEmpty {
            line("Nothing was asked this week.")
            return md
        }
        var summary = "**\(t.kept) of \(t.asked) check-ins kept"
        if let rate = t.rate { summary += " (\(Format.percent(rate))%)" }
        summary += "**, \(plural(review.items.count, "promise"))"
        let slips = review.items.reduce(0) { $0 + $1.slips.count }
        summary += " · \(plural(slips, "slip")) · \(plural(t.skipped, "skip"))"
        if t.pending > 0 { summary += " · \(t.pending) awaiting an answer" }
        line(summary)

        // Kept.
        line()
        line("## What was kept")
        line()
        for w in review.items { line("- " + keptLine(w, complete: review.isComplete)) }

        // Slipped.
        line()
        line("## What slipped")
        line()
        let allSlips = review.items.flatMap { w in w.slips.map { (w, $0) } }
        if allSlips.isEmpty {
            line("Nothing slipped this week.")
        } else {
            for (w, e) in allSlips {
                let what = e.state == .unanswered ? "no answer" : (w.stats.item.kind == .boundary ? "slipped" : "missed")
                line(entry(w, e, what))
            }
        }

        // Skips.
        let allSkips = review.items.flatMap { w in w.skips.map { (w, $0) } }
        if !allSkips.isEmpty {
            line()
            line("## Skips used")
            line()
            for (w, e) in allSkips {
                let budget = "\(w.stats.item.skips.count) a \(w.stats.item.skips.period.rawValue)"  // "2 a month"
                line(entry(w, e, e.forgiven == true ? "within the budget of \(budget)" : "beyond the budget of \(budget) (it broke the streak)"))
            }
        }

        // Milestones.
        let milestones = review.items.flatMap { w in w.milestones.map { (w, $0) } }
        if !milestones.isEmpty {
            line()
            line("## Milestones")
            line()
            for (w, m) in milestones {
                let what = w.stats.item.kind == .boundary ? "held for" : "kept for"
                line(
                    "- **\(escape(w.stats.item.title))** \(what) \(Format.count(m.count, w.stats.unit)) in a row"
                        + " (\(Format.weekdayShort(m.day)))")
            }
        }

        // Other notes.
        let otherNotes = review.items.flatMap { w in
            w.notes.filter { $0.state != .missed && $0.state != .unanswered && $0.state != .skipped }.map { (w, $0) }
        }
        if !otherNotes.isEmpty {
            line()
            line("## Notes")
            line()
            for (w, e) in otherNotes {
                line(
                    "- **\(escape(w.stats.item.title))**, \(Format.weekdayShort(e.day)) (\(e.state.rawValue)):"
                        + " “\(escape(e.note ?? ""))”")
            }
        }

        let planChanges = PlanChangesText.inRange(meta.planChanges, from: review.start, to: review.end, zone: meta.timeZone)
        if let section = PlanChangesText.markdown(planChanges, zone: meta.timeZone) {
            line()
            md += section
        }

        line()
        line("## To talk about")
        line()
        line("- What helped keep the promises this week?")
        if !allSlips.isEmpty { line("- What got in the way of what slipped, and what would help next time?") }
        line("- Is any promise asking too much, or too little? (Changes go in the plan.)")
        line("- What would each of us like more of next week?")
        return md
    }

    /// `- **Title**, Mon: WHAT — “note”` (no note part without a note).
    static func entry(_ w: ItemWeek, _ e: ReviewEntry, _ what: String) -> String {
        var s = "- **\(escape(w.stats.item.title))**, \(Format.weekdayShort(e.day)): " + what
        if let note = e.note, !note.isEmpty { s += " — “\(escape(note))”" }
        return s
    }

    static func keptLine(_ w: ItemWeek, complete: Bool) -> String {
        let s = w.stats
        var text = "**\(escape(s.item.title))**"
        if let target = s.item.target, s.item.kind == .commitment { text += " (\(target))" }
        text += ": "
        let t = w.tally
        if s.item.kind == .boundary {
            text += "held \(t.kept) of \(t.asked)"
        } else {
            text += "\(t.kept) of \(t.asked) kept"
        }
        var extras: [String] = []
        if t.skipped > 0 { extras.append("\(t.skipped) skipped") }
        if t.pending > 0 { extras.append("\(t.pending) awaiting an answer") }
        if !extras.isEmpty { text += " (" + extras.joined(separator: ", ") + ")" }
        if let met = w.targetMet, let target = s.item.target {
            if met {
                text += " — target met"
            } else if complete {
                text += " — short of \(target.count)"
            } else {
                let needed = target.count - t.kept
                text += " — \(needed) more by Sunday"
            }
        }
        text += " · streak \(Format.count(s.streak, s.unit))"
        if let strength = s.strength { text += " · strength \(Format.percent(strength))%" }
        return text
    }

    static func plural(_ n: Int, _ word: String) -> String { n == 1 ? "1 \(word)" : "\(n) \(word)s" }

    /// Escapes Markdown's inline markup characters in user text; a newline becomes a space and any
    /// other control character is written out (`DisplayText.terminal`: the review is often read
    /// in a terminal).
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            if "\\`*_[]<>#|".contains(c) { out.append("\\") }
            out.append(c == "\n" ? " " : c)
        }
        return DisplayText.terminal(out)
    }
}
