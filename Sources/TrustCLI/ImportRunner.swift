// What `trustctl import loop|harsh|habitctl` does, with the clock and environment as arguments:
// read the other tracker's files (TrustImport), map its habits to plan items and decide each day
// (TrustCore's ImportPlanner), then record everything in one transaction (TrustStore) or, with
// --dry-run, only say what would be recorded.
import ArgumentParser
import Foundation
import TrustCore
import TrustImport
import TrustPlan
import TrustReport
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
