import Foundation
import TrustCore
import TrustStore
import TrustTestSupport

/// A private temporary directory, removed when the value goes away.
final class Scratch: Sendable {
    let path: String
    init() {
        path = try! TemporaryDirectory.make(prefix: "trust-store-tests")
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    var ledger: String { path + "/state/trust/ledger.sqlite" }
}

let berlin = "Europe/Berlin"

/// `"2026-11-25T21:30:00+01:00"` → Date.
func instant(_ iso: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let d = f.date(from: iso) { return d }
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: iso)!
}

extension TrustStore {
    /// Schedules `item` at the instant `iso` (Berlin), deadline 3 h later.
    @discardableResult
    func schedule(_ item: ItemID, _ iso: String, kind: ItemKind = .commitment) throws -> CheckIn {
        let when = instant(iso)
        return try schedule(
            item: item, kind: kind, scheduled: when, zone: berlin,
            day: DayKey.of(when, in: TimeZone(identifier: berlin)!), deadline: when.addingTimeInterval(3 * 3600),
            at: when.addingTimeInterval(-60))
    }
}

/// Runs a program and returns its exit status and combined output.
@discardableResult
func run(_ executable: String, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = arguments
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    let input = Pipe()
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The `sqlite3` shell, as an attacker or a curious person would use it.
func sqlite3(_ path: String, _ sql: String) throws -> (status: Int32, output: String) {
    try run("/usr/bin/sqlite3", [path], stdin: sql)
}

let hasSQLite3Shell = FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")
