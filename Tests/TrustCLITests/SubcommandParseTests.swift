// trustctl's short way into a subcommand (issue 15: TrustCtl.parseSubcommand skips the library's
// throwaway completion-script parsers): a line it takes is parsed to the same command, field for
// field, as `parseAsRoot` on trustctl parses it; help, the version, completions and every error
// are left to `parseAsRoot`, so what those print is unchanged.
import ArgumentParser
import Testing

@testable import TrustCLI

/// The command and every parsed field, as `dump` writes them.
private func dumped(_ command: ParsableCommand) -> String {
    var text = ""
    dump(command, to: &text)
    return text
}

@Suite struct SubcommandParseTests {
    @Test func everySubcommandNamesTrustctlAsItsSuperCommand() {
        // Without it the library runs its completion-script parsers again and the short way is refused.
        for subcommand in TrustCtl.configuration.subcommands {
            #expect(subcommand.configuration._superCommandName == "trustctl", "\(subcommand._commandName)")
        }
        #expect(!TrustCtl.configuration.subcommands.isEmpty)
    }

    @Test(arguments: [
        ["calendar", "Mon..Fri 19:00"],
        ["calendar", "--iterations", "3", "--json", "--base-time=@1795604400", "daily", "Sun 18:00"],
        ["report", "--json", "--store", "/x/ledger.sqlite", "--plan", "/x/plan.yaml"],
        ["answer", "call-home", "kept", "--note", "we talked", "--store", "/x/l.sqlite"],
        ["answer", "call-home", "missed", "--at", "2026-12-01 19:30"],
        ["export", "--format", "csv", "-o", "/x/out.csv", "--since", "2026-01-01", "a", "b"],
        ["history", "call-home", "--limit", "5", "--events"],
        ["check", "--json", "--plan", "/x/plan.yaml"],
        ["pending"],
        ["verify", "--store", "/x/l.sqlite"],
        ["import", "loop", "backup.db", "--plan", "/x/plan.yaml"],
        ["share", "write", "--with-notes", "--week", "this", "--out", "/x/digest.html"],
        ["import"],  // a group without its subcommand: both run ImportCommand, which prints its help
        ["calendar", "--", "-h"],  // "-h" as an expression, not a help request
    ])
    func theShortWayParsesWhatTheLongWayParses(_ line: [String]) throws {
        let long = try TrustCtl.parseAsRoot(line)
        let short = try #require(TrustCtl.parseSubcommand(line))
        #expect(type(of: short) == type(of: long))
        #expect(dumped(short) == dumped(long))
    }

    @Test(arguments: [
        [],  // no subcommand
        ["nosuch", "x"],  // not a subcommand: the long way's error
        ["help", "calendar"],  // the help subcommand
        ["--version"],
        ["calendar", "--help"],
        ["calendar", "-h"],
        ["report", "-help"],
        ["import", "loop", "--help"],
        ["calendar", "--generate-completion-script", "bash"],
        ["calendar", "--generate-completion-script=zsh"],
        ["---completion", "calendar", "--", "positional@0", "0", "0"],
        ["report", "--experimental-dump-help"],
        ["calendar"],  // validate(): no expression
        ["calendar", "--iterations", "-1", "daily"],  // validate(): a negative count
        ["calendar", "--nope", "daily"],  // an unknown option
        ["answer", "call-home"],  // a missing argument
        ["export", "--format"],  // a missing value
        ["calendar", "--version", "daily"],  // trustctl's version: calendar has none
    ])
    func theLongWayHasTheRest(_ line: [String]) {
        #expect(TrustCtl.parseSubcommand(line) == nil)
    }
}
