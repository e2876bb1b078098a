import ArgumentParser
import Foundation
import TrustCore
import TrustReport
import TrustStore

/// `trustctl share [write] [--week this|last|YYYY-MM-DD] [--with-notes] [--out FILE]`
public struct ShareWriteCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write one week's signed digest (the default of `trustctl share`).",
        discussion: """
            The page shows each promise's check-ins of the week (Monday to Sunday), late answers and \
            corrections, streaks and the forgiveness budget used, and changes to the plan. It carries \
            every ledger event of the week and the hash chain's head before and after it, so the \
            receiver can check that nothing was removed, rewritten or reordered, and that it continues \
            last week's digest. Notes are left out (only their salted hashes are in it) unless \
            --with-notes. Share a week once it is over: the current week's digest (--week this) ends \
            at the ledger's head now, so next week's digest does not continue from it.
            """)

    @Option(
        name: .long,
        help: ArgumentHelp("The week containing this day, or 'last' (default) or 'this'.", valueName: "YYYY-MM-DD|this|last"))
    public var week: String = "last"

    @Flag(name: .customLong("with-notes"), help: "Include the notes' text (else only their salted hashes).")
    public var withNotes = false

    @Option(name: .long, help: ArgumentHelp("Write the page to FILE (mode 0600).", valueName: "FILE"))
    public var out: String?

    @OptionGroup public var planOptions: PlanOptions
    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func run() throws {
        try execute(now: Date(), environment: ProcessInfo.processInfo.environment).write()
    }

    public func execute(now: Date, environment: [String: String], defaultTimeZone: TimeZone = .current) -> CommandOutput {
        var stderr = ""
        do {
            var day: DayKey?
            if week != "this" && week != "last" { day = try ReportInputs.day(week, option: "--week") }
            let storePath = storeOptions.storePath(environment: environment)
            let inputs = try ReportInputs.load(
                planPath: planOptions.planPath(environment: environment), storePath: storePath, now: now, items: nil,
                since: nil, read: .ledgers(notesFrom: { _ in nil }), defaultTimeZone: defaultTimeZone)
            if let warning = inputs.ledgerWarning { throw CommandFailure(message: warning) }
            if let warning = inputs.planWarning { stderr += "trustctl share: warning: \(warning)\n" }
            let target = day ?? (week == "last" ? inputs.today.adding(days: -7) : inputs.today)
            let review = WeekReview(plan: inputs.plan, ledgers: inputs.ledgers, week: target, today: inputs.today, now: now)
            if !review.isComplete {
                stderr +=
                    "trustctl share: warning: the week \(review.start) – \(review.end) is not over: this digest ends at the ledger's head now, so next week's digest will not continue from it; share it again after \(review.end)\n"
            }
            let figures = review.items.map { w in
                DigestItem(
                    item: w.stats.item.id.rawValue, kind: w.stats.item.kind.rawValue, title: w.stats.inPlan ? w.stats.item.title : nil,
                    checkIns: [], streak: w.stats.streak, bestStreak: w.stats.bestStreak, skipsUsed: w.stats.skipsUsed,
                    skipsLeft: w.stats.skipsLeft)
            }
            let store = try TrustStore(path: storePath, mode: .readOnly)
            // The plan versions adopted on the week's days, classified against the one before.
            let zone = inputs.meta.timeZone
            let revisions = PlanChangesText.inRange(
                try store.planRevisions(from: .distantPast, to: .distantFuture), from: review.start, to: review.end, zone: zone)
            let planChanges = PlanChangesText.digest(revisions, versions: try store.planVersions(), zone: zone)
            let digest = try store.digest(
                weekStart: review.start, weekEnd: review.end, zone: inputs.meta.timeZone,
                dayStart: inputs.plan?.dayStart ?? .midnight, createdAt: now, withNotes: withNotes, items: figures,
                planChanges: planChanges)
            let (key, created) = try ShareKey.load(at: ShareKey.path(nextTo: storePath), create: true)
            let signed = try key.sign(digest)
            let page = DigestHTML.render(
                digest, json: signed.json, signatureJSON: signed.signatureJSON, fingerprint: key.fingerprint)
            let path = out ?? "trust-digest-\(digest.weekStart).html"
            try PrivateFile.write(Data(page.utf8), to: path)
            stderr += ShareText.wrote(path: path, digest: digest, fingerprint: key.fingerprint, keyCreated: created ? key.path : nil)
            return CommandOutput(stdout: Data(), stderr: stderr, status: 0)
        } catch {
            return CommandOutput(stdout: Data(), stderr: stderr + "trustctl share: error: \(error)\n", status: 1)
        }
    }
}
