// The plain lines of `trustctl calendar` and `trustctl answer` (issue 15: PlainLine reads long options
// and positional words without the library's reflection): a line a command takes is what the library
// parses from it, field for field; every other line is the library's, so what help, the version and
// every error print is unchanged.
import ArgumentParser
import Foundation
import Testing

@testable import TrustCLI

/// The library's parse of a calendar line, as a request; nil when the library refuses the line.
/// The command and every parsed field, as `dump` writes them.
private func dumped(_ command: ParsableCommand) -> String {
    var text = ""
    dump(command, to: &text)
    return text
}

/// Every line of up to `length` words from `alphabet`.
private func lines(of alphabet: [String], upTo length: Int) -> [[String]] {
    var lines: [[String]] = [[]]
    var frontier: [[String]] = [[]]
    for _ in 0..<length {
        frontier = frontier.flatMap { line in alphabet.map { line + [$0] } }
        lines += frontier
    }
    return lines
}

private func libraryRequest(_ words: [String]) -> CalendarCommand.Request? {
    (try? CalendarCommand.parseAsRoot(words) as? CalendarCommand)?.request
}

@Suite struct PlainParseTests {
    @Test(arguments: [
        ["Mon..Fri 19:00"],
        ["--base-time=@1795604400", "Mon..Fri 19:00"],
        ["--base-time", "2026-12-01 10:00", "daily", "weekly"],
        ["--iterations", "3", "--json", "--base-time=@1795604400", "daily", "Sun 18:00"],
        ["daily", "--iterations=0", "*-*-* 07:30"],
        ["--iterations", "+2", "daily"],
        ["--json", "Sat 10:00 Europe/Berlin"],
        ["--base-time=@1.5", "x-y"],  // a bad value is the command's to report, as the library leaves it
        ["nonsense"],  // as is a bad expression
    ])
    func aPlainLineAsksForWhatTheLibraryParses(_ words: [String]) throws {
        let plain = try #require(CalendarCommand.parsePlain(words[...]))
        #expect(plain == libraryRequest(words))
    }

    @Test(arguments: [
        [],  // validate(): no expression
        ["--iterations", "-1", "daily"],  // a negative count (validate(), or an option-like value)
        ["--iterations=-1", "daily"],
        ["--iterations", "x", "daily"],  // not a number
        ["--iterations", "daily"],  // the value is missing: the library's error
        ["--json=yes", "daily"],
        ["--json", "--json", "daily"],  // given twice
        ["--base-time=@1", "--base-time=@2", "daily"],
        ["--base-time"],
        ["--base-time=", "daily"],
        ["--", "-h"],  // the terminator: left to the library
        ["-h"], ["--help"], ["--version", "daily"], ["--generate-completion-script", "bash"],
        ["-", "daily"], ["--nope", "daily"], ["-j", "daily"],
    ])
    func everyOtherLineIsTheLibrarys(_ words: [String]) {
        #expect(CalendarCommand.parsePlain(words[...]) == nil)
    }

    /// Every line of up to four words from options, values and expressions that look alike: the plain
    /// reading of each it takes is the library's, and it takes at least the lines written without a
    /// dash but the options'.
    @Test func everyShortLineAgreesWithTheLibrary() {
        let alphabet = [
            "daily", "Mon 19:00", "--json", "--iterations", "--iterations=2", "2", "-2", "--base-time",
            "--base-time=@5", "@5", "--", "-h", "--json=1", "",
        ]
        var taken = 0
        for line in lines(of: alphabet, upTo: 4) {
            guard let plain = CalendarCommand.parsePlain(line[...]) else { continue }
            taken += 1
            #expect(plain == libraryRequest(line), "\(line)")
        }
        // Sanity of the walk: it met the plain lines (a parser that takes nothing passes the loop).
        #expect(taken > 1_000)
    }

    @Test(arguments: [
        ["call-home", "kept"],
        ["call-home", "missed", "--note", "we talked", "--store", "/x/l.sqlite"],
        ["--store=/x/l.sqlite", "call-home", "skipped", "--at", "2026-12-01 19:30"],
        ["call-home", "--occurrence", "42", "kept", "--note=late, but we did"],
        ["call-home", "kept", "--occurrence=+7"],
    ])
    func aPlainAnswerIsWhatTheLibraryParses(_ words: [String]) throws {
        let plain = try #require(AnswerCommand.parsePlain(words[...]))
        #expect(dumped(plain) == dumped(try AnswerCommand.parseAsRoot(words)))
    }

    @Test(arguments: [
        ["call-home"],  // the answer is missing
        ["call-home", "kept", "extra"],
        ["call-home", "maybe"],  // validate(): not an answer
        ["Call-Home", "kept"],  // validate(): not an item id
        ["call-home", "kept", "--at", "yesterday-ish"],  // validate(): not a time
        ["call-home", "kept", "--note", "-sorry"],  // a value starting with '-': the library decides
        ["call-home", "kept", "--note", ""],
        ["call-home", "kept", "--note", "a", "--note", "b"],
        ["call-home", "kept", "--occurrence", "x"],
        ["call-home", "kept", "-h"], ["call-home", "kept", "--help"], ["--", "call-home", "kept"],
        ["call-home", "kept", "--nope"], ["call-home", "kept", "--store"],
    ])
    func everyOtherAnswerLineIsTheLibrarys(_ words: [String]) {
        #expect(AnswerCommand.parsePlain(words[...]) == nil)
    }

    /// As for calendar: every line of up to four words from look-alike words.
    @Test func everyShortAnswerLineAgreesWithTheLibrary() throws {
        let alphabet = [
            "call", "kept", "missed", "--note", "hi", "--note=a b", "--occurrence", "5", "--at", "2026-12-01 10:00",
            "--store", "-n", "--", "",
        ]
        var taken = 0
        for line in lines(of: alphabet, upTo: 4) {
            guard let plain = AnswerCommand.parsePlain(line[...]) else { continue }
            taken += 1
            let library = try #require(try? AnswerCommand.parseAsRoot(line), "\(line)")
            #expect(dumped(plain) == dumped(library), "\(line)")
        }
        #expect(taken > 100)
    }

    @Test func trustctlRunsAPlainCalendarLineAndNothingElse() {
        #expect(TrustCtl.parsePlain(["calendar", "daily"]) != nil)
        #expect(TrustCtl.parsePlain(["calendar", "--help"]) == nil)
        #expect(TrustCtl.parsePlain(["calendar"]) == nil)
        #expect(TrustCtl.parsePlain(["report", "daily"]) == nil)
        #expect(TrustCtl.parsePlain(["answer", "call", "kept"]) != nil)
        #expect(TrustCtl.parsePlain(["answer", "call", "kept", "-h"]) == nil)
        #expect(TrustCtl.parsePlain(["daily"]) == nil)
        #expect(TrustCtl.parsePlain([]) == nil)
    }

    @Test(arguments: [
        ("@5", true), ("2026-12-01 10:00", true), ("a", true), ("~", true), ("", false), (" @5", false),
        ("@5\t", false), ("\u{a0}@5", false), ("@5\u{2003}", false), ("é", false), ("\u{7f}", false),
    ])
    func trimmedWords(_ text: String, _ trimmed: Bool) {
        #expect(BaseTime.isTrimmed(text) == trimmed)
        // Whatever it says, the base time reads as Foundation's trimming reads it.
        if trimmed { #expect(text.trimmingCharacters(in: .whitespaces) == text) }
    }

    @Test func theBaseTimeIsTrimmedAsBefore() {
        #expect(BaseTime.parse(" @1795604400\t") == 1_795_604_400_000_000)
        #expect(BaseTime.parse("\u{2003}@1795604400\u{a0}") == 1_795_604_400_000_000)
        #expect(BaseTime.parse("@1795604400") == 1_795_604_400_000_000)
    }
}
