import ArgumentParser
import Foundation
import Testing
import TrustCLI
import TrustTestSupport

@Suite struct CheckCommandTests {
    /// 2026-11-25 12:00 UTC (13:00 in Berlin), a Wednesday.
    static let now = Date(timeIntervalSince1970: 1_795_608_000)
    static let utc = TimeZone(identifier: "UTC")!
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/plan.example.yaml").path

    /// Writes `text` to plan.yaml in a fresh directory and runs the body with its path.
    func withPlan(_ text: String, _ body: (String) throws -> Void) throws {
        let dir = try TemporaryDirectory.make(prefix: "trust-check")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/plan.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try body(path)
    }

    func json(_ output: PlanCheck.Output) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8))
        return try #require(object as? [String: Any])
    }

    @Test func listsTheExamplePlansNextCheckIns() throws {
        let out = PlanCheck.run(path: Self.example, json: false, now: Self.now, defaultTimeZone: Self.utc)
        #expect(out.status == 0)
        #expect(out.stderr == "")
        let lines = out.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "\(Self.example): valid: 3 commitments, 2 boundaries")
        #expect(lines[1] == "zone Europe/Berlin, day starts 04:00, quiet hours 22:30-07:30")
        let call = try #require(lines.firstIndex(of: "commitment evening-call: Call Sam when I'm away"))
        #expect(Array(lines[call...(call + 5)]) == [
            "commitment evening-call: Call Sam when I'm away",
            "  at      Mon..Fri *-*-* 19:00:00",
            "  starts  2026-11-01",
            "  next    Wed 2026-11-25 19:00:00 +01:00",
            "          Thu 2026-11-26 19:00:00 +01:00",
            "          Fri 2026-11-27 19:00:00 +01:00",
        ])
        let weekly = try #require(lines.firstIndex(of: "commitment honest-check-in: Weekly honest check-in with Sam"))
        #expect(Array(lines[(weekly + 2)...(weekly + 4)]) == [
            "  next    Sun 2026-11-29 18:00:00 +01:00",
            "          Sun 2026-12-06 18:00:00 +01:00",
            "          Sun 2026-12-13 18:00:00 +01:00",
        ])
        #expect(lines.contains("  target  3/week"))
        #expect(lines.contains("boundary respect-privacy: Not checking Sam's phone or messages"))
    }

    @Test func jsonForTheExamplePlan() throws {
        let out = PlanCheck.run(path: Self.example, json: true, now: Self.now, defaultTimeZone: Self.utc)
        #expect(out.status == 0)
        let o = try json(out)
        #expect(o["valid"] as? Bool == true)
        #expect(o["file"] as? String == Self.example)
        #expect(o["timezone"] as? String == "Europe/Berlin")
        #expect((o["diagnostics"] as? [Any])?.isEmpty == true)
        let items = try #require(o["items"] as? [[String: Any]])
        #expect(items.map { $0["id"] as? String } == [
            "evening-call", "honest-check-in", "exercise", "no-phone-at-dinner", "respect-privacy",
        ])
        let exercise = items[2]
        #expect(exercise["kind"] as? String == "commitment")
        #expect(exercise["title"] as? String == "Exercise for 30 minutes")
        #expect(exercise["schedule"] as? [String] == ["*-*-* 21:00:00"])
        #expect(exercise["target"] as? String == "3/week")
        #expect(exercise["next"] as? [String] == [
            "2026-11-25T21:00:00+01:00", "2026-11-26T21:00:00+01:00", "2026-11-27T21:00:00+01:00",
        ])
        #expect(items[3]["kind"] as? String == "boundary")
        #expect(items[3]["target"] is NSNull)
        // Keys in the documented order; the same plan gives byte-identical output.
        #expect(out.stdout == PlanCheck.run(path: Self.example, json: true, now: Self.now, defaultTimeZone: Self.utc).stdout)
        #expect(out.stdout.hasPrefix("""
            {
              "valid": true,
              "file": "\(Self.example)",
              "timezone": "Europe/Berlin",
              "diagnostics": [],
              "items": [
                {
                  "id": "evening-call",
                  "kind": "commitment",
                  "title": "Call Sam when I'm away",
                  "schedule": ["Mon..Fri *-*-* 19:00:00"],
                  "target": null,
                  "next": ["2026-11-25T19:00:00+01:00", "2026-11-26T19:00:00+01:00", "2026-11-27T19:00:00+01:00"]
                },
            """))
    }

    @Test func anInvalidPlanFailsWithCompilerStyleErrors() throws {
        try withPlan("version: 1\ncommitments:\n  - id: a\n    title: A\n    at: Mon 25:00\n    dealine: 2h\n") { path in
            let out = PlanCheck.run(path: path, json: false, now: Self.now, defaultTimeZone: Self.utc)
            #expect(out.status == 1)
            #expect(out.stdout == "")
            #expect(out.stderr == """
                \(path):5:13: error: invalid calendar expression 'Mon 25:00': hour 25 is out of range 0…23
                 5 |     at: Mon 25:00
                   |             ^
                  hint: expected a calendar expression such as "21:00", "Mon..Fri 19:00" or "Sun 18:00"; try 'trustctl calendar "Mon 25:00"'
                \(path):6:5: error: unknown key 'dealine' in a commitment; did you mean 'deadline'?
                 6 |     dealine: 2h
                   |     ^
                  hint: expected one of id, title, to, why, ask, at, target, deadline, snooze, skips, celebrate, starts or ends
                \(path): 2 errors; the plan is not valid

                """)
        }
    }

    @Test func anInvalidPlanInJSON() throws {
        try withPlan("version: 1\ncommitments:\n  - id: a\n    title: A\n    at: Mon 25:00\n") { path in
            let out = PlanCheck.run(path: path, json: true, now: Self.now, defaultTimeZone: Self.utc)
            #expect(out.status == 1)
            #expect(out.stderr == "")
            let o = try json(out)
            #expect(o["valid"] as? Bool == false)
            #expect(o["timezone"] is NSNull)
            #expect((o["items"] as? [Any])?.isEmpty == true)
            let d = try #require((o["diagnostics"] as? [[String: Any]])?.first)
            #expect(d["severity"] as? String == "error")
            #expect(d["file"] as? String == path)
            #expect(d["line"] as? Int == 5)
            #expect(d["column"] as? Int == 13)
            #expect(d["message"] as? String == "invalid calendar expression 'Mon 25:00': hour 25 is out of range 0…23")
        }
    }

    @Test func jsonEscapesEveryString() throws {
        // A double-quoted YAML title with a quote, a backslash, a tab, a control character,
        // a line separator and non-ASCII letters, escaped as the export escapes them
        // (Export.jsonString: the line separator is written as it is).
        let text = "version: 1\ncommitments:\n  - id: a\n    title: \"say \\\"hi\\\" \\\\ \\t\\x01\\u2028 café ❤\"\n    at: \"21:00\"\n"
        try withPlan(text) { path in
            let out = PlanCheck.run(path: path, json: true, now: Self.now, defaultTimeZone: Self.utc)
            let items = try #require(try json(out)["items"] as? [[String: Any]])
            #expect(items.first?["title"] as? String == "say \"hi\" \\ \t\u{1}\u{2028} café ❤")
            #expect(out.stdout.contains(#""title": "say \"hi\" \\ \t\u0001\#u{2028} café ❤""#))
        }
    }

    @Test func warningsKeepThePlanValid() throws {
        let text = "version: 1\ncommitments:\n  - id: ex\n    title: Ex\n    target: 3/week\n    at: Sun 10:00\n"
        try withPlan(text) { path in
            let kolkata = TimeZone(identifier: "Asia/Kolkata")!
            let out = PlanCheck.run(path: path, json: false, now: Self.now, defaultTimeZone: kolkata)
            #expect(out.status == 0)
            #expect(out.stderr.hasPrefix(
                "\(path):5:13: warning: target 3/week can never be reached: 'ex' is asked at most once a week\n"))
            #expect(out.stdout.hasPrefix("\(path): valid: 1 commitment, 0 boundaries, 1 warning\nzone Asia/Kolkata\n"))
            let j = try json(PlanCheck.run(path: path, json: true, now: Self.now, defaultTimeZone: Self.utc))
            #expect(j["valid"] as? Bool == true)
            #expect((j["diagnostics"] as? [[String: Any]])?.first?["severity"] as? String == "warning")
        }
    }

    @Test func theSummaryCountsErrorsAndWarnings() throws {
        let text = """
            version: 1
            commitments:
              - id: ex
                title: Ex
                target: 3/week
                at: Sun 10:00
              - id: b
                title: B
                at: "21:00"
                dedline: 2h

            """
        try withPlan(text) { path in
            let out = PlanCheck.run(path: path, json: false, now: Self.now, defaultTimeZone: Self.utc)
            #expect(out.status == 1)
            #expect(out.stderr.hasSuffix("\n\(path): 1 error, 1 warning; the plan is not valid\n"))
        }
    }

    @Test func showsWhenQuietHoursDeferACheckIn() throws {
        let text = "version: 1\ntimezone: Europe/Berlin\nquiet-hours: 22:30-07:30\nboundaries:\n  - id: b\n    title: B\n    at: \"23:00\"\n"
        try withPlan(text) { path in
            let out = PlanCheck.run(path: path, json: false, now: Self.now, defaultTimeZone: Self.utc, count: 1)
            #expect(out.stdout.hasSuffix(
                "  next    Wed 2026-11-25 23:00:00 +01:00  (quiet hours: shown at Thu 2026-11-26 07:30:00 +01:00)\n"))
        }
    }

    @Test func offsetsChangeAcrossDST() throws {
        let text = "version: 1\ntimezone: Europe/Berlin\ncommitments:\n  - id: a\n    title: A\n    at: \"21:00\"\n"
        try withPlan(text) { path in
            let friday = Date(timeIntervalSince1970: 1_792_756_800)  // 2026-10-23 12:00 UTC
            let out = PlanCheck.run(path: path, json: true, now: friday, defaultTimeZone: Self.utc)
            let items = try #require(try json(out)["items"] as? [[String: Any]])
            #expect(items.first?["next"] as? [String] == [
                "2026-10-23T21:00:00+02:00", "2026-10-24T21:00:00+02:00", "2026-10-25T21:00:00+01:00",
            ])
        }
    }

    @Test func aLargePlanListsEveryItemInOrder() throws {
        // Above the size at which the next check-ins are computed on several threads.
        var text = "version: 1\ntimezone: Europe/Berlin\ncommitments:\n"
        for i in 0..<1500 {
            text += "  - id: item-\(i)\n    title: Item \(i)\n    at: \"Mon..Fri \(8 + i % 12):\(10 + i % 50)\"\n"
        }
        try withPlan(text) { path in
            let out = PlanCheck.run(path: path, json: true, now: Self.now, defaultTimeZone: Self.utc)
            #expect(out.status == 0)
            let items = try #require(try json(out)["items"] as? [[String: Any]])
            #expect(items.count == 1500)
            for (i, item) in items.enumerated() {
                #expect(item["id"] as? String == "item-\(i)")
                let hour = 8 + i % 12
                let first = "2026-11-\(hour >= 13 ? 25 : 26)T\(hour < 10 ? "0" : "")\(hour):\(10 + i % 50):00+01:00"
                #expect((item["next"] as? [String])?.first == first)
            }
        }
    }

    @Test func aMissingPlanNamesThePathAndTheExample() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)/plan.yaml").path
        let out = PlanCheck.run(path: path, json: false, now: Self.now, defaultTimeZone: Self.utc)
        #expect(out.status == 1)
        #expect(out.stderr.hasPrefix("\(path): error: no plan file here\n  hint: run `trustctl init` to write it with a few questions, or create it from the example: mkdir -p "))
        #expect(out.stderr.contains("cp Config/plan.example.yaml \(path)"))
        #expect(out.stderr.hasSuffix("\n\(path): 1 error; the plan is not valid\n"))
        let j = try json(PlanCheck.run(path: path, json: true, now: Self.now, defaultTimeZone: Self.utc))
        let d = try #require((j["diagnostics"] as? [[String: Any]])?.first)
        #expect(d["line"] is NSNull)
        #expect(d["column"] is NSNull)
    }

    @Test func parsesItsOptions() throws {
        let c = try CheckCommand.parse(["--plan", "/tmp/p.yaml", "--json", "--next", "5"])
        #expect(c.planOptions.plan == "/tmp/p.yaml")
        #expect(c.json)
        #expect(c.next == 5)
        let d = try CheckCommand.parse([])
        #expect(d.planOptions.planPath(environment: ["XDG_CONFIG_HOME": "/x"]) == "/x/trust/plan.yaml")
        #expect(!d.json)
        #expect(throws: (any Error).self) { try CheckCommand.parse(["--next", "-1"]) }
    }
}
