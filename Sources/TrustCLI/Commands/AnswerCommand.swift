import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl answer`.
public struct AnswerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "answer", abstract: "Answer a check-in: kept, missed or skipped.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl answer is not built yet")
    }
}
