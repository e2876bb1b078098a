import ArgumentParser
import Foundation
import TrustImport

/// `trustctl import harsh [DIR]`: harsh's `habits` and `log`.
public struct ImportHarshCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "harsh",
        abstract: "Import harsh's habits and log (default: $HARSHPATH or ~/.config/harsh).")

    @Argument(help: ArgumentHelp("The folder holding habits and log.", valueName: "DIR"))
    public var directory: String?

    @OptionGroup public var options: ImportOptions

    public init() {}

    public func run() throws {
        try execute(now: Date(), environment: ProcessInfo.processInfo.environment).write()
    }

    public func execute(now: Date, environment: [String: String], defaultTimeZone: TimeZone = .current) -> CommandOutput {
        let dir = directory ?? HarshReader.defaultDirectory(environment: environment)
        return ImportRunner.run(
            command: "import harsh", options: options, now: now, environment: environment, defaultTimeZone: defaultTimeZone
        ) { () throws(ImportError) in try HarshReader.read(directory: dir) }
    }
}
