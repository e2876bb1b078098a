// The calendar heatmap (GitHub-contributions style): one column per week, Monday on top.
import TrustCore

public struct Heatmap: Sendable {
    public enum Cell: Sendable, Hashable {
        /// Before the item's first check-in (or before `--since`).
        case before
        /// After today.
        case future
        case day(DayMark)
    }

    /// Monday of the first column.
    public var start: DayKey
    /// `columns[w][d]`: week w, weekday d (0 = Monday).
    public var columns: [[Cell]]

    /// The last `weeks` weeks up to and including today's.
    public init(stats: ItemStats, weeks: Int, today: DayKey) {
        let weeks = max(1, weeks)
        start = today.start(of: .week).adding(days: -7 * (weeks - 1))
        var columns: [[Cell]] = []
        columns.reserveCapacity(weeks)
        for w in 0..<weeks {
            var column: [Cell] = []
            for d in 0..<7 {
                let day = start.adding(days: 7 * w + d)
                if day > today {
                    column.append(.future)
                } else if let days = stats.days, day >= days.first {
                    column.append(.day(days[day].mark))
                } else {
                    column.append(.before)
                }
            }
            columns.append(column)
        }
        self.columns = columns
    }

    public func day(column w: Int, row d: Int) -> DayKey { start.adding(days: 7 * w + d) }

    /// Columns where a month begins (the week containing its 1st), with that month: where labels go.
    public var monthStarts: [(column: Int, month: Int, year: Int)] {
        var result: [(column: Int, month: Int, year: Int)] = []
        for w in columns.indices {
            let monday = start.adding(days: 7 * w)
            let sunday = monday.adding(days: 6)
            if w == 0 {
                // The first column is labelled with its own month unless a new one starts within it.
                let m = sunday.day <= 7 && sunday.month != monday.month ? sunday : monday
                result.append((0, m.month, m.year))
            } else if sunday.day <= 7 {
                result.append((w, sunday.month, sunday.year))
            }
        }
        // The first column's own month only when there is room before the next label.
        if result.count > 1 && result[0].column == 0 && result[1].column < 3 { result.removeFirst() }
        return result
    }
}
