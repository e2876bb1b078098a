import Foundation
import TrustCore

/// Builds hand-made ledgers (`[CheckIn]`) for report tests, the way the store would record them:
/// the scheduled instant is a local time in `zone`, stored as a UTC `Date`; `day` is that instant's day
/// in `zone` with `dayStart` applied.
public struct LedgerBuilder: Sendable {
    public let zone: TimeZone
    public let dayStart: TimeOfDay
    public private(set) var records: [CheckIn] = []
    private var nextID: Int64 = 1

    public init(zone: String = "Europe/Berlin", dayStart: TimeOfDay = .midnight) {
        self.zone = TimeZone(identifier: zone)!
        self.dayStart = dayStart
    }

    /// The instant of a local wall-clock time (the later one when ambiguous, the shifted one in a gap).
    public func instant(_ day: DayKey, _ time: TimeOfDay) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(
            year: day.year, month: day.month, day: day.day, hour: time.hour, minute: time.minute, second: time.second)
        return calendar.date(from: components)!
    }

    /// Adds one occurrence scheduled at `time` on the local calendar day `day`.
    @discardableResult
    public mutating func add(
        _ item: ItemID, kind: ItemKind = .commitment, on day: DayKey, at time: TimeOfDay = TimeOfDay(hour: 21, minute: 30),
        _ state: CheckInState, answeredAt: Date? = nil, note: String? = nil, deadline: TimeInterval = 3 * 3600
    ) -> CheckIn {
        let scheduled = instant(day, time)
        let record = CheckIn(
            id: nextID, item: item, kind: kind, scheduled: scheduled, zone: zone.identifier,
            day: DayKey.of(scheduled, in: zone, dayStart: dayStart), deadline: scheduled.addingTimeInterval(deadline),
            state: state,
            answeredAt: answeredAt ?? (state.answer != nil ? scheduled.addingTimeInterval(600) : nil), note: note)
        nextID += 1
        records.append(record)
        return record
    }

    /// One character per day from `from`: K kept, M missed, S skipped, U unanswered, P pending, `.` nothing asked,
    /// `2`…`9` that many kept check-ins that day; spaces are ignored (use them to separate weeks).
    public mutating func pattern(
        _ item: ItemID, kind: ItemKind = .commitment, from: DayKey, _ pattern: String,
        at time: TimeOfDay = TimeOfDay(hour: 21, minute: 30)
    ) {
        var day = from
        for c in pattern where c != " " {
            switch c {
            case "K": add(item, kind: kind, on: day, at: time, .kept)
            case "M": add(item, kind: kind, on: day, at: time, .missed)
            case "S": add(item, kind: kind, on: day, at: time, .skipped)
            case "U": add(item, kind: kind, on: day, at: time, .unanswered)
            case "P": add(item, kind: kind, on: day, at: time, .pending, deadline: 10 * 365 * 86400)
            case ".": break
            case "2"..."9":
                for k in 0..<Int(String(c))! {
                    add(item, kind: kind, on: day, at: TimeOfDay(secondsSinceMidnight: time.secondsSinceMidnight - k * 60), .kept)
                }
            default: preconditionFailure("unknown pattern character \(c)")
            }
            day = day.adding(days: 1)
        }
    }
}

extension DayKey {
    /// `"2026-11-25"` in tests; traps on a malformed literal.
    public static func d(_ text: String) -> DayKey { DayKey(text)! }
}
