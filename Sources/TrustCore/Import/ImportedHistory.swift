// History brought in from another habit tracker (Loop Habit Tracker, harsh, habitctl), as pure
// values: what the format readers (TrustImport) produce and what the import planner consumes.
import Foundation

/// The tracker a history comes from.
public enum ImportSource: String, Sendable, Hashable, CaseIterable, Codable {
    case loop
    case harsh
    case habitctl

    /// The tracker's name for people.
    public var displayName: String {
        switch self {
        case .loop: "Loop Habit Tracker"
        case .harsh: "harsh"
        case .habitctl: "habitctl"
        }
    }
}

/// What the tracker recorded for one habit on one day, in the tracker's own terms.
public enum ImportedMark: Sendable, Hashable {
    /// Done (Loop `YES_MANUAL` / 2, harsh and habitctl `y`).
    case yes
    /// Loop's `YES_AUTO` (1): "did not perform the habit, but was not expected to, because of the
    /// frequency" (Loop's Entry.kt). Loop computes it to fill the gaps of non-daily habits; it is
    /// not an answer the person gave.
    case yesAuto
    /// Not done (Loop `NO` / 0, `n`).
    case no
    /// Skipped (Loop `SKIP` / 3, `s`).
    case skip
    /// Loop's `UNKNOWN` (-1): nothing recorded.
    case unknown
    /// A numeric habit's amount (Loop stores it ×1000; this is the real amount).
    case amount(Double)
}

/// A numeric habit's goal (Loop: `target_type` 0 at least, 1 at most; `target_value`).
public struct NumericTarget: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable { case atLeast = "at least", atMost = "at most" }
    public var direction: Direction
    public var value: Double
    public var unit: String
    public init(direction: Direction, value: Double, unit: String = "") {
        self.direction = direction
        self.value = value
        self.unit = unit
    }
}

/// How often a habit is meant to happen: `times` in every `days` days (Loop's freq_num/freq_den,
/// harsh's `3/7` or `7` or `1w`, habitctl's every_days). `times == 0`: tracked, never expected.
public struct HabitFrequency: Sendable, Hashable, CustomStringConvertible {
    public var times: Int
    public var days: Int
    public init(times: Int, days: Int) {
        self.times = times
        self.days = days
    }
    public static let daily = HabitFrequency(times: 1, days: 1)
    public var description: String { times == 0 ? "tracking only" : "\(times) in \(days) day\(days == 1 ? "" : "s")" }

    /// The plan's `target:` for it: nil for daily habits (asked every day, no frequency target)
    /// and for tracking-only ones; `N/week` or `N/month` otherwise, rounded to the nearest
    /// (at least 1) when the interval is not a week or a month. `exact` says whether it was.
    public var planTarget: (target: PerPeriod, exact: Bool)? {
        guard times > 0, days > 0, !(times == days) else { return nil }
        if days == 7 { return (PerPeriod(count: times, period: .week), true) }
        if days == 30 || days == 31 { return (PerPeriod(count: times, period: .month), true) }
        let perWeek = (Double(times) * 7 / Double(days)).rounded()
        if perWeek >= 1 && days < 30 {
            if perWeek >= 7 { return nil }
            return (PerPeriod(count: Int(perWeek), period: .week), Double(times) * 7 / Double(days) == perWeek)
        }
        let perMonth = max(1, (Double(times) * 30 / Double(days)).rounded())
        return (PerPeriod(count: Int(perMonth), period: .month), false)
    }
}

/// One day of a habit's history.
public struct ImportedDay: Sendable, Hashable {
    public var day: DayKey
    public var mark: ImportedMark
    /// The note or comment written with it (empty ones are nil).
    public var note: String?
    /// A number recorded with it (harsh's amount); numeric Loop habits carry theirs in `mark`.
    public var amount: Double?
    /// Where it was read (`Checkmarks.csv:12`, `log:40`), for messages.
    public var location: String?

    public init(day: DayKey, mark: ImportedMark, note: String? = nil, amount: Double? = nil, location: String? = nil) {
        self.day = day
        self.mark = mark
        self.note = note.flatMap { $0.isEmpty ? nil : $0 }
        self.amount = amount
        self.location = location
    }

    /// The number kept on the event: the numeric habit's amount, else the amount written with it.
    public var value: Double? {
        if case .amount(let v) = mark { return v }
        return amount
    }
}

/// One habit as the other tracker kept it.
public struct ImportedHabit: Sendable, Hashable {
    public var name: String
    /// The question or description, if the tracker has one.
    public var question: String?
    public var frequency: HabitFrequency
    /// Numeric habits (Loop): what counts as done.
    public var numeric: NumericTarget?
    public var archived: Bool
    /// harsh's `! Heading`.
    public var heading: String?
    /// Days in the order read; a day appears at most once.
    public var days: [ImportedDay]

    public init(
        name: String, question: String? = nil, frequency: HabitFrequency = .daily, numeric: NumericTarget? = nil,
        archived: Bool = false, heading: String? = nil, days: [ImportedDay] = []
    ) {
        self.name = name
        self.question = question.flatMap { $0.isEmpty ? nil : $0 }
        self.frequency = frequency
        self.numeric = numeric
        self.archived = archived
        self.heading = heading
        self.days = days
    }
}

/// Everything read from one file or folder.
public struct ImportedHistory: Sendable, Hashable {
    public var source: ImportSource
    /// The file or folder read, as given.
    public var path: String
    /// SHA-256 of the bytes read (for a folder: of `habits` and `log`), lowercase hex. Marks every
    /// imported event, so the same file imported twice is recognised.
    public var sha256: String
    public var habits: [ImportedHabit]

    public init(source: ImportSource, path: String, sha256: String, habits: [ImportedHabit]) {
        self.source = source
        self.path = path
        self.sha256 = sha256
        self.habits = habits
    }
}

/// Imported history of one item as the ledger holds it: for the report's "imported from" line.
public struct ImportedHistorySummary: Sendable, Hashable, Encodable {
    public var item: ItemID
    public var source: String
    /// The file's name (no directories).
    public var file: String
    public var sha256: String
    public var days: Int
    public var first: DayKey
    public var last: DayKey

    public init(item: ItemID, source: String, file: String, sha256: String, days: Int, first: DayKey, last: DayKey) {
        self.item = item
        self.source = source
        self.file = file
        self.sha256 = sha256
        self.days = days
        self.first = first
        self.last = last
    }

    enum CodingKeys: String, CodingKey { case item, source, file, sha256, days, first, last }

    /// Days as `YYYY-MM-DD`, like every day in the report's JSON.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(item.rawValue, forKey: .item)
        try c.encode(source, forKey: .source)
        try c.encode(file, forKey: .file)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(days, forKey: .days)
        try c.encode(first.description, forKey: .first)
        try c.encode(last.description, forKey: .last)
    }

    /// "walk: 3,650 days (2016-01-01 – 2025-12-31) imported from Loop Habit Tracker, backup.db (sha256 1a2b3c4d…)".
    public var sentence: String {
        let name = ImportSource(rawValue: source)?.displayName ?? source
        return "\(item): \(days) day\(days == 1 ? "" : "s") (\(first) – \(last)) imported from \(name), \(file) (sha256 \(sha256.prefix(12))…)"
    }
}
