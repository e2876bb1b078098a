import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl pending`.
public struct PendingCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "pending", abstract: "Check-ins awaiting an answer, oldest first.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl pending is not built yet")
    }
}
