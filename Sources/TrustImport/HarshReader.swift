// harsh (github.com/wakatara/harsh, internal/storage): a folder with
//   habits: `! Heading` lines, `# comments`, `Name: frequency[: YYYY-MM-DD end date]` where the
//           frequency is `N` (every N days; 0 = tracking only), `Nw` (weeks) or `T/I` (T times in
//           I days, each part `N` or `Nw`);
//   log:    `YYYY-MM-DD : Habit : y|n|s[ : comment[ : amount]]`, `#` comment lines.
// harsh itself skips lines it cannot read with a warning; an import stops at them instead, naming
// the line, so that no day is silently lost.
import Foundation
import TrustCore

public enum HarshReader {
    /// `$HARSHPATH`, else `~/.config/harsh` (harsh's FindConfigFiles).
    public static func defaultDirectory(environment: [String: String]) -> String {
        if let p = environment["HARSHPATH"], !p.isEmpty { return p }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.config/harsh"
    }

    public static func read(directory: String) throws(ImportError) -> ImportedHistory {
        let habitsPath = directory + "/habits"
        let logPath = directory + "/log"
        let habitsData = try SourceFile.read(habitsPath)
        let logData = try SourceFile.read(logPath)
        var habits = try parseHabits(try SourceFile.text(habitsData, path: habitsPath), file: habitsPath)
        try parseLog(try SourceFile.text(logData, path: logPath), file: logPath, into: &habits)
        return ImportedHistory(
            source: .harsh, path: directory, sha256: FileHash.sha256([habitsData, logData]), habits: habits)
    }

    static func parseHabits(_ text: String, file: String) throws(ImportError) -> [ImportedHabit] {
        var heading: String?
        var habits: [ImportedHabit] = []
        for (number, line) in SourceFile.lines(text) where !line.isEmpty {
            if line.hasPrefix("!") {
                guard let r = line.range(of: "! ") else {
                    throw ImportError(file: file, line: number, "a heading is written '! Heading'")
                }
                heading = String(line[r.upperBound...])
                continue
            }
            if line.hasPrefix("#") { continue }
            let parts = line.components(separatedBy: ": ")
            guard parts.count >= 2 else {
                throw ImportError(file: file, line: number, "expected 'Habit name: frequency' (e.g. 'Gym: 3/7'), found '\(line)'")
            }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            let frequencyText = parts[1].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { throw ImportError(file: file, line: number, "the habit has no name") }
            let frequency = try parseFrequency(frequencyText, file: file, line: number)
            if parts.count >= 3 {
                let end = parts[2].trimmingCharacters(in: .whitespaces)
                if !end.isEmpty && DayKey(end) == nil {
                    throw ImportError(file: file, line: number, "'\(end)' is not an end date (YYYY-MM-DD)")
                }
            }
            habits.append(ImportedHabit(name: name, frequency: frequency, heading: heading))
        }
        return habits
    }

    /// harsh's ParseHabitFrequency.
    static func parseFrequency(_ text: String, file: String, line: Int) throws(ImportError) -> HabitFrequency {
        func days(_ s: String) -> Int? {
            let t = s.trimmingCharacters(in: .whitespaces)
            if t.hasSuffix("w"), let n = Int(t.dropLast()), n >= 0 { return n * 7 }
            if let n = Int(t), n >= 0 { return n }
            return nil
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let expected = "expected a frequency such as 1, 7, 1w, 3/7 or 0"
        guard parts.count <= 2, let first = days(parts[0]) else {
            throw ImportError(file: file, line: line, "'\(text)' is not a frequency; \(expected)")
        }
        if parts.count == 1 {
            return first == 0 ? HabitFrequency(times: 0, days: 1) : HabitFrequency(times: 1, days: first)
        }
        guard let interval = days(parts[1]), interval > 0 else {
            throw ImportError(file: file, line: line, "'\(text)': the number after '/' must be a whole number above 0; \(expected)")
        }
        guard first <= interval else {
            throw ImportError(file: file, line: line, "'\(text)': the target is greater than the interval")
        }
        return HabitFrequency(times: first, days: interval)
    }

    static func parseLog(_ text: String, file: String, into habits: inout [ImportedHabit]) throws(ImportError) {
        var index: [String: Int] = [:]
        for (i, h) in habits.enumerated() { index[h.name] = i }
        for (number, line) in SourceFile.lines(text) where !line.isEmpty && !line.hasPrefix("#") {
            let fields = line.components(separatedBy: " : ")
            guard fields.count >= 3 else {
                throw ImportError(
                    file: file, line: number, "expected 'YYYY-MM-DD : Habit : y|n|s[ : comment[ : amount]]', found '\(line)'")
            }
            guard fields.count <= 5 else {
                throw ImportError(
                    file: file, line: number,
                    "has \(fields.count) fields separated by ' : '; expected at most 5 (date, habit, y|n|s, comment, amount) — a comment cannot contain ' : '")
            }
            guard fields[0].count == 10, let day = DayKey(fields[0]) else {
                throw ImportError(file: file, line: number, "'\(fields[0])' is not a date (YYYY-MM-DD)")
            }
            let name = fields[1]
            guard let h = index[name] ?? index[name.trimmingCharacters(in: .whitespaces)] else {
                throw ImportError(
                    file: file, line: number,
                    "the habit '\(name)' is not in the habits file; add it there (or correct the name) and import again")
            }
            let mark: ImportedMark
            switch fields[2].trimmingCharacters(in: .whitespaces) {
            case "y": mark = .yes
            case "n": mark = .no
            case "s": mark = .skip
            case let other: throw ImportError(file: file, line: number, "'\(other)' is not a result; expected y, n or s")
            }
            let comment = fields.count >= 4 ? fields[3] : nil
            var amount: Double?
            if fields.count == 5 {
                let a = fields[4].trimmingCharacters(in: .whitespaces)
                if !a.isEmpty {
                    guard let v = Double(a), v.isFinite else {
                        throw ImportError(file: file, line: number, "'\(a)' is not an amount (a number such as 3 or 1.5)")
                    }
                    amount = v
                }
            }
            habits[h].days.append(ImportedDay(day: day, mark: mark, note: comment, amount: amount, location: "\(file):\(number)"))
        }
    }
}
