// Deciding what an import records, pure: which plan item each imported habit feeds, what each
// day's mark means as an answer, and which days the ledger already has (trustd's own answers
// win; days imported before are not imported again). TrustStore writes the result.
import Foundation

/// Where `--map NAME=…` sends a habit.
public enum ImportTarget: Sendable, Hashable {
    case item(ItemID)
    /// `--map NAME=-`: leave the habit out.
    case leaveOut
}

/// What the ledger already holds for one item and day.
public enum ExistingDay: Sendable, Hashable {
    /// trustd's own check-in (asked, answered or not): kept as it is.
    case recorded
    /// Imported before (by `trustctl import`, from this file or another).
    case imported
}

/// One check-in to record.
public struct ImportCheckIn: Sendable, Hashable {
    public var day: DayKey
    public var answer: Answer
    public var note: String?
    public var value: Double?
    public init(day: DayKey, answer: Answer, note: String? = nil, value: Double? = nil) {
        self.day = day
        self.answer = answer
        self.note = note
        self.value = value
    }
}

/// The plan for one imported habit.
public struct HabitImport: Sendable, Hashable {
    public var habit: String
    /// nil: left out (`--map NAME=-`).
    public var item: ItemID?
    public var kind: ItemKind
    /// What will be recorded, oldest first.
    public var checkIns: [ImportCheckIn] = []
    public var kept = 0
    public var missed = 0
    public var skipped = 0
    /// Days with nothing to record: Loop's UNKNOWN and YES_AUTO.
    public var notAsked = 0
    /// Days imported before (from this file or another): not imported again.
    public var alreadyImported = 0
    /// Days trustd already has check-ins for: trustd's answers are kept, these days left out.
    public var leftOut = 0
    /// Days from today on: left out (trustd asks about today itself).
    public var future = 0

    public init(habit: String, item: ItemID?, kind: ItemKind) {
        self.habit = habit
        self.item = item
        self.kind = kind
    }

    public var first: DayKey? { checkIns.first?.day }
    public var last: DayKey? { checkIns.last?.day }
}

/// A habit that maps to no plan item yet, with the plan entry proposed for it.
public struct UnmappedHabit: Sendable, Hashable {
    public var habit: String
    public var proposedID: ItemID
    public var snippet: String
}

/// A `--map` that cannot be honoured.
public struct ImportPlanError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What an import will do.
public struct ImportPlan: Sendable, Hashable {
    public var habits: [HabitImport]
    public var unmapped: [UnmappedHabit]
    /// Nothing is written until every habit maps to an item (or is left out).
    public var isReady: Bool { unmapped.isEmpty }
    public var checkInCount: Int { habits.reduce(0) { $0 + $1.checkIns.count } }

    /// The YAML to paste into the plan for the unmapped habits.
    public var proposal: String? {
        guard !unmapped.isEmpty else { return nil }
        return "commitments:\n" + unmapped.map(\.snippet).joined()
    }
}

public enum ImportPlanner {
    /// The answer a tracker's mark stands for: yes → kept, no → missed, skip → skipped; Loop's
    /// UNKNOWN and YES_AUTO → nothing asked (nil). A numeric day is kept when it reaches the
    /// habit's target (at least / at most), missed otherwise; without a target, kept when above 0.
    public static func answer(for mark: ImportedMark, numeric: NumericTarget?) -> Answer? {
        switch mark {
        case .yes: return .kept
        case .no: return .missed
        case .skip: return .skipped
        case .unknown, .yesAuto: return nil
        case .amount(let v):
            guard let numeric else { return v > 0 ? .kept : .missed }
            switch numeric.direction {
            case .atLeast: return v >= numeric.value ? .kept : .missed
            case .atMost: return v <= numeric.value ? .kept : .missed
            }
        }
    }

    /// An item id made from a habit's name: `Wake up early` → `wake-up-early`.
    public static func slug(_ name: String) -> String {
        var out = ""
        var dash = false
        for scalar in name.lowercased().unicodeScalars {
            let c = scalar.value
            if (c >= 97 && c <= 122) || (c >= 48 && c <= 57) {
                if dash && !out.isEmpty { out.append("-") }
                dash = false
                out.unicodeScalars.append(scalar)
            } else {
                dash = true
            }
        }
        return out
    }

    /// Plans the import of `history` into the items of `plan`.
    ///
    /// - `maps`: `--map` by habit name (exact, or case-insensitive when unambiguous).
    /// - `existing`: what the ledger holds for each item and day.
    /// - `today`: it and later days are left out.
    public static func plan(
        _ history: ImportedHistory, items: [Item], maps: [String: ImportTarget],
        existing: [ItemID: [DayKey: ExistingDay]], today: DayKey
    ) throws(ImportPlanError) -> ImportPlan {
        let names = history.habits.map(\.name)
        // Resolve --map keys to habit names.
        var mapByHabit: [String: ImportTarget] = [:]
        for (key, target) in maps.sorted(by: { $0.key < $1.key }) {
            let name: String
            if names.contains(key) {
                name = key
            } else {
                let matches = names.filter { $0.lowercased() == key.lowercased() }
                guard matches.count == 1 else {
                    throw ImportPlanError(
                        "--map \(key)=…: \(history.path) has no habit named '\(key)'; its habits: "
                            + names.map { "'\($0)'" }.joined(separator: ", "))
                }
                name = matches[0]
            }
            if case .item(let id) = target, !items.contains(where: { $0.id == id }) {
                throw ImportPlanError(
                    "--map \(key)=\(id): the plan has no item '\(id)'; its items: "
                        + items.map(\.id.rawValue).joined(separator: ", ") + " (add it to the plan first)")
            }
            mapByHabit[name] = target
        }

        var result = ImportPlan(habits: [], unmapped: [])
        var usedBy: [ItemID: String] = [:]
        var proposedIDs = Set(items.map(\.id.rawValue))
        for (index, habit) in history.habits.enumerated() {
            let target: ImportTarget?
            if let mapped = mapByHabit[habit.name] {
                target = mapped
            } else {
                let slug = slug(habit.name)
                let byID = items.first { $0.id.rawValue == habit.name || (!slug.isEmpty && $0.id.rawValue == slug) }
                let key = habit.name.trimmingCharacters(in: .whitespaces).lowercased()
                let byTitle = items.filter { $0.title.trimmingCharacters(in: .whitespaces).lowercased() == key }
                target = (byID ?? (byTitle.count == 1 ? byTitle[0] : nil)).map { .item($0.id) }
            }
            guard let target else {
                var id = slug(habit.name)
                if id.isEmpty { id = "habit-\(index + 1)" }
                if proposedIDs.contains(id) {
                    var n = 2
                    while proposedIDs.contains("\(id)-\(n)") { n += 1 }
                    id = "\(id)-\(n)"
                }
                proposedIDs.insert(id)
                result.unmapped.append(
                    UnmappedHabit(
                        habit: habit.name, proposedID: ItemID(id),
                        snippet: snippet(habit, id: id, source: history.source)))
                continue
            }
            guard case .item(let id) = target else {
                result.habits.append(HabitImport(habit: habit.name, item: nil, kind: .commitment))
                continue
            }
            if let other = usedBy[id] {
                throw ImportPlanError(
                    "'\(other)' and '\(habit.name)' both map to the item '\(id)'; map each habit to its own item (--map NAME=ID) or leave one out (--map NAME=-)")
            }
            usedBy[id] = habit.name
            let item = items.first { $0.id == id }!
            result.habits.append(plan(habit, item: item, existing: existing[id] ?? [:], today: today))
        }
        return result
    }

    static func plan(_ habit: ImportedHabit, item: Item, existing: [DayKey: ExistingDay], today: DayKey) -> HabitImport {
        var out = HabitImport(habit: habit.name, item: item.id, kind: item.kind)
        // One entry per day (the last one read wins, as in the trackers themselves), oldest first.
        var byDay: [DayKey: ImportedDay] = [:]
        for d in habit.days { byDay[d.day] = d }
        for day in byDay.keys.sorted() {
            let d = byDay[day]!
            guard let answer = answer(for: d.mark, numeric: habit.numeric) else {
                out.notAsked += 1
                continue
            }
            // Today and later are trustd's to ask (and a check-in for today may be awaiting an answer).
            if day >= today {
                out.future += 1
                continue
            }
            switch existing[day] {
            case .recorded?:
                out.leftOut += 1
                continue
            case .imported?:
                out.alreadyImported += 1
                continue
            case nil:
                break
            }
            switch answer {
            case .kept: out.kept += 1
            case .missed: out.missed += 1
            case .skipped: out.skipped += 1
            }
            out.checkIns.append(ImportCheckIn(day: day, answer: answer, note: d.note, value: d.value))
        }
        return out
    }

    /// The plan entry proposed for an unmapped habit.
    static func snippet(_ habit: ImportedHabit, id: String, source: ImportSource) -> String {
        var s = "  - id: \(id)\n    title: \(yamlQuoted(habit.name))\n"
        if let q = habit.question { s += "    ask: \(yamlQuoted(q))\n" }
        s += "    at: \"21:00\"\n"
        if habit.frequency.times == 0 {
            s += "    # \(source.displayName): tracking only (no frequency); trustd asks every day\n"
        } else if let (target, exact) = habit.frequency.planTarget {
            s += "    target: \(target)"
            s += exact ? "\n" : "   # \(source.displayName): \(habit.frequency); the nearest trustd target\n"
        }
        return s
    }

    static func yamlQuoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
