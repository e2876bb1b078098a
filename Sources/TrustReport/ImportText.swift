// What `trustctl import` prints: per habit the days recorded (or, on a dry run, that would be),
// kept/missed/skipped, the date range and the days left out, and the plan entries proposed for
// habits with no item; or the same as JSON.
import Foundation
import TrustCore

/// The outcome, for people (text) and programs (`--json`).
public struct ImportSummary: Encodable {
    public var source: String
    public var path: String
    var sha256: String
    var dryRun: Bool
    var habits: [HabitJSON]
    var unmapped: [UnmappedJSON]
    var proposal: String?
    /// Check-ins written (nil on a dry run or when nothing was to be written).
    public var recorded: Int?
    /// Days another writer recorded between planning and writing (kept as they are).
    public var raced: Int?

    struct HabitJSON: Encodable {
        var habit: String
        var item: String?
        var checkIns: Int
        var kept, missed, skipped, notAsked, alreadyImported, leftOut, future: Int
        var first: String?
        var last: String?
    }
    struct UnmappedJSON: Encodable {
        var habit: String
        var proposedID: String
    }

    public init(history: ImportedHistory, plan: ImportPlan, dryRun: Bool) {
        source = history.source.rawValue
        path = history.path
        sha256 = history.sha256
        self.dryRun = dryRun
        habits = plan.habits.map { h in
            HabitJSON(
                habit: h.habit, item: h.item?.rawValue, checkIns: h.checkIns.count, kept: h.kept, missed: h.missed,
                skipped: h.skipped, notAsked: h.notAsked, alreadyImported: h.alreadyImported, leftOut: h.leftOut,
                future: h.future, first: h.first?.description, last: h.last?.description)
        }
        unmapped = plan.unmapped.map { UnmappedJSON(habit: $0.habit, proposedID: $0.proposedID.rawValue) }
        proposal = plan.proposal
    }

    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return ((try? encoder.encode(self)) ?? Data("{}".utf8)) + Data("\n".utf8)
    }

    public func text(storePath: String) -> String {
        let name = ImportSource(rawValue: source)?.displayName ?? source
        var lines: [String] = []
        let total = habits.reduce(0) { $0 + $1.checkIns }
        if dryRun {
            lines.append("Dry run: nothing was written. From \(name), \(path) (sha256 \(sha256.prefix(12))…), the import would record:")
        } else if let recorded {
            lines.append("Recorded \(recorded) imported check-in\(recorded == 1 ? "" : "s") from \(name), \(path) (sha256 \(sha256.prefix(12))…) in \(storePath):")
        } else if unmapped.isEmpty {
            lines.append("Nothing new to record from \(name), \(path) (sha256 \(sha256.prefix(12))…):")
        } else {
            lines.append("Nothing was recorded from \(name), \(path): some habits map to no plan item.")
        }
        for h in habits {
            guard let item = h.item else {
                lines.append("  \(h.habit): left out (--map \(h.habit)=-)")
                continue
            }
            var line = "  \(h.habit) → \(item): \(h.checkIns) day\(h.checkIns == 1 ? "" : "s")"
            if let first = h.first, let last = h.last { line += " (\(first) – \(last))" }
            line += ": \(h.kept) kept, \(h.missed) missed, \(h.skipped) skipped"
            lines.append(line)
            var notes: [String] = []
            if h.notAsked > 0 { notes.append("\(h.notAsked) day\(h.notAsked == 1 ? "" : "s") with no answer (unknown or filled in automatically) not recorded") }
            if h.alreadyImported > 0 { notes.append("\(h.alreadyImported) already imported") }
            if h.leftOut > 0 {
                notes.append("\(h.leftOut) day\(h.leftOut == 1 ? "" : "s") left out: trustd has its own check-ins for them, which are kept")
            }
            if h.future > 0 { notes.append("\(h.future) from today on left out (trustd asks about those itself)") }
            if !notes.isEmpty { lines.append("      " + notes.joined(separator: "; ")) }
        }
        let already = habits.reduce(0) { $0 + $1.alreadyImported }
        if total == 0 && already > 0 && unmapped.isEmpty {
            lines.append("This history is already in the ledger: nothing added.")
        }
        if let raced, raced > 0 {
            lines.append("\(raced) day\(raced == 1 ? "" : "s") gained a check-in from trustd while importing; trustd's answers were kept.")
        }
        if let proposal {
            lines.append("")
            lines.append("These habits map to no item in the plan. Paste this into the plan (or use --map NAME=ID, or --map NAME=- to leave one out), then import again:")
            lines.append("")
            lines.append(proposal)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
