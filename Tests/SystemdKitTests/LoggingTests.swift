import Foundation
import Logging
import SystemdKit
import Testing
import TrustTestSupport

/// Records journal entries, or refuses them like an absent journal.
final class RecordingJournal: JournalSink, @unchecked Sendable {
    // Confinement: guarded by `lock`.
    private let lock = NSLock()
    private var _entries: [[JournalField]] = []
    let refuses: Bool
    init(refuses: Bool = false) { self.refuses = refuses }
    var entries: [[JournalField]] { lock.withLock { _entries } }
    func send(_ fields: [JournalField]) throws {
        if refuses { throw SystemdError(operation: "Writing to the journal", code: .noEntry) }
        lock.withLock { _entries.append(fields) }
    }
}

@Suite struct LoggingTests {
    static func dict(_ fields: [JournalField]) -> [String: String] {
        Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    @Test func journalEntriesCarryPriorityIdentifierAndTrustFields() {
        let journal = RecordingJournal()
        let lines = Mailbox<String>()
        let handler = TrustLogging.makeHandler(
            label: "trustd.scheduler", stderrIsJournal: true, sink: journal, write: { lines.post($0) })
        var logger = Logger(label: "trustd.scheduler", factory: { _ in handler })
        logger[metadataKey: "run"] = "42"
        logger.warning(
            "Prompt for evening-call could not be shown",
            metadata: ["item": "evening-call", "occurrence": "1234", "retry-in": "5 s"])
        let entry = Self.dict(journal.entries.first ?? [])
        #expect(entry["MESSAGE"] == "Prompt for evening-call could not be shown")
        #expect(entry["PRIORITY"] == "4")
        #expect(entry["SYSLOG_IDENTIFIER"] == "trustd")
        #expect(entry["TRUST_ITEM"] == "evening-call")
        #expect(entry["TRUST_OCCURRENCE"] == "1234")
        #expect(entry["TRUST_RETRY_IN"] == "5 s")
        #expect(entry["TRUST_RUN"] == "42")
        #expect(entry["CODE_FILE"]?.hasSuffix("LoggingTests.swift") == true)
        #expect(entry["CODE_LINE"].flatMap(Int.init) != nil)
        #expect(lines.all.isEmpty)
    }

    @Test(arguments: [
        (Logger.Level.trace, "7"), (.debug, "7"), (.info, "6"), (.notice, "5"), (.warning, "4"), (.error, "3"),
        (.critical, "2"),
    ])
    func prioritiesFollowSyslog(level: Logger.Level, priority: String) {
        let fields = JournalLogHandler.fields(
            level: level, message: "m", metadata: [:], identifier: "trustd", file: "f", function: "g", line: 1)
        #expect(Self.dict(fields)["PRIORITY"] == priority)
    }

    @Test func multiLineMessagesStayOneEntryAndOddKeysAreSanitized() {
        let fields = JournalLogHandler.fields(
            level: .info, message: "line one\nline two", metadata: ["_private": "a", "9lives": "b", "späß": "c", "": "d"],
            identifier: "trustd", file: "f", function: "g", line: 1)
        let d = Self.dict(fields)
        #expect(d["MESSAGE"] == "line one\nline two")
        #expect(d["TRUST_PRIVATE"] == "a")
        #expect(d["TRUST_LIVES"] == "b")
        #expect(d["TRUST_SP_SS"] == "c")
        #expect(fields.allSatisfy { JournalField.isValidName($0.name) })
    }

    @Test func whenTheJournalRefusesTheEntryGoesToStderrWithAPriorityPrefix() {
        let lines = Mailbox<String>()
        let handler = TrustLogging.makeHandler(
            label: "t", stderrIsJournal: true, sink: RecordingJournal(refuses: true), write: { lines.post($0) })
        let logger = Logger(label: "t", factory: { _ in handler })
        logger.error("Store is locked", metadata: ["item": "evening-call"])
        #expect(lines.all == ["<3>Store is locked item=evening-call\n"])
    }

    @Test func outsideSystemdLinesHaveLevelWords() {
        let lines = Mailbox<String>()
        let journal = RecordingJournal()
        let handler = TrustLogging.makeHandler(label: "t", stderrIsJournal: false, sink: journal, write: { lines.post($0) })
        let logger = Logger(label: "t", factory: { _ in handler })
        logger.warning("Plan changed", metadata: ["path": "/home/a b/plan.yaml"])
        logger.info("two\nlines")
        logger.debug("hidden at the default level")
        #expect(lines.all == ["warning: Plan changed path=\"/home/a b/plan.yaml\"\n", "info: two\n    lines\n"])
        #expect(journal.entries.isEmpty)
    }

    @Test func journalStreamMustNameOurStderr() {
        #expect(!Journal.isStandardErrorJournal(environment: [:]))
        #expect(!Journal.isStandardErrorJournal(environment: ["JOURNAL_STREAM": "garbage"]))
        var st = stat()
        #expect(fstat(2, &st) == 0)
        #expect(Journal.isStandardErrorJournal(environment: ["JOURNAL_STREAM": "\(st.st_dev):\(st.st_ino)"]))
        #expect(!Journal.isStandardErrorJournal(environment: ["JOURNAL_STREAM": "\(st.st_dev):\(st.st_ino + 1)"]))
    }

    @Test func theRealJournalEitherTakesTheEntryOrSaysWhy() throws {
        let fields = [JournalField("MESSAGE", "trustd test entry")!, JournalField("SYSLOG_IDENTIFIER", "trustd-test")!]
        if FileManager.default.fileExists(atPath: "/run/systemd/journal/socket") {
            try Journal.send(fields)
        } else {
            let error = #expect(throws: SystemdError.self) { try Journal.send(fields) }
            #expect(error?.description == "Writing to the journal (/run/systemd/journal/socket) failed: No such file or directory")
        }
    }

    @Test(arguments: [("occurrence-id", "OCCURRENCE_ID"), ("item", "ITEM"), ("__x", "X"), ("123", nil), ("", nil)])
    func fieldNames(raw: String, sanitized: String?) {
        #expect(JournalField.sanitizedName(raw) == sanitized)
    }
}
