import ArgumentParser
import Foundation
import LinuxWatch
import TrustCore
import TrustReport
import TrustStore

extension Export.Format: ExpressibleByArgument {}

/// `trustctl export --format csv|json|jsonl [--since DATE] [ITEM...]`: every occurrence with its answer and note.
public struct ExportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "export", _superCommandName: "trustctl",
        abstract: "Every check-in with its answer and note, as CSV or JSON.",
        discussion: """
            Oldest first. Columns: \(Export.columns.joined(separator: ", ")). Instants are UTC \
            (RFC 3339), scheduled_local is the scheduled time in the zone it was computed in, day is \
            the day the check-in counts for. CSV follows RFC 4180 (header row, CRLF, quoting); json is \
            one array, jsonl one object per line. Use --output for a private (0600) file.
            """)

    @Option(name: .long, help: "csv, json (an array) or jsonl (one object per line).")
    public var format: Export.Format

    @Option(name: .long, help: ArgumentHelp("Only check-ins on or after this day.", valueName: "YYYY-MM-DD"))
    public var since: String?

    @Argument(help: ArgumentHelp("Only these items (their ids); every item when none.", valueName: "ITEM"))
    public var items: [String] = []

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
            let (inputs, _, _) = try ReportInputs.load(
                planOptions, storeOptions, environment: environment, now: now, items: items, since: since,
                read: .records, defaultTimeZone: defaultTimeZone)
            // A missing or invalid plan only costs the titles: no warning for it.
            if let w = inputs.ledgerWarning { stderr += "trustctl export: warning: \(w)\n" }
            let titles = Dictionary(
                (inputs.plan?.items ?? []).map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
            let parts: [Data]
            do {
                parts = try Export.renderParts(inputs.records, titles: titles, format: format)
            } catch {
                throw CommandFailure(message: "could not encode the export: \(error)")
            }
            return try outputOptions.deliver(parts: parts, command: "export", stderr: stderr) {
                "\(inputs.records.count) check-ins to \($0)"
            }
        } catch {
            return CommandOutput(stdout: Data(), stderr: stderr + "trustctl export: error: \(error)\n", status: 1)
        }
    }
}
