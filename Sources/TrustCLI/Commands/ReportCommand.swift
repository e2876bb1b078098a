import ArgumentParser
import Foundation
import LinuxWatch
import TrustCore
import TrustReport
import TrustStore

/// `--color auto|always|never`.
public enum ColorMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, always, never
}

/// `trustctl report [ITEM...] [--since DATE] [--json] [--html FILE]`: streaks, strength and progress.
public struct ReportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "report", _superCommandName: "trustctl",
        abstract: "Streaks, strength and progress for each promise.",
        discussion: """
            One block per item: the current streak (kept check-ins in a row; weeks that met a \
            frequency target; days a boundary held), the best streak, habit strength (Loop Habit \
            Tracker's score), kept/asked over 7, 30 and 90 days, skips left in the forgiveness budget, \
            milestones, and a heatmap of the last weeks (■ kept, ◧ partly, ◇ skipped, × missed, \
            ? no answer, ○ awaiting, · nothing asked). A check-in counts for the day it was scheduled \
            for, whenever it was answered. Items removed from the plan are shown from the ledger with \
            built-in defaults. Colour only on a terminal, never with NO_COLOR set.
            """)

    @Argument(help: ArgumentHelp("Items to show (their ids); every item when none.", valueName: "ITEM"))
    public var items: [String] = []

    @Option(name: .long, help: ArgumentHelp("Leave out check-ins before this day.", valueName: "YYYY-MM-DD"))
    public var since: String?

    @Flag(name: .long, help: "Print every number as JSON instead.")
    public var json = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Write a self-contained HTML page (heatmaps, strength charts; no scripts, nothing fetched) to FILE, mode 0600.",
            valueName: "FILE"))
    public var html: String?

    @Option(name: .long, help: ArgumentHelp("Heatmap weeks (default: what fits, up to 26; HTML up to 53).", valueName: "N"))
    public var weeks: Int?

    @Option(name: .long, help: "Colour: auto (on a terminal, unless NO_COLOR is set), always, never.")
    public var color: ColorMode = .auto

    @OptionGroup public var planOptions: PlanOptions
    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func validate() throws {
        if let weeks, !(1...520).contains(weeks) { throw ValidationError("--weeks must be between 1 and 520") }
    }

    public func run() throws {
        LargeHeap.prepare()  // ten years of check-ins: ~16 MB built, in huge pages where the kernel has them
        let env = ProcessInfo.processInfo.environment
        let out = execute(
            now: Date(), environment: env, isTTY: TerminalInfo.stdoutIsTTY, width: TerminalInfo.width(environment: env))
        try out.write()
    }

    /// Everything `run` does, with the clock, environment and terminal as arguments.
    public func execute(
        now: Date, environment: [String: String], isTTY: Bool, width: Int, defaultTimeZone: TimeZone = .current
    ) -> CommandOutput {
        var stderr = ""
        do {
            let (inputs, ids, sinceDay) = try ReportInputs.load(
                planOptions, storeOptions, environment: environment, now: now, items: items, since: since,
                read: .ledgers(notesFrom: { $0.adding(days: -29) }), defaultTimeZone: defaultTimeZone)
            for w in inputs.warnings { stderr += "trustctl report: warning: \(w)\n" }
            let report = Report(
                plan: inputs.plan, ledgers: inputs.ledgers, only: ids, since: sinceDay, today: inputs.today, now: now)
            var stdout = Data()
            if let html {
                try PrivateFile.write(Data(HTMLReport.render(report, meta: inputs.meta, weeks: weeks).utf8), to: html)
                stderr += "trustctl report: wrote \(html)\n"
            }
            if json {
                do {
                    stdout = try ReportJSON.render(report, meta: inputs.meta)
                } catch {
                    throw CommandFailure(message: "could not encode the report as JSON: \(error)")
                }
            } else if html == nil {
                let style = TerminalStyle(
                    color: TerminalInfo.useColor(mode: color, isTTY: isTTY, environment: environment), width: width,
                    weeks: weeks)
                stdout = Data(TerminalReport.render(report, meta: inputs.meta, style: style).utf8)
            }
            return CommandOutput(stdout: stdout, stderr: stderr, status: 0)
        } catch {
            return CommandOutput(stdout: Data(), stderr: stderr + "trustctl report: error: \(error)\n", status: 1)
        }
    }
}
