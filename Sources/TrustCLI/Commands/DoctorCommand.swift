import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl doctor`.
public struct DoctorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "doctor", abstract: "Explain why prompts do or don't appear, and what to do.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl doctor is not built yet")
    }
}
