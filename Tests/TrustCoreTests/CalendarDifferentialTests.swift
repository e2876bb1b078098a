// Differential test against the oracle, systemd-analyze (systemd 252): seeded, generated
// expressions (and mangled ones) × zones × base times around DST changes, leap days and year
// ends. Both must accept and reject the same expressions, print the same normalized form, and
// list the same elapses to the second.
import Foundation
import Testing
import TrustTestSupport
import TrustCore

/// Random calendar expressions, mostly valid, some not.
struct ExpressionGenerator {
    var rng: SplitMix64

    private mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    private mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &rng) }
    private mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...(xs.count - 1))] }

    private mutating func number(_ v: Int, width: Int) -> String {
        let s = String(v)
        return chance(0.7) && s.count < width ? String(repeating: "0", count: width - s.count) + s : s
    }

    /// A chain for a field whose values run over `range`; `slack` widens it to produce invalid ones.
    private mutating func chain(_ range: ClosedRange<Int>, width: Int, star: Double = 0.35) -> String {
        if chance(star) { return "*" }
        let n = chance(0.7) ? 1 : int(2...3)
        var parts: [String] = []
        let lo = range.lowerBound
        let hi = range.upperBound + (chance(0.03) ? 2 : 0)
        for _ in 0..<n {
            let a = int(lo...hi)
            switch int(0...9) {
            case 0...4:
                parts.append(number(a, width: width))
            case 5, 6:
                let b = int(a...min(hi, a + int(0...12)))
                parts.append("\(number(a, width: width))..\(number(b, width: width))")
            case 7, 8:
                parts.append("\(number(a, width: width))/\(int(1...max(1, (hi - lo) / 2)))")
            default:
                let b = int(a...hi)
                parts.append("\(number(a, width: width))..\(number(b, width: width))/\(int(1...4))")
            }
        }
        return parts.joined(separator: ",")
    }

    private mutating func seconds() -> String {
        switch int(0...9) {
        case 0...2: return "*"
        case 3...5: return number(int(0...59), width: 2)
        case 6: return "\(number(int(0...59), width: 2)).\(pick(["5", "25", "125", "000001", "9999995"]))"
        case 7: return "\(number(int(0...10), width: 2))/\(pick(["15", "0.5", "2.5", "20", "7"]))"
        case 8: return "\(number(int(0...30), width: 2))..\(number(int(30...59), width: 2))"
        default: return chain(0...59, width: 2)
        }
    }

    private mutating func weekdays() -> String {
        let short = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let long = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
        func name(_ i: Int, _ g: inout ExpressionGenerator) -> String {
            var s = g.chance(0.2) ? long[i] : short[i]
            if g.chance(0.15) { s = s.lowercased() }
            if g.chance(0.05) { s = s.uppercased() }
            return s
        }
        var parts: [String] = []
        for _ in 0..<(chance(0.6) ? 1 : int(2...3)) {
            let a = int(0...6)
            if chance(0.4) {
                let b = chance(0.9) ? int(a...6) : int(0...6)
                parts.append(name(a, &self) + (chance(0.8) ? ".." : "-") + name(b, &self))
            } else {
                parts.append(name(a, &self))
            }
        }
        return parts.joined(separator: ",") + (chance(0.05) ? "," : "")
    }

    mutating func expression() -> String {
        if chance(0.06) {
            let s = pick([
                "minutely", "hourly", "daily", "weekly", "monthly", "yearly", "annually", "quarterly",
                "semiannually", "semi-annually", "biannually", "bi-annually", "anually",
            ])
            return chance(0.2) ? s.uppercased() : s
        }
        if chance(0.02) { return "@\(int(0...7_258_118_399))" }
        var parts: [String] = []
        if chance(0.35) { parts.append(weekdays()) }
        if chance(0.6) {
            let eom = chance(0.15)
            let month = chain(1...12, width: 2)
            let day = eom ? chain(1...28, width: 2, star: 0.1) : chain(1...31, width: 2)
            if chance(0.5) {
                let year: String
                if chance(0.2) {
                    year = chain(0...99, width: 2, star: 0)
                } else if chance(0.5) {
                    year = "*"
                } else {
                    year = chain(2024...2032, width: 4, star: 0)
                }
                parts.append("\(year)-\(month)\(eom ? "~" : "-")\(day)")
            } else {
                parts.append("\(month)\(eom ? "~" : "-")\(day)")
            }
        }
        if parts.isEmpty || chance(0.8) {
            // Hours 0…3 often: that is where DST changes happen.
            let h = chance(0.4) ? chain(0...3, width: 2, star: 0.1) : chain(0...23, width: 2)
            let m = chance(0.3) ? pick(["00", "15", "30", "45", "59", "*", "0/30", "*"]) : chain(0...59, width: 2)
            parts.append(chance(0.5) ? "\(h):\(m)" : "\(h):\(m):\(seconds())")
        }
        if chance(0.08) {
            parts.append(pick(["UTC", "utc", "Europe/Berlin", "Asia/Tokyo", "America/New_York", "Australia/Lord_Howe"]))
        }
        return parts.joined(separator: chance(0.05) ? "  " : " ")
    }

    /// An expression with one random edit: mostly invalid, sometimes still valid.
    mutating func mangled() -> String {
        var chars = Array(expression())
        let alphabet = Array(" -:.,~/*@0123456789MonFriUTCx")
        switch int(0...2) {
        case 0 where !chars.isEmpty:
            chars.remove(at: int(0...(chars.count - 1)))
        case 1:
            chars.insert(pick(alphabet), at: int(0...chars.count))
        default:
            if !chars.isEmpty { chars[int(0...(chars.count - 1))] = pick(alphabet) }
        }
        return String(chars)
    }
}

/// What systemd-analyze said about one expression.
struct OracleAnswer: Equatable {
    var valid: Bool
    var normalized: String?
    /// Elapses in seconds since the epoch (systemd prints whole seconds).
    var elapses: [Int]
    /// "Failed to determine next elapse" (EDEADLK after 1000 rounds).
    var gaveUp: Bool
}

enum Oracle {
    static let path = "/usr/bin/systemd-analyze"

    /// Runs one systemd-analyze process for all expressions (none may contain a quote).
    static func ask(_ expressions: [String], zone: String, base: Int, iterations: Int) throws -> [OracleAnswer] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["calendar", "--base-time=@\(base)", "--iterations=\(iterations)", "--"] + expressions
        process.environment = ["TZ": ":" + zone, "SYSTEMD_COLORS": "0", "LC_ALL": "C", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("oracle-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errURL) }
        let errHandle = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = errHandle
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errHandle.close()
        let stdout = String(decoding: outData, as: UTF8.self)
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""

        var text = stdout
        if text.hasSuffix("\n") { text.removeLast() }
        var blocks: [[Substring]] = [[]]
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { blocks.append([]) } else { blocks[blocks.count - 1].append(line) }
        }
        guard blocks.count == expressions.count else {
            throw OracleError(message: "expected \(expressions.count) blocks, got \(blocks.count):\n\(stdout)\n\(stderr)")
        }
        return expressions.enumerated().map { i, expr in
            let block = blocks[i]
            if block.isEmpty {
                let gaveUp = stderr.contains("Failed to determine next elapse for '\(expr)'")
                return OracleAnswer(valid: gaveUp, normalized: nil, elapses: [], gaveUp: gaveUp)
            }
            var normalized: String?
            var elapses: [Int] = []
            let utcLines = block.contains { $0.contains("(in UTC): ") }
            for line in block {
                guard let colon = line.range(of: ": ") else { continue }
                let field = line[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)
                let value = String(line[colon.upperBound...])
                if field == "Normalized form" { normalized = value }
                let isTime = utcLines ? field == "(in UTC)" : (field == "Next elapse" || field.hasPrefix("Iter. #"))
                if isTime, value != "never", let t = parseUTC(value) { elapses.append(t) }
            }
            return OracleAnswer(valid: true, normalized: normalized, elapses: elapses, gaveUp: false)
        }
    }

    /// "Sun 2026-10-25 00:30:00 UTC" → seconds since the epoch.
    static func parseUTC(_ s: String) -> Int? {
        let parts = s.split(separator: " ")
        guard parts.count == 4, parts[3] == "UTC", let day = DayKey(parts[1]) else { return nil }
        let hms = parts[2].split(separator: ":").compactMap { Int($0) }
        guard hms.count == 3 else { return nil }
        return day.daysSinceEpoch * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2]
    }

    struct OracleError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// Ours, in the same shape as the oracle's answer.
func ourAnswer(_ expression: String, zone: TimeZone, base: Int, iterations: Int) -> OracleAnswer {
    guard let spec = try? CalendarSpec.parse(expression) else {
        return OracleAnswer(valid: false, normalized: nil, elapses: [], gaveUp: false)
    }
    let list = spec.elapsesInMicroseconds(after: Int64(base) * 1_000_000, in: zone, count: iterations)
    if list.stoppedBy == .tooManyIterations {
        // systemd-analyze prints nothing for the expression then, not even earlier elapses.
        return OracleAnswer(valid: true, normalized: nil, elapses: [], gaveUp: true)
    }
    let seconds = list.microseconds.map { Int($0 / 1_000_000) }
    return OracleAnswer(valid: true, normalized: spec.normalized, elapses: seconds, gaveUp: false)
}

@Suite struct CalendarDifferentialTests {
    /// TRUST_CALENDAR_DIFF_ZONES (space-separated) replaces these.
    static let zones =
        ProcessInfo.processInfo.environment["TRUST_CALENDAR_DIFF_ZONES"].map { $0.split(separator: " ").map(String.init) }
        // Dublin: negative DST (winter is "daylight saving time" to the C library).
        ?? ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC", "Europe/Dublin"]

    /// Hand-picked expressions around the tricky parts, then generated ones.
    static let expressions: [String] = {
        var fixed = [
            "hourly", "*:00,30", "*:*:0/0.5", "*-*-* 02:30", "*-*-* 02:00..03:00", "*:15/20", "minutely",
            "Mon..Fri 19:00", "Sun 18:00", "daily", "*-*-* 07:30", "weekly", "monthly", "*-02-29", "*-02~01",
            "*-*~01", "Mon *-05~07/1", "*-02-30", "*-02,04,06,09,11-31", "Mon *-02-30", "2199-12-31 23:59:59",
            "*-12-31 23:59:59", "*-01-01 00:00:00", "Sun *-*-* 01:00:00", "*-*-* 01:30", "*-*-* 01:45:00",
            "*-*-* 02:15", "Sat,Sun 02:00..04:00/1:30", "*-*-* *:30:00", "*-*~3..1", "*-*~1..3/2", "@1795633200",
            "2026-10-25 02:30 Europe/Berlin", "2026-03-29 02:30 Europe/Berlin", "*-*-* 02:30 Australia/Lord_Howe",
            "*-*-* 01:59:59.5", "*-*-* 00:00:01.125..02.125", "*-02-28..29 12:00", "Fri *-*-13",
            "*-*-* 23:59:59 UTC", "quarterly", "semiannually", "yearly",
        ]
        // TRUST_CALENDAR_DIFF_SEED / TRUST_CALENDAR_DIFF_COUNT explore further than CI does.
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["TRUST_CALENDAR_DIFF_SEED"].flatMap { UInt64($0) } ?? 0x7275_7374_6421
        let count = environment["TRUST_CALENDAR_DIFF_COUNT"].flatMap { Int($0) } ?? 700
        var g = ExpressionGenerator(rng: SplitMix64(seed: seed))
        for _ in 0..<count { fixed.append(g.expression()) }
        for _ in 0..<(count * 5 / 14) { fixed.append(g.mangled()) }
        return fixed.filter { !$0.contains("'") && !$0.hasPrefix("-") }
    }()

    /// Base times (seconds): before DST changes in 2026 (from the zone's own transitions), a leap
    /// day, a year end, and near the 2199 cap.
    static func bases(for zoneID: String) -> [Int] {
        let zone = TimeZone(identifier: zoneID)!
        var result: [Int] = []
        var t = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
        for _ in 0..<2 {
            guard let tr = zone.nextDaylightSavingTimeTransition(after: t) else { break }
            let s = Int(tr.timeIntervalSince1970)
            result += [s - 3 * 3600 - 17, s - 26 * 3600, s - 1800 + 7, s + 600]
            t = tr
        }
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: 1_830_000_000))
        result.append(1_835_352_000 - offset)  // 2028-02-28 12:00 local
        result.append(1_798_754_400 - offset + 1)  // 2026-12-31 22:00:01 local
        result.append(7_258_032_000 - offset)  // 2199-12-31 00:00 local
        return result
    }

    @Test(arguments: zones)
    func agreesWithSystemdAnalyze(zoneID: String) async throws {
        guard FileManager.default.isExecutableFile(atPath: Oracle.path) else {
            Issue.record("systemd-analyze (the oracle) is not installed: run Scripts/setup")
            return
        }
        let zone = try #require(TimeZone(identifier: zoneID))
        let exprs = Self.expressions
        // Seconds of waiting for systemd-analyze and of computing: off the cooperative pool.
        let (compared, mismatches) = try await onOwnThread { () throws -> (Int, [String]) in
            var compared = 0
            var mismatches: [String] = []
            for base in Self.bases(for: zoneID) {
                let iterations = 8
                let oracle = try Oracle.ask(exprs, zone: zoneID, base: base, iterations: iterations)
                for (expr, theirs) in zip(exprs, oracle) {
                    let ours = ourAnswer(expr, zone: zone, base: base, iterations: iterations)
                    if ours != theirs {
                        mismatches.append("'\(expr)' TZ=\(zoneID) base=@\(base)\n  systemd: \(theirs)\n  trustd:  \(ours)")
                    }
                    compared += 1
                }
            }
            return (compared, mismatches)
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(compared) differ:\n\(mismatches.prefix(20).joined(separator: "\n"))")
        // The generator must keep producing both kinds, or this test loses its point.
        let valid = exprs.filter { (try? CalendarSpec.parse($0)) != nil }.count
        #expect(valid > exprs.count / 2 && valid < exprs.count - 40, "valid: \(valid) of \(exprs.count)")
    }
}
