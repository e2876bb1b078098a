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

extension StoreJSON {
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
}
