import Foundation
import Testing
import TrustTestSupport

/// libsystemd is opened when trustctl first needs it (CSystemd/libsystemd.c, issue 15): a command
/// that never reaches the bus or journald does not load it, one that does loads it then, and when
/// it cannot be opened the error says so. The built trustctl, its loading seen by the dynamic
/// loader (`LD_DEBUG=libs`).
@Suite struct LibsystemdLoadingTests {
    static let trustctl = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/.build/debug/trustctl"

    /// The built trustctl's standard output and error together, with `environment` added.
    func run(_ arguments: [String], environment: [String: String]) throws -> String {
        let dir = try TemporaryDirectory.make(prefix: "trust-libsystemd")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.trustctl)
        p.arguments = arguments
        // HOME and XDG paths inside the scratch directory: doctor looks at the plan, ledger and unit.
        p.environment = ["PATH": "/usr/bin:/bin", "HOME": dir, "TZ": "UTC"].merging(environment) { $1 }
        _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
        let out = try #require(FileHandle(forWritingAtPath: dir + "/out"))
        p.standardOutput = out
        p.standardError = out
        try p.run()
        p.waitUntilExit()
        return try String(contentsOfFile: dir + "/out", encoding: .utf8)
    }

    /// Whether the loader opened libsystemd.so.0 (`LD_DEBUG=libs` prints "calling init: PATH").
    func loadsLibsystemd(_ text: String) -> Bool {
        text.split(separator: "\n").contains { $0.contains("calling init:") && $0.contains("libsystemd.so.0") }
    }

    @Test func aCalendarLineDoesNotLoadIt() throws {
        let text = try run(["calendar", "daily"], environment: ["LD_DEBUG": "libs"])
        #expect(text.contains("Next elapse"), "\(text.suffix(400))")
        #expect(!loadsLibsystemd(text))
    }

    @Test func theBusLoadsItWhenReached() throws {
        let text = try run(["doctor"], environment: ["LD_DEBUG": "libs", "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"])
        #expect(loadsLibsystemd(text), "\(text.suffix(400))")
        #expect(text.contains("Connecting to unix:path=/nonexistent/bus failed: No such file or directory"))
    }

    @Test func aLibsystemdThatCannotBeOpenedIsNamed() throws {
        let dir = try TemporaryDirectory.make(prefix: "trust-no-libsystemd")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Found first on the library path, and not a library: dlopen fails.
        try Data("not a library\n".utf8).write(to: URL(fileURLWithPath: dir + "/libsystemd.so.0"))
        let text = try run(["doctor"], environment: ["LD_LIBRARY_PATH": dir, "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent/bus"])
        #expect(text.contains("libsystemd.so.0 could not be opened (install libsystemd0)"), "\(text)")
    }
}
