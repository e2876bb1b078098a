// Loop Habit Tracker's CSV export (HabitsCSVExporter.kt): a zip holding `Habits.csv` and, per
// habit, a folder `NNN Name/` (NNN = the habit's position, as in Habits.csv's Position column)
// with `Checkmarks.csv` (`Date,Value,Notes`; dates yyyy-MM-dd; values YES_MANUAL, YES_AUTO, NO,
// SKIP, UNKNOWN or, for numeric habits, the amount × 1000) and `Scores.csv`. Exports before
// Loop 2.3 (June 2025) have no header in Checkmarks.csv and numeric codes (2, 1, 0, 3, -1), and
// an older Habits.csv (`Position,Name,Question,Description,NumRepetitions,Interval,Color`).
import Foundation
import TrustCore
import ZIPFoundation

public enum LoopCSVReader {
    public static func read(path: String) throws(ImportError) -> ImportedHistory {
        let data = try SourceFile.read(path)
        guard data.starts(with: Data([0x50, 0x4b])) else {
            throw ImportError(file: path, "is not a zip file (Loop's CSV export is a .zip; a full backup is a .db)")
        }
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw ImportError(file: path, "is not a readable zip file (cut short or damaged?): \(error)")
        }
        var files: [String: Data] = [:]
        for entry in archive where entry.type == .file {
            var bytes = Data()
            do {
                _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) }
            } catch {
                throw ImportError(file: "\(path)/\(entry.path)", "cannot be extracted (the zip is cut short or damaged): \(error)")
            }
            files[entry.path] = bytes
        }
        guard let habitsData = files["Habits.csv"] else {
            throw ImportError(file: path, "has no Habits.csv: not a Loop Habit Tracker CSV export")
        }
        let habitsFile = "\(path)/Habits.csv"
        let records = try CSVRows.parse(try SourceFile.text(habitsData, path: habitsFile), file: habitsFile)
        guard let header = records.first else { throw ImportError(file: habitsFile, "is empty") }
        let columns = Dictionary(header.fields.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        guard let nameColumn = columns["Name"] else {
            throw ImportError(file: habitsFile, line: header.line, "has no Name column: not a Loop Habit Tracker CSV export")
        }

        // The habit folders, by their position prefix ("001 Meditate/Checkmarks.csv").
        var folders: [String: String] = [:]
        for name in files.keys where name.hasSuffix("/Checkmarks.csv") {
            let folder = String(name.dropLast("/Checkmarks.csv".count))
            folders[String(folder.prefix(while: { $0 != " " }))] = name
        }

        var habits: [ImportedHabit] = []
        for record in records.dropFirst() {
            func field(_ name: String) -> String? {
                guard let i = columns[name], i < record.fields.count else { return nil }
                return record.fields[i]
            }
            guard nameColumn < record.fields.count else {
                throw ImportError(file: habitsFile, line: record.line, "has \(record.fields.count) fields; expected \(header.fields.count)")
            }
            let name = record.fields[nameColumn]
            let num = Int(field("FrequencyNumerator") ?? field("NumRepetitions") ?? "1") ?? 1
            let den = Int(field("FrequencyDenominator") ?? field("Interval") ?? "1") ?? 1
            var numeric: NumericTarget?
            if field("Type") == "NUMERICAL" {
                numeric = NumericTarget(
                    direction: field("Target Type") == "AT_MOST" ? .atMost : .atLeast,
                    value: Double(field("Target Value") ?? "") ?? 0, unit: field("Unit") ?? "")
            }
            var habit = ImportedHabit(
                name: name, question: field("Question") ?? field("Description"),
                frequency: HabitFrequency(times: num, days: max(den, 1)), numeric: numeric,
                archived: field("Archived?") == "true")
            let position = field("Position") ?? String(habits.count + 1).leftPadded(3)
            if let checkmarks = folders[position] {
                let file = "\(path)/\(checkmarks)"
                habit.days = try readCheckmarks(
                    try SourceFile.text(files[checkmarks]!, path: file), file: file, numeric: numeric != nil)
            }
            habits.append(habit)
        }
        return ImportedHistory(source: .loop, path: path, sha256: FileHash.sha256([data]), habits: habits)
    }

    static func readCheckmarks(_ text: String, file: String, numeric: Bool) throws(ImportError) -> [ImportedDay] {
        var days: [ImportedDay] = []
        for record in try CSVRows.parse(text, file: file) {
            if record.line == 1 && record.fields.first == "Date" { continue }
            guard record.fields.count >= 2 else {
                throw ImportError(file: file, line: record.line, "expected Date,Value[,Notes]; found '\(record.fields.joined(separator: ","))'")
            }
            guard let day = DayKey(record.fields[0]), record.fields[0].count == 10 else {
                throw ImportError(file: file, line: record.line, "'\(record.fields[0])' is not a date (YYYY-MM-DD)")
            }
            let text = record.fields[1].trimmingCharacters(in: .whitespaces)
            // Entry.formattedValue names 2, 1, 0, 3 and -1 for every habit, numeric ones included.
            guard let code = LoopValue.names[text] ?? Int64(text) else {
                throw ImportError(
                    file: file, line: record.line,
                    "'\(text)' is not a Loop value (YES_MANUAL, YES_AUTO, NO, SKIP, UNKNOWN or a number)")
            }
            guard let mark = LoopValue.mark(code, numeric: numeric) else {
                throw ImportError(file: file, line: record.line, "'\(text)' is not a Loop value: \(LoopValue.expected)")
            }
            let note = record.fields.count > 2 ? record.fields[2] : nil
            days.append(ImportedDay(day: day, mark: mark, note: note, location: "\(file):\(record.line)"))
        }
        return days
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
