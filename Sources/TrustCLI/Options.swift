import ArgumentParser
import Foundation
import TrustPlan
import TrustStore

/// `--plan PATH`, shared by every command that reads the plan.
public struct PlanOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The plan file.", valueName: "PATH"))
    public var plan: String?

    public init() {}

    /// The path given, else `$XDG_CONFIG_HOME/trust/plan.yaml`.
    public func planPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        plan ?? PlanLocation.defaultPath(environment: environment)
    }
}

/// `--store PATH`, shared by every command that reads or writes the ledger.
public struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The ledger file.", valueName: "PATH"))
    public var store: String?

    public init() {}

    /// The path given, else `$STATE_DIRECTORY/ledger.sqlite` or `$XDG_STATE_HOME/trust/ledger.sqlite`.
    public func storePath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        store ?? StoreLocation.defaultPath(environment: environment)
    }
}
