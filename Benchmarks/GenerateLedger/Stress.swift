import ArgumentParser
import Foundation
import TrustCore
import TrustStore

/// The crash test's child and the in-process answer benchmark: enters occurrences of one item
/// and answers each through `TrustStore.answer`, one durable transaction per step, printing
/// `ack ID ANSWER` (flushed) only after the answer's transaction has committed.
struct Stress: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Answer COUNT new occurrences one by one, printing each acknowledgment.",
        discussion: """
            Each occurrence is scheduled one hour after the item's last one in the ledger, so runs \
            that were killed can simply be started again. Answers cycle kept, missed, skipped; every \
            tenth has a note. With --open, occurrences are only scheduled (for `trustctl answer`).
            """)

    @Option(help: "The ledger (created when missing).")
    var store: String

    @Option(help: "How many occurrences.")
    var count: Int = 1000

    @Option(help: "The item to use.")
    var item: String = "stress"

    @Flag(help: "Only schedule, leave them pending.")
    var open = false

    @Flag(help: "Print nothing per step; report the rate on stderr.")
    var quiet = false

    func run() throws {
        let store = try TrustStore(path: store, mode: .create)
        let id = ItemID(item)
        let zone = TimeZone(identifier: "Europe/Berlin")!
        var next = (try store.lastScheduled(item: id))?.addingTimeInterval(3600)
            ?? Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC
        let answers: [Answer] = [.kept, .missed, .skipped]
        var answerSeconds = 0.0
        let t0 = monotonicSeconds()
        for i in 0..<count {
            let o = try store.schedule(
                item: id, kind: .commitment, scheduled: next, zone: zone.identifier, day: DayKey.of(next, in: zone),
                deadline: next.addingTimeInterval(3 * 3600), at: next)
            next.addTimeInterval(3600)
            if open {
                if !quiet { emit("scheduled \(o.id)") }
                continue
            }
            let answer = answers[i % 3]
            let a0 = monotonicSeconds()
            let result = try store.answer(
                occurrence: o.id, answer: answer, note: i % 10 == 0 ? "note \(i)" : nil, channel: .terminal,
                at: o.scheduled.addingTimeInterval(60))
            answerSeconds += monotonicSeconds() - a0
            if !quiet { emit("ack \(result.occurrence.id) \(answer.rawValue)") }
        }
        let total = monotonicSeconds() - t0
        if !open {
            FileHandle.standardError.write(
                Data(
                    String(
                        format: "stress: %d answers in %.3f s (%.0f answers/s; schedule+answer %.0f/s)\n", count,
                        answerSeconds, Double(count) / answerSeconds, Double(count) / total
                    ).utf8))
        }
    }
}

/// Times the ledger's read paths on a generated ledger, in process: the report's (`checkInsByItem`), the
/// export's (`records`), `pending` and `history`.
struct Query: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time opening the ledger read-only and reading it as report, export, pending and history do (median of --runs).")

    @Option(help: "The ledger.")
    var store: String

    @Option(help: "Runs per measurement.")
    var runs: Int = 7

    func run() throws {
        var openTimes: [Double] = []
        var ledgerTimes: [Double] = []
        var ledgerCPU: [Double] = []
        var recordTimes: [Double] = []
        var recordCPU: [Double] = []
        var rows = 0
        var pendingTimes: [Double] = []
        var historyTimes: [Double] = []
        /// Wall and CPU seconds of `body`.
        func time<T>(_ wall: inout [Double], _ cpu: inout [Double], _ body: () throws -> T) rethrows -> T {
            let (t0, c0) = (monotonicSeconds(), cpuSeconds())
            let result = try body()
            wall.append(monotonicSeconds() - t0)
            cpu.append(cpuSeconds() - c0)
            return result
        }
        var ignored: [Double] = []
        for _ in 0..<max(1, runs) {
            let s = try time(&openTimes, &ignored) { try TrustStore(path: store, mode: .readOnly) }
            _ = try time(&ledgerTimes, &ledgerCPU) { try s.checkInsByItem() }
            rows = try time(&recordTimes, &recordCPU) { try s.records().count }
            _ = try time(&pendingTimes, &ignored) { try s.pending(asOf: Date()) }
            _ = try time(&historyTimes, &ignored) { try s.history(limit: 50) }
        }
        print(String(format: "open read-only:       %7.2f ms", median(openTimes) * 1000))
        print(String(format: "checkInsByItem() (report): %7.2f ms (CPU %.2f ms)", median(ledgerTimes) * 1000, median(ledgerCPU) * 1000))
        print(String(format: "records() %7d rows: %7.2f ms (CPU %.2f ms)", rows, median(recordTimes) * 1000, median(recordCPU) * 1000))
        print(String(format: "pending(asOf:):       %7.2f ms", median(pendingTimes) * 1000))
        print(String(format: "history(limit: 50):   %7.2f ms", median(historyTimes) * 1000))
    }
}
