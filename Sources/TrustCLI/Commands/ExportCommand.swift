import ArgumentParser

// PLACEHOLDER — replaced by the issue that builds `trustctl export`.
public struct ExportCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(commandName: "export", abstract: "Every occurrence with its answer and note, as CSV or JSON.")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustctl export is not built yet")
    }
}
