import ArgumentParser
import Foundation
import TrustImport

/// `trustctl import loop FILE`: a Loop Habit Tracker backup (.db) or CSV export (.zip).
public struct ImportLoopCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "loop",
        abstract: "Import a Loop Habit Tracker backup (.db) or its CSV export (.zip).")

    @Argument(help: ArgumentHelp("The backup (Settings → Export full backup) or CSV export.", valueName: "FILE"))
    public var file: String

    @OptionGroup public var options: ImportOptions

    public init() {}

    public func run() throws {
        try execute(now: Date(), environment: ProcessInfo.processInfo.environment).write()
    }

    public func execute(now: Date, environment: [String: String], defaultTimeZone: TimeZone = .current) -> CommandOutput {
        ImportRunner.run(
            command: "import loop", options: options, now: now, environment: environment, defaultTimeZone: defaultTimeZone
        ) { () throws(ImportError) in
            // The content decides, not the name: a zip starts with "PK".
            let head = FileHandle(forReadingAtPath: file).flatMap { try? $0.read(upToCount: 2) } ?? Data()
            return head == Data([0x50, 0x4b]) ? try LoopCSVReader.read(path: file) : try LoopBackupReader.read(path: file)
        }
    }
}
