import ArgumentParser
import Dispatch

/// `trustctl`: read and answer the trust ledger, check the plan, diagnose the desktop.
/// One subcommand per file in `Commands/`.
public struct TrustCtl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "trustctl",
        abstract: "Keep the promises that rebuild trust: answer check-ins, see progress, check the plan.",
        discussion: """
            trustd (the user service) prompts for each check-in in ~/.config/trust/plan.yaml \
            and records every answer in a local ledger. trustctl reads and answers that ledger. \
            No plan yet? Start with `trustctl init`.
            """,
        version: "0.1.0",
        subcommands: [
            ReportCommand.self,
            AnswerCommand.self,
            PendingCommand.self,
            HistoryCommand.self,
            ReviewCommand.self,
            ExportCommand.self,
            CheckCommand.self,
            CalendarCommand.self,
            VerifyCommand.self,
            ShareCommand.self,
            DoctorCommand.self,
            InitCommand.self,
            AddCommand.self,
            EditCommand.self,
            ImportCommand.self,
        ]
    )

    public init() {}

    /// The command line's entry point, synchronous: every command but `doctor` (which waits on the
    /// bus) runs on the main thread with no concurrency runtime started, so a short command pays for
    /// no worker threads (issue 15: a trivial command costs what `systemd-analyze` costs). An async
    /// command runs in a task while the main thread serves the main queue; it exits the process.
    /// A plain `calendar` or `answer` line (`parsePlain`) runs without the library parsing it at all.
    public static func start(_ arguments: [String]? = nil) -> Never {
        let line = arguments ?? Array(CommandLine.arguments.dropFirst())
        if let plain = parsePlain(line) { runThenExit(plain) }
        let command: ParsableCommand
        do {
            command = try parseSubcommand(line) ?? parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        guard let asynchronous = command as? AsyncParsableCommand else {
            var command = command
            runThenExit { try command.run() }
        }
        Task {
            do {
                var command = asynchronous
                try await command.run()
                exit()
            } catch {
                exit(withError: error)
            }
        }
        dispatchMain()
    }

    /// Runs a synchronous command and exits: 0, or the library's message and code for its error.
    static func runThenExit(_ body: () throws -> Void) -> Never {
        do {
            try body()
            exit()
        } catch {
            exit(withError: error)
        }
    }

    /// A command line that names a subcommand, parsed by that subcommand as the root; nil when the
    /// line is not one (then `parseAsRoot` on trustctl parses it). Issue 15: `parseAsRoot` on
    /// trustctl first runs two throwaway parsers for `--generate-completion-script`, built by
    /// reflection, a quarter of a short command's whole process (`Benchmarks/bench-trivial`). The
    /// library skips that step for a root that names a super-command, as each subcommand's
    /// configuration names trustctl. Every line this way does not parse to the subcommand or one of
    /// its own goes the long way (nil here), so what help, the version, completions and errors print
    /// is the library's own: a help request parses to the library's help command, and `--version`,
    /// completion requests and mistakes are errors for a subcommand as the root.
    static func parseSubcommand(_ arguments: [String]) -> ParsableCommand? {
        guard let name = arguments.first,
            let subcommand = configuration.subcommands.first(where: { $0._commandName == name }),
            subcommand.configuration._superCommandName == configuration.commandName
        else { return nil }
        guard let command = try? subcommand.parseAsRoot(Array(arguments.dropFirst())),
            isInTree(type(of: command), of: subcommand)
        else { return nil }
        return command
    }

    static func isInTree(_ type: ParsableCommand.Type, of root: ParsableCommand.Type) -> Bool {
        type == root || root.configuration.subcommands.contains { isInTree(type, of: $0) }
    }
}

extension TrustCtl {
    /// The command for a plain line (`PlainLine`) of a subcommand that reads its own, ready to run;
    /// nil for every other line. A switch, not a table: a dictionary's first use costs a scan of
    /// every conformance in the binary.
    static func parsePlain(_ arguments: [String]) -> (() throws -> Void)? {
        guard let name = arguments.first else { return nil }
        switch name {
        case "calendar":
            guard let request = CalendarCommand.parsePlain(arguments.dropFirst()) else { return nil }
            return { try request.run() }
        case "answer":
            guard let command = AnswerCommand.parsePlain(arguments.dropFirst()) else { return nil }
            return { try command.run() }
        default:
            return nil
        }
    }
}
