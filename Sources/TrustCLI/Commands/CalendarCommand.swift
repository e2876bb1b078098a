// `trustctl calendar`: systemd-analyze calendar for trustd's engine — normalize expressions and
// list when they elapse. Built for speed: the whole report is assembled as bytes and written once.
import ArgumentParser
import Foundation
import TrustCore
import TrustReport

#if canImport(Glibc)
import Glibc
#endif

public struct CalendarCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Normalize calendar expressions and show when they elapse.",
        discussion: """
            Accepts what systemd.time(7) calls calendar events and answers as \
            `systemd-analyze calendar` (systemd 252) does, in the local zone ($TZ or /etc/localtime), \
            except that a trailing abbreviation of the local zone ('daily CEST') is refused: write \
            its IANA name or UTC ('daily Europe/Berlin'). Examples: 'Mon..Fri 19:00', 'Sun 18:00', 'daily', '*-*-* 07:30', '*-02~03', \
            'Sat 10:00 Europe/Berlin'.
            """)

    @Option(
        name: .customLong("base-time"),
        help: ArgumentHelp("Compute elapses after this time: @EPOCH or 'YYYY-MM-DD HH:MM[:SS]' (local).", valueName: "TIME"))
    public var baseTime: String?

    @Option(help: ArgumentHelp("How many elapses to show per expression.", valueName: "N"))
    public var iterations: Int = 1

    @Flag(help: "Print a JSON array, one object per expression.")
    public var json = false

    @Argument(help: ArgumentHelp("Calendar expressions.", valueName: "EXPRESSION"))
    public var expressions: [String] = []

    public init() {}

    public func validate() throws {
        if expressions.isEmpty { throw ValidationError("give at least one calendar expression") }
        if iterations < 0 { throw ValidationError("--iterations must be 0 or more, not \(iterations)") }
    }

    public func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let zone: TimeZone
        do {
            zone = try LocalZone.resolve(environment: environment)
        } catch {
            FileHandle.standardError.write(Data("trustctl: calendar: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let now = LocalZone.nowMicroseconds()
        let base: Int64
        if let baseTime {
            guard let parsed = BaseTime.parse(baseTime) else {
                FileHandle.standardError.write(Data(
                    "trustctl: calendar: cannot read --base-time '\(baseTime)': expected @EPOCH or 'YYYY-MM-DD HH:MM[:SS]'\n".utf8))
                throw ExitCode(2)
            }
            base = parsed
        } else {
            base = now
        }
        let report = CalendarReport.render(
            expressions: expressions, base: base, now: now, zone: zone, iterations: iterations, json: json,
            clock: GlibcLocalClock())
        report.stdout.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = write(1, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    break
                }
                offset += n
            }
        }
        if !report.stderr.isEmpty { FileHandle.standardError.write(Data(report.stderr.utf8)) }
        if report.failed { throw ExitCode(1) }
    }
}

// MARK: - The report

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

/// The C library's view of the process's zone ($TZ), which is what systemd-analyze prints in.
struct GlibcLocalClock: LocalClock {
    func local(_ seconds: Int64) -> (fields: CivilFields, offset: Int, abbreviation: String) {
        var t = time_t(seconds)
        var tm = tm()
        localtime_r(&t, &tm)
        let abbreviation = tm.tm_zone.map { String(cString: $0) } ?? ""
        return (
            CivilFields(
                year: Int(tm.tm_year) + 1900, month: Int(tm.tm_mon) + 1, day: Int(tm.tm_mday), hour: Int(tm.tm_hour),
                minute: Int(tm.tm_min), second: Int(tm.tm_sec), weekday: Int(tm.tm_wday)),
            tm.tm_gmtoff, abbreviation
        )
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
                    if index > 0 { out.append(",") }
                    out.append("\n  {\"expression\": ")
                    out.append(Export.jsonString(expression))
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
                if index > 0 { out.append(",") }
                out.append("\n  {\"expression\": ")
                out.append(Export.jsonString(expression))
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

// MARK: - The local zone and base time

public enum LocalZone {
    public struct UnknownZone: Error, CustomStringConvertible {
        public var value: String
        public var description: String {
            "the time zone in $TZ ('\(value)') is unknown: use an IANA name such as Europe/Berlin, or unset TZ"
        }
    }

    /// The zone systemd-analyze would use: $TZ (with or without a leading ':'), else /etc/localtime.
    public static func resolve(environment: [String: String]) throws -> TimeZone {
        guard var name = environment["TZ"] else { return TimeZone.current }
        if name.hasPrefix(":") { name.removeFirst() }
        if name.isEmpty { return TimeZone(identifier: "UTC")! }
        for prefix in ["/usr/share/zoneinfo/", "/usr/share/zoneinfo/posix/"] where name.hasPrefix(prefix) {
            name.removeFirst(prefix.count)
        }
        guard let zone = TimeZone(identifier: name) ?? (name == "UTC" ? TimeZone(identifier: "GMT") : nil) else {
            throw UnknownZone(value: environment["TZ"] ?? "")
        }
        return zone
    }

    /// Whether the zone is UTC in effect (no offset, no DST), when systemd omits the "(in UTC)" lines.
    public static func isUTC(_ zone: TimeZone, at microseconds: Int64) -> Bool {
        let date = Date(timeIntervalSince1970: Double(microseconds / 1_000_000))
        return zone.secondsFromGMT(for: date) == 0 && zone.nextDaylightSavingTimeTransition(after: date) == nil
            && zone.secondsFromGMT(for: Date(timeIntervalSince1970: 0)) == 0
    }

    static func nowMicroseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}

enum BaseTime {
    /// `@EPOCH[.fraction]`, or `YYYY-MM-DD[ HH:MM[:SS]]` in the process's local zone.
    static func parse(_ text: String) -> Int64? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("@") {
            let body = s.dropFirst()
            let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let whole = Int64(parts[0]), whole >= 0, whole < 253_402_300_800 else { return nil }
            var micro: Int64 = 0
            if parts.count == 2 {
                let digits = parts[1]
                guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { return nil }
                let six = String((digits + "000000").prefix(6))
                micro = Int64(six) ?? 0
            }
            return whole * 1_000_000 + micro
        }
        let halves = s.split(separator: " ", omittingEmptySubsequences: true)
        guard halves.count == 1 || halves.count == 2, let day = DayKey(halves[0]) else { return nil }
        var hms = [0, 0, 0]
        if halves.count == 2 {
            let parts = halves[1].split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3,
                parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isNumber) })
            else { return nil }
            for (i, p) in parts.enumerated() { hms[i] = Int(p)! }
            guard hms[0] < 24, hms[1] < 60, hms[2] < 60 else { return nil }
        }
        var tm = tm()
        tm.tm_year = Int32(day.year - 1900)
        tm.tm_mon = Int32(day.month - 1)
        tm.tm_mday = Int32(day.day)
        tm.tm_hour = Int32(hms[0])
        tm.tm_min = Int32(hms[1])
        tm.tm_sec = Int32(hms[2])
        tm.tm_isdst = -1
        let t = mktime(&tm)
        guard t >= 0 else { return nil }
        return Int64(t) * 1_000_000
    }
}
