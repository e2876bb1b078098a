// PLACEHOLDER API — the calendar-engine work replaces this file's implementation.
// The public surface below is the contract other targets use.
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
public struct CalendarSpec: Sendable, Hashable, CustomStringConvertible {
    /// The text as written.
    public let original: String
    /// The form `systemd-analyze calendar` prints as "Normalized form:".
    public let normalized: String
    /// The expression's own zone (`… UTC`, `… Europe/Berlin`), nil when it has none.
    public let timeZone: TimeZone?

    public static func parse(_ text: String) throws(CalendarSpecError) -> CalendarSpec {
        throw CalendarSpecError(column: 1, message: "calendar engine not implemented yet")
    }

    /// The first elapse strictly after `date`, evaluated in the expression's own zone, else in
    /// `zone`; nil when it never elapses again (years are capped at 2199 like systemd).
    public func next(after date: Date, in zone: TimeZone) -> Date? {
        nil
    }

    public var description: String { normalized }
}
