// What `trustctl report`, `review` and `export` read: the plan when it can be read (else the ledger
// alone, with built-in defaults, saying so) and the ledger's records.
import ArgumentParser
import Foundation
import TrustCore
import TrustPlan
import TrustReport
import TrustStore

/// Standard output, standard error and exit status of a command, as values (tests call `run` directly).
public struct CommandOutput: Sendable, Equatable {
    public var stdout: Data
    public var stderr: String
    public var status: Int32

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }

    /// Writes standard error, then standard output, and exits with `status` (unless 0).
    func write() throws {
        FileHandle.standardError.write(Data(stderr.utf8))
        FileHandle.standardOutput.write(stdout)
        if status != 0 { throw ExitCode(status) }
    }
}

struct ReportInputs {
    /// What to read from the ledger.
    enum Read {
        /// Compact per-item ledgers (the report's fast path), with notes from `notesFrom(today)` on.
        case ledgers(notesFrom: (DayKey) -> DayKey?)
        /// Full records (export).
        case records
    }

    var plan: Plan?
    var meta: ReportMeta
    var today: DayKey
    var now: Date
    var ledgers: [ItemCheckIns] = []
    var records: [CheckIn] = []
    /// Why the plan was not used (missing or invalid), for standard error.
    var planWarning: String?
    /// Why nothing was read from the ledger (there is none yet), for standard error.
    var ledgerWarning: String?
    /// Both, in that order.
    var warnings: [String] { [planWarning, ledgerWarning].compactMap { $0 } }

    /// Reads the plan and the ledger. `items`: only these (all when nil); `since`: records on or after that day.
    /// Fails on requested ids that are neither in the plan nor in the ledger.
    static func load(
        planPath: String, storePath: String, now: Date, items: [ItemID]?, since: DayKey?, read: Read,
        defaultTimeZone: TimeZone = .current
    ) throws(CommandFailure) -> ReportInputs {
        var planWarning: String?
        // The ledger is opened (its file checked, its connections set up) on another thread while this
        // one reads the plan: each takes a few milliseconds (issue 15).
        let opening = Pending { Result { () throws(StoreError) in try TrustStore(path: storePath, mode: .readOnly) } }
        let result = PlanReader.load(path: planPath, defaultTimeZone: defaultTimeZone, now: now)
        let plan = result.plan
        var status = ReportMeta.PlanStatus.loaded
        if plan == nil {
            if result.isMissingFile {
                status = .missing
                planWarning =
                    "no plan at \(planPath); reporting from the ledger with built-in defaults in \(defaultTimeZone.identifier) (run `trustctl init` to write one, or pass --plan)"
            } else {
                let first = result.errors.first.map { "\($0.location): \($0.message)" } ?? "unreadable"
                status = .invalid(first)
                let n = result.errors.count
                planWarning =
                    "the plan \(planPath) has \(n) error\(n == 1 ? "" : "s") (first: \(first)); reporting from the ledger with built-in defaults in \(defaultTimeZone.identifier) — run `trustctl check` to see them"
            }
        }
        // The plan's zone and day start; without a plan, the system's zone and midnight.
        let zone = plan?.timeZone ?? defaultTimeZone
        let today = DayKey.of(now, in: zone, dayStart: plan?.dayStart ?? .midnight)
        var inputs = ReportInputs(
            plan: plan, meta: ReportMeta(generatedAt: now, timeZone: zone, planPath: planPath, planStatus: status),
            today: today, now: now, planWarning: planWarning)

        var known: Set<ItemID> = []
        do {
            let store = try opening.wait().get()
            switch read {
            case .ledgers(let notesFrom):
                inputs.ledgers = try store.checkInsByItem(items: items, since: since, notesSince: notesFrom(today))
                inputs.meta.imported = try store.importedHistory().filter { items?.contains($0.item) ?? true }
                inputs.meta.planChanges = try store.planRevisions(from: .distantPast, to: .distantFuture)
            case .records:
                inputs.records = try store.records(items: items, since: since)
            }
            if let items, !items.isEmpty {
                let planned = Set(plan?.items.map(\.id) ?? [])
                if !items.allSatisfy({ planned.contains($0) }) { known = Set(try store.knownItems()) }
            }
        } catch .missing(let path) {
            inputs.ledgerWarning = StoreError.missing(path: path).description
        } catch {
            throw CommandFailure(message: error.description)
        }

        if let items {
            let unknown = Report.unknownItems(items, plan: plan, ledgerItems: known)
            if !unknown.isEmpty {
                var all = Set(plan?.items.map(\.id) ?? [])
                all.formUnion(known)
                let list = unknown.map { "'\($0)'" }.joined(separator: ", ")
                var message = "no item \(list) in the plan or the ledger"
                message += all.isEmpty ? "" : "; known: " + all.sorted().map(\.rawValue).joined(separator: ", ")
                throw CommandFailure(message: message)
            }
        }
        return inputs
    }

    /// `load` for a command's `--plan`, `--store`, item arguments and `--since`, checked first.
    static func load(
        _ plan: PlanOptions, _ store: StoreOptions, environment: [String: String], now: Date, items texts: [String],
        since text: String?, read: Read, defaultTimeZone: TimeZone
    ) throws(CommandFailure) -> (inputs: ReportInputs, items: [ItemID]?, since: DayKey?) {
        let ids = try itemIDs(texts)
        let since = try text.map { text throws(CommandFailure) in try day(text, option: "--since") }
        let inputs = try load(
            planPath: plan.planPath(environment: environment), storePath: store.storePath(environment: environment),
            now: now, items: ids, since: since, read: read, defaultTimeZone: defaultTimeZone)
        return (inputs, ids, since)
    }

    /// Parses `--since`/`--week` dates: `YYYY-MM-DD`.
    static func day(_ text: String, option: String) throws(CommandFailure) -> DayKey {
        guard let day = DayKey(text) else {
            throw CommandFailure(message: "\(option) \(text): expected a date as YYYY-MM-DD")
        }
        return day
    }

    /// Item ids from the command line, checked for their form.
    static func itemIDs(_ texts: [String]) throws(CommandFailure) -> [ItemID]? {
        if texts.isEmpty { return nil }
        for t in texts where !ItemID.isValid(t) {
            throw CommandFailure(message: notAnItemID(t))
        }
        return texts.map { ItemID($0) }
    }
}
