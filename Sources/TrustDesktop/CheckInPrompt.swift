import TrustCore

/// The buttons of a check-in. The keys are stable (they come back in `ActionInvoked`); the
/// labels read naturally for the kind of promise.
public enum PromptAction: String, Sendable, CaseIterable, Hashable {
    case kept
    case missed
    case skipped
    case snooze

    /// The key sent as the action (`kept`, `missed`, `skipped`, `snooze`).
    public var key: String { rawValue }

    /// The action for an `ActionInvoked` key, nil for keys that are not ours (`default`).
    public init?(key: String) { self.init(rawValue: key) }

    /// The answer this action records; nil for `snooze`.
    public var answer: Answer? {
        switch self {
        case .kept: .kept
        case .missed: .missed
        case .skipped: .skipped
        case .snooze: nil
        }
    }

    /// "Kept"/"Missed" for a commitment, "Held"/"Slipped" for a boundary; discreet prompts
    /// use "Kept"/"Missed" for both so the label does not tell which kind it is.
    public func label(for kind: ItemKind, discreet: Bool = false, snooze: Double = PlanDefaults.snooze) -> String {
        switch (self, discreet ? .commitment : kind) {
        case (.kept, .commitment): "Kept"
        case (.kept, .boundary): "Held"
        case (.missed, .commitment): "Missed"
        case (.missed, .boundary): "Slipped"
        case (.skipped, _): "Skip"
        case (.snooze, _): "Snooze \(CheckInPrompt.duration(snooze))"
        }
    }
}

/// What a check-in notification says, built from the plan item, the discreet setting and
/// what the server can show.
public struct CheckInPrompt: Sendable, Hashable {
    public var summary: String
    public var body: String
    /// Empty when the server cannot show buttons (the body then says how to answer).
    public var actions: [NotificationAction]
    public var hints: NotificationHints
    public var expiration: Expiration

    /// The category hint of every check-in (a vendor category, as the specification asks).
    public static let category = "x-trustd.check-in"

    /// - Parameters:
    ///   - item: the commitment or boundary.
    ///   - discreet: neutral wording (no title, reason or person) and the `transient` hint,
    ///     so notification histories keep nothing intimate.
    ///   - capabilities: the server's; without `actions` the body carries the terminal
    ///     command that answers, and markup is used only with `body-markup`.
    public init(item: Item, discreet: Bool, capabilities: NotificationCapabilities) {
        let markup = capabilities.bodyMarkup
        func text(_ s: String) -> String { markup ? CheckInPrompt.escapeMarkup(s) : s }
        func emphasis(_ s: String) -> String { markup ? "<i>\(CheckInPrompt.escapeMarkup(s))</i>" : s }
        func command(_ s: String) -> String { markup ? "<b>\(CheckInPrompt.escapeMarkup(s))</b>" : s }

        var lines: [String] = []
        if discreet {
            summary = "Check-in due"
            lines.append(text("A check-in is waiting for your answer."))
        } else {
            summary = item.ask
            if let to = item.to, !to.isEmpty {
                lines.append(text(item.kind == .commitment ? "A promise to \(to)." : "A boundary, for \(to)."))
            }
            if let why = item.why, !why.isEmpty { lines.append(emphasis(why)) }
        }
        if capabilities.actions {
            actions = PromptAction.allCases.map {
                NotificationAction(key: $0.key, label: $0.label(for: item.kind, discreet: discreet, snooze: item.snooze))
            }
        } else {
            actions = []
            if discreet {
                lines.append(text("Answer in a terminal: ") + command("trustctl pending"))
            } else {
                lines.append(
                    text("Answer in a terminal: ") + command("trustctl answer \(item.id) kept")
                        + text(" (or missed, skipped)"))
            }
        }
        body = lines.joined(separator: "\n")
        hints = NotificationHints(
            urgency: .normal, category: CheckInPrompt.category, desktopEntry: "trustd",
            transient: discreet ? true : nil)
        // A check-in stays until answered; the daemon closes it at the deadline.
        expiration = .never
    }

    /// The `Notify` request (replacing an earlier notification for the same occurrence).
    public func request(replacing: NotificationID? = nil, appName: String = "trustd") -> NotificationRequest {
        NotificationRequest(
            appName: appName, replaces: replacing, summary: summary, body: body, actions: actions, hints: hints,
            expiration: expiration)
    }

    /// `&`, `<`, `>` as entities, for servers that parse body markup.
    public static func escapeMarkup(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }

    /// "15 min", "1 h", "1 h 30 min".
    static func duration(_ seconds: Double) -> String {
        let minutes = max(1, Int((seconds / 60).rounded()))
        if minutes < 60 { return "\(minutes) min" }
        let (h, m) = minutes.quotientAndRemainder(dividingBy: 60)
        return m == 0 ? "\(h) h" : "\(h) h \(m) min"
    }
}
