// trustctl import loop|harsh|habitctl, in process on real fixture files, a real plan and a real
// ledger file: mapping, --dry-run, idempotence, overlap with trustd's answers, bad input, the report.
import ArgumentParser
import Foundation
import Testing
import TrustCore
import TrustStore
import TrustTestSupport

@testable import TrustCLI

private let fixtures =
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("TrustImportTests/Fixtures").path
private let now = ISO8601DateFormatter().date(from: "2026-01-10T12:00:00Z")!

private let planYAML = """
    version: 1
    timezone: Europe/Berlin
    day-starts: "04:00"
    commitments:
      - id: meditate
        title: Meditate
        at: "07:00"
      - id: rise-early
        title: Wake up early
        at: "06:00"
      - id: push-ups
        title: Push-ups
        at: "18:00"
    """

/// A plan and a ledger path in a private temporary directory.
private final class Home: Sendable {
    let dir: String
    init(plan: String = planYAML) throws {
        dir = try TemporaryDirectory.make(prefix: "trust-import-tests")
        try plan.write(toFile: dir + "/plan.yaml", atomically: true, encoding: .utf8)
    }
    deinit { try? FileManager.default.removeItem(atPath: dir) }
    var ledger: String { dir + "/state/ledger.sqlite" }

    func run(_ arguments: [String]) throws -> CommandOutput {
        let args = arguments + ["--plan", dir + "/plan.yaml", "--store", ledger]
        let env = ["HOME": dir]
        let tz = TimeZone(identifier: "Europe/Berlin")!
        switch try ImportCommand.parseAsRoot(args) {
        case let c as ImportLoopCommand: return c.execute(now: now, environment: env, defaultTimeZone: tz)
        case let c as ImportHarshCommand: return c.execute(now: now, environment: env, defaultTimeZone: tz)
        case let c as ImportHabitctlCommand: return c.execute(now: now, environment: env, defaultTimeZone: tz)
        default: throw CommandFailure(message: "not an import command: \(args)")
        }
    }

    func counts() throws -> (occurrences: Int, events: Int) {
        try TrustStore(path: ledger, mode: .readOnly).counts()
    }
}

@Suite struct ImportCommandTests {
    @Test func loopBackupImportsThenAddsNothingTheSecondTime() throws {
        let home = try Home()
        let first = try home.run(["loop", fixtures + "/loop-v25.db", "--map", "Coffee=-"])
        #expect(first.status == 0, "\(first.stderr)")
        let text = first.stdoutText
        #expect(text.contains("Recorded 10 imported check-ins from Loop Habit Tracker"), "\(text)")
        #expect(text.contains("Meditate → meditate: 4 days (2025-03-01 – 2025-03-06): 2 kept, 1 missed, 1 skipped"), "\(text)")
        #expect(text.contains("2 days with no answer (unknown or filled in automatically) not recorded"), "\(text)")
        #expect(text.contains("Wake up early → rise-early: 2 days"), "\(text)")
        #expect(text.contains("Push-ups → push-ups: 4 days (2025-03-01 – 2025-03-04): 2 kept, 1 missed, 1 skipped"), "\(text)")
        #expect(text.contains("Coffee: left out"), "\(text)")
        #expect(try home.counts() == (10, 20))
        #expect(try TrustStore(path: home.ledger, mode: .readOnly).verify().isIntact)

        let second = try home.run(["loop", fixtures + "/loop-v25.db", "--map", "Coffee=-"])
        #expect(second.status == 0)
        #expect(second.stdoutText.contains("This history is already in the ledger: nothing added."), "\(second.stdoutText)")
        #expect(second.stdoutText.contains("4 already imported"), "\(second.stdoutText)")
        #expect(try home.counts() == (10, 20))

        // The CSV export of the same history: its days are in the ledger already, nothing is added twice.
        let csv = try home.run(["loop", fixtures + "/loop-export.zip"])
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(try home.counts() == (10, 20))
    }

    @Test func dryRunWritesNothing() throws {
        let home = try Home()
        let out = try home.run(["loop", fixtures + "/loop-export.zip", "--dry-run"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdoutText.hasPrefix("Dry run: nothing was written."), "\(out.stdoutText)")
        #expect(out.stdoutText.contains("Meditate → meditate: 4 days (2025-03-01 – 2025-03-06): 2 kept, 1 missed, 1 skipped"))
        #expect(!FileManager.default.fileExists(atPath: home.ledger))

        // On an existing ledger too: not a byte changes.
        _ = try TrustStore(path: home.ledger)
        let before = try Data(contentsOf: URL(fileURLWithPath: home.ledger))
        let again = try home.run(["loop", fixtures + "/loop-export.zip", "--dry-run", "--json"])
        #expect(again.status == 0)
        #expect(again.stdoutText.contains("\"dry_run\" : true"), "\(again.stdoutText)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: home.ledger)) == before)
        #expect(try home.counts() == (0, 0))
    }

    @Test func overlapKeepsTrustdsAnswersAndSaysHowManyDays() throws {
        let home = try Home()
        let store = try TrustStore(path: home.ledger)
        let at = ISO8601DateFormatter().date(from: "2025-03-02T06:00:00Z")!
        let o = try store.schedule(
            item: "meditate", kind: .commitment, scheduled: at, zone: "Europe/Berlin", day: DayKey("2025-03-02")!,
            deadline: at.addingTimeInterval(3600), at: at)
        try store.answer(occurrence: o.id, answer: .kept, channel: .notification, at: at)
        let out = try home.run(["habitctl", fixtures + "/habitctl", "--map", "Meditated=meditate", "--map", "Cleaned the apartment=-", "--map", "Had a headache=-"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdoutText.contains("Meditated → meditate: 2 days (2025-03-01 – 2025-03-03): 1 kept, 0 missed, 1 skipped"), "\(out.stdoutText)")
        #expect(out.stdoutText.contains("1 day left out: trustd has its own check-ins for them, which are kept"), "\(out.stdoutText)")
        // trustd's answer for 03-02 stands (habitctl said n).
        #expect(try store.occurrence(id: o.id)?.state == .kept)
        #expect(try store.verify().isIntact)
    }

    @Test func unmappedHabitsGetPlanEntriesAndNothingIsWritten() throws {
        let home = try Home()
        let out = try home.run(["harsh", fixtures + "/harsh"])
        #expect(out.status == 1)
        #expect(out.stderr.contains("6 habits map to no item in"), "\(out.stderr)")
        #expect(out.stderr.contains("Nothing was recorded."))
        #expect(out.stdoutText.contains("  - id: gymmed\n    title: \"Gymmed\"\n    at: \"21:00\"\n    target: 3/week\n"), "\(out.stdoutText)")
        #expect(out.stdoutText.contains("  - id: tracked-finances\n    title: \"Tracked Finances\"\n    at: \"21:00\"\n    target: 2/month   # harsh: 1 in 15 days; the nearest trustd target\n"))
        #expect(out.stdoutText.contains("# harsh: tracking only (no frequency); trustd asks every day"))
        #expect(try !FileManager.default.fileExists(atPath: home.ledger) || home.counts() == (0, 0))
    }

    @Test(arguments: [
        (["loop", "loop-export-truncated.zip"], "loop-export-truncated.zip: error: is not a readable zip file"),
        (["loop", "not-loop.db"], "not-loop.db: error: is an SQLite database but not a Loop Habit Tracker backup"),
        (["harsh", "harsh-bad-date"], "harsh-bad-date/log:8: error: '2025-3-04' is not a date"),
        (["harsh", "harsh-unknown-habit"], "harsh-unknown-habit/log:8: error: the habit 'Swimming' is not in the habits file"),
        (["habitctl", "habitctl-bad-date"], "habitctl-bad-date/log:8: error: '2025-02-30' is not a date"),
    ])
    func badInputNamesFileAndLineAndLeavesTheLedgerAlone(_ arguments: [String], _ message: String) throws {
        let home = try Home()
        let store = try TrustStore(path: home.ledger)
        try store.recordImport(
            ImportBatch(
                source: .habitctl, file: "x", sha256: String(repeating: "0", count: 64), zone: .gmt, dayStart: .midnight,
                at: now, items: [.init(item: "meditate", kind: .commitment, checkIns: [.init(day: DayKey("2025-01-01")!, answer: .kept)])]))
        let before = try Data(contentsOf: URL(fileURLWithPath: home.ledger))
        let out = try home.run([arguments[0], fixtures + "/" + arguments[1]])
        #expect(out.status == 1)
        #expect(out.stderr.contains(fixtures + "/" + message), "\(out.stderr)")
        #expect(out.stderr.contains("nothing was recorded"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: home.ledger)) == before)
    }

    @Test(arguments: [
        (["--map", "Meditate"], "--map 'Meditate': expected NAME=ID"),
        (["--map", "Meditate=Not An Id"], "is not an item id"),
        (["--map", "Meditate=nope"], "the plan has no item 'nope'"),
    ])
    func badMapsAreRefused(_ extra: [String], _ message: String) throws {
        let home = try Home()
        let out = try home.run(["loop", fixtures + "/loop-v25.db"] + extra)
        #expect(out.status == 1)
        #expect(out.stderr.contains(message), "\(out.stderr)")
        #expect(try !FileManager.default.fileExists(atPath: home.ledger) || home.counts() == (0, 0))
    }

    @Test func theReportShowsImportedHistoryAndSaysSo() throws {
        let home = try Home()
        let imported = try home.run(["loop", fixtures + "/loop-v25.db", "--map", "Coffee=-"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let html = home.dir + "/report.html"
        let report = try ReportCommand.parse(["--plan", home.dir + "/plan.yaml", "--store", home.ledger, "--html", html, "--weeks", "53"])
        let out = report.execute(
            now: ISO8601DateFormatter().date(from: "2025-03-10T12:00:00Z")!, environment: [:], isTTY: false, width: 100)
        #expect(out.status == 0, "\(out.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("Imported history"))
        #expect(page.contains("meditate: 4 days (2025-03-01 – 2025-03-06) imported from Loop Habit Tracker, loop-v25.db"), "\(page)")
        let terminal = try ReportCommand.parse(["--plan", home.dir + "/plan.yaml", "--store", home.ledger, "meditate"]).execute(
            now: ISO8601DateFormatter().date(from: "2025-03-10T12:00:00Z")!, environment: [:], isTTY: false, width: 100)
        #expect(terminal.stdoutText.contains("Imported: meditate: 4 days"), "\(terminal.stdoutText)")
        #expect(!terminal.stdoutText.contains("push-ups: 3 days"))
        // The imported check-ins count like any other: meditate 03-01 kept, 03-02 missed, 03-03 skipped, 03-06 kept.
        let json = try ReportCommand.parse(["--plan", home.dir + "/plan.yaml", "--store", home.ledger, "--json", "meditate"]).execute(
            now: ISO8601DateFormatter().date(from: "2025-03-10T12:00:00Z")!, environment: [:], isTTY: false, width: 100)
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        let item = try #require((document["items"] as? [[String: Any]])?.first)
        let counts = try #require((item["counts"] as? [String: Any])?["all"] as? [String: Any])
        #expect(counts["kept"] as? Int == 2)
        #expect(counts["missed"] as? Int == 1)
        #expect(counts["skipped"] as? Int == 1)
        #expect(item["first_day"] as? String == "2025-03-01")
        let summaries = try #require(document["imported"] as? [[String: Any]])
        #expect(summaries.first?["file"] as? String == "loop-v25.db")
        #expect(summaries.first?["first"] as? String == "2025-03-01")
    }
}
