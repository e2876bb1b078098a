import Testing
import TrustCore

/// User text shown in a terminal: control characters are written out, never sent as such.
@Suite struct DisplayTextTests {
    @Test(arguments: [
        ("Call Sam", "Call Sam"),
        ("Café ☕ 日本 👋🏽", "Café ☕ 日本 👋🏽"),
        ("line\nnext", "line\\nnext"),
        ("a\tb\rc", "a\\tb\\rc"),
        ("\u{1B}[2J\u{1B}]0;title\u{07}", "\\x1B[2J\\x1B]0;title\\x07"),
        ("\u{00}\u{7F}\u{85}\u{9B}", "\\x00\\x7F\\x85\\x9B"),
        ("\u{A0}nbsp", "\u{A0}nbsp"),
    ])
    func controlCharactersAreWrittenOut(text: String, shown: String) {
        #expect(DisplayText.terminal(text) == shown)
    }
}
