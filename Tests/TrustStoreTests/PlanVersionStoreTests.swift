// The plan log (schema v4-plan-versions) on real SQLite files: recorded once per hash, read by
// range, append-only, chained and checked by `verify`.
import Foundation
import GRDB
import Testing
import TrustCore
import TrustTestSupport

@testable import TrustStore

private func terms(_ id: ItemID, deadline: Int = 3600, perYear: Int = 364) -> PlanItemTerms {
    PlanItemTerms(
        id: id, kind: .commitment, title: "Item \(id)", schedule: ["*-*-* 21:00:00"], checkInsPer52Weeks: perYear,
        target: nil, deadlineSeconds: deadline, skips: PerPeriod(count: 2, period: .month), starts: nil, ends: nil)
}

@Suite struct PlanVersionStoreTests {
    let t0 = instant("2026-11-23T09:00:00+01:00")

    /// Three versions: the first plan, a weakening (a longer deadline), an item added.
    func ledgerWithThreeVersions(_ scratch: Scratch) throws -> TrustStore {
        let store = try TrustStore(path: scratch.ledger)
        #expect(try store.recordPlanVersion(PlanVersion(items: [terms("call")]), at: t0)?.sequence == 1)
        #expect(try store.recordPlanVersion(PlanVersion(items: [terms("call", deadline: 7200)]), at: t0 + 86400)?.sequence == 2)
        #expect(
            try store.recordPlanVersion(PlanVersion(items: [terms("call", deadline: 7200), terms("walk")]), at: t0 + 2 * 86400)?
                .sequence == 3)
        return store
    }

    @Test func theSamePlanIsRecordedOnceAlsoAfterReopening() throws {
        let scratch = Scratch()
        let v = PlanVersion(items: [terms("call")], changesTakeEffectSeconds: 604_800)
        do {
            let store = try TrustStore(path: scratch.ledger)
            let first = try #require(try store.recordPlanVersion(v, at: t0))
            #expect(first.planHash.count == 64)
            #expect(try store.recordPlanVersion(v, at: t0 + 60) == nil)
        }
        // A restart: a new store on the same file.
        let again = try TrustStore(path: scratch.ledger, mode: .readWrite)
        #expect(try again.recordPlanVersion(v, at: t0 + 120) == nil)
        let all = try again.planVersions()
        #expect(all.count == 1)
        #expect(all[0].version == v)
        #expect(all[0].recordedAt == t0)
        #expect(try again.lastPlanVersion() == all[0])
        // The same plan after another one is a new version.
        #expect(try again.recordPlanVersion(PlanVersion(items: []), at: t0 + 180)?.sequence == 2)
        #expect(try again.recordPlanVersion(v, at: t0 + 240)?.sequence == 3)
        #expect(try again.recordPlanVersion(v, at: t0 + 300) == nil)
    }

    @Test func readersGetTheVersionsOfARangeWithTheirChanges() throws {
        let scratch = Scratch()
        let store = try ledgerWithThreeVersions(scratch)
        #expect(try store.planVersions(from: t0 + 3600, to: t0 + 3 * 86400).map(\.sequence) == [2, 3])
        #expect(try store.planVersions(from: t0, to: t0 + 86400).map(\.sequence) == [1])
        let revisions = try store.planRevisions(from: t0 + 3600, to: t0 + 3 * 86400)
        #expect(revisions.map(\.isFirst) == [false, false])
        #expect(revisions[0].changes.map(\.direction) == [.weakening])
        #expect(revisions[0].changes.map(\.aspect) == [.deadline])
        #expect(revisions[1].changes.map(\.aspect) == [.added])
        #expect(try store.planRevisions(from: t0 - 60, to: t0 + 60).map(\.isFirst) == [true])
        #expect(try store.planRevisions(from: t0 + 10 * 86400, to: t0 + 11 * 86400).isEmpty)
    }

    @Test func verifyWalksThePlanChain() throws {
        let scratch = Scratch()
        let store = try ledgerWithThreeVersions(scratch)
        let report = try store.verify()
        #expect(report.isIntact, "\(report)")
        #expect(report.planVersionCount == 3)
        #expect(report.planHeadSequence == 3)
        #expect(report.planHeadHash?.count == 64)
    }

    @Test func thePlanLogCannotBeEditedThroughSQLWhileTheTriggersStand() throws {
        let scratch = Scratch()
        let store = try ledgerWithThreeVersions(scratch)
        for sql in ["UPDATE plan_version SET at = at - 1 WHERE seq = 2", "DELETE FROM plan_version WHERE seq = 3"] {
            #expect(throws: DatabaseError.self, "\(sql)") {
                try store.writer.write { db in try db.execute(sql: sql) }
            }
        }
        #expect(try store.verify().isIntact)
    }

    struct Tampering: Sendable, CustomStringConvertible {
        var description: String
        var sql: String
        var finding: String
    }

    static let tamperings: [Tampering] = [
        .init(
            description: "backdate a plan change", sql: "UPDATE plan_version SET at = at - 86400000 WHERE seq = 2",
            finding: "plan version 2: hash mismatch"),
        .init(
            description: "rewrite a summary and its plan hash",
            sql: """
                UPDATE plan_version SET summary = replace(summary, '7200', '3600'),
                    plan_hash = '\(String(repeating: "ab", count: 32))' WHERE seq = 2
                """,
            finding: "plan version 2: hash mismatch"),
        .init(
            description: "rewrite a summary only", sql: "UPDATE plan_version SET summary = replace(summary, '7200', '3600') WHERE seq = 2",
            finding: "plan version 2: its plan hash does not match"),
        .init(description: "delete a plan change", sql: "DELETE FROM plan_version WHERE seq = 2", finding: "plan version 2 is missing"),
        .init(
            description: "insert a plan by hand",
            sql: "INSERT INTO plan_version (seq, at, plan_hash, summary, hash) SELECT 4, at, plan_hash, summary, hash FROM plan_version WHERE seq = 3",
            finding: "plan version 4: hash mismatch"),
    ]

    @Test(arguments: tamperings)
    func editingThePlanLogIsDetected(_ t: Tampering) throws {
        let scratch = Scratch()
        let store = try ledgerWithThreeVersions(scratch)
        try store.writer.write { db in
            try db.execute(sql: "DROP TRIGGER plan_version_append_only_update; DROP TRIGGER plan_version_append_only_delete")
            try db.execute(sql: t.sql)
        }
        let report = try TrustStore(path: scratch.ledger, mode: .readOnly).verify()
        #expect(!report.isIntact)
        #expect(report.chainOK)  // the event chain is another chain
        #expect(report.findings.contains { $0.message.contains("plan_version_append_only_update was removed") })
        #expect(report.findings.contains { $0.description.contains(t.finding) }, "\(report.findings)")
    }
}
