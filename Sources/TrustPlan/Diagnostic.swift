// Compiler-style diagnostics: `plan.yaml:12:9: error: …`, so editors can jump there.
import Foundation

/// One problem found in a plan file.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error
        case warning
    }

    public var severity: Severity
    /// The path as given (what the person typed or the default path).
    public var file: String
    /// 1-based; 0 when the problem concerns the whole file (e.g. it does not exist).
    public var line: Int
    /// 1-based, counted in Unicode scalars like libyaml; 0 with `line` 0.
    public var column: Int
    public var message: String
    /// What to do about it, when there is something more to say.
    public var hint: String?

    public init(severity: Severity, file: String, line: Int, column: Int, message: String, hint: String? = nil) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.hint = hint
    }

    /// `file:line:column` (or just `file` for whole-file problems).
    public var location: String { line > 0 ? "\(file):\(line):\(max(column, 1))" : file }

    /// The first line: `plan.yaml:12:9: error: unknown key 'dealine'; did you mean 'deadline'?`
    public var headline: String { "\(location): \(severity.rawValue): \(message)" }

    /// The headline and, when present, the hint on its own line.
    public var description: String {
        hint.map { "\(headline)\n  hint: \($0)" } ?? headline
    }

    /// How many columns of a source line an excerpt shows at most.
    public static let excerptWidth = 120

    /// The headline, an excerpt of the source line with a caret under the column (like clang and
    /// rustc; at most `excerptWidth` columns of it), and the hint.
    public func rendered(source: String?) -> String {
        rendered(lines: source.map(Diagnostic.lines(of:)))
    }

    /// `rendered(source:)` with the source already split by `Diagnostic.lines(of:)`.
    public func rendered(lines: [Substring]?) -> String {
        var out = headline
        if line > 0, let lines, line <= lines.count {
            let scalars = Array(lines[line - 1].unicodeScalars)
            let caret = min(max(column, 1) - 1, scalars.count)
            // A long line is cut to `excerptWidth` columns around the caret, marked with '…'.
            var start = 0
            var end = scalars.count
            if scalars.count > Diagnostic.excerptWidth {
                start = max(0, caret - Diagnostic.excerptWidth / 2)
                end = min(scalars.count, start + Diagnostic.excerptWidth)
                start = max(0, end - Diagnostic.excerptWidth)
            }
            var text = start > 0 ? "…" : ""
            // Keep tabs so the caret lines up under the same characters.
            var pad = start > 0 ? " " : ""
            for i in start..<end {
                text.unicodeScalars.append(scalars[i])
                if i < caret { pad.unicodeScalars.append(scalars[i] == "\t" ? "\t" : " ") }
            }
            if end < scalars.count { text += "…" }
            let number = String(line)
            let gutter = String(repeating: " ", count: number.count)
            out += "\n \(number) | \(text)\n \(gutter) | \(pad)^"
        }
        if let hint { out += "\n  hint: \(hint)" }
        return out
    }

    /// The lines of `source`, without terminators.
    public static func lines(of source: String) -> [Substring] {
        source.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
    }
}

/// A plan that could not be read: every diagnostic found (errors and warnings), in file order.
public struct PlanError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var diagnostics: [Diagnostic]
    /// The file's text, for excerpts; nil when it could not be read.
    public var source: String?

    public init(file: String, diagnostics: [Diagnostic], source: String?) {
        self.file = file
        self.diagnostics = diagnostics
        self.source = source
    }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    /// Every diagnostic with its excerpt, then a summary line (`plan.yaml: 3 errors`).
    public var description: String {
        let lines = source.map(Diagnostic.lines(of:))
        var parts = diagnostics.map { $0.rendered(lines: lines) }
        let n = errors.count
        parts.append("\(file): \(n) error\(n == 1 ? "" : "s"); the plan was not loaded")
        return parts.joined(separator: "\n")
    }
}
