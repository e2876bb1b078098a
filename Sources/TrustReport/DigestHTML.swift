// `trustctl share`: the weekly digest page. One self-contained file (inline CSS, no scripts run, no
// network): what a person reads, with the signed data (canonical JSON) and the signature embedded
// in `<script type="application/json">` elements. Everything shown comes from the signed data and
// nothing else (no clock, no time-zone database), so `trustctl share verify` renders it again on any
// machine and requires the same bytes: the visible text cannot be edited without failing the check.
// So the page of `trustd-digest-1` must never change, not even a space: every trustctl must render
// the digests others made the same way. A new page is a new format (`WeekDigest.currentFormat`),
// with this renderer kept for the old one.
import Foundation
import TrustCore

public enum DigestHTML {
    /// The page for `digest`, embedding `json` (its canonical JSON, as signed) and `signatureJSON`;
    /// `fingerprint`: the signing key's, shown to the reader.
    public static func render(_ digest: WeekDigest, json: String, signatureJSON: String, fingerprint: String) -> String {
        let start = DayKey(digest.weekStart)
        let end = DayKey(digest.weekEnd)
        let range = start.flatMap { s in end.map { Format.range(s, $0) } } ?? "\(digest.weekStart) – \(digest.weekEnd)"
        var h = HTML()
        h.raw("<!DOCTYPE html>\n")
        h.raw("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
        h.raw("<meta charset=\"utf-8\"/>\n")
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        h.raw("<meta name=\"generator\" content=\"trustctl share\"/>\n")
        h.raw("<meta name=\"referrer\" content=\"no-referrer\"/>\n")
        h.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n")
        h.element("title", "Promises kept — week of \(range)")
        h.raw("\n<style>\n\(css)</style>\n</head>\n<body>\n<main>\n")

        h.raw("<header>\n")
        h.element("h1", "Promises kept, week by week")
        h.raw("<p class=\"date\">")
        h.put("Week of \(range) (\(digest.zone)) · signed by key ")
        h.raw("<span class=\"fp\">")
        h.put(fingerprint)
        h.raw("</span></p>\n<div class=\"summary\">\n")
        let all = digest.items.flatMap(\.checkIns)
        for (label, state) in [("Kept", "kept"), ("Missed", "missed"), ("Skipped", "skipped"), ("Unanswered", "unanswered")] {
            h.raw("<div class=\"tile\">")
            h.element("div", label, cls: "label")
            h.raw("<div class=\"big\">\(all.filter { $0.state == state }.count)</div>")
            h.raw("</div>\n")
        }
        h.raw("</div>\n</header>\n")

        if digest.items.isEmpty { h.raw("<p class=\"empty\">Nothing was asked this week.</p>\n") }
        for item in digest.items { card(&h, item, withNotes: digest.withNotes) }
        earlier(&h, digest)

        h.raw("<section class=\"card plan\">\n")
        h.element("h2", "Changes to the plan")
        if digest.planChanges.isEmpty {
            h.raw("<p class=\"meta\">No changes to the plan this week.</p>\n")
        } else {
            h.raw("<ul>\n")
            for c in digest.planChanges {
                h.raw("<li><span class=\"when\">")
                h.put(Format.utc(Date(timeIntervalSince1970: Double(c.at) / 1000)))
                h.raw("</span> ")
                if let item = c.item {
                    h.raw("<b>")
                    h.put(item)
                    h.raw("</b>: ")
                }
                h.put(c.summary)
                h.raw("</li>\n")
            }
            h.raw("</ul>\n")
        }
        h.raw("</section>\n")

        h.raw("<footer>\n<p>")
        h.put(
            "Written by trustctl share on \(Format.utc(Date(timeIntervalSince1970: Double(digest.createdAt) / 1000))). "
                + (digest.withNotes ? "Notes are included. " : "Notes are kept private: only a salted hash of each is in the file. ")
                + "This page is a file: it loads nothing and sends nothing.")
        h.raw("</p>\n<p>")
        h.put(
            "To check it: trustctl share verify THIS-FILE --key '\(fingerprint)' (add --previous LAST-WEEKS-FILE to check that nothing was rewritten since). "
                + "It proves the page is exactly what the key's owner signed, and that the \(digest.events.count) ledger event\(digest.events.count == 1 ? "" : "s") of the week "
                + "(events \(digest.chain.startSequence + 1)–\(digest.chain.endSequence)) lead from the ledger's hash ")
        h.raw("<span class=\"hash\">")
        h.put(String(digest.chain.startHash.prefix(16)))
        h.raw("</span>")
        h.put(" to ")
        h.raw("<span class=\"hash\">")
        h.put(String(digest.chain.endHash.prefix(16)))
        h.raw("</span>")
        h.put(
            ". It does not prove that an answer was honest, nor streaks computed from earlier weeks (they are as the sender's trustd counted them).")
        h.raw("</p>\n</footer>\n</main>\n")
        h.raw(WeekDigest.scriptOpen(id: WeekDigest.dataElementID) + json + "</script>\n")
        h.raw(WeekDigest.scriptOpen(id: WeekDigest.signatureElementID) + signatureJSON + "</script>\n")
        h.raw("</body>\n</html>\n")
        return h.text
    }

    static func card(_ h: inout HTML, _ item: DigestItem, withNotes: Bool) {
        h.raw("<section class=\"card \(item.kind == "boundary" ? "boundary" : "commitment")\">\n<div class=\"head\"><div>")
        h.element("h2", item.title ?? item.item)
        h.raw("<p class=\"meta\"><span class=\"chip\">")
        h.put(item.kind)
        h.raw("</span>")
        if item.title != nil { h.put(item.item) }
        h.raw("</p></div></div>\n<div class=\"stats\">")
        stat(&h, label: "Streak", value: "\(item.streak)", field: "streak", unit: "", note: "best \(item.bestStreak)")
        stat(
            &h, label: "Forgiveness used", value: "\(item.skipsUsed)", field: "skips", unit: "of \(item.skipsUsed + item.skipsLeft)",
            note: nil)
        h.raw("</div>\n<table class=\"checkins\">\n")
        for c in item.checkIns {
            h.raw("<tr><td class=\"day\">")
            h.put(DayKey(c.day).map(Format.weekdayShort) ?? c.day)
            h.raw(" <span class=\"when\">")
            h.put(c.time)
            h.raw("</span></td><td><span class=\"state \(stateClass(c.state))\">")
            h.put(stateLabel(c.state))
            h.raw("</span>")
            if c.late { h.raw(" <span class=\"flag\">late</span>") }
            if c.corrected { h.raw(" <span class=\"flag\">corrected</span>") }
            if let answered = c.answeredLocal {
                h.raw(" <span class=\"when\">")
                h.put("answered \(answered)")
                h.raw("</span>")
            }
            h.raw("</td><td class=\"note\">")
            if let note = c.note {
                h.put(note)
            } else if c.hasNote {
                h.raw("<span class=\"muted\">a note (kept private)</span>")
            }
            h.raw("</td></tr>\n")
        }
        h.raw("</table>\n</section>\n")
    }

    static func stat(_ h: inout HTML, label: String, value: String, field: String, unit: String, note: String?) {
        h.raw("<div class=\"stat\">")
        h.element("div", label, cls: "label")
        h.raw("<div class=\"value\"><span data-field=\"\(field)\">")
        h.put(value)
        h.raw("</span>")
        if !unit.isEmpty { h.element("small", unit) }
        h.raw("</div>")
        if let note { h.element("div", note, cls: "note") }
        h.raw("</div>\n")
    }

    /// Answers and corrections recorded this week for check-ins of earlier days.
    static func earlier(_ h: inout HTML, _ d: WeekDigest) {
        let occurrences = Dictionary(d.occurrences.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let first = Int64(d.weekStart.replacingOccurrences(of: "-", with: "")) ?? 0
        let earlier = d.events.filter { e in
            (e.type == "answered" || e.type == "corrected") && (occurrences[e.occurrence].map { $0.day < first } ?? false)
        }
        // History brought in with `trustctl import` is counted, not listed.
        let imported = earlier.filter { $0.channel == "import" }.count
        let changes = earlier.filter { $0.channel != "import" }
        guard !earlier.isEmpty else { return }
        h.raw("<section class=\"card earlier\">\n")
        h.element("h2", "Answers to earlier days, given this week")
        h.raw("<ul>\n")
        for e in changes {
            let o = occurrences[e.occurrence]!
            h.raw("<li>")
            h.put("\(o.item), \(dayText(o.day)): ")
            h.raw("<span class=\"state \(stateClass(e.answer ?? ""))\">")
            h.put(stateLabel(e.answer ?? "?"))
            h.raw("</span>")
            h.raw(" <span class=\"flag\">\(e.type == "corrected" ? "corrected" : "late")</span>")
            h.raw("</li>\n")
        }
        if imported > 0 {
            h.raw("<li>")
            h.put("\(imported) check-in\(imported == 1 ? "" : "s") of earlier days imported from another tracker (trustctl import)")
            h.raw("</li>\n")
        }
        h.raw("</ul>\n</section>\n")
    }

    static func dayText(_ n: Int64) -> String {
        let day = DayKey(year: Int(n / 10000), month: Int(n / 100 % 100), day: Int(n % 100))
        return Format.weekdayShort(day)
    }

    static func stateClass(_ state: String) -> String {
        ["kept", "missed", "skipped", "unanswered", "pending", "voided"].contains(state) ? state : "other"
    }

    static func stateLabel(_ state: String) -> String {
        switch state {
        case "pending": "open"
        case "voided": "withdrawn (clock correction)"
        default: state
        }
    }

    /// The page's own style (the report's, frozen with the format: a change to the report's look must
    /// not change the digest pages people already have).
    static let css = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f6f3ee; color: #2b2a27;
          font: 15px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif; }
        main { max-width: 920px; margin: 0 auto; padding: 32px 20px 48px; }
        header h1 { font-size: 30px; margin: 0; letter-spacing: -0.02em; }
        .date { margin: 2px 0 18px; color: #7a756c; }
        .summary { display: flex; gap: 14px; flex-wrap: wrap; }
        .tile { background: #fff; border-radius: 14px; padding: 14px 18px; min-width: 200px; flex: 1;
          box-shadow: 0 1px 2px rgba(60, 50, 30, .06), 0 4px 14px rgba(60, 50, 30, .05); }
        .tile .big { font-size: 34px; font-weight: 700; line-height: 1.1; }
        .label { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #8a8478; }
        .card { background: #fff; border-radius: 16px; padding: 20px 22px 16px; margin-top: 22px;
          box-shadow: 0 1px 2px rgba(60, 50, 30, .06), 0 6px 20px rgba(60, 50, 30, .06); }
        .card.boundary { border-top: 4px solid #6a8cb3; }
        .card.commitment { border-top: 4px solid #2f8f5b; }
        .head { display: flex; justify-content: space-between; align-items: flex-start; gap: 16px; }
        h2 { font-size: 20px; margin: 0; }
        .meta { margin: 4px 0 0; color: #7a756c; font-size: 13px; }
        .chip { display: inline-block; background: #f1ede6; border-radius: 999px; padding: 1px 9px; margin-right: 6px;
          font-size: 12px; color: #5f5a51; }
        .stats { display: flex; flex-wrap: wrap; gap: 8px 26px; margin: 14px 0 6px; }
        .stat .value { font-size: 24px; font-weight: 700; line-height: 1.2; }
        .stat .value small { font-size: 13px; font-weight: 500; color: #7a756c; margin-left: 4px; }
        .stat .note { font-size: 12px; color: #8a8478; }
        .empty { color: #8a8478; font-style: italic; }
        .muted { color: #b5afa3; }
        footer { margin-top: 28px; color: #8a8478; font-size: 13px; }
        @media print { body { background: #fff; } .card, .tile { box-shadow: none; border: 1px solid #e4dfd6; } }
        .fp, .hash { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; background: #efebe3;
          border-radius: 6px; padding: 0 5px; }
        .checkins { width: 100%; border-collapse: collapse; margin-top: 8px; font-size: 14px; }
        .checkins td { padding: 6px 8px; border-top: 1px solid #f0ece5; vertical-align: top; }
        .checkins td.day { white-space: nowrap; width: 9em; }
        .checkins td.note { color: #5f5a51; font-style: italic; }
        .when { color: #8a8478; font-size: 12px; }
        .state { display: inline-block; border-radius: 999px; padding: 0 9px; font-size: 13px; font-weight: 600; }
        .state.kept { background: #e1f2e7; color: #1f6b42; }
        .state.missed { background: #fbe3de; color: #9a3422; }
        .state.skipped { background: #fff3d6; color: #7a5a0c; }
        .state.unanswered, .state.pending, .state.voided, .state.other { background: #eeeae3; color: #6b665d; }
        .flag { font-size: 11.5px; text-transform: uppercase; letter-spacing: .05em; color: #9a3422;
          border: 1px solid #e8c4bb; border-radius: 6px; padding: 0 5px; }
        .plan ul, .earlier ul { margin: 8px 0 0; padding-left: 18px; }

        """
}

/// The plain-text twin of the digest page (`trustctl share verify --text`).
public enum DigestText {
    public static func render(_ digest: WeekDigest, fingerprint: String) -> String {
        var out = "Promises kept, week \(digest.weekStart) – \(digest.weekEnd) (\(digest.zone))\n"
        out += "Signed by key \(fingerprint)\n"
        for item in digest.items {
            out += "\n\(DisplayText.terminal(item.title ?? item.item)) (\(item.kind)): streak \(item.streak), best \(item.bestStreak), "
            out += "forgiveness used \(item.skipsUsed) of \(item.skipsUsed + item.skipsLeft)\n"
            for c in item.checkIns {
                var line = "  \(DayKey(c.day).map(Format.weekdayShort) ?? c.day) \(c.time)  \(DigestHTML.stateLabel(c.state))"
                if c.late { line += " (late)" }
                if c.corrected { line += " (corrected)" }
                if let a = c.answeredLocal { line += ", answered \(a)" }
                if let note = c.note { line += " — \(DisplayText.terminal(note))" } else if c.hasNote { line += " — a note (kept private)" }
                out += line + "\n"
            }
        }
        out += "\nChanges to the plan: "
        out += digest.planChanges.isEmpty ? "none\n" : "\n" + digest.planChanges.map { "  \($0.item.map { "\($0): " } ?? "")\(DisplayText.terminal($0.summary))\n" }.joined()
        return out
    }
}
