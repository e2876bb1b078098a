import ArgumentParser
import Foundation
import TrustPlan
import TrustReport
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

/// `-o/--output FILE`, for the commands that can write their output to a private file instead.
public struct OutputOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("Write to FILE (mode 0600) instead of standard output.", valueName: "FILE"))
    public var output: String?

    public init() {}

    /// `data` on standard output, or written to the file (0600, fsynced) with a line on standard
    /// error saying so (`trustctl COMMAND: wrote WHAT`).
    func deliver(_ data: Data, command: String, stderr: String, wrote what: (String) -> String) throws
        -> CommandOutput
    {
        try deliver(parts: [data], command: command, stderr: stderr, wrote: what)
    }

    /// The same with the output in consecutive parts (written one after another to the file).
    func deliver(parts: [Data], command: String, stderr: String, wrote what: (String) -> String) throws
        -> CommandOutput
    {
        guard let output else { return CommandOutput(stdout: Export.joined(parts), stderr: stderr, status: 0) }
        try PrivateFile.write(parts: parts, to: output)
        return CommandOutput(stdout: Data(), stderr: stderr + "trustctl \(command): wrote \(what(output))\n", status: 0)
    }
}
