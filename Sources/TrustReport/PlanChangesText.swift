// The plan changes recorded in the ledger (issue 14), as `history`, `review` and `report --html`
// show them: each change in a sentence, a weakening marked apart from a strengthening.
import Foundation
import TrustCore

public enum PlanChangesText {
    /// The mark of a direction in plain text and Markdown.
    public static func mark(_ d: PlanChangeDirection) -> String {
        switch d {
        case .weakening: "WEAKENED"
        case .strengthening: "strengthened"
        case .neutral: "reworded"
        }
    }

    /// `evening-call: deadline 3h → 5h`, `walk added (Mon *-*-* 08:00:00, 52 check-ins a year)`.
    public static func describe(_ c: PlanChange) -> String {
        let id = c.item?.rawValue ?? "plan"
        switch c.aspect {
        case .added:
            return "\(id) added (\(c.new.map(schedule) ?? "?"))"
        case .removed:
            return "\(id) removed (was \(c.old.map(schedule) ?? "?"))"
        case .kind:
            return "\(id): now a \(c.new?.kind.rawValue ?? "?") (was a \(c.old?.kind.rawValue ?? "?"))"
        case .title:
            return "\(id): title “\(c.old?.title ?? "")” → “\(c.new?.title ?? "")”"
        case .changesTakeEffect:
            return "changes-take-effect \(c.oldDelaySeconds.map(duration) ?? "not set") → \(c.newDelaySeconds.map(duration) ?? "not set")"
        case .schedule, .target, .deadline, .skips, .starts, .ends:
            return "\(id): \(c.aspect.rawValue) \(term(c.aspect, c.old)) → \(term(c.aspect, c.new))"
        }
    }

    /// One term of an item's terms, as `describe` shows it.
    static func term(_ aspect: PlanChange.Aspect, _ t: PlanItemTerms?) -> String {
        guard let t else { return "?" }
        switch aspect {
        case .schedule: return schedule(t)
        case .target: return t.target?.description ?? "none"
        case .deadline: return duration(t.deadlineSeconds)
        case .skips: return t.skips.description
        case .starts: return t.starts?.description ?? "from the beginning"
        case .ends: return t.ends?.description ?? "never"
        case .added, .removed, .kind, .title, .changesTakeEffect: return "?"
        }
    }

    /// `*-*-* 21:00:00, 364 check-ins a year` (in 52 weeks).
    static func schedule(_ t: PlanItemTerms) -> String {
        let about = t.checkInsPer52Weeks > PlanItemTerms.countedExactly ? "about " : ""
        return t.schedule.joined(separator: "; ")
            + ", \(about)\(t.checkInsPer52Weeks) check-in\(t.checkInsPer52Weeks == 1 ? "" : "s") a year"
    }

    /// `3h`, `1h30m`, `7d`: the plan's own duration syntax.
    public static func duration(_ seconds: Int?) -> String {
        guard let seconds else { return "?" }
        var rest = seconds
        var out = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out.isEmpty ? "0s" : out
    }

    /// The heading of one revision: `plan version 3, adopted 2026-11-25T12:00:00+01:00: 1 weakening, 1 strengthening`.
    public static func heading(_ r: PlanRevision, zone: TimeZone) -> String {
        let when = Format.local(r.recorded.recordedAt, in: zone)
        if r.isFirst { return "plan version \(r.recorded.sequence), adopted \(when): the first plan recorded" }
        var counts: [String] = []
        let w = r.weakenings.count
        let s = r.strengthenings.count
        let n = r.changes.count - w - s
        if w > 0 { counts.append("\(w) weakening\(w == 1 ? "" : "s")") }
        if s > 0 { counts.append("\(s) strengthening\(s == 1 ? "" : "s")") }
        if n > 0 { counts.append("\(n) neutral") }
        return "plan version \(r.recorded.sequence), adopted \(when): " + (counts.isEmpty ? "no change" : counts.joined(separator: ", "))
    }

    /// Terminal lines for `history`: a heading per revision, an indented line per change.
    public static func terminal(_ revisions: [PlanRevision], zone: TimeZone) -> [String] {
        guard !revisions.isEmpty else { return [] }
        var lines = ["PLAN CHANGES"]
        for r in revisions {
            lines.append(heading(r, zone: zone))
            for c in r.changes {
                lines.append("    " + storePad(mark(c.direction), 12) + "  " + DisplayText.terminal(describe(c)))
            }
        }
        return lines
    }

    /// The Markdown section of `review` (nil when the plan did not change in the week).
    public static func markdown(_ revisions: [PlanRevision], zone: TimeZone) -> String? {
        guard !revisions.isEmpty else { return nil }
        var md = "## Plan changes\n\n"
        for r in revisions {
            md += "- \(ReviewMarkdown.escape(heading(r, zone: zone)))\n"
            for c in r.changes {
                let text = ReviewMarkdown.escape(describe(c))
                md += c.direction == .weakening ? "  - **\(mark(c.direction))**: \(text)\n" : "  - \(mark(c.direction)): \(text)\n"
            }
        }
        if revisions.contains(where: { !$0.weakenings.isEmpty }) {
            md += "\nA weakened promise is worth talking about: was it agreed together?\n"
        }
        return md
    }

    /// `trustctl check`'s lines about held changes (`changes-take-effect`), or "".
    public static func holds(_ holds: PlanHolds, zone: TimeZone) -> String {
        guard !holds.isEmpty else { return "" }
        var out = "\nHeld by changes-take-effect (trustd keeps the old terms until then):\n"
        for h in holds.holds {
            let when = Format.local(h.takesEffect, in: zone)
            if h.adopted == nil {
                out += "  \(h.item): stays in the plan until \(when) (its removal is a weakening)\n"
            } else {
                out += "  \(h.item): until \(when), still \(h.held.map(heldTerm).joined(separator: ", "))\n"
            }
        }
        if let when = holds.delayTakesEffect {
            out +=
                "  changes-take-effect stays \(duration(holds.delayInForceSeconds)) until \(Format.local(when, in: zone))\n"
        }
        return out
    }

    /// `schedule *-*-* 19:00:00, 364 check-ins a year (adopted: Mon *-*-* 19:00:00, 52 check-ins a year)`:
    /// the old term is in force, the new one waits.
    static func heldTerm(_ c: PlanChange) -> String {
        "\(c.aspect.rawValue) \(term(c.aspect, c.old)) (adopted: \(term(c.aspect, c.new)))"
    }

    /// The plan changes of a `trustctl share` digest: one line per change, its mark first (a
    /// weakening stands out as `WEAKENED`), and for a weakening that `changes-take-effect` held, the
    /// instant it took (or takes) effect, from the holds right after that version was adopted.
    /// `versions`: every plan version recorded up to the last revision (for the holds).
    public static func digest(
        _ revisions: [PlanRevision], versions: [RecordedPlanVersion], zone: TimeZone
    ) -> [DigestPlanChange] {
        revisions.flatMap { r -> [DigestPlanChange] in
            let at = Int64((r.recorded.recordedAt.timeIntervalSince1970 * 1000).rounded())
            if r.isFirst { return [DigestPlanChange(at: at, item: nil, summary: "the first plan recorded")] }
            let holds = PlanHolds(versions: versions.filter { $0.sequence <= r.recorded.sequence }, now: r.recorded.recordedAt)
            return r.changes.map { c in
                var line = "\(mark(c.direction)): \(describe(c))"
                if c.direction == .weakening {
                    let when = c.aspect == .changesTakeEffect ? holds.delayTakesEffect : c.item.flatMap { holds.hold($0)?.takesEffect }
                    if let when, when > r.recorded.recordedAt {
                        line += " (held by changes-take-effect: takes effect \(Format.local(when, in: zone)))"
                    }
                }
                return DigestPlanChange(at: at, item: nil, summary: line)
            }
        }
    }

    /// The revisions adopted on the days `from`…`to` (inclusive, in `zone`).
    public static func inRange(_ revisions: [PlanRevision], from: DayKey, to: DayKey, zone: TimeZone) -> [PlanRevision] {
        revisions.filter { r in
            let day = DayKey.of(r.recorded.recordedAt, in: zone)
            return day >= from && day <= to
        }
    }

    static let css = """
        .plan-changes li { list-style: none; margin: 0.2em 0; }
        .plan-changes .mark { display: inline-block; min-width: 8em; font-weight: 600; }
        .plan-changes .weakening .mark { color: #b3261e; }
        .plan-changes .strengthening .mark { color: #1b7f3b; }
        .plan-changes .neutral .mark { color: #666; font-weight: 400; }

        """

    /// The section of the HTML report: each change in a list item with `data-direction`.
    static func html(_ h: inout HTML, _ revisions: [PlanRevision], zone: TimeZone) {
        guard !revisions.isEmpty else { return }
        h.raw("<section class=\"plan-changes\">\n")
        h.element("h2", "Plan changes")
        for r in revisions {
            h.element("h3", heading(r, zone: zone))
            guard !r.changes.isEmpty else { continue }
            h.raw("<ul>\n")
            for c in r.changes {
                h.raw("<li class=\"\(c.direction.rawValue)\" data-direction=\"\(c.direction.rawValue)\">")
                h.element("span", mark(c.direction), cls: "mark")
                h.put(" ")
                h.put(describe(c))
                h.raw("</li>\n")
            }
            h.raw("</ul>\n")
        }
        h.raw("</section>\n")
    }
}
