// trustctl share / share verify / share key, in process on a real ledger file: the signed weekly
// digest, its continuity from week to week, and each way of tampering with it failing its own check.
import ArgumentParser
import Foundation
import Testing
import TrustCore
import TrustReport
import TrustStore
import TrustTestSupport

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import TrustCLI

private let berlin = TimeZone(identifier: "Europe/Berlin")!

private func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

/// Three weeks of one evening call (2026-11-23 to 2026-12-13) in a ledger in a private directory.
private final class ShareFixture: Sendable {
    let dir: String
    let ledger: String
    static let now = at("2026-12-14T10:00:00+01:00")

    init() throws {
        dir = try TemporaryDirectory.make(prefix: "trust-cli-share-tests")
        ledger = dir + "/state/ledger.sqlite"
        let store = try TrustStore(path: ledger)
        // (day, its answer — nil: left unanswered — and note)
        let days: [(String, Answer?, String?)] = [
            ("2026-11-23", .kept, nil), ("2026-11-24", .kept, nil), ("2026-11-25", .missed, "stuck in traffic"),
            ("2026-11-26", .kept, nil), ("2026-11-27", .skipped, "ill"), ("2026-11-28", nil, nil), ("2026-11-29", .kept, nil),
            ("2026-11-30", .kept, "long call <3 & more"), ("2026-12-01", .kept, nil), ("2026-12-02", .missed, nil),
            ("2026-12-08", .kept, nil), ("2026-12-09", .kept, nil),
        ]
        // In the order a person would record them: a late answer to Saturday the 28th on 1 December,
        // a correction of Wednesday the 2nd on the 9th.
        func occurrence(_ day: String) throws -> CheckIn {
            try store.history().first { $0.occurrence.day == DayKey(day)! }!.occurrence
        }
        for (day, answer, note) in days {
            if day == "2026-12-01" {
                try store.answer(occurrence: try occurrence("2026-11-28").id, answer: .kept, channel: .terminal, at: at("2026-12-01T08:00:00+01:00"))
            }
            if day == "2026-12-09" {
                try store.answer(occurrence: try occurrence("2026-12-02").id, answer: .kept, channel: .terminal, at: at("2026-12-09T08:00:00+01:00"))
            }
            let when = at("\(day)T21:30:00+01:00")
            let o = try store.schedule(
                item: "call", kind: .commitment, scheduled: when, zone: "Europe/Berlin", day: DayKey(day)!,
                deadline: when.addingTimeInterval(3 * 3600), at: when.addingTimeInterval(-60))
            if let answer {
                try store.answer(occurrence: o.id, answer: answer, note: note, channel: .terminal, at: when.addingTimeInterval(600))
            } else {
                try store.markUnanswered(occurrence: o.id, at: when.addingTimeInterval(3 * 3600))
            }
        }
    }
    deinit { try? FileManager.default.removeItem(atPath: dir) }

    func page(_ name: String) -> String { dir + "/" + name }

    /// `trustctl share --week WEEK --out FILE …`, returning the page's path.
    @discardableResult
    func share(_ week: String, _ extra: [String] = [], out name: String? = nil) throws -> String {
        let path = page(name ?? "digest-\(week).html")
        let result = try ShareWriteCommand.parse(["--week", week, "--store", ledger, "--plan", dir + "/none.yaml", "--out", path] + extra)
            .execute(now: Self.now, environment: [:], defaultTimeZone: berlin)
        #expect(result.status == 0, "\(result.stderr)")
        return path
    }

    func verify(_ arguments: [String]) throws -> CommandOutput {
        try ShareVerifyCommand.parse(arguments).execute()
    }

    var keyPath: String { dir + "/state/" + ShareKey.fileName }
}

private func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

private func render(_ signed: SignedDigest, key: ShareKey) -> String {
    DigestHTML.render(signed.digest, json: signed.json, signatureJSON: signed.signatureJSON, fingerprint: key.fingerprint)
}

/// The page's digest, changed by `edit` and signed again with `key`.
private func resigned(_ path: String, key: ShareKey, _ edit: (inout WeekDigest) -> Void) throws -> String {
    let signed = try DigestVerifier.verify(page: try read(path), render: { DigestHTML.render($0, json: $1, signatureJSON: $2, fingerprint: $3) }).signed
    var digest = signed.digest
    edit(&digest)
    return render(try key.sign(digest), key: key)
}

@Suite struct ShareCommandTests {
    /// The plan changes adopted in the week are in the digest (signed like the rest), a weakening
    /// marked apart and, when `changes-take-effect` held it, with the day it takes effect.
    @Test func theWeeksPlanChangesAreInTheDigestWeakeningsMarkedAndHeldOnesDated() throws {
        let f = try ShareFixture()
        let store = try TrustStore(path: f.ledger)
        let t = PlanChangesCommandTests.terms
        try store.recordPlanVersion(
            PlanVersion(items: [t("call", 3 * 3600, nil)], changesTakeEffectSeconds: 7 * 86400), at: at("2026-11-24T09:00:00+01:00"))
        try store.recordPlanVersion(
            PlanVersion(items: [t("call", 5 * 3600, nil), t("walk", 3 * 3600, nil)], changesTakeEffectSeconds: 7 * 86400),
            at: at("2026-12-02T09:00:00+01:00"))
        let earlier = try f.share("2026-11-23")
        let page = try f.share("2026-11-30")
        let out = try f.verify([page, "--previous", earlier, "--text"])
        #expect(out.status == 0, "\(out.stderr)")
        let text = out.stdoutText
        #expect(
            text.contains("WEAKENED: call: deadline 3h → 5h (held by changes-take-effect: takes effect 2026-12-09T09:00:00+01:00)"),
            "\(text)")
        #expect(text.contains("strengthened: walk added (*-*-* 21:30:00, 364 check-ins a year)"))
        #expect(!text.contains("the first plan recorded"), "adopted the week before: in that week's digest")
        let before = try f.verify([earlier, "--text"]).stdoutText
        #expect(before.contains("the first plan recorded") && !before.contains("WEAKENED"), "\(before)")
        #expect(try read(page).contains("WEAKENED: call: deadline 3h → 5h"))
    }

    @Test func aDigestIsSignedAndVerifiesWithItsKeyAndLastWeeks() throws {
        let f = try ShareFixture()
        let first = try f.share("2026-11-23")
        let second = try f.share("2026-11-30")
        // Private files: the page, the key (0600) in the ledger's directory (0700).
        for path in [first, second, f.keyPath] {
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600, "\(path)")
        }
        #expect(try FileManager.default.attributesOfItem(atPath: f.dir + "/state")[.posixPermissions] as? Int == 0o700)
        let key = try ShareKeyCommand.parse(["--store", f.ledger]).execute(environment: [:])
        #expect(key.status == 0 && key.stderr.isEmpty, "the key was made by the first share: \(key.stderr)")
        let fingerprint = try #require(key.stdoutText.split(separator: "\n").first { $0.hasPrefix("fingerprint: ") })
            .dropFirst("fingerprint: ".count).trimmingCharacters(in: .whitespaces)
        #expect(fingerprint.count == 19)

        let out = try f.verify([second, "--key", fingerprint, "--previous", first, "--text"])
        #expect(out.status == 0, "\(out.stderr)")
        let text = out.stdoutText
        #expect(text.hasPrefix("verified: \(second)\n"))
        #expect(text.contains("week:      2026-11-30 – 2026-12-06 (Europe/Berlin)"))
        #expect(text.contains("signed by: \(fingerprint) (public key"))
        #expect(text.contains("previous:  continues \(first)"))
        // The plain-text twin: late answers and corrections shown as such, notes private.
        #expect(text.contains("Mon 30 Nov 21:30  kept, answered Mon 30 Nov 21:40 — a note (kept private)"), "\(text)")
        #expect(text.contains("Wed 2 Dec 21:30  missed"))
        // The page: well-formed XHTML, the late answer to Saturday 28 (given this week) listed.
        let page = try read(second)
        let parser = XMLParser(data: Data(page.utf8))
        #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        #expect(page.contains("Answers to earlier days, given this week"))
        #expect(page.contains("call, Sat 28 Nov: <span class=\"state kept\">kept</span> <span class=\"flag\">late</span>"))
        #expect(page.contains("No changes to the plan this week."))
        // The third week continues the second; its correction of Wednesday 2 shows as such.
        let third = try f.share("2026-12-07")
        #expect(try f.verify([third, "--previous", second]).status == 0)
        #expect(try read(third).contains("call, Wed 2 Dec: <span class=\"state kept\">kept</span> <span class=\"flag\">corrected</span>"))
        // The same week written again is the same page but for its time of writing: the same chain.
        let again = try f.share("2026-11-30", out: "again.html")
        #expect(try f.verify([third, "--previous", again]).status == 0)
    }

    @Test func notesAreLeftOutUnlessAskedForAndTheDigestStillVerifies() throws {
        let f = try ShareFixture()
        let without = try read(try f.share("2026-11-23"))
        #expect(!without.contains("traffic"))
        #expect(without.contains("a note (kept private)"))
        #expect(without.contains("\"noteHash\":\""))
        #expect(!without.contains("\"noteSalt\""), "without the salt, a short note cannot be guessed from its hash")
        #expect(try f.verify([f.page("digest-2026-11-23.html")]).status == 0)

        let with = try f.share("2026-11-30", ["--with-notes"], out: "with-notes.html")
        let page = try read(with)
        #expect(page.contains("long call &lt;3 &amp; more"))  // the note, escaped on the page
        #expect(page.contains("long call \\u003c3 \\u0026 more"))  // and in the signed data
        let out = try f.verify([with, "--text"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdoutText.contains("notes:     included, each matching its hash in the chain"))
        #expect(out.stdoutText.contains("— long call <3 & more"))
    }

    enum Tamper: String, CaseIterable, CustomTestStringConvertible {
        case textEditedByHand, dataEditedWithoutSigning, otherKeyPinned, otherKeyThanLastWeek, resignedWithARewrittenAnswer,
            resignedWithAMovedEndHead, resignedWithoutAnEvent, resignedWithoutACheckIn, resignedWithAChangedState,
            resignedReordered, resignedWithAnotherNote, weekSkipped, lastWeekRewritten, sameWeekTwice, notADigest, resignedWithoutANote, resignedWithAnotherNoteShown
        var testDescription: String { rawValue }
    }

    @Test(arguments: Tamper.allCases)
    func tamperingFailsItsOwnCheck(_ tamper: Tamper) throws {
        let f = try ShareFixture()
        let first = try f.share("2026-11-23")
        let second = try f.share("2026-11-30", ["--with-notes"])
        let key = try ShareKey.load(at: f.keyPath, create: false).key
        let other = try ShareKey.load(at: f.dir + "/other/" + ShareKey.fileName, create: true).key
        let forged = f.page("forged.html")
        var arguments = [forged]
        var page = try read(second)
        let expected: String
        switch tamper {
        case .textEditedByHand:
            page = page.replacingOccurrences(of: "<span class=\"state missed\">missed</span>", with: "<span class=\"state kept\">kept</span>")
            expected = "page check failed: the page differs from what its signed data shows"
        case .dataEditedWithoutSigning:
            page = page.replacingOccurrences(of: "\"answer\":\"missed\"", with: "\"answer\":\"kept\"")
            expected = "signature check failed"
        case .otherKeyPinned:
            page = try resigned(second, key: other) { _ in }
            arguments += ["--key", key.fingerprint]
            expected = "key check failed: signed by the key \(other.fingerprint), not the pinned key \(key.fingerprint)"
        case .otherKeyThanLastWeek:
            page = try resigned(second, key: other) { _ in }
            arguments += ["--previous", first]
            expected = "continuity check failed: the previous digest was signed by \(key.fingerprint), this one by \(other.fingerprint)"
        case .resignedWithARewrittenAnswer:
            page = try resigned(second, key: key) { d in
                let i = d.events.firstIndex { $0.answer == "missed" }!
                d.events[i].answer = "kept"
                for j in d.items.indices { for k in d.items[j].checkIns.indices where d.items[j].checkIns[k].state == "missed" { d.items[j].checkIns[k].state = "kept" } }
            }
            expected = "does not hash to its recorded hash: it was rewritten after it was recorded"
        case .resignedWithAMovedEndHead:
            page = try resigned(second, key: key) { d in
                d.events.removeLast()
                d.chain.endSequence -= 1
            }
            expected = "chain check failed: the week's events do not lead to the stated end head"
        case .resignedWithoutAnEvent:
            page = try resigned(second, key: key) { d in d.events.remove(at: 3) }
            expected = "is missing: an event was removed from the week"
        case .resignedWithoutACheckIn:
            page = try resigned(second, key: key) { d in d.items[0].checkIns.removeFirst() }
            expected = "check-in check failed: call on 2026-11-30"
        case .resignedWithAChangedState:
            page = try resigned(second, key: key) { d in
                for j in d.items.indices { for k in d.items[j].checkIns.indices where d.items[j].checkIns[k].state == "missed" { d.items[j].checkIns[k].state = "kept" } }
            }
            expected = "check-in check failed: call on 2026-12-02 is shown kept, but the week's events say missed"
        case .resignedReordered:
            page = try resigned(second, key: key) { d in d.events.swapAt(2, 3) }
            expected = "order check failed"
        case .resignedWithAnotherNote:
            page = try resigned(second, key: key) { d in
                let i = d.events.firstIndex { $0.note != nil }!
                d.events[i].note = "short call"
            }
            expected = "note check failed: the note of event"
        case .weekSkipped:
            page = try read(try f.share("2026-12-07"))
            arguments += ["--previous", first]
            expected = "continuity check failed: the previous digest ends 2026-11-29 and this one starts 2026-12-07: a week was skipped"
        case .lastWeekRewritten:
            // Last week's digest re-signed over a rewritten chain: its end head is not this week's start.
            let rewritten = try resigned(first, key: key) { d in d.chain.endHash = String(repeating: "0", count: 64) }
            try PrivateFile.write(Data(rewritten.utf8), to: f.page("rewritten.html"))
            arguments = [second, "--previous", f.page("rewritten.html")]
            expected = "previous digest fails its own check: chain check failed"
        case .resignedWithoutANote:
            page = try resigned(second, key: key) { d in
                for j in d.items.indices { for k in d.items[j].checkIns.indices { d.items[j].checkIns[k].hasNote = false; d.items[j].checkIns[k].note = nil } }
            }
            expected = "check-in check failed: call on 2026-11-30 is shown without a note, but the week's events say a note"
        case .resignedWithAnotherNoteShown:
            page = try resigned(second, key: key) { d in
                for j in d.items.indices { for k in d.items[j].checkIns.indices where d.items[j].checkIns[k].note != nil { d.items[j].checkIns[k].note = "short call" } }
            }
            expected = "check-in check failed: call on 2026-11-30 is shown with the note 'short call', but the week's events say 'long call <3 & more'"
        case .notADigest:
            page = "<html><body>Trust me, all kept.</body></html>\n"
            expected = "not a trustd digest: no <script id=\"trustd-digest\"> element with the signed data"
        case .sameWeekTwice:
            arguments += ["--previous", second]
            expected = "continuity check failed: the previous digest's week (2026-11-30–2026-12-06) is not before this one's"
        }
        try PrivateFile.write(Data(page.utf8), to: forged)
        let out = try f.verify(arguments)
        #expect(out.status == 1)
        #expect(out.stderr.contains(expected), "\(out.stderr)")
        #expect(out.stderr.contains("NOT VERIFIED"))
        #expect(out.stdout.isEmpty)
        // Unchanged, the same checks pass.
        #expect(try f.verify([second, "--key", key.fingerprint, "--previous", first]).status == 0)
    }

    @Test func theCurrentWeekIsSharedWithAWarningThatItIsNotOver() throws {
        let f = try ShareFixture()
        let path = f.page("now.html")
        let out = try ShareWriteCommand.parse(["--week", "this", "--store", f.ledger, "--plan", f.dir + "/none.yaml", "--out", path])
            .execute(now: at("2026-12-09T12:00:00+01:00"), environment: [:], defaultTimeZone: berlin)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("warning: the week 2026-12-07 – 2026-12-13 is not over"), "\(out.stderr)")
        #expect(try f.verify([path]).status == 0)
    }

    /// Digests this version wrote (Tests/Golden/digest): every later trustctl must still verify
    /// them byte for byte, page included. TRUST_UPDATE_GOLDEN=1 writes them again (only with a new format).
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden/digest").path

    @Test func digestsWrittenByEarlierVersionsStillVerify() throws {
        if ProcessInfo.processInfo.environment["TRUST_UPDATE_GOLDEN"] == "1" {
            let f = try ShareFixture()
            try FileManager.default.createDirectory(atPath: Self.golden, withIntermediateDirectories: true)
            for (week, extra) in [("2026-11-23", [String]()), ("2026-11-30", ["--with-notes"])] {
                let path = try f.share(week, extra)
                try? FileManager.default.removeItem(atPath: "\(Self.golden)/\(week).html")
                try FileManager.default.copyItem(atPath: path, toPath: "\(Self.golden)/\(week).html")
            }
            try (try ShareKey.load(at: f.keyPath, create: false)).key.fingerprint.write(
                toFile: Self.golden + "/fingerprint", atomically: true, encoding: .utf8)
        }
        let fingerprint = try read(Self.golden + "/fingerprint")
        let out = try ShareVerifyCommand.parse(
            ["\(Self.golden)/2026-11-30.html", "--previous", "\(Self.golden)/2026-11-23.html", "--key", fingerprint, "--text"]
        ).execute()
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdoutText.contains("— long call <3 & more"))
    }

    @Test func historyImportedInTheWeekIsCountedNotListed() throws {
        let f = try ShareFixture()
        let store = try TrustStore(path: f.ledger, mode: .readWrite)
        try store.recordImport(
            ImportBatch(
                source: .habitctl, file: "log", sha256: String(repeating: "b", count: 64), zone: berlin, dayStart: .midnight,
                at: at("2026-12-10T09:00:00+01:00"),
                items: [
                    .init(
                        item: "walk", kind: .commitment,
                        checkIns: [
                            ImportCheckIn(day: DayKey("2026-10-01")!, answer: .kept, note: "sunny"),
                            ImportCheckIn(day: DayKey("2026-10-02")!, answer: .missed),
                        ])
                ]))
        let page = try read(try f.share("2026-12-07"))
        #expect(page.contains("<li>2 check-ins of earlier days imported from another tracker (trustctl import)</li>"))
        #expect(!page.contains("walk, "))
        #expect(!page.contains("sunny"))
        #expect(try f.verify([f.page("digest-2026-12-07.html"), "--previous", try f.share("2026-11-30")]).status == 0)
    }

    @Test func aBackdatedAnswerDoesNotMoveABoundaryAlreadyShared() throws {
        let f = try ShareFixture()
        let first = try f.share("2026-11-23")
        // Entered in December, dated in the first week: a note on Wednesday 25 November.
        let store = try TrustStore(path: f.ledger, mode: .readWrite)
        let wednesday = try store.history().first { $0.occurrence.day == DayKey("2026-11-25")! }!.occurrence
        try store.addNote(occurrence: wednesday.id, note: "it was the A9", channel: .terminal, at: at("2026-11-26T09:00:00+01:00"))
        // Shared again, the first week still ends where it did.
        let again = try f.share("2026-11-23", out: "first-again.html")
        let chain = { (path: String) in try DigestVerifier.verify(page: try read(path), render: Self.render).signed.digest.chain }
        #expect(try chain(again) == chain(first))
        let second = try f.share("2026-11-30")
        let third = try f.share("2026-12-07")
        #expect(try f.verify([second, "--previous", first]).status == 0)
        #expect(try f.verify([third, "--previous", second]).status == 0)
        // The note is in the week it was entered in.
        let events = try DigestVerifier.verify(page: try read(third), render: Self.render).signed.digest.events
        #expect(events.last?.type == "noted" && events.last?.occurrence == wednesday.id)
    }

    static func render(_ d: WeekDigest, _ json: String, _ signature: String, _ fingerprint: String) -> String {
        DigestHTML.render(d, json: json, signatureJSON: signature, fingerprint: fingerprint)
    }

    @Test func continuityBreaksWhenTheLedgerBetweenTwoDigestsIsNotTheSame() throws {
        // Two ledgers with the same first week: the second digest of the other ledger does not continue the first.
        let f = try ShareFixture()
        let g = try ShareFixture()
        let first = try f.share("2026-11-23")
        try FileManager.default.copyItem(atPath: f.keyPath, toPath: g.keyPath)
        let second = try g.share("2026-11-30")
        let out = try f.verify([second, "--previous", first])
        #expect(out.status == 1)
        #expect(out.stderr.contains("continuity check failed: this digest's start head"), "\(out.stderr)")
    }

    @Test func theKeyIsMadeOnceAndAnUnreadableKeyIsNotReplaced() throws {
        let f = try ShareFixture()
        #expect(!FileManager.default.fileExists(atPath: f.keyPath))
        let made = try ShareKeyCommand.parse(["--store", f.ledger]).execute(environment: [:])
        #expect(made.status == 0 && made.stderr.contains("created the signing key"))
        let again = try ShareKeyCommand.parse(["--store", f.ledger]).execute(environment: [:])
        #expect(again.stdout == made.stdout && again.stderr.isEmpty)
        try PrivateFile.write(Data("garbage\n".utf8), to: f.keyPath)
        let broken = try ShareWriteCommand.parse(["--store", f.ledger, "--plan", f.dir + "/none.yaml", "--out", f.page("x.html")])
            .execute(now: ShareFixture.now, environment: [:], defaultTimeZone: berlin)
        #expect(broken.status == 1)
        #expect(broken.stderr.contains("\(f.keyPath):1:1: not a trustd signing key"), "\(broken.stderr)")
        #expect(try read(f.keyPath) == "garbage\n")
    }
}
