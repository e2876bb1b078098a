import ArgumentParser
import Foundation
import TrustCore
import TrustReport
import TrustStore

/// `trustctl history [ITEM] [--since DATE] [--limit N] [--events] [--json]`
public struct HistoryCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "history", _superCommandName: "trustctl",
        abstract: "The ledger, newest first.",
        discussion: """
            One line per check-in: its day and time (in the plan's zone at the time), the item, \
            the answer and when and how it was given, and its note. A corrected answer is marked \
            with '*'; --events shows everything that happened to each check-in. After them, the plan \
            changes recorded in the ledger (since --since; of ITEM only when one is given), each \
            marked WEAKENED, strengthened or reworded.
            """)

    @Argument(help: "Only this item.")
    public var item: String?

    @Option(help: ArgumentHelp("Only check-ins on or after this day.", valueName: "YYYY-MM-DD"))
    public var since: String?

    @Option(help: "At most this many check-ins.")
    public var limit: Int?

    @Flag(help: "Show each check-in's events (prompts, snoozes, answers, corrections).")
    public var events = false

    @Flag(help: "Print a JSON array (each check-in with its events).")
    public var json = false

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func validate() throws {
        if let since, DayKey(since) == nil { throw ValidationError("--since '\(since)': expected a day, YYYY-MM-DD") }
        if let item, !ItemID.isValid(item) {
            throw ValidationError(notAnItemID(item))
        }
        if let limit, limit < 0 { throw ValidationError("--limit must not be negative") }
    }

    public func run() throws {
        try runStoreCommand("history") {
            let store = try TrustStore(path: storeOptions.storePath(), mode: .readOnly)
            return try render(store: store)
        }
    }

    func render(store: TrustStore) throws -> String {
        let item = item.map { ItemID(rawValue: $0) }
        let history = try store.history(item: item, since: since.flatMap { DayKey($0) }, limit: limit)
        if let item, history.isEmpty, since == nil {
            let known = try store.knownItems()
            if !known.contains(item) { throw StoreError.unknownItem(item, known: known) }
        }
        var f = StoreZoneFormatter()
        if json { return Self.json(history, &f) }
        let planChanges = try planChangeLines(store: store, item: item)
        if history.isEmpty {
            return (["No check-ins\(since.map { " since \($0)" } ?? "") in the ledger yet."] + planChanges).joined(separator: "\n")
        }

        let itemWidth = max(4, history.map(\.occurrence.item.rawValue.count).max() ?? 4)
        var lines = [
            storePad("DAY", 14) + "  " + storePad("TIME", 5) + "  " + storePad("ITEM", itemWidth) + "  " + storePad("ANSWER", 11) + "  "
                + storePad("GIVEN", 22) + "  NOTE"
        ]
        for h in history {
            let o = h.occurrence
            let state = o.state.rawValue + (h.wasCorrected ? "*" : "")
            var given = ""
            if let at = o.answeredAt {
                given = f.clock(at, o.zone, relativeTo: o.day) + (o.answerChannel.map { " \($0.rawValue)" } ?? "")
            }
            lines.append(
                Format.trimmingTrailingSpaces(storePad(StoreZoneFormatter.weekdayAndDay(o.day), 14) + "  " + storePad(f.clock(o.scheduled, o.zone, relativeTo: o.day), 5)
                    + "  " + storePad(o.item.rawValue, itemWidth) + "  " + storePad(state, 11) + "  " + storePad(given, 22) + "  "
                    + DisplayText.terminal(o.note ?? "")))
            if events {
                for e in h.events {
                    var detail = e.type.rawValue
                    if let a = e.answer { detail += " \(a.rawValue)" }
                    if let until = e.until { detail += " until \(f.clock(until, o.zone, relativeTo: o.day))" }
                    if let n = e.notificationID { detail += " (notification \(n))" }
                    if let streak = e.streak { detail += " (a streak of \(streak))" }
                    if let note = e.note { detail += " — \(DisplayText.terminal(note))" }
                    lines.append(
                        "    event \(e.sequence)  \(f.iso(e.at, o.zone))  \(storePad(e.channel.rawValue, 12))  \(detail)")
                }
            }
        }
        if history.contains(where: \.wasCorrected) { lines.append("* corrected; `--events` shows the earlier answers") }
        if !planChanges.isEmpty { lines += [""] + planChanges }
        return lines.joined(separator: "\n")
    }

    /// The plan changes recorded since `--since` (all without it), those of `item` when one is
    /// given, in the system's zone.
    func planChangeLines(store: TrustStore, item: ItemID?, zone: TimeZone = .current) throws -> [String] {
        let from = since.flatMap { DayKey($0) }.map { $0.firstInstant(in: zone) } ?? .distantPast
        var revisions = try store.planRevisions(from: from, to: .distantFuture)
        if let item {
            revisions = revisions.compactMap { r in
                var r = r
                r.changes = r.changes.filter { $0.item == item }
                return r.changes.isEmpty && !(r.isFirst && r.recorded.version.item(item) != nil) ? nil : r
            }
        }
        return PlanChangesText.terminal(revisions, zone: zone)
    }

    static func json(_ history: [CheckInHistory], _ f: inout StoreZoneFormatter) -> String {
        StoreJSON.array(
            history.map { h in
                let o = h.occurrence
                return .object(
                    StoreJSON.identity(o, &f) + [
                        ("state", .string(o.state.rawValue)),
                        ("answered_at", o.answeredAt.map { .string(f.iso($0, o.zone)) } ?? .null),
                        ("answer_channel", .optional(o.answerChannel?.rawValue)),
                        ("note", .optional(o.note)),
                        ("corrected", .bool(h.wasCorrected)),
                        (
                            "events",
                            .array(
                                h.events.map { e in
                                    .object([
                                        ("seq", .number(e.sequence)),
                                        ("type", .string(e.type.rawValue)),
                                        ("at", .string(f.iso(e.at, o.zone))),
                                        ("channel", .string(e.channel.rawValue)),
                                        ("answer", .optional(e.answer?.rawValue)),
                                        ("note", .optional(e.note)),
                                        ("notification_id", e.notificationID.map { .number(Int64($0.rawValue)) } ?? .null),
                                        ("until", e.until.map { .string(f.iso($0, o.zone)) } ?? .null),
                                        ("streak", e.streak.map { .number(Int64($0)) } ?? .null),
                                        ("hash", .string(e.hashHex)),
                                    ])
                                })
                        ),
                    ])
            }
        ).text
    }
}
