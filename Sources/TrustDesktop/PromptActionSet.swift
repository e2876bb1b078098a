/// Which actions a check-in gets on a server: chosen once per server from what it says it is
/// (`GetServerInformation`) and can do (`GetCapabilities`). Pure: `choose` is table-tested.
public struct PromptActionSet: Sendable, Hashable {
    public enum Layout: String, Sendable, Hashable, CaseIterable {
        /// Kept / Missed / Skip / Snooze as four actions (buttons, or the menu of dunst and mako).
        case four
        /// Kept / Missed / More…; More… shows Skip / Snooze / Back as a new notification (the
        /// daemon closes the one clicked). For servers that draw at most three buttons (GNOME Shell).
        case threeWithMore = "three-with-more"
        /// No actions: the body names the `trustctl answer` command.
        case terminal
    }

    public var layout: Layout
    /// Adds the `inline-reply` action (a reply field; its text becomes a note, never an answer).
    public var inlineReply: Bool
    /// Sends the `default` action (a click on the body): on the three-button layout it turns
    /// the page, so every answer is also two body clicks away. Not sent to other servers,
    /// because xfce4-notifyd and lxqt-notificationd draw `default` as one more button.
    public var bodyClick: Bool
    /// Sends `resident`: the notification stays after an action, so what follows it (the snooze
    /// notice, a celebration) updates it in place (`replaces_id`) instead of a closed notification
    /// being followed by a new one. trustd closes or replaces it after every action, so it never
    /// lingers. Sent to every server with actions that keeps notifications (`persistence`, GNOME
    /// Shell among them); others close after an action whatever it says.
    public var resident: Bool
    /// Why this set, in one sentence (for `trustctl doctor` and the log).
    public var reason: String

    public init(layout: Layout, inlineReply: Bool, bodyClick: Bool, resident: Bool, reason: String) {
        self.layout = layout
        self.inlineReply = inlineReply
        self.bodyClick = bodyClick
        self.resident = resident
        self.reason = reason
    }

    /// The set for a server. GNOME Shell (`gnome-shell`, vendor `GNOME`) draws at most three
    /// buttons (`MAX_NOTIFICATION_BUTTONS = 3` in messageTray.js); a server without `actions`
    /// gets none; every other server with `actions` gets all four (dunst and mako list them in
    /// their menu). `inline-reply` adds the reply field wherever offered.
    public static func choose(name: String, vendor: String, capabilities: NotificationCapabilities) -> PromptActionSet {
        guard capabilities.actions else {
            return PromptActionSet(
                layout: .terminal, inlineReply: false, bodyClick: false, resident: false,
                reason: "the server does not offer actions, so the body names the trustctl answer command")
        }
        let reply = capabilities.inlineReply
        let replyNote = reply ? "; a reply field adds a note (inline-reply)" : ""
        if name.lowercased() == "gnome-shell" {
            return PromptActionSet(
                layout: .threeWithMore, inlineReply: reply, bodyClick: true, resident: true,
                reason:
                    "\(name) (\(vendor)) draws at most three buttons: Kept, Missed and More…, which shows Skip, Snooze and Back in a new notification (a click on the body does the same)\(replyNote)"
            )
        }
        let keeps = capabilities.persistence
        return PromptActionSet(
            layout: .four, inlineReply: reply, bodyClick: false, resident: keeps,
            reason:
                "\(name) (\(vendor)) offers actions: all four answers as buttons or in its menu\(replyNote)\(keeps ? "; it keeps notifications (persistence), so what follows an answer updates it in place (resident)" : "")"
        )
    }

    public static func choose(for server: NotificationServer) -> PromptActionSet {
        choose(name: server.name, vendor: server.vendor, capabilities: server.capabilities)
    }

    /// Before the server has been asked: four actions if the capabilities say so.
    public static func choose(capabilities: NotificationCapabilities) -> PromptActionSet {
        choose(name: "the notification server", vendor: "unknown", capabilities: capabilities)
    }

    /// The page an action key turns to (`more`, `back`, or a body click on the three-button
    /// layout), nil when the key does not turn a page.
    public func page(after key: String, on page: PromptPage) -> PromptPage? {
        guard layout == .threeWithMore else { return nil }
        switch key {
        case PromptPage.moreKey: return .more
        case PromptPage.backKey: return .main
        case "default" where bodyClick: return page == .main ? .more : .main
        default: return nil
        }
    }
}

/// Which page of a three-button prompt shows.
public enum PromptPage: String, Sendable, Hashable, CaseIterable {
    /// Kept / Missed / More….
    case main
    /// Skip / Snooze / Back.
    case more

    public static let moreKey = "more"
    public static let backKey = "back"
}
