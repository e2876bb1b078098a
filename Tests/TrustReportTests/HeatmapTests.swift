import Foundation
import Testing
import TrustCore
import TrustReport
import TrustTestSupport

@Suite struct HeatmapTests {
    let today = DayKey.d("2026-11-25")  // Wednesday

    func stats(_ pattern: String, from: String) -> ItemStats {
        var ledger = LedgerBuilder()
        ledger.pattern("call", from: .d(from), pattern)
        ledger.add("call", on: .d("2026-11-22"), at: TimeOfDay(hour: 8, minute: 0), .missed)  // Sunday: missed + kept
        return ItemStats(
            item: Item(id: "call", kind: .commitment, title: "Call", schedule: []), records: ledger.records,
            today: today, now: ledger.instant(today, TimeOfDay(hour: 12, minute: 0)))
    }

    @Test func cellsByWeekdayAndWeek() {
        let map = Heatmap(stats: stats("KMSU.K.KP", from: "2026-11-17"), weeks: 2, today: today)
        #expect(map.start == .d("2026-11-16"))
        let first: [Heatmap.Cell] = [
            .before, .day(.kept), .day(.missed), .day(.skipped), .day(.unanswered), .day(.none), .day(.partial),
        ]
        #expect(map.columns[0] == first)
        #expect(map.columns[1] == [.day(.none), .day(.kept), .day(.pending), .future, .future, .future, .future])
        #expect(map.day(column: 1, row: 2) == today)
    }

    @Test func unansweredAndNothingAskedDiffer() {
        let map = Heatmap(stats: stats("KU.", from: "2026-11-02"), weeks: 4, today: today)
        #expect(map.columns[0][0] == .day(.kept))
        #expect(map.columns[0][1] == .day(.unanswered))
        #expect(map.columns[0][2] == .day(.none))
    }

    @Test(arguments: [
        // today, weeks, expected labels (column, month)
        ("2026-11-25", 26, [(0, 6), (4, 7), (8, 8), (13, 9), (17, 10), (21, 11)]),
        ("2026-11-25", 4, [(0, 11)]),
        ("2026-12-02", 3, [(1, 11), (2, 12)].dropFirst().map { $0 }),  // Nov's column would crowd Dec's
    ] as [(String, Int, [(Int, Int)])])
    func monthLabels(today: String, weeks: Int, labels: [(Int, Int)]) {
        let map = Heatmap(stats: stats("K", from: "2026-11-02"), weeks: weeks, today: .d(today))
        #expect(map.monthStarts.map { [$0.column, $0.month] } == labels.map { [$0.0, $0.1] })
    }

    @Test func everyMarkHasItsOwnGlyph() {
        let glyphs = DayMark.allCases.map { Glyph.of($0) }
        #expect(Set(glyphs).count == DayMark.allCases.count)
        #expect(!glyphs.contains(" "))
        #expect(Glyph.legend.map(\.0) == DayMark.allCases)
    }

    @Test func terminalRowsShowTheGlyphs() {
        let report = Report(
            plan: nil, records: {
                var l = LedgerBuilder()
                l.pattern("call", from: .d("2026-11-16"), "KMSU.KSKP")
                return l.records
            }(), today: today, now: LedgerBuilder().instant(today, TimeOfDay(hour: 12, minute: 0)))
        let text = TerminalReport.render(
            report, meta: ReportMeta(generatedAt: .now, timeZone: TimeZone(identifier: "Europe/Berlin")!),
            style: TerminalStyle(color: false, width: 80, weeks: 2))
        let lines = text.split(separator: "\n").map(String.init)
        let rows = lines.filter { ["  Mo", "  Tu", "  We", "  Th", "  Fr", "  Sa", "  Su"].contains(String($0.prefix(4))) }
        #expect(rows == ["  Mo  ■ ■", "  Tu  × ○", "  We  ◇ ·", "  Th  ?", "  Fr  ·", "  Sa  ■", "  Su  ◇"])
        #expect(lines.last == "■ kept  ◧ partly  ◇ skipped  × missed  ? no answer  ○ awaiting  · nothing asked")
    }
}
