import ArgumentParser
import Foundation
import TrustCore
import TrustPlan
import TrustReport

/// `trustctl add commitment|boundary TITLE --at WHEN …`: one more item, inserted into the plan as
/// text; nothing the person wrote is rewritten.
public struct AddCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "add", _superCommandName: "trustctl",
        abstract: "Add a commitment or a boundary to the plan.",
        discussion: """
            The item's lines are inserted at the end of its section (created if missing); comments, \
            order, quoting and blank lines of the plan stay exactly as they are. The whole plan is \
            read again and the change refused if it would not be valid. WHEN is a friendly time \
            ('weekdays at 7pm', 'every Sunday 18:00', 'daily 21:30', 'Mon, Wed, Fri 7am', \
            'first Monday of the month at 10', 'twice a day at 9 and 21') or a calendar expression \
            ('Mon..Fri 19:00').
            """)

    @Argument(help: ArgumentHelp("commitment (something to do) or boundary (something not to do).", valueName: "KIND"))
    public var kind: String

    @Argument(help: ArgumentHelp("What the promise is, e.g. \"Call Sam when I'm away\".", valueName: "TITLE"))
    public var title: String

    @Option(help: ArgumentHelp("When trustd asks about it.", valueName: "WHEN"))
    public var at: String

    @Option(help: ArgumentHelp("Who the promise is to.", valueName: "NAME"))
    public var to: String?

    @Option(help: ArgumentHelp("Why it matters (shown in the report).", valueName: "TEXT"))
    public var why: String?

    @Option(help: ArgumentHelp("The check-in's question, e.g. \"Did you call Sam tonight?\".", valueName: "TEXT"))
    public var ask: String?

    @Option(help: ArgumentHelp("Commitments only: how many check-ins per week must be kept, e.g. 3/week.", valueName: "N/week"))
    public var target: String?

    @Option(help: ArgumentHelp("How long a check-in may stay unanswered, e.g. 3h.", valueName: "DURATION"))
    public var deadline: String?

    @Option(help: ArgumentHelp("The item's id (default: made from the title).", valueName: "ID"))
    public var id: String?

    @Flag(help: "Print the lines that would be added, and write nothing.")
    public var dryRun = false

    @OptionGroup public var planOptions: PlanOptions

    public init() {}

    public func validate() throws {
        guard kind == "commitment" || kind == "boundary" else {
            throw ValidationError("KIND must be 'commitment' (something to do) or 'boundary' (something not to do), not '\(kind)'")
        }
        if kind == "boundary" && target != nil { throw ValidationError("--target applies to commitments only") }
        for (name, value) in [("TITLE", Optional(title)), ("--to", to), ("--why", why), ("--ask", ask)] {
            if let value, value.contains(where: \.isNewline) { throw ValidationError("\(name) must be one line") }
        }
        if title.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("TITLE must say what the promise is") }
        if let id, !ItemID.isValid(id) { throw ValidationError(notAnItemID(id)) }
    }

    public func run() throws {
        let path = planOptions.planPath()
        let now = Date()
        let original = try PlanAuthoring.readExistingPlan(path, command: "add")
        guard let text = String(data: original, encoding: .utf8) else {
            PlanAuthoring.warn("trustctl add: error: \(path) is not UTF-8 text; nothing was added (trustctl check shows where)\n")
            throw ExitCode(1)
        }
        let time: FriendlyTime
        do { time = try FriendlyTime.parse(at) } catch {
            PlanAuthoring.warn("trustctl add: error: --at: \(error)\n")
            throw ExitCode(2)
        }
        let before = PlanReader.parse(yaml: text, file: path, defaultTimeZone: .current, now: now)
        let existing = Set(before.plan?.items.map(\.id) ?? [])
        let item = NewPlanItem(
            kind: kind == "commitment" ? .commitment : .boundary, id: id ?? PlanText.derivedID(title: title, existing: existing),
            title: title.trimmingCharacters(in: .whitespaces), to: to, why: why, ask: ask, at: time.expressions,
            atPhrase: time.isCalendarExpression ? nil : time.phrase, target: target, deadline: deadline)
        let addition: PlanText.Addition
        do {
            addition = try PlanText.adding(item, to: text, file: path, defaultTimeZone: .current, now: now)
        } catch {
            PlanAuthoring.warn("trustctl add: error: \(error)\n")
            throw ExitCode(1)
        }
        let zone = before.plan?.timeZone ?? .current
        // What was understood, with its next check-ins, before anything is written.
        PlanAuthoring.say("\(item.kind.rawValue) '\(item.id)': \(item.title)\n" + FriendlyTimeText.preview(time, zone: zone, now: now))
        let lines = addition.inserted.replacingOccurrences(of: "\r\n", with: "\n")
        if dryRun {
            PlanAuthoring.say("Would add to \(path) (nothing written):\n" + lines + (lines.hasSuffix("\n") ? "" : "\n"))
            return
        }
        do {
            // The plan must not have changed since it was read (an editor, another trustctl add).
            let now = try Data(contentsOf: URL(fileURLWithPath: path))
            guard now == original else {
                PlanAuthoring.warn("trustctl add: error: \(path) changed while it was being read; nothing was added, try again\n")
                throw ExitCode(1)
            }
            try PlanAuthoring.writePlan(addition.text, to: path)
        } catch let e as ExitCode {
            throw e
        } catch {
            PlanAuthoring.warn("trustctl add: error: \(error)\n")
            throw ExitCode(1)
        }
        PlanAuthoring.say("Added to \(path):\n" + lines + (lines.hasSuffix("\n") ? "" : "\n"))
    }
}
