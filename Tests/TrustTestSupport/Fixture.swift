// Instants in a zone, written as people read them: the fixtures of the scheduler's and the
// daemon's tables.
import Foundation

public enum Fixture {
    public static let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// `"2026-11-25 19:00"` or `"2026-11-25 19:00:30"` local to `zone`.
    public static func at(_ text: String, _ zone: TimeZone = berlin) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        guard let d = f.date(from: text) else { fatalError("bad fixture date \(text)") }
        return d
    }
}

extension Date {
    public func plus(_ seconds: TimeInterval) -> Date { addingTimeInterval(seconds) }
}
