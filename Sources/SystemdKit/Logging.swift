import Foundation
import Logging

/// Where journal entries go: the real journal, or a test recorder.
public protocol JournalSink: Sendable {
    /// Throws when the journal is unavailable.
    func send(_ fields: [JournalField]) throws
}

/// The systemd journal (`sd_journal_sendv`).
public struct SystemJournal: JournalSink {
    public init() {}
    public func send(_ fields: [JournalField]) throws { try Journal.send(fields) }
}

/// A swift-log backend writing structured journal entries: `MESSAGE`, `PRIORITY`,
/// `SYSLOG_IDENTIFIER`, `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, and each metadata key as a
/// `TRUST_` field (`item` → `TRUST_ITEM`, `occurrence` → `TRUST_OCCURRENCE`), so that
/// `journalctl --user -u trustd TRUST_ITEM=evening-call` finds one promise's history.
/// When the journal refuses an entry, it goes to `fallback` instead (nothing is lost).
public struct JournalLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let identifier: String
    public let label: String
    private let sink: any JournalSink
    private let fallback: StderrLogHandler

    public init(
        label: String, identifier: String = "trustd", sink: any JournalSink = SystemJournal(),
        fallback: StderrLogHandler? = nil, metadataProvider: Logger.MetadataProvider? = nil
    ) {
        self.label = label
        self.identifier = identifier
        self.sink = sink
        self.fallback = fallback ?? StderrLogHandler(label: label, style: .syslogPrefix)
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = LogFormatting.merge(metadata, metadataProvider?.get(), event.metadata)
        let fields = JournalLogHandler.fields(
            level: event.level, message: event.message.description, metadata: merged, error: event.error,
            identifier: identifier, file: event.file, function: event.function, line: event.line)
        do {
            try sink.send(fields)
        } catch {
            var fallback = self.fallback
            fallback.logLevel = .trace
            fallback.metadata = metadata
            fallback.metadataProvider = metadataProvider
            fallback.log(event: event)
        }
    }

    /// The journal entry for one log event (pure, so it can be tested without a journal).
    public static func fields(
        level: Logger.Level, message: String, metadata: Logger.Metadata, error: (any Error)? = nil,
        identifier: String, file: String, function: String, line: UInt
    ) -> [JournalField] {
        var out: [JournalField] = []
        func add(_ name: String, _ value: String) {
            if let f = JournalField(name, value) { out.append(f) }
        }
        add("MESSAGE", message)
        add("PRIORITY", String(LogFormatting.syslogPriority(level)))
        add("SYSLOG_IDENTIFIER", identifier)
        add("CODE_FILE", file)
        add("CODE_LINE", String(line))
        add("CODE_FUNC", function)
        if let error { add("TRUST_ERROR", String(describing: error)) }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            guard let name = JournalField.sanitizedName(key) else { continue }
            add("TRUST_" + name, LogFormatting.render(value))
        }
        return out
    }
}

/// A swift-log backend for standard error, one line per entry.
///
/// `.plain` (a terminal): `warning: the plan changed item=evening-call`.
/// `.syslogPrefix` (stderr connected to the journal, the native protocol unavailable):
/// `<4>the plan changed item=evening-call` — systemd reads the priority from the prefix.
public struct StderrLogHandler: LogHandler {
    public enum Style: Sendable, Hashable {
        case plain
        case syslogPrefix
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    public let label: String
    public let style: Style
    private let write: @Sendable (String) -> Void

    /// - Parameter write: receives each complete line (with its newline); standard error by default.
    public init(
        label: String, style: Style = .plain, metadataProvider: Logger.MetadataProvider? = nil,
        write: @escaping @Sendable (String) -> Void = StderrLogHandler.writeToStandardError
    ) {
        self.label = label
        self.style = style
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = LogFormatting.merge(metadata, metadataProvider?.get(), event.metadata)
        write(
            StderrLogHandler.line(
                level: event.level, message: event.message.description, metadata: merged, error: event.error,
                style: style))
    }

    public static func line(
        level: Logger.Level, message: String, metadata: Logger.Metadata, error: (any Error)? = nil, style: Style
    ) -> String {
        var text = message
        if let error { text += ": \(error)" }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            text += " \(key)=\(LogFormatting.quoted(LogFormatting.render(value)))"
        }
        // One entry per line: continuation lines are indented, not new entries.
        text = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ")
        switch style {
        case .plain: return "\(LogFormatting.word(level)): \(text)\n"
        case .syslogPrefix: return "<\(LogFormatting.syslogPriority(level))>\(text)\n"
        }
    }

    /// One `write(2)` per line, so lines from several threads do not interleave.
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
        bytes.removeAll()
    }
}

/// Choosing and installing the log backend of trustd.
public enum TrustLogging {
    /// Journal when standard error is systemd's journal stream (`JOURNAL_STREAM` names it),
    /// stderr with level words otherwise.
    public static func makeHandler(
        label: String, identifier: String = "trustd", stderrIsJournal: Bool, sink: any JournalSink = SystemJournal(),
        level: Logger.Level = .info, write: @escaping @Sendable (String) -> Void = StderrLogHandler.writeToStandardError
    ) -> any LogHandler {
        if stderrIsJournal {
            var h = JournalLogHandler(
                label: label, identifier: identifier, sink: sink,
                fallback: StderrLogHandler(label: label, style: .syslogPrefix, write: write))
            h.logLevel = level
            return h
        }
        var h = StderrLogHandler(label: label, style: .plain, write: write)
        h.logLevel = level
        return h
    }

    /// Bootstraps swift-log once per process (call from `main` only).
    public static func bootstrap(
        identifier: String = "trustd", level: Logger.Level = .info,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        let journal = Journal.isStandardErrorJournal(environment: environment)
        LoggingSystem.bootstrap { label in
            makeHandler(label: label, identifier: identifier, stderrIsJournal: journal, level: level)
        }
    }
}

enum LogFormatting {
    /// syslog priorities (`PRIORITY=`): trace and debug are 7, critical is 2.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func word(_ level: Logger.Level) -> String {
        switch level {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .notice: "notice"
        case .warning: "warning"
        case .error: "error"
        case .critical: "critical"
        }
    }

    static func merge(_ layers: Logger.Metadata?...) -> Logger.Metadata {
        var out: Logger.Metadata = [:]
        for layer in layers {
            if let layer { out.merge(layer) { _, new in new } }
        }
        return out
    }

    static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let s): s
        case .stringConvertible(let c): c.description
        case .array(let a): "[" + a.map(render).joined(separator: ", ") + "]"
        case .dictionary(let d): "{" + d.sorted { $0.key < $1.key }.map { "\($0.key): \(render($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// A value with spaces or quotes is quoted for `key=value` output.
    static func quoted(_ s: String) -> String {
        if !s.isEmpty, !s.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" || $0.isNewline }) { return s }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
