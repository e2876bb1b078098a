import ArgumentParser
import Foundation
import LinuxWatch
import TrustCore
import TrustReport
import TrustStore

/// `trustctl review [--week DATE]`: the agenda for the weekly honest conversation, in Markdown.
public struct ReviewCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "review", _superCommandName: "trustctl",
        abstract: "An agenda for the weekly honest conversation, as Markdown.",
        discussion: """
            From one week's ledger (Monday to Sunday): what was kept, what slipped (with the notes \
            given), skips used, milestones reached, the plan changes adopted that week (weakenings \
            in bold), and a few questions to talk about. Numbers are \
            as of the end of the week (or now, for the current week).
            """)

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The week containing this day, or 'this' (default) or 'last'.", valueName: "YYYY-MM-DD|this|last"))
    public var week: String = "this"

    @OptionGroup public var outputOptions: OutputOptions

    @OptionGroup public var planOptions: PlanOptions
    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func run() throws {
        LargeHeap.prepare()  // ten years of check-ins: ~16 MB built, in huge pages where the kernel has them
        try execute(now: Date(), environment: ProcessInfo.processInfo.environment).write()
    }

    public func execute(now: Date, environment: [String: String], defaultTimeZone: TimeZone = .current) -> CommandOutput {
        var stderr = ""
        do {
            var day: DayKey?
            if week != "this" && week != "last" { day = try ReportInputs.day(week, option: "--week") }
            // The whole ledger up to the week's end: streaks and milestones need the history before it.
            let inputs = try ReportInputs.load(
                planPath: planOptions.planPath(environment: environment),
                storePath: storeOptions.storePath(environment: environment), now: now, items: nil, since: nil,
                read: .ledgers(notesFrom: { today in
                    (day ?? (week == "last" ? today.adding(days: -7) : today)).start(of: .week)
                }), defaultTimeZone: defaultTimeZone)
            for w in inputs.warnings { stderr += "trustctl review: warning: \(w)\n" }
            let target = day ?? (week == "last" ? inputs.today.adding(days: -7) : inputs.today)
            let review = WeekReview(plan: inputs.plan, ledgers: inputs.ledgers, week: target, today: inputs.today, now: now)
            let markdown = Data(ReviewMarkdown.render(review, meta: inputs.meta).utf8)
            return try outputOptions.deliver(markdown, command: "review", stderr: stderr) { $0 }
        } catch {
            return CommandOutput(stdout: Data(), stderr: stderr + "trustctl review: error: \(error)\n", status: 1)
        }
    }
}
