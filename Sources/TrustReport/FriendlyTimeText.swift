// How `trustctl init` and `add` show a friendly time back before it is written: the calendar
// expression it became and its next check-ins in the plan's zone.
import Foundation
import TrustCore

public enum FriendlyTimeText {
    /// `  that is: Mon..Fri 19:00   (from "weekdays at 7pm")`, then the next `count` check-ins.
    public static func preview(_ time: FriendlyTime, zone: TimeZone, now: Date, count: Int = 3) -> String {
        var out = "  that is: " + time.expressions.joined(separator: "; ")
        if !time.isCalendarExpression { out += "   (from \"\(time.phrase)\")" }
        out += "\n"
        let next = nextCheckIns(time.expressions, zone: zone, now: now, count: count)
        if next.isEmpty {
            out += "  it never elapses after now\n"
        } else {
            out += "  next check-ins: " + next.map { human($0, zone: zone) }.joined(separator: ", ") + "\n"
        }
        return out
    }

    /// The first `count` instants after `now` of any of the expressions.
    static func nextCheckIns(_ expressions: [String], zone: TimeZone, now: Date, count: Int) -> [Date] {
        let all = expressions.compactMap { try? CalendarSpec.parse($0) }.flatMap { $0.elapses(after: now, in: zone, count: count) }
        return Array(Set(all).sorted().prefix(count))
    }

    /// `Mon 2026-12-07 19:00`
    static func human(_ date: Date, zone: TimeZone) -> String {
        let local = LocalTime(date, in: zone)
        return "\(local.day.weekdayAbbreviation) \(local.day) \(local.timeOfDay)"
    }
}
