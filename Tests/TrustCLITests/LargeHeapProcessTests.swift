import Foundation
import Testing
import TrustTestSupport

/// `trustctl report`, `review` and `export` build tens of megabytes on a long history: the built
/// trustctl grows its heap in one step and advises it for transparent huge pages
/// (`LargeHeap.prepare`, issue 15), seen here in its system calls (strace). A trivial command does not.
@Suite struct LargeHeapProcessTests {
    static let trustctl = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/.build/debug/trustctl"

    /// The `madvise` calls of `trustctl arguments` with `MADV_HUGEPAGE`, as strace prints them.
    func hugePageAdvice(_ arguments: [String]) throws -> [String] {
        let dir = try TemporaryDirectory.make(prefix: "trust-large-heap")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/strace")
        p.arguments = ["-f", "-qq", "-e", "trace=madvise", "-o", dir + "/trace", Self.trustctl] + arguments
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        let trace = try String(contentsOfFile: dir + "/trace", encoding: .utf8)
        return trace.split(separator: "\n").map(String.init).filter { $0.contains("MADV_HUGEPAGE") }
    }

    @Test(arguments: [["report"], ["review"], ["export", "--format", "csv"]])
    func reportingCommandsAdviseTheirHeap(_ command: [String]) throws {
        let fixture = try ReportCommandTests.Fixture()
        let advice = try hugePageAdvice(command + ["--store", fixture.store, "--plan", fixture.plan])
        #expect(advice.count == 1, "\(advice)")
        // madvise(0x…, LENGTH, MADV_HUGEPAGE) = 0: at least 16 MB, accepted by the kernel.
        let length = advice.first.flatMap { $0.split(separator: ",").dropFirst().first }.flatMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        #expect((length ?? 0) >= 16 << 20, "\(advice)")
        #expect(advice.first?.hasSuffix("= 0") == true, "\(advice)")
    }

    @Test func aTrivialCommandDoesNot() throws {
        #expect(try hugePageAdvice(["calendar", "Mon..Fri 19:00"]).isEmpty)
    }
}
