// Issue 14: `history`, `review` and `report --html` show the plan changes recorded in the ledger,
// a weakening marked apart from a strengthening. A real ledger file and plan file.
import Foundation
import Testing
import TrustCore
import TrustStore
import TrustTestSupport

@testable import TrustCLI

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite struct PlanChangesCommandTests {
    typealias F = ReportCommandTests.Fixture
    let berlin = TimeZone(identifier: "Europe/Berlin")!

    static func terms(_ id: ItemID, deadline: Int = 3 * 3600, target: PerPeriod? = nil) -> PlanItemTerms {
        PlanItemTerms(
            id: id, kind: .commitment, title: id.rawValue, schedule: ["*-*-* 21:30:00"], checkInsPer52Weeks: 364,
            target: target, deadlineSeconds: deadline, skips: PerPeriod(count: 2, period: .month), starts: nil, ends: nil)
    }

    /// The first plan on Tue 17 Nov; on Thu 19 Nov the call's deadline grew (a weakening) and the
    /// walk's target rose (a strengthening); on Wed 25 Nov the phone boundary was dropped.
    func fixture() throws -> F {
        let f = try F()
        let store = try TrustStore(path: f.store, mode: .readWrite)
        let local = LedgerBuilder(zone: "Europe/Berlin")
        func at(_ d: Int) -> Date { local.instant(DayKey(year: 2026, month: 11, day: d), TimeOfDay(hour: 9, minute: 0)) }
        let week = PerPeriod(count: 3, period: .week)
        try store.recordPlanVersion(PlanVersion(items: [Self.terms("call"), Self.terms("walk", target: week), Self.terms("phone")]), at: at(17))
        try store.recordPlanVersion(
            PlanVersion(items: [
                Self.terms("call", deadline: 5 * 3600), Self.terms("walk", target: PerPeriod(count: 4, period: .week)), Self.terms("phone"),
            ]), at: at(19))
        try store.recordPlanVersion(
            PlanVersion(items: [Self.terms("call", deadline: 5 * 3600), Self.terms("walk", target: PerPeriod(count: 4, period: .week))]),
            at: at(25).addingTimeInterval(-3600))
        return f
    }

    @Test func reviewListsTheWeeksPlanChangesWeakeningsInBold() throws {
        let f = try fixture()
        let out = try ReviewCommand.parse(f.args(["--week", "last"]))
            .execute(now: ReportCommandTests.now, environment: [:], defaultTimeZone: berlin)
        #expect(out.status == 0, "\(out.stderr)")
        let md = out.stdoutText
        #expect(md.contains("## Plan changes\n\n"))
        #expect(md.contains("- plan version 1, adopted 2026-11-17T09:00:00+01:00: the first plan recorded\n"))
        #expect(md.contains("- plan version 2, adopted 2026-11-19T09:00:00+01:00: 1 weakening, 1 strengthening\n"))
        #expect(md.contains("  - **WEAKENED**: call: deadline 3h → 5h\n"))
        #expect(md.contains("  - strengthened: walk: target 3/week → 4/week\n"))
        #expect(!md.contains("phone removed"))  // that was this week
        let thisWeek = try ReviewCommand.parse(f.args(["--week", "this"]))
            .execute(now: ReportCommandTests.now, environment: [:], defaultTimeZone: berlin).stdoutText
        #expect(thisWeek.contains("  - **WEAKENED**: phone removed (was \\*-\\*-\\* 21:30:00, 364 check-ins a year)\n"), "\(thisWeek)")
        #expect(!thisWeek.contains("deadline 3h → 5h"))
    }

    @Test func historyShowsThePlanChangesAfterTheCheckIns() throws {
        let f = try fixture()
        let store = try TrustStore(path: f.store, mode: .readOnly)
        let text = try HistoryCommand.parse(["--store", f.store]).render(store: store)
        #expect(text.contains("\nPLAN CHANGES\n"))
        #expect(text.contains("    WEAKENED      call: deadline 3h → 5h"))
        #expect(text.contains("    strengthened  walk: target 3/week → 4/week"))
        #expect(text.contains("    WEAKENED      phone removed"))
        // One item: its changes only.
        let call = try HistoryCommand.parse(["call", "--store", f.store]).render(store: store)
        #expect(call.contains("call: deadline 3h → 5h"))
        #expect(!call.contains("walk: target"))
        #expect(!call.contains("phone removed"))
    }

    @Test func verifyPrintsThePlanLogsHead() throws {
        let f = try fixture()
        let report = try TrustStore(path: f.store, mode: .readOnly).verify()
        let text = VerifyCommand.text(report)
        #expect(text.contains("\nplan log: 3 plan versions, head 3:\(report.planHeadHash ?? "?")\n"), "\(text)")
        #expect(text.hasSuffix("verified: the ledger is intact"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(VerifyCommand.json(report).utf8)) as? [String: Any])
        #expect(json["plan_versions"] as? Int == 3)
        #expect(json["plan_head_hash"] as? String == report.planHeadHash)
    }

    @Test func theHTMLReportMarksEachDirection() throws {
        let f = try fixture()
        let path = f.dir + "/report.html"
        let out = try ReportCommand.parse(f.args(["--html", path]))
            .execute(now: ReportCommandTests.now, environment: [:], isTTY: false, width: 100, defaultTimeZone: berlin)
        #expect(out.status == 0, "\(out.stderr)")
        let html = try String(contentsOfFile: path, encoding: .utf8)
        #expect(html.contains("<h2>Plan changes</h2>"))
        #expect(
            html.contains(
                "<li class=\"weakening\" data-direction=\"weakening\"><span class=\"mark\">WEAKENED</span> call: deadline 3h → 5h</li>"))
        #expect(
            html.contains(
                "<li class=\"strengthening\" data-direction=\"strengthening\"><span class=\"mark\">strengthened</span> walk: target 3/week → 4/week</li>"
            ))
        // Still well-formed XHTML.
        _ = try XMLDocument(data: Data(html.utf8), options: [])
    }

    /// `trustctl check` says which weakened items trustd keeps under their old terms, and until when.
    @Test func checkSaysWhatChangesTakeEffectHolds() throws {
        let dir = try TemporaryDirectory.make(prefix: "trust-check-holds")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try TrustStore(path: dir + "/ledger.sqlite")
        // What trustd recorded a day ago: a daily call, weakenings delayed a week.
        try store.recordPlanVersion(
            PlanVersion(items: [Self.terms("call")], changesTakeEffectSeconds: 7 * 86400),
            at: ReportCommandTests.now.addingTimeInterval(-86400))
        // The file now asks on Mondays only.
        let plan = dir + "/plan.yaml"
        try """
            version: 1
            timezone: Europe/Berlin
            changes-take-effect: 7d
            commitments:
              - id: call
                title: call
                at: "Mon 21:30"

            """.write(toFile: plan, atomically: true, encoding: .utf8)
        let out = PlanCheck.run(
            path: plan, json: false, now: ReportCommandTests.now, defaultTimeZone: berlin, storePath: dir + "/ledger.sqlite")
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("zone Europe/Berlin, weakening changes take effect after 7d\n"), "\(out.stdout)")
        #expect(out.stdout.contains("\nHeld by changes-take-effect (trustd keeps the old terms until then):\n"))
        #expect(
            out.stdout.contains(
                "  call: until 2026-12-02T13:00:00+01:00, still schedule *-*-* 21:30:00, 364 check-ins a year (adopted: Mon *-*-* 21:30:00, 52 check-ins a year)\n"
            ), "\(out.stdout)")
        let json = PlanCheck.run(
            path: plan, json: true, now: ReportCommandTests.now, defaultTimeZone: berlin, storePath: dir + "/ledger.sqlite")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let held = try #require(object["held"] as? [[String: Any]])
        #expect(held.count == 1)
        #expect(held.first?["item"] as? String == "call")
        #expect(held.first?["until"] as? String == "2026-12-02T13:00:00+01:00")
        #expect(held.first?["removed"] as? Bool == false)
        #expect(held.first?["aspects"] as? [String] == ["schedule"])
        // Without a ledger, or without the delay, nothing is held.
        let none = PlanCheck.run(
            path: plan, json: false, now: ReportCommandTests.now, defaultTimeZone: berlin, storePath: dir + "/none.sqlite")
        #expect(!none.stdout.contains("Held"))
        let noneJSON = PlanCheck.run(
            path: plan, json: true, now: ReportCommandTests.now, defaultTimeZone: berlin, storePath: dir + "/none.sqlite")
        #expect(!noneJSON.stdout.contains("\"held\""))
    }
}
