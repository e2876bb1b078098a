// Number and date formatting shared by every renderer, so the terminal, JSON, HTML and Markdown agree.
import Foundation
import TrustCore

public enum Format {
    /// A 0…1 value as a whole percentage, rounded half up: the one rounding every renderer uses.
    public static func percent(_ x: Double) -> Int { Int((x * 100).rounded(.toNearestOrAwayFromZero)) }

    /// "87%", or "–" for nil.
    public static func percentText(_ x: Double?) -> String { x.map { "\(percent($0))%" } ?? "–" }

    static let monthAbbrevs = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    static let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

    public static func monthAbbrev(_ month: Int) -> String { monthAbbrevs[month - 1] }
    public static func monthName(_ month: Int) -> String { monthNames[month - 1] }

    /// "Nov 16" (with the year when it is not `reference`'s year: "Nov 16 2025").
    public static func short(_ day: DayKey, reference: DayKey? = nil) -> String {
        let base = "\(monthAbbrev(day.month)) \(day.day)"
        if let reference, reference.year != day.year { return base + " \(day.year)" }
        return base
    }

    /// "Wednesday 25 November 2026".
    public static func long(_ day: DayKey) -> String {
        "\(weekdayNames[day.isoWeekday - 1]) \(day.day) \(monthName(day.month)) \(day.year)"
    }

    /// "Mon 16 Nov".
    public static func weekdayShort(_ day: DayKey) -> String {
        "\(day.weekdayAbbreviation) \(day.day) \(monthAbbrev(day.month))"
    }

    /// "16–22 November 2026", "30 November – 6 December 2026", "29 December 2025 – 4 January 2026".
    public static func range(_ a: DayKey, _ b: DayKey) -> String {
        if a.year != b.year {
            return "\(a.day) \(monthName(a.month)) \(a.year) – \(b.day) \(monthName(b.month)) \(b.year)"
        }
        if a.month != b.month { return "\(a.day) \(monthName(a.month)) – \(b.day) \(monthName(b.month)) \(b.year)" }
        return "\(a.day)–\(b.day) \(monthName(a.month)) \(a.year)"
    }

    /// An instant as RFC 3339 in UTC: `2026-11-25T20:30:00Z`.
    public static func utc(_ date: Date) -> String {
        let t = LocalTime(date, in: utcZone)
        return "\(t.day)T\(t.timeOfDay.withSeconds)Z"
    }

    /// An instant as RFC 3339 local time with its offset: `2026-11-25T21:30:00+01:00`.
    public static func local(_ date: Date, in zone: TimeZone) -> String { LocalTime(date, in: zone).rfc3339 }

    /// `21:30` (seconds left out).
    public static func hourMinute(_ t: TimeOfDay) -> String { "\(twoDigits(t.hour)):\(twoDigits(t.minute))" }

    /// `s` without trailing spaces (a padded table row's end).
    public static func trimmingTrailingSpaces(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t = t.dropLast() }
        return String(t)
    }

    static let utcZone = TimeZone(identifier: "UTC")!

    @inline(__always)
    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// "1 check-in", "3 weeks".
    public static func count(_ n: Int, _ unit: StreakUnit) -> String { "\(n) \(unit.noun(n))" }

    /// "this week", "this month", "today".
    public static func thisPeriod(_ p: Period) -> String {
        switch p {
        case .day: "today"
        case .week: "this week"
        case .month: "this month"
        }
    }

    /// "1 day", "3 days".
    public static func days(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }
}

/// Zones by identifier, and their UTC offsets, looked up once per zone and transition: the ledger
/// repeats the same few zones, in time order. A zone is looked up by name once (`index`), then by index.
struct ZoneCache {
    private struct Span {
        var zone: TimeZone
        var from: Date = .distantFuture
        var until: Date = .distantPast
        var offset = 0
    }
    private var spans: [Span] = []
    private var indices: [String: Int] = [:]

    mutating func zone(_ id: String) -> TimeZone { spans[index(id)].zone }

    /// Seconds east of UTC in zone `id` at `date` (UTC for an unknown zone).
    mutating func offset(_ id: String, at date: Date) -> Int { offset(index(id), at: date) }

    /// The zone's index for `offset(_:at:)`.
    mutating func index(_ id: String) -> Int {
        if let i = indices[id] { return i }
        spans.append(Span(zone: TimeZone(identifier: id) ?? Format.utcZone))
        indices[id] = spans.count - 1
        return spans.count - 1
    }

    /// Seconds east of UTC in the zone at `index` at `date`.
    mutating func offset(_ index: Int, at date: Date) -> Int {
        let s = spans[index]
        if date >= s.from && date < s.until { return s.offset }
        let offset = s.zone.secondsFromGMT(for: date)
        spans[index].offset = offset
        spans[index].from = date
        spans[index].until = s.zone.nextDaylightSavingTimeTransition(after: date) ?? .distantFuture
        return offset
    }
}
