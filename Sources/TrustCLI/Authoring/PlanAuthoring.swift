// Shared by `trustctl init`, `add` and `edit`: the "no plan yet" message, reading the plan,
// questions on the terminal, and writing the plan privately.
import ArgumentParser
import Foundation
import LinuxWatch
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
