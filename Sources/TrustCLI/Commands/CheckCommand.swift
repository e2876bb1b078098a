import ArgumentParser
import Foundation
import TrustCore
import TrustPlan
import TrustReport

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
        // Diagnostics first, like a compiler, then the listing.
        FileHandle.standardError.write(Data(result.stderr.utf8))
        FileHandle.standardOutput.write(Data(result.stdout.utf8))
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
        let result = PlanReader.load(path: path, defaultTimeZone: defaultTimeZone, now: now, upcoming: count)
        return json
            ? jsonOutput(result, now: now, count: count)
            : textOutput(result, now: now, count: count)
    }

    // MARK: Text

    static func textOutput(_ result: PlanReadResult, now: Date, count: Int) -> Output {
        var err = ""
        let lines = result.diagnostics.isEmpty ? nil : result.source.map(Diagnostic.lines(of:))
        for d in result.diagnostics {
            err += d.rendered(lines: lines) + "\n"
        }
        guard let plan = result.plan else {
            err += "\(result.file): \(plural(result.errors.count, "error"))"
            if !result.warnings.isEmpty { err += ", \(plural(result.warnings.count, "warning"))" }
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

        let formatter = InstantFormatter(zone: plan.timeZone, from: now)
        let allUpcoming = upcoming(plan: plan, result: result, count: count)
        for (item, upcoming) in zip(plan.items, allUpcoming) {
            out += "\n\(item.kind.rawValue) \(item.id): \(item.title)\n"
            out += "  at      "
            for (i, spec) in item.schedule.enumerated() { out += (i == 0 ? "" : "; ") + spec.normalized }
            out += "\n"
            if let target = item.target { out += "  target  \(target)\n" }
            if let starts = item.starts { out += "  starts  \(starts)\n" }
            if let ends = item.ends { out += "  ends    \(ends)\n" }
            if upcoming.isEmpty, count > 0 {
                out += "  next    never\n"
            }
            for (i, t) in upcoming.enumerated() {
                let local = formatter.local(t)
                out += i == 0 ? "  next    " : "          "
                out += formatter.human(local)
                if let q = plan.quietHours, q.contains(local.timeOfDay) {
                    let shown = formatter.local(q.end(containing: t, in: plan.timeZone))
                    out += "  (quiet hours: shown at " + formatter.human(shown) + ")"
                }
                out += "\n"
            }
        }
        return Output(stdout: out, stderr: err, status: 0)
    }

    /// Each item's next `count` check-ins, in item order: the reader computed them.
    static func upcoming(plan: Plan, result: PlanReadResult, count: Int) -> [[Date]] {
        plan.items.map { Array((result.upcoming[$0.id] ?? []).prefix(count)) }
    }

    static func plural(_ n: Int, _ word: String) -> String {
        if n == 1 { return "1 \(word)" }
        return word.hasSuffix("y") ? "\(n) \(word.dropLast())ies" : "\(n) \(word)s"
    }

    // MARK: JSON

    /// `{"valid", "file", "timezone", "diagnostics": [...], "items": [...]}`, keys in that order,
    /// two-space indentation. Written directly: JSONEncoder takes longer than the whole check
    /// on a 5,000-item plan.
    static func jsonOutput(_ result: PlanReadResult, now: Date, count: Int) -> Output {
        var j = ""
        j.reserveCapacity(1024 + (result.plan?.items.count ?? 0) * 400)
        j += "{\n  \"valid\": \(result.plan != nil),\n"
        j += "  \"file\": " + Export.jsonString(result.file) + ",\n"
        j += "  \"timezone\": " + (result.plan.map { Export.jsonString($0.timeZone.identifier) } ?? "null") + ",\n"
        j += "  \"diagnostics\": ["
        for (i, d) in result.diagnostics.enumerated() {
            j += i == 0 ? "\n" : ",\n"
            j += "    {\"severity\": " + Export.jsonString(d.severity.rawValue)
            j += ", \"file\": " + Export.jsonString(d.file)
            j += ", \"line\": " + (d.line > 0 ? String(d.line) : "null")
            j += ", \"column\": " + (d.line > 0 ? String(d.column) : "null")
            j += ", \"message\": " + Export.jsonString(d.message)
            if let hint = d.hint { j += ", \"hint\": " + Export.jsonString(hint) }
            j += "}"
        }
        j += result.diagnostics.isEmpty ? "],\n" : "\n  ],\n"
        j += "  \"items\": ["
        if let plan = result.plan {
            let formatter = InstantFormatter(zone: plan.timeZone, from: now)
            let allUpcoming = upcoming(plan: plan, result: result, count: count)
            for (i, (item, upcoming)) in zip(plan.items, allUpcoming).enumerated() {
                j += i == 0 ? "\n" : ",\n"
                j += "    {\n      \"id\": " + Export.jsonString(item.id.rawValue)
                j += ",\n      \"kind\": " + Export.jsonString(item.kind.rawValue)
                j += ",\n      \"title\": " + Export.jsonString(item.title)
                j += ",\n      \"schedule\": [" + item.schedule.map { Export.jsonString($0.normalized) }.joined(separator: ", ")
                j += "],\n      \"target\": " + (item.target.map { Export.jsonString($0.description) } ?? "null")
                j += ",\n      \"next\": [" + upcoming.map { "\"" + formatter.iso8601($0) + "\"" }.joined(separator: ", ")
                j += "]\n    }"
            }
            if !plan.items.isEmpty { j += "\n  " }
        }
        j += "]\n}\n"
        return Output(stdout: j, stderr: "", status: result.plan != nil ? 0 : 1)
    }
}

/// Formats instants in one zone without DateFormatter (fast for thousands of items), caching
/// the zone's offset from `from` until its next transition.
struct InstantFormatter {
    let zone: TimeZone
    private let cachedStart: TimeInterval
    private let cachedEnd: TimeInterval
    private let cachedOffset: Int

    init(zone: TimeZone, from: Date) {
        self.zone = zone
        cachedStart = from.timeIntervalSince1970
        cachedEnd = zone.nextDaylightSavingTimeTransition(after: from)?.timeIntervalSince1970 ?? .infinity
        cachedOffset = zone.secondsFromGMT(for: from)
    }

    /// The wall-clock time of `date` in the zone.
    func local(_ date: Date) -> LocalTime {
        let t = date.timeIntervalSince1970
        guard t >= cachedStart, t < cachedEnd else { return LocalTime(date, in: zone) }
        return LocalTime(date, utcOffset: cachedOffset)
    }

    /// `Mon 2026-11-30 19:00:00 +01:00`
    func human(_ local: LocalTime) -> String {
        "\(local.day.weekdayAbbreviation) \(local.day) \(local.timeOfDay.withSeconds) \(local.utcOffsetText)"
    }

    /// `2026-11-30T19:00:00+01:00`
    func iso8601(_ date: Date) -> String { local(date).rfc3339 }
}
