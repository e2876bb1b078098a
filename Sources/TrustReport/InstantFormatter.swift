import Foundation
import TrustCore

/// Formats instants in one zone without DateFormatter (fast for thousands of items), caching
/// the zone's offset from `from` until its next transition.
public struct InstantFormatter {
    public let zone: TimeZone
    private let cachedStart: TimeInterval
    private let cachedEnd: TimeInterval
    private let cachedOffset: Int

    public init(zone: TimeZone, from: Date) {
        self.zone = zone
        cachedStart = from.timeIntervalSince1970
        cachedEnd = zone.nextDaylightSavingTimeTransition(after: from)?.timeIntervalSince1970 ?? .infinity
        cachedOffset = zone.secondsFromGMT(for: from)
    }

    /// The wall-clock time of `date` in the zone.
    public func local(_ date: Date) -> LocalTime {
        let t = date.timeIntervalSince1970
        guard t >= cachedStart, t < cachedEnd else { return LocalTime(date, in: zone) }
        return LocalTime(date, utcOffset: cachedOffset)
    }

    /// `Mon 2026-11-30 19:00:00 +01:00`
    public func human(_ local: LocalTime) -> String {
        "\(local.day.weekdayAbbreviation) \(local.day) \(local.timeOfDay.withSeconds) \(local.utcOffsetText)"
    }

    /// `2026-11-30T19:00:00+01:00`
    public func iso8601(_ date: Date) -> String { local(date).rfc3339 }
}
