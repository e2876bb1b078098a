// Errors of the import readers: each names the file (and, for text formats, the line) and says
// what to do. Nothing has been written when one is thrown: the readers only read.
import Foundation

public struct ImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in (as given, or `archive.zip/001 Walk/Checkmarks.csv`).
    public var file: String
    /// 1-based line, for text formats.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `log:12: error: …`, the form compilers use, so editors can jump to it.
    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): error: \(message)"
    }
}

/// Reading whole files, with errors that name them.
enum SourceFile {
    static func read(_ path: String) throws(ImportError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ImportError(file: path, "no such file")
        }
        guard !isDirectory.boolValue else { throw ImportError(file: path, "is a directory, not a file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ImportError(file: path, "cannot be read: \((error as NSError).localizedDescription)")
        }
    }

    static func text(_ data: Data, path: String) throws(ImportError) -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw ImportError(file: path, "is not UTF-8 text")
        }
        return text
    }

    /// Lines with their 1-based numbers; `\r\n` and `\n` both end a line.
    static func lines(_ text: String) -> [(number: Int, text: Substring)] {
        var out: [(Int, Substring)] = []
        var n = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            n += 1
            out.append((n, line.last == "\r" ? line.dropLast() : line))
        }
        if let last = out.last, last.1.isEmpty { out.removeLast() }
        return out
    }
}
