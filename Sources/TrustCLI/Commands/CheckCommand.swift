import ArgumentParser
import Foundation
import TrustCore
import TrustPlan
import TrustReport
import TrustStore

/// `trustctl check [--plan PATH] [--json]`: validate the plan and list each item's next check-ins.
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check", _superCommandName: "trustctl",
        abstract: "Validate the plan and list each item's next check-ins.",
        discussion: """
            Errors and warnings are printed compiler-style (plan.yaml:12:9: error: …) on standard \
            error. Exit status 0 when the plan is valid (warnings allowed), 1 when it is not. With \
            changes-take-effect, it also says which weakened items trustd keeps under their old \
            terms, and until when (from the plan versions in the ledger).
            """)

    @OptionGroup public var planOptions: PlanOptions
    @OptionGroup public var storeOptions: StoreOptions

    @Flag(name: .long, help: "Print one JSON object: validity, diagnostics and each item's next check-ins.")
    public var json = false

    @Option(name: .long, help: ArgumentHelp("How many upcoming check-ins to list per item.", valueName: "N"))
    public var next = 3

    public init() {}

    public func validate() throws {
        guard next >= 0, next <= 1000 else { throw ValidationError("--next must be between 0 and 1000") }
    }

    public func run() throws {
        let result = PlanCheck.run(
            path: planOptions.planPath(), json: json, now: Date(), defaultTimeZone: .current, count: next,
            storePath: storeOptions.storePath())
        // Diagnostics first, like a compiler, then the listing.
        FileHandle.standardError.write(Data(result.stderr.utf8))
        FileHandle.standardOutput.write(Data(result.stdout.utf8))
        if result.status != 0 { throw ExitCode(result.status) }
    }
}

/// What `trustctl check` does, as a function of its inputs (tests call it directly).
public enum PlanCheck {
    public typealias Output = PlanCheckText.Output

    public static func run(
        path: String, json: Bool, now: Date, defaultTimeZone: TimeZone, count: Int = 3, storePath: String? = nil
    ) -> Output {
        let result = PlanReader.load(path: path, defaultTimeZone: defaultTimeZone, now: now, upcoming: count)
        var held = PlanHolds.none
        if let plan = result.plan, result.errors.isEmpty, let storePath { held = holds(plan, storePath: storePath, now: now) }
        if json { return PlanCheckText.json(result, now: now, count: count, holds: held) }
        var output = PlanCheckText.text(result, now: now, count: count)
        if let plan = result.plan { output.stdout += PlanChangesText.holds(held, zone: plan.timeZone) }
        return output
    }

    /// The weakened items trustd holds under their old terms (`changes-take-effect`): from the plan
    /// versions in the ledger, with this plan adopted now when it is not the last one recorded
    /// (trustd adopts a changed file at once). None without a ledger.
    static func holds(_ plan: Plan, storePath: String, now: Date) -> PlanHolds {
        guard let store = try? TrustStore(path: storePath, mode: .readOnly), var versions = try? store.planVersions() else {
            return .none
        }
        let version = PlanVersion(plan)
        if versions.last?.version != version {
            versions.append(
                RecordedPlanVersion(
                    sequence: (versions.last?.sequence ?? 0) + 1, recordedAt: now, planHash: "", version: version))
        }
        return PlanHolds(versions: versions, now: now)
    }
}
