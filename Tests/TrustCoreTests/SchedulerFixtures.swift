// Builders for scheduler tables: plans from calendar expressions, ledger rows, creations.
import Foundation
import TrustCore
import TrustTestSupport

extension Fixture {
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
    ) -> CheckIn {
        CheckIn(
            id: id, item: ItemID(item), kind: .commitment, scheduled: scheduled, zone: zone.identifier,
            day: DayKey.of(scheduled, in: zone), deadline: deadline, state: .pending,
            notificationID: notification.map(NotificationID.init(rawValue:)), promptedAt: promptedAt, promptCount: promptCount, snoozedUntil: snoozedUntil)
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

