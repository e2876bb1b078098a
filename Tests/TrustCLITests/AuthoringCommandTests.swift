// `trustctl init`, `add` and `edit`: what their arguments accept and refuse (parsing only; the
// built binary on a pseudo-terminal and real files is Tests/Scripts/plan-authoring.sh).
import ArgumentParser
import Testing
@testable import TrustCLI

@Suite struct AuthoringCommandTests {
    @Test func addTakesItsFlags() throws {
        let add = try AddCommand.parse([
            "commitment", "Call Sam", "--at", "weekdays at 7pm", "--to", "Sam", "--why", "So Sam knows", "--ask", "Did you call?",
            "--target", "3/week", "--deadline", "2h", "--id", "call", "--dry-run", "--plan", "/tmp/p.yaml",
        ])
        #expect(add.kind == "commitment" && add.title == "Call Sam" && add.at == "weekdays at 7pm")
        #expect(add.to == "Sam" && add.target == "3/week" && add.deadline == "2h" && add.id == "call" && add.dryRun)
        #expect(add.planOptions.planPath(environment: [:]) == "/tmp/p.yaml")
    }

    @Test(arguments: [
        (["promise", "X", "--at", "daily 9:00"], "KIND must be 'commitment'"),
        (["boundary", "X", "--at", "daily 9:00", "--target", "3/week"], "--target applies to commitments only"),
        (["commitment", "X", "--at", "daily 9:00", "--id", "Not An Id"], "is not an item id"),
        (["commitment", "  ", "--at", "daily 9:00"], "TITLE must say what the promise is"),
        (["commitment", "Two\nlines", "--at", "daily 9:00"], "TITLE must be one line"),
        (["commitment", "X"], "Missing expected argument '--at <WHEN>'"),
    ])
    func addRefuses(arguments: [String], message: String) {
        do {
            _ = try AddCommand.parse(arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            #expect(AddCommand.message(for: error).contains(message), "\(AddCommand.message(for: error))")
        }
    }

    @Test func initTakesItsFlags() throws {
        let command = try InitCommand.parse(["--to", "Sam", "--timezone", "Europe/Berlin", "--force", "--no-questions"])
        #expect(command.to == "Sam" && command.timezone == "Europe/Berlin" && command.force && command.noQuestions)
        let plain = try InitCommand.parse([])
        #expect(plain.to == nil && !plain.force && !plain.noQuestions)
    }

    @Test func initAndAddAndEditAreSubcommands() throws {
        for name in ["init", "add", "edit"] {
            #expect(TrustCtl.configuration.subcommands.contains { $0.configuration.commandName == name })
        }
    }
}
