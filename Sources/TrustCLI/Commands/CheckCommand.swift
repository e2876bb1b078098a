import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl check`.
public struct CheckCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate the plan and list each item's next check-ins.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl check is not built yet")
    }
}
