import ArgumentParser

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
}
