import Dispatch
import Foundation
import SystemdKit
import TrustCore

/// One finding of `trustctl doctor`: what was checked, how it stands, what to do.
public struct DoctorCheck: Sendable, Hashable, Encodable {
    public enum Status: String, Sendable, Hashable, Encodable {
        case ok
        case warning
        case error
        /// Not checked because something it depends on failed.
        case skipped
    }

    /// A stable key for scripts: `session-bus`, `notification-server`, `plan`, `store`, `unit`, `test-notification`.
    public var id: String
    public var title: String
    public var status: Status
    /// One line: what was found.
    public var summary: String
    /// What to do about it (nil when nothing needs doing).
    public var remedy: String?
    /// Facts for `--json` (address, server name, capabilities, paths, modes…).
    public var facts: [String: DoctorFact]

    public init(
        id: String, title: String, status: Status, summary: String, remedy: String? = nil,
        facts: [String: DoctorFact] = [:]
    ) {
        self.id = id
        self.title = title
        self.status = status
        self.summary = summary
        self.remedy = remedy
        self.facts = facts
    }
}

/// A JSON value in a check's facts.
public enum DoctorFact: Sendable, Hashable, Encodable {
    case text(String)
    case flag(Bool)
    case number(Int)
    case list([String])

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .text(let s): try c.encode(s)
        case .flag(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .list(let l): try c.encode(l)
        }
    }
}

/// The desktop half of `trustctl doctor`: the session bus, the notification server, and a
/// test notification, through the same client trustd uses.
public final class DesktopDoctor: Sendable {
    public let address: String?
    private let client: NotificationClient?
    private let events: EventLog?

    /// - Parameter address: the bus address (tests, `--bus`); the session bus of
    ///   `environment` otherwise.
    public init(address: String? = nil, environment: [String: String]) {
        let resolved = address ?? BusAddress.sessionAddress(environment: environment)
        self.address = resolved
        if let resolved {
            let client = NotificationClient(
                address: .address(resolved), deliveryQueue: DispatchQueue(label: "trustctl.doctor"),
                backoff: Backoff(initial: .seconds(3600), maximum: .seconds(3600)), callTimeout: .seconds(5))
            let events = EventLog()
            client.setEventHandler { events.post($0) }
            self.client = client
            self.events = events
            client.start()
        } else {
            self.client = nil
            self.events = nil
        }
    }

    public func shutdown() { client?.shutdown() }

    /// The server found, once `checkBusAndServer` has run.
    private let found = Locked<NotificationServer>()

    /// Whether the session bus answers, and who (if anyone) shows notifications on it.
    public func checkBusAndServer(timeout: Duration = .seconds(10)) async -> [DoctorCheck] {
        let busTitle = "Session bus"
        let serverTitle = "Notification server"
        guard let address, let events else {
            return [
                DoctorCheck(
                    id: "session-bus", title: busTitle, status: .error,
                    summary: "not found: DBUS_SESSION_BUS_ADDRESS and XDG_RUNTIME_DIR are both unset",
                    remedy:
                        "Run trustd as a user service inside your desktop session (systemctl --user), or export DBUS_SESSION_BUS_ADDRESS"),
                skipped("notification-server", serverTitle, "the session bus is not reachable"),
            ]
        }
        let first = await events.next(timeout: timeout) { _ in true }
        switch first {
        case .busLost(let error, _):
            return [
                DoctorCheck(
                    id: "session-bus", title: busTitle, status: .error,
                    summary: error.message,  // "Connecting to <address> failed: <why> (<D-Bus error>)"
                    remedy:
                        "Check that a D-Bus session bus runs for your user (systemctl --user status dbus, or your desktop's) and that DBUS_SESSION_BUS_ADDRESS points at it",
                    facts: ["address": .text(address)]),
                skipped("notification-server", serverTitle, "the session bus is not reachable"),
            ]
        case .serverAppeared(let server):
            found.set(server)
            let caps = server.capabilities
            var facts: [String: DoctorFact] = [
                "name": .text(server.name), "vendor": .text(server.vendor), "version": .text(server.version),
                "spec-version": .text(server.specVersion), "capabilities": .list(caps.raw.sorted()),
                "actions": .flag(caps.actions), "body-markup": .flag(caps.bodyMarkup),
                "persistence": .flag(caps.persistence), "inline-reply": .flag(caps.inlineReply),
            ]
            facts["bus-name"] = .text(server.busName)
            let summary =
                "\(server.name) \(server.version) (\(server.vendor)), specification \(server.specVersion); capabilities: \(caps.raw.isEmpty ? "none" : caps.description)"
            let serverCheck =
                caps.actions
                ? DoctorCheck(id: "notification-server", title: serverTitle, status: .ok, summary: summary, facts: facts)
                : DoctorCheck(
                    id: "notification-server", title: serverTitle, status: .warning,
                    summary: summary + " — no action buttons",
                    remedy:
                        "Check-ins will show the terminal command instead of buttons (trustctl answer ITEM kept); a server with actions (dunst, mako, GNOME, KDE) answers with one click",
                    facts: facts)
            return [busOK(address), serverCheck, Self.actionsCheck(server)]
        case .serverVanished:
            return [
                busOK(address),
                DoctorCheck(
                    id: "notification-server", title: serverTitle, status: .error,
                    summary: "No notification server answers for org.freedesktop.Notifications",
                    remedy:
                        "Start one (dunst, mako, xfce4-notifyd, or your desktop's own); until then check-ins wait in trustctl pending"),
            ]
        default:
            return [
                DoctorCheck(
                    id: "session-bus", title: busTitle, status: .error,
                    summary: "No answer from \(address) within \(timeout)",
                    remedy: "The bus or the notification server is hung; restart your session's D-Bus or notification server",
                    facts: ["address": .text(address)]),
                skipped("notification-server", serverTitle, "the session bus did not answer"),
            ]
        }
    }

    /// Sends a test check-in with the check-in buttons and reports what the person picked,
    /// or that nothing came within `timeout` (the notification is then withdrawn).
    public func sendTestNotification(timeout: Duration) async -> DoctorCheck {
        let title = "Test notification"
        guard let client, let events, let server = found.get() else {
            return skipped("test-notification", title, "no notification server to send to")
        }
        let caps = server.capabilities
        var body = "Pick any answer to see that answers reach trustd. Nothing is recorded."
        if !caps.actions { body = "This server shows no buttons: check-ins will say which trustctl command answers them." }
        // The actions a check-in gets on this server (its first page), without the body click.
        let item = Item(id: "test", kind: .commitment, title: "test", schedule: [])
        let prompt = CheckInPrompt(item: item, discreet: false, server: server)
        var hints = prompt.hints
        hints.transient = true
        let request = NotificationRequest(
            summary: "trustd: test check-in", body: body, actions: prompt.actions.filter { $0.key != "default" },
            hints: hints, expiration: .never)
        let id: NotificationID
        do {
            id = try await client.notify(request)
        } catch {
            return DoctorCheck(
                id: "test-notification", title: title, status: .error, summary: error.message,
                remedy: "The server refused the notification; restart it and run trustctl doctor --send again")
        }
        let event = await events.next(timeout: timeout) { e in
            switch e {
            case .actionInvoked(let i, _), .closed(let i, _), .replied(let i, _): i == id
            case .serverVanished, .busLost: true
            default: false
            }
        }
        var facts: [String: DoctorFact] = ["id": .number(Int(id.rawValue))]
        switch event {
        case .actionInvoked(_, let key):
            facts["action"] = .text(key)
            let label = prompt.actions.first { $0.key == key }?.label ?? key
            try? await client.close(id)
            return DoctorCheck(
                id: "test-notification", title: title, status: .ok,
                summary: "Notification \(id) shown; you picked “\(label)” (\(key)): answers reach trustd", facts: facts)
        case .replied(_, let text):
            facts["reply"] = .text(text)
            return DoctorCheck(
                id: "test-notification", title: title, status: .ok,
                summary: "Notification \(id) shown; you replied “\(text)”", facts: facts)
        case .closed(_, let reason):
            facts["closed"] = .text(String(describing: reason))
            return DoctorCheck(
                id: "test-notification", title: title, status: caps.actions ? .warning : .ok,
                summary: "Notification \(id) shown, then \(reason)" + (caps.actions ? " without an answer" : ""),
                remedy: caps.actions ? "Pick one of the buttons (Kept, Missed, Skip, Snooze) next time" : nil,
                facts: facts)
        case .serverVanished, .busLost:
            return DoctorCheck(
                id: "test-notification", title: title, status: .error,
                summary: "The notification server went away while waiting for an answer",
                remedy: "Restart your notification server", facts: facts)
        default:
            try? await client.close(id)
            return DoctorCheck(
                id: "test-notification", title: title, status: .warning,
                summary: "Notification \(id) shown; no answer within \(timeout)",
                remedy: caps.actions
                    ? "If you saw no notification, your server may be in do-not-disturb mode; if you saw no buttons, it may hide actions (dunst: dunstctl context)"
                    : nil,
                facts: facts)
        }
    }

    /// Which actions check-ins get on `server`, and why (`PromptActionSet.choose`).
    public static func actionsCheck(_ server: NotificationServer) -> DoctorCheck {
        let set = PromptActionSet.choose(for: server)
        let item = Item(id: "x", kind: .commitment, title: "x", schedule: [])
        var prompt = CheckInPrompt(item: item, discreet: false, capabilities: server.capabilities, actionSet: set)
        func labels() -> String {
            prompt.actions.filter { $0.key != "default" && $0.key != CheckInPrompt.replyKey }.map(\.label)
                .joined(separator: " / ")
        }
        var shown = set.layout == .terminal ? "no buttons" : labels()
        if set.layout == .threeWithMore {
            prompt.page = .more
            shown += ", then " + labels()
        }
        if set.inlineReply { shown += ", and a reply field for a note" }
        return DoctorCheck(
            id: "check-in-actions", title: "Check-in actions", status: .ok, summary: "\(shown): \(set.reason)",
            facts: [
                "layout": .text(set.layout.rawValue), "actions": .list(prompt.actions.map(\.key)),
                "inline-reply": .flag(set.inlineReply), "body-click": .flag(set.bodyClick),
                "resident": .flag(set.resident), "reason": .text(set.reason),
            ])
    }

    private func busOK(_ address: String) -> DoctorCheck {
        DoctorCheck(
            id: "session-bus", title: "Session bus", status: .ok, summary: address, facts: ["address": .text(address)])
    }

    private func skipped(_ id: String, _ title: String, _ why: String) -> DoctorCheck {
        DoctorCheck(id: id, title: title, status: .skipped, summary: "not checked: \(why)")
    }

}

/// The events the doctor's client reported, consumed in order by successive waits.
private final class EventLog: @unchecked Sendable {
    // Confinement: every `var` is guarded by `lock`.
    private let lock = NSLock()
    private var events: [NotifierEvent] = []
    private var cursor = 0
    private var waiter: (token: Int, predicate: @Sendable (NotifierEvent) -> Bool, continuation: CheckedContinuation<NotifierEvent?, Never>)?
    private var tokens = 0

    func post(_ event: NotifierEvent) {
        lock.lock()
        events.append(event)
        var ready: CheckedContinuation<NotifierEvent?, Never>?
        if let w = waiter, w.predicate(event) {
            cursor = events.count
            waiter = nil
            ready = w.continuation
        }
        lock.unlock()
        ready?.resume(returning: event)
    }

    /// The first event not yet consumed that satisfies `predicate` (earlier ones are
    /// consumed), or nil after `timeout`.
    func next(timeout: Duration, where predicate: @escaping @Sendable (NotifierEvent) -> Bool) async -> NotifierEvent? {
        await withCheckedContinuation { (c: CheckedContinuation<NotifierEvent?, Never>) in
            lock.lock()
            if let i = events[cursor...].firstIndex(where: predicate) {
                cursor = i + 1
                let e = events[i]
                lock.unlock()
                c.resume(returning: e)
                return
            }
            tokens += 1
            let token = tokens
            waiter = (token, predicate, c)
            lock.unlock()
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout.dispatchInterval) {
                self.lock.lock()
                var expired: CheckedContinuation<NotifierEvent?, Never>?
                if let w = self.waiter, w.token == token {
                    self.waiter = nil
                    expired = w.continuation
                }
                self.lock.unlock()
                expired?.resume(returning: nil)
            }
        }
    }
}
