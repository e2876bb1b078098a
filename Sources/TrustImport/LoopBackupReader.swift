// Loop Habit Tracker's full backup: a copy of its SQLite database. Tables as created by Loop's
// migrations (uhabits-core/src/jvmMain/resources/migrations/09.sql … 25.sql):
//   Habits(id, name, description, freq_num, freq_den, archived, position, …; type and
//          target_type/target_value/unit from v16/v18, question from v23)
//   Repetitions(habit, timestamp; value from v16, notes from v25)
// Timestamps are milliseconds at UTC midnight of the day. Values (Entry.kt): 2 YES_MANUAL,
// 1 YES_AUTO, 0 NO, 3 SKIP, -1 UNKNOWN; numeric habits (type 1) store the amount × 1000.
// Before v16 there is no value column: every repetition is a yes.
import Foundation
import GRDB
import TrustCore

public enum LoopBackupReader {
    public static func read(path: String) throws(ImportError) -> ImportedHistory {
        let data = try SourceFile.read(path)
        guard data.starts(with: Data("SQLite format 3\0".utf8)) else {
            throw ImportError(
                file: path,
                "is not a Loop Habit Tracker backup: not an SQLite database (a backup is the .db file from Loop's Settings → Export full backup; a CSV export is a .zip)")
        }
        var config = Configuration()
        config.readonly = true
        config.label = "loop-backup"
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            defer { try? queue.close() }
            let habits = try queue.read { db in try readHabits(db, path: path) }
            return ImportedHistory(source: .loop, path: path, sha256: FileHash.sha256([data]), habits: habits)
        } catch let error as ImportError {
            throw error
        } catch let error as DatabaseError {
            throw ImportError(file: path, "cannot be read as a Loop Habit Tracker backup: \(error.message ?? "\(error)")")
        } catch {
            throw ImportError(file: path, "cannot be read: \(error)")
        }
    }

    static func columns(_ db: Database, _ table: String) throws -> Set<String> {
        Set(try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { ($0["name"] as String).lowercased() })
    }

    static func readHabits(_ db: Database, path: String) throws -> [ImportedHabit] {
        let tables = Set(
            try String.fetchAll(db, sql: "SELECT lower(name) FROM sqlite_master WHERE type = 'table'"))
        guard tables.contains("habits"), tables.contains("repetitions") else {
            throw ImportError(
                file: path,
                "is an SQLite database but not a Loop Habit Tracker backup: it has no Habits and Repetitions tables")
        }
        let hc = try columns(db, "Habits")
        let rc = try columns(db, "Repetitions")
        for needed in ["id", "name"] where !hc.contains(needed) {
            throw ImportError(file: path, "is not a Loop Habit Tracker backup: its Habits table has no '\(needed)' column")
        }
        for needed in ["habit", "timestamp"] where !rc.contains(needed) {
            throw ImportError(file: path, "is not a Loop Habit Tracker backup: its Repetitions table has no '\(needed)' column")
        }
        func col(_ name: String, _ fallback: String) -> String { hc.contains(name) ? name : "\(fallback) AS \(name)" }
        let habitSQL = """
            SELECT id, name, \(col("question", "NULL")), \(col("description", "NULL")), \(col("freq_num", "1")),
                   \(col("freq_den", "1")), \(col("archived", "0")), \(col("type", "0")), \(col("target_type", "0")),
                   \(col("target_value", "0")), \(col("unit", "''"))
            FROM Habits ORDER BY \(hc.contains("position") ? "position, id" : "id")
            """
        var habits: [ImportedHabit] = []
        var index: [Int64: Int] = [:]
        for row in try Row.fetchAll(db, sql: habitSQL) {
            let id: Int64 = row["id"]
            let name = (row["name"] as String?) ?? "habit \(id)"
            let question = (row["question"] as String?) ?? (row["description"] as String?)
            let numerical = (row["type"] as Int64?) == 1
            let numeric = numerical
                ? NumericTarget(
                    direction: (row["target_type"] as Int64?) == 1 ? .atMost : .atLeast,
                    value: (row["target_value"] as Double?) ?? 0, unit: (row["unit"] as String?) ?? "")
                : nil
            let num = Int((row["freq_num"] as Int64?) ?? 1)
            let den = Int((row["freq_den"] as Int64?) ?? 1)
            index[id] = habits.count
            habits.append(
                ImportedHabit(
                    name: name, question: question, frequency: HabitFrequency(times: num, days: max(den, 1)),
                    numeric: numeric, archived: ((row["archived"] as Int64?) ?? 0) != 0))
        }
        let valueColumn = rc.contains("value") ? "value" : "2"
        let notesColumn = rc.contains("notes") ? "notes" : "NULL"
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT rowid, habit, timestamp, \(valueColumn), \(notesColumn) FROM Repetitions ORDER BY habit, timestamp")
        while let row = try cursor.next() {
            let rowid: Int64 = row[0]
            guard let habitID = row[1] as Int64?, let h = index[habitID] else { continue }  // Loop's migration 22 drops these too
            guard let timestamp = row[2] as Int64? else {
                throw ImportError(file: path, "Repetitions row \(rowid) has no timestamp")
            }
            let value = (row[3] as Int64?) ?? 2
            let day = DayKey(daysSinceEpoch: Int(timestamp >= 0 ? timestamp / 86_400_000 : (timestamp - 86_399_999) / 86_400_000))
            guard let mark = LoopValue.mark(value, numeric: habits[h].numeric != nil) else {
                throw ImportError(
                    file: path,
                    "Repetitions row \(rowid) (habit '\(habits[h].name)', \(day)) has the value \(value); \(LoopValue.expected)")
            }
            habits[h].days.append(ImportedDay(day: day, mark: mark, note: row[4], location: "Repetitions row \(rowid)"))
        }
        return habits
    }
}

/// Loop's stored values (Entry.kt).
enum LoopValue {
    /// The CSV export's names for the values (Entry.formattedValue), also used for numeric habits.
    static let names: [String: Int64] = ["YES_MANUAL": 2, "YES_AUTO": 1, "NO": 0, "SKIP": 3, "UNKNOWN": -1]

    static let expected = "a yes/no habit's values are 2 (yes), 1 (automatic yes), 0 (no), 3 (skip) and -1 (unknown)"

    /// The mark for a stored value; nil for a yes/no value Loop never writes. Numeric habits store
    /// the amount × 1000, except 3 (SKIP: "converted to zero (if they weren't, each SKIP day would
    /// count as 0.003)", EntryList.kt) and -1 (UNKNOWN).
    static func mark(_ value: Int64, numeric: Bool) -> ImportedMark? {
        if numeric {
            switch value {
            case 3: return .skip
            case -1: return .unknown
            default: return .amount(Double(value) / 1000)
            }
        }
        switch value {
        case 2: return .yes
        case 1: return .yesAuto
        case 0: return .no
        case 3: return .skip
        case -1: return .unknown
        default: return nil
        }
    }
}
