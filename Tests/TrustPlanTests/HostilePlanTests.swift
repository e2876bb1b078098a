import Foundation
import Testing
import TrustCore
import TrustPlan
import TrustTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Plans that are too big, too deep or not files (issue #11): refused quickly, with a message
/// that says what is wrong, and never a block or an unbounded excerpt.
@Suite struct HostilePlanTests {
    /// `a1: &a1 [*a0, *a0]` … `{*aN: 1}`: hashing the key costs 2^N without a budget.
    static func aliasBomb(levels: Int) -> [String] {
        ["a0: &a0 x"] + (1..<levels).map { "a\($0): &a\($0) [*a\($0 - 1), *a\($0 - 1)]" } + ["b: {*a\(levels - 1): 1}"]
    }

    @Test(arguments: [16, 24, 40])
    func anExponentialAliasIsRefusedBeforeItIsExpanded(levels: Int) {
        let r = read(Self.aliasBomb(levels: levels))
        #expect(r.plan == nil)
        // The first alias over the budget of 10,000 aliased values, in a12's list.
        #expect(summary(r) == ["13:12: error: the aliases up to here stand for more than 10000 values; a plan refuses so much work"])
        #expect(r.diagnostics.first?.hint?.contains("*name refers to the value marked &name") == true)
    }

    @Test func aFewAliasesOfAliasesStillWork() throws {
        let plan = try read([
            "version: 1", "defaults: &d", "  deadline: 2h", "commitments:",
            "  - &first", "    id: a", "    title: A", "    at: &times [\"Mon 19:00\", \"Fri 19:00\"]",
            "  - id: b", "    title: B", "    at: *times",
        ]).get()
        #expect(plan.items.map(\.id) == ["a", "b"])
    }

    @Test(arguments: [65, 500, 5000])
    func nestingDeeperThanSixtyFourLevelsIsRefused(depth: Int) {
        let r = read(["version: 1", "x: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)])
        // The 64th '[' is the 65th level: the top-level mapping is the first.
        // libyaml stops its look-ahead at its own limit (1000 levels), where the list starts.
        let column = depth < 1000 ? 67 : 5
        #expect(summary(r) == ["2:\(column): error: lists and mappings are nested more than 64 deep here; a plan refuses so much work"])
    }

    @Test func planTextOverOneMebibyteIsRefused() {
        let filler = "# " + String(repeating: "x", count: 1 << 20)
        let r = read(base + [filler])
        #expect(summary(r) == ["1:1: error: the plan is 1.0 MiB; a plan may be at most 1.0 MiB"])
        #expect(read(base + [String(filler.prefix((1 << 20) - 100))]).plan != nil)
    }

    @Test func aFileOverOneMebibyteIsNotRead() throws {
        let dir = try TemporaryDirectory.make(prefix: "trust-plan")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.yaml"
        // 50 MB on one line, an error at its start: reported in one short line, not printed.
        try Data(("version: [" + String(repeating: "x", count: 50_000_000)).utf8).write(to: URL(fileURLWithPath: path))
        let r = PlanReader.load(path: path, defaultTimeZone: berlin, now: testNow)
        #expect(summary(r) == ["0:0: error: the plan is 48 MiB; a plan may be at most 1.0 MiB"])
        #expect(r.source == nil)
        let error = try #require(throws: PlanError.self) { try r.get() }
        #expect(error.description.count < 400)
    }

    /// An excerpt shows at most 120 columns around the caret, '…' where it was cut, and the
    /// caret still under the character it points at.
    @Test(arguments: [1, 50, 61, 500_000, 999_990, 1_000_001])
    func excerptsOfLongLinesAreCutAroundTheCaret(column: Int) throws {
        var line = Array(repeating: Character("x"), count: 1_000_000)
        line[min(column, line.count) - 1] = "^"
        let d = Diagnostic(severity: .error, file: "plan.yaml", line: 1, column: column, message: "here")
        let out = d.rendered(source: String(line)).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(out.count == 3)
        let text = Array(out[1].dropFirst(" 1 | ".count))
        let caret = Array(out[2].dropFirst("   | ".count))
        #expect(text.count <= 120 + 2)
        #expect((text.first == "…") == (column > 61))
        #expect((text.last == "…") == (column < 1_000_000 - 60))
        #expect(caret.last == "^")
        if column <= 1_000_000 { #expect(text[caret.count - 1] == "^") }
    }

    @Test func shortLinesAreShownWhole() {
        let d = Diagnostic(severity: .error, file: "plan.yaml", line: 1, column: 3, message: "here")
        #expect(d.rendered(source: "ab\tcd\n") == "plan.yaml:1:3: error: here\n 1 | ab\tcd\n   |   ^")
    }

    @Test func aNamedPipeIsNamedAndNeverBlocks() throws {
        let dir = try TemporaryDirectory.make(prefix: "trust-plan")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.yaml"
        #expect(mkfifo(path, 0o600) == 0)
        let r = try loadWithin(seconds: 10, path: path)
        #expect(summary(r) == ["0:0: error: the plan path is a named pipe (FIFO), not a file"])
        #expect(!r.isMissingFile)
    }

    @Test func aSocketIsNamed() throws {
        let dir = try TemporaryDirectory.make(prefix: "trust-plan")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.yaml"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let r = try loadWithin(seconds: 10, path: path)
        #expect(summary(r) == ["0:0: error: the plan path is a socket, not a file"])
    }

    @Test(arguments: ["/dev/null", "/dev/zero"])
    func aDeviceIsNamedAndNotRead(device: String) throws {
        let dir = try TemporaryDirectory.make(prefix: "trust-plan")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.yaml"
        try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: device)
        let r = try loadWithin(seconds: 10, path: path)
        #expect(summary(r) == ["0:0: error: the plan path is a character device, not a file"])
    }

    /// `PlanReader.load` on another thread; fails (and unblocks a reader stuck on a FIFO by
    /// opening its other end) when it takes longer than `seconds`.
    func loadWithin(seconds: Double, path: String) throws -> PlanReadResult {
        let done = DispatchSemaphore(value: 0)
        let box = Mailbox<PlanReadResult>()
        Thread.detachNewThread {
            box.post(PlanReader.load(path: path, defaultTimeZone: berlin, now: testNow))
            done.signal()
        }
        if done.wait(timeout: .now() + seconds) == .timedOut {
            let w = open(path, O_WRONLY | O_NONBLOCK)
            if w >= 0 { close(w) }
            Issue.record("reading \(path) blocked for \(seconds) s")
            _ = done.wait(timeout: .now() + 5)
        }
        return try #require(box.all.first)
    }
}
