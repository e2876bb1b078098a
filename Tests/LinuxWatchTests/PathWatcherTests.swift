import Foundation
import Testing
import TrustTestSupport

@testable import LinuxWatch

/// A plan directory that does not exist yet, or is removed and made again: the watch waits for
/// it through the nearest existing ancestor and then sees the plan's changes.
@Suite struct PathWatcherTests {
    let queue = DispatchQueue(label: "path-watcher-test")

    @Test func waitsForAMissingDirectoryAndFollowsItsRemovalAndReturn() async throws {
        let dir = try TemporaryDirectory.make(prefix: "linuxwatch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let planDir = dir + "/config/trust"
        let events = Mailbox<PathWatcher.Event>()
        let watcher = try PathWatcher(directory: planDir, names: ["plan.yaml"], queue: queue) { batch in
            for e in batch { events.post(e) }
        }
        defer { watcher.cancel() }

        // `mkdir -p` two levels, then the plan: the watch moves down and sees the plan.
        try FileManager.default.createDirectory(atPath: planDir, withIntermediateDirectories: true)
        _ = try await events.first(where: { $0 == .directoryAppeared })
        try "version: 1\n".write(toFile: planDir + "/plan.yaml", atomically: false, encoding: .utf8)
        _ = try await events.first(where: { if case .changed("plan.yaml", _) = $0 { true } else { false } })

        // Removed with its parent, then restored: gone, then back, then edits are seen again.
        try FileManager.default.removeItem(atPath: dir + "/config")
        _ = try await events.first(where: { $0 == .directoryGone })
        let before = events.all.count
        try FileManager.default.createDirectory(atPath: planDir, withIntermediateDirectories: true)
        #expect(await waitFor { events.all.filter { $0 == .directoryAppeared }.count == 2 })
        try "version: 1\n".write(toFile: planDir + "/plan.yaml", atomically: false, encoding: .utf8)
        #expect(await waitFor { events.all.dropFirst(before).contains { if case .changed("plan.yaml", _) = $0 { true } else { false } } })
    }

    @Test(arguments: [("/a/b", "/a"), ("/a", "/"), ("/", "/"), ("a", "."), ("a/b/", "a"), (".", ".")])
    func parents(path: String, parent: String) {
        #expect(PathWatcher.parent(of: path) == parent)
    }

    private func waitFor(_ condition: () -> Bool) async -> Bool {
        for _ in 0..<500 where !condition() { try? await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }
}
