import ArgumentParser
import Foundation
import TrustCore
import TrustPlan
import TrustReport

/// `trustctl init [--to NAME] [--timezone ZONE] [--force] [--no-questions]`: a short dialogue on
/// a terminal that writes the first plan.
public struct InitCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "init", _superCommandName: "trustctl",
        abstract: "Write your first plan, one question at a time.",
        discussion: """
            Asks who the promises are to, then each promise: what it is, whether it is something to \
            do or not to do, when trustd should ask ('weekdays at 7pm', 'every Sunday 18:00', \
            'daily 21:30'), and how often. Shows the next check-ins, then writes a commented plan \
            (mode 0600, in a 0700 directory). An existing plan is never replaced without --force, \
            and then it is kept as a backup beside it. Ctrl-C at any time writes nothing.
            """)

    @Option(help: ArgumentHelp("Who the promises are to (skips the question).", valueName: "NAME"))
    public var to: String?

    @Option(help: ArgumentHelp("IANA time zone for the plan (default: the system's).", valueName: "ZONE"))
    public var timezone: String?

    @Flag(help: "Replace an existing plan (it is kept as PLAN.bak-TIMESTAMP).")
    public var force = false

    @Flag(name: .customLong("no-questions"), help: "Write a plan with no promises yet, without asking (for scripts).")
    public var noQuestions = false

    @OptionGroup public var planOptions: PlanOptions

    public init() {}

    public func run() throws {
        let path = planOptions.planPath()
        let zone: TimeZone
        if let timezone {
            guard let z = TimeZone(identifier: timezone) else {
                PlanAuthoring.warn("trustctl init: error: unknown time zone '\(timezone)'; use an IANA name such as Europe/Berlin (timedatectl list-timezones)\n")
                throw ExitCode(2)
            }
            zone = z
        } else {
            zone = TimeZone.current
        }
        if FileManager.default.fileExists(atPath: path) && !force {
            PlanAuthoring.warn(
                """
                trustctl init: a plan already exists at \(path); nothing was written.
                  To change it: trustctl edit, or trustctl add commitment|boundary TITLE --at WHEN
                  To start over: trustctl init --force (the current plan is kept as a backup)

                """)
            throw ExitCode(1)
        }
        var items: [NewPlanItem] = []
        if !noQuestions {
            guard PlanAuthoring.interactive else {
                PlanAuthoring.warn(Self.noTerminal)
                throw ExitCode(2)
            }
            guard let answers = Dialogue(to: to, zone: zone, now: Date()).run() else {
                PlanAuthoring.say("\nStopped; nothing was written.\n")
                throw ExitCode(1)
            }
            items = answers
        }
        let text = PlanTemplate.render(timezone: zone.identifier, items: items)
        // The template must read back as the items given (it is text built by hand).
        let check = PlanReader.parse(yaml: text, file: path, defaultTimeZone: zone, now: Date())
        guard let plan = check.plan, plan.items.count == items.count else {
            PlanAuthoring.warn("trustctl init: error: the plan written would not be valid; nothing was written:\n\(check.errors.map(\.description).joined(separator: "\n"))\n")
            throw ExitCode(1)
        }
        do {
            if FileManager.default.fileExists(atPath: path) {
                let backup = path + ".bak-" + Self.timestamp(Date())
                try PlanAuthoring.writePlan(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self), to: backup)
                PlanAuthoring.say("Kept the previous plan as \(backup)\n")
            }
            try PlanAuthoring.writePlan(text, to: path)
        } catch {
            PlanAuthoring.warn("trustctl init: error: \(error)\n")
            throw ExitCode(1)
        }
        PlanAuthoring.say(
            """
            Wrote \(path) (\(items.isEmpty ? "no promises yet" : "\(items.count) promise\(items.count == 1 ? "" : "s")")).
            Next: trustctl check   (trustd reads the plan by itself; add more with trustctl add, change it with trustctl edit)

            """)
    }

    static let noTerminal = """
        trustctl init asks its questions on a terminal, and standard input is not one; nothing was written.
        Run it in a terminal, or write the plan without questions:
            trustctl init --no-questions [--to NAME] [--timezone ZONE] [--force]
            trustctl add commitment "Call Sam when I'm away" --at "weekdays at 7pm" --to Sam
            trustctl add boundary "No phone at dinner" --at "daily 21:30"

        """

    static func timestamp(_ date: Date) -> String {
        let t = LocalTime(date, in: TimeZone(identifier: "UTC")!)
        return "\(t.day)T\(t.timeOfDay.withSeconds.replacingOccurrences(of: ":", with: ""))Z"
    }
}

/// The questions of `trustctl init`, one at a time. Nil when input ends (Ctrl-D).
struct Dialogue {
    var to: String?
    var zone: TimeZone
    var now: Date

    /// Input ended before the last question.
    struct Ended: Error {}

    func run() -> [NewPlanItem]? {
        do { return try questions() } catch { return nil }
    }

    private func answer(_ question: String) throws(Ended) -> String {
        guard let a = PlanAuthoring.ask(question) else { throw Ended() }
        return a
    }

    private func questions() throws(Ended) -> [NewPlanItem] {
        PlanAuthoring.say(
            """
            Let's write your plan: the promises you are keeping, and when trustd should ask about them.
            One question at a time; Ctrl-C stops without writing anything.
            Time zone: \(zone.identifier) (change it with --timezone).


            """)
        var person = to
        if person == nil {
            let name = try answer("Who are these promises to? (a name such as Sam; Enter to leave it out)")
            person = name.isEmpty ? nil : name
        }
        var items: [NewPlanItem] = []
        var ids: Set<ItemID> = []
        while true {
            let title = try answer(
                items.isEmpty
                    ? "\nWhat is one promise you are making? (e.g. Call \(person ?? "Sam") when I'm away)"
                    : "\nAnother promise? (type it, or press Enter to finish)")
            if title.isEmpty {
                if !items.isEmpty { return items }
                if try answer("No promises yet. Write a plan with none, to add them later? [y/N]").lowercased().hasPrefix("y") {
                    return items
                }
                continue
            }
            let kind = try askKind()
            let time = try askTime()
            let target = kind == .commitment ? try askTarget() : nil
            let id = PlanText.derivedID(title: title, existing: ids)
            ids.insert(ItemID(id))
            items.append(
                NewPlanItem(
                    kind: kind, id: id, title: title, to: person, at: time.expressions,
                    atPhrase: time.isCalendarExpression ? nil : time.phrase, target: target))
            PlanAuthoring.say("  Promise \(items.count) noted (\(kind.rawValue) '\(id)').\n")
        }
    }

    private func askKind() throws(Ended) -> ItemKind {
        while true {
            let a = try answer("Is it something you will do, or something you will not do? [do/don't]").lowercased()
            if ["do", "d", "will", "will do"].contains(a) { return .commitment }
            if ["don't", "dont", "not", "will not", "won't", "wont", "n", "no"].contains(a) { return .boundary }
            PlanAuthoring.say("  Please answer 'do' or 'don't'.\n")
        }
    }

    /// A friendly time, shown back with its next check-ins and confirmed.
    private func askTime() throws(Ended) -> FriendlyTime {
        while true {
            let when = try answer("When should trustd ask about it? (e.g. weekdays at 7pm, every Sunday 18:00, daily 21:30)")
            do {
                let t = try FriendlyTime.parse(when)
                PlanAuthoring.say(FriendlyTimeText.preview(t, zone: zone, now: now))
                let ok = try answer("  Right? [Y/n]").lowercased()
                if ok.isEmpty || ok.hasPrefix("y") { return t }
            } catch let error as FriendlyTimeError {
                PlanAuthoring.say("  \(error)\n")
            } catch {
                throw Ended()
            }
        }
    }

    /// Nil for every time, else "N/week" (a bare number means per week).
    private func askTarget() throws(Ended) -> String? {
        while true {
            let a = try answer("How often must you keep it? Enter for every time, or a number per week such as 3/week")
            if a.isEmpty || a.lowercased() == "every time" { return nil }
            let t = a.hasSuffix("/week") || a.hasSuffix("/month") ? a : a + "/week"
            let parts = t.split(separator: "/")
            if parts.count == 2, let count = Int(parts[0]), count >= 1, count <= (parts[1] == "week" ? 7 : 31) { return t }
            PlanAuthoring.say("  Please answer with a number per week such as 3/week, or press Enter.\n")
        }
    }
}
