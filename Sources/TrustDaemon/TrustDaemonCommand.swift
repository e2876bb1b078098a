import ArgumentParser

// PLACEHOLDER — replaced by the daemon issue.
public struct TrustDaemonCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "trustd", abstract: "The trust check-in daemon (a systemd user service).")
    public init() {}
    public func run() async throws {
        throw ValidationError("trustd is not built yet")
    }
}
