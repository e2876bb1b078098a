import Foundation
import Testing
import TrustCore
import TrustPlan
import TrustTestSupport

/// 2026-11-25 12:00 UTC, a Wednesday.
let testNow = Date(timeIntervalSince1970: 1_795_608_000)
let berlin = TimeZone(identifier: "Europe/Berlin")!

func read(_ lines: [String], zone: TimeZone = berlin, now: Date = testNow) -> PlanReadResult {
    PlanReader.parse(yaml: lines.joined(separator: "\n") + "\n", file: "plan.yaml", defaultTimeZone: zone, now: now)
}

/// `line:column: severity: message` of each diagnostic.
func summary(_ r: PlanReadResult) -> [String] {
    r.diagnostics.map { "\($0.line):\($0.column): \($0.severity.rawValue): \($0.message)" }
}

/// A valid commitment (lines 2–5) after `version: 1`, for cases that add one line.
let base = ["version: 1", "commitments:", "  - id: a", "    title: A", "    at: \"21:00\""]

struct ErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: [String]
    var expected: [String]
    init(_ name: String, _ yaml: [String], _ expected: [String]) {
        self.name = name
        self.yaml = yaml
        self.expected = expected
    }
    var testDescription: String { name }
}

@Suite struct PlanReaderErrorTests {
    static let cases: [ErrorCase] = [
        // Keys
        ErrorCase("unknown top-level key with a suggestion", base + ["timezon: UTC"], [
            "6:1: error: unknown key 'timezon' at the top level of the plan; did you mean 'timezone'?"
        ]),
        ErrorCase("a misspelt key with other case", base + ["Quiet_Hours: \"22:00-07:00\""], [
            "6:1: error: unknown key 'Quiet_Hours' at the top level of the plan; did you mean 'quiet-hours'?"
        ]),
        ErrorCase("an item key at the top level", base + ["at: \"21:00\""], [
            "6:1: error: unknown key 'at' at the top level of the plan"
        ]),
        ErrorCase("unknown item key with a suggestion", base + ["    dealine: 2h"], [
            "6:5: error: unknown key 'dealine' in a commitment; did you mean 'deadline'?"
        ]),
        ErrorCase("transposed letters", base + ["    titel: B"], [
            "6:5: error: unknown key 'titel' in a commitment; did you mean 'title'?"
        ]),
        ErrorCase("unknown item key without a suggestion", base + ["    colour: red"], [
            "6:5: error: unknown key 'colour' in a commitment"
        ]),
        ErrorCase("target on a boundary", ["version: 1", "boundaries:", "  - id: b", "    title: B", "    target: 1/week", "    at: \"21:00\""], [
            "5:5: error: 'target' applies to commitments only"
        ]),
        ErrorCase("duplicate key", base + ["    title: B"], ["6:5: error: duplicate key 'title'"]),
        ErrorCase("a key that cannot have a default", ["version: 1", "defaults:", "  at: \"21:00\""], [
            "3:3: error: 'at' has no default; set it on each item"
        ]),
        ErrorCase("unknown default", ["version: 1", "defaults:", "  snoze: 5m"], [
            "3:3: error: unknown key 'snoze' in 'defaults'; did you mean 'snooze'?"
        ]),

        // Settings
        ErrorCase("no version", Array(base.dropFirst()), ["1:1: error: the plan has no 'version'"]),
        ErrorCase("version 2", ["version: 2"] + base.dropFirst(), [
            "1:10: error: unsupported plan version 2; this trustd reads version 1"
        ]),
        ErrorCase("version not a number", ["version: one"] + base.dropFirst(), [
            "1:10: error: expected 'version: 1', found 'one'"
        ]),
        ErrorCase("unknown zone", base + ["timezone: Mars/Olympus_Mons"], [
            "6:11: error: unknown time zone 'Mars/Olympus_Mons'"
        ]),
        ErrorCase("misspelt zone", base + ["timezone: Europe/Berlim"], [
            "6:11: error: unknown time zone 'Europe/Berlim'; did you mean 'Europe/Berlin'?"
        ]),
        ErrorCase("zone as a list", base + ["timezone: [UTC]"], [
            "6:11: error: expected an IANA zone name such as Europe/Berlin for 'timezone', found a list"
        ]),
        ErrorCase("day-starts out of range, quoted", base + ["day-starts: \"25:00\""], [
            "6:14: error: 'day-starts': invalid time '25:00': hour 25 is not 0–23"
        ]),
        ErrorCase("day-starts minutes, plain", base + ["day-starts: 04:75"], [
            "6:16: error: 'day-starts': invalid time '04:75': minute 75 is not 00–59"
        ]),
        ErrorCase("quiet hours end", base + ["quiet-hours: \"22:30-25:00\""], [
            "6:21: error: 'quiet-hours': invalid quiet hours '22:30-25:00': hour 25 is not 0–23"
        ]),
        ErrorCase("quiet hours empty window", base + ["quiet-hours: 07:00-07:00"], [
            "6:14: error: 'quiet-hours': invalid quiet hours '07:00-07:00': the window starts and ends at the same time"
        ]),
        ErrorCase("changes-take-effect unit", base + ["changes-take-effect: 7x"], [
            "6:23: error: 'changes-take-effect': invalid duration '7x': unknown unit 'x'; expected s, m, h or d"
        ]),
        ErrorCase("changes-take-effect in words", base + ["changes-take-effect: a week"], [
            "6:22: error: 'changes-take-effect': invalid duration 'a week': expected a number at 'a'; expected a duration such as 90s, 15m, 2h, 1d or 1h30m"
        ]),
        ErrorCase("discreet not a boolean", base + ["discreet: yes"], [
            "6:11: error: expected true or false for 'discreet', found 'yes'"
        ]),
        ErrorCase("defaults not a mapping", base + ["defaults: 3h"], [
            "6:11: error: expected 'defaults' to be a mapping of deadline, snooze, skips and celebrate, found '3h'"
        ]),

        // Values
        ErrorCase("duration without a unit", base + ["    deadline: 2"], [
            "6:16: error: 'deadline': invalid duration '2': missing a unit after 2 (s, m, h or d)"
        ]),
        ErrorCase("duration units out of order", base + ["    snooze: 30m1h"], [
            "6:17: error: 'snooze': invalid duration '30m1h': units must go from largest to smallest, each once (e.g. 1h30m)"
        ]),
        ErrorCase("zero duration in defaults", ["version: 1", "defaults:", "  deadline: 0m"], [
            "3:13: error: 'deadline': duration '0m' must be longer than zero"
        ]),
        ErrorCase("target period", base + ["    target: 3/wek"], [
            "6:15: error: 'target': invalid frequency '3/wek': unknown period 'wek'; expected day, week or month"
        ]),
        ErrorCase("target of zero", base + ["    target: 0/week"], [
            "6:13: error: 'target': invalid frequency '0/week': the count must be at least 1"
        ]),
        ErrorCase("skips", ["version: 1", "defaults:", "  skips: two/month"], [
            "3:10: error: 'skips': invalid frequency 'two/month': expected N/day, N/week or N/month, e.g. 3/week"
        ]),
        ErrorCase("celebrate not a list", base + ["    celebrate: 7"], [
            "6:16: error: expected a list of streak lengths such as [7, 30, 100, 365] for 'celebrate', found '7'"
        ]),
        ErrorCase("celebrate with a bad entry", base + ["    celebrate: [7, -1, x]"], [
            "6:20: error: expected a positive whole number of days in 'celebrate', found '-1'",
            "6:24: error: expected a positive whole number of days in 'celebrate', found 'x'",
        ]),
        ErrorCase("invalid date", base + ["    starts: 2026-02-30"], [
            "6:13: error: invalid date '2026-02-30' for 'starts'; expected a date YYYY-MM-DD, e.g. 2026-11-01"
        ]),
        ErrorCase("ends before starts", base + ["    starts: 2026-11-01", "    ends: 2026-10-31"], [
            "7:11: error: 'ends' 2026-10-31 is before 'starts' 2026-11-01"
        ]),
        ErrorCase("a list where a string is expected", base + ["    to: [Sam, Alex]"], [
            "6:9: error: expected a name such as 'Sam' for 'to', found a list"
        ]),

        // Items
        ErrorCase("invalid id", ["version: 1", "commitments:", "  - id: Evening Call", "    title: A", "    at: \"21:00\""], [
            "3:9: error: invalid id 'Evening Call': use lowercase letters, digits and '-', starting with a letter or digit"
        ]),
        ErrorCase("id starting with a dash", ["version: 1", "commitments:", "  - id: \"-a\"", "    title: A", "    at: \"21:00\""], [
            "3:9: error: invalid id '-a': use lowercase letters, digits and '-', starting with a letter or digit"
        ]),
        ErrorCase("missing id, title and at", ["version: 1", "boundaries:", "  - to: Sam"], [
            "3:5: error: boundary #1 has no 'id'",
            "3:5: error: boundary #1 has no 'title'",
            "3:5: error: boundary #1 has no 'at'",
        ]),
        ErrorCase("empty title", ["version: 1", "commitments:", "  - id: a", "    title: ''", "    at: \"21:00\""], [
            "4:12: error: commitment 'a' has an empty 'title'"
        ]),
        ErrorCase("null title", ["version: 1", "commitments:", "  - id: a", "    title:", "    at: \"21:00\""], [
            "4:11: error: expected a short title such as 'Call Sam' for 'title', found nothing"
        ]),
        ErrorCase("duplicate id across lists", base + ["boundaries:", "  - id: a", "    title: B", "    at: \"22:00\""], [
            "7:9: error: duplicate id 'a'; ids must be unique in the plan"
        ]),
        ErrorCase("duplicate id of an item that has an error", [
            "version: 1", "commitments:", "  - id: a", "    title: A", "    at: \"Mon 25:00\"",
            "  - id: a", "    title: B", "    at: \"21:00\"",
        ], [
            "5:14: error: invalid calendar expression 'Mon 25:00': hour 25 is out of range 0…23",
            "6:9: error: duplicate id 'a'; ids must be unique in the plan",
        ]),
        ErrorCase("an entry that is a string", ["version: 1", "commitments:", "  - call Sam"], [
            "3:5: error: expected a commitment (a mapping with id, title and at), found 'call Sam'"
        ]),
        ErrorCase("commitments as a mapping", ["version: 1", "commitments:", "  id: a", "  title: A"], [
            "3:3: error: expected a list of commitments ('- id: …' entries), found a mapping"
        ]),

        // Calendar expressions: the column inside the expression
        ErrorCase("bad expression, plain", base.dropLast() + ["    at: Mon..Fri 19:61"], [
            "5:21: error: invalid calendar expression 'Mon..Fri 19:61': minute 61 is out of range 0…59"
        ]),
        ErrorCase("bad expression, double-quoted", base.dropLast() + ["    at: \"Mon..Fri 19:61\""], [
            "5:22: error: invalid calendar expression 'Mon..Fri 19:61': minute 61 is out of range 0…59"
        ]),
        ErrorCase("bad expression in a list", base.dropLast() + ["    at:", "      - Sun 10:00", "      - 'Sat 25:00'"], [
            "7:14: error: invalid calendar expression 'Sat 25:00': hour 25 is out of range 0…23"
        ]),
        ErrorCase("bad expression in a flow list", base.dropLast() + ["    at: [\"Sun 10:00\", Sat 25:00]"], [
            "5:27: error: invalid calendar expression 'Sat 25:00': hour 25 is out of range 0…23"
        ]),
        ErrorCase("empty at list", base.dropLast() + ["    at: []"], [
            "5:9: error: commitment 'a' has an empty 'at' list; expected at least one a calendar expression such as \"21:00\", \"Mon..Fri 19:00\" or \"Sun 18:00\""
        ]),
        ErrorCase("at as a mapping", base.dropLast() + ["    at: {time: 21}"], [
            "5:9: error: expected a calendar expression such as \"21:00\", \"Mon..Fri 19:00\" or \"Sun 18:00\" (or a list of them) for 'at', found a mapping"
        ]),

        // Documents
        ErrorCase("empty file", [""], ["1:1: error: the plan is empty"]),
        ErrorCase("only comments", ["# my plan"], ["1:1: error: the plan is empty"]),
        ErrorCase("a list at the top", ["- a", "- b"], [
            "1:1: error: expected the plan's settings (version, timezone, commitments, boundaries, …) at the top level, found a list"
        ]),
        ErrorCase("YAML: unquoted colon", ["version: 1", "commitments:", "  - id: a", "    title: Call: Sam"], [
            "4:16: error: invalid YAML: mapping values are not allowed in this context"
        ]),
        ErrorCase("YAML: tab", ["version: 1", "commitments:", "  - id: a", "\ttitle: A"], [
            "4:1: error: invalid YAML: found a tab character that violates indentation (while scanning a plain scalar at line 3, column 9)"
        ]),
        ErrorCase("YAML: unclosed flow list", ["version: 1", "boundaries: [", ""], [
            "4:1: error: invalid YAML: did not find expected node content (while parsing a flow node at line 4, column 1)"
        ]),
    ]

    @Test(arguments: cases)
    func reports(_ c: ErrorCase) {
        let r = read(c.yaml)
        #expect(summary(r) == c.expected)
        #expect(r.plan == nil)
        #expect(throws: PlanError.self) { try r.get() }
    }

    @Test func hints() throws {
        let r = read(base + ["    dealine: 2h", "boundaries:", "  - id: b", "    title: B", "    target: 1/week", "    at: \"21:30\""])
        #expect(r.diagnostics.map(\.hint) == [
            "expected one of id, title, to, why, ask, at, target, deadline, snooze, skips, celebrate, starts or ends",
            "a boundary is checked in on its 'at' schedule; move this item under 'commitments:'",
        ])
        let id = read(["version: 1", "commitments:", "  - id: Evening Call!", "    title: A", "    at: \"21:00\""])
        #expect(id.diagnostics.first?.hint == "e.g. 'id: evening-call'")
        let dup = read(base + ["    title: B"])
        #expect(dup.diagnostics.first?.hint == "'title' is first set at line 4; a key may appear only once in a mapping")
        let colon = read(["version: 1", "commitments:", "  - id: a", "    title: Call: Sam"])
        #expect(colon.diagnostics.first?.hint == "a value containing ': ' must be quoted, e.g. title: \"Call: Sam\"")
        let tab = read(["version: 1", "commitments:", "  - id: a", "\ttitle: A"])
        #expect(tab.diagnostics.first?.hint == "YAML does not allow tabs for indentation; use spaces")
        let star = read(base.dropLast() + ["    at: *-*-* 21:00"])
        #expect(summary(star) == [
            "5:11: error: invalid YAML: did not find expected alphabetic or numeric character (while scanning an alias at line 5, column 9)"
        ])
        #expect(star.diagnostics.first?.hint == "in YAML a value starting with '*' is an alias: quote the expression, e.g. at: \"*-*-* 21:00\"")
        let top = read(base + ["at: \"21:00\""])
        #expect(top.diagnostics.first?.hint == "'at' belongs to an item under 'commitments:' or 'boundaries:' (check the indentation)")
    }

    @Test func reportsEveryErrorInFileOrder() {
        let r = read([
            "version: 1",
            "timezone: Europe/Berlim",
            "defaults:",
            "  snooze: 15x",
            "commitments:",
            "  - id: Bad Id",
            "    title: A",
            "    at: Mon 25:00",
            "  - id: ok",
            "    title: [B]",
            "    at: \"21:00\"",
            "    dealine: 1h",
            "boundaries:",
            "  - id: ok",
            "    at: \"21:00\"",
        ])
        #expect(summary(r) == [
            "2:11: error: unknown time zone 'Europe/Berlim'; did you mean 'Europe/Berlin'?",
            "4:13: error: 'snooze': invalid duration '15x': unknown unit 'x'; expected s, m, h or d",
            "6:9: error: invalid id 'Bad Id': use lowercase letters, digits and '-', starting with a letter or digit",
            "8:13: error: invalid calendar expression 'Mon 25:00': hour 25 is out of range 0…23",
            "10:12: error: expected a short title such as 'Call Sam' for 'title', found a list",
            "12:5: error: unknown key 'dealine' in a commitment; did you mean 'deadline'?",
            "14:5: error: boundary 'ok' has no 'title'",
            "14:9: error: duplicate id 'ok'; ids must be unique in the plan",
        ])
    }

    @Test func errorDescriptionPrintsEveryDiagnosticWithAnExcerpt() throws {
        let r = read(base + ["    dealine: 2h", "    snooze: 1x"])
        let error = try #require(throws: PlanError.self) { try r.get() }
        #expect(error.description == """
            plan.yaml:6:5: error: unknown key 'dealine' in a commitment; did you mean 'deadline'?
             6 |     dealine: 2h
               |     ^
              hint: expected one of id, title, to, why, ask, at, target, deadline, snooze, skips, celebrate, starts or ends
            plan.yaml:7:14: error: 'snooze': invalid duration '1x': unknown unit 'x'; expected s, m, h or d
             7 |     snooze: 1x
               |              ^
            plan.yaml: 2 errors; the plan was not loaded
            """)
    }
}

@Suite struct PlanReaderWarningTests {
    @Test func unreachableTarget() {
        let r = read(["version: 1", "commitments:", "  - id: ex", "    title: Exercise", "    target: 3/week", "    at: Sun 10:00"])
        #expect(summary(r) == ["5:13: warning: target 3/week can never be reached: 'ex' is asked at most once a week"])
        #expect(r.plan != nil)
    }

    @Test(arguments: [
        ("3/week", "Mon..Fri 19:00", nil),
        ("3/week", "Mon,Wed 19:00", "at most twice a week"),
        ("2/day", "21:00", "at most once a day"),
        ("2/day", "09,21:00", nil),
        ("5/month", "Mon 09:00", nil),  // months with five Mondays reach it
        ("6/month", "Mon 09:00", "at most 5 times a month"),
        ("1/week", "\"*-*-01 09:00\"", nil),  // reachable in the weeks that hold a 1st
    ] as [(String, String, String?)])
    func targetReachability(target: String, at: String, problem: String?) {
        let r = read(["version: 1", "commitments:", "  - id: ex", "    title: Ex", "    target: \(target)", "    at: \(at)"])
        #expect(r.errors.isEmpty)
        if let problem {
            #expect(r.warnings.count == 1)
            #expect(r.warnings.first?.message.hasSuffix("asked \(problem)") == true)
        } else {
            #expect(r.warnings.isEmpty)
        }
    }

    @Test func endsInThePastAndSchedulesThatNeverFire() {
        let r = read([
            "version: 1", "commitments:",
            "  - id: old", "    title: Old", "    at: \"21:00\"", "    ends: 2025-01-01",
            "  - id: once", "    title: Once", "    at: \"2025-06-01 10:00\"",
            "  - id: soon", "    title: Soon", "    at: \"2026-12-01 10:00\"",
        ])
        #expect(summary(r) == [
            "6:11: warning: 'old' ended on 2025-01-01; it no longer prompts",
            "9:9: warning: 'once' never prompts again: its 'at' schedule does not elapse after now",
        ])
        #expect(r.plan?.items.count == 3)
    }

    @Test func aLargePlanGetsTheSameDiagnostics() {
        // 700 items: above the size at which expressions are parsed and schedules evaluated on
        // several threads. Items 0…699 take lines 3 + 4i … 6 + 4i.
        var lines = ["version: 1", "commitments:"]
        for i in 0..<700 {
            lines += ["  - id: item-\(i)", "    title: Item \(i)"]
            switch i {
            case 123: lines += ["    at: Mon 25:00", "    deadline: 1h"]
            case 456: lines += ["    at: Sun 10:00", "    target: 2/week"]
            case 600: lines += ["    at: \"2025-01-01 10:00\"", "    deadline: 1h"]
            default: lines += ["    at: \"\(6 + i % 12):\(10 + i % 40)\"", "    target: 5/week"]
            }
        }
        let r = read(lines)
        #expect(summary(r) == [
            "\(3 + 4 * 123 + 2):13: error: invalid calendar expression 'Mon 25:00': hour 25 is out of range 0…23",
            "\(3 + 4 * 456 + 3):13: warning: target 2/week can never be reached: 'item-456' is asked at most once a week",
            "\(3 + 4 * 600 + 2):9: warning: 'item-600' never prompts again: its 'at' schedule does not elapse after now",
        ])
        #expect(r.plan == nil)
        lines[3 + 4 * 123 + 2 - 1] = "    at: Mon 21:00"
        let fixed = read(lines)
        #expect(fixed.errors.isEmpty)
        #expect(fixed.warnings.count == 2)
        #expect(fixed.plan?.items.count == 700)
        #expect(fixed.upcoming.count == 700)
        #expect(fixed.upcoming.values.count(where: \.isEmpty) == 1)
        #expect(fixed.upcoming["item-0"] == [Date(timeIntervalSince1970: 1_795_669_800)])  // 2026-11-26 06:10 in Berlin
        let three = PlanReader.parse(
            yaml: lines.joined(separator: "\n"), file: "plan.yaml", defaultTimeZone: berlin, now: testNow, upcoming: 3)
        #expect(three.upcoming["item-0"] == [1_795_669_800, 1_795_756_200, 1_795_842_600].map(Date.init(timeIntervalSince1970:)))
    }

    @Test func anEmptyPlanIsValidButSaysSo() {
        let r = read(["version: 1"])
        #expect(summary(r) == ["1:1: warning: the plan has no commitments or boundaries; trustd will not prompt"])
        #expect(r.plan?.items == [])
    }
}

@Suite struct PlanReaderModelTests {
    @Test func resolvesDefaults() throws {
        let plan = try read([
            "version: 1",
            "timezone: America/New_York",
            "day-starts: \"04:00\"",
            "quiet-hours: 22:30-07:30",
            "discreet: true",
            "defaults:",
            "  deadline: 2h",
            "  snooze: 5m",
            "  skips: 1/week",
            "  celebrate: [30, 3, 30]",
            "commitments:",
            "  - id: call",
            "    title: Call Sam",
            "    to: Sam",
            "    why: So Sam knows",
            "    at: Mon..Fri 19:00",
            "  - id: exercise",
            "    title: Exercise",
            "    ask: Did you move today?",
            "    target: 3/week",
            "    at: [\"21:00\", \"Sat 10:00\"]",
            "    deadline: 1h30m",
            "    snooze: 90s",
            "    skips: 0/month",
            "    celebrate: []",
            "    starts: 2026-11-01",
            "    ends: 2027-03-31",
            "boundaries:",
            "  - id: no-phone",
            "    title: No phone at dinner",
            "    at: 21:30",
        ]).get()
        #expect(plan.version == 1)
        #expect(plan.timeZone.identifier == "America/New_York")
        #expect(plan.dayStart == TimeOfDay(hour: 4, minute: 0))
        #expect(plan.quietHours == QuietHours(start: TimeOfDay(hour: 22, minute: 30), end: TimeOfDay(hour: 7, minute: 30)))
        #expect(plan.discreet)
        #expect(plan.items.map(\.id) == ["call", "exercise", "no-phone"])
        #expect(plan.items.map(\.kind) == [.commitment, .commitment, .boundary])

        let call = try #require(plan.item("call"))
        #expect(call.title == "Call Sam")
        #expect(call.to == "Sam")
        #expect(call.why == "So Sam knows")
        #expect(call.ask == "Did you keep your promise: Call Sam?")
        #expect(call.schedule.map(\.normalized) == ["Mon..Fri *-*-* 19:00:00"])
        #expect(call.target == nil)
        #expect(call.deadline == 2 * 3600)
        #expect(call.snooze == 5 * 60)
        #expect(call.skips == PerPeriod(count: 1, period: .week))
        #expect(call.celebrate == [3, 30])
        #expect(call.starts == nil && call.ends == nil)

        let exercise = try #require(plan.item("exercise"))
        #expect(exercise.ask == "Did you move today?")
        #expect(exercise.schedule.map(\.normalized) == ["*-*-* 21:00:00", "Sat *-*-* 10:00:00"])
        #expect(exercise.target == PerPeriod(count: 3, period: .week))
        #expect(exercise.deadline == 5400)
        #expect(exercise.snooze == 90)
        #expect(exercise.skips == PerPeriod(count: 0, period: .month))
        #expect(exercise.celebrate == [])
        #expect(exercise.starts == DayKey("2026-11-01"))
        #expect(exercise.ends == DayKey("2027-03-31"))

        let phone = try #require(plan.item("no-phone"))
        #expect(phone.ask == "Did you hold your boundary: No phone at dinner?")
        #expect(phone.schedule.map(\.normalized) == ["*-*-* 21:30:00"])  // unquoted 21:30 is still a time
        #expect(phone.deadline == 2 * 3600)
    }

    @Test func builtInDefaultsAndTheSystemZone() throws {
        let kolkata = try #require(TimeZone(identifier: "Asia/Kolkata"))
        let plan = try read(base, zone: kolkata).get()
        #expect(plan.timeZone == kolkata)
        #expect(plan.dayStart == .midnight)
        #expect(plan.quietHours == nil)
        #expect(!plan.discreet)
        let a = try #require(plan.items.first)
        #expect(a.deadline == PlanDefaults.deadline)
        #expect(a.snooze == PlanDefaults.snooze)
        #expect(a.skips == PlanDefaults.skips)
        #expect(a.celebrate == PlanDefaults.celebrate)
    }

    @Test func explicitNullsMeanUnset() throws {
        let plan = try read(base + ["    to:", "    ends: ~", "quiet-hours: null", "timezone:"]).get()
        #expect(plan.items.first?.to == nil)
        #expect(plan.items.first?.ends == nil)
        #expect(plan.quietHours == nil)
        #expect(plan.timeZone == berlin)
    }

    @Test func recordsWhereEachItemIs() throws {
        let r = read(base + ["boundaries:", "  - id: b", "    title: B", "    at: \"22:00\""])
        #expect(r.locations["a"] == SourcePosition(line: 3, column: 5))
        #expect(r.locations["b"] == SourcePosition(line: 7, column: 5))
    }

    @Test func anchorsAndAliasesWork() throws {
        let plan = try read([
            "version: 1", "commitments:",
            "  - id: a", "    title: A", "    at: &evenings Mon..Fri 19:00",
            "  - id: b", "    title: B", "    at: *evenings",
        ]).get()
        #expect(plan.items.map { $0.schedule.map(\.normalized) } == [["Mon..Fri *-*-* 19:00:00"], ["Mon..Fri *-*-* 19:00:00"]])
    }
}

@Suite struct PlanFileTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func temporaryDirectory() throws -> URL {
        URL(fileURLWithPath: try TemporaryDirectory.make(prefix: "trust-plan"), isDirectory: true)
    }

    @Test(arguments: [testNow, Date()])
    func theExamplePlanLoadsWithoutErrorsOrWarnings(now: Date) throws {
        let path = Self.repository.appendingPathComponent("Config/plan.example.yaml").path
        let r = PlanReader.load(path: path, defaultTimeZone: TimeZone(identifier: "UTC")!, now: now)
        #expect(r.diagnostics == [])
        let plan = try r.get()
        #expect(plan.timeZone == berlin)
        #expect(plan.items.filter { $0.kind == .commitment }.count == 3)
        #expect(plan.items.filter { $0.kind == .boundary }.count == 2)
        #expect(plan.item("exercise")?.target == PerPeriod(count: 3, period: .week))
        for item in plan.items {
            #expect(plan.nextOccurrence(of: item, after: now) != nil, "\(item.id) never prompts")
        }
    }

    @Test func aMissingFileSaysSo() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plan.yaml").path
        let r = PlanReader.load(path: path, defaultTimeZone: berlin, now: testNow)
        #expect(r.isMissingFile)
        #expect(r.plan == nil)
        #expect(summary(r) == ["0:0: error: no plan file here"])
        #expect(r.diagnostics.first?.headline == "\(path): error: no plan file here")
        #expect(r.diagnostics.first?.hint?.contains("cp Config/plan.example.yaml") == true)
    }

    @Test func aDirectoryIsNotAPlan() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = PlanReader.load(path: dir.path, defaultTimeZone: berlin, now: testNow)
        #expect(!r.isMissingFile)
        #expect(summary(r) == ["0:0: error: the plan path is a directory, not a file"])
    }

    @Test func invalidUTF8IsLocated() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("plan.yaml")
        try Data("version: 1\ncommitments:\n  - id: caf".utf8 + [0xE9] + Data("\n".utf8)).write(to: url)
        let r = PlanReader.load(path: url.path, defaultTimeZone: berlin, now: testNow)
        #expect(summary(r) == ["3:12: error: the plan is not valid UTF-8 text"])
    }

    @Test func readsAFileFromDisk() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("plan.yaml")
        try (base.joined(separator: "\n") + "\n    deadline: 2x\n").write(to: url, atomically: true, encoding: .utf8)
        let r = PlanReader.load(path: url.path, defaultTimeZone: berlin, now: testNow)
        #expect(r.diagnostics.map(\.headline) == [
            "\(url.path):6:16: error: 'deadline': invalid duration '2x': unknown unit 'x'; expected s, m, h or d"
        ])
        #expect(r.source?.hasPrefix("version: 1") == true)
    }
}
