// The readers against fixtures in the trackers' real formats (Fixtures/make-fixtures.py builds
// them from Loop's migrations and exporter, harsh's and habitctl's readers).
import Foundation
import Testing
import TrustCore

@testable import TrustImport

let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
func fixture(_ name: String) -> String { fixtures + "/" + name }
func d(_ s: String) -> DayKey { DayKey(s)! }

/// (day, mark, note) of a habit, in day order.
func marks(_ h: ImportedHabit) -> [String] {
    h.days.sorted { $0.day < $1.day }.map { day in
        var s = "\(day.day) \(day.mark)"
        if let n = day.note { s += " \(n)" }
        if let a = day.amount { s += " amount=\(a)" }
        return s
    }
}

@Suite struct LoopBackupReaderTests {
    @Test func currentSchemaReadsEveryValueNoteAndTarget() throws {
        let h = try LoopBackupReader.read(path: fixture("loop-v25.db"))
        #expect(h.source == .loop)
        #expect(h.habits.map(\.name) == ["Meditate", "Wake up early", "Push-ups", "Coffee"])
        #expect(h.habits[0].question == "Did you meditate this morning?")
        #expect(h.habits[1].frequency == HabitFrequency(times: 2, days: 3))
        #expect(h.habits[2].numeric == NumericTarget(direction: .atLeast, value: 20, unit: "reps"))
        #expect(h.habits[3].numeric == NumericTarget(direction: .atMost, value: 2, unit: "cups"))
        #expect(h.habits[3].archived)
        #expect(
            marks(h.habits[0]) == [
                "2025-03-01 yes felt calm", "2025-03-02 no overslept, \"again\"", "2025-03-03 skip", "2025-03-04 unknown",
                "2025-03-05 yesAuto", "2025-03-06 yes",
            ])
        #expect(
            marks(h.habits[2]) == [
                "2025-03-01 amount(25.0) 25 before breakfast", "2025-03-02 amount(20.0)", "2025-03-03 amount(5.5)",
                "2025-03-04 skip",
            ])
    }

    @Test func olderSchemasWithoutNotesQuestionOrValueColumns() throws {
        let v22 = try LoopBackupReader.read(path: fixture("loop-v22.db"))
        #expect(v22.habits[0].question == "Did you meditate this morning?")  // from description
        #expect(marks(v22.habits[0]).first == "2025-03-01 yes")  // no notes column
        #expect(v22.habits[2].numeric?.value == 20)
        let v15 = try LoopBackupReader.read(path: fixture("loop-v15.db"))
        // Before v16 there is no value column: a repetition is a yes.
        #expect(v15.habits.map(\.name) == ["Meditate", "Wake up early"])
        #expect(v15.habits[0].days.count == 6)
        #expect(v15.habits[0].days.allSatisfy { $0.mark == .yes })
        #expect(v15.habits[0].numeric == nil)
    }

    @Test func theHashIsTheFilesSHA256() throws {
        let a = try LoopBackupReader.read(path: fixture("loop-v25.db"))
        let b = try LoopBackupReader.read(path: fixture("loop-v25.db"))
        let c = try LoopBackupReader.read(path: fixture("loop-v22.db"))
        #expect(a.sha256 == b.sha256)
        #expect(a.sha256 != c.sha256)
        #expect(a.sha256.count == 64)
    }
}

@Suite struct LoopCSVReaderTests {
    @Test func currentExportMatchesTheBackup() throws {
        let zip = try LoopCSVReader.read(path: fixture("loop-export.zip"))
        let db = try LoopBackupReader.read(path: fixture("loop-v25.db"))
        #expect(zip.habits.map(\.name) == ["Meditate", "Wake up early", "Push-ups"])
        // Loop exports no UNKNOWN days (EntryList.getKnown), else the same as the backup.
        #expect(marks(zip.habits[0]) == marks(db.habits[0]))
        #expect(marks(zip.habits[2]) == marks(db.habits[2]))
        #expect(zip.habits[1].frequency == HabitFrequency(times: 2, days: 3))
        #expect(zip.habits[2].numeric == NumericTarget(direction: .atLeast, value: 20, unit: "reps"))
    }

    @Test func exportsBeforeJune2025HaveNoHeaderAndNumericCodes() throws {
        let zip = try LoopCSVReader.read(path: fixture("loop-export-old.zip"))
        #expect(zip.habits.map(\.name) == ["Meditate", "Wake up early"])
        #expect(zip.habits[1].frequency == HabitFrequency(times: 2, days: 3))
        #expect(
            marks(zip.habits[0]) == [
                "2025-03-01 yes", "2025-03-02 no", "2025-03-03 skip", "2025-03-05 yesAuto", "2025-03-06 yes",
            ])
    }
}

@Suite struct TextReaderTests {
    @Test func harshHabitsAndLog() throws {
        let h = try HarshReader.read(directory: fixture("harsh"))
        #expect(h.source == .harsh)
        #expect(h.habits.map(\.name) == ["Gymmed", "Bed by midnight", "Cleaned House", "Tracked Finances", "Too much coffee", "Old habit"])
        #expect(h.habits.map(\.frequency) == [
            HabitFrequency(times: 3, days: 7), .daily, HabitFrequency(times: 1, days: 7), HabitFrequency(times: 1, days: 15),
            HabitFrequency(times: 0, days: 1), .daily,
        ])
        #expect(h.habits.map(\.heading) == ["Health", "Health", "Home", "Home", "Home", "Home"])
        #expect(marks(h.habits[0]) == ["2025-03-01 yes Leg day amount=1.5"])
        #expect(marks(h.habits[1]) == ["2025-03-01 no", "2025-03-02 yes", "2025-03-03 skip travelling"])
        #expect(marks(h.habits[4]) == ["2025-03-01 yes 3 cups amount=3.0"])
    }

    @Test func habitctlHabitsAndLog() throws {
        let h = try HabitctlReader.read(directory: fixture("habitctl"))
        #expect(h.habits.map(\.name) == ["Meditated", "Cleaned the apartment", "Had a headache"])
        #expect(h.habits.map(\.frequency) == [.daily, HabitFrequency(times: 1, days: 7), HabitFrequency(times: 0, days: 1)])
        #expect(marks(h.habits[0]) == ["2025-03-01 yes", "2025-03-02 no", "2025-03-03 skip"])
        #expect(marks(h.habits[1]) == ["2025-03-01 no"])
    }

    @Test func defaultFolders() {
        #expect(HarshReader.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.config/harsh")
        #expect(HarshReader.defaultDirectory(environment: ["HOME": "/h", "HARSHPATH": "/x"]) == "/x")
        #expect(HabitctlReader.defaultDirectory(environment: ["HOME": "/h"]) == "/h/.habitctl")
    }
}

/// Each bad input: the error names the file (and line) and says what is wrong.
@Suite struct BadInputTests {
    enum Reader: Sendable { case loopDB, loopZip, harsh, habitctl }

    @Test(arguments: [
        (Reader.loopDB, "not-sqlite.db", "not-sqlite.db: error: is not a Loop Habit Tracker backup: not an SQLite database"),
        (.loopDB, "not-loop.db", "not-loop.db: error: is an SQLite database but not a Loop Habit Tracker backup"),
        (.loopDB, "missing.db", "missing.db: error: no such file"),
        (.loopDB, "loop-bad-value.db", "loop-bad-value.db: error: Repetitions row 1 (habit 'Meditate', 2025-03-01) has the value 7"),
        (.loopZip, "loop-export-truncated.zip", "loop-export-truncated.zip: error: is not a readable zip file (cut short or damaged?)"),
        (.loopZip, "loop-v25.db", "loop-v25.db: error: is not a zip file"),
        (.loopZip, "loop-export-bad-date.zip", "loop-export-bad-date.zip/001 Meditate/Checkmarks.csv:3: error: '03/05/2025' is not a date"),
        (.harsh, "harsh-bad-date", "harsh-bad-date/log:8: error: '2025-3-04' is not a date (YYYY-MM-DD)"),
        (.harsh, "harsh-unknown-habit", "harsh-unknown-habit/log:8: error: the habit 'Swimming' is not in the habits file"),
        (.harsh, "harsh-bad-frequency", "harsh-bad-frequency/habits:11: error: '5/3': the target is greater than the interval"),
        (.harsh, "missing", "missing/habits: error: no such file"),
        (.habitctl, "habitctl-bad-date", "habitctl-bad-date/log:8: error: '2025-02-30' is not a date"),
        (.habitctl, "habitctl-unknown-habit", "habitctl-unknown-habit/log:8: error: the habit 'Jogged' is not in the habits file"),
        (.habitctl, "habitctl-bad-value", "habitctl-bad-value/log:8: error: 'maybe' is not a result; expected y, n or s"),
    ])
    func namesTheFileAndLine(_ reader: Reader, _ name: String, _ expected: String) {
        do {
            switch reader {
            case .loopDB: _ = try LoopBackupReader.read(path: fixture(name))
            case .loopZip: _ = try LoopCSVReader.read(path: fixture(name))
            case .harsh: _ = try HarshReader.read(directory: fixture(name))
            case .habitctl: _ = try HabitctlReader.read(directory: fixture(name))
            }
            Issue.record("\(name) was accepted")
        } catch {
            #expect(error.description.hasPrefix(fixtures + "/" + expected.prefix(while: { $0 != ":" })), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func aQuotedFieldLeftOpenIsReportedAtItsLine() {
        #expect(throws: ImportError(file: "f.csv", line: 2, "a quoted field is not closed (the file is cut short?)")) {
            try CSVRows.parse("Date,Value,Notes\n2025-03-01,NO,\"cut", file: "f.csv")
        }
    }
}
