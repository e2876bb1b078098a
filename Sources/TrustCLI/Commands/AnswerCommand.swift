import ArgumentParser
import Foundation
import TrustCore
import TrustReport
import SystemdKit
import TrustDesktop
import TrustStore

/// `trustctl answer ITEM kept|missed|skipped [--note TEXT] [--occurrence ID] [--at TIME]`
public struct AnswerCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "answer", _superCommandName: "trustctl",
        abstract: "Answer a check-in: kept, missed or skipped.",
        discussion: """
            Answers the newest open check-in of ITEM that is due (or the one given with --occurrence). \
            The answer counts for that check-in's day, whatever the time you answer. Answering a \
            check-in that already has an answer records a correction; the earlier answer stays in \
            the ledger. The answer is on disk when this command returns.
            """)

    @Argument(help: "The item id from your plan (see `trustctl pending`).")
    public var item: String

    @Argument(help: ArgumentHelp("kept, missed or skipped.", valueName: "answer"))
    public var answer: String

    @Option(help: "A note to keep with the answer.")
    public var note: String?

    @Option(help: ArgumentHelp("Answer this occurrence (its number in `trustctl pending` or `history`).", valueName: "ID"))
    public var occurrence: Int64?

    @Option(help: ArgumentHelp("When the answer was given (default: now): \(StoreTimeText.instantHelp).", valueName: "TIME"))
    public var at: String?

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func validate() throws {
        guard Answer(rawValue: answer) != nil else {
            throw ValidationError("unknown answer '\(answer)'; answer with one of: kept, missed, skipped")
        }
        guard ItemID.isValid(item) else {
            throw ValidationError(notAnItemID(item))
        }
        if let at, StoreTimeText.parseInstant(at, now: Date(), zone: .current) == nil {
            throw ValidationError("--at '\(at)': expected \(StoreTimeText.instantHelp)")
        }
    }

    public func run() throws {
        try runStoreCommand("answer") {
            let store = try TrustStore(path: storeOptions.storePath(), mode: .readWrite)
            return try perform(on: store, now: Date(), zone: .current, desktop: .session)
        }
    }

    /// Records the answer and returns what to print; then withdraws the check-in's notification
    /// on `desktop` (nil: leave it).
    func perform(on store: TrustStore, now: Date, zone: TimeZone, desktop: BusAddress? = nil) throws -> String {
        let (result, when) = try record(on: store, now: now, zone: zone)
        // The answer is on disk. Take its prompt off the screen: trustd does so when it runs (it
        // notices the new event); this covers a trustd that is stopped or crashed. Best effort,
        // after the commit, and never an error: the answer counts either way. Only a check-in that
        // was still pending can have its prompt showing: an answered one's went with the first
        // answer, an unanswered one's at the deadline, and by now the server may have given that
        // id to another notification (ids restart with the server), which must not be closed.
        if let desktop, let id = result.occurrence.notificationID, result.previousState == .pending {
            _ = NotificationClient.closeOnce(id, address: desktop)
        }
        return Self.describe(result, answeredAt: when)
    }

    /// Records the answer: the result and when it was given.
    func record(on store: TrustStore, now: Date, zone: TimeZone) throws -> (AnswerResult, Date) {
        guard let answer = Answer(rawValue: answer) else { throw ValidationError("unknown answer '\(self.answer)'") }
        let item = ItemID(item)
        let when = try at.map { text in
            guard let d = StoreTimeText.parseInstant(text, now: now, zone: zone) else {
                throw CommandFailure(message: "--at '\(text)': expected \(StoreTimeText.instantHelp)")
            }
            return d
        } ?? now
        let result: AnswerResult
        if let occurrence {
            guard let target = try store.occurrence(id: occurrence) else { throw StoreError.noSuchOccurrence(occurrence) }
            guard target.item == item else {
                throw CommandFailure(
                    message: "occurrence #\(occurrence) is a check-in of '\(target.item)', not '\(item)'")
            }
            result = try store.answer(occurrence: occurrence, answer: answer, note: note, channel: .terminal, at: when)
        } else {
            result = try store.answerNewestOpen(item: item, answer: answer, note: note, channel: .terminal, at: when)
        }
        return (result, when)
    }

    static func describe(_ result: AnswerResult, answeredAt: Date) -> String {
        var f = StoreZoneFormatter()
        let o = result.occurrence
        let day = StoreZoneFormatter.weekdayAndDay(o.day)
        let checkIn = "check-in \(f.clock(o.scheduled, o.zone, relativeTo: o.day)), #\(o.id)"
        var lines: [String] = []
        switch result.outcome {
        case .answered:
            lines.append("Recorded: \(o.item) \(o.state.rawValue) for \(day) (\(checkIn)).")
            if result.wasLate {
                lines.append(
                    "It came after the deadline (\(f.clock(o.deadline, o.zone, relativeTo: o.day))) and still counts for \(day).")
            } else if f.local(answeredAt, o.zone).day != o.day {
                lines.append("It counts for \(day), the check-in's day.")
            }
        case .corrected(let previous):
            lines.append(
                "Corrected: \(o.item) for \(day) is now \(o.state.rawValue) (was \(previous.rawValue); \(checkIn)).")
            lines.append("The earlier answer stays in the ledger as history.")
        case .noted:
            lines.append("Noted on \(o.item) for \(day) (\(o.state.rawValue); \(checkIn)).")
        case .unchanged:
            lines.append("\(o.item) for \(day) is already \(o.state.rawValue) (\(checkIn)); nothing recorded.")
        }
        if let note = o.note, result.previousState == .pending { lines.append("Note: \(DisplayText.terminal(note))") }
        return lines.joined(separator: "\n")
    }
}

// MARK: - The plain line

extension AnswerCommand {
    /// The command for a plain line (`PlainLine`: ITEM ANSWER and long options), as the library
    /// parses it, without its reflection (issue 15); nil for any other line, and for one `validate()`
    /// refuses, which the library then parses and reports.
    static func parsePlain(_ words: ArraySlice<String>) -> AnswerCommand? {
        guard let line = PlainLine(words, options: ["--note", "--occurrence", "--at", "--store"], flags: []),
            line.positionals.count == 2
        else { return nil }
        var command = AnswerCommand()
        command.item = line.positionals[0]
        command.answer = line.positionals[1]
        command.note = line.value("--note")
        command.at = line.value("--at")
        command.occurrence = nil
        if let occurrence = line.value("--occurrence") {
            guard let number = Int64(occurrence) else { return nil }
            command.occurrence = number
        }
        var storeOptions = StoreOptions()
        storeOptions.store = line.value("--store")
        command.storeOptions = storeOptions
        guard (try? command.validate()) != nil else { return nil }
        return command
    }
}
