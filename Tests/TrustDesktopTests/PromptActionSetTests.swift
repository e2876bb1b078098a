import SystemdKit
import Testing
import TrustCore
import TrustDesktop

/// The action set each real server gets (what their GetServerInformation and GetCapabilities
/// answer, from /work/shared/notes/desktop-servers.md and gnome-shell-headless.md).
@Suite struct PromptActionSetTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var vendor: String
        var capabilities: [String]
        var layout: PromptActionSet.Layout
        var inlineReply: Bool
        var testDescription: String { "\(name) (\(vendor))" }
    }

    static let cases: [Case] = [
        Case(
            name: "gnome-shell", vendor: "GNOME",
            capabilities: ["actions", "body", "body-markup", "icon-static", "persistence", "sound"],
            layout: .threeWithMore, inlineReply: false),
        Case(
            name: "Plasma", vendor: "KDE", capabilities: ["actions", "body", "body-hyperlinks", "inline-reply", "persistence"],
            layout: .four, inlineReply: true),
        Case(
            name: "dunst", vendor: "knopwob",
            capabilities: ["actions", "body", "body-markup", "synchronous", "x-dunst-stack-tag"], layout: .four,
            inlineReply: false),
        Case(name: "mako", vendor: "emersion", capabilities: ["actions", "body", "body-markup"], layout: .four, inlineReply: false),
        Case(
            name: "SwayNotificationCenter", vendor: "ErikReider",
            capabilities: ["actions", "body", "body-markup", "inline-reply", "persistence"], layout: .four, inlineReply: true),
        Case(
            name: "Xfce Notify Daemon", vendor: "Xfce",
            capabilities: ["actions", "action-icons", "body", "body-hyperlinks", "body-markup", "icon-static"], layout: .four,
            inlineReply: false),
        // notification-daemon's vendor is GNOME too, but it is not the Shell: it draws four buttons.
        Case(
            name: "Notification Daemon", vendor: "GNOME", capabilities: ["actions", "body", "persistence", "sound"],
            layout: .four, inlineReply: false),
        Case(name: "lxqt-notificationd", vendor: "lxqt.org", capabilities: ["actions", "body"], layout: .four, inlineReply: false),
        // Without `actions` nothing is clickable, whoever the server is; a reply field needs actions too.
        Case(name: "gnome-shell", vendor: "GNOME", capabilities: ["body", "inline-reply"], layout: .terminal, inlineReply: false),
        Case(name: "trustd-test-server", vendor: "trustd", capabilities: ["body"], layout: .terminal, inlineReply: false),
    ]

    @Test(arguments: cases)
    func eachServerGetsItsSet(c: Case) {
        let set = PromptActionSet.choose(name: c.name, vendor: c.vendor, capabilities: NotificationCapabilities(c.capabilities))
        #expect(set.layout == c.layout)
        #expect(set.inlineReply == c.inlineReply)
        // Only the three-button layout needs the body click. `resident` goes to it (pages turn in
        // place) and to every server with actions that keeps notifications (`persistence`).
        #expect(set.bodyClick == (c.layout == .threeWithMore))
        let keeps = c.layout == .four && c.capabilities.contains("persistence")
        #expect(set.resident == (c.layout == .threeWithMore || keeps))
        #expect(set.reason.contains(c.layout == .terminal ? "trustctl answer" : c.name))
    }

    static let call = Item(id: "evening-call", kind: .commitment, title: "Call", schedule: [], snooze: 15 * 60)
    static let gnome = NotificationServer(
        name: "gnome-shell", vendor: "GNOME", version: "43.9", specVersion: "1.2",
        capabilities: NotificationCapabilities(["actions", "body", "body-markup", "persistence"]), busName: ":1.1")
    static let plasma = NotificationServer(
        name: "Plasma", vendor: "KDE", version: "5.27", specVersion: "1.2",
        capabilities: NotificationCapabilities(["actions", "body", "inline-reply"]), busName: ":1.2")

    @Test(arguments: [
        (PromptPage.main, ["kept", "missed", "more", "default"], ["Kept", "Missed", "More…"]),
        (.more, ["skipped", "snooze", "back", "default"], ["Skip", "Snooze 15 min", "Back"]),
    ])
    func gnomeGetsTwoPagesOfThreeButtons(page: PromptPage, keys: [String], labels: [String]) {
        var p = CheckInPrompt(item: Self.call, discreet: false, server: Self.gnome)
        p.page = page
        #expect(p.actions.map(\.key) == keys)
        #expect(Array(p.actions.prefix(3).map(\.label)) == labels)
        #expect(p.hints.resident == true)
        #expect(p.hints.replyPlaceholder == nil)
    }

    @Test(arguments: [
        ("more", PromptPage.main, PromptPage?.some(.more)), ("back", .more, .main), ("default", .main, .more),
        ("default", .more, .main), ("kept", .main, nil), ("inline-reply", .main, nil), ("bogus", .more, nil),
    ])
    func keysTurnPagesOnlyOnTheThreeButtonLayout(key: String, from: PromptPage, to: PromptPage?) {
        #expect(PromptActionSet.choose(for: Self.gnome).page(after: key, on: from) == to)
        #expect(PromptActionSet.choose(for: Self.plasma).page(after: key, on: from) == nil)
    }

    @Test func plasmaGetsFourButtonsAndAReplyField() {
        let p = CheckInPrompt(item: Self.call, discreet: false, server: Self.plasma)
        #expect(p.actions.map(\.key) == ["kept", "missed", "skipped", "snooze", "inline-reply"])
        #expect(p.hints.replyPlaceholder == CheckInPrompt.replyPlaceholder)
        #expect(p.hints.resident == nil)
        let hints = p.hints.busValue
        #expect(hints.entry("x-kde-reply-placeholder-text") == .variant(.string(CheckInPrompt.replyPlaceholder)))
    }

    /// The application identity: the hints name the installed desktop file and icon.
    @Test func everyPromptNamesTheDesktopEntryAndIcon() {
        for server in [Self.gnome, Self.plasma] {
            let hints = CheckInPrompt(item: Self.call, discreet: true, server: server).hints.busValue
            #expect(hints.entry("desktop-entry") == .variant(.string("trustd")))
            #expect(hints.entry("image-path") == .variant(.string("trustd")))
        }
    }
}

extension BusValue {
    /// The value of `key` in an `a{sv}` (nil when absent).
    func entry(_ key: String) -> BusValue? {
        guard case .dictionary(_, _, let entries) = self else { return nil }
        return entries.first { $0.key == .string(key) }?.value
    }
}
