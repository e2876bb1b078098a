import Foundation
import TrustCore
import TrustStore

@testable import TrustDaemon

/// Builders for scheduler tables: local times in a zone, plans from calendar expressions,
/// ledger rows.
enum Fixture {
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    /// `"2026-11-25 19:00"` or `"2026-11-25 19:00:30"` local to `zone`.
    static func at(_ text: String, _ zone: TimeZone = berlin) -> Date {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = text.count > 16 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm"
        guard let d = f.date(from: text) else { fatalError("bad fixture date \(text)") }
        return d
    }

    static func item(
        _ id: String, _ at: String..., kind: ItemKind = .commitment, deadline: TimeInterval = 3 * 3600,
        snooze: TimeInterval = 15 * 60, starts: DayKey? = nil, ends: DayKey? = nil
    ) -> Item {
        Item(
            id: ItemID(id), kind: kind, title: id, schedule: at.map { try! CalendarSpec.parse($0) }, deadline: deadline,
            snooze: snooze, starts: starts, ends: ends)
    }

    static func plan(_ items: [Item], zone: TimeZone = berlin, quiet: String? = nil, dayStart: TimeOfDay = .midnight)
        -> Plan
    {
        Plan(timeZone: zone, dayStart: dayStart, quietHours: quiet.map { try! QuietHours.parse($0) }, items: items)
    }

    static func open(
        _ id: Int64, _ item: String, scheduled: Date, deadline: Date, promptCount: Int = 0, promptedAt: Date? = nil,
        notification: UInt32? = nil, snoozedUntil: Date? = nil, zone: TimeZone = berlin
    ) -> StoredOccurrence {
        StoredOccurrence(
            record: OccurrenceRecord(
                id: id, item: ItemID(item), kind: .commitment, scheduled: scheduled, zone: zone.identifier,
                day: DayKey.of(scheduled, in: zone), deadline: deadline, state: .pending),
            notificationID: notification, promptedAt: promptedAt, promptCount: promptCount, snoozedUntil: snoozedUntil)
    }

    static func creation(
        _ item: String, _ scheduled: Date, deadline: Date, expired: Bool = false, kind: ItemKind = .commitment,
        zone: TimeZone = berlin
    ) -> SchedulerAction {
        .create(
            Creation(
                item: ItemID(item), kind: kind, scheduled: scheduled, zone: zone.identifier,
                day: DayKey.of(scheduled, in: zone), deadline: deadline, expireAtOnce: expired))
    }
}

extension Date {
    func plus(_ seconds: TimeInterval) -> Date { addingTimeInterval(seconds) }
}
