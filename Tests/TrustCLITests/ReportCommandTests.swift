import ArgumentParser
import Foundation
import Testing
import TrustCLI
import TrustCore
import TrustStore
import TrustTestSupport

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `trustctl report`, `review` and `export` on a real SQLite ledger and a real plan file.
@Suite struct ReportCommandTests {
    /// 2026-11-25 12:00 UTC (13:00 in Berlin), a Wednesday.
    static let now = Date(timeIntervalSince1970: 1_795_608_000)
    static let berlin = TimeZone(identifier: "Europe/Berlin")!

    static let planText = """
        version: 1
        timezone: Europe/Berlin
        commitments:
          - id: call
            title: Call every evening
            at: "21:30"
            celebrate: [3, 7]
          - id: walk
            title: Walk together
            target: 3/week
            at: "20:00"
        boundaries:
          - id: phone
            title: No phone at dinner
            at: "20:30"

        """

    /// A private directory with plan.yaml and ledger.sqlite: nine days, 16–24 November 2026.
    final class Fixture: Sendable {
        let dir: String
        var plan: String { dir + "/plan.yaml" }
        var store: String { dir + "/ledger.sqlite" }

        init(plan planText: String? = ReportCommandTests.planText, ledger: Bool = true) throws {
            dir = try TemporaryDirectory.make(prefix: "trust-report-cli")
            if let planText { try planText.write(toFile: dir + "/plan.yaml", atomically: true, encoding: .utf8) }
            guard ledger else { return }
            let store = try TrustStore(path: dir + "/ledger.sqlite")
            let patterns: [(ItemID, ItemKind, Int, String)] = [
                ("call", .commitment, 21 * 60 + 30, "KKKMKKKKK"),
                ("walk", .commitment, 20 * 60, "KMKMK..KM"),
                ("phone", .boundary, 20 * 60 + 30, "KKKKKSKKK"),
            ]
            let local = LedgerBuilder(zone: "Europe/Berlin")
            for (item, kind, minutes, pattern) in patterns {
                for (i, c) in pattern.enumerated() where c != "." {
                    let day = DayKey(year: 2026, month: 11, day: 16 + i)
                    let at = local.instant(day, TimeOfDay(hour: minutes / 60, minute: minutes % 60))
                    let o = try store.schedule(
                        item: item, kind: kind, scheduled: at, zone: "Europe/Berlin", day: day,
                        deadline: at.addingTimeInterval(3 * 3600), at: at)
                    let answer: Answer = c == "K" ? .kept : c == "M" ? .missed : .skipped
                    try store.answer(
                        occurrence: o.id, answer: answer, note: c == "M" ? "note for \(day)" : nil, channel: .terminal,
                        at: at.addingTimeInterval(600))
                }
            }
        }

        deinit { try? FileManager.default.removeItem(atPath: dir) }

        func args(_ extra: [String]) -> [String] { extra + ["--plan", plan, "--store", store] }
    }

    func report(_ f: Fixture, _ extra: [String], env: [String: String] = [:], tty: Bool = false) throws -> CommandOutput {
        let command = try ReportCommand.parse(f.args(extra))
        return command.execute(now: Self.now, environment: env, isTTY: tty, width: 100, defaultTimeZone: Self.berlin)
    }

    func json(_ out: CommandOutput) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: out.stdout) as? [String: Any])
    }

    func item(_ doc: [String: Any], _ id: String) throws -> [String: Any] {
        let items = try #require(doc["items"] as? [[String: Any]])
        return try #require(items.first { $0["id"] as? String == id })
    }

    @Test func jsonFromARealLedger() throws {
        let f = try Fixture()
        let out = try report(f, ["--json"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr == "")
        let doc = try json(out)
        #expect(doc["today"] as? String == "2026-11-25")
        #expect(doc["time_zone"] as? String == "Europe/Berlin")
        #expect((doc["plan"] as? [String: Any])?["status"] as? String == "loaded")
        let items = try #require(doc["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == ["call", "walk", "phone"])

        let call = try item(doc, "call")
        #expect(call["kind"] as? String == "commitment")
        #expect(call["streak"] as? Int == 5)
        #expect(call["best_streak"] as? Int == 5)
        #expect(call["streak_unit"] as? String == "check-ins")
        // (Foundation's JSONSerialization on Linux parses the last digit inexactly.)
        #expect(abs(try #require(call["rate_7d"] as? Double) - 5.0 / 6) < 1e-12)
        #expect(abs(try #require(call["rate_30d"] as? Double) - 8.0 / 9) < 1e-12)
        #expect(call["skips_left"] as? Int == 2)
        let milestones = try #require(call["milestones"] as? [[String: Any]])
        #expect(milestones.count == 2)
        #expect(milestones[0]["days"] as? Int == 3)
        #expect(milestones[0]["reached"] as? String == "2026-11-22")
        #expect(milestones[0]["first_reached"] as? String == "2026-11-18")
        #expect(milestones[1]["reached"] is NSNull)
        let strength = try #require(call["strength"] as? Double)
        #expect(strength > 0 && strength < 1)
        let notes = try #require(call["recent_notes"] as? [[String: Any]])
        #expect(notes.first?["note"] as? String == "note for 2026-11-19")

        let walk = try item(doc, "walk")
        #expect(walk["streak"] as? Int == 1)
        #expect(walk["streak_unit"] as? String == "weeks")
        let period = try #require(walk["this_period"] as? [String: Any])
        #expect(period["kept"] as? Int == 1)
        #expect(period["needed"] as? Int == 2)
        #expect(period["days_left"] as? Int == 5)

        let phone = try item(doc, "phone")
        #expect(phone["kind"] as? String == "boundary")
        #expect(phone["streak"] as? Int == 8)
        #expect(phone["skips_left"] as? Int == 1)
    }

    @Test func terminalColourOnlyOnATTYAndNeverWithNO_COLOR() throws {
        let f = try Fixture()
        let plain = try report(f, [])
        #expect(plain.status == 0)
        #expect(plain.stdoutText.contains("Call every evening (call)"))
        #expect(plain.stdoutText.contains("Streak      5 check-ins, since Nov 20 · best 5 check-ins"))
        #expect(!plain.stdoutText.contains("\u{1B}["))
        #expect(try report(f, [], tty: true).stdoutText.contains("\u{1B}["))
        #expect(!(try report(f, [], env: ["NO_COLOR": "1"], tty: true).stdoutText.contains("\u{1B}[")))
        #expect(!(try report(f, ["--color", "always"], env: ["NO_COLOR": "1"], tty: true).stdoutText.contains("\u{1B}[")))
        #expect(try report(f, [], env: ["NO_COLOR": ""], tty: true).stdoutText.contains("\u{1B}["))
        #expect(try report(f, ["--color", "always"]).stdoutText.contains("\u{1B}["))
        #expect(!(try report(f, ["--color", "never"], tty: true).stdoutText.contains("\u{1B}[")))
        #expect(!(try report(f, [], env: ["TERM": "dumb"], tty: true).stdoutText.contains("\u{1B}[")))
    }

    @Test func onlyTheItemsAskedFor() throws {
        let f = try Fixture()
        let doc = try json(try report(f, ["phone", "call", "--json"]))
        #expect((doc["items"] as? [[String: Any]])?.map { $0["id"] as? String } == ["phone", "call"])
        let unknown = try report(f, ["nope", "call"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("trustctl report: error: no item 'nope' in the plan or the ledger; known: call, phone, walk"))
        let bad = try report(f, ["Not-An-Id"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("'Not-An-Id' is not an item id"))
    }

    @Test func sinceLeavesOutEarlierCheckIns() throws {
        let f = try Fixture()
        let doc = try json(try report(f, ["--since", "2026-11-20", "--json"]))
        #expect(doc["since"] as? String == "2026-11-20")
        #expect(try item(doc, "call")["best_streak"] as? Int == 5)
        #expect(try item(doc, "call")["first_day"] as? String == "2026-11-20")
        let bad = try report(f, ["--since", "20.11.2026"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--since 20.11.2026: expected a date as YYYY-MM-DD"))
    }

    @Test func aMissingPlanReportsFromTheLedgerAndSaysSo() throws {
        let f = try Fixture(plan: nil)
        let out = try report(f, ["--json"])
        #expect(out.status == 0)
        #expect(out.stderr.contains("trustctl report: warning: no plan at \(f.plan); reporting from the ledger with built-in defaults"))
        let doc = try json(out)
        #expect((doc["plan"] as? [String: Any])?["status"] as? String == "missing")
        let items = try #require(doc["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == ["call", "phone", "walk"])
        #expect(items.allSatisfy { $0["in_plan"] as? Bool == false })
        #expect(try item(doc, "phone")["kind"] as? String == "boundary")
        // Without its target, walk is a scheduled commitment: consecutive kept check-ins.
        #expect(try item(doc, "walk")["streak_unit"] as? String == "check-ins")
        let text = try report(f, [])
        #expect(text.stdoutText.contains("call — not in the plan; built-in defaults"))
    }

    @Test func anInvalidPlanReportsFromTheLedgerAndNamesTheError() throws {
        let f = try Fixture(plan: "version: 1\ncommitments:\n  - id: call\n    title: Call\n    at: \"25:99\"\n")
        let out = try report(f, ["--json"])
        #expect(out.status == 0)
        #expect(out.stderr.contains("trustctl report: warning: the plan \(f.plan) has 1 error (first: \(f.plan):5:"))
        #expect(out.stderr.contains("run `trustctl check` to see them"))
        let plan = try #require(try json(out)["plan"] as? [String: Any])
        #expect(plan["status"] as? String == "invalid")
        #expect((plan["error"] as? String)?.hasPrefix("\(f.plan):5:") == true)
    }

    @Test func noLedgerYet() throws {
        let f = try Fixture(ledger: false)
        let out = try report(f, [])
        #expect(out.status == 0)
        #expect(out.stderr.contains("no ledger yet at \(f.store)"))
        #expect(out.stdoutText.contains("Call every evening (call)\n  No check-ins recorded yet."))
        #expect(!FileManager.default.fileExists(atPath: f.store))  // a reader never creates it
    }

    @Test func notALedgerIsRefusedAndLeftAlone() throws {
        let f = try Fixture(ledger: false)
        try Data("hello, not sqlite".utf8).write(to: URL(fileURLWithPath: f.store))
        let out = try report(f, [])
        #expect(out.status == 1)
        #expect(out.stderr.contains("trustctl report: error: \(f.store) is not a SQLite database"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: f.store)) == Data("hello, not sqlite".utf8))
    }

    @Test func htmlIsAPrivateWellFormedFileWithTheSameNumbers() throws {
        let f = try Fixture()
        let path = f.dir + "/out/report.html"
        let missingDir = try report(f, ["--html", path])
        #expect(missingDir.status == 1)
        #expect(missingDir.stderr.contains("cannot write \(path)"))
        try FileManager.default.createDirectory(atPath: f.dir + "/out", withIntermediateDirectories: true)
        let out = try report(f, ["--html", path])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.isEmpty)
        #expect(out.stderr == "trustctl report: wrote \(path)\n")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let html = try Data(contentsOf: URL(fileURLWithPath: path))
        let parser = XMLParser(data: html)
        #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        let text = String(decoding: html, as: UTF8.self)
        #expect(text.contains("data-item=\"call\""))
        #expect(text.contains("<span data-field=\"streak\">5</span>"))
        // Overwriting the named file is expected; it stays private.
        #expect(try report(f, ["--html", path]).status == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: f.dir + "/out")
        #expect(leftovers == ["report.html"])
    }

    @Test func reviewOfLastWeek() throws {
        let f = try Fixture()
        let command = try ReviewCommand.parse(f.args(["--week", "last"]))
        let out = command.execute(now: Self.now, environment: [:], defaultTimeZone: Self.berlin)
        #expect(out.status == 0, "\(out.stderr)")
        let md = out.stdoutText
        #expect(md.hasPrefix("# Weekly check-in: 16–22 November 2026\n"))
        #expect(md.contains("- **Call every evening**, Thu 19 Nov: missed — “note for 2026-11-19”"))
        #expect(md.contains("- **Walk together** (3/week): 3 of 5 kept — target met"))
        #expect(md.contains("- **No phone at dinner**, Sat 21 Nov: within the budget of 2 a month"))
        #expect(md.contains("## Milestones\n\n- **Call every evening** kept for 3 check-ins in a row (Wed 18 Nov)\n"))
        let sameByDate = try ReviewCommand.parse(f.args(["--week", "2026-11-22"]))
            .execute(now: Self.now, environment: [:], defaultTimeZone: Self.berlin)
        #expect(sameByDate.stdout == out.stdout)
        let bad = try ReviewCommand.parse(f.args(["--week", "yesterday"]))
            .execute(now: Self.now, environment: [:], defaultTimeZone: Self.berlin)
        #expect(bad.status == 1 && bad.stderr.contains("--week yesterday: expected a date as YYYY-MM-DD"))
    }

    @Test(arguments: ["csv", "json", "jsonl"])
    func export(format: String) throws {
        let f = try Fixture()
        let out = try ExportCommand.parse(f.args(["--format", format, "--since", "2026-11-24"]))
            .execute(now: Self.now, environment: [:], defaultTimeZone: Self.berlin)
        #expect(out.status == 0, "\(out.stderr)")
        let text = out.stdoutText
        switch format {
        case "csv":
            let lines = text.components(separatedBy: "\r\n")
            #expect(lines[0] == "id,item,kind,title,day,scheduled,scheduled_local,zone,deadline,state,answered_at,note")
            #expect(lines.count == 5)  // header, three check-ins on the 24th, and the final CRLF
            #expect(lines[1].contains(",walk,commitment,Walk together,2026-11-24,2026-11-24T19:00:00Z,2026-11-24T20:00:00+01:00,Europe/Berlin,"))
            #expect(lines[3].hasSuffix(",kept,2026-11-24T20:40:00Z,"))
        case "json":
            let rows = try #require(try JSONSerialization.jsonObject(with: out.stdout) as? [[String: Any]])
            #expect(rows.map { $0["item"] as? String } == ["walk", "phone", "call"])
        default:
            #expect(text.split(separator: "\n").count == 3)
        }
        let file = f.dir + "/export." + format
        let written = try ExportCommand.parse(f.args(["--format", format, "--since", "2026-11-24", "-o", file]))
            .execute(now: Self.now, environment: [:], defaultTimeZone: Self.berlin)
        #expect(written.stdout.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == out.stdout)
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)
    }

    /// Export warns about a missing ledger (an empty export is no backup), never about the plan (it only
    /// gives the titles), whatever the paths are called.
    @Test func exportWarnsAboutAMissingLedgerNotAMissingPlan() throws {
        let f = try Fixture(plan: nil, ledger: false)
        let store = f.dir + "/plans/ledger.sqlite"
        let out = try ExportCommand.parse(["--format", "csv", "--plan", f.plan, "--store", store])
            .execute(now: Self.now, environment: [:], defaultTimeZone: Self.berlin)
        #expect(out.status == 0)
        #expect(out.stderr == "trustctl export: warning: \(StoreError.missing(path: store))\n")
        #expect(out.stdoutText == "id,item,kind,title,day,scheduled,scheduled_local,zone,deadline,state,answered_at,note\r\n")
        let withLedger = try Fixture(plan: nil)
        let exported = try ExportCommand.parse(withLedger.args(["--format", "csv"]))
            .execute(now: Self.now, environment: [:], defaultTimeZone: Self.berlin)
        #expect(exported.status == 0 && exported.stderr.isEmpty, "\(exported.stderr)")
    }

    @Test func parsesOptions() throws {
        #expect(throws: (any Error).self) { try ReportCommand.parse(["--weeks", "0"]) }
        #expect(throws: (any Error).self) { try ReportCommand.parse(["--color", "sometimes"]) }
        #expect(throws: (any Error).self) { try ExportCommand.parse(["--format", "xml"]) }
        #expect(throws: (any Error).self) { try ExportCommand.parse([]) }
        let r = try ReportCommand.parse(["a", "b", "--since", "2026-01-01", "--json", "--weeks", "10"])
        #expect(r.items == ["a", "b"] && r.json && r.weeks == 10)
    }
}
