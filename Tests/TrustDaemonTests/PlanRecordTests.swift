// Issue 14 in the daemon: the plan adopted is recorded in the ledger (once per hash, across
// restarts), and `changes-take-effect` holds a weakened item under its old terms, also across a
// restart, on the deterministic clock.
import Foundation
import Testing
import TrustCore
import TrustDesktop
import TrustStore
import TrustTestSupport

@testable import TrustDaemon

private typealias F = Fixture

private func dailyCall(deadline: String = "3h", extra: String = "") -> String {
    planYAML(
        extra: extra,
        """
          - id: evening-call
            title: Call Sam
            at: "19:00"
            deadline: \(deadline)
        """)
}

@Suite struct PlanRecordTests {
    @Test func thePlanIsRecordedOnStartAndOnEachChangeNeverTwice() async throws {
        let rig = try Rig(plan: dailyCall(), at: F.at("2026-11-24 12:00"))
        await rig.start()
        var versions = try rig.store.planVersions()
        #expect(versions.map(\.sequence) == [1])
        #expect(versions.first?.recordedAt == F.at("2026-11-24 12:00"))
        #expect(versions.first?.version.items.map(\.id) == ["evening-call"])

        // The same terms written differently (a comment, `why`): not a new version.
        try rig.writePlan(dailyCall().replacingOccurrences(of: "title: Call Sam", with: "title: Call Sam\n    why: it matters\n# a comment"))
        rig.daemon.reload(reason: "test")
        await rig.settle()
        #expect(try rig.store.planVersions().count == 1)
        await rig.stop()

        // A restart reads the same plan: still one.
        let second = try rig.restarted(at: F.at("2026-11-24 13:00"))
        await second.start()
        #expect(try second.store.planVersions().count == 1)

        // A longer deadline: recorded, as a weakening.
        await second.set(F.at("2026-11-24 14:00"))
        try second.writePlan(dailyCall(deadline: "5h"))
        second.daemon.reload(reason: "test")
        await second.settle()
        versions = try second.store.planVersions()
        #expect(versions.map(\.sequence) == [1, 2])
        #expect(versions.last?.recordedAt == F.at("2026-11-24 14:00"))
        let changes = PlanComparison.changes(from: versions[0].version, to: versions[1].version)
        #expect(changes.map(\.direction) == [.weakening])
        #expect(try second.store.verify().isIntact)
        await second.stop()
    }

    @Test func theDemoCheckInIsNotRecorded() async throws {
        let rig = try Rig(plan: dailyCall(), at: F.at("2026-11-24 12:00"), demoDelay: 60)
        await rig.start()
        #expect(await rig.daemon.inspect { $0.planItems }.count == 2)
        #expect(try rig.store.planVersions().map { $0.version.items.map(\.id) } == [["evening-call"]])
        await rig.stop()
    }

    @Test func aWeakeningWaitsForChangesTakeEffectAcrossARestart() async throws {
        let delay = "changes-take-effect: 7d"
        let rig = try Rig(plan: dailyCall(extra: delay), at: F.at("2026-11-24 12:00"))  // a Tuesday
        await rig.start()
        // Only on Mondays (fewer check-ins: a weakening) and answered within 1 h (a strengthening).
        try rig.writePlan(dailyCall(deadline: "1h", extra: delay).replacingOccurrences(of: "at: \"19:00\"", with: "at: \"Mon 19:00\""))
        rig.daemon.reload(reason: "test")
        await rig.settle()
        #expect(try rig.store.planVersions().count == 2)
        let status = rig.service.statuses.last ?? ""
        #expect(status.contains("1 weakening plan change held until Tue 2026-12-01 12:00 +01:00 (changes-take-effect)"), "\(status)")
        #expect(rig.logs.text.contains("evening-call keeps its old terms (schedule) until Tue 2026-12-01 12:00 +01:00"))

        // Tuesday 19:00: the old schedule still applies; the shorter deadline already does.
        await rig.set(F.at("2026-11-24 19:00"))
        var all = try rig.occurrences()
        #expect(all.map(\.scheduled) == [F.at("2026-11-24 19:00")])
        #expect(all.last?.deadline == F.at("2026-11-24 20:00"))
        await rig.stop()

        // A restart finds the hold in the ledger.
        let second = try rig.restarted(at: F.at("2026-11-25 18:00"))
        await second.start()
        #expect(try second.store.planVersions().count == 2)  // nothing recorded again
        #expect(second.service.statuses.last?.contains("held until Tue 2026-12-01 12:00 +01:00") == true)
        for day in 25...30 {
            await second.set(F.at("2026-11-\(day) 19:00"))
        }
        all = try second.occurrences()
        #expect(all.map(\.scheduled) == (24...30).map { F.at("2026-11-\($0) 19:00") })

        // The week is over: trustd wakes when the hold ends, and asks on Mondays only from then on.
        await second.set(F.at("2026-11-30 20:00"))  // the last check-in's deadline
        #expect(second.clock.nextArmed == F.at("2026-12-01 12:00"))
        await second.set(F.at("2026-12-01 12:00"))
        #expect(second.service.statuses.last?.contains("held") == false)
        #expect(second.clock.nextArmed == F.at("2026-12-07 19:00"))
        await second.set(F.at("2026-12-07 19:00"))
        all = try second.occurrences()
        #expect(all.map(\.scheduled).last == F.at("2026-12-07 19:00"))
        #expect(all.count == 8)
        await second.stop()
    }

    /// trustd stopped during the hold and started after it ended: catch-up enters what the old
    /// terms asked until the hold's end, and only then the new terms.
    @Test func catchUpAfterAHoldEndedWhileStoppedUsesTheTermsInForceAtEachInstant() async throws {
        let delay = "changes-take-effect: 7d"
        let rig = try Rig(plan: dailyCall(extra: delay), at: F.at("2026-11-24 12:00"))  // a Tuesday
        await rig.start()
        try rig.writePlan(dailyCall(deadline: "1h", extra: delay).replacingOccurrences(of: "at: \"19:00\"", with: "at: \"Mon 19:00\""))
        rig.daemon.reload(reason: "test")
        await rig.settle()
        await rig.set(F.at("2026-11-24 19:00"))
        await rig.stop()

        // Back on Wednesday 2 December, after the hold ended (Tuesday 1 December 12:00).
        let second = try rig.restarted(at: F.at("2026-12-02 12:00"))
        await second.start()
        let all = try second.occurrences()
        // Daily until the hold's end (the old terms), nothing on Tuesday 1 December at 19:00 (Mondays only).
        #expect(all.map(\.scheduled) == (24...30).map { F.at("2026-11-\($0) 19:00") })
        #expect(all.allSatisfy { $0.state == .unanswered })
        #expect(second.service.statuses.last?.contains("held") == false)
        #expect(second.clock.nextArmed == F.at("2026-12-07 19:00"))
        #expect(try second.store.verify().isIntact)
        await second.stop()
    }

    @Test func aStrengtheningAppliesAtOnceEvenWithADelay() async throws {
        let delay = "changes-take-effect: 7d"
        let rig = try Rig(plan: dailyCall(extra: delay), at: F.at("2026-11-24 12:00"))
        await rig.start()
        try rig.writePlan(
            dailyCall(extra: delay) + """

                  - id: walk
                    title: Walk
                    at: "13:00"
                """)
        rig.daemon.reload(reason: "test")
        await rig.settle()
        #expect(await rig.daemon.inspect { $0.planItems } == ["evening-call", "walk"])
        #expect(rig.clock.nextArmed == F.at("2026-11-24 13:00"))
        #expect(rig.service.statuses.last?.contains("held") == false)
        await rig.stop()
    }
}
