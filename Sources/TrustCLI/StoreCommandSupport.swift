// Shared by the ledger commands (answer, pending, history, verify): opening the store with
// errors a person can act on, parsing times, and showing instants in the occurrence's zone.
import ArgumentParser
import Foundation
import TrustCore
import TrustReport
import TrustStore

/// A failure of a command, with the message a person can act on; the command prints it as
/// `trustctl <command>: error: <message>` and exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The error for an item id given on the command line that is not one (ids are `[a-z0-9][a-z0-9-]*`).
func notAnItemID(_ text: String) -> String {
    "'\(text)' is not an item id (lowercase letters, digits and '-', as in your plan: evening-call)"
}

/// Runs `body`, printing its output; a `CommandFailure` or `StoreError` goes to stderr with exit status 1.
func runStoreCommand(_ command: String, _ body: () throws -> String) throws {
    do {
        let text = try body()
        if !text.isEmpty { print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
    } catch let error where error is CommandFailure || error is StoreError {
        FileHandle.standardError.write(Data("trustctl \(command): error: \(error)\n".utf8))
        throw ExitCode.failure
    }
}

enum StoreTimeText {
    /// Parses a point in time given on the command line: `now`, `@EPOCH`, `YYYY-MM-DD HH:MM[:SS]`
    /// or `YYYY-MM-DDTHH:MM[:SS]` (local to `zone`, or with `Z`/`±HH:MM`), or `HH:MM[:SS]` (today in
    /// `zone`). Nil when malformed or not a real local time.
    static func parseInstant(_ text: String, now: Date, zone: TimeZone) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t == "now" { return now }
        if t.hasPrefix("@"), let seconds = Double(t.dropFirst()) { return Date(timeIntervalSince1970: seconds) }
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        if let d = iso.date(from: t) { return d }
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = iso.date(from: t) { return d }

        var dayPart: Substring
        var timePart: Substring
        if let sep = t.firstIndex(where: { $0 == " " || $0 == "T" }) {
            dayPart = t[..<sep]
            timePart = t[t.index(after: sep)...]
        } else if t.contains(":") {
            dayPart = Substring(DayKey.of(now, in: zone).description)
            timePart = Substring(t)
        } else {
            return nil
        }
        dayPart = dayPart.drop(while: { $0 == " " })
        guard let day = DayKey(dayPart) else { return nil }
        let fields = timePart.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(fields.count), let h = Int(fields[0]), let m = Int(fields[1]), (0...23).contains(h),
            (0...59).contains(m)
        else { return nil }
        let s = fields.count == 3 ? Int(fields[2]) : 0
        guard let s, (0...59).contains(s) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: day.year, month: day.month, day: day.day, hour: h, minute: m, second: s)
        guard let date = calendar.date(from: components) else { return nil }
        // A local time in a DST gap does not exist: refuse rather than guess.
        let back = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        guard back.hour == h, back.minute == m, back.second == s else { return nil }
        return date
    }

    static let instantHelp = "now, @EPOCH, 'YYYY-MM-DD HH:MM[:SS]', YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM] or HH:MM (today)"
}

/// Shows instants in the zone an occurrence was computed in (the plan's zone), caching zones.
/// The text itself is TrustReport's `Format`, so the ledger commands and the report agree.
struct StoreZoneFormatter {
    private var zones: [String: TimeZone] = [:]

    mutating func zone(_ id: String) -> TimeZone {
        if let z = zones[id] { return z }
        let z = TimeZone(identifier: id) ?? TimeZone(identifier: "UTC")!
        zones[id] = z
        return z
    }

    mutating func local(_ date: Date, _ zoneID: String) -> LocalTime { LocalTime(date, in: zone(zoneID)) }

    /// `2026-11-25T21:30:00+01:00`
    mutating func iso(_ date: Date, _ zoneID: String) -> String { Format.local(date, in: zone(zoneID)) }

    /// `Wed 2026-11-25`
    static func weekdayAndDay(_ day: DayKey) -> String { day.weekdayAbbreviation + " " + day.description }

    /// `21:30`, or `Thu 00:40` when not on `day`.
    mutating func clock(_ date: Date, _ zoneID: String, relativeTo day: DayKey) -> String {
        let l = local(date, zoneID)
        let hm = Format.hourMinute(l.timeOfDay)
        if l.day == day { return hm }
        if l.day == day.adding(days: 1) || l.day == day.adding(days: -1) { return l.day.weekdayAbbreviation + " " + hm }
        return l.day.description + " " + hm
    }
}

/// Pads `s` on the right to `width` characters.
func storePad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// A JSON value written by hand: stable key order, no Foundation bridging surprises.
indirect enum StoreJSON {
    case string(String)
    case number(Int64)
    case bool(Bool)
    case null
    case array([StoreJSON])
    case object([(String, StoreJSON)])

    static func optional(_ s: String?) -> StoreJSON { s.map(StoreJSON.string) ?? .null }

    /// The fields that identify a check-in, first in `pending --json` and `history --json`:
    /// id, item, kind, day, scheduled, deadline (in its zone), zone.
    static func identity(_ o: CheckIn, _ f: inout StoreZoneFormatter) -> [(String, StoreJSON)] {
        [
            ("id", .number(o.id)),
            ("item", .string(o.item.rawValue)),
            ("kind", .string(o.kind.rawValue)),
            ("day", .string(o.day.description)),
            ("scheduled", .string(f.iso(o.scheduled, o.zone))),
            ("deadline", .string(f.iso(o.deadline, o.zone))),
            ("zone", .string(o.zone)),
        ]
    }

    func write(to out: inout String, indent: Int = 0, pretty: Bool = true) {
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

    var text: String {
        var s = ""
        write(to: &s)
        return s
    }

    /// The string literal, escaped as the export escapes (`Export.jsonString`).
    static func quote(_ s: String, into out: inout String) { out += Export.jsonString(s) }
}
