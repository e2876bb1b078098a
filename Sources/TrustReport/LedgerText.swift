// The text of the ledger commands (answer, pending, history, verify): instants in the zone a
// check-in was computed in, padded columns, and their hand-written JSON (stable key order).
import Foundation
import TrustCore

/// Shows instants in the zone an occurrence was computed in (the plan's zone), caching zones.
/// The text itself is TrustReport's `Format`, so the ledger commands and the report agree.
public struct StoreZoneFormatter {
    private var zones: [String: TimeZone] = [:]

    public init() {}

    public mutating func zone(_ id: String) -> TimeZone {
        if let z = zones[id] { return z }
        let z = TimeZone(identifier: id) ?? TimeZone(identifier: "UTC")!
        zones[id] = z
        return z
    }

    public mutating func local(_ date: Date, _ zoneID: String) -> LocalTime { LocalTime(date, in: zone(zoneID)) }

    /// `2026-11-25T21:30:00+01:00`
    public mutating func iso(_ date: Date, _ zoneID: String) -> String { Format.local(date, in: zone(zoneID)) }

    /// `Wed 2026-11-25`
    public static func weekdayAndDay(_ day: DayKey) -> String { day.weekdayAbbreviation + " " + day.description }

    /// `21:30`, or `Thu 00:40` when not on `day`.
    public mutating func clock(_ date: Date, _ zoneID: String, relativeTo day: DayKey) -> String {
        let l = local(date, zoneID)
        let hm = Format.hourMinute(l.timeOfDay)
        if l.day == day { return hm }
        if l.day == day.adding(days: 1) || l.day == day.adding(days: -1) { return l.day.weekdayAbbreviation + " " + hm }
        return l.day.description + " " + hm
    }
}

/// Pads `s` on the right to `width` characters.
public func storePad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// A JSON value written by hand: stable key order, no Foundation bridging surprises.
public indirect enum StoreJSON {
    case string(String)
    case number(Int64)
    case bool(Bool)
    case null
    case array([StoreJSON])
    case object([(String, StoreJSON)])

    public static func optional(_ s: String?) -> StoreJSON { s.map(StoreJSON.string) ?? .null }

    public func write(to out: inout String, indent: Int = 0, pretty: Bool = true) {
        switch self {
        case .string(let s): StoreJSON.quote(s, into: &out)
        case .number(let n): out += String(n)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                item.write(to: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "]"
        case .object(let fields):
            if fields.isEmpty {
                out += "{}"
                return
            }
            out += "{"
            for (i, (key, value)) in fields.enumerated() {
                if i > 0 { out += "," }
                if pretty { out += "\n" + String(repeating: "  ", count: indent + 1) }
                StoreJSON.quote(key, into: &out)
                out += pretty ? ": " : ":"
                value.write(to: &out, indent: indent + 1, pretty: pretty)
            }
            if pretty { out += "\n" + String(repeating: "  ", count: indent) }
            out += "}"
        }
    }

    public var text: String {
        var s = ""
        write(to: &s)
        return s
    }

    /// The string literal, escaped as the export escapes (`Export.jsonString`).
    public static func quote(_ s: String, into out: inout String) { out += Export.jsonString(s) }
}
