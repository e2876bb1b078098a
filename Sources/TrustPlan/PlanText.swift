// Adding an item to a plan the person wrote, as text: everything already in the file (comments,
// order, quoting, blank lines, line endings) stays byte-for-byte; the new item's lines are
// inserted where its section ends (the section is created at the end of the file if missing),
// and the result is read back in full and refused unless it is valid and holds exactly the old
// items plus the new one. Yams renders the scalars (quoting where YAML needs it) and finds where
// each top-level key is; nothing else of the file is re-emitted.
import Foundation
import TrustCore
import Yams

/// One commitment or boundary to add, with its values as the person gave them.
public struct NewPlanItem: Sendable, Hashable {
    public var kind: ItemKind
    public var id: String
    public var title: String
    public var to: String?
    public var why: String?
    public var ask: String?
    /// systemd calendar expressions.
    public var at: [String]
    /// What the person typed for `at`, kept as a comment when it differs ("weekdays at 7pm").
    public var atPhrase: String?
    /// "3/week"; commitments only.
    public var target: String?
    /// "3h", "1d".
    public var deadline: String?

    public init(
        kind: ItemKind, id: String, title: String, to: String? = nil, why: String? = nil, ask: String? = nil,
        at: [String], atPhrase: String? = nil, target: String? = nil, deadline: String? = nil
    ) {
        (self.kind, self.id, self.title, self.to, self.why, self.ask) = (kind, id, title, to, why, ask)
        (self.at, self.atPhrase, self.target, self.deadline) = (at, atPhrase, target, deadline)
    }
}

/// Why an item was not added. Nothing was written.
public struct PlanEditError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The plan's diagnostics (of the original plan, or of the plan as it would have become).
    public var diagnostics: [Diagnostic]
    public var source: String?

    public init(_ message: String, diagnostics: [Diagnostic] = [], source: String? = nil) {
        (self.message, self.diagnostics, self.source) = (message, diagnostics, source)
    }

    public var description: String {
        let lines = source.map(Diagnostic.lines(of:))
        return ([message] + diagnostics.filter { $0.severity == .error }.map { $0.rendered(lines: lines) })
            .joined(separator: "\n")
    }
}

public enum PlanText {
    /// The result of adding: the whole new text, and the lines that were inserted.
    public struct Addition: Sendable, Equatable {
        public var text: String
        public var inserted: String
    }

    /// A unique item id made from a title: "Call Sam!" → "call-sam", then "call-sam-2", …
    public static func derivedID(title: String, existing: Set<ItemID>) -> String {
        var base = Suggestions.slug(title)
        if base.utf8.count > 40 {
            // Cut at a word boundary.
            let cut = String(base.prefix(40))
            base = cut.contains("-") ? String(cut[..<cut.lastIndex(of: "-")!]) : cut
        }
        if base.isEmpty { base = "promise" }
        if !existing.contains(ItemID(base)) { return base }
        var n = 2
        while existing.contains(ItemID("\(base)-\(n)")) { n += 1 }
        return "\(base)-\(n)"
    }

    /// A scalar as YAML writes it in block context: plain when that reads back as the same
    /// string, quoted otherwise ("21:00", "yes", "a: b", "#1").
    public static func scalar(_ value: String) -> String {
        let rendered = (try? Yams.serialize(node: .mapping(Node.Mapping([(Node("k"), node(value))])), width: -1, allowUnicode: true)) ?? ""
        var s = Substring(rendered)
        if s.hasPrefix("k: ") { s = s.dropFirst(3) }
        while s.last == "\n" { s.removeLast() }
        return String(s)
    }

    /// A string node; quoted also where YAML 1.1 tools would read another type ("21:00" as a
    /// number of minutes, "yes" as true), as the example plan does.
    static func node(_ value: String) -> Node {
        let lower = value.lowercased()
        let yaml11 = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"].contains(lower)
            || (!value.isEmpty && value.allSatisfy { $0.isNumber || $0 == ":" || $0 == "." || $0 == "_" })
        return yaml11 ? .scalar(Node.Scalar(value, Tag(.str), .singleQuoted)) : Node(value)
    }

    /// The item's lines in block style, starting with `- id:` at column 0, content indented by 2.
    public static func blockLines(_ item: NewPlanItem) -> [String] {
        var lines = ["- id: " + scalar(item.id), "  title: " + scalar(item.title)]
        if let to = item.to { lines.append("  to: " + scalar(to)) }
        if let why = item.why { lines.append("  why: " + scalar(why)) }
        if let ask = item.ask { lines.append("  ask: " + scalar(ask)) }
        var at: String
        if item.at.count == 1 {
            at = "  at: " + scalar(item.at[0])
        } else {
            at = "  at: [" + item.at.map(flowScalar).joined(separator: ", ") + "]"
        }
        if let phrase = item.atPhrase, !item.at.contains(phrase), !phrase.contains(where: \.isNewline) {
            at += "  # " + phrase
        }
        lines.append(at)
        if let target = item.target { lines.append("  target: " + scalar(target)) }
        if let deadline = item.deadline { lines.append("  deadline: " + scalar(deadline)) }
        return lines
    }

    /// The item as one flow mapping: `{id: x, title: y, at: z}`.
    static func flowMapping(_ item: NewPlanItem) -> String {
        var pairs = [("id", item.id), ("title", item.title)]
        if let to = item.to { pairs.append(("to", to)) }
        if let why = item.why { pairs.append(("why", why)) }
        if let ask = item.ask { pairs.append(("ask", ask)) }
        var parts = pairs.map { "\($0.0): " + flowScalar($0.1) }
        parts.append(
            "at: " + (item.at.count == 1 ? flowScalar(item.at[0]) : "[" + item.at.map(flowScalar).joined(separator: ", ") + "]"))
        if let target = item.target { parts.append("target: " + flowScalar(target)) }
        if let deadline = item.deadline { parts.append("deadline: " + flowScalar(deadline)) }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// A scalar safe inside a flow collection (commas and brackets are quoted).
    static func flowScalar(_ value: String) -> String {
        let node = Node.sequence(Node.Sequence([self.node(value)], Tag(.seq), .flow))
        let rendered = (try? Yams.serialize(node: node, width: -1, allowUnicode: true)) ?? "[]"
        var s = Substring(rendered)
        while s.last == "\n" { s.removeLast() }
        guard s.first == "[", s.last == "]" else { return String(s) }
        return String(s.dropFirst().dropLast())
    }

    /// Inserts `item` into `text` (a plan), or explains why not.
    public static func adding(
        _ item: NewPlanItem, to text: String, file: String, defaultTimeZone: TimeZone, now: Date
    ) throws(PlanEditError) -> Addition {
        let before = PlanReader.parse(yaml: text, file: file, defaultTimeZone: defaultTimeZone, now: now)
        guard let oldPlan = before.plan else {
            throw PlanEditError(
                "\(file): the plan has errors; nothing was added. Fix them first (trustctl edit, then trustctl check)",
                diagnostics: before.diagnostics, source: text)
        }
        if oldPlan.items.contains(where: { $0.id.rawValue == item.id }) {
            throw PlanEditError("the plan already has an item with id '\(item.id)'; choose another with --id")
        }
        let bytes = Array(text.utf8)
        let newline = text.utf8.count != text.replacingOccurrences(of: "\r\n", with: "\n").utf8.count ? "\r\n" : "\n"
        let lines = LineTable(bytes)

        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw PlanEditError("\(file): cannot read the plan: \(error)")
        }
        guard case .mapping(let top)? = root else { throw PlanEditError("\(file): the plan is not a mapping") }
        // (Yams' composed nodes do not keep their style: look at the text where each starts.)
        func opens(_ node: Node, with c: Character) -> Bool {
            guard let mark = node.mark else { return false }
            let scalars = Array(lines.text(mark.line, bytes).unicodeScalars)
            return mark.column >= 1 && mark.column <= scalars.count && Character(scalars[mark.column - 1]) == c
        }
        guard !opens(root!, with: "{") else {
            throw PlanEditError("\(file): the plan is written as one flow mapping ({…}); add the item with trustctl edit")
        }
        let sectionName = item.kind == .commitment ? "commitments" : "boundaries"
        let keys = top.map { (key: $0.key, value: $0.value) }
        let index = keys.firstIndex { $0.key.string == sectionName }

        var insertAt: Int
        var insertion: String
        if let index {
            let (key, value) = keys[index]
            let keyLine = key.mark?.line ?? 1
            // The section runs to the line before the next top-level key (or the end of the file).
            let nextKeyLine = keys.compactMap { $0.key.mark?.line }.filter { $0 > keyLine }.min() ?? (lines.count + 1)
            switch value {
            case .sequence(let seq) where opens(value, with: "["):
                // Before the closing bracket: `[a, b]` → `[a, b, {new}]`.
                guard let close = lastClosingBracket(lines: lines, bytes: bytes, from: keyLine, before: nextKeyLine) else {
                    throw PlanEditError("\(file): cannot find the end of the \(sectionName) list; add the item with trustctl edit")
                }
                insertAt = close
                insertion = (seq.isEmpty ? "" : ", ") + flowMapping(item)
            case .sequence(let seq):
                let first = seq.first
                let dashLine = first.flatMap { $0.mark?.line } ?? keyLine
                let dashColumn = dashIndent(lines.text(dashLine, bytes)) ?? 2
                let last = lastContentLine(lines: lines, bytes: bytes, from: keyLine, before: nextKeyLine, indent: dashColumn)
                let separated = hasBlankBetweenItems(lines: lines, bytes: bytes, from: dashLine, to: last)
                insertAt = lines.end(last)
                insertion = (separated ? newline : "")
                    + blockLines(item).map { String(repeating: " ", count: dashColumn) + $0 + newline }.joined()
                if !lines.endsWithNewline(last, bytes) { insertion = newline + insertion }
            case .scalar(let s) where s.string.isEmpty && s.style == .plain || s.string.isEmpty && s.style == .any:
                // `commitments:` with nothing after it.
                let last = lastContentLine(lines: lines, bytes: bytes, from: keyLine, before: nextKeyLine, indent: 0)
                insertAt = lines.end(last)
                insertion = blockLines(item).map { "  " + $0 + newline }.joined()
                if !lines.endsWithNewline(last, bytes) { insertion = newline + insertion }
            default:
                throw PlanEditError(
                    "\(file):\(keyLine): '\(sectionName)' is not a list here; add the item with trustctl edit")
            }
        } else {
            // A new section at the end of the file.
            insertAt = bytes.count
            let heading =
                item.kind == .commitment
                ? "# Commitments: things you promised to do."
                : "# Boundaries: things you promised not to do. The check-in asks whether you held each one."
            insertion = (bytes.isEmpty || bytes.last == UInt8(ascii: "\n") ? "" : newline) + newline + heading + newline
                + sectionName + ":" + newline + blockLines(item).map { "  " + $0 + newline }.joined()
        }

        var out = bytes
        out.insert(contentsOf: Array(insertion.utf8), at: insertAt)
        let newText = String(decoding: out, as: UTF8.self)
        let after = PlanReader.parse(yaml: newText, file: file, defaultTimeZone: defaultTimeZone, now: now)
        guard let newPlan = after.plan else {
            throw PlanEditError(
                "\(file): with the new item the plan would not be valid; nothing was added",
                diagnostics: after.diagnostics, source: newText)
        }
        let expected = oldPlan.items.map(\.id) + [ItemID(item.id)]
        guard Set(newPlan.items.map(\.id)) == Set(expected), newPlan.items.count == expected.count,
            newPlan.items.first(where: { $0.id.rawValue == item.id })?.kind == item.kind
        else {
            throw PlanEditError("\(file): the new item did not land where expected; nothing was added. Add it with trustctl edit")
        }
        return Addition(text: newText, inserted: insertion)
    }

    // MARK: Lines

    /// Where each line starts (line numbers are 1-based, as Yams' marks).
    struct LineTable {
        var starts: [Int]
        var total: Int
        init(_ bytes: [UInt8]) {
            starts = [0]
            for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
            if starts.last == bytes.count && bytes.count > 0 { starts.removeLast() }
            total = bytes.count
        }
        var count: Int { starts.count }
        /// The byte offset just past line `n`'s newline (or the end of the file).
        func end(_ n: Int) -> Int { n < starts.count ? starts[n] : total }
        func text(_ n: Int, _ bytes: [UInt8]) -> String {
            guard n >= 1, n <= starts.count else { return "" }
            var e = end(n)
            while e > starts[n - 1], bytes[e - 1] == UInt8(ascii: "\n") || bytes[e - 1] == UInt8(ascii: "\r") { e -= 1 }
            return String(decoding: bytes[starts[n - 1]..<e], as: UTF8.self)
        }
        func endsWithNewline(_ n: Int, _ bytes: [UInt8]) -> Bool {
            let e = end(n)
            return e > 0 && bytes[e - 1] == UInt8(ascii: "\n")
        }
    }

    /// Spaces before the `-` of a block sequence entry's line.
    static func dashIndent(_ line: String) -> Int? {
        let spaces = line.prefix { $0 == " " }.count
        return line.dropFirst(spaces).hasPrefix("-") ? spaces : nil
    }

    static func isBlankOrComment(_ line: String) -> (blank: Bool, comment: Bool, indent: Int) {
        let indent = line.prefix { $0 == " " || $0 == "\t" }.count
        let rest = line.dropFirst(indent)
        return (rest.isEmpty, rest.hasPrefix("#"), indent)
    }

    /// The last line of the section that belongs to it: blank lines and comments indented no
    /// deeper than the list's dashes that come before the next key belong to what follows.
    static func lastContentLine(lines: LineTable, bytes: [UInt8], from keyLine: Int, before next: Int, indent: Int) -> Int {
        var n = min(next - 1, lines.count)
        while n > keyLine {
            let l = isBlankOrComment(lines.text(n, bytes))
            if l.blank || (l.comment && l.indent <= indent) {
                n -= 1
                continue
            }
            break
        }
        return n
    }

    static func hasBlankBetweenItems(lines: LineTable, bytes: [UInt8], from: Int, to: Int) -> Bool {
        guard from < to else { return false }
        return (from...to).contains { isBlankOrComment(lines.text($0, bytes)).blank }
    }

    /// The byte offset of the `]` closing a flow list that ends the section.
    static func lastClosingBracket(lines: LineTable, bytes: [UInt8], from keyLine: Int, before next: Int) -> Int? {
        let last = lastContentLine(lines: lines, bytes: bytes, from: keyLine - 1, before: next, indent: Int.max)
        guard last >= keyLine else { return nil }
        // On that line, the last `]` followed only by spaces and perhaps a comment.
        let start = lines.starts[last - 1]
        var e = lines.end(last)
        while e > start, bytes[e - 1] == UInt8(ascii: "\n") || bytes[e - 1] == UInt8(ascii: "\r") { e -= 1 }
        var i = e - 1
        while i >= start {
            if bytes[i] == UInt8(ascii: "]") {
                let tail = String(decoding: bytes[(i + 1)..<e], as: UTF8.self)
                let trimmed = tail.drop { $0 == " " || $0 == "\t" }
                if trimmed.isEmpty || (trimmed.hasPrefix("#") && (tail.first == " " || tail.first == "\t")) { return i }
            }
            i -= 1
        }
        return nil
    }
}

extension Node {
    /// The key's text when it is a scalar.
    fileprivate var string: String? {
        if case .scalar(let s) = self { return s.string }
        return nil
    }
}
