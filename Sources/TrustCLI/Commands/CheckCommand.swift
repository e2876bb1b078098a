import ArgumentParser
import Foundation
import Synchronization
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
        let result = PlanReader.load(path: path, defaultTimeZone: defaultTimeZone, now: now)
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

        let formatter = InstantFormatter(zone: plan.timeZone, from: now)
        let allUpcoming = upcoming(plan: plan, result: result, after: now, count: count)
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

    /// Each item's next `count` check-ins, in item order. Items are independent and the calendar
    /// is pure, so a large plan is split across the processor's cores.
    static func upcoming(plan: Plan, result: PlanReadResult, after now: Date, count: Int) -> [[Date]] {
        let items = plan.items
        let chunks = items.count < 512 ? 1 : min(ProcessInfo.processInfo.activeProcessorCount * 2, 64)
        guard chunks > 1 else { return items.map { upcoming($0, plan: plan, result: result, after: now, count: count) } }
        let size = (items.count + chunks - 1) / chunks
        let parts = Mutex<[Int: [[Date]]]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let range = min(c * size, items.count)..<min((c + 1) * size, items.count)
            let part = items[range].map { upcoming($0, plan: plan, result: result, after: now, count: count) }
            parts.withLock { $0[c] = part }
        }
        return parts.withLock { parts in (0..<chunks).flatMap { parts[$0] ?? [] } }
    }

    /// The next `count` check-ins; the first comes from the reader, which computed it already.
    static func upcoming(_ item: Item, plan: Plan, result: PlanReadResult, after now: Date, count: Int) -> [Date] {
        guard count > 0, let first = result.nextAfterNow[item.id] else { return [] }
        return [first] + plan.nextOccurrences(of: item, after: first, count: count - 1)
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
            let formatter = InstantFormatter(zone: plan.timeZone, from: now)
            let allUpcoming = upcoming(plan: plan, result: result, after: now, count: count)
            items = zip(plan.items, allUpcoming).map { item, upcoming in
                ItemJSON(
                    id: item.id.rawValue, kind: item.kind.rawValue, title: item.title,
                    schedule: item.schedule.map(\.normalized), target: item.target?.description,
                    next: upcoming.map { formatter.iso8601($0) })
            }
        }
        let report = Report(
            valid: result.plan != nil, file: result.file, timezone: result.plan?.timeZone.identifier,
            diagnostics: diagnostics, items: items)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(report)) ?? Data("{\"valid\": false}".utf8)
        return Output(
            stdout: String(decoding: data, as: UTF8.self) + "\n", stderr: "", status: result.plan != nil ? 0 : 1)
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

    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// The wall-clock time of `date` in the zone.
    func local(_ date: Date) -> LocalTime {
        let t = date.timeIntervalSince1970
        guard t >= cachedStart, t < cachedEnd else { return LocalTime(date, in: zone) }
        let seconds = Int(t.rounded(.down)) + cachedOffset
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        return LocalTime(
            day: DayKey(daysSinceEpoch: days), timeOfDay: TimeOfDay(secondsSinceMidnight: seconds - days * 86400),
            utcOffset: cachedOffset)
    }

    /// `Mon 2026-11-30 19:00:00 +01:00`
    func human(_ date: Date) -> String { human(local(date)) }

    func human(_ local: LocalTime) -> String {
        Self.weekdays[local.day.isoWeekday - 1] + " " + day(local.day) + " " + clock(local.timeOfDay) + " "
            + offset(local.utcOffset)
    }

    /// `2026-11-30T19:00:00+01:00`
    func iso8601(_ date: Date) -> String {
        let local = local(date)
        return day(local.day) + "T" + clock(local.timeOfDay) + offset(local.utcOffset)
    }

    // Plain string building: String(format:) costs microseconds a call, too much for 15,000 dates.
    private func day(_ d: DayKey) -> String {
        let y = String(d.year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + two(d.month) + "-" + two(d.day)
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
