// trust-gen-ledger: benchmark and test data for the ledger, written through TrustStore's own
// write path (so the hash chain is valid and `trustctl verify` passes).
//
//   trust-gen-ledger generate --out DIR [--years 10] [--items 50]   a realistic ledger + its plan
//   trust-gen-ledger stress --store PATH [--count 1000]              answers one by one, printing each ack
//   trust-gen-ledger query --store PATH                              times the read paths (report, export, …)
//   trust-gen-ledger disk-floor --size N --output PATH               N bytes written as export --output writes
import ArgumentParser
import Foundation
import TrustCore
import TrustStore

@main
struct GenerateLedger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-gen-ledger",
        abstract: "Generate, stress and query trustd ledgers for benchmarks and crash tests.",
        subcommands: [Generate.self, Stress.self, Query.self, DiskFloor.self],
        defaultSubcommand: Generate.self)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("trust-gen-ledger: error: \(message)\n".utf8))
    exit(1)
}

/// Writes a line to stdout and flushes it at once (the crash test reads acks from a pipe).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// CPU time of this process (user + system), to see past a busy machine.
func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
