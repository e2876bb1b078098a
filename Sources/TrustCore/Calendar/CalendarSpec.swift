// systemd calendar events (systemd.time(7)) with systemd 252's semantics: the same expressions
// accepted, the same normalized form, the same next elapse to the microsecond, DST included.
import Foundation

/// A parse error in a calendar expression. `column` is 1-based within the expression.
public struct CalendarSpecError: Error, Hashable, Sendable, CustomStringConvertible {
    public var column: Int
    public var message: String
    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }
    public var description: String { "column \(column): \(message)" }
}

/// A systemd calendar event expression (systemd.time(7)), e.g. `Mon..Fri 19:00`.
///
/// `parse` accepts exactly what systemd 252's `calendar_spec_from_string` accepts (except a
/// trailing abbreviation of the *local* zone such as `CEST`, which systemd resolves against the
/// process's `$TZ`; write an IANA name or `UTC` instead). `next(after:in:)` is
/// `calendar_spec_next_usec`.
public struct CalendarSpec: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let original: String
    /// The form `systemd-analyze calendar` prints as "Normalized form:".
    public let normalized: String
    /// The expression's own zone (`… UTC`, `… Europe/Berlin`), nil when it has none.
    public let timeZone: TimeZone?

    /// Weekdays as bits, Monday = bit 0 … Sunday = bit 6; -1 when any day matches.
    let weekdays: Int
    // Each chain is sorted and free of duplicates; empty means `*` (any value).
    let year: [CalendarComponent]
    let month: [CalendarComponent]
    let day: [CalendarComponent]
    let hour: [CalendarComponent]
    let minute: [CalendarComponent]
    /// Seconds in microseconds (never empty: `*` is `0/1`).
    let microsecond: [CalendarComponent]
    /// `~`: days count back from the end of the month.
    let endOfMonth: Bool
    /// Evaluated in UTC (`… UTC`, `@EPOCH`).
    let utc: Bool

    init(
        original: String, timeZone: TimeZone?, zoneName: String?, weekdays: Int, year: [CalendarComponent],
        month: [CalendarComponent], day: [CalendarComponent], hour: [CalendarComponent],
        minute: [CalendarComponent], microsecond: [CalendarComponent], endOfMonth: Bool, utc: Bool
    ) {
        self.original = original
        self.timeZone = timeZone
        self.weekdays = weekdays
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.microsecond = microsecond
        self.endOfMonth = endOfMonth
        self.utc = utc
        self.normalized = Self.format(
            weekdays: weekdays, year: year, month: month, day: day, hour: hour, minute: minute,
            microsecond: microsecond, endOfMonth: endOfMonth, zone: utc ? "UTC" : zoneName)
    }

    /// Parses a calendar expression; the error names the 1-based column it is about.
    public static func parse(_ text: String) throws(CalendarSpecError) -> CalendarSpec {
        var parser = CalendarParser(text)
        return try parser.parse()
    }

    /// The first elapse strictly after `date`, evaluated in the expression's own zone, else in
    /// `zone`; nil when it never elapses again (years are capped at 2199 like systemd).
    public func next(after date: Date, in zone: TimeZone) -> Date? {
        var engine = CalendarEngine(spec: self, zone: zone)
        return engine.next(afterMicroseconds: Self.microseconds(before: date)).map(Self.date)
    }

    /// Up to `count` successive elapses after `date` (each strictly after the previous), as
    /// `systemd-analyze calendar --iterations=count` lists them. Shorter when it stops elapsing.
    public func elapses(after date: Date, in zone: TimeZone, count: Int) -> [Date] {
        elapsesInMicroseconds(after: Self.microseconds(before: date), in: zone, count: count).microseconds.map(Self.date)
    }

    /// `elapses(after:in:count:)` in microseconds since the epoch (systemd's `usec_t`), for
    /// callers that format thousands of them, with the reason the list is short, if it is.
    public func elapsesInMicroseconds(after microseconds: Int64, in zone: TimeZone, count: Int) -> CalendarElapses {
        var engine = CalendarEngine(spec: self, zone: zone)
        var result = CalendarElapses(microseconds: [], stoppedBy: nil)
        result.microseconds.reserveCapacity(max(0, min(count, 100_000)))
        var after = microseconds
        while result.microseconds.count < count {
            switch engine.search(afterMicroseconds: after) {
            case .success(let next):
                result.microseconds.append(next)
                after = next
            case .failure(let failure):
                result.stoppedBy = failure
                return result
            }
        }
        return result
    }

    public var description: String { normalized }

    /// The microsecond an instant falls in, rounded so that an elapse at a whole microsecond
    /// after `date` is still found; instants before 1970 count as just before the epoch.
    static func microseconds(before date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970
        guard seconds >= 0 else { return -1 }
        guard seconds < 1e13 else { return Int64.max }
        let scaled = seconds * 1_000_000
        var us = Int64(scaled.rounded())
        if Double(us) > scaled { us -= 1 }
        return us
    }

    static func date(_ microseconds: Int64) -> Date {
        let seconds = microseconds / 1_000_000
        let fraction = microseconds % 1_000_000
        return Date(timeIntervalSince1970: Double(seconds) + Double(fraction) / 1_000_000)
    }
}

/// Successive elapses, and why there are no more when fewer than asked for.
public struct CalendarElapses: Sendable, Hashable {
    /// Microseconds since the epoch, ascending.
    public var microseconds: [Int64]
    /// nil when the list is as long as asked.
    public var stoppedBy: CalendarSearchFailure?
}

/// One element of a comma-separated list: `start`, `start..stop`, `start/step`, `start..stop/step`.
/// As systemd's `CalendarComponent`: `stop` is -1 when absent; `step` 0 when absent.
struct CalendarComponent: Hashable, Sendable, Comparable {
    var start: Int
    var stop: Int
    var step: Int

    static func < (a: Self, b: Self) -> Bool { (a.start, a.stop, a.step) < (b.start, b.stop, b.step) }

    static func value(_ v: Int) -> Self { Self(start: v, stop: -1, step: 0) }
}

// MARK: - Normalized form

extension CalendarSpec {
    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    static func format(
        weekdays: Int, year: [CalendarComponent], month: [CalendarComponent], day: [CalendarComponent],
        hour: [CalendarComponent], minute: [CalendarComponent], microsecond: [CalendarComponent],
        endOfMonth: Bool, zone: String?
    ) -> String {
        var s = ""
        if weekdays > 0 && weekdays <= 127 {
            formatWeekdays(weekdays, into: &s)
            s += " "
        }
        formatChain(year, width: 4, usec: false, into: &s)
        s += "-"
        formatChain(month, width: 2, usec: false, into: &s)
        s += endOfMonth ? "~" : "-"
        formatChain(day, width: 2, usec: false, into: &s)
        s += " "
        formatChain(hour, width: 2, usec: false, into: &s)
        s += ":"
        formatChain(minute, width: 2, usec: false, into: &s)
        s += ":"
        formatChain(microsecond, width: 2, usec: true, into: &s)
        if let zone {
            s += " "
            s += zone
        }
        return s
    }

    /// Runs of three or more days as `Mon..Wed`, pairs as `Mon,Tue`.
    private static func formatWeekdays(_ bits: Int, into s: inout String) {
        var needComma = false
        var l = -1
        var x = 0
        while x < 7 {
            if bits & (1 << x) != 0 {
                if l < 0 {
                    if needComma { s += "," } else { needComma = true }
                    s += weekdayNames[x]
                    l = x
                }
            } else if l >= 0 {
                if x > l + 1 {
                    s += x > l + 2 ? ".." : ","
                    s += weekdayNames[x - 1]
                }
                l = -1
            }
            x += 1
        }
        if l >= 0 && x > l + 1 {
            s += x > l + 2 ? ".." : ","
            s += weekdayNames[x - 1]
        }
    }

    private static func formatChain(_ chain: [CalendarComponent], width: Int, usec: Bool, into s: inout String) {
        let d = usec ? 1_000_000 : 1
        if chain.isEmpty {
            s += "*"
            return
        }
        if usec && chain.count == 1 && chain[0].start == 0 && chain[0].stop < 0 && chain[0].step == 1_000_000 {
            s += "*"
            return
        }
        for (i, c) in chain.enumerated() {
            if i > 0 { s += "," }
            s += zeroPadded(c.start / d, width: width)
            if c.start % d > 0 { s += "." + zeroPadded(c.start % d, width: 6) }
            if c.stop > 0 { s += ".." + zeroPadded(c.stop / d, width: width) }
            if c.stop > 0 && c.stop % d > 0 { s += "." + zeroPadded(c.stop % d, width: 6) }
            if c.step > 0 && !(c.stop > 0 && c.step == d) { s += "/" + String(c.step / d) }
            if c.step % d > 0 { s += "." + zeroPadded(c.step % d, width: 6) }
        }
    }
}
