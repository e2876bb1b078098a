// What `trustctl import loop|harsh|habitctl` does, with the clock and environment as arguments:
// read the other tracker's files (TrustImport), map its habits to plan items and decide each day
// (TrustCore's ImportPlanner), then record everything in one transaction (TrustStore) or, with
// --dry-run, only say what would be recorded.
import ArgumentParser
import Foundation
import TrustCore
import TrustImport
import TrustPlan
import TrustStore

/// Options shared by the three import commands.
public struct ImportOptions: ParsableArguments {
    @Flag(name: .long, help: "Show what would be recorded and write nothing.")
    public var dryRun = false

    @Option(
        name: .customLong("map"),
        help: ArgumentHelp(
            "Send the habit NAME to the plan item ID, or leave it out with NAME=- (repeatable).", valueName: "NAME=ID"))
    public var maps: [String] = []

    @Flag(name: .long, help: "Print the outcome as JSON.")
    public var json = false

    @OptionGroup public var storeOptions: StoreOptions
    @OptionGroup public var planOptions: PlanOptions

    public init() {}

    /// `--map` values by habit name. The last `=` separates: habit names may contain one.
    func parsedMaps() throws(CommandFailure) -> [String: ImportTarget] {
        var out: [String: ImportTarget] = [:]
        for m in maps {
            guard let eq = m.lastIndex(of: "="), eq != m.startIndex else {
                throw CommandFailure(message: "--map '\(m)': expected NAME=ID (an item id from the plan) or NAME=- (leave it out)")
            }
            let name = String(m[..<eq])
            let target = String(m[m.index(after: eq)...])
            if target == "-" {
                out[name] = .leaveOut
            } else {
                guard ItemID.isValid(target) else { throw CommandFailure(message: "--map '\(m)': \(notAnItemID(target))") }
                out[name] = .item(ItemID(target))
            }
        }
        return out
    }
}

enum ImportRunner {
    /// Runs an import; `read` reads the tracker's files.
    static func run(
        command: String, options: ImportOptions, now: Date, environment: [String: String],
        defaultTimeZone: TimeZone = .current, read: () throws(ImportError) -> ImportedHistory
    ) -> CommandOutput {
        func failure(_ message: String, stdout: Data = Data()) -> CommandOutput {
            CommandOutput(stdout: stdout, stderr: "trustctl \(command): error: \(message)\n", status: 1)
        }
        let history: ImportedHistory
        do {
            history = try read()
        } catch {
            // `file:line: error: …`, as a compiler would say it; nothing was written.
            return CommandOutput(stdout: Data(), stderr: "\(error)\nnothing was recorded\n", status: 1)
        }
        do {
            let maps = try options.parsedMaps()
            let planPath = options.planOptions.planPath(environment: environment)
            let loaded = PlanReader.load(path: planPath, defaultTimeZone: defaultTimeZone, now: now)
            var warnings = ""
            let plan: Plan
            if let p = loaded.plan {
                plan = p
            } else if loaded.isMissingFile {
                // Without a plan every habit is unmapped: the output proposes the entries to start one.
                plan = Plan(timeZone: defaultTimeZone, items: [])
                warnings += "trustctl \(command): warning: no plan at \(planPath); the habits need items in a plan first\n"
            } else {
                let first = loaded.errors.first.map { "\($0.location): \($0.message)" } ?? "unreadable"
                return failure("the plan \(planPath) has errors (first: \(first)); run `trustctl check`. Nothing was recorded.")
            }
            let today = DayKey.of(now, in: plan.timeZone, dayStart: plan.dayStart)
            let storePath = options.storeOptions.storePath(environment: environment)

            // What the ledger holds already. A dry run never creates or migrates the ledger.
            // A ledger that does not exist yet is created only when there is something to record;
            // a dry run opens an existing one read-only.
            let store: TrustStore? =
                FileManager.default.fileExists(atPath: storePath)
                ? try TrustStore(path: storePath, mode: options.dryRun ? .readOnly : .readWrite) : nil
            var items = plan.items.map(\.id)
            for case .item(let id) in maps.values where !items.contains(id) { items.append(id) }
            let existing = try store?.existingDays(items: items) ?? [:]

            let importPlan: ImportPlan
            do {
                importPlan = try ImportPlanner.plan(history, items: plan.items, maps: maps, existing: existing, today: today)
            } catch {
                return failure("\(error.message). Nothing was recorded.")
            }

            var summary = ImportSummary(history: history, plan: importPlan, dryRun: options.dryRun)
            if importPlan.isReady && !options.dryRun && importPlan.checkInCount > 0 {
                let writer = try store ?? TrustStore(path: storePath, mode: .create)
                let result = try writer.recordImport(
                    ImportBatch(
                        source: history.source, file: (history.path as NSString).lastPathComponent,
                        sha256: history.sha256, zone: plan.timeZone, dayStart: plan.dayStart, at: now,
                        items: importPlan.habits.compactMap { h in
                            h.item.map { ImportBatch.ItemCheckIns(item: $0, kind: h.kind, checkIns: h.checkIns) }
                        }))
                summary.recorded = result.recorded
                summary.raced = result.alreadyThere
            }
            let stdout = options.json ? summary.json() : Data(summary.text(storePath: storePath).utf8)
            if !importPlan.isReady && !options.dryRun {
                let n = importPlan.unmapped.count
                return CommandOutput(
                    stdout: stdout,
                    stderr: warnings
                        + "trustctl \(command): error: \(n) habit\(n == 1 ? "" : "s") map\(n == 1 ? "s" : "") to no item in \(planPath); add the entries above to the plan, or use --map NAME=ID / --map NAME=-. Nothing was recorded.\n",
                    status: 1)
            }
            return CommandOutput(stdout: stdout, stderr: warnings, status: 0)
        } catch let error as CommandFailure {
            return failure(error.message)
        } catch let error as StoreError {
            return failure("\(error)")
        } catch {
            return failure("\(error)")
        }
    }
}

/// The outcome, for people (text) and programs (`--json`).
struct ImportSummary: Encodable {
    var source: String
    var path: String
    var sha256: String
    var dryRun: Bool
    var habits: [HabitJSON]
    var unmapped: [UnmappedJSON]
    var proposal: String?
    /// Check-ins written (nil on a dry run or when nothing was to be written).
    var recorded: Int?
    /// Days another writer recorded between planning and writing (kept as they are).
    var raced: Int?

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

    init(history: ImportedHistory, plan: ImportPlan, dryRun: Bool) {
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

    func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return ((try? encoder.encode(self)) ?? Data("{}".utf8)) + Data("\n".utf8)
    }

    func text(storePath: String) -> String {
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
