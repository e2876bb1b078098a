// `trustctl calendar`'s output: systemd-analyze calendar's text (and a JSON form), assembled as
// bytes. The local clock is an argument: the C library's in trustctl, a fixed zone in tests.
import Foundation
import TrustCore

/// Turns instants into local wall-clock fields and the zone's abbreviation, as the C library's
/// `localtime_r` does for the process's zone. Tests substitute one for a fixed zone.
public protocol LocalClock {
    /// Local fields, UTC offset in seconds and abbreviation ("CET", "+11") at `seconds`.
    func local(_ seconds: Int64) -> (fields: CivilFields, offset: Int, abbreviation: String)
}

/// Year, month (1…12), day, hour, minute, second, weekday (0 = Sunday).
public struct CivilFields: Hashable, Sendable {
    public var year, month, day, hour, minute, second, weekday: Int
    public init(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, weekday: Int) {
        (self.year, self.month, self.day, self.hour, self.minute, self.second, self.weekday) =
            (year, month, day, hour, minute, second, weekday)
    }

    /// UTC fields of an instant.
    public init(utc seconds: Int64) {
        let s = Int(seconds)
        let days = s >= 0 ? s / 86400 : (s - 86399) / 86400
        let rem = s - days * 86400
        let day = DayKey(daysSinceEpoch: days)
        self.init(
            year: day.year, month: day.month, day: day.day, hour: rem / 3600, minute: rem / 60 % 60, second: rem % 60,
            weekday: day.isoWeekday % 7)
    }
}

public struct CalendarReport: Sendable {
    public var stdout: [UInt8]
    public var stderr: String
    public var failed: Bool

    /// The whole output of `trustctl calendar` for these arguments. `now` feeds "From now".
    public static func render(
        expressions: [String], base: Int64, now: Int64, zone: TimeZone, iterations: Int, json: Bool,
        clock: some LocalClock
    ) -> CalendarReport {
        var out = ByteWriter()
        var stderr = ""
        var failed = false
        let showUTC = !LocalZone.isUTC(zone, at: base)
        if json { out.append("[") }
        for (index, expression) in expressions.enumerated() {
            let spec: CalendarSpec
            do {
                spec = try CalendarSpec.parse(expression)
            } catch {
                failed = true
                stderr += "trustctl: calendar: '\(expression)': column \(error.column): \(error.message)\n"
                stderr += "  \(expression)\n  \(String(repeating: " ", count: max(0, error.column - 1)))^\n"
                if json {
                    out.appendJSONObjectStart(index: index, expression: expression)
                    out.append(", \"error\": ")
                    out.append(Export.jsonString(error.message))
                    out.append(", \"column\": ")
                    out.append(String(error.column))
                    out.append("}")
                } else if index + 1 < expressions.count {
                    out.append("\n")
                }
                continue
            }
            let list = spec.elapsesInMicroseconds(after: base, in: zone, count: iterations)
            if list.stoppedBy == .tooManyIterations {
                failed = true
                stderr +=
                    "trustctl: calendar: '\(expression)': gave up looking for the next elapse after \(list.microseconds.count) (systemd 252 gives up too)\n"
            }
            if json {
                out.appendJSONObjectStart(index: index, expression: expression)
                out.append(", \"normalized\": ")
                out.append(Export.jsonString(spec.normalized))
                out.append(", \"next\": [")
                for (i, us) in list.microseconds.enumerated() {
                    if i > 0 { out.append(", ") }
                    out.append("\"")
                    out.appendISO8601(us, clock: clock)
                    out.append("\"")
                }
                out.append("]}")
                continue
            }
            if spec.normalized != expression {
                out.appendField("Original form")
                out.append(expression)
                out.append("\n")
            }
            out.appendField("Normalized form")
            out.append(spec.normalized)
            out.append("\n")
            if iterations > 0 && list.microseconds.isEmpty {
                out.appendField("Next elapse")
                out.append("never\n")
            }
            for (i, us) in list.microseconds.enumerated() {
                if i == 0 {
                    out.appendField("Next elapse")
                } else {
                    out.appendField("Iter. #\(i + 1)")
                }
                out.appendLocalTimestamp(us / 1_000_000, clock: clock)
                out.append("\n")
                if showUTC {
                    out.appendField("(in UTC)")
                    out.appendUTCTimestamp(us / 1_000_000)
                    out.append("\n")
                }
                out.appendField("From now")
                out.appendRelative(us, now: now)
                out.append("\n")
            }
            if index + 1 < expressions.count { out.append("\n") }
        }
        if json { out.append(expressions.isEmpty ? "]\n" : "\n]\n") }
        return CalendarReport(stdout: out.bytes, stderr: stderr, failed: failed)
    }
}

/// An append-only byte buffer with the few formatters the report needs.
struct ByteWriter {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 16) }

    mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    @inline(__always)
    mutating func append(byte: UInt8) { bytes.append(byte) }

    /// `n` as decimal, zero-padded to `width`.
    mutating func append(number n: Int, width: Int = 1) {
        if width == 2 && n >= 0 && n < 100 {
            bytes.append(UInt8(48 + n / 10))
            bytes.append(UInt8(48 + n % 10))
            return
        }
        if width == 4 && n >= 1000 && n < 10000 {
            bytes.append(UInt8(48 + n / 1000))
            bytes.append(UInt8(48 + n / 100 % 10))
            bytes.append(UInt8(48 + n / 10 % 10))
            bytes.append(UInt8(48 + n % 10))
            return
        }
        var v = n
        if v < 0 {
            bytes.append(UInt8(ascii: "-"))
            v = -v
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            } while v > 0
            while count < width {
                d[count] = 48
                count += 1
            }
            for i in stride(from: count - 1, through: 0, by: -1) { bytes.append(d[i]) }
        }
    }

    /// `,` after the first, then `\n  {"expression": "…"` (the JSON form's object for one expression).
    mutating func appendJSONObjectStart(index: Int, expression: String) {
        if index > 0 { append(",") }
        append("\n  {\"expression\": ")
        append(Export.jsonString(expression))
    }

    /// A field name right-aligned to systemd's column, then ": ".
    mutating func appendField(_ name: String) {
        let width = 15
        let n = name.utf8.count
        if n < width { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: width - n)) }
        append(name)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
    }

    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].map { Array($0.utf8) }

    /// `Wed 2026-11-25 19:00:00`
    private mutating func appendFields(_ f: CivilFields) {
        bytes.append(contentsOf: Self.weekdays[f.weekday])
        bytes.append(UInt8(ascii: " "))
        appendDateTime(f, separator: UInt8(ascii: " "))
    }

    /// `2026-11-25 19:00:00`, the separator between date and time given.
    private mutating func appendDateTime(_ f: CivilFields, separator: UInt8) {
        append(number: f.year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        append(number: f.month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        append(number: f.day, width: 2)
        bytes.append(separator)
        append(number: f.hour, width: 2)
        bytes.append(UInt8(ascii: ":"))
        append(number: f.minute, width: 2)
        bytes.append(UInt8(ascii: ":"))
        append(number: f.second, width: 2)
    }

    /// `Wed 2026-11-25 19:00:00 CET` (systemd's format_timestamp).
    mutating func appendLocalTimestamp(_ seconds: Int64, clock: some LocalClock) {
        let (fields, _, abbreviation) = clock.local(seconds)
        appendFields(fields)
        if !abbreviation.isEmpty {
            bytes.append(UInt8(ascii: " "))
            append(abbreviation)
        }
    }

    mutating func appendUTCTimestamp(_ seconds: Int64) {
        appendFields(CivilFields(utc: seconds))
        append(" UTC")
    }

    /// `2026-11-25T19:00:00+01:00`, with `.ffffff` when the elapse has microseconds.
    mutating func appendISO8601(_ microseconds: Int64, clock: some LocalClock) {
        let seconds = microseconds / 1_000_000
        let fraction = Int(microseconds % 1_000_000)
        let (f, offset, _) = clock.local(seconds)
        appendDateTime(f, separator: UInt8(ascii: "T"))
        if fraction > 0 {
            bytes.append(UInt8(ascii: "."))
            append(number: fraction, width: 6)
        }
        bytes.append(UInt8(ascii: offset < 0 ? "-" : "+"))
        let a = abs(offset)
        append(number: a / 3600, width: 2)
        bytes.append(UInt8(ascii: ":"))
        append(number: a / 60 % 60, width: 2)
        if a % 60 != 0 {
            bytes.append(UInt8(ascii: ":"))
            append(number: a % 60, width: 2)
        }
    }

    /// systemd's format_timestamp_relative: "1 month 1 day ago", "5h 3min left", "now".
    mutating func appendRelative(_ t: Int64, now: Int64) {
        let (d, suffix) = now > t ? (now - t, " ago") : (t - now, " left")
        let second: Int64 = 1_000_000
        let minute = 60 * second
        let hour = 60 * minute
        let day = 24 * hour
        let week = 7 * day
        let month = 2_629_800 * second
        let year = 31_557_600 * second
        func one(_ a: Int64, _ unit: String) {
            append(number: Int(a))
            append(unit)
        }
        func two(_ a: Int64, _ aOne: String, _ aMany: String, _ b: Int64, _ bOne: String, _ bMany: String) {
            one(a, a == 1 ? aOne : aMany)
            one(b, b == 1 ? bOne : bMany)
        }
        if d >= year {
            two(d / year, " year ", " years ", (d % year) / month, " month", " months")
        } else if d >= month {
            two(d / month, " month ", " months ", (d % month) / day, " day", " days")
        } else if d >= week {
            two(d / week, " week ", " weeks ", (d % week) / day, " day", " days")
        } else if d >= 2 * day {
            one(d / day, " days")
        } else if d >= 25 * hour {
            append("1 day ")
            one((d - day) / hour, "h")
        } else if d >= 6 * hour {
            one(d / hour, "h")
        } else if d >= hour {
            one(d / hour, "h ")
            one((d % hour) / minute, "min")
        } else if d >= 5 * minute {
            one(d / minute, "min")
        } else if d >= minute {
            one(d / minute, "min ")
            one((d % minute) / second, "s")
        } else if d >= second {
            one(d / second, "s")
        } else if d >= 1000 {
            one(d / 1000, "ms")
        } else if d > 0 {
            one(d, "us")
        } else {
            append("now")
            return
        }
        append(suffix)
    }
}

// MARK: - The local zone

public enum LocalZone {
    public struct UnknownZone: Error, CustomStringConvertible {
        public var value: String
        public var description: String {
            "the time zone in $TZ ('\(value)') is unknown: use an IANA name such as Europe/Berlin, or unset TZ"
        }
    }

    /// The zone systemd-analyze would use for `tz`, the value of $TZ (with or without a leading ':'),
    /// or /etc/localtime when TZ is unset (nil).
    public static func resolve(tz: String?) throws -> TimeZone {
        guard var name = tz else { return TimeZone.current }
        if name.hasPrefix(":") { name.removeFirst() }
        if name.isEmpty { return TimeZone(identifier: "UTC")! }
        for prefix in ["/usr/share/zoneinfo/", "/usr/share/zoneinfo/posix/"] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
        }
        guard let zone = TimeZone(identifier: name) ?? (name == "UTC" ? TimeZone(identifier: "GMT") : nil) else {
            throw UnknownZone(value: tz ?? "")
        }
        return zone
    }

    /// Whether the zone is UTC in effect (no offset, no DST), when systemd omits the "(in UTC)" lines.
    public static func isUTC(_ zone: TimeZone, at microseconds: Int64) -> Bool {
        let date = Date(timeIntervalSince1970: Double(microseconds / 1_000_000))
        return zone.secondsFromGMT(for: date) == 0 && zone.nextDaylightSavingTimeTransition(after: date) == nil
            && zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0
    }
}

