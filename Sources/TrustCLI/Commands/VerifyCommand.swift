import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl verify`.
public struct VerifyCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check the ledger's integrity and its hash chain.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl verify is not built yet")
    }
}
