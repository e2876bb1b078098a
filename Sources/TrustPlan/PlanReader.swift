// Reads plan.yaml from Yams' composed node tree (not Codable) so that every diagnostic has the
// line and column of the node it is about. All problems are collected, not just the first.
import Foundation
import TrustCore
import Yams

/// A line and column in the plan file (1-based; columns count Unicode scalars).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public var description: String { "\(line):\(column)" }
}

/// What reading a plan produced: the plan when there was no error, and every diagnostic.
public struct PlanReadResult: Sendable {
    public var file: String
    /// The validated plan; nil when any diagnostic is an error.
    public var plan: Plan?
    /// Errors and warnings, in file order.
    public var diagnostics: [Diagnostic]
    /// The file's text; nil when it could not be read.
    public var source: String?
    /// Where each item's mapping starts, for messages that refer back to the file.
    public var locations: [ItemID: SourcePosition]
    /// The file does not exist (the daemon may wait for it; the CLI suggests the example).
    public var isMissingFile: Bool
    /// Each item's first `upcoming` check-ins after the `now` the plan was read with (the
    /// warnings need the first anyway; reuse them instead of asking the calendar again). Empty
    /// for an item that never prompts again; empty for all when the plan has errors.
    public var upcoming: [ItemID: [Date]] = [:]

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    /// The plan, or a `PlanError` carrying every diagnostic.
    public func get() throws(PlanError) -> Plan {
        guard let plan else { throw PlanError(file: file, diagnostics: diagnostics, source: source) }
        return plan
    }
}

public enum PlanReader {
    /// Reads and validates the plan at `path`.
    /// - Parameters:
    ///   - defaultTimeZone: the zone when the plan names none (the CLI and daemon pass `TimeZone.current`).
    ///   - now: for warnings about the future (an `ends` already past, a schedule that never fires again).
    ///   - upcoming: how many check-ins after `now` to list per item in `PlanReadResult.upcoming`.
    public static func load(path: String, defaultTimeZone: TimeZone, now: Date, upcoming: Int = 1) -> PlanReadResult {
        let data: Data
        switch PlanFile.read(path: path, limit: PlanReader.maximumSize) {
        case .success(let d): data = d
        case .failure(let problem): return fileProblem(path: path, problem)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            let (line, column) = firstInvalidUTF8(data)
            let d = Diagnostic(
                severity: .error, file: path, line: line, column: column,
                message: "the plan is not valid UTF-8 text", hint: "save the file as UTF-8")
            return PlanReadResult(
                file: path, plan: nil, diagnostics: [d], source: nil, locations: [:], isMissingFile: false)
        }
        return parse(yaml: text, file: path, defaultTimeZone: defaultTimeZone, now: now, upcoming: upcoming)
    }

    /// Reads and validates plan text; `file` names it in diagnostics.
    public static func parse(
        yaml: String, file: String, defaultTimeZone: TimeZone, now: Date, upcoming: Int = 1
    ) -> PlanReadResult {
        var reader = Reader(file: file, source: yaml, defaultTimeZone: defaultTimeZone, now: now)
        reader.upcomingCount = max(1, upcoming)
        let plan = reader.read()
        let diagnostics = reader.diagnostics.enumerated()
            .sorted { a, b in
                (a.element.line, a.element.column, a.offset) < (b.element.line, b.element.column, b.offset)
            }
            .map(\.element)
        let hasError = diagnostics.contains { $0.severity == .error }
        var result = PlanReadResult(
            file: file, plan: hasError ? nil : plan, diagnostics: diagnostics, source: yaml,
            locations: reader.locations, isMissingFile: false)
        if !hasError { result.upcoming = reader.upcoming }
        return result
    }

    /// The largest plan read, in bytes (1 MiB): a real one is a few kilobytes.
    public static let maximumSize = 1 << 20

    private static func fileProblem(path: String, _ problem: PlanFile.Problem) -> PlanReadResult {
        var missing = false
        let message: String
        var hint: String?
        switch problem {
        case .missing:
            missing = true
            message = "no plan file here"
            hint = """
                run `trustctl init` to write it with a few questions, or create it from the example: \
                mkdir -p \(shellQuote(directory(of: path))) && cp Config/plan.example.yaml \(shellQuote(path)), then edit it
                """
        case .notAFile(let kind):
            message = "the plan path is \(kind.description), not a file"
            hint =
                kind == .directory
                ? "pass the plan file itself with --plan PATH"
                : "trustd reads the plan from a regular file: put the plan there, or pass its path with --plan PATH"
        case .permissionDenied:
            message = "permission denied reading the plan"
            hint = "the plan should be yours and readable only by you: chmod 600 \(shellQuote(path))"
        case .tooLarge(let size):
            message = "the plan is \(PlanFile.describe(bytes: size)); a plan may be at most \(PlanFile.describe(bytes: maximumSize))"
            hint = "is this the right file? A plan of a hundred commitments is a few kilobytes"
        case .other(let description):
            message = "cannot read the plan: \(description)"
        }
        let d = Diagnostic(severity: .error, file: path, line: 0, column: 0, message: message, hint: hint)
        return PlanReadResult(
            file: path, plan: nil, diagnostics: [d], source: nil, locations: [:], isMissingFile: missing)
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func shellQuote(_ s: String) -> String {
        ShellWord.quote(s, safe: "/._-~", home: ProcessInfo.processInfo.environment["HOME"])
    }

    private static func firstInvalidUTF8(_ data: Data) -> (Int, Int) {
        let bytes = [UInt8](data)
        var line = 1
        var lineStart = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var ok = length > 0 && i + length <= bytes.count
            if ok { for k in 1..<max(length, 1) where bytes[i + k] & 0xC0 != 0x80 { ok = false } }
            if ok, length > 1, String(bytes: bytes[i..<(i + length)], encoding: .utf8) == nil { ok = false }
            if !ok {
                let prefix = String(decoding: bytes[lineStart..<i], as: UTF8.self)
                return (line, prefix.unicodeScalars.count + 1)
            }
            if b == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += length
        }
        return (line, 1)
    }
}

// MARK: - The node walker

private let topLevelKeys = [
    "version", "timezone", "day-starts", "quiet-hours", "discreet", "changes-take-effect", "defaults", "commitments",
    "boundaries",
]
private let defaultKeys = ["deadline", "snooze", "skips", "celebrate"]
private let commitmentKeys = [
    "id", "title", "to", "why", "ask", "at", "target", "deadline", "snooze", "skips", "celebrate", "starts", "ends",
]
private let boundaryKeys = commitmentKeys.filter { $0 != "target" }

private let calendarExpected = "a calendar expression such as \"21:00\", \"Mon..Fri 19:00\" or \"Sun 18:00\""
private let dateExpected = "a date YYYY-MM-DD, e.g. 2026-11-01"

private struct Defaults {
    var deadline = PlanDefaults.deadline
    var snooze = PlanDefaults.snooze
    var skips = PlanDefaults.skips
    var celebrate = PlanDefaults.celebrate
}

/// An item's values as written, before validation.
private struct ItemFields {
    var id, title, to, why, ask, at, target, deadline, snooze, skips, celebrate, starts, ends: Node?

    /// Stores a known key's value; false for a key items do not have.
    mutating func set(_ name: String, _ value: Node) -> Bool {
        switch name {
        case "id": id = value
        case "title": title = value
        case "to": to = value
        case "why": why = value
        case "ask": ask = value
        case "at": at = value
        case "target": target = value
        case "deadline": deadline = value
        case "snooze": snooze = value
        case "skips": skips = value
        case "celebrate": celebrate = value
        case "starts": starts = value
        case "ends": ends = value
        default: return false
        }
        return true
    }
}

private struct Reader {
    let file: String
    let source: String
    let defaultTimeZone: TimeZone
    let now: Date
    var diagnostics: [Diagnostic] = []
    var locations: [ItemID: SourcePosition] = [:]
    var upcoming: [ItemID: [Date]] = [:]
    /// How many upcoming check-ins to compute per item (at least 1, for the warnings).
    var upcomingCount = 1
    /// Every distinct `at` text of the plan, parsed ahead (on all cores for large plans).
    private var parsedSpecs: [String: Result<CalendarSpec, CalendarSpecError>] = [:]
    private var lazyLines: [Substring]?

    init(file: String, source: String, defaultTimeZone: TimeZone, now: Date) {
        self.file = file
        self.source = source
        self.defaultTimeZone = defaultTimeZone
        self.now = now
    }

    var lines: [Substring] {
        mutating get {
            if let lazyLines { return lazyLines }
            let l = Diagnostic.lines(of: source)
            lazyLines = l
            return l
        }
    }

    // MARK: Diagnostics

    mutating func error(_ at: SourcePosition, _ message: String, hint: String? = nil) {
        diagnostics.append(
            Diagnostic(severity: .error, file: file, line: at.line, column: at.column, message: message, hint: hint))
    }

    mutating func warning(_ at: SourcePosition, _ message: String, hint: String? = nil) {
        diagnostics.append(
            Diagnostic(severity: .warning, file: file, line: at.line, column: at.column, message: message, hint: hint))
    }

    func position(_ node: Node) -> SourcePosition {
        node.mark.map { SourcePosition(line: $0.line, column: $0.column) } ?? SourcePosition(line: 1, column: 1)
    }

    // MARK: The document

    mutating func read() -> Plan? {
        if source.utf8.count > PlanReader.maximumSize {
            self.error(
                SourcePosition(line: 1, column: 1),
                "the plan is \(PlanFile.describe(bytes: source.utf8.count)); a plan may be at most \(PlanFile.describe(bytes: PlanReader.maximumSize))")
            return nil
        }
        let budget = WorkBudget()
        switch budget.check(source) {
        case .aliases(let line, let column, _):
            self.error(
                SourcePosition(line: line, column: column),
                "the aliases up to here stand for more than \(budget.aliasedNodes) values; a plan refuses so much work",
                hint: "write the values out instead of aliasing aliases (*name refers to the value marked &name)")
            return nil
        case .depth(let line, let column):
            self.error(
                SourcePosition(line: line, column: column),
                "lists and mappings are nested more than \(budget.depth) deep here; a plan refuses so much work",
                hint: "a plan needs four levels: the top, the commitments list, an item, its list of times")
            return nil
        case nil:
            break
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: source, Resolver.basic, Constructor.default, .utf8)
        } catch let e as YamlError {
            yamlError(e)
            return nil
        } catch {
            self.error(SourcePosition(line: 1, column: 1), "cannot parse the plan: \(error)")
            return nil
        }
        guard let root, !isNull(root) else {
            self.error(
                SourcePosition(line: 1, column: 1), "the plan is empty",
                hint: "start with 'version: 1' and a 'commitments:' or 'boundaries:' list (see Config/plan.example.yaml)")
            return nil
        }
        guard case .mapping(let top) = root else {
            self.error(
                position(root),
                "expected the plan's settings (version, timezone, commitments, boundaries, …) at the top level, found \(describe(root))"
            )
            return nil
        }

        var values: [String: (key: Node, value: Node)] = [:]
        for (key, value) in top {
            guard let name = keyName(key) else { continue }
            if topLevelKeys.contains(name) {
                values[name] = (key, value)
            } else {
                unknownKey(key, name: name, known: topLevelKeys, context: "at the top level of the plan")
            }
        }

        // version
        var version = 1
        if let (_, node) = values["version"] {
            if case .scalar(let s) = node, let v = Int(s.string) {
                if v != 1 {
                    error(
                        position(node), "unsupported plan version \(v); this trustd reads version 1",
                        hint: "write 'version: 1'")
                }
                version = v
            } else {
                error(position(node), "expected 'version: 1', found \(describe(node))")
            }
        } else {
            error(
                SourcePosition(line: 1, column: 1), "the plan has no 'version'",
                hint: "add 'version: 1' as the first line")
        }

        // timezone
        var zone = defaultTimeZone
        var zoneKnown = true
        if let (_, node) = values["timezone"], !isNull(node) {
            if let name = string(node, key: "timezone", expected: "an IANA zone name such as Europe/Berlin") {
                if let z = TimeZone(identifier: name), !name.isEmpty {
                    zone = z
                } else {
                    zoneKnown = false
                    let suggestion = Suggestions.closest(to: name, in: TimeZone.knownTimeZoneIdentifiers)
                    error(
                        position(node),
                        "unknown time zone '\(name)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
                        hint:
                            "use an IANA zone name such as Europe/Berlin, America/New_York or UTC (timedatectl list-timezones)"
                    )
                }
            } else {
                zoneKnown = false
            }
        }

        // day-starts
        var dayStart = TimeOfDay.midnight
        if let (_, node) = values["day-starts"], !isNull(node) {
            if let text = string(node, key: "day-starts", expected: TimeOfDay.expected) {
                do throws(PlanValueError) {
                    dayStart = try TimeOfDay.parse(text)
                } catch {
                    self.error(inner(node, column: error.column), "'day-starts': \(error.message)")
                }
            }
        }

        // quiet-hours
        var quietHours: QuietHours?
        if let (_, node) = values["quiet-hours"], !isNull(node) {
            if let text = string(node, key: "quiet-hours", expected: QuietHours.expected) {
                do throws(PlanValueError) {
                    quietHours = try QuietHours.parse(text)
                } catch {
                    self.error(inner(node, column: error.column), "'quiet-hours': \(error.message)")
                }
            }
        }

        // discreet
        var discreet = false
        if let (_, node) = values["discreet"], !isNull(node) {
            if let b = bool(node, key: "discreet") { discreet = b }
        }

        // changes-take-effect (issue 14): a weakening waits this long after trustd adopts it
        var changesTakeEffect: TimeInterval?
        if let (_, node) = values["changes-take-effect"], !isNull(node) {
            changesTakeEffect = duration(node, key: "changes-take-effect")
        }

        // defaults
        var defaults = Defaults()
        if let (_, node) = values["defaults"], !isNull(node) {
            defaults = readDefaults(node)
        }

        // items
        parseCalendarExpressions(in: [values["commitments"]?.value, values["boundaries"]?.value].compactMap { $0 })
        var items: [Item] = []
        var firstSeen: [ItemID: SourcePosition] = [:]
        var anchors: [(at: SourcePosition, ends: SourcePosition?, target: SourcePosition?)] = []
        for kind in ItemKind.allCases {
            let key = kind == .commitment ? "commitments" : "boundaries"
            guard let (_, node) = values[key], !isNull(node) else { continue }
            guard case .sequence(let list) = node else {
                error(
                    position(node),
                    "expected a list of \(key) ('- id: …' entries), found \(describe(node))",
                    hint: "write each \(kind.rawValue) as an entry starting with '- id:'")
                continue
            }
            for (index, entry) in list.enumerated() {
                guard let (item, id, fields) = readItem(entry, kind: kind, index: index + 1, defaults: defaults),
                    let id, let idNode = fields.id
                else { continue }
                if let first = firstSeen[id] {
                    error(
                        position(idNode), "duplicate id '\(id)'; ids must be unique in the plan",
                        hint: "'\(id)' is first used at line \(first.line); ids are the keys of the ledger")
                    continue
                }
                firstSeen[id] = position(idNode)
                guard let item else { continue }
                locations[item.id] = position(entry)
                items.append(item)
                anchors.append(
                    (fields.at.map(position) ?? position(entry), fields.ends.map(position), fields.target.map(position)))
            }
        }

        // Warnings that need the schedule evaluated (only when the zone itself is sound).
        if zoneKnown {
            let facts = Self.scheduleFacts(items, now: now, zone: zone, dayStart: dayStart, upcoming: upcomingCount)
            for ((item, fact), anchor) in zip(zip(items, facts), anchors) {
                upcoming[item.id] = fact.upcoming
                futureWarnings(
                    item, next: fact.upcoming.first, at: anchor.at, ends: anchor.ends, zone: zone, dayStart: dayStart)
                if let target = item.target, let most = fact.most, let at = anchor.target {
                    targetWarning(item, target: target, most: most, at: at)
                }
            }
        }
        if items.isEmpty, !diagnostics.contains(where: { $0.severity == .error }) {
            warning(
                position(root), "the plan has no commitments or boundaries; trustd will not prompt",
                hint: "add a 'commitments:' or 'boundaries:' list (see Config/plan.example.yaml)")
        }

        return Plan(
            version: version, timeZone: zone, dayStart: dayStart, quietHours: quietHours, discreet: discreet,
            items: items, changesTakeEffect: changesTakeEffect)
    }

    // MARK: Defaults

    mutating func readDefaults(_ node: Node) -> Defaults {
        var d = Defaults()
        guard case .mapping(let map) = node else {
            error(
                position(node),
                "expected 'defaults' to be a mapping of deadline, snooze, skips and celebrate, found \(describe(node))")
            return d
        }
        for (key, value) in map {
            guard let name = keyName(key) else { continue }
            switch name {
            case "deadline": if let v = duration(value, key: "deadline") { d.deadline = v }
            case "snooze": if let v = duration(value, key: "snooze") { d.snooze = v }
            case "skips": if let v = perPeriod(value, key: "skips", minimum: 0) { d.skips = v }
            case "celebrate": if let v = celebrate(value) { d.celebrate = v }
            default:
                if commitmentKeys.contains(name) {
                    error(
                        position(key), "'\(name)' has no default; set it on each item",
                        hint: "'defaults' may set \(list(defaultKeys))")
                } else {
                    unknownKey(key, name: name, known: defaultKeys, context: "in 'defaults'")
                }
            }
        }
        return d
    }

    // MARK: Items

    /// Reads one commitment or boundary: the item (nil when it has an error, already reported),
    /// its id when valid, and its fields. Nil when the entry is not a mapping at all.
    mutating func readItem(
        _ node: Node, kind: ItemKind, index: Int, defaults: Defaults
    ) -> (Item?, ItemID?, ItemFields)? {
        let noun = kind.rawValue
        guard case .mapping(let map) = node else {
            error(
                position(node),
                "expected a \(noun) (a mapping with id, title and at), found \(describe(node))",
                hint: "write it as '- id: …' followed by indented 'title:' and 'at:' lines")
            return nil
        }
        var fields = ItemFields()
        for (key, value) in map {
            guard let name = keyName(key) else { continue }
            if (kind == .commitment || name != "target") && fields.set(name, value) {
                continue
            } else if name == "target" {
                error(
                    position(key), "'target' applies to commitments only",
                    hint: "a boundary is checked in on its 'at' schedule; move this item under 'commitments:'")
            } else {
                unknownKey(
                    key, name: name, known: kind == .commitment ? commitmentKeys : boundaryKeys, context: "in a \(noun)")
            }
        }
        let errorsBefore = errorCount

        // id
        var id: ItemID?
        if let n = fields.id {
            if let text = string(n, key: "id", expected: "an id such as 'evening-call'") {
                if ItemID.isValid(text) {
                    id = ItemID(text)
                } else {
                    let slug = Suggestions.slug(text)
                    error(
                        position(n),
                        "invalid id '\(text)': use lowercase letters, digits and '-', starting with a letter or digit",
                        hint: slug.isEmpty ? nil : "e.g. 'id: \(slug)'")
                }
            }
        }
        let name = id.map { "\(noun) '\($0)'" } ?? "\(noun) #\(index)"
        if fields.id == nil {
            error(
                position(node), "\(name) has no 'id'",
                hint: "add 'id: …', a short stable key such as 'evening-call' (lowercase letters, digits, '-')")
        }

        // title and texts
        var title: String?
        if let n = fields.title {
            if let t = string(n, key: "title", expected: "a short title such as 'Call Sam'") {
                if t.allSatisfy(\.isWhitespace) {
                    error(position(n), "\(name) has an empty 'title'", hint: "say what the promise is, e.g. 'Call Sam'")
                } else {
                    title = t
                }
            }
        } else {
            error(position(node), "\(name) has no 'title'", hint: "add 'title: …', what the promise is in a few words")
        }
        let to = optionalText(fields.to, key: "to", expected: "a name such as 'Sam'")
        let why = optionalText(fields.why, key: "why", expected: "a sentence saying why it matters")
        let ask = optionalText(fields.ask, key: "ask", expected: "the question to ask, e.g. 'Did you call Sam?'")

        // at
        var specs: [CalendarSpec] = []
        if let n = fields.at {
            specs = calendar(n, owner: name)
        } else {
            error(position(node), "\(name) has no 'at'", hint: "add 'at:' with when to ask: \(calendarExpected)")
        }

        // target, durations, budgets
        var target: PerPeriod?
        if let n = fields.target, !isNull(n) { target = perPeriod(n, key: "target", minimum: 1) }
        let deadline = fields.deadline.flatMap { isNull($0) ? nil : duration($0, key: "deadline") }
        let snooze = fields.snooze.flatMap { isNull($0) ? nil : duration($0, key: "snooze") }
        let skips = fields.skips.flatMap { isNull($0) ? nil : perPeriod($0, key: "skips", minimum: 0) }
        let celebrate = fields.celebrate.flatMap { isNull($0) ? nil : self.celebrate($0) }
        let starts = fields.starts.flatMap { isNull($0) ? nil : date($0, key: "starts") }
        let ends = fields.ends.flatMap { isNull($0) ? nil : date($0, key: "ends") }
        if let starts, let ends, ends < starts, let n = fields.ends {
            error(
                position(n), "'ends' \(ends) is before 'starts' \(starts)",
                hint: "'ends' is the last day (inclusive) and cannot come before the first")
        }

        guard errorCount == errorsBefore, let id, let title, !specs.isEmpty else { return (nil, id, fields) }
        let item = Item(
            id: id, kind: kind, title: title, to: to, why: why, ask: ask, schedule: specs, target: target,
            deadline: deadline ?? defaults.deadline, snooze: snooze ?? defaults.snooze,
            skips: skips ?? defaults.skips, celebrate: celebrate ?? defaults.celebrate, starts: starts, ends: ends)
        return (item, id, fields)
    }

    var errorCount: Int { diagnostics.count(where: { $0.severity == .error }) }

    mutating func calendar(_ node: Node, owner: String) -> [CalendarSpec] {
        var nodes: [Node] = []
        switch node {
        case .sequence(let list):
            if list.isEmpty {
                error(position(node), "\(owner) has an empty 'at' list; expected at least one \(calendarExpected)")
            }
            nodes = Array(list)
        default:
            nodes = [node]
        }
        var specs: [CalendarSpec] = []
        var failed = false
        for n in nodes {
            guard let text = string(n, key: "at", expected: calendarExpected + " (or a list of them)") else {
                failed = true
                continue
            }
            let parsed = parsedSpecs[text] ?? Result { () throws(CalendarSpecError) in try CalendarSpec.parse(text) }
            switch parsed {
            case .success(let spec):
                specs.append(spec)
            case .failure(let error):
                failed = true
                self.error(
                    inner(n, column: error.column), "invalid calendar expression '\(text)': \(error.message)",
                    hint: "expected \(calendarExpected); try 'trustctl calendar \"\(text)\"'")
            }
        }
        return failed ? [] : specs
    }

    // MARK: Warnings

    /// What the warnings need to know of each item's schedule: its next check-ins after `now`,
    /// and for a frequency target the most check-ins any one period gets. Pure and per item, so
    /// computed on all cores for large plans.
    static func scheduleFacts(
        _ items: [Item], now: Date, zone: TimeZone, dayStart: TimeOfDay, upcoming: Int
    ) -> [(upcoming: [Date], most: Int?)] {
        Parallel.map(items) { item in
            let next = item.nextOccurrences(after: now, count: upcoming, in: zone, dayStart: dayStart)
            guard let target = item.target else { return (next, nil) }
            var from = now
            if let starts = item.starts {
                let first = starts.firstInstant(in: zone, dayStart: dayStart)
                if first > from { from = first }
            }
            let periods: Int
            switch target.period {
            case .day: periods = 14
            case .week: periods = 9
            case .month: periods = 13
            }
            let most = item.maxOccurrences(
                per: target.period, periods: periods, from: from, in: zone, dayStart: dayStart, cap: target.count)
            return (next, most)
        }
    }

    mutating func futureWarnings(
        _ item: Item, next: Date?, at: SourcePosition, ends endsPosition: SourcePosition?, zone: TimeZone,
        dayStart: TimeOfDay
    ) {
        if next != nil { return }
        let today = DayKey.of(now, in: zone, dayStart: dayStart)
        if let ends = item.ends, ends < today, let endsPosition {
            warning(
                endsPosition, "'\(item.id)' ended on \(ends); it no longer prompts",
                hint: "remove the item or move 'ends' into the future")
        } else {
            let extra = item.ends != nil ? " before its 'ends' day" : ""
            warning(
                at, "'\(item.id)' never prompts again: its 'at' schedule does not elapse after now\(extra)",
                hint: "check the expression with 'trustctl calendar'")
        }
    }

    mutating func targetWarning(_ item: Item, target: PerPeriod, most: Int, at: SourcePosition) {
        guard most < target.count else { return }
        let times = most == 1 ? "once" : most == 2 ? "twice" : "\(most) times"
        warning(
            at,
            "target \(target) can never be reached: '\(item.id)' is asked at most \(times) a \(target.period.rawValue)",
            hint: "ask at least \(target.count) times a \(target.period.rawValue), e.g. 'at: \"21:00\"' asks daily")
    }

    /// Parses every distinct `at` text of the item lists ahead of validation.
    mutating func parseCalendarExpressions(in lists: [Node]) {
        var texts = Set<String>()
        for list in lists {
            guard case .sequence(let entries) = list else { continue }
            for entry in entries {
                guard case .mapping(let map) = entry else { continue }
                for (key, value) in map where key.scalar?.string == "at" {
                    switch value {
                    case .scalar(let s): texts.insert(s.string)
                    case .sequence(let at): for case .scalar(let s) in at { texts.insert(s.string) }
                    default: break
                    }
                }
            }
        }
        let unique = Array(texts)
        let parsed = Parallel.map(unique) { text in
            Result { () throws(CalendarSpecError) in try CalendarSpec.parse(text) }
        }
        parsedSpecs = Dictionary(uniqueKeysWithValues: zip(unique, parsed))
    }

    // MARK: Scalars

    /// The key's text, or nil (after an error) when the key is not a plain string.
    mutating func keyName(_ key: Node) -> String? {
        guard case .scalar(let s) = key else {
            error(position(key), "expected a key name, found \(describe(key))")
            return nil
        }
        return s.string
    }

    mutating func unknownKey(_ key: Node, name: String, known: [String], context: String) {
        let suggestion = Suggestions.closest(to: name, in: known)
        var hint = "expected one of \(list(known))"
        if suggestion == nil {
            if topLevelKeys.contains(name) && context != "at the top level of the plan" {
                hint = "'\(name)' belongs at the top level of the plan, not indented"
            } else if commitmentKeys.contains(name) && context == "at the top level of the plan" {
                hint = "'\(name)' belongs to an item under 'commitments:' or 'boundaries:' (check the indentation)"
            }
        }
        error(
            position(key),
            "unknown key '\(name)' \(context)" + (suggestion.map { "; did you mean '\($0)'?" } ?? ""),
            hint: hint)
    }

    func list(_ words: [String]) -> String {
        words.count <= 1
            ? words.joined()
            : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }

    func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain || s.style == .any else { return false }
        switch s.string {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s):
            if isNull(node) { return "nothing" }
            let text = s.string.count > 40 ? String(s.string.prefix(37)) + "…" : s.string
            return "'\(text)'"
        }
    }

    /// A single string value; reports an error and returns nil for lists, mappings and null.
    mutating func string(_ node: Node, key: String, expected: String) -> String? {
        switch node {
        case .scalar(let s) where !isNull(node):
            return s.string
        default:
            error(position(node), "expected \(expected) for '\(key)', found \(describe(node))")
            return nil
        }
    }

    mutating func optionalText(_ node: Node?, key: String, expected: String) -> String? {
        guard let node, !isNull(node) else { return nil }
        return string(node, key: key, expected: expected)
    }

    mutating func bool(_ node: Node, key: String) -> Bool? {
        if case .scalar(let s) = node, s.style == .plain {
            switch s.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        error(position(node), "expected true or false for '\(key)', found \(describe(node))")
        return nil
    }

    mutating func duration(_ node: Node, key: String) -> TimeInterval? {
        guard let text = string(node, key: key, expected: PlanDuration.expected) else { return nil }
        do throws(PlanValueError) {
            return try PlanDuration.parse(text)
        } catch {
            self.error(inner(node, column: error.column), "'\(key)': \(error.message)")
            return nil
        }
    }

    mutating func perPeriod(_ node: Node, key: String, minimum: Int) -> PerPeriod? {
        guard let text = string(node, key: key, expected: PerPeriod.expected) else { return nil }
        do throws(PlanValueError) {
            return try PerPeriod.parse(text, minimum: minimum)
        } catch {
            self.error(inner(node, column: error.column), "'\(key)': \(error.message)")
            return nil
        }
    }

    mutating func date(_ node: Node, key: String) -> DayKey? {
        guard let text = string(node, key: key, expected: dateExpected) else { return nil }
        guard let day = DayKey(text) else {
            error(position(node), "invalid date '\(text)' for '\(key)'; expected \(dateExpected)")
            return nil
        }
        return day
    }

    mutating func celebrate(_ node: Node) -> [Int]? {
        let expected = "a list of streak lengths such as [7, 30, 100, 365]"
        guard case .sequence(let list) = node else {
            error(position(node), "expected \(expected) for 'celebrate', found \(describe(node))")
            return nil
        }
        var out: [Int] = []
        var ok = true
        for n in list {
            if case .scalar(let s) = n, s.style == .plain, let v = Int(s.string), v > 0 {
                out.append(v)
            } else {
                ok = false
                error(position(n), "expected a positive whole number of days in 'celebrate', found \(describe(n))")
            }
        }
        return ok ? Array(Set(out)).sorted() : nil
    }

    /// The position of the `column`th character (1-based) inside a scalar's text, when the text
    /// sits on one line of the source as written (plain or quoted without escapes); otherwise the
    /// scalar's own position.
    mutating func inner(_ node: Node, column: Int) -> SourcePosition {
        let start = position(node)
        guard case .scalar(let s) = node, column >= 1 else { return start }
        let quote: Int
        switch s.style {
        case .plain, .any: quote = 0
        case .singleQuoted, .doubleQuoted: quote = 1
        case .literal, .folded: return start
        }
        let lines = self.lines
        guard start.line >= 1, start.line <= lines.count else { return start }
        let text = Array(lines[start.line - 1].unicodeScalars)
        let from = start.column - 1 + quote
        let value = Array(s.string.unicodeScalars)
        guard from >= 0, from + value.count <= text.count, Array(text[from..<(from + value.count)]) == value else {
            return start
        }
        return SourcePosition(line: start.line, column: start.column + quote + column - 1)
    }

    // MARK: YAML syntax errors

    mutating func yamlError(_ e: YamlError) {
        switch e {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            error(SourcePosition(line: mark.line, column: mark.column), message, hint: yamlHint(problem, context: context, at: mark))
        case .reader(let problem, let offset, _, let yaml):
            var at = SourcePosition(line: 1, column: 1)
            if let offset {
                let prefix = yaml.prefix(offset)
                let line = prefix.count(where: \.isNewline) + 1
                let lineStart = prefix.lastIndex(where: \.isNewline).map { prefix.index(after: $0) } ?? prefix.startIndex
                at = SourcePosition(line: line, column: prefix[lineStart...].unicodeScalars.count + 1)
            }
            error(at, "invalid text: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            let first = SourcePosition(line: context.mark.line, column: context.mark.column)
            let second = locateDuplicate(key: key, first: first) ?? first
            error(
                second, "duplicate key '\(key)'",
                hint: second == first
                    ? "a key may appear only once in a mapping"
                    : "'\(key)' is first set at line \(first.line); a key may appear only once in a mapping")
        default:
            error(SourcePosition(line: 1, column: 1), "cannot parse the plan: \(e)")
        }
    }

    mutating func yamlHint(_ problem: String, context: YamlError.Context?, at mark: Mark) -> String? {
        let lines = self.lines
        if mark.line >= 1, mark.line <= lines.count {
            let text = lines[mark.line - 1]
            if problem.contains("tab") || (problem.contains("cannot start any token") && text.contains("\t")) {
                return "YAML does not allow tabs for indentation; use spaces"
            }
        }
        if let context, context.text.contains("scanning an alias") {
            let line = context.mark.line
            var example = "*-*-* 21:00"
            if line >= 1, line <= lines.count {
                let text = lines[line - 1].unicodeScalars.dropFirst(context.mark.column - 1)
                let value = String(String.UnicodeScalarView(text.prefix { $0 != "#" }))
                    .trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { example = value }
            }
            return "in YAML a value starting with '*' is an alias: quote the expression, e.g. at: \"\(example)\""
        }
        if problem.contains("mapping values are not allowed") {
            return "a value containing ': ' must be quoted, e.g. title: \"Call: Sam\""
        }
        if problem.contains("did not find expected key") || problem.contains("did not find expected '-'") {
            return "check the indentation: keys of one mapping line up in the same column"
        }
        if problem.contains("found character that cannot start any token") {
            return "quote values that start with a special character such as '@', '`' or '%'"
        }
        return nil
    }

    /// Where a duplicated key occurs the second time: the next line of the same mapping (same
    /// column, only spaces or '- ' before it) that starts with `key:`.
    mutating func locateDuplicate(key: String, first: SourcePosition) -> SourcePosition? {
        let lines = self.lines
        let column = first.column - 1
        var index = first.line  // the line after the first occurrence (0-based index)
        while index < lines.count {
            let text = Array(lines[index].unicodeScalars)
            let indent = text.firstIndex { $0 != " " && $0 != "-" } ?? text.count
            let blank = indent == text.count || text[indent] == "#"
            if !blank {
                if indent < column { return nil }
                if indent == column {
                    let rest = String(String.UnicodeScalarView(text[column...]))
                    if rest.hasPrefix(key) {
                        let after = rest.dropFirst(key.count).drop { $0 == " " }
                        if after.hasPrefix(":") { return SourcePosition(line: index + 1, column: first.column) }
                    }
                }
            }
            index += 1
        }
        return nil
    }
}
