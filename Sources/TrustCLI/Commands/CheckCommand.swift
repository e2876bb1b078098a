import ArgumentParser
import Foundation
import TrustCore
import TrustPlan

/// `trustctl check [--plan PATH] [--json]`: validate the plan and list each item's next check-ins.
public struct CheckCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the plan and list each item's next check-ins.",
        discussion: """
            Errors and warnings are printed compiler-style (plan.yaml:12:9: error: …) on standard \
            error. Exit status 0 when the plan is valid (warnings allowed), 1 when it is not.
            """)

    @OptionGroup public var planOptions: PlanOptions

    @Flag(name: .long, help: "Print one JSON object: validity, diagnostics and each item's next check-ins.")
    public var json = false

    @Option(name: .long, help: ArgumentHelp("How many upcoming check-ins to list per item.", valueName: "N"))
    public var next = 3

    public init() {}

    public func validate() throws {
        guard next >= 0, next <= 1000 else { throw ValidationError("--next must be between 0 and 1000") }
    }

    public func run() async throws {
        let result = PlanCheck.run(
            path: planOptions.planPath(), json: json, now: Date(), defaultTimeZone: .current, count: next)
        FileHandle.standardOutput.write(Data(result.stdout.utf8))
        FileHandle.standardError.write(Data(result.stderr.utf8))
        if result.status != 0 { throw ExitCode(result.status) }
    }
}

/// What `trustctl check` does, as a function of its inputs (tests call it directly).
public enum PlanCheck {
    public struct Output: Sendable, Equatable {
        public var stdout: String
        public var stderr: String
        /// 0 when the plan is valid, 1 when it is not.
        public var status: Int32
    }

    public static func run(path: String, json: Bool, now: Date, defaultTimeZone: TimeZone, count: Int = 3) -> Output {
        let result = PlanReader.load(path: path, defaultTimeZone: defaultTimeZone, now: now)
        return json
            ? jsonOutput(result, now: now, count: count)
            : textOutput(result, now: now, count: count)
    }

    // MARK: Text

    static func textOutput(_ result: PlanReadResult, now: Date, count: Int) -> Output {
        var err = ""
        let lines = result.source.map(Diagnostic.lines(of:))
        for d in result.diagnostics {
            err += d.rendered(lines: lines) + "\n"
        }
        guard let plan = result.plan else {
            let e = result.errors.count
            let w = result.warnings.count
            err += "\(result.file): \(e) error\(e == 1 ? "" : "s")"
            if w > 0 { err += ", \(w) warning\(w == 1 ? "" : "s")" }
            err += "; the plan is not valid\n"
            return Output(stdout: "", stderr: err, status: 1)
        }
        var out = ""
        let commitments = plan.items.count(where: { $0.kind == .commitment })
        let boundaries = plan.items.count(where: { $0.kind == .boundary })
        out += "\(result.file): valid: \(plural(commitments, "commitment")), \(plural(boundaries, "boundary"))"
        if !result.warnings.isEmpty { out += ", \(plural(result.warnings.count, "warning"))" }
        out += "\n"
        var settings = ["zone \(plan.timeZone.identifier)"]
        if plan.dayStart != .midnight { settings.append("day starts \(plan.dayStart)") }
        if let q = plan.quietHours { settings.append("quiet hours \(q)") }
        if plan.discreet { settings.append("discreet notifications") }
        out += settings.joined(separator: ", ") + "\n"

        let formatter = InstantFormatter(zone: plan.timeZone)
        for item in plan.items {
            out += "\n\(item.kind.rawValue) \(item.id): \(item.title)\n"
            let at = item.schedule.map(\.normalized).joined(separator: "; ")
            out += "  at      \(at)\n"
            var extras: [String] = []
            if let target = item.target { extras.append("target \(target)") }
            if let starts = item.starts { extras.append("starts \(starts)") }
            if let ends = item.ends { extras.append("ends \(ends)") }
            if !extras.isEmpty { out += "  " + extras.joined(separator: ", ") + "\n" }
            let upcoming = upcoming(item, plan: plan, after: now, count: count)
            if upcoming.isEmpty, count > 0 {
                out += "  next    never\n"
            }
            for (i, t) in upcoming.enumerated() {
                out += (i == 0 ? "  next    " : "          ") + formatter.human(t)
                if let q = plan.quietHours, q.contains(t, in: plan.timeZone) {
                    out += "  (quiet hours: shown at \(formatter.human(q.end(containing: t, in: plan.timeZone))))"
                }
                out += "\n"
            }
        }
        return Output(stdout: out, stderr: err, status: 0)
    }

    static func upcoming(_ item: Item, plan: Plan, after now: Date, count: Int) -> [Date] {
        var out: [Date] = []
        var t = now
        while out.count < count, let n = plan.nextOccurrence(of: item, after: t) {
            out.append(n)
            t = n
        }
        return out
    }

    static func plural(_ n: Int, _ word: String) -> String {
        if n == 1 { return "1 \(word)" }
        return word.hasSuffix("y") ? "\(n) \(word.dropLast())ies" : "\(n) \(word)s"
    }

    // MARK: JSON

    struct Report: Encodable {
        var valid: Bool
        var file: String
        var timezone: String?
        var diagnostics: [DiagnosticJSON]
        var items: [ItemJSON]

        enum CodingKeys: String, CodingKey { case valid, file, timezone, diagnostics, items }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(valid, forKey: .valid)
            try c.encode(file, forKey: .file)
            try c.encode(timezone, forKey: .timezone)
            try c.encode(diagnostics, forKey: .diagnostics)
            try c.encode(items, forKey: .items)
        }
    }

    struct DiagnosticJSON: Encodable {
        var severity: String
        var file: String
        var line: Int?
        var column: Int?
        var message: String
        var hint: String?

        enum CodingKeys: String, CodingKey { case severity, file, line, column, message, hint }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(severity, forKey: .severity)
            try c.encode(file, forKey: .file)
            try c.encode(line, forKey: .line)
            try c.encode(column, forKey: .column)
            try c.encode(message, forKey: .message)
            try c.encodeIfPresent(hint, forKey: .hint)
        }
    }

    struct ItemJSON: Encodable {
        var id: String
        var kind: String
        var title: String
        var schedule: [String]
        var target: String?
        var next: [String]

        enum CodingKeys: String, CodingKey { case id, kind, title, schedule, target, next }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(kind, forKey: .kind)
            try c.encode(title, forKey: .title)
            try c.encode(schedule, forKey: .schedule)
            try c.encode(target, forKey: .target)
            try c.encode(next, forKey: .next)
        }
    }

    static func jsonOutput(_ result: PlanReadResult, now: Date, count: Int) -> Output {
        let diagnostics = result.diagnostics.map {
            DiagnosticJSON(
                severity: $0.severity.rawValue, file: $0.file, line: $0.line > 0 ? $0.line : nil,
                column: $0.line > 0 ? $0.column : nil, message: $0.message, hint: $0.hint)
        }
        var items: [ItemJSON] = []
        if let plan = result.plan {
            let formatter = InstantFormatter(zone: plan.timeZone)
            items = plan.items.map { item in
                ItemJSON(
                    id: item.id.rawValue, kind: item.kind.rawValue, title: item.title,
                    schedule: item.schedule.map(\.normalized), target: item.target?.description,
                    next: upcoming(item, plan: plan, after: now, count: count).map { formatter.iso8601($0) })
            }
        }
        let report = Report(
            valid: result.plan != nil, file: result.file, timezone: result.plan?.timeZone.identifier,
            diagnostics: diagnostics, items: items)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
        let data = (try? encoder.encode(report)) ?? Data("{\"valid\": false}".utf8)
        return Output(
            stdout: String(decoding: data, as: UTF8.self) + "\n", stderr: "", status: result.plan != nil ? 0 : 1)
    }
}

/// Formats instants in one zone without DateFormatter (fast for thousands of items).
struct InstantFormatter {
    let zone: TimeZone
    init(zone: TimeZone) { self.zone = zone }

    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// `Mon 2026-11-30 19:00:00 +01:00`
    func human(_ date: Date) -> String {
        let local = LocalTime(date, in: zone)
        return "\(Self.weekdays[local.day.isoWeekday - 1]) \(local.day) \(clock(local.timeOfDay)) \(offset(local.utcOffset))"
    }

    /// `2026-11-30T19:00:00+01:00`
    func iso8601(_ date: Date) -> String {
        let local = LocalTime(date, in: zone)
        return "\(local.day)T\(clock(local.timeOfDay))\(offset(local.utcOffset))"
    }

    private func clock(_ t: TimeOfDay) -> String {
        two(t.hour) + ":" + two(t.minute) + ":" + two(t.second)
    }

    private func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let a = abs(seconds)
        return sign + two(a / 3600) + ":" + two(a / 60 % 60)
    }

    private func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
