// SQLite's locks on the ledger are POSIX record locks, owned by the process: closing any descriptor
// of the file, opened by anyone in the process, drops all of them (sqlite.org/howtocorrupt.html,
// 2.2). A process that has lost them looks, to another process, as if it had closed the ledger.
import Foundation
import Testing
import TrustTestSupport

@testable import TrustStore

/// Another program (Python's sqlite3 module, the same libsqlite3): opens the ledger, counts the
/// occurrences and closes it. When it believes it is the last connection, its close checkpoints and
/// removes the write-ahead log.
private func countFromAnotherProcess(_ ledger: String) throws -> String {
    let script = """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1])
        n = c.execute("SELECT count(*) FROM occurrence").fetchone()[0]
        c.close()
        print(n)
        """
    let result = try run("/usr/bin/python3", ["-c", script, ledger])
    #expect(result.status == 0, "\(result.output)")
    return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
}

@Suite struct ProcessLockTests {
    /// A writer keeps its process's locks through its writes: another process that opens and
    /// closes the ledger meanwhile does not take itself for the last one, so it leaves the log the
    /// writer still writes to, and the writer's next answer is seen by everyone (before the fix the
    /// page check's own read of the file header dropped the locks, the other process removed the
    /// log, and the next write went to a removed file: lost to every other process).
    @Test func anotherProcessClosingAfterAWriteLeavesTheLogInUseAndSeesTheNextWrite() throws {
        let scratch = Scratch()
        let store = try TrustStore(path: scratch.ledger)
        _ = try store.schedule("evening-call", "2026-11-25T21:30:00+01:00")
        #expect(try countFromAnotherProcess(scratch.ledger) == "1")
        #expect(FileManager.default.fileExists(atPath: scratch.ledger + "-wal"), "the log still in use was removed")
        _ = try store.schedule("evening-call", "2026-11-26T21:30:00+01:00")
        #expect(try countFromAnotherProcess(scratch.ledger) == "2", "a write after another process's close was lost")
    }
}
