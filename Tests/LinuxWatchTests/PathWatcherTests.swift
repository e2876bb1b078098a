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

    /// The directory removed and made again many times, fast: a component can vanish between the
    /// watcher's look (stat) and its watch (inotify_add_watch fails), and the watcher must look
    /// again rather than go deaf. At the end the plan's edit is seen.
    @Test func followsADirectoryRemovedAndMadeAgainManyTimes() async throws {
        let dir = try TemporaryDirectory.make(prefix: "linuxwatch-churn")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let planDir = dir + "/config/trust"
        let events = Mailbox<PathWatcher.Event>()
        let watcher = try PathWatcher(directory: planDir, names: ["plan.yaml"], queue: queue) { batch in
            for e in batch { events.post(e) }
        }
        defer { watcher.cancel() }
        for _ in 0..<300 {
            try FileManager.default.createDirectory(atPath: planDir, withIntermediateDirectories: true)
            try FileManager.default.removeItem(atPath: dir + "/config")
        }
        try FileManager.default.createDirectory(atPath: planDir, withIntermediateDirectories: true)
        // Whatever the watcher saw of the churn, once it settles the edit reaches it.
        var seen = false
        for _ in 0..<50 where !seen {
            try "version: 1\n".write(toFile: planDir + "/plan.yaml", atomically: false, encoding: .utf8)
            seen = await waitFor(tries: 10) {
                events.all.contains { if case .changed("plan.yaml", _) = $0 { true } else { false } }
            }
        }
        #expect(seen)
    }

    @Test(arguments: [("/a/b", "/a"), ("/a", "/"), ("/", "/"), ("a", "."), ("a/b/", "a"), (".", ".")])
    func parents(path: String, parent: String) {
        #expect(PathWatcher.parent(of: path) == parent)
    }

    private func waitFor(tries: Int = 500, _ condition: () -> Bool) async -> Bool {
        for _ in 0..<tries where !condition() { try? await Task.sleep(for: .milliseconds(10)) }
        return condition()
    }
}
