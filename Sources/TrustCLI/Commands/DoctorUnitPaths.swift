import Foundation
import TrustDesktop
import TrustPlan

/// Where `trustctl doctor` finds the trustd unit, and whether trustd under systemd and trustctl in
/// this terminal use the same plan and ledger.
extension Doctor {
    /// The directories of the systemd user unit search path where a package puts units, after the
    /// user's own (`$XDG_CONFIG_HOME/systemd/user`), in systemd's order.
    public static let packagedUnitDirectories = ["/etc/systemd/user", "/usr/local/lib/systemd/user", "/usr/lib/systemd/user"]

    /// The trustd unit systemd would load: the user's own (`make install`), else a packaged one (the .deb).
    public static func installedUnit(
        environment: [String: String], packagedDirectories: [String] = packagedUnitDirectories
    ) -> (path: String, text: String)? {
        let own = PlanLocation.configHome(environment: environment) + "/systemd/user"
        for directory in [own] + packagedDirectories {
            let path = directory + "/trustd.service"
            if let text = try? String(contentsOfFile: path, encoding: .utf8) { return (path, text) }
        }
        return nil
    }

    /// The value of `--plan`/`--store` on the unit's `ExecStart=` line (`%h` expanded), nil when absent.
    static func execStartOption(_ name: String, in unit: String, home: String) -> String? {
        guard let line = unit.split(separator: "\n").last(where: { $0.hasPrefix("ExecStart=") && $0.count > "ExecStart=".count })
        else { return nil }
        let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        for (i, word) in words.enumerated() {
            if word == name, i + 1 < words.count { return words[i + 1].replacingOccurrences(of: "%h", with: home) }
            if word.hasPrefix(name + "=") { return String(word.dropFirst(name.count + 1)).replacingOccurrences(of: "%h", with: home) }
        }
        return nil
    }

    /// trustd under systemd reads the plan and writes the ledger its unit names; trustctl here uses
    /// `plan` and `store`. A difference (say `XDG_STATE_HOME` set in the shell) means answers and
    /// reports would not meet: a warning that says which paths and how to align them.
    public static func checkUnitPaths(
        unit: (path: String, text: String)?, plan: String, store: String, home: String
    ) -> DoctorCheck {
        guard let unit else {
            return DoctorCheck(
                id: "paths", title: "Paths", status: .skipped, summary: "No trustd unit installed: nothing to compare")
        }
        let unitPlan = execStartOption("--plan", in: unit.text, home: home)
        let unitStore = execStartOption("--store", in: unit.text, home: home)
        var facts: [String: DoctorFact] = ["unit": .text(unit.path), "plan": .text(plan), "store": .text(store)]
        if let unitPlan { facts["unit-plan"] = .text(unitPlan) }
        if let unitStore { facts["unit-store"] = .text(unitStore) }
        var differences: [String] = []
        var options: [String] = []
        if let unitPlan, unitPlan != plan {
            differences.append("trustd reads the plan \(unitPlan), trustctl \(plan)")
            options.append("--plan \(shellQuoted(unitPlan))")
        }
        if let unitStore, unitStore != store {
            differences.append("trustd writes the ledger \(unitStore), trustctl reads \(store)")
            options.append("--store \(shellQuoted(unitStore))")
        }
        if differences.isEmpty {
            return DoctorCheck(
                id: "paths", title: "Paths", status: .ok, summary: "trustd (\(unit.path)) and trustctl use the same plan and ledger",
                facts: facts)
        }
        return DoctorCheck(
            id: "paths", title: "Paths", status: .warning, summary: differences.joined(separator: "; "),
            remedy:
                "Unset XDG_CONFIG_HOME/XDG_STATE_HOME in this shell or give trustctl \(options.joined(separator: " ")); or point trustd at your paths: systemctl --user edit trustd (ExecStart=)",
            facts: facts)
    }
}
