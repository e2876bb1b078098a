// Shared value types of the pure core. No I/O, no clock: every function that
// needs "now" or a time zone takes it as an argument.
import Foundation

/// The stable key of a plan item in the store: `[a-z0-9][a-z0-9-]*`.
public struct ItemID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: ItemID, b: ItemID) -> Bool { a.rawValue < b.rawValue }

    /// Whether `text` is a valid id: `[a-z0-9][a-z0-9-]*`.
    public static func isValid(_ text: String) -> Bool {
        guard let first = text.utf8.first, isLowerAlnum(first) else { return false }
        return text.utf8.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }
    private static func isLowerAlnum(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }
}

/// A commitment is a promise to do something; a boundary is a promise not to.
public enum ItemKind: String, Sendable, Codable, CaseIterable, Hashable {
    case commitment
    case boundary
}

/// What a person says about one occurrence.
public enum Answer: String, Sendable, Codable, CaseIterable, Hashable {
    case kept
    case missed
    case skipped
}

/// Where an occurrence stands in the ledger.
public enum CheckInState: String, Sendable, Codable, CaseIterable, Hashable {
    /// Scheduled (prompted or not yet), awaiting an answer, deadline not passed.
    case pending
    case kept
    case missed
    case skipped
    /// The deadline passed without an answer.
    case unanswered
    /// Withdrawn by a clock correction: entered for an instant that, once the clock was set back,
    /// had not come yet, and never answered. Out of every figure (report, review, export); shown by
    /// `history`.
    case voided

    public init(_ answer: Answer) {
        switch answer {
        case .kept: self = .kept
        case .missed: self = .missed
        case .skipped: self = .skipped
        }
    }

    /// The answer, if this state is one.
    public var answer: Answer? {
        switch self {
        case .kept: .kept
        case .missed: .missed
        case .skipped: .skipped
        case .pending, .unanswered, .voided: nil
        }
    }
}

/// Calendar periods used by frequency targets and forgiveness budgets.
/// Weeks start on Monday (ISO 8601, as systemd's weekday order); months are calendar months.
public enum Period: String, Sendable, Codable, CaseIterable, Hashable {
    case day
    case week
    case month
}

/// "N per period": `3/week` (a frequency target), `2/month` (a skip budget).
public struct PerPeriod: Hashable, Sendable, Codable, CustomStringConvertible {
    public var count: Int
    public var period: Period
    public init(count: Int, period: Period) {
        self.count = count
        self.period = period
    }
    public var description: String { "\(count)/\(period.rawValue)" }

    /// Target frequency per day: 1 for 1/day, 3/7 for 3/week, 1/30 for 1/month (Loop Habit Tracker's f).
    public var perDay: Double {
        switch period {
        case .day: Double(count)
        case .week: Double(count) / 7
        case .month: Double(count) / 30
        }
    }
}

/// A local time of day, `HH:MM[:SS]`, as seconds since local midnight.
public struct TimeOfDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var secondsSinceMidnight: Int
    public init(secondsSinceMidnight: Int) { self.secondsSinceMidnight = secondsSinceMidnight }
    public init(hour: Int, minute: Int, second: Int = 0) {
        self.secondsSinceMidnight = hour * 3600 + minute * 60 + second
    }
    public static let midnight = TimeOfDay(secondsSinceMidnight: 0)
    public var hour: Int { secondsSinceMidnight / 3600 }
    public var minute: Int { secondsSinceMidnight / 60 % 60 }
    public var second: Int { secondsSinceMidnight % 60 }
    public var description: String { second == 0 ? "\(twoDigits(hour)):\(twoDigits(minute))" : withSeconds }
    /// `HH:MM:SS`, the seconds shown even when zero.
    public var withSeconds: String { "\(twoDigits(hour)):\(twoDigits(minute)):\(twoDigits(second))" }
    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.secondsSinceMidnight < b.secondsSinceMidnight }
}

/// A calendar day (proleptic Gregorian), the unit of streaks and heatmaps.
/// Arithmetic is pure integer math (days since 1970-01-01), fast enough for 10-year ledgers.
public struct DayKey: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil when malformed or not a real date.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), d >= 1, d <= DayKey.daysInMonth(year: y, month: m)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String { "\(zeroPadded(year, width: 4))-\(twoDigits(month))-\(twoDigits(day))" }

    public static func < (a: DayKey, b: DayKey) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public init(daysSinceEpoch z0: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }

    public func adding(days: Int) -> DayKey { DayKey(daysSinceEpoch: daysSinceEpoch + days) }

    /// Days from `self` to `other` (positive when `other` is later).
    public func days(to other: DayKey) -> Int { other.daysSinceEpoch - daysSinceEpoch }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let w = (daysSinceEpoch + 3) % 7  // 1970-01-01 was a Thursday (ISO 4)
        return (w < 0 ? w + 7 : w) + 1
    }

    /// `Mon` … `Sun`: the weekday as systemd writes it (calendar expressions, `systemd-analyze`).
    public var weekdayAbbreviation: String { CalendarSpec.weekdayNames[isoWeekday - 1] }

    /// The first day of the period containing this day (weeks start on Monday).
    public func start(of period: Period) -> DayKey {
        switch period {
        case .day: self
        case .week: adding(days: 1 - isoWeekday)
        case .month: DayKey(year: year, month: month, day: 1)
        }
    }

    /// The first day of the next period.
    public func startOfNext(_ period: Period) -> DayKey {
        switch period {
        case .day: adding(days: 1)
        case .week: start(of: .week).adding(days: 7)
        case .month: month == 12 ? DayKey(year: year + 1, month: 1, day: 1) : DayKey(year: year, month: month + 1, day: 1)
        }
    }

    public static func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Civil (wall-clock) time of an instant in a zone, without Foundation's Calendar.
public struct LocalTime: Hashable, Sendable, CustomStringConvertible {
    public var day: DayKey
    public var timeOfDay: TimeOfDay
    /// Offset from UTC in seconds at that instant (includes DST).
    public var utcOffset: Int

    public init(day: DayKey, timeOfDay: TimeOfDay, utcOffset: Int) {
        self.day = day
        self.timeOfDay = timeOfDay
        self.utcOffset = utcOffset
    }

    public init(_ date: Date, in zone: TimeZone) {
        self.init(date, utcOffset: zone.secondsFromGMT(for: date))
    }

    /// The wall clock of `date` where the offset from UTC is `utcOffset` seconds (for callers
    /// that already know the zone's offset at that instant).
    public init(_ date: Date, utcOffset: Int) {
        let t = Int((date.timeIntervalSince1970).rounded(.down)) + utcOffset
        let days = t >= 0 ? t / 86400 : (t - 86399) / 86400
        self.init(day: DayKey(daysSinceEpoch: days), timeOfDay: TimeOfDay(secondsSinceMidnight: t - days * 86400),
            utcOffset: utcOffset)
    }

    public var description: String { "\(day) \(timeOfDay)" }

    /// The offset from UTC as `+01:00` or `-05:30`.
    public var utcOffsetText: String {
        let a = abs(utcOffset)
        return "\(utcOffset < 0 ? "-" : "+")\(twoDigits(a / 3600)):\(twoDigits(a / 60 % 60))"
    }

    /// RFC 3339 (ISO 8601) with the offset: `2026-11-25T21:30:00+01:00`.
    public var rfc3339: String { "\(day)T\(timeOfDay.withSeconds)\(utcOffsetText)" }
}

extension DayKey {
    /// The day an instant belongs to: its local calendar day in `zone`, except that
    /// instants before `dayStart` (e.g. 04:00) belong to the previous day.
    public static func of(_ date: Date, in zone: TimeZone, dayStart: TimeOfDay = .midnight) -> DayKey {
        let local = LocalTime(date, in: zone)
        return local.timeOfDay < dayStart ? local.day.adding(days: -1) : local.day
    }
}

/// Zero-padded two-digit decimal (0–99), without `String(format:)` (slow on Linux).
@inline(__always)
func twoDigits(_ n: Int) -> String {
    n < 10 && n >= 0 ? "0\(n)" : String(n)
}

/// `n` in decimal with zeros in front up to `width` digits (`%0*d` without `String(format:)`).
func zeroPadded(_ n: Int, width: Int) -> String {
    let digits = String(n)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
