import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl report`.
public struct ReportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "report", abstract: "Streaks, strength and progress for each promise.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl report is not built yet")
    }
}
