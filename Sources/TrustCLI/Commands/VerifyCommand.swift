import ArgumentParser
import Foundation
import TrustCore
import TrustReport
import TrustStore

/// `trustctl verify [--anchor SEQ:HASH] [--json]`
public struct VerifyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "verify", _superCommandName: "trustctl",
        abstract: "Check the ledger's integrity and its hash chain.",
        discussion: """
            Runs SQLite's integrity check, recomputes the SHA-256 chain over every event (each hash \
            covers the previous one and the event's content), and checks every check-in against its \
            events. Exit status 0 when all is intact, 1 otherwise. Note the printed head: a later \
            `trustctl verify --anchor SEQ:HASH` proves that nothing up to it was rewritten since.
            """)

    @Option(help: ArgumentHelp("Also require event SEQ to still have hash HASH (from an earlier verify).", valueName: "SEQ:HASH"))
    public var anchor: String?

    @Flag(help: "Print a JSON object.")
    public var json = false

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func validate() throws {
        if let anchor, Self.parseAnchor(anchor) == nil {
            throw ValidationError("--anchor '\(anchor)': expected SEQ:HASH, as printed by `trustctl verify`")
        }
    }

    static func parseAnchor(_ text: String) -> (sequence: Int64, hash: String)? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, let seq = Int64(parts[0]), seq > 0, parts[1].count == 64,
            parts[1].allSatisfy(\.isHexDigit)
        else { return nil }
        return (seq, String(parts[1]).lowercased())
    }

    public func run() throws {
        var intact = false
        try runStoreCommand("verify") {
            let store = try TrustStore(path: storeOptions.storePath(), mode: .readOnly)
            let report = try store.verify(anchor: anchor.flatMap(Self.parseAnchor))
            intact = report.isIntact
            return json ? Self.json(report) : Self.text(report)
        }
        if !intact { throw ExitCode.failure }
    }

    static func text(_ r: VerifyReport) -> String {
        var lines = ["ledger: \(r.path)"]
        lines.append("integrity: " + (r.integrityOK ? "ok" : "FAILED"))
        if !r.integrityOK { lines += r.integrity.map { "  \($0)" } }
        if let broken = r.firstBrokenLink {
            lines.append("hash chain: BROKEN — first broken link: \(broken)")
            if r.brokenLinkCount > 1 { lines.append("  (\(r.brokenLinkCount) links fail in all)") }
        } else {
            lines.append("hash chain: intact, \(r.eventCount) events")
        }
        if let head = r.headHash { lines.append("head: \(r.headSequence):\(head)") }
        lines.append(
            "plan log: \(r.planVersionCount) plan version\(r.planVersionCount == 1 ? "" : "s")"
                + (r.planHeadHash.map { ", head \(r.planHeadSequence):\($0)" } ?? ""))
        if r.findingCount == 0 {
            lines.append("check-ins: \(r.occurrenceCount), each agrees with its events")
        } else {
            lines.append("check-ins: \(r.occurrenceCount); \(r.findingCount) problem\(r.findingCount == 1 ? "" : "s"):")
            lines += r.findings.map { "  \($0)" }
            if r.findingCount > r.findings.count { lines.append("  … and \(r.findingCount - r.findings.count) more") }
        }
        lines.append(
            r.isIntact
                ? "verified: the ledger is intact"
                : "NOT VERIFIED: the ledger was damaged or changed outside trustd (it was left as it is)")
        return lines.joined(separator: "\n")
    }

    static func json(_ r: VerifyReport) -> String {
        func finding(_ f: VerifyReport.Finding) -> StoreJSON {
            .object([
                ("seq", f.sequence.map(StoreJSON.number) ?? .null),
                ("occurrence", f.occurrence.map(StoreJSON.number) ?? .null),
                ("message", .string(f.message)),
            ])
        }
        return StoreJSON.object([
            ("path", .string(r.path)),
            ("intact", .bool(r.isIntact)),
            ("integrity", .array(r.integrity.map(StoreJSON.string))),
            ("events", .number(Int64(r.eventCount))),
            ("occurrences", .number(Int64(r.occurrenceCount))),
            ("head_seq", .number(r.headSequence)),
            ("head_hash", .optional(r.headHash)),
            ("first_broken_link", r.firstBrokenLink.map(finding) ?? .null),
            ("broken_links", .number(Int64(r.brokenLinkCount))),
            ("findings", .array(r.findings.map(finding))),
            ("finding_count", .number(Int64(r.findingCount))),
            ("plan_versions", .number(Int64(r.planVersionCount))),
            ("plan_head_seq", .number(r.planHeadSequence)),
            ("plan_head_hash", .optional(r.planHeadHash)),
        ]).text
    }
}
