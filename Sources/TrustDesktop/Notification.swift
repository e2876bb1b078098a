import SystemdKit
import TrustCore

/// The `urgency` hint (a byte on the wire).
public enum Urgency: UInt8, Sendable, Hashable, CaseIterable {
    case low = 0
    case normal = 1
    case critical = 2
}

/// Standard hints of the Desktop Notifications Specification 1.3, sent with their D-Bus types.
public struct NotificationHints: Sendable, Hashable {
    /// `urgency` (`y`).
    public var urgency: Urgency?
    /// `category` (`s`), e.g. `x-trustd.check-in`.
    public var category: String?
    /// `desktop-entry` (`s`): the `.desktop` file name without suffix.
    public var desktopEntry: String?
    /// `resident` (`b`): stays after an action is invoked.
    public var resident: Bool?
    /// `transient` (`b`): bypasses the server's persistence (history).
    public var transient: Bool?
    /// `image-path` (`s`): an icon name or a `file://` URI.
    public var imagePath: String?
    /// `x-kde-reply-placeholder-text` (`s`): the empty reply field's text (KDE Plasma).
    public var replyPlaceholder: String?

    public init(
        urgency: Urgency? = nil, category: String? = nil, desktopEntry: String? = nil, resident: Bool? = nil,
        transient: Bool? = nil, imagePath: String? = nil, replyPlaceholder: String? = nil
    ) {
        self.imagePath = imagePath
        self.replyPlaceholder = replyPlaceholder
        self.urgency = urgency
        self.category = category
        self.desktopEntry = desktopEntry
        self.resident = resident
        self.transient = transient
    }

    /// The `a{sv}` entries, each with its specified type.
    public var busValue: BusValue {
        var d: [String: BusValue] = [:]
        if let urgency { d["urgency"] = .byte(urgency.rawValue) }
        if let category { d["category"] = .string(category) }
        if let desktopEntry { d["desktop-entry"] = .string(desktopEntry) }
        if let resident { d["resident"] = .bool(resident) }
        if let transient { d["transient"] = .bool(transient) }
        if let imagePath { d["image-path"] = .string(imagePath) }
        if let replyPlaceholder { d["x-kde-reply-placeholder-text"] = .string(replyPlaceholder) }
        return .vardict(d)
    }
}

/// One button: the key comes back in `ActionInvoked`, the label is shown.
public struct NotificationAction: Sendable, Hashable {
    public var key: String
    public var label: String
    public init(key: String, label: String) {
        self.key = key
        self.label = label
    }
}

/// How long the server shows a notification.
public enum Expiration: Sendable, Hashable {
    /// The server's default (`-1`).
    case serverDefault
    /// Until closed (`0`).
    case never
    /// After this many milliseconds.
    case milliseconds(Int32)

    var wireValue: Int32 {
        switch self {
        case .serverDefault: -1
        case .never: 0
        case .milliseconds(let ms): max(1, ms)
        }
    }
}

/// Everything `Notify(susssasa{sv}i)` carries.
public struct NotificationRequest: Sendable, Hashable {
    public var appName: String
    /// Replace this notification in place (the server returns the same id).
    public var replaces: NotificationID?
    public var appIcon: String
    public var summary: String
    public var body: String
    public var actions: [NotificationAction]
    public var hints: NotificationHints
    public var expiration: Expiration

    public init(
        appName: String = "trustd", replaces: NotificationID? = nil, appIcon: String = "", summary: String,
        body: String = "", actions: [NotificationAction] = [], hints: NotificationHints = NotificationHints(),
        expiration: Expiration = .serverDefault
    ) {
        self.appName = appName
        self.replaces = replaces
        self.appIcon = appIcon
        self.summary = summary
        self.body = body
        self.actions = actions
        self.hints = hints
        self.expiration = expiration
    }

    /// The eight arguments of `Notify`, in order.
    public var arguments: [BusValue] {
        [
            .string(appName), .uint32(replaces?.rawValue ?? 0), .string(appIcon), .string(summary), .string(body),
            .strings(actions.flatMap { [$0.key, $0.label] }), hints.busValue, .int32(expiration.wireValue),
        ]
    }
}

/// Why a notification closed (`NotificationClosed`'s reason).
public enum CloseReason: Sendable, Hashable, CustomStringConvertible {
    case expired
    case dismissed
    /// By `CloseNotification`.
    case closedByCall
    case undefined
    /// A value outside the specification.
    case other(UInt32)

    public init(rawValue: UInt32) {
        switch rawValue {
        case 1: self = .expired
        case 2: self = .dismissed
        case 3: self = .closedByCall
        case 4: self = .undefined
        default: self = .other(rawValue)
        }
    }

    public var rawValue: UInt32 {
        switch self {
        case .expired: 1
        case .dismissed: 2
        case .closedByCall: 3
        case .undefined: 4
        case .other(let v): v
        }
    }

    public var description: String {
        switch self {
        case .expired: "expired"
        case .dismissed: "dismissed by the user"
        case .closedByCall: "closed by trustd"
        case .undefined: "closed (reason undefined)"
        case .other(let v): "closed (reason \(v))"
        }
    }
}

/// What a notification server can do (`GetCapabilities`).
public struct NotificationCapabilities: Sendable, Hashable, CustomStringConvertible {
    public var raw: Set<String>
    public init(_ raw: some Sequence<String>) { self.raw = Set(raw) }

    public var actions: Bool { raw.contains("actions") }
    public var body: Bool { raw.contains("body") }
    public var bodyMarkup: Bool { raw.contains("body-markup") }
    public var persistence: Bool { raw.contains("persistence") }
    /// KDE's and others' `inline-reply` (answers arrive as `NotificationReplied`).
    public var inlineReply: Bool { raw.contains("inline-reply") }

    /// Sorted, comma-separated.
    public var description: String { raw.sorted().joined(separator: ", ") }

    /// What a server is assumed to do before it has been asked: body text and action buttons.
    public static let assumed = NotificationCapabilities(["actions", "body"])
}

/// The notification server on the bus (`GetServerInformation` + `GetCapabilities`).
public struct NotificationServer: Sendable, Hashable {
    public var name: String
    public var vendor: String
    public var version: String
    public var specVersion: String
    public var capabilities: NotificationCapabilities
    /// The unique bus name of the process that owns `org.freedesktop.Notifications`.
    public var busName: String

    public init(
        name: String, vendor: String, version: String, specVersion: String, capabilities: NotificationCapabilities,
        busName: String
    ) {
        self.name = name
        self.vendor = vendor
        self.version = version
        self.specVersion = specVersion
        self.capabilities = capabilities
        self.busName = busName
    }
}

/// What the notifier reports, in order, on its delivery queue.
public enum NotifierEvent: Sendable, Hashable {
    /// The person picked an action (`ActionInvoked`) on a notification this process sent.
    case actionInvoked(NotificationID, action: String)
    /// A notification this process sent closed (`NotificationClosed`).
    case closed(NotificationID, CloseReason)
    /// The person typed an inline reply (`NotificationReplied`).
    case replied(NotificationID, text: String)
    /// A notification server is there (initially, after a reconnect, or when one starts).
    case serverAppeared(NotificationServer)
    /// No notification server (initially, or it exited). Notifications sent earlier are gone.
    case serverVanished
    /// The session bus connection was lost; the notifier reconnects by itself after `retryIn`.
    case busLost(NotifierError, retryIn: Duration)
}

/// Why a notifier call failed.
public struct NotifierError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// No notification server on the bus (and none could be started).
        case noServer
        /// No session bus, or the connection is down (reconnecting).
        case noBus
        /// The server did not answer in time.
        case timeout
        /// The server rejected or failed the call.
        case failed
        /// The notifier was shut down.
        case shutDown
    }
    public var kind: Kind
    /// The full text: `Notify to org.freedesktop.Notifications failed: … (org.freedesktop.DBus.Error.ServiceUnknown)`.
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public init(_ error: BusError) {
        let kind: Kind =
            switch error.kind {
            case .serviceUnknown: .noServer
            case .disconnected, .noBus: .noBus
            case .noReply: .timeout
            default: .failed
            }
        self.init(kind: kind, message: error.description)
    }

    public var description: String { message }
}
