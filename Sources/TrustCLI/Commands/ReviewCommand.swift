import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl review`.
public struct ReviewCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "review", abstract: "An agenda for the weekly honest conversation, as Markdown.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl review is not built yet")
    }
}
