// The plainest command lines, read without swift-argument-parser (issue 15). The library builds its
// parser by reflection on every run: for a short command that is most of the process's own work
// (`perf record` of `trustctl calendar`: a quarter of it; of `trustctl answer`: an eighth). The
// commands people type most (`calendar`, `answer`) read a line made only of long options and
// positional words here; any other line (short options, `--`, a value that starts with '-', an
// option given twice, help, anything the command's `validate()` refuses) is the library's, so what
// help, usage and every error print stays the library's own. PlainParseTests checks each command's
// plain reading against the library's parse of the same line, field for field.

/// A command line of long options (`--name VALUE`, `--name=VALUE`), long flags (`--name`) and
/// positional words (not starting with '-'), each option and flag at most once.
struct PlainLine {
    private(set) var values: [(name: String, value: String)] = []
    private(set) var flags: [String] = []
    private(set) var positionals: [String] = []

    /// Nil unless every word is one of those, with `options` the names that take a value and `flags`
    /// the names that do not (both with their dashes); a value may be neither empty nor start with '-'.
    init?(_ words: ArraySlice<String>, options: [String], flags: [String]) {
        var index = words.startIndex
        while index < words.endIndex {
            let word = words[index]
            index += 1
            guard word.hasPrefix("-") else {
                positionals.append(word)
                continue
            }
            let (name, inline) = Self.split(word)
            if flags.contains(name) {
                guard inline == nil, !self.flags.contains(name) else { return nil }
                self.flags.append(name)
            } else if options.contains(name) {
                let value: String
                if let inline {
                    value = inline
                } else {
                    guard index < words.endIndex else { return nil }
                    value = words[index]
                    index += 1
                }
                guard !value.isEmpty, !value.hasPrefix("-"), self.value(name) == nil else { return nil }
                values.append((name, value))
            } else {
                return nil
            }
        }
    }

    /// The value of the option `name` (with its dashes), nil when the line does not give it.
    func value(_ name: String) -> String? { values.first { $0.name == name }?.value }

    /// Whether the line gives the flag `name` (with its dashes).
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// `--name=value` as ("--name", "value"); any other word as (word, nil).
    static func split(_ word: String) -> (name: String, inline: String?) {
        guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
        return (String(word[..<equals]), String(word[word.index(after: equals)...]))
    }
}
