import ArgumentParser
import Foundation
import TrustImport

/// `trustctl import habitctl [DIR]`: habitctl's `habits` and `log`.
public struct ImportHabitctlCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "habitctl",
        abstract: "Import habitctl's habits and log (default: ~/.habitctl).")

    @Argument(help: ArgumentHelp("The folder holding habits and log.", valueName: "DIR"))
    public var directory: String?

    @OptionGroup public var options: ImportOptions

    public init() {}

    public func run() throws {
        try execute(now: Date(), environment: ProcessInfo.processInfo.environment).write()
    }

    public func execute(now: Date, environment: [String: String], defaultTimeZone: TimeZone = .current) -> CommandOutput {
        let dir = directory ?? HabitctlReader.defaultDirectory(environment: environment)
        return ImportRunner.run(
            command: "import habitctl", options: options, now: now, environment: environment, defaultTimeZone: defaultTimeZone
        ) { () throws(ImportError) in try HabitctlReader.read(directory: dir) }
    }
}
