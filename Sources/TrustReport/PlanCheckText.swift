// `trustctl check`'s output: diagnostics compiler-style on standard error, then each item with its
// next check-ins (or one JSON object).
import Foundation
import TrustCore
import TrustPlan

public enum PlanCheckText {
    public struct Output: Sendable, Equatable {
        public var stdout: String
        public var stderr: String
        /// 0 when the plan is valid, 1 when it is not.
        public var status: Int32
    }

    // MARK: Text

    public static func text(_ result: PlanReadResult, now: Date, count: Int) -> Output {
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
        if let d = plan.changesTakeEffect {
            settings.append("weakening changes take effect after \(PlanChangesText.duration(Int(d.rounded())))")
        }
        out += settings.joined(separator: ", ") + "\n"

        let formatter = InstantFormatter(zone: plan.timeZone, from: now)
        let allUpcoming = upcoming(plan: plan, result: result, count: count)
        for (item, upcoming) in zip(plan.items, allUpcoming) {
            out += "\n\(item.kind.rawValue) \(item.id): \(DisplayText.terminal(item.title))\n"
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

    public static func plural(_ n: Int, _ word: String) -> String {
        if n == 1 { return "1 \(word)" }
        return word.hasSuffix("y") ? "\(n) \(word.dropLast())ies" : "\(n) \(word)s"
    }

    // MARK: JSON

    /// `{"valid", "file", "timezone", "diagnostics": [...], "items": [...]}`, keys in that order,
    /// two-space indentation. Written directly: JSONEncoder takes longer than the whole check
    /// on a 5,000-item plan.
    /// `holds`: the weakened items `changes-take-effect` holds (the key `held`, only when there are some).
    public static func json(_ result: PlanReadResult, now: Date, count: Int, holds: PlanHolds = .none) -> Output {
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
        j += "]"
        if let plan = result.plan, !holds.holds.isEmpty {
            let formatter = InstantFormatter(zone: plan.timeZone, from: now)
            j += ",\n  \"held\": ["
            for (i, h) in holds.holds.enumerated() {
                j += i == 0 ? "\n" : ",\n"
                j += "    {\"item\": " + Export.jsonString(h.item.rawValue)
                j += ", \"until\": \"" + formatter.iso8601(h.takesEffect) + "\""
                j += ", \"removed\": \(h.adopted == nil)"
                j += ", \"aspects\": [" + h.held.map { Export.jsonString($0.aspect.rawValue) }.joined(separator: ", ") + "]}"
            }
            j += "\n  ]"
        }
        j += "\n}\n"
        return Output(stdout: j, stderr: "", status: result.plan != nil ? 0 : 1)
    }
}
