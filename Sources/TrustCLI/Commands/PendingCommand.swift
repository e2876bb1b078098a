import ArgumentParser
import Foundation
import TrustCore
import TrustPlan
import TrustReport
import TrustStore

/// `trustctl pending [--json]`
public struct PendingCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "pending", _superCommandName: "trustctl",
        abstract: "Check-ins awaiting an answer, oldest first.",
        discussion: "Answer one with `trustctl answer ITEM kept|missed|skipped` (or --occurrence ID).")

    @Flag(help: "Print a JSON array.")
    public var json = false

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let planPath = PlanLocation.defaultPath(environment: environment)
        // A new user has no plan (and no ledger): nothing to answer until `trustctl init`.
        let noPlan = !FileManager.default.fileExists(atPath: planPath)
        if noPlan && !FileManager.default.fileExists(atPath: storeOptions.storePath(environment: environment)) {
            print(json ? "[]" : "Nothing awaits an answer: \(PlanAuthoring.noPlanYet(planPath))")
            return
        }
        try runStoreCommand("pending") {
            let store = try TrustStore(path: storeOptions.storePath(), mode: .readOnly)
            let text = try render(store: store, now: Date())
            if noPlan && !json && text == Self.nothingPending {
                return "Nothing awaits an answer: \(PlanAuthoring.noPlanYet(planPath))"
            }
            return text
        }
    }

    func render(store: TrustStore, now: Date) throws -> String {
        let pending = try store.pending(asOf: now)
        var f = StoreZoneFormatter()
        if json {
            return StoreJSON.array(
                pending.map { o in
                    .object(
                        StoreJSON.identity(o, &f) + [
                            ("prompted_at", o.promptedAt.map { .string(f.iso($0, o.zone)) } ?? .null),
                            ("snoozed_until", o.snoozedUntil.map { .string(f.iso($0, o.zone)) } ?? .null),
                            ("notification_id", o.notificationID.map { .number(Int64($0.rawValue)) } ?? .null),
                            ("deadline_passed", .bool(o.deadline <= now)),
                        ])
                }
            ).text
        }
        if pending.isEmpty { return Self.nothingPending }
        let idWidth = max(2, pending.map { String($0.id).count + 1 }.max() ?? 2)
        let itemWidth = max(4, pending.map(\.item.rawValue.count).max() ?? 4)
        var lines = [
            storePad("#", idWidth) + "  " + storePad("DUE", 20) + "  " + storePad("ITEM", itemWidth) + "  " + "DEADLINE"
        ]
        for o in pending {
            var status = f.clock(o.deadline, o.zone, relativeTo: o.day)
            if o.deadline <= now {
                status += " (passed; trustd records it unanswered)"
            } else {
                status += " (in \(Self.duration(o.deadline.timeIntervalSince(now))))"
            }
            if let until = o.snoozedUntil, until > now {
                status += ", snoozed until \(f.clock(until, o.zone, relativeTo: o.day))"
            } else if o.promptedAt == nil {
                status += ", not yet prompted"
            }
            let due = StoreZoneFormatter.weekdayAndDay(o.day) + " " + f.clock(o.scheduled, o.zone, relativeTo: o.day)
            lines.append(
                storePad("#\(o.id)", idWidth) + "  " + storePad(due, 20) + "  " + storePad(o.item.rawValue, itemWidth) + "  " + status)
        }
        lines.append("")
        lines.append("Answer with: trustctl answer ITEM kept|missed|skipped [--note TEXT]")
        return lines.joined(separator: "\n")
    }

    static let nothingPending = "Nothing awaits an answer."

    /// `2 h 5 min`, `40 min`, `30 s`.
    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded(.down))
        if s < 60 { return "\(max(0, s)) s" }
        if s < 3600 { return "\(s / 60) min" }
        if s < 86400 { return s % 3600 / 60 == 0 ? "\(s / 3600) h" : "\(s / 3600) h \(s % 3600 / 60) min" }
        return "\(s / 86400) d \(s % 86400 / 3600) h"
    }
}
