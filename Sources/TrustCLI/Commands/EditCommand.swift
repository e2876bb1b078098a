import ArgumentParser
import Foundation
import TrustCore
import TrustPlan

/// `trustctl edit`: the plan in $VISUAL/$EDITOR, checked before it counts (like `crontab -e`).
public struct EditCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "edit", _superCommandName: "trustctl",
        abstract: "Edit the plan in $VISUAL or $EDITOR; it is checked before it replaces the plan.",
        discussion: """
            The editor gets a private copy (mode 0600 in a 0700 directory). When it exits, the copy \
            is checked; with errors they are shown against the copy (file:line:column) and you are \
            asked to edit again or discard. An invalid plan never replaces a valid one, and the \
            plan is replaced in one step (written, synced and renamed), so trustd sees one change.
            """)

    @OptionGroup public var planOptions: PlanOptions

    public init() {}

    public func run() throws {
        let path = planOptions.planPath()
        let environment = ProcessInfo.processInfo.environment
        let original = try PlanAuthoring.readExistingPlan(path, command: "edit")
        let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }.first { !$0.isEmpty }
        // vi without a terminal would wait for input that never comes.
        guard chosen != nil || PlanAuthoring.interactive else {
            PlanAuthoring.warn(
                "trustctl edit: no terminal for an editor, and neither $VISUAL nor $EDITOR is set; \(path) is unchanged. Run it in a terminal, or add items with: trustctl add commitment|boundary TITLE --at WHEN\n")
            throw ExitCode(2)
        }
        let editor = chosen ?? "vi"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustctl-edit-\(UUID().uuidString)").path
        let copy = directory + "/plan.yaml"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try PlanAuthoring.writePlan(String(decoding: original, as: UTF8.self), to: copy)
        } catch {
            PlanAuthoring.warn("trustctl edit: error: cannot make a private copy to edit: \(error)\n")
            throw ExitCode(1)
        }
        while true {
            let status = Self.runEditor(editor, file: copy)
            guard status == 0 else {
                PlanAuthoring.warn("trustctl edit: the editor (\(editor)) exited with status \(status); \(path) is unchanged\n")
                throw ExitCode(1)
            }
            guard let edited = try? Data(contentsOf: URL(fileURLWithPath: copy)) else {
                PlanAuthoring.warn("trustctl edit: the edited copy is gone; \(path) is unchanged\n")
                throw ExitCode(1)
            }
            if edited == original {
                PlanAuthoring.say("No changes; \(path) is as it was.\n")
                return
            }
            let result = PlanReader.load(path: copy, defaultTimeZone: .current, now: Date())
            let lines = result.source.map(Diagnostic.lines(of:))
            for d in result.diagnostics { PlanAuthoring.warn(d.rendered(lines: lines) + "\n") }
            if let plan = result.plan {
                let current = try? Data(contentsOf: URL(fileURLWithPath: path))
                guard current == original else {
                    try? PlanAuthoring.writePlan(String(decoding: edited, as: UTF8.self), to: path + ".mine")
                    PlanAuthoring.warn(
                        "trustctl edit: \(path) changed while you were editing; it was not replaced. Your version: \(path).mine\n")
                    throw ExitCode(1)
                }
                do { try PlanAuthoring.writePlan(String(decoding: edited, as: UTF8.self), to: path) } catch {
                    PlanAuthoring.warn("trustctl edit: error: \(error); \(path) is unchanged\n")
                    throw ExitCode(1)
                }
                let c = plan.items.count(where: { $0.kind == .commitment })
                let b = plan.items.count(where: { $0.kind == .boundary })
                PlanAuthoring.say("Saved \(path): valid, \(c) commitment\(c == 1 ? "" : "s"), \(b) boundar\(b == 1 ? "y" : "ies").\n")
                return
            }
            PlanAuthoring.warn("The plan has \(result.errors.count) error\(result.errors.count == 1 ? "" : "s"); \(path) is unchanged.\n")
            guard let answer = PlanAuthoring.ask("Edit again (e) or discard your changes (d)? [E/d]") else {
                PlanAuthoring.warn("\ntrustctl edit: discarded; \(path) is unchanged\n")
                throw ExitCode(1)
            }
            if answer.lowercased().hasPrefix("d") {
                PlanAuthoring.warn("trustctl edit: discarded; \(path) is unchanged\n")
                throw ExitCode(1)
            }
        }
    }

    /// Runs `editor FILE` through the shell (so "code --wait" works), on this terminal.
    static func runEditor(_ editor: String, file: String) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", editor + " \"$1\"", "sh", file]
        do { try process.run() } catch { return 127 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
