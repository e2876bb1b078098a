// `trustctl calendar`: systemd-analyze calendar for trustd's engine — normalize expressions and
// list when they elapse. The text is TrustReport's CalendarReport, written to standard output at once.
import ArgumentParser
import Foundation
import LinuxWatch
import TrustCore
import TrustReport

public struct CalendarCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "calendar", _superCommandName: "trustctl",
        abstract: "Normalize calendar expressions and show when they elapse.",
        discussion: """
            Accepts what systemd.time(7) calls calendar events and answers as \
            `systemd-analyze calendar` (systemd 252) does, in the local zone ($TZ or /etc/localtime), \
            except that a trailing abbreviation of the local zone ('daily CEST') is refused: write \
            its IANA name or UTC ('daily Europe/Berlin'). Examples: 'Mon..Fri 19:00', 'Sun 18:00', 'daily', '*-*-* 07:30', '*-02~03', \
            'Sat 10:00 Europe/Berlin'.
            """)

    @Option(
        name: .customLong("base-time"),
        help: ArgumentHelp("Compute elapses after this time: @EPOCH or 'YYYY-MM-DD HH:MM[:SS]' (local).", valueName: "TIME"))
    public var baseTime: String?

    @Option(help: ArgumentHelp("How many elapses to show per expression.", valueName: "N"))
    public var iterations: Int = 1

    @Flag(help: "Print a JSON array, one object per expression.")
    public var json = false

    @Argument(help: ArgumentHelp("Calendar expressions.", valueName: "EXPRESSION"))
    public var expressions: [String] = []

    public init() {}

    public func validate() throws { try request.validate() }

    public func run() throws { try request.run() }

    /// What the line asks for, as plain values: what the library parses and what `parsePlain` reads.
    var request: Request { Request(baseTime: baseTime, iterations: iterations, json: json, expressions: expressions) }

    struct Request: Equatable {
        var baseTime: String?
        var iterations = 1
        var json = false
        var expressions: [String] = []

        func validate() throws {
            if expressions.isEmpty { throw ValidationError("give at least one calendar expression") }
            if iterations < 0 { throw ValidationError("--iterations must be 0 or more, not \(iterations)") }
        }

        func run() throws {
            let zone: TimeZone
            do {
                zone = try LocalZone.resolve(tz: getenv("TZ").map { String(cString: $0) })
            } catch {
                FileHandle.standardError.write(Data("trustctl: calendar: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let now = SystemTime.nowMicroseconds()
            let base: Int64
            if let baseTime {
                guard let parsed = BaseTime.parse(baseTime) else {
                    FileHandle.standardError.write(Data(
                        "trustctl: calendar: cannot read --base-time '\(baseTime)': expected @EPOCH or 'YYYY-MM-DD HH:MM[:SS]'\n".utf8))
                    throw ExitCode(2)
                }
                base = parsed
            } else {
                base = now
            }
            let report = CalendarReport.render(
                expressions: expressions, base: base, now: now, zone: zone, iterations: iterations, json: json,
                clock: SystemLocalClock())
            StandardOutput.write(report.stdout)
            if !report.stderr.isEmpty { FileHandle.standardError.write(Data(report.stderr.utf8)) }
            if report.failed { throw ExitCode(1) }
        }
    }
}

// MARK: - The base time

enum BaseTime {
    /// `@EPOCH[.fraction]`, or `YYYY-MM-DD[ HH:MM[:SS]]` in the process's local zone.
    static func parse(_ text: String) -> Int64? {
        // Foundation's trimming bridges through NSString, 3 % of a short command (issue 15): skipped
        // when there is nothing to trim.
        let s = isTrimmed(text) ? text : text.trimmingCharacters(in: .whitespaces)
        if s.hasPrefix("@") {
            let body = s.dropFirst()
            let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard let whole = Int64(parts[0]), whole >= 0, whole < 253_402_300_800 else { return nil }
            var micro: Int64 = 0
            if parts.count == 2 {
                let digits = parts[1]
                guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { return nil }
                let six = String((digits + "000000").prefix(6))
                micro = Int64(six) ?? 0
            }
            return whole * 1_000_000 + micro
        }
        let halves = s.split(separator: " ", omittingEmptySubsequences: true)
        guard halves.count == 1 || halves.count == 2, let day = DayKey(halves[0]) else { return nil }
        var hms = [0, 0, 0]
        if halves.count == 2 {
            let parts = halves[1].split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3,
                parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isNumber) })
            else { return nil }
            for (i, p) in parts.enumerated() { hms[i] = Int(p)! }
            guard hms[0] < 24, hms[1] < 60, hms[2] < 60 else { return nil }
        }
        guard
            let t = SystemTime.fromLocal(
                year: day.year, month: day.month, day: day.day, hour: hms[0], minute: hms[1], second: hms[2])
        else { return nil }
        return t * 1_000_000
    }

    /// True when `text` starts and ends in a printable ASCII character, so that trimming white
    /// space off it changes nothing.
    static func isTrimmed(_ text: String) -> Bool {
        guard let first = text.utf8.first, let last = text.utf8.last else { return false }
        return (0x21...0x7E).contains(first) && (0x21...0x7E).contains(last)
    }
}

// MARK: - The plain line

extension CalendarCommand {
    /// The request of a plain line — long options, each at most once, and expressions, no word
    /// starting with '-' but the options — as the library parses it, without building the command
    /// (its property wrappers cost a scan of the binary's conformances); nil for any other line, and
    /// for one `validate()` refuses, which the library then parses and reports (issue 15).
    static func parsePlain(_ words: ArraySlice<String>) -> Request? {
        guard let line = PlainLine(words, options: ["--base-time", "--iterations"], flags: ["--json"]) else { return nil }
        var request = Request(baseTime: line.value("--base-time"), json: line.flag("--json"), expressions: line.positionals)
        if let count = line.value("--iterations") {
            guard let count = Int(count) else { return nil }
            request.iterations = count
        }
        guard (try? request.validate()) != nil else { return nil }
        return request
    }
}
