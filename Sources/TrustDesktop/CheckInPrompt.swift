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
    /// The actions this server gets (`PromptActionSet.choose`).
    public let actionSet: PromptActionSet
    /// The page showing (only the three-button layout has two).
    public var page: PromptPage = .main
    /// The label of each answer, for this item's kind.
    private let labels: [PromptAction: String]
    public var hints: NotificationHints
    public var expiration: Expiration

    /// The category hint of every check-in (a vendor category, as the specification asks).
    public static let category = "x-trustd.check-in"
    /// The application's identity: `trustd.desktop` (the `desktop-entry` hint) and its icon
    /// `trustd` (the `image-path` hint), both installed by Scripts/install from Config/desktop.
    public static let desktopEntry = "trustd"
    public static let iconName = "trustd"
    /// The `inline-reply` action's key and the reply field's placeholder.
    public static let replyKey = "inline-reply"
    public static let replyPlaceholder = "A note on this check-in (not an answer)"

    /// Empty when the server cannot show buttons (the body then says how to answer). On the
    /// three-button layout, the main page is Kept / Missed / More…, the other Skip / Snooze / Back.
    public var actions: [NotificationAction] {
        func action(_ a: PromptAction) -> NotificationAction { NotificationAction(key: a.key, label: labels[a] ?? a.key) }
        var out: [NotificationAction]
        switch (actionSet.layout, page) {
        case (.terminal, _): return []
        case (.four, _): out = PromptAction.allCases.map(action)
        case (.threeWithMore, .main):
            out = [action(.kept), action(.missed), NotificationAction(key: PromptPage.moreKey, label: "More…")]
        case (.threeWithMore, .more):
            out = [action(.skipped), action(.snooze), NotificationAction(key: PromptPage.backKey, label: "Back")]
        }
        if actionSet.bodyClick { out.append(NotificationAction(key: "default", label: "More")) }
        if actionSet.inlineReply { out.append(NotificationAction(key: Self.replyKey, label: "Note")) }
        return out
    }

    /// The same prompt on the server chosen by `server` (its name, vendor and capabilities).
    public init(item: Item, discreet: Bool, server: NotificationServer) {
        self.init(item: item, discreet: discreet, capabilities: server.capabilities, actionSet: .choose(for: server))
    }

    /// - Parameters:
    ///   - item: the commitment or boundary.
    ///   - discreet: neutral wording (no title, reason or person) and the `transient` hint,
    ///     so notification histories keep nothing intimate.
    ///   - capabilities: the server's; without `actions` the body carries the terminal
    ///     command that answers, and markup is used only with `body-markup`.
    ///   - actionSet: which actions (default: chosen from the capabilities alone).
    public init(
        item: Item, discreet: Bool, capabilities: NotificationCapabilities, actionSet: PromptActionSet? = nil
    ) {
        let actionSet = actionSet ?? .choose(capabilities: capabilities)
        self.actionSet = actionSet
        var labels: [PromptAction: String] = [:]
        for a in PromptAction.allCases { labels[a] = a.label(for: item.kind, discreet: discreet, snooze: item.snooze) }
        self.labels = labels
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
        if actionSet.layout == .terminal {
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
            urgency: .normal, category: CheckInPrompt.category, desktopEntry: CheckInPrompt.desktopEntry,
            resident: actionSet.resident ? true : nil, transient: discreet ? true : nil,
            imagePath: CheckInPrompt.iconName,
            replyPlaceholder: actionSet.inlineReply ? CheckInPrompt.replyPlaceholder : nil)
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
