import Foundation
import TrustCore
import TrustReport
import TrustTestSupport

/// A realistic, deterministic ledger: half a year of four promises (pseudo-random but seeded), one item
/// removed from the plan, one planned item without check-ins yet.
enum Sample {
    static let today = DayKey.d("2026-11-25")
    static let zone = TimeZone(identifier: "Europe/Berlin")!

    static let plan = Plan(
        timeZone: zone,
        items: [
            Item(
                id: "call-evening", kind: .commitment, title: "Call every evening when I'm away", to: "Sam",
                schedule: [], celebrate: [7, 30, 100, 365]),
            Item(id: "sunday-talk", kind: .commitment, title: "Weekly honest check-in", schedule: [], celebrate: [4, 12, 26]),
            Item(
                id: "walk", kind: .commitment, title: "Walk together", schedule: [],
                target: PerPeriod(count: 3, period: .week), celebrate: [4, 12, 26]),
            Item(id: "no-phone-dinner", kind: .boundary, title: "No phone at dinner", schedule: []),
            Item(id: "journal", kind: .commitment, title: "Write in the shared journal", schedule: []),
        ])

    /// A linear congruential generator: the same ledger on every run.
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    static let ledger: LedgerBuilder = {
        var b = LedgerBuilder()
        var rng = LCG(state: 42)
        let start = today.adding(days: -200)
        let notes = ["Flight was delayed", "Fell asleep early", "Phone died", "Long day at work"]
        for i in 0...200 {
            let day = start.adding(days: i)
            let r = rng.next()
            // Calls: better over time.
            let pKeep = 0.75 + 0.22 * Double(i) / 200
            if day == today {
                b.add("call-evening", on: day, .pending, deadline: 30 * 86400)
            } else if r < pKeep {
                b.add("call-evening", on: day, .kept, note: rng.next() < 0.05 ? "Talked for an hour" : nil)
            } else if r < pKeep + 0.03 {
                b.add("call-evening", on: day, .skipped, note: "Sam was out")
            } else if r < pKeep + 0.05 {
                b.add("call-evening", on: day, .unanswered)
            } else {
                b.add("call-evening", on: day, .missed, note: notes[Int(rng.next() * 4)])
            }
            if day.isoWeekday == 7 && day < today {
                b.add(
                    "sunday-talk", on: day, at: TimeOfDay(hour: 19, minute: 0), rng.next() < 0.9 ? .kept : .missed)
            }
            if day < today {
                let walked = rng.next() < 0.5
                b.add("walk", on: day, at: TimeOfDay(hour: 20, minute: 0), walked ? .kept : .missed)
                let held = rng.next() < 0.92
                b.add(
                    "no-phone-dinner", kind: .boundary, on: day, at: TimeOfDay(hour: 20, minute: 30),
                    held ? .kept : .missed, note: held ? nil : "Work call")
            }
            if i < 60 {
                b.add("old-promise", on: day, at: TimeOfDay(hour: 8, minute: 0), rng.next() < 0.8 ? .kept : .missed)
            }
        }
        return b
    }()

    static var records: [CheckIn] { ledger.records }
    static let now = ledger.instant(today, TimeOfDay(hour: 12, minute: 0))
    static var report: Report { Report(plan: plan, records: records, today: today, now: now) }
    static var meta: ReportMeta { ReportMeta(generatedAt: now, timeZone: zone, planPath: "/home/me/.config/trust/plan.yaml") }

    /// Writes `text` to `$TRUST_REPORT_SAMPLES/name` when that variable is set (to look at a rendering by hand).
    static func keep(_ name: String, _ text: String) {
        guard let dir = ProcessInfo.processInfo.environment["TRUST_REPORT_SAMPLES"] else { return }
        try? text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }
}
