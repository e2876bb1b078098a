// The small value syntaxes of plan.yaml — durations, frequencies, times of day, quiet hours —
// parsed from text, pure. Errors carry the 1-based column inside the text so a reader can
// point at the offending character (`plan.yaml:12:14: error: …`).
import Foundation

/// A malformed plan value. `column` is 1-based within the value's text.
public struct PlanValueError: Error, Hashable, Sendable, CustomStringConvertible {
    public var column: Int
    public var message: String
    public init(column: Int, message: String) {
        self.column = column
        self.message = message
    }
    public var description: String { "column \(column): \(message)" }
}

/// Durations as plan.yaml writes them: `90s`, `15m`, `2h`, `1d`, `1h30m`.
public enum PlanDuration {
    public static let expected = "a duration such as 90s, 15m, 2h, 1d or 1h30m"

    /// Parses `<n>d<n>h<n>m<n>s` (each part optional, in that order, at least one); must be > 0.
    public static func parse(_ text: String) throws(PlanValueError) -> TimeInterval {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty else { throw PlanValueError(column: 1, message: "empty duration; expected \(expected)") }
        let units: [(Unicode.Scalar, Int)] = [("d", 86400), ("h", 3600), ("m", 60), ("s", 1)]
        var i = 0
        var total = 0
        var lastUnit = -1
        while i < scalars.count {
            let numberStart = i
            var n = 0
            while i < scalars.count, let digit = asciiDigit(scalars[i]) {
                n = n.multipliedReportingOverflow(by: 10).partialValue + digit
                if n > 100_000_000 {
                    throw PlanValueError(column: numberStart + 1, message: "duration '\(text)' is too long")
                }
                i += 1
            }
            if i == numberStart {
                throw PlanValueError(
                    column: i + 1,
                    message: "invalid duration '\(text)': expected a number at '\(String(scalars[i]))'; expected \(expected)")
            }
            guard i < scalars.count else {
                throw PlanValueError(
                    column: i + 1, message: "invalid duration '\(text)': missing a unit after \(n) (s, m, h or d)")
            }
            guard let unitIndex = units.firstIndex(where: { $0.0 == scalars[i] }) else {
                throw PlanValueError(
                    column: i + 1,
                    message: "invalid duration '\(text)': unknown unit '\(String(scalars[i]))'; expected s, m, h or d")
            }
            guard unitIndex > lastUnit else {
                throw PlanValueError(
                    column: i + 1,
                    message: "invalid duration '\(text)': units must go from largest to smallest, each once (e.g. 1h30m)")
            }
            lastUnit = unitIndex
            total += n * units[unitIndex].1
            i += 1
        }
        guard total > 0 else { throw PlanValueError(column: 1, message: "duration '\(text)' must be longer than zero") }
        return TimeInterval(total)
    }
}

@inline(__always)
private func asciiDigit(_ s: Unicode.Scalar) -> Int? {
    s.value >= 48 && s.value <= 57 ? Int(s.value - 48) : nil
}

extension PerPeriod {
    public static let expected = "N/day, N/week or N/month, e.g. 3/week"

    /// Parses `N/day`, `N/week`, `N/month` with `N >= minimum`.
    public static func parse(_ text: String, minimum: Int = 1) throws(PlanValueError) -> PerPeriod {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var n = 0
        while i < scalars.count, let d = asciiDigit(scalars[i]) {
            n = min(n * 10 + d, 1_000_000)
            i += 1
        }
        guard i > 0 else {
            throw PlanValueError(column: 1, message: "invalid frequency '\(text)': expected \(expected)")
        }
        guard i < scalars.count, scalars[i] == "/" else {
            throw PlanValueError(
                column: i + 1, message: "invalid frequency '\(text)': expected '/' and a period after \(n), e.g. \(n)/week")
        }
        let word = String(String.UnicodeScalarView(scalars[(i + 1)...]))
        guard let period = Period(rawValue: word) else {
            throw PlanValueError(
                column: i + 2, message: "invalid frequency '\(text)': unknown period '\(word)'; expected day, week or month")
        }
        guard n >= minimum else {
            throw PlanValueError(column: 1, message: "invalid frequency '\(text)': the count must be at least \(minimum)")
        }
        return PerPeriod(count: n, period: period)
    }
}

extension TimeOfDay {
    public static let expected = "a time of day HH:MM, e.g. \"04:00\""

    /// Parses `H:MM` or `HH:MM` (00:00–23:59).
    public static func parse(_ text: String) throws(PlanValueError) -> TimeOfDay {
        try parse(Substring(text), offset: 0, whole: text, what: "time")
    }

    static func parse(_ text: Substring, offset: Int, whole: String, what: String) throws(PlanValueError) -> TimeOfDay {
        let scalars = Array(text.unicodeScalars)
        var i = 0
        var hour = 0
        while i < scalars.count, i < 2, let d = asciiDigit(scalars[i]) {
            hour = hour * 10 + d
            i += 1
        }
        guard i > 0, i < scalars.count, scalars[i] == ":" else {
            throw PlanValueError(column: offset + i + 1, message: "invalid \(what) '\(whole)': expected \(expected)")
        }
        guard hour < 24 else {
            throw PlanValueError(column: offset + 1, message: "invalid \(what) '\(whole)': hour \(hour) is not 0–23")
        }
        let minuteStart = i + 1
        guard scalars.count == minuteStart + 2, let m1 = asciiDigit(scalars[minuteStart]),
            let m2 = asciiDigit(scalars[minuteStart + 1])
        else {
            throw PlanValueError(
                column: offset + minuteStart + 1, message: "invalid \(what) '\(whole)': expected two-digit minutes after ':'")
        }
        let minute = m1 * 10 + m2
        guard minute < 60 else {
            throw PlanValueError(
                column: offset + minuteStart + 1, message: "invalid \(what) '\(whole)': minute \(minute) is not 00–59")
        }
        return TimeOfDay(hour: hour, minute: minute)
    }
}

extension QuietHours: CustomStringConvertible {
    public static let expected = "a window HH:MM-HH:MM, e.g. \"22:30-07:30\""

    /// Parses `HH:MM-HH:MM`; the window may wrap midnight; start and end must differ.
    public static func parse(_ text: String) throws(PlanValueError) -> QuietHours {
        guard let dash = text.firstIndex(of: "-") else {
            throw PlanValueError(column: 1, message: "invalid quiet hours '\(text)': expected \(expected)")
        }
        let startText = text[..<dash]
        let endText = text[text.index(after: dash)...]
        let endOffset = text.unicodeScalars.distance(from: text.startIndex, to: dash) + 1
        let start = try TimeOfDay.parse(startText, offset: 0, whole: text, what: "quiet hours")
        let end = try TimeOfDay.parse(endText, offset: endOffset, whole: text, what: "quiet hours")
        guard start != end else {
            throw PlanValueError(
                column: 1, message: "invalid quiet hours '\(text)': the window starts and ends at the same time")
        }
        return QuietHours(start: start, end: end)
    }

    public var description: String { "\(start)-\(end)" }
}
