import ArgumentParser
import Foundation
import LinuxWatch
import TrustCore
import TrustDesktop
import TrustPlan
import TrustReport
import TrustStore

/// `trustctl doctor [--send] [--json]`: why prompts do or don't appear, and what to do.
public struct DoctorCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "doctor", _superCommandName: "trustctl",
        abstract: "Explain why prompts do or don't appear, and what to do.",
        discussion: """
            Checks the session bus, the notification server (name, vendor, version, capabilities), \
            the plan, the ledger (path and permissions) and the trustd user unit, and says what to \
            do about each problem. Exit status 0 when nothing is an error (warnings allowed), 1 otherwise.
            """)

    @OptionGroup public var planOptions: PlanOptions
    @OptionGroup public var storeOptions: StoreOptions

    @Flag(name: .long, help: "Also send a test check-in and report the button you pick.")
    public var send = false

    @Option(name: .long, help: ArgumentHelp("With --send: how long to wait for an answer.", valueName: "SECONDS"))
    public var timeout: Int = 60

    @Option(name: .long, help: ArgumentHelp("Check this D-Bus address instead of the session bus.", valueName: "ADDRESS"))
    public var bus: String?

    @Flag(name: .long, help: "Print one JSON object with every check.")
    public var json = false

    public init() {}

    public func validate() throws {
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be between 1 and 3600 seconds") }
    }

    public func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var checks: [DoctorCheck] = []
        let desktop = DesktopDoctor(address: bus, environment: environment)
        checks += await desktop.checkBusAndServer()
        checks.append(Doctor.checkPlan(path: planOptions.planPath(environment: environment), now: Date()))
        checks.append(Doctor.checkStore(path: storeOptions.storePath(environment: environment)))
        checks.append(Doctor.checkUserUnit(environment: environment))
        checks.append(
            Doctor.checkUnitPaths(
                unit: Doctor.installedUnit(environment: environment), plan: planOptions.planPath(environment: environment),
                store: storeOptions.storePath(environment: environment), home: environment["HOME"] ?? NSHomeDirectory()))
        if send {
            if !json {
                print("Sending a test check-in; pick a button (waiting up to \(timeout) s)…")
            }
            checks.append(await desktop.sendTestNotification(timeout: .seconds(timeout)))
        }
        desktop.shutdown()
        print(json ? Doctor.json(checks) : Doctor.text(checks), terminator: "")
        if checks.contains(where: { $0.status == .error }) { throw ExitCode(1) }
    }
}

/// The checks of `trustctl doctor` that are not about the desktop, and the output.
public enum Doctor {
    // MARK: Plan

    /// The plan parses and validates; errors are shown compiler-style.
    public static func checkPlan(path: String, now: Date, defaultTimeZone: TimeZone = .current) -> DoctorCheck {
        let result = PlanReader.load(path: path, defaultTimeZone: defaultTimeZone, now: now)
        var facts: [String: DoctorFact] = ["path": .text(path)]
        if result.isMissingFile {
            return DoctorCheck(
                id: "plan", title: "Plan", status: .error, summary: PlanAuthoring.noPlanYet(path),
                remedy:
                    "Run `trustctl init`: a few questions, then it writes your plan (trustd reads it as soon as it appears); then: trustctl check",
                facts: facts)
        }
        facts["errors"] = .number(result.errors.count)
        facts["warnings"] = .number(result.warnings.count)
        let lines = result.source.map(Diagnostic.lines(of:))
        guard let plan = result.plan else {
            let first = result.errors.first.map { $0.rendered(lines: lines).split(separator: "\n").first.map(String.init) ?? "" }
            return DoctorCheck(
                id: "plan", title: "Plan", status: .error,
                summary: first ?? "\(path): not valid",
                remedy: "Fix the plan (trustctl check lists every problem with its line and column); trustd keeps the last valid plan meanwhile",
                facts: facts)
        }
        let commitments = plan.items.count { $0.kind == .commitment }
        let boundaries = plan.items.count { $0.kind == .boundary }
        facts["commitments"] = .number(commitments)
        facts["boundaries"] = .number(boundaries)
        facts["discreet"] = .flag(plan.discreet)
        let summary =
            "\(path): valid, \(PlanCheckText.plural(commitments, "commitment")), \(PlanCheckText.plural(boundaries, "boundary"))"
            + (plan.discreet ? ", discreet prompts" : "")
        if !result.warnings.isEmpty {
            return DoctorCheck(
                id: "plan", title: "Plan", status: .warning,
                summary: summary + ", \(PlanCheckText.plural(result.warnings.count, "warning"))",
                remedy: "See them with trustctl check", facts: facts)
        }
        return DoctorCheck(id: "plan", title: "Plan", status: .ok, summary: summary, facts: facts)
    }

    // MARK: Store

    /// The ledger opens read-only; the file is 0600 and its directory 0700.
    public static func checkStore(path: String) -> DoctorCheck {
        var facts: [String: DoctorFact] = ["path": .text(path)]
        let directory = (path as NSString).deletingLastPathComponent
        let fileMode = FilePermissions.of(path)
        let dirMode = FilePermissions.of(directory)
        if let fileMode { facts["mode"] = .text(octal(fileMode)) }
        if let dirMode { facts["directory-mode"] = .text(octal(dirMode)) }
        let store: TrustStore
        do {
            store = try TrustStore(path: path, mode: .readOnly)
        } catch .missing {
            return DoctorCheck(
                id: "store", title: "Ledger", status: .warning, summary: "No ledger yet at \(path)",
                remedy: "trustd creates it when it first runs: systemctl --user enable --now trustd", facts: facts)
        } catch {
            return DoctorCheck(
                id: "store", title: "Ledger", status: .error, summary: error.description,
                remedy: "Nothing was changed; see the message for what to do", facts: facts)
        }
        var summary = path
        if let counts = try? store.counts() {
            facts["occurrences"] = .number(counts.occurrences)
            facts["events"] = .number(counts.events)
            summary += ": \(PlanCheckText.plural(counts.occurrences, "check-in")), \(PlanCheckText.plural(counts.events, "event"))"
        }
        var loose: [String] = []
        if let fileMode, fileMode & 0o077 != 0 { loose.append("the file is \(octal(fileMode)), not 0600") }
        if let dirMode, dirMode & 0o077 != 0 { loose.append("its directory is \(octal(dirMode)), not 0700") }
        if !loose.isEmpty {
            return DoctorCheck(
                id: "store", title: "Ledger", status: .warning,
                summary: summary + "; " + loose.joined(separator: " and ") + " (others can read intimate data)",
                remedy: "chmod 600 \(shellQuoted(path)) && chmod 700 \(shellQuoted(directory))", facts: facts)
        }
        return DoctorCheck(
            id: "store", title: "Ledger", status: .ok, summary: summary + " (\(octal(fileMode ?? 0o600)))", facts: facts)
    }

    // MARK: User unit

    /// `trustd.service` in the user unit directory (or a packaged one), enabled through
    /// `default.target.wants`, and its `ExecStart=` binary present.
    public static func checkUserUnit(environment: [String: String]) -> DoctorCheck {
        let unitDir = PlanLocation.configHome(environment: environment) + "/systemd/user"
        let wants = unitDir + "/default.target.wants/trustd.service"
        let fm = FileManager.default
        guard let (unit, text) = installedUnit(environment: environment) else {
            let unit = unitDir + "/trustd.service"
            let facts: [String: DoctorFact] = ["path": .text(unit), "installed": .flag(false), "enabled": .flag(false)]
            return DoctorCheck(
                id: "unit", title: "User unit", status: .error, summary: "trustd.service is not installed (\(unit))",
                remedy:
                    "Install it: make install (or the .deb), then: systemctl --user daemon-reload && systemctl --user enable --now trustd",
                facts: facts)
        }
        var facts: [String: DoctorFact] = ["path": .text(unit)]
        facts["installed"] = .flag(true)
        let enabled = (try? fm.destinationOfSymbolicLink(atPath: wants)) != nil && fm.fileExists(atPath: wants)
        facts["enabled"] = .flag(enabled)
        var problems: [String] = []
        var remedies: [String] = []
        if let exec = execStartBinary(text, home: environment["HOME"] ?? NSHomeDirectory()) {
            facts["exec-start"] = .text(exec)
            if !fm.isExecutableFile(atPath: exec) {
                problems.append("its ExecStart= binary \(exec) is missing")
                remedies.append("install trustd at \(exec) (swift build -c release --static-swift-stdlib, then copy .build/release/trustd)")
            }
        }
        if !enabled {
            problems.append("it is not enabled (no \(wants))")
            remedies.append("systemctl --user enable --now trustd")
        }
        if problems.isEmpty {
            return DoctorCheck(id: "unit", title: "User unit", status: .ok, summary: "\(unit), enabled", facts: facts)
        }
        return DoctorCheck(
            id: "unit", title: "User unit", status: .error, summary: "\(unit) is installed, but " + problems.joined(separator: " and "),
            remedy: remedies.joined(separator: "; then "), facts: facts)
    }

    /// The program of the unit's `ExecStart=` (prefixes like `-`/`@` dropped, `%h` expanded).
    static func execStartBinary(_ unit: String, home: String) -> String? {
        for raw in unit.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("ExecStart=") else { continue }
            var command = line.dropFirst("ExecStart=".count).drop { "-@:+!".contains($0) }
            command = command.prefix { !$0.isWhitespace }
            guard !command.isEmpty else { return nil }
            return command.replacingOccurrences(of: "%h", with: home)
        }
        return nil
    }

    // MARK: Output

    public static func text(_ checks: [DoctorCheck]) -> String {
        var out = ""
        for c in checks {
            let status = c.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)
            out += "\(status)\(c.title): \(c.summary)\n"
            if let remedy = c.remedy, c.status != .ok {
                out += "        → \(remedy)\n"
            }
        }
        let errors = checks.count { $0.status == .error }
        let warnings = checks.count { $0.status == .warning }
        if errors == 0 && warnings == 0 {
            out += "No problems found.\n"
        } else {
            var parts: [String] = []
            if errors > 0 { parts.append(PlanCheckText.plural(errors, "problem")) }
            if warnings > 0 { parts.append(PlanCheckText.plural(warnings, "warning")) }
            out += parts.joined(separator: ", ") + ".\n"
        }
        return out
    }

    public static func json(_ checks: [DoctorCheck]) -> String {
        struct Output: Encodable {
            var ok: Bool
            var checks: [DoctorCheck]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(Output(ok: !checks.contains { $0.status == .error }, checks: checks))) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: Helpers

    static func octal(_ mode: Int) -> String { "0" + String(mode, radix: 8) }

    static func shellQuoted(_ s: String) -> String { ShellWord.quote(s, safe: "/._-+") }
}
