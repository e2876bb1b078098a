// Shared by `trustctl init`, `add` and `edit`: the "no plan yet" message, friendly times shown
// back with their next check-ins, questions on the terminal, and writing the plan privately.
import ArgumentParser
import Foundation
import LinuxWatch
import TrustCore
import TrustPlan
import TrustStore

enum PlanAuthoring {
    /// What doctor, pending, add and edit say when there is no plan file.
    static func noPlanYet(_ path: String) -> String { "no plan yet: run `trustctl init` (it writes \(path))" }

    /// The plan's bytes; without a plan (or unreadable), the message and exit status 1.
    static func readExistingPlan(_ path: String, command: String) throws(ExitCode) -> Data {
        guard FileManager.default.fileExists(atPath: path) else {
            warn("trustctl \(command): \(noPlanYet(path))\n")
            throw ExitCode(1)
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            warn("trustctl \(command): error: cannot read \(path): \(error.localizedDescription)\n")
            throw ExitCode(1)
        }
    }

    /// `Mon..Fri 19:00`, then the next `count` check-ins in `zone`, one line each, indented.
    static func preview(_ time: FriendlyTime, zone: TimeZone, now: Date, count: Int = 3) -> String {
        var out = "  that is: " + time.expressions.joined(separator: "; ")
        if !time.isCalendarExpression { out += "   (from \"\(time.phrase)\")" }
        out += "\n"
        let next = nextCheckIns(time.expressions, zone: zone, now: now, count: count)
        if next.isEmpty {
            out += "  it never elapses after now\n"
        } else {
            out += "  next check-ins: " + next.map { human($0, zone: zone) }.joined(separator: ", ") + "\n"
        }
        return out
    }

    static func nextCheckIns(_ expressions: [String], zone: TimeZone, now: Date, count: Int) -> [Date] {
        let all = expressions.compactMap { try? CalendarSpec.parse($0) }.flatMap { $0.elapses(after: now, in: zone, count: count) }
        return Array(Set(all).sorted().prefix(count))
    }

    /// `Mon 2026-12-07 19:00`
    static func human(_ date: Date, zone: TimeZone) -> String {
        let local = LocalTime(date, in: zone)
        return "\(local.day.weekdayAbbreviation) \(local.day) \(local.timeOfDay)"
    }

    /// Whether standard input is a terminal.
    static var interactive: Bool { standardInputIsTerminal }

    /// Writes to standard output at once (prompts have no newline).
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func warn(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// Asks a question; nil at end of input (Ctrl-D).
    static func ask(_ question: String) -> String? {
        say(question + " > ")
        guard let line = readLine(strippingNewline: true) else { return nil }
        return line.trimmingCharacters(in: .whitespaces)
    }

    /// The plan's directory (mode 0700, created with its parents when missing) and the file
    /// itself (mode 0600, written whole through a synced temporary file and a rename).
    static func writePlan(_ text: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        try PrivateFile.write(Data(text.utf8), to: path)
    }
}
