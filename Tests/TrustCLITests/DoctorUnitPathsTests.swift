import Foundation
import Testing
import TrustCLI
import TrustDesktop
import TrustTestSupport

/// `trustctl doctor`'s comparison of the unit's plan and ledger with trustctl's own.
@Suite struct DoctorUnitPathsTests {
    static let home = "/home/sam"
    static let shipped = """
        [Service]
        ExecStart=%h/.local/bin/trustd --plan %h/.config/trust/plan.yaml --store %h/.local/state/trust/ledger.sqlite
        """

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var unit: String
        var plan: String
        var store: String
        var status: DoctorCheck.Status
        var remedyMentions: [String]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "the defaults agree", unit: shipped, plan: home + "/.config/trust/plan.yaml",
            store: home + "/.local/state/trust/ledger.sqlite", status: .ok, remedyMentions: []),
        Case(
            name: "XDG_STATE_HOME elsewhere in the shell", unit: shipped, plan: home + "/.config/trust/plan.yaml",
            store: "/data/state/trust/ledger.sqlite", status: .warning,
            remedyMentions: ["--store /home/sam/.local/state/trust/ledger.sqlite", "systemctl --user edit trustd"]),
        Case(
            name: "XDG_CONFIG_HOME elsewhere in the shell", unit: shipped, plan: "/data/config/trust/plan.yaml",
            store: home + "/.local/state/trust/ledger.sqlite", status: .warning,
            remedyMentions: ["--plan /home/sam/.config/trust/plan.yaml"]),
        Case(
            name: "a drop-in's ExecStart= wins (the last non-empty one)",
            unit: shipped + "\nExecStart=\nExecStart=/usr/bin/trustd --plan=/data/plan.yaml --store /data/ledger.sqlite",
            plan: "/data/plan.yaml", store: "/data/ledger.sqlite", status: .ok, remedyMentions: []),
        Case(
            name: "a unit without options: nothing to compare", unit: "[Service]\nExecStart=%h/.local/bin/trustd",
            plan: "/anywhere/plan.yaml", store: "/anywhere/ledger.sqlite", status: .ok, remedyMentions: []),
    ]

    @Test(arguments: cases) func comparesTheUnitsPathsWithTrustctls(_ c: Case) {
        let check = Doctor.checkUnitPaths(unit: ("/u/trustd.service", c.unit), plan: c.plan, store: c.store, home: Self.home)
        #expect(check.id == "paths")
        #expect(check.status == c.status, "\(check.summary)")
        for m in c.remedyMentions { #expect(check.remedy?.contains(m) == true, "\(check.remedy ?? "no remedy")") }
    }

    @Test func noUnitIsSkipped() {
        #expect(Doctor.checkUnitPaths(unit: nil, plan: "/p", store: "/s", home: Self.home).status == .skipped)
    }

    @Test func findsAPackagedUnitWhenTheUserHasNone() throws {
        let dir = try TemporaryDirectory.make(prefix: "trust-unit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let packaged = dir + "/usr/lib/systemd/user"
        try FileManager.default.createDirectory(atPath: packaged, withIntermediateDirectories: true)
        try Self.shipped.write(toFile: packaged + "/trustd.service", atomically: true, encoding: .utf8)
        let environment = ["HOME": dir + "/home"]
        #expect(Doctor.installedUnit(environment: environment, packagedDirectories: [dir + "/etc", packaged])?.path
            == packaged + "/trustd.service")
        // The user's own unit comes first.
        let own = dir + "/home/.config/systemd/user"
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        try Self.shipped.write(toFile: own + "/trustd.service", atomically: true, encoding: .utf8)
        #expect(Doctor.installedUnit(environment: environment, packagedDirectories: [packaged])?.path == own + "/trustd.service")
    }
}
