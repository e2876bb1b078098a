import Foundation
import Testing
import TrustTestSupport

@testable import LinuxWatch

@Suite struct ProcessStartTests {
    /// A process started now reads as started now (within the second `btime` rounds away and a
    /// margin for a loaded machine); one that does not exist reads as nothing.
    @Test func aChildStartedNowReadsAsStartedNow() async throws {
        let before = Date().timeIntervalSince1970
        let log = NSTemporaryDirectory() + "/process-start-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let child = try ChildProcess("/bin/cat", [], stderrPath: log)  // exits when stop() closes its stdin
        let after = Date().timeIntervalSince1970
        let started = try #require(ProcessStart.seconds(of: child.processIdentifier))
        await child.stop()
        #expect(started >= before - 1.5 && started <= after + 0.5, "started \(started), spawned in [\(before), \(after)]")
        #expect(ProcessStart.seconds(of: 0) == nil)
        #expect(ProcessStart.seconds(of: Int32.max) == nil)
    }

    /// The command name may hold spaces and parentheses: fields are counted after the last `)`.
    @Test(arguments: [
        ("4242 (sleep) S 1 4242 4242 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 987654 8192000 200 18446744073709551615", UInt64(987654)),
        ("7 (a) b (c) d) R 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12 0 0", 12),
        ("7 (short) R 1 7", nil),
    ])
    func theStartFieldIsFoundAfterTheCommandName(line: String, ticks: UInt64?) {
        #expect(ProcessStart.startTicks(line) == ticks)
    }
}
