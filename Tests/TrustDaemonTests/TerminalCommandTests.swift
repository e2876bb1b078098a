import Testing
import TrustCore

@testable import TrustDaemon

@Suite struct TerminalCommandTests {
    @Test(arguments: [
        ("k", TerminalCommand.act(.only, .answer(.kept), note: nil)),
        ("  kept  ", .act(.only, .answer(.kept), note: nil)),
        ("M", .act(.only, .answer(.missed), note: nil)),
        ("missed  forgot,  again ", .act(.only, .answer(.missed), note: "forgot,  again")),
        ("s", .act(.only, .answer(.skipped), note: nil)),
        ("skipped ill", .act(.only, .answer(.skipped), note: "ill")),
        ("z", .act(.only, .snooze, note: nil)),
        ("later", .act(.only, .snooze, note: nil)),
        ("12 k", .act(.occurrence(12), .answer(.kept), note: nil)),
        ("#12 k from the hotel", .act(.occurrence(12), .answer(.kept), note: "from the hotel")),
        ("evening-call kept", .act(.item("evening-call"), .answer(.kept), note: nil)),
        ("no-phone-at-dinner slipped the boss called", .act(.item("no-phone-at-dinner"), .answer(.missed), note: "the boss called")),
        ("", .empty),
        ("   ", .empty),
        ("help", .help),
        ("?", .help),
        ("pending", .pending),
        ("p", .pending),
        ("Evening kept", .invalid("`Evening` is neither an answer nor a check-in; type `help`")),
        ("12", .invalid("what about 12? Add kept, missed, skipped or snooze")),
        ("done", .invalid("`done` is not an answer: type k, m, s or z (kept, missed, skip, snooze), or `help`")),
        ("exercise done", .invalid("`done` is not an answer: use kept, missed, skipped or snooze (k, m, s, z)")),
        ("z tomorrow", .invalid("snooze takes no note")),
        ("0 k", .invalid("there is no check-in #0")),
    ])
    func parses(line: String, expected: TerminalCommand) {
        #expect(TerminalCommand.parse(line) == expected)
    }
}
