// `trustctl report`: a summary line, then one block per item with its numbers and a heatmap.
import Foundation
import TrustCore

/// How the terminal report looks.
public struct TerminalStyle: Sendable {
    /// ANSI colour (only on a TTY and never with NO_COLOR; the CLI decides).
    public var color: Bool
    /// Terminal width in columns.
    public var width: Int
    /// Heatmap weeks; nil: as many as fit, at most 26.
    public var weeks: Int?

    public init(color: Bool = false, width: Int = 80, weeks: Int? = nil) {
        self.color = color
        self.width = width
        self.weeks = weeks
    }

    var heatmapWeeks: Int { weeks ?? max(4, min(26, (width - 6) / 2)) }
}

/// The glyphs of the heatmap: every state is distinguishable without colour.
public enum Glyph {
    public static func of(_ cell: Heatmap.Cell) -> String {
        switch cell {
        case .before, .future: " "
        case .day(let mark): of(mark)
        }
    }

    public static func of(_ mark: DayMark) -> String {
        switch mark {
        case .kept: "■"
        case .partial: "◧"
        case .skipped: "◇"
        case .missed: "×"
        case .unanswered: "?"
        case .pending: "○"
        case .none: "·"
        }
    }

    public static let legend: [(DayMark, String)] = [
        (.kept, "kept"), (.partial, "partly"), (.skipped, "skipped"), (.missed, "missed"),
        (.unanswered, "no answer"), (.pending, "awaiting"), (.none, "nothing asked"),
    ]
}

public enum TerminalReport {
    public static func render(_ report: Report, meta: ReportMeta, style: TerminalStyle) -> String {
        var out = Painter(color: style.color)
        out.line(out.bold("Promises kept") + " — " + Format.long(report.today))
        out.line(summaryLine(report, out: out))
        if let since = report.since { out.line(out.dim("Counting from \(Format.short(since, reference: report.today)).")) }
        if report.items.isEmpty {
            out.line("")
            out.line("No promises yet: add commitments or boundaries to the plan.")
            return out.text
        }
        // Each item's block on its own (on every core for a long report), then in order.
        let blocks = Parallel.map(report.items, threshold: report.items.count >= 16 ? 2 : Int.max) { stats in
            var block = Painter(color: style.color)
            block.line("")
            TerminalReport.block(stats, report: report, style: style, out: &block)
            return block.text
        }
        for text in blocks { out.append(text) }
        out.line("")
        out.line(
            Glyph.legend.map { mark, text in out.paint(Glyph.of(mark), mark) + " " + text }.joined(separator: "  "))
        for imported in meta.imported { out.line(out.dim("Imported: " + imported.sentence + ".")) }
        return out.text
    }

    static func summaryLine(_ report: Report, out: Painter) -> String {
        func part(_ label: String, _ s: PeriodSummary) -> String {
            guard let rate = s.rate else { return "\(label): nothing asked yet" }
            return "\(label): " + out.bold("\(s.kept) of \(s.asked)") + " kept (\(Format.percent(rate))%)"
        }
        return part("This week", report.week) + " · " + part(Format.monthName(report.month.start.month), report.month)
    }

    static func block(_ s: ItemStats, report: Report, style: TerminalStyle, out: inout Painter) {
        var title = out.bold(DisplayText.terminal(s.item.title))
        if s.item.title != s.item.id.rawValue { title += " " + out.dim("(\(s.item.id))") }
        if !s.inPlan { title += out.dim(" — not in the plan; built-in defaults") }
        out.line(title)
        guard s.hasData else {
            if let starts = s.item.starts, starts > report.today {
                out.line("  Starts \(Format.long(starts)); no check-ins yet.")
            } else {
                out.line("  No check-ins recorded yet.")
            }
            if let p = s.progress { out.line(label("This " + p.period.rawValue) + progressText(p, out: out)) }
            return
        }
        let today = report.today
        // Streak.
        var streak = s.item.kind == .boundary ? "held " : ""
        streak += out.bold(Format.count(s.streak, s.unit))
        if let start = s.streakStart, s.streak > 0 { streak += ", since \(Format.short(start, reference: today))" }
        streak += " · best \(Format.count(s.bestStreak, s.unit))"
        out.line(label("Streak") + streak)
        // Strength.
        if let strength = s.strength {
            out.line(label("Strength") + out.bold("\(Format.percent(strength))%") + "  " + sparkline(s, weeks: 12) + out.dim(" 12 weeks"))
        }
        // Rates.
        if s.rates.allSatisfy({ $0.rate == nil }) {
            out.line(label("Kept") + "nothing asked in the last \(s.rates.last?.days ?? 90) days")
        } else {
            let rates = s.rates.enumerated().map { i, r -> String in
                (i == 0 ? "last \(r.days) days " : "\(r.days) days ") + Format.percentText(r.rate)
            }
            out.line(label("Kept") + rates.joined(separator: " · "))
        }
        // Forgiveness.
        let per = Format.thisPeriod(s.item.skips.period)
        if s.item.skips.count == 0 {
            out.line(label("Skips") + "none allowed (\(s.skipsUsed) used \(per))")
        } else {
            out.line(label("Skips") + "\(s.skipsLeft) of \(s.item.skips.count) left \(per)")
        }
        // Milestones.
        let reached = s.milestones.filter { $0.reached != nil }
        var ms = reached.map { "\($0.count) ✓ \(Format.short($0.reached!, reference: today))" }
        if let next = s.nextMilestone {
            ms.append("next \(next) in \(Format.count(next - s.streak, s.unit))")
        }
        if !ms.isEmpty { out.line(label("Milestones") + ms.joined(separator: " · ")) }
        // Frequency target.
        if let p = s.progress { out.line(label("This " + p.period.rawValue) + progressText(p, out: out)) }
        // Heatmap.
        // For a frequency commitment a day without it is no failure: its missed days are dimmed, not red.
        heatmap(
            Heatmap(stats: s, weeks: style.heatmapWeeks, today: today), muteMissed: s.item.target != nil && s.item.kind == .commitment,
            out: &out)
    }

    static func label(_ text: String) -> String { "  " + text.padding(toLength: 12, withPad: " ", startingAt: 0) }

    static func progressText(_ p: PeriodProgress, out: Painter) -> String {
        let head = "\(p.kept) of \(p.target)"
        if p.met { return out.bold(head) + " ✓ target met" }
        if !p.reachable { return head + " · out of reach " + Format.thisPeriod(p.period) }
        var text = head + " · " + out.bold("\(p.needed) more") + " " + Format.thisPeriod(p.period)
        text += " · \(Format.days(p.daysLeft)) left"
        if let spare = p.spare { text += spare == 0 ? ": one every day from now" : " (\(spare) to spare)" }
        return text
    }

    static let sparks = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Strength at the end of each of the last `weeks` weeks (today for the current one), on a fixed 0–100% scale.
    static func sparkline(_ s: ItemStats, weeks: Int) -> String {
        guard let start = s.strengthStart else { return "" }
        var text = ""
        for w in stride(from: weeks - 1, through: 0, by: -1) {
            let day = w == 0 ? s.today : s.today.start(of: .week).adding(days: -7 * w + 6)
            let i = start.days(to: day)
            if i < 0 { text += " "; continue }
            let v = s.strengthHistory[min(i, s.strengthHistory.count - 1)]
            text += sparks[min(7, Int(v * 8))]
        }
        return text
    }

    static func heatmap(_ map: Heatmap, muteMissed: Bool, out: inout Painter) {
        let prefix = 6
        var labels = [Character](repeating: " ", count: prefix + 2 * map.columns.count + 4)
        var lastEnd = 0
        for (column, month, _) in map.monthStarts {
            let x = prefix + 2 * column
            let name = Format.monthAbbrev(month)
            if x < lastEnd + 1 { continue }
            for (i, c) in name.enumerated() where x + i < labels.count { labels[x + i] = c }
            lastEnd = x + name.count
        }
        out.line(out.dim(Format.trimmingTrailingSpaces(String(labels))))
        let rowNames = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
        for d in 0..<7 {
            var row = "  " + out.dim(rowNames[d]) + "  "
            for w in map.columns.indices {
                let cell = map.columns[w][d]
                if case .day(let mark) = cell {
                    row += muteMissed && mark == .missed ? out.dim(Glyph.of(mark)) : out.paint(Glyph.of(mark), mark)
                } else {
                    row += " "
                }
                if w < map.columns.count - 1 { row += " " }
            }
            out.line(Format.trimmingTrailingSpaces(row))
        }
    }
}

/// Accumulates lines, with ANSI colour when enabled.
struct Painter {
    let color: Bool
    private(set) var text = ""

    init(color: Bool) { self.color = color }

    mutating func line(_ s: String) {
        text += s
        text += "\n"
    }

    /// Lines painted by another painter.
    mutating func append(_ lines: String) { text += lines }

    func sgr(_ code: String, _ s: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { sgr("1", s) }
    func dim(_ s: String) -> String { sgr("2", s) }

    func paint(_ s: String, _ mark: DayMark) -> String {
        switch mark {
        case .kept: sgr("32", s)
        case .partial: sgr("33", s)
        case .skipped: sgr("36", s)
        case .missed: sgr("31", s)
        case .unanswered: sgr("35", s)
        case .pending: sgr("1", s)
        case .none: sgr("2", s)
        }
    }
}
