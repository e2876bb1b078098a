import ArgumentParser
import Foundation
import TrustCore
import TrustPlan
import TrustReport

/// `trustctl check [--plan PATH] [--json]`: validate the plan and list each item's next check-ins.
public struct CheckCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the plan and list each item's next check-ins.",
        discussion: """
            Errors and warnings are printed compiler-style (plan.yaml:12:9: error: …) on standard \
            error. Exit status 0 when the plan is valid (warnings allowed), 1 when it is not.
            """)

    @OptionGroup public var planOptions: PlanOptions

    @Flag(name: .long, help: "Print one JSON object: validity, diagnostics and each item's next check-ins.")
    public var json = false

    @Option(name: .long, help: ArgumentHelp("How many upcoming check-ins to list per item.", valueName: "N"))
    public var next = 3

    public init() {}

    public func validate() throws {
        guard next >= 0, next <= 1000 else { throw ValidationError("--next must be between 0 and 1000") }
    }

    public func run() async throws {
        let result = PlanCheck.run(
            path: planOptions.planPath(), json: json, now: Date(), defaultTimeZone: .current, count: next)
        // Diagnostics first, like a compiler, then the listing.
        FileHandle.standardError.write(Data(result.stderr.utf8))
        FileHandle.standardOutput.write(Data(result.stdout.utf8))
        if result.status != 0 { throw ExitCode(result.status) }
    }
}

/// What `trustctl check` does, as a function of its inputs (tests call it directly).
public enum PlanCheck {
    public typealias Output = PlanCheckText.Output

    public static func run(path: String, json: Bool, now: Date, defaultTimeZone: TimeZone, count: Int = 3) -> Output {
        let result = PlanReader.load(path: path, defaultTimeZone: defaultTimeZone, now: now, upcoming: count)
        return json
            ? PlanCheckText.json(result, now: now, count: count)
            : PlanCheckText.text(result, now: now, count: count)
    }
}
