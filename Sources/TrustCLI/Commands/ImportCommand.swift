import ArgumentParser

/// `trustctl import loop|harsh|habitctl`: bring years of history from another habit tracker.
public struct ImportCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "import", _superCommandName: "trustctl",
        abstract: "Bring your history from Loop Habit Tracker, harsh or habitctl into the ledger.",
        discussion: """
            Each habit feeds one item of your plan: the one given with --map NAME=ID, else the item \
            whose id or title matches the habit's name. For habits with no item the command prints \
            plan entries to paste, and records nothing until every habit has an item (or is left out \
            with --map NAME=-). Yes becomes kept, no missed, skip skipped; unknown days stay \
            unasked. Days trustd already has check-ins for keep trustd's answers; importing the same \
            file again adds nothing. Everything is recorded in one transaction, marked as imported \
            (the tracker and the file's SHA-256 are on every event), and hash-chained like every answer.
            """,
        subcommands: [ImportLoopCommand.self, ImportHarshCommand.self, ImportHabitctlCommand.self])

    public init() {}
}
