import ArgumentParser
import Foundation
import TrustCore
import TrustStore
import TrustTestSupport

/// One generated plan item and how reliably its (fictional) person keeps it.
struct GeneratedItem {
    var id: ItemID
    var kind: ItemKind
    var title: String
    var time: TimeOfDay
    var target: PerPeriod?
    var starts: DayKey?
    /// Probability of `kept`.
    var reliability: Double
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write DIR/ledger.sqlite and DIR/plan.yaml: N years of M items asked daily, answered realistically.",
        discussion: """
            About 70% commitments (every fifth a frequency target asked daily), 30% boundaries; a few \
            items start later. Outcomes: mostly kept, with missed, skipped (excused), unanswered \
            (deadline passed), late answers, snoozes, notes and corrections. Everything goes through \
            TrustStore's write path in bulk transactions, so the hash chain verifies. Deterministic for \
            a given --seed and --end.
            """)

    @Option(help: "Directory to write ledger.sqlite and plan.yaml into (created; an existing ledger is refused).")
    var out: String

    @Option(help: "Years of history.")
    var years: Int = 10

    @Option(help: "Number of plan items, each asked daily.")
    var items: Int = 50

    @Option(help: "Last day of history, YYYY-MM-DD (default: yesterday in --zone).")
    var end: String?

    @Option(help: "The plan's time zone.")
    var zone: String = "Europe/Berlin"

    @Option(help: "Random seed.")
    var seed: UInt64 = 42

    func run() throws {
        guard let tz = TimeZone(identifier: zone) else { fail("unknown time zone \(zone)") }
        guard years > 0, items > 0 else { fail("--years and --items must be positive") }
        let endDay: DayKey
        if let end {
            guard let d = DayKey(end) else { fail("--end \(end): expected YYYY-MM-DD") }
            endDay = d
        } else {
            endDay = DayKey.of(Date(), in: tz).adding(days: -1)
        }
        let startDay = DayKey(year: endDay.year - years, month: endDay.month, day: min(endDay.day, 28)).adding(days: 1)
        let ledgerPath = out + "/ledger.sqlite"
        let planPath = out + "/plan.yaml"
        if FileManager.default.fileExists(atPath: ledgerPath) { fail("\(ledgerPath) exists; refusing to add to it") }

        var rng = SplitMix64(seed: seed)
        let plan = makeItems(count: items, startDay: startDay, endDay: endDay, rng: &rng)
        // The store creates DIR (and missing parents) 0700 and the ledger 0600; the plan is as private.
        let t0 = monotonicSeconds()
        let store = try TrustStore(path: ledgerPath, mode: .create)
        try PrivateFile.write(Data(planYAML(plan, zone: zone).utf8), to: planPath)
        var notification: UInt32 = 1
        var totals = [String: Int]()
        var day = startDay
        while day <= endDay {
            // One transaction per ~quarter: bulk speed, bounded write-ahead log.
            let chunkEnd = min(endDay, day.adding(days: 91))
            try store.transaction { tx in
                var d = day
                while d <= chunkEnd {
                    try generateDay(d, plan: plan, zone: tz, tx: &tx, rng: &rng, notification: &notification, totals: &totals)
                    d = d.adding(days: 1)
                }
            }
            day = chunkEnd.adding(days: 1)
        }
        try store.checkpoint()
        let seconds = monotonicSeconds() - t0
        let counts = try store.counts()
        let summary = totals.keys.sorted().map { "\($0) \(totals[$0]!)" }.joined(separator: ", ")
        print("\(ledgerPath): \(counts.occurrences) occurrences (\(summary)), \(counts.events) events, \(startDay)…\(endDay)")
        print("\(planPath): \(plan.count) items, zone \(zone)")
        print(String(format: "generated in %.2f s", seconds))
    }

    private func makeItems(count: Int, startDay: DayKey, endDay: DayKey, rng: inout SplitMix64) -> [GeneratedItem] {
        // (id stem, title, hour, minute): when a person would be asked.
        let commitments = [
            ("evening-call", "Call Sam in the evening", 20, 0), ("morning-text", "Good-morning message", 8, 0),
            ("honest-checkin", "Honest check-in", 21, 0), ("exercise", "Exercise", 19, 0),
            ("walk-together", "Walk together", 18, 30), ("cook-dinner", "Cook dinner", 19, 30),
            ("read-together", "Read together", 22, 0), ("gratitude-note", "Write a gratitude note", 21, 30),
            ("therapy-homework", "Therapy homework", 17, 0), ("budget-review", "Review the budget together", 20, 30),
            ("ask-about-day", "Ask about their day", 18, 0), ("home-on-time", "Be home when I said", 19, 0),
        ]
        let boundaries = [
            ("no-phone-dinner", "No phone at dinner", 21, 0), ("no-late-drinks", "No drinks after 22:00", 22, 30),
            ("no-secret-spending", "No spending I don't mention", 21, 45), ("no-raised-voice", "No raised voice", 21, 15),
            ("no-gaming-night", "No gaming after midnight", 22, 45),
        ]
        var result: [GeneratedItem] = []
        for i in 0..<count {
            let isBoundary = i % 10 >= 7
            let names = isBoundary ? boundaries : commitments
            let slot = isBoundary ? i / 10 * 3 + (i % 10 - 7) : i / 10 * 7 + i % 10
            let (base, title, hour, baseMinute) = names[slot % names.count]
            let number = String(format: "%02d", i + 1)
            let minute = (baseMinute + 5 * (slot / names.count)) % 60  // repeated stems a little later
            var starts: DayKey?
            if i % 7 == 6 {
                let years = i % 3 + 1
                let candidate = startDay.adding(days: years * 365 + i)
                if candidate < endDay { starts = candidate }
            }
            result.append(
                GeneratedItem(
                    id: ItemID("\(base)-\(number)"), kind: isBoundary ? .boundary : .commitment,
                    title: "\(title) (\(number))", time: TimeOfDay(hour: hour, minute: minute),
                    target: !isBoundary && i % 5 == 3 ? PerPeriod(count: 3 + i % 2, period: .week) : nil,
                    starts: starts, reliability: Double.random(in: 0.55...0.95, using: &rng)))
        }
        return result
    }

    private func planYAML(_ items: [GeneratedItem], zone: String) -> String {
        var y = """
            # Generated by trust-gen-ledger (benchmark data, not a real plan): \(items.count) items, asked daily.
            version: 1
            timezone: \(zone)
            day-starts: "04:00"
            defaults:
              deadline: 3h
              skips: 2/month

            """
        for kind in [ItemKind.commitment, .boundary] {
            let list = items.filter { $0.kind == kind }
            guard !list.isEmpty else { continue }
            y += kind == .commitment ? "commitments:\n" : "boundaries:\n"
            for item in list {
                y += "  - id: \(item.id)\n"
                y += "    title: \"\(item.title)\"\n"
                if let target = item.target { y += "    target: \(target)\n" }
                y += "    at: \"\(item.time)\"\n"
                if let starts = item.starts { y += "    starts: \(starts)\n" }
            }
        }
        return y
    }

    private func generateDay(
        _ day: DayKey, plan: [GeneratedItem], zone: TimeZone, tx: inout LedgerTransaction, rng: inout SplitMix64,
        notification: inout UInt32, totals: inout [String: Int]
    ) throws {
        // The zone's offset at local noon holds for 08:00–23:00 (DST switches happen at night).
        let noonUTC = Date(timeIntervalSince1970: Double(day.daysSinceEpoch * 86400 + 12 * 3600))
        let offset = zone.secondsFromGMT(for: noonUTC)
        let notes = [
            "called from the airport", "short but honest", "forgot, told them the next morning", "was ill",
            "we talked for an hour", "late meeting", "felt hard, did it anyway", "they were away",
        ]
        for item in plan {
            if let starts = item.starts, day < starts { continue }
            let local = day.daysSinceEpoch * 86400 + item.time.secondsSinceMidnight
            let scheduled = Date(timeIntervalSince1970: Double(local - offset))
            let deadline = scheduled.addingTimeInterval(3 * 3600)
            let o = try tx.schedule(
                item: item.id, kind: item.kind, scheduled: scheduled, zone: zone.identifier, day: day, deadline: deadline,
                at: scheduled)
            notification &+= 1
            _ = try tx.recordPrompted(occurrence: o.id, notificationID: NotificationID(notification), channel: .notification, at: scheduled)
            if Double.random(in: 0..<1, using: &rng) < 0.05 {
                let snoozeAt = scheduled.addingTimeInterval(Double.random(in: 30...300, using: &rng))
                _ = try tx.recordSnoozed(
                    occurrence: o.id, until: snoozeAt.addingTimeInterval(900), channel: .notification, at: snoozeAt)
                _ = try tx.recordPrompted(
                    occurrence: o.id, notificationID: NotificationID(notification), channel: .notification, at: snoozeAt.addingTimeInterval(900))
            }

            let r = Double.random(in: 0..<1, using: &rng)
            let answer: Answer?
            if r < item.reliability {
                answer = .kept
            } else {
                let s = Double.random(in: 0..<1, using: &rng)
                answer = s < 0.45 ? .missed : s < 0.65 ? .skipped : nil
            }
            guard let answer else {
                _ = try tx.markUnanswered(occurrence: o.id, channel: .daemon, at: deadline)
                totals["unanswered", default: 0] += 1
                continue
            }
            let lateness = Double.random(in: 0..<1, using: &rng)
            let delay =
                lateness < 0.7
                ? Double.random(in: 20...1800, using: &rng)
                : lateness < 0.95 ? Double.random(in: 1800...10000, using: &rng) : Double.random(in: 11000...43000, using: &rng)
            let answeredAt = scheduled.addingTimeInterval(delay)
            if answeredAt > deadline {
                _ = try tx.markUnanswered(occurrence: o.id, channel: .daemon, at: deadline)
            }
            let channel: Channel = Double.random(in: 0..<1, using: &rng) < 0.85 ? .notification : .terminal
            let note = Double.random(in: 0..<1, using: &rng) < 0.08 ? notes.randomElement(using: &rng) : nil
            _ = try tx.answer(occurrence: o.id, answer: answer, note: note, channel: channel, at: answeredAt)
            var final = answer
            if Double.random(in: 0..<1, using: &rng) < 0.005 {
                final = answer == .kept ? .skipped : .kept
                _ = try tx.answer(
                    occurrence: o.id, answer: final, note: "corrected the next day", channel: .terminal,
                    at: answeredAt.addingTimeInterval(20 * 3600))
                totals["corrected", default: 0] += 1
            }
            totals[final.rawValue, default: 0] += 1
        }
    }
}
