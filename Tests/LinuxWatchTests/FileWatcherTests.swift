import Foundation
import Testing
import TrustTestSupport

@testable import LinuxWatch

@Suite struct FileWatcherTests {
    let queue = DispatchQueue(label: "file-watcher-test")

    /// An event that reports `change` of `name`.
    private func reports(_ name: String, _ change: FileWatcher.Change) -> @Sendable (FileWatcher.Event) -> Bool {
        { e in if case .changed(name, let c) = e { c.contains(change) } else { false } }
    }

    @Test func savesInPlaceAndByRenameAreSeenOtherNamesAreNot() async throws {
        let dir = try TemporaryDirectory.make(prefix: "linuxwatch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plan = dir + "/plan.yaml"
        try "version: 1\n".write(toFile: plan, atomically: false, encoding: .utf8)
        let events = Mailbox<FileWatcher.Event>()
        let watcher = try FileWatcher(directory: dir, names: ["plan.yaml"], queue: queue) { batch in
            for e in batch { events.post(e) }
        }
        defer { watcher.cancel() }

        // Another file in the same directory: filtered out.
        try "x".write(toFile: dir + "/other.txt", atomically: false, encoding: .utf8)
        // Save in place.
        try "version: 1\n# edited\n".write(toFile: plan, atomically: false, encoding: .utf8)
        _ = try await events.first(where: reports("plan.yaml", .closedAfterWriting))
        #expect(!events.all.contains { if case .changed("other.txt", _) = $0 { true } else { false } })

        // An editor's atomic save: write a temporary file, rename it over the plan.
        try "version: 1\n# renamed\n".write(toFile: dir + "/.plan.yaml.swp", atomically: false, encoding: .utf8)
        #expect(rename(dir + "/.plan.yaml.swp", plan) == 0)
        _ = try await events.first(where: reports("plan.yaml", .movedIn))

        #expect(chmod(plan, 0o600) == 0)
        _ = try await events.first(where: reports("plan.yaml", .attributes))

        #expect(unlink(plan) == 0)
        _ = try await events.first(where: reports("plan.yaml", .deleted))
        #expect(!events.all.contains(.directoryGone))
    }

    @Test func modifiedIsReportedOnlyWhenAskedFor() async throws {
        let dir = try TemporaryDirectory.make(prefix: "linuxwatch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let wal = dir + "/ledger.sqlite-wal"
        _ = FileManager.default.createFile(atPath: wal, contents: Data())
        let events = Mailbox<FileWatcher.Event>()
        let watcher = try FileWatcher(directory: dir, names: ["ledger.sqlite-wal"], changes: [.modified], queue: queue) {
            for e in $0 { events.post(e) }
        }
        defer { watcher.cancel() }
        let handle = try #require(FileHandle(forWritingAtPath: wal))
        try handle.write(contentsOf: Data("page".utf8))  // no close: a SQLite writer keeps the WAL open
        #expect(try await events.first { _ in true } == .changed(name: "ledger.sqlite-wal", .modified))
        try handle.close()
        try await Task.sleep(for: .milliseconds(50))
        // The close after writing was not asked for.
        #expect(events.all.allSatisfy { $0 == .changed(name: "ledger.sqlite-wal", .modified) })
    }

    @Test func removingTheDirectoryEndsTheWatch() async throws {
        let dir = try TemporaryDirectory.make(prefix: "linuxwatch")
        let events = Mailbox<FileWatcher.Event>()
        let watcher = try FileWatcher(directory: dir, queue: queue) { for e in $0 { events.post(e) } }
        defer { watcher.cancel() }
        #expect(rmdir(dir) == 0)
        _ = try await events.first { $0 == .directoryGone }
    }

    @Test func aMissingDirectoryIsATypedErrorNamingIt() throws {
        let dir = NSTemporaryDirectory() + "linuxwatch-missing-" + UUID().uuidString
        do {
            _ = try FileWatcher(directory: dir, queue: queue) { _ in }
            Issue.record("watching a missing directory succeeded")
        } catch {
            #expect(error.isMissing)
            #expect(error.code == "ENOENT")
            #expect(error.description == "Watching \(dir) for changes failed: No such file or directory (ENOENT)")
        }
    }

    @Test func aFileIsNotADirectory() throws {
        let dir = try TemporaryDirectory.make(prefix: "linuxwatch")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = FileManager.default.createFile(atPath: dir + "/f", contents: nil)
        #expect(throws: WatchError.self) { try FileWatcher(directory: dir + "/f", queue: queue) { _ in } }
    }

    /// The decoder on hand-built records: several events in one read, names padded with NULs,
    /// an overflow, the watch being removed.
    @Test func decodesPackedRecords() {
        func record(mask: Int32, name: String) -> [UInt8] {
            var nameBytes = Array(name.utf8)
            if !nameBytes.isEmpty {
                nameBytes.append(0)
                while nameBytes.count % 16 != 0 { nameBytes.append(0) }
            }
            var out: [UInt8] = []
            withUnsafeBytes(of: Int32(1).littleEndian) { out += $0 }
            withUnsafeBytes(of: UInt32(bitPattern: mask).littleEndian) { out += $0 }
            withUnsafeBytes(of: UInt32(0)) { out += $0 }
            withUnsafeBytes(of: UInt32(nameBytes.count).littleEndian) { out += $0 }
            return out + nameBytes
        }
        let bytes =
            record(mask: Int32(IN_MOVED_TO), name: "plan.yaml") + record(mask: Int32(IN_CREATE), name: "other")
            + record(mask: Int32(IN_Q_OVERFLOW), name: "") + record(mask: Int32(IN_MODIFY), name: "plan.yaml")
            + record(mask: Int32(IN_IGNORED), name: "")
        let events = FileWatcher.decode(
            bytes[...], names: ["plan.yaml"], wanted: FileWatcher.Change.replacedOrSaved.rawValue)
        #expect(events == [.changed(name: "plan.yaml", .movedIn), .overflow, .directoryGone])
    }
}
