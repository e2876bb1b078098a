import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl history`.
public struct HistoryCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "history", abstract: "The ledger, newest first.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl history is not built yet")
    }
}
