// `trustctl report --html FILE`: one self-contained page (inline CSS and SVG, no scripts, no network
// fetches) with a heatmap and a strength chart per item. The markup is XHTML-compatible, so any XML
// parser can check it; every number carries `data-field` so tests can compare it with the terminal's.
import Foundation
import TrustCore

public enum HTMLReport {
    /// The page. `weeks`: heatmap and chart length; nil: the history of the longest item, 13 to 53 weeks.
    public static func render(_ report: Report, meta: ReportMeta, weeks: Int? = nil) -> String {
        let earliest = report.items.compactMap(\.firstDay).min()
        let span = earliest.map { ($0.start(of: .week).days(to: report.today) / 7) + 1 } ?? 13
        let weeks = weeks ?? min(53, max(13, span))
        var h = HTML()
        h.raw("<!DOCTYPE html>\n")
        h.raw("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
        h.raw("<meta charset=\"utf-8\"/>\n")
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        h.raw("<meta name=\"generator\" content=\"trustctl report\"/>\n")
        h.raw("<meta name=\"referrer\" content=\"no-referrer\"/>\n")
        h.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"/>\n")
        h.element("title", "Promises kept — \(Format.long(report.today))")
        h.raw("\n<style>\n\(css)\(PlanChangesText.css)</style>\n</head>\n<body>\n<main>\n")

        // Header and summary.
        h.raw("<header>\n")
        h.element("h1", "Promises kept")
        h.raw("<p class=\"date\">")
        h.put(Format.long(report.today))
        if let since = report.since { h.put(" · counting from \(Format.short(since, reference: report.today))") }
        h.raw("</p>\n<div class=\"summary\">\n")
        summaryTile(&h, label: "This week", report.week, field: "week")
        summaryTile(&h, label: Format.monthName(report.month.start.month), report.month, field: "month")
        h.raw("</div>\n</header>\n")

        if report.items.isEmpty {
            h.raw("<p class=\"empty\">No promises yet: add commitments or boundaries to the plan.</p>\n")
        }
        // Each item's card on its own (on every core for a long report), then in order.
        let cards = Parallel.map(report.items, threshold: report.items.count >= 16 ? 2 : Int.max) { stats in
            var card = HTML()
            HTMLReport.card(&card, stats, report: report, weeks: weeks)
            return card.text
        }
        for text in cards { h.raw(text) }
        let shownFrom = report.today.start(of: .week).adding(days: -7 * (weeks - 1))
        PlanChangesText.html(
            &h, PlanChangesText.inRange(meta.planChanges, from: shownFrom, to: report.today, zone: meta.timeZone),
            zone: meta.timeZone)

        // Legend and footer.
        h.raw("<footer>\n<div class=\"legend\">")
        for (mark, text) in Glyph.legend {
            h.raw("<span class=\"key\">")
            h.raw(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"14\" height=\"14\" viewBox=\"0 0 14 14\" aria-hidden=\"true\">")
            cellShape(&h, mark, x: 1, y: 1, size: 12, title: nil)
            h.raw("</svg>")
            h.put(text)
            h.raw("</span>")
        }
        h.raw("</div>\n<p>")
        h.put(
            "Made by trustctl on \(Format.utc(meta.generatedAt)) (\(meta.timeZone.identifier)). "
                + "This page is a file on your computer: it loads nothing and sends nothing.")
        switch meta.planStatus {
        case .loaded: break
        case .missing: h.put(" No plan was found: items are shown from the ledger with built-in defaults.")
        case .invalid(let why): h.put(" The plan could not be read (\(why)): items are shown from the ledger with built-in defaults.")
        }
        h.raw("</p>\n")
        if !meta.imported.isEmpty {
            h.raw("<p class=\"imported\">")
            h.put("Imported history (check-ins recorded by another tracker, brought in with trustctl import): ")
            h.put(meta.imported.map(\.sentence).joined(separator: "; ") + ".")
            h.raw("</p>\n")
        }
        h.raw("</footer>\n</main>\n</body>\n</html>\n")
        return h.text
    }

    static func summaryTile(_ h: inout HTML, label: String, _ s: PeriodSummary, field: String) {
        h.raw("<div class=\"tile\">")
        h.element("div", label, cls: "label")
        if let rate = s.rate {
            h.raw("<div class=\"big\"><span data-field=\"\(field)-percent\">\(Format.percent(rate))</span><small>%</small></div>")
            h.raw("<div class=\"sub\"><span data-field=\"\(field)-kept\">\(s.kept)</span> of ")
            h.raw("<span data-field=\"\(field)-asked\">\(s.asked)</span> kept</div>")
            h.raw("<div class=\"bar\"><div style=\"width: \(Format.percent(rate))%\"></div></div>")
        } else {
            h.raw("<div class=\"big muted\">–</div><div class=\"sub\">nothing asked yet</div>")
        }
        h.raw("</div>\n")
    }

    static func card(_ h: inout HTML, _ s: ItemStats, report: Report, weeks: Int) {
        h.raw("<section class=\"card \(s.item.kind.rawValue)\" data-item=\"")
        h.attr(s.item.id.rawValue)
        h.raw("\">\n<div class=\"head\"><div>")
        h.element("h2", s.item.title)
        h.raw("<p class=\"meta\">")
        var chips: [String] = [s.item.kind == .boundary ? "boundary" : "commitment"]
        if let t = s.item.target { chips.append(t.description) }
        if !s.inPlan { chips.append("not in the plan") }
        for c in chips { h.element("span", c, cls: "chip") }
        if let to = s.item.to { h.put(" to \(to)") }
        h.raw("</p>")
        if let why = s.item.why { h.element("p", why, cls: "why") }
        h.raw("</div>")
        if let strength = s.strength { ring(&h, strength) }
        h.raw("</div>\n")

        guard s.hasData else {
            h.raw("<p class=\"empty\">")
            if let starts = s.item.starts, starts > report.today {
                h.put("Starts \(Format.long(starts)). No check-ins yet.")
            } else {
                h.put("No check-ins recorded yet.")
            }
            h.raw("</p>\n")
            if let p = s.progress { progress(&h, p) }
            h.raw("</section>\n")
            return
        }

        // Numbers.
        h.raw("<div class=\"stats\">\n")
        stat(&h, label: s.item.kind == .boundary ? "Held" : "Streak", value: "\(s.streak)", field: "streak",
            unit: s.unit.noun(s.streak),
            note: s.streak > 0 && s.streakStart != nil ? "since \(Format.short(s.streakStart!, reference: report.today))" : nil)
        stat(&h, label: "Best", value: "\(s.bestStreak)", field: "best_streak", unit: s.unit.noun(s.bestStreak), note: nil)
        for r in s.rates {
            stat(&h, label: "Kept, \(r.days) days", value: r.rate.map { "\(Format.percent($0))" } ?? "–",
                field: "rate_\(r.days)d", unit: r.rate == nil ? "" : "%",
                note: r.rate == nil ? "nothing asked" : "\(r.tally.kept) of \(r.tally.asked)")
        }
        stat(&h, label: "Skips left", value: "\(s.skipsLeft)", field: "skips_left", unit: "",
            note: "of \(s.item.skips.count) \(Format.thisPeriod(s.item.skips.period))")
        h.raw("</div>\n")

        if let p = s.progress { progress(&h, p) }

        // Milestones.
        if !s.milestones.isEmpty {
            h.raw("<div class=\"milestones\">")
            for m in s.milestones {
                if let day = m.reached {
                    h.raw("<span class=\"badge reached\" data-milestone=\"\(m.count)\" data-reached=\"\(day)\">")
                    h.put("★ \(m.count) \(s.unit.noun(m.count)) · \(Format.short(day, reference: report.today))")
                } else {
                    h.raw("<span class=\"badge\" data-milestone=\"\(m.count)\">")
                    h.put("\(m.count) \(s.unit.noun(m.count))")
                    if m.count == s.nextMilestone { h.put(" · \(m.count - s.streak) to go") }
                }
                h.raw("</span>")
            }
            h.raw("</div>\n")
        }

        let map = Heatmap(stats: s, weeks: weeks, today: report.today)
        heatmap(&h, map, today: report.today, muteMissed: s.item.target != nil && s.item.kind == .commitment)
        chart(&h, s, from: map.start, today: report.today)
        if !s.recentNotes.isEmpty {
            h.raw("<details class=\"notes\"><summary>")
            h.put("Notes from the last 30 days (\(s.recentNotes.count))")
            h.raw("</summary><ul>")
            for n in s.recentNotes {
                h.raw("<li><span class=\"when\">")
                h.put("\(Format.weekdayShort(n.day)) · \(n.state.rawValue)")
                h.raw("</span> ")
                h.put(n.text)
                h.raw("</li>")
            }
            h.raw("</ul></details>\n")
        }
        h.raw("</section>\n")
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

    static func progress(_ h: inout HTML, _ p: PeriodProgress) {
        h.raw("<div class=\"progress\"><div class=\"label\">")
        h.put("This \(p.period.rawValue)")
        h.raw("</div><div class=\"pips\">")
        for i in 0..<max(p.target, p.kept) {
            h.raw(i < p.kept ? "<span class=\"pip on\"></span>" : "<span class=\"pip\"></span>")
        }
        h.raw("</div><div class=\"text\">")
        h.raw("<span data-field=\"period_kept\">\(p.kept)</span> of <span data-field=\"period_target\">\(p.target)</span>")
        if p.met {
            h.put(" — target met")
        } else if !p.reachable {
            h.put(" — out of reach \(Format.thisPeriod(p.period))")
        } else {
            h.raw(" — <strong><span data-field=\"period_needed\">\(p.needed)</span> more</strong>")
            h.put(" \(Format.thisPeriod(p.period)), \(Format.days(p.daysLeft)) left")
            if let spare = p.spare { h.put(spare == 0 ? ": one every day from now" : " (\(spare) to spare)") }
        }
        h.raw("</div></div>\n")
    }

    static func ring(_ h: inout HTML, _ strength: Double) {
        let pct = Format.percent(strength)
        let r = 30.0
        let c = 2 * Double.pi * r
        let dash = c * Double(pct) / 100
        h.raw("<div class=\"ring\" title=\"Habit strength\">")
        h.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"76\" height=\"76\" viewBox=\"0 0 76 76\" role=\"img\" aria-label=\"strength \(pct)%\">")
        h.raw("<circle cx=\"38\" cy=\"38\" r=\"30\" fill=\"none\" stroke=\"#e8e4dc\" stroke-width=\"7\"/>")
        h.raw("<circle cx=\"38\" cy=\"38\" r=\"30\" fill=\"none\" stroke=\"#2f8f5b\" stroke-width=\"7\" stroke-linecap=\"round\" ")
        h.raw("stroke-dasharray=\"\(fmt(dash)) \(fmt(c))\" transform=\"rotate(-90 38 38)\"/>")
        h.raw("<text x=\"38\" y=\"43\" text-anchor=\"middle\" class=\"ringtext\"\(pct >= 100 ? " style=\"font-size: 15px\"" : "")><tspan data-field=\"strength\">\(pct)</tspan>%</text></svg>")
        h.raw("<div class=\"label\">strength</div></div>")
    }

    // MARK: Heatmap

    /// Heatmap geometry: columns fill the card (836 px of content) up to 24 px a week.
    struct Geometry {
        let pitch: Double
        var cell: Double { (pitch * 0.8).rounded(.down) }
        var gap: Double { pitch - cell }
        init(weeks: Int) { pitch = min(24, ((contentWidth - HTMLReport.left) / Double(max(1, weeks))).rounded(.down)) }
    }

    static let contentWidth = 836.0
    static let left = 30.0
    static let top = 16.0

    static func heatmap(_ h: inout HTML, _ map: Heatmap, today: DayKey, muteMissed: Bool) {
        let g = Geometry(weeks: map.columns.count)
        let (cell, gap) = (g.cell, g.gap)
        let width = left + Double(map.columns.count) * (cell + gap)
        let height = top + 7 * (cell + gap)
        h.raw("<div class=\"heat\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" ")
        h.raw("viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" role=\"img\" aria-label=\"check-ins, one square per day\">")
        var lastLabelX = -100.0
        for (column, month, _) in map.monthStarts {
            let x = left + Double(column) * (cell + gap)
            if x - lastLabelX < 30 { continue }
            lastLabelX = x
            h.raw("<text class=\"axis\" x=\"\(fmt(x))\" y=\"10\">\(Format.monthAbbrev(month))</text>")
        }
        for (d, name) in [(0, "Mon"), (2, "Wed"), (4, "Fri"), (6, "Sun")] {
            h.raw("<text class=\"axis\" x=\"0\" y=\"\(fmt(top + Double(d) * (cell + gap) + cell / 2 + 3.5))\">\(name)</text>")
        }
        for (w, column) in map.columns.enumerated() {
            for (d, c) in column.enumerated() {
                guard case .day(let mark) = c else { continue }
                let day = map.day(column: w, row: d)
                cellShape(
                    &h, mark, x: left + Double(w) * (cell + gap), y: top + Double(d) * (cell + gap), size: cell,
                    title: "\(Format.weekdayShort(day)) \(day.year): \(describe(mark))", muted: muteMissed)
            }
        }
        h.raw("</svg></div>\n")
    }

    static func describe(_ mark: DayMark) -> String {
        Glyph.legend.first { $0.0 == mark }!.1
    }

    /// One day: colour plus a shape, so states differ without colour too.
    /// `muted`: for frequency commitments, where a day without it is no failure, missed days are drawn softly.
    static func cellShape(
        _ h: inout HTML, _ mark: DayMark, x: Double, y: Double, size: Double, title: String?, muted: Bool = false
    ) {
        let r = fmt(max(2, size / 5))
        let inset = max(2, size / 6)
        let (xs, ys, s) = (fmt(x), fmt(y), fmt(size))
        h.raw("<g class=\"d \(mark.rawValue)\">")
        if let title {
            h.raw("<title>")
            h.put(title)
            h.raw("</title>")
        }
        switch mark {
        case .kept:
            h.raw("<rect x=\"\(xs)\" y=\"\(ys)\" width=\"\(s)\" height=\"\(s)\" rx=\"\(r)\" fill=\"#2f8f5b\"/>")
        case .partial:
            h.raw("<rect x=\"\(xs)\" y=\"\(ys)\" width=\"\(s)\" height=\"\(s)\" rx=\"\(r)\" fill=\"#f0c36d\"/>")
            h.raw("<path d=\"M\(fmt(x)) \(fmt(y + size))L\(fmt(x + size)) \(fmt(y))L\(fmt(x + size)) \(fmt(y + size))Z\" fill=\"#2f8f5b\"/>")
        case .skipped:
            h.raw("<rect x=\"\(fmt(x + 1))\" y=\"\(fmt(y + 1))\" width=\"\(fmt(size - 2))\" height=\"\(fmt(size - 2))\" rx=\"2\" fill=\"#e6eef7\" stroke=\"#6a8cb3\" stroke-width=\"1.5\"/>")
        case .missed:
            h.raw("<rect x=\"\(xs)\" y=\"\(ys)\" width=\"\(s)\" height=\"\(s)\" rx=\"\(r)\" fill=\"\(muted ? "#eddcd8" : "#d9534f")\"/>")
            h.raw("<path d=\"M\(fmt(x + inset)) \(fmt(y + inset))L\(fmt(x + size - inset)) \(fmt(y + size - inset))M\(fmt(x + size - inset)) \(fmt(y + inset))L\(fmt(x + inset)) \(fmt(y + size - inset))\" stroke=\"\(muted ? "#b8877f" : "#fff")\" stroke-width=\"1.6\" stroke-linecap=\"round\"/>")
        case .unanswered:
            h.raw("<rect x=\"\(fmt(x + 1))\" y=\"\(fmt(y + 1))\" width=\"\(fmt(size - 2))\" height=\"\(fmt(size - 2))\" rx=\"2\" fill=\"#fbe3d0\" stroke=\"#d98841\" stroke-width=\"1.5\" stroke-dasharray=\"2 1.5\"/>")
        case .pending:
            h.raw("<circle cx=\"\(fmt(x + size / 2))\" cy=\"\(fmt(y + size / 2))\" r=\"\(fmt(size / 2 - 1.5))\" fill=\"none\" stroke=\"#2f8f5b\" stroke-width=\"1.5\"/>")
        case .none:
            h.raw("<rect x=\"\(fmt(x + 2))\" y=\"\(fmt(y + 2))\" width=\"\(fmt(size - 4))\" height=\"\(fmt(size - 4))\" rx=\"1.5\" fill=\"#eeebe5\"/>")
        }
        h.raw("</g>")
    }

    // MARK: Strength chart

    static func chart(_ h: inout HTML, _ s: ItemStats, from: DayKey, today: DayKey) {
        guard let start = s.strengthStart, !s.strengthHistory.isEmpty else { return }
        let days = from.days(to: today) + 1
        let pitch = Geometry(weeks: (days + 6) / 7).pitch
        let width = left + Double(days) / 7 * pitch
        let height = 96.0
        let plotTop = 8.0
        let plotBottom = height - 16
        func y(_ v: Double) -> Double { plotBottom - v * (plotBottom - plotTop) }
        func x(_ day: DayKey) -> Double { left + Double(from.days(to: day)) / 7 * pitch }
        h.raw("<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" ")
        h.raw("viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" role=\"img\" aria-label=\"habit strength over time\">")
        for v in [0.0, 0.5, 1.0] {
            h.raw("<line x1=\"\(fmt(left))\" x2=\"\(fmt(width))\" y1=\"\(fmt(y(v)))\" y2=\"\(fmt(y(v)))\" class=\"grid\"/>")
            h.raw("<text class=\"axis\" x=\"0\" y=\"\(fmt(y(v) + 3.5))\">\(Int(v * 100))%</text>")
        }
        var points: [String] = []
        var first: DayKey?
        var day = max(from, start)
        while day <= today {
            let i = start.days(to: day)
            if i >= s.strengthHistory.count { break }
            if first == nil { first = day }
            points.append("\(fmt(x(day))),\(fmt(y(s.strengthHistory[i])))")
            day = day.adding(days: 1)
        }
        if let first, let lastPoint = points.last {
            let lastX = lastPoint.split(separator: ",")[0]
            h.raw("<path class=\"area\" d=\"M\(fmt(x(first))) \(fmt(y(0)))L\(points.joined(separator: "L"))L\(lastX) \(fmt(y(0)))Z\"/>")
            h.raw("<polyline class=\"line\" points=\"\(points.joined(separator: " "))\"/>")
            let lastY = lastPoint.split(separator: ",")[1]
            h.raw("<circle cx=\"\(lastX)\" cy=\"\(lastY)\" r=\"3.5\" class=\"dot\"/>")
        }
        h.raw("</svg></div>\n")
    }

    /// `v` to one decimal, without a trailing ".0": "12", "12.5", "-0.5". From whole tenths, not with
    /// Double's description (a page has ~20,000 heatmap cells of a few numbers each).
    static func fmt(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        let whole = String(abs(tenths) / 10)
        let sign = tenths < 0 ? "-" : ""
        return tenths % 10 == 0 ? sign + whole : sign + whole + "." + String(abs(tenths) % 10)
    }

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
        .tile .big small { font-size: 18px; color: #7a756c; margin-left: 2px; }
        .tile .sub { color: #7a756c; font-size: 13px; }
        .bar { height: 6px; background: #ece8e0; border-radius: 3px; margin-top: 8px; overflow: hidden; }
        .bar div { height: 100%; background: #2f8f5b; border-radius: 3px; }
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
        .why { margin: 6px 0 0; font-style: italic; color: #6b665d; }
        .ring { text-align: center; }
        .ringtext { font-size: 17px; font-weight: 700; fill: #2b2a27; }
        .ring .label { margin-top: -2px; }
        .ring .label span { font-weight: 600; }
        .stats { display: flex; flex-wrap: wrap; gap: 8px 26px; margin: 14px 0 6px; }
        .stat .value { font-size: 24px; font-weight: 700; line-height: 1.2; }
        .stat .value small { font-size: 13px; font-weight: 500; color: #7a756c; margin-left: 4px; }
        .stat .note { font-size: 12px; color: #8a8478; }
        .progress { display: flex; align-items: center; gap: 12px; margin: 8px 0; padding: 8px 12px;
          background: #f7f5f0; border-radius: 10px; }
        .pips { display: flex; gap: 4px; }
        .pip { width: 14px; height: 14px; border-radius: 50%; border: 2px solid #2f8f5b; display: inline-block; }
        .pip.on { background: #2f8f5b; }
        .milestones { margin: 10px 0 4px; display: flex; flex-wrap: wrap; gap: 6px; }
        .badge { font-size: 12.5px; padding: 2px 10px; border-radius: 999px; border: 1.5px dashed #cfc8bb; color: #8a8478; }
        .badge.reached { border: 1.5px solid #e0b44a; background: #fff6dc; color: #7a5a0c; }
        .heat, .chart { overflow-x: auto; margin-top: 10px; }
        svg { display: block; }
        .axis { font-size: 10px; fill: #9a9488; }
        .grid { stroke: #eeeae3; stroke-width: 1; }
        .area { fill: #2f8f5b; fill-opacity: .10; }
        .line { fill: none; stroke: #2f8f5b; stroke-width: 2; stroke-linejoin: round; }
        .dot { fill: #2f8f5b; stroke: #fff; stroke-width: 1.5; }
        .empty { color: #8a8478; font-style: italic; }
        .notes { margin-top: 10px; font-size: 13.5px; color: #5f5a51; }
        .notes summary { cursor: pointer; color: #8a8478; }
        .notes ul { margin: 6px 0 0; padding-left: 18px; }
        .notes .when { color: #8a8478; font-size: 12px; margin-right: 4px; }
        .muted { color: #b5afa3; }
        footer { margin-top: 28px; color: #8a8478; font-size: 13px; }
        .legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin-bottom: 8px; }
        .key { display: inline-flex; align-items: center; gap: 6px; }
        @media print { body { background: #fff; } .card, .tile { box-shadow: none; border: 1px solid #e4dfd6; } }

        """
}

/// Builds escaped XHTML text.
struct HTML {
    private(set) var text = ""

    init() { text.reserveCapacity(1 << 16) }

    mutating func raw(_ s: String) { text += s }

    /// Character data, escaped.
    mutating func put(_ s: String) { escape(s, inAttribute: false) }

    /// An attribute value (inside double quotes), escaped.
    mutating func attr(_ s: String) { escape(s, inAttribute: true) }

    private mutating func escape(_ s: String, inAttribute: Bool) {
        // Most text has nothing to escape: appended whole.
        let special: (UInt8) -> Bool = { b in
            b == UInt8(ascii: "&") || b == UInt8(ascii: "<") || b == UInt8(ascii: inAttribute ? "\"" : ">")
        }
        if !s.utf8.contains(where: special) {
            text += s
            return
        }
        for c in s.unicodeScalars {
            switch c {
            case "&": text += "&amp;"
            case "<": text += "&lt;"
            case ">" where !inAttribute: text += "&gt;"
            case "\"" where inAttribute: text += "&quot;"
            default: text.unicodeScalars.append(c)
            }
        }
    }

    mutating func element(_ name: String, _ content: String, cls: String? = nil) {
        text += cls.map { "<\(name) class=\"\($0)\">" } ?? "<\(name)>"
        put(content)
        text += "</\(name)>"
    }
}
