import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl calendar`.
public struct CalendarCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "calendar", abstract: "Normalize calendar expressions and show when they elapse.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl calendar is not built yet")
    }
}
