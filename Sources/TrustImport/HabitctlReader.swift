// habitctl (github.com/blinry/habitctl, src/main.rs): a folder (~/.habitctl) with
//   habits: `<every_days> <name>` per line (0 = tracking only), `#` comment lines;
//   log:    `YYYY-MM-DD<TAB>habit<TAB>y|n|s` per line, blank lines between days.
import Foundation
import TrustCore

public enum HabitctlReader {
    /// `~/.habitctl`, where habitctl keeps its files.
    public static func defaultDirectory(environment: [String: String]) -> String {
        (environment["HOME"] ?? NSHomeDirectory()) + "/.habitctl"
    }

    public static func read(directory: String) throws(ImportError) -> ImportedHistory {
        let habitsPath = directory + "/habits"
        let logPath = directory + "/log"
        let habitsData = try SourceFile.read(habitsPath)
        let logData = try SourceFile.read(logPath)
        var habits: [ImportedHabit] = []
        var index: [String: Int] = [:]
        for (number, raw) in SourceFile.lines(try SourceFile.text(habitsData, path: habitsPath)) {
            guard let first = raw.first, first != "#" else { continue }
            let line = raw.trimmingCharacters(in: .whitespaces)
            let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, let every = Int(parts[0]), every >= 0, !parts[1].isEmpty else {
                throw ImportError(
                    file: habitsPath, line: number, "expected '<every N days> <name>' (e.g. '1 Meditated'), found '\(raw)'")
            }
            let name = String(parts[1])
            index[name] = habits.count
            habits.append(
                ImportedHabit(
                    name: name, frequency: every == 0 ? HabitFrequency(times: 0, days: 1) : HabitFrequency(times: 1, days: every)))
        }
        for (number, line) in SourceFile.lines(try SourceFile.text(logData, path: logPath)) where !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == 3 else {
                throw ImportError(
                    file: logPath, line: number, "expected 'YYYY-MM-DD<TAB>habit<TAB>y|n|s' (three fields separated by tabs)")
            }
            guard fields[0].count == 10, let day = DayKey(fields[0]) else {
                throw ImportError(file: logPath, line: number, "'\(fields[0])' is not a date (YYYY-MM-DD)")
            }
            guard let h = index[String(fields[1])] else {
                throw ImportError(
                    file: logPath, line: number,
                    "the habit '\(fields[1])' is not in the habits file; add it there (habitctl edith) and import again")
            }
            let mark: ImportedMark
            switch fields[2] {
            case "y": mark = .yes
            case "n": mark = .no
            case "s": mark = .skip
            default: throw ImportError(file: logPath, line: number, "'\(fields[2])' is not a result; expected y, n or s")
            }
            habits[h].days.append(ImportedDay(day: day, mark: mark, location: "\(logPath):\(number)"))
        }
        return ImportedHistory(
            source: .habitctl, path: directory, sha256: FileHash.sha256([habitsData, logData]), habits: habits)
    }
}
