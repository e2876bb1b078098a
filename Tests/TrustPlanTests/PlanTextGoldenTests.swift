// `trustctl add`'s text insertion, against golden files in Tests/Golden/plan-add: NAME.before.yaml
// plus one item must give NAME.after.yaml byte for byte, and taking the inserted lines out again
// must give the original bytes (nothing the person wrote was rewritten). Set
// TRUST_UPDATE_GOLDEN=1 to write the .after files (then read them before committing).
import Foundation
import Testing
import TrustCore
@testable import TrustPlan

@Suite struct PlanTextGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden/plan-add").path
    static let now = Date(timeIntervalSince1970: 1_796_083_200)  // 2026-12-01 00:00 UTC

    static let call = NewPlanItem(
        kind: .commitment, id: "call-mum", title: "Call Mum: Sundays", to: "Mum", why: "She worries, and #1 she's alone",
        at: ["Sun 18:00"], atPhrase: "every Sunday 18:00", target: nil, deadline: "3h")
    static let phone = NewPlanItem(
        kind: .boundary, id: "no-phone-in-bed", title: "No phone in bed", ask: "Did the phone stay out of the bedroom?",
        at: ["*-*-* 22:30"], atPhrase: "daily 22:30")
    static let twice = NewPlanItem(
        kind: .commitment, id: "check-in", title: "Check in, honestly", at: ["*-*-* 09:30", "*-*-* 21:00"],
        atPhrase: "twice a day at 9:30 and 21:00", target: "5/week")

    static let cases: [(name: String, item: NewPlanItem)] = [
        ("example", call),
        ("example-boundary", phone),
        ("crlf", call),
        ("comments-quoting", twice),
        ("flow", call),
        ("flow-empty", phone),
        ("missing-section", phone),
        ("null-section", call),
        ("indentless", twice),
    ]

    @Test(arguments: cases)
    func addMatchesGolden(name: String, item: NewPlanItem) throws {
        let before = try String(contentsOfFile: "\(Self.directory)/\(name).before.yaml", encoding: .utf8)
        let added: PlanText.Addition
        do {
            added = try PlanText.adding(
                item, to: before, file: "\(name).yaml", defaultTimeZone: TimeZone(identifier: "UTC")!, now: Self.now)
        } catch {
            Issue.record("\(name): \(error)")
            return
        }
        let afterPath = "\(Self.directory)/\(name).after.yaml"
        if ProcessInfo.processInfo.environment["TRUST_UPDATE_GOLDEN"] == "1" {
            try added.text.write(toFile: afterPath, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOfFile: afterPath, encoding: .utf8)
        #expect(added.text.utf8.elementsEqual(golden.utf8), "\(name): differs from \(afterPath); got:\n\(added.text)")
        // Only an insertion: the original bytes around it are untouched.
        let range = try #require(added.text.range(of: added.inserted))
        var removed = added.text
        removed.removeSubrange(range)
        #expect(removed.utf8.elementsEqual(before.utf8), "\(name): the text around the insertion changed")
        // CRLF plans get CRLF lines (and the CRLF fixture still has them: see .gitattributes).
        if name == "crlf" { #expect(before.utf8.count == before.replacingOccurrences(of: "\r\n", with: "\n").utf8.count + 78) }
        if before.contains("\r\n") {
            #expect(!added.inserted.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        }
        // The result is a valid plan holding the new item with its values.
        let plan = try PlanReader.parse(yaml: added.text, file: name, defaultTimeZone: .current, now: Self.now).get()
        let new = try #require(plan.items.first { $0.id.rawValue == item.id })
        #expect(new.title == item.title && new.kind == item.kind && new.to == item.to && new.why == item.why)
        if let ask = item.ask { #expect(new.ask == ask) }
        #expect(new.schedule.map(\.original) == item.at)
    }

    @Test func planWithErrorsIsRefused() throws {
        let before = try String(contentsOfFile: "\(Self.directory)/errors.before.yaml", encoding: .utf8)
        do {
            _ = try PlanText.adding(Self.call, to: before, file: "errors.yaml", defaultTimeZone: .current, now: Self.now)
            Issue.record("a plan with errors was added to")
        } catch {
            #expect(error.message.contains("the plan has errors; nothing was added"))
            #expect(error.description.contains("errors.yaml:6:21: error: invalid calendar expression 'Mon..Fri 19:61'"))
        }
    }

    @Test func duplicateIDIsRefused() throws {
        let before = try String(contentsOfFile: "\(Self.directory)/example.before.yaml", encoding: .utf8)
        var item = Self.call
        item.id = "exercise"
        #expect(throws: PlanEditError.self) {
            try PlanText.adding(item, to: before, file: "p.yaml", defaultTimeZone: .current, now: Self.now)
        }
    }

    @Test(arguments: [
        ("Call Sam when I'm away", ["call-sam-when-i-m-away"], "call-sam-when-i-m-away-2"),
        ("Call Sam!", [], "call-sam"),
        ("¡¿!", [], "promise"),
        ("Exercise", ["exercise", "exercise-2"], "exercise-3"),
        ("A very long title that goes on and on about what the promise is", [], "a-very-long-title-that-goes-on-and-on"),
    ])
    func derivedIDs(title: String, existing: [String], expected: String) {
        #expect(PlanText.derivedID(title: title, existing: Set(existing.map { ItemID($0) })) == expected)
    }

    @Test(arguments: [
        ("Call Sam", "Call Sam"), ("21:00", "'21:00'"), ("yes", "'yes'"), ("a: b", "'a: b'"), ("#1", "'#1'"),
        ("it's", "it's"), ("*-*-* 21:30", "'*-*-* 21:30'"), ("Mon..Fri 19:00", "Mon..Fri 19:00"),
    ])
    func scalarsAreQuotedWhereYAMLNeedsIt(value: String, expected: String) {
        #expect(PlanText.scalar(value) == expected)
    }
}
