// The plan log (issue 14, schema v4-plan-versions): every plan trustd adopts, as PlanVersion's
// canonical JSON with its SHA-256, chained like the event log but on its own chain (PlanChain),
// so the event chain's canonical form is untouched. Written by trustd when it adopts a plan whose
// hash differs from the last one recorded; read by history, review, report and the digest.
import Crypto
import Foundation
import GRDB
import TrustCore

/// The plan log's hash chain: SHA-256(previous hash ‖ canonical content), from 32 zero bytes.
enum PlanChain {
    static let genesis = [UInt8](repeating: 0, count: 32)

    /// A version tag, then every field as a netstring (`<byte count>:<bytes>,`), as
    /// `HashChain.canonical` writes an event. Never edit: add a new tag instead.
    static func canonical(sequence: Int64, at: Int64, planHash: String, summary: String) -> [UInt8] {
        var out = [UInt8]()
        func field(_ s: String) {
            out.append(contentsOf: String(s.utf8.count).utf8)
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: s.utf8)
            out.append(UInt8(ascii: ","))
        }
        field("trustd-plan-1")
        field(String(sequence))
        field(String(at))
        field(planHash)
        field(summary)
        return out
    }

    static func link(previous: [UInt8], sequence: Int64, at: Int64, planHash: String, summary: String) -> [UInt8] {
        var h = SHA256()
        h.update(data: previous)
        h.update(data: canonical(sequence: sequence, at: at, planHash: planHash, summary: summary))
        return Array(h.finalize())
    }

    /// The plan's own hash: SHA-256 of its summary's bytes, lowercase hex.
    static func planHash(_ summary: [UInt8]) -> String { Hex.encode(Array(SHA256.hash(data: summary))) }
}

/// A `plan_version` row as stored (raw, so that `verify` reports damage rather than trapping).
struct PlanVersionRow {
    var sequence: Int64
    var at: Int64?
    var planHash: String?
    var summary: String?
    var hash: [UInt8]

    static let columns = "seq, at, plan_hash, summary, hash"

    init(_ row: Row) {
        sequence = row[0]
        at = row[1]
        planHash = row[2]
        summary = row[3]
        hash = (row[4] as Data?).map { [UInt8]($0) } ?? []
    }

    var recorded: RecordedPlanVersion? {
        guard let at, let planHash, let summary, let version = PlanVersion.decode(json: Array(summary.utf8)) else {
            return nil
        }
        return RecordedPlanVersion(sequence: sequence, recordedAt: Millis.date(at), planHash: planHash, version: version)
    }
}

extension TrustStore {
    /// Records `version` as adopted at `at`, unless the last version recorded has the same hash
    /// (the check and the insert are one transaction). Returns the new record, or nil.
    @discardableResult
    public func recordPlanVersion(_ version: PlanVersion, at: Date) throws(StoreError) -> RecordedPlanVersion? {
        try transaction { tx in
            let db = tx.db
            let summaryBytes = version.canonicalJSON
            let summary = String(decoding: summaryBytes, as: UTF8.self)
            let planHash = PlanChain.planHash(summaryBytes)
            let last = try Row.fetchOne(db, sql: "SELECT \(PlanVersionRow.columns) FROM plan_version ORDER BY seq DESC LIMIT 1")
                .map(PlanVersionRow.init)
            if let last, last.planHash == planHash { return nil }
            let sequence = (last?.sequence ?? 0) + 1
            let ms = Millis.from(at)
            let hash = PlanChain.link(
                previous: last?.hash ?? PlanChain.genesis, sequence: sequence, at: ms, planHash: planHash, summary: summary)
            try db.execute(
                sql: "INSERT INTO plan_version (seq, at, plan_hash, summary, hash) VALUES (?, ?, ?, ?, ?)",
                arguments: [sequence, ms, planHash, summary, Data(hash)])
            return RecordedPlanVersion(sequence: sequence, recordedAt: Millis.date(ms), planHash: planHash, version: version)
        }
    }

    /// The plan version recorded last, nil before any.
    public func lastPlanVersion() throws(StoreError) -> RecordedPlanVersion? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(PlanVersionRow.columns) FROM plan_version ORDER BY seq DESC LIMIT 1")
                .flatMap { PlanVersionRow($0).recorded }
        }
    }

    /// Every plan version recorded, oldest first.
    public func planVersions() throws(StoreError) -> [RecordedPlanVersion] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT \(PlanVersionRow.columns) FROM plan_version ORDER BY seq")
                .compactMap { PlanVersionRow($0).recorded }
        }
    }

    /// The plan versions adopted in `from..<to`, oldest first, each with its recorded time.
    public func planVersions(from: Date, to: Date) throws(StoreError) -> [RecordedPlanVersion] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(PlanVersionRow.columns) FROM plan_version WHERE at >= ? AND at < ? ORDER BY seq",
                arguments: [Millis.from(from), Millis.from(to)]
            ).compactMap { PlanVersionRow($0).recorded }
        }
    }

    /// The plan changes adopted in `from..<to`, each version compared with the one before it
    /// (also when that one is older than `from`): what history, review, the HTML report and the
    /// weekly digest show.
    public func planRevisions(from: Date, to: Date) throws(StoreError) -> [PlanRevision] {
        let versions = try planVersions(from: from, to: to)
        guard let first = versions.first else { return [] }
        let previous = try read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(PlanVersionRow.columns) FROM plan_version WHERE seq < ? ORDER BY seq DESC LIMIT 1",
                arguments: [first.sequence]
            ).flatMap { PlanVersionRow($0).recorded }
        }
        return PlanComparison.revisions(versions, previous: previous)
    }
}
