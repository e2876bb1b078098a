import CSystemd
import Glibc

/// An error number from libsystemd or the kernel, named like swift-system's `Errno`.
///
/// Only SystemdKit turns negative return codes into this; other targets see the name and
/// the text, never a raw `errno`.
public struct SystemError: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let noEntry = SystemError(rawValue: ENOENT)

    /// `strerror`'s text: "No such file or directory". CSystemd opens libsystemd.so.0 when first
    /// used and fails every call with ELIBACC when it cannot: that text names the library.
    public var description: String {
        let text = String(cString: strerror(rawValue))
        return rawValue == ELIBACC ? "\(text): libsystemd.so.0 could not be opened (install libsystemd0)" : text
    }
}

/// A libsystemd call that failed outside D-Bus (sd_notify, the journal, opening a socket).
public struct SystemdError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was attempted, as a person would say it: "Sending READY=1 to the service manager".
    public var operation: String
    public var code: SystemError

    public init(operation: String, code: SystemError) {
        self.operation = operation
        self.code = code
    }

    /// From a libsystemd return value `r < 0` (a negative errno).
    init(_ operation: String, returned r: Int32) {
        self.init(operation: operation, code: SystemError(rawValue: -r))
    }

    public var description: String { "\(operation) failed: \(code)" }
}

/// A failed D-Bus operation: the error name and message the peer (or sd-bus, for local
/// failures) gave, and what was being attempted.
///
/// `description` reads like
/// `Notify to org.freedesktop.Notifications failed: The name org.freedesktop.Notifications was not provided by any .service files (org.freedesktop.DBus.Error.ServiceUnknown)`.
public struct BusError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was attempted: "Notify to org.freedesktop.Notifications".
    public var operation: String
    /// The D-Bus error name, e.g. `org.freedesktop.DBus.Error.ServiceUnknown`. Local failures use
    /// sd-bus's names for error numbers (`System.Error.ENOENT`) or `org.freedesktop.DBus.Error.Disconnected`.
    public var name: String
    /// The human-readable message.
    public var message: String

    public init(operation: String, name: String, message: String) {
        self.operation = operation
        self.name = name
        self.message = message
    }

    public var description: String { "\(operation) failed: \(message) (\(name))" }

    /// A coarse classification for callers that react differently (retry, report, fall back).
    public enum Kind: Sendable, Hashable {
        /// No process owns the destination name and none could be activated.
        case serviceUnknown
        /// The peer did not answer in time.
        case noReply
        /// The connection to the bus is gone (or was never made).
        case disconnected
        /// No bus at the address: no socket file, or nobody listening.
        case noBus
        case accessDenied
        case unknownMethod
        case invalidArgs
        case other
    }

    public var kind: Kind {
        switch name {
        case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner":
            .serviceUnknown
        case "org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout",
            "org.freedesktop.DBus.Error.TimedOut", "System.Error.ETIMEDOUT":
            .noReply
        case "org.freedesktop.DBus.Error.Disconnected", "System.Error.ECONNRESET", "System.Error.ENOTCONN",
            "System.Error.EPIPE", "System.Error.ESHUTDOWN":
            .disconnected
        case "org.freedesktop.DBus.Error.NoServer", "org.freedesktop.DBus.Error.FileNotFound",
            "System.Error.ENOENT", "System.Error.ECONNREFUSED", "System.Error.ENOMEDIUM":
            .noBus
        case "org.freedesktop.DBus.Error.AccessDenied", "System.Error.EACCES", "System.Error.EPERM":
            .accessDenied
        case "org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.DBus.Error.UnknownObject",
            "org.freedesktop.DBus.Error.UnknownInterface":
            .unknownMethod
        case "org.freedesktop.DBus.Error.InvalidArgs", "org.freedesktop.DBus.Error.InvalidSignature",
            "System.Error.ENXIO", "System.Error.EINVAL":
            .invalidArgs
        default:
            .other
        }
    }

    /// The error for a local failure `r < 0`, with sd-bus's name for the error number.
    init(_ operation: String, returned r: Int32) {
        var e = sd_bus_error()
        defer { sd_bus_error_free(&e) }
        _ = sd_bus_error_set_errno(&e, -r)
        self.init(
            operation: operation,
            name: e.name.map { String(cString: $0) } ?? "System.Error.\(-r)",
            message: e.message.map { String(cString: $0) } ?? SystemError(rawValue: -r).description)
    }

    init(_ operation: String, _ e: UnsafePointer<sd_bus_error>) {
        self.init(
            operation: operation,
            name: e.pointee.name.map { String(cString: $0) } ?? "org.freedesktop.DBus.Error.Failed",
            message: e.pointee.message.map { String(cString: $0) } ?? "")
    }

    /// The connection is closed or not yet (re)established.
    public static func notConnected(_ operation: String, _ detail: String = "not connected to the bus") -> BusError {
        BusError(operation: operation, name: "org.freedesktop.DBus.Error.Disconnected", message: detail)
    }
}
