import Foundation
import SystemdKit

/// The test notification server (`fake-notification-server.py`, run by Debian's
/// `/usr/bin/python3` with python3-dbus and python3-gi) owning
/// `org.freedesktop.Notifications` on a private bus.
public final class FakeNotificationServer: Sendable {
    private let child: ChildProcess
    private let control: AsyncBus
    /// The server's unique connection name (`:1.3`).
    public let uniqueName: String

    public static let scriptPath: String = {
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        return here.appendingPathComponent("fake-notification-server.py").path
    }()

    /// The capabilities a full-featured server advertises.
    public static let fullCapabilities = ["actions", "body", "body-markup", "persistence", "inline-reply"]

    private init(child: ChildProcess, control: AsyncBus, uniqueName: String) {
        self.child = child
        self.control = control
        self.uniqueName = uniqueName
    }

    /// A real server the test server imitates (`--profile`): name, vendor, capabilities and what
    /// it draws, so `click`, `clickBody` and `reply` reach only what a person could.
    public enum Profile: String, Sendable, CaseIterable {
        /// gnome-shell / GNOME: at most three buttons, `default` is the body click.
        case gnome
        /// Plasma / KDE: every button, a reply field with `inline-reply`.
        case plasma
        /// dunst: no buttons, every action in its context menu.
        case dunst
        /// No `actions` capability.
        case noActions = "no-actions"
    }

    /// Starts the server on `bus` and waits until it owns the name. Without a profile it
    /// advertises `capabilities` (default: `fullCapabilities`) and draws every action. With
    /// `replacing`, it takes the name from the server owning it (which keeps running without it).
    public static func start(
        on bus: PrivateBus, profile: Profile? = nil, capabilities: [String]? = nil, name: String? = nil,
        vendor: String? = nil, version: String? = nil, replacing: Bool = false
    ) async throws -> FakeNotificationServer {
        let python = "/usr/bin/python3"
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw HarnessError("\(python) is missing (apt-get install python3-dbus python3-gi; Scripts/setup does)")
        }
        let serial = counter.next()
        var arguments = [scriptPath, "--address", bus.address]
        if let profile { arguments += ["--profile", profile.rawValue] }
        if let caps = capabilities ?? (profile == nil ? fullCapabilities : nil) {
            arguments += ["--capabilities", caps.joined(separator: ",")]
        }
        for (flag, value) in [("--name", name), ("--vendor", vendor), ("--version", version)] {
            if let value { arguments += [flag, value] }
        }
        if replacing { arguments.append("--replace") }
        let child = try ChildProcess(
            python, arguments,
            stderrPath: bus.directory + "/fake-server-\(serial).log")
        let ready = try await child.line(where: { $0.hasPrefix("READY ") || $0.hasPrefix("ERROR ") })
        guard ready.hasPrefix("READY ") else { throw HarnessError("fake notification server: \(ready)") }
        let control = try await AsyncBus.connect(bus.busAddress)
        return FakeNotificationServer(child: child, control: control, uniqueName: String(ready.dropFirst(6)))
    }

    private static let counter = Counter()

    /// Stops the server (it releases the name; clients see `NameOwnerChanged`).
    public func stop() async {
        await control.close()
        await child.stop()
    }

    /// Freezes the server process (SIGSTOP): it still owns the name, so calls to it wait for a
    /// reply that does not come. `resume()` before `stop()`.
    public func suspend() { kill(child.processIdentifier, SIGSTOP) }

    /// Lets a suspended server run again (SIGCONT).
    public func resume() { kill(child.processIdentifier, SIGCONT) }

    private func test(_ member: String, _ arguments: [BusValue] = []) async throws -> BusMessage {
        try await control.call(
            MethodCall(
                destination: uniqueName, path: "/org/freedesktop/Notifications", interface: "org.trustd.Test",
                member: member, arguments: arguments, autoStart: false))
    }

    /// Every call the server received, in order, with exact argument types.
    public func calls() async throws -> [RecordedCall] {
        let reply = try await test("Calls")
        guard let json = reply.arguments.first?.stringValue else { throw HarnessError("Calls returned \(reply)") }
        return try RecordedCall.decode(json)
    }

    /// The server emits `ActionInvoked(id, key)` (returns after it has been sent).
    public func emitActionInvoked(id: UInt32, key: String) async throws {
        _ = try await test("EmitActionInvoked", [.uint32(id), .string(key)])
    }

    public func emitNotificationClosed(id: UInt32, reason: UInt32) async throws {
        _ = try await test("EmitNotificationClosed", [.uint32(id), .uint32(reason)])
    }

    public func emitNotificationReplied(id: UInt32, text: String) async throws {
        _ = try await test("EmitNotificationReplied", [.uint32(id), .string(text)])
    }

    /// The labels notification `id` shows as this server draws it (buttons or menu entries).
    public func drawn(id: UInt32) async throws -> [String] {
        try await test("Drawn", [.uint32(id)]).arguments.first?.stringArray ?? []
    }

    /// A person clicks the button (or picks the menu entry) labelled `label`; throws
    /// `org.trustd.Test.NotDrawn` when this server does not show it.
    public func click(id: UInt32, label: String) async throws {
        _ = try await test("Click", [.uint32(id), .string(label)])
    }

    /// A person clicks the notification's body (`default`, where the server has it).
    public func clickBody(id: UInt32) async throws {
        _ = try await test("ClickBody", [.uint32(id)])
    }

    /// A person types `text` into the reply field (only where one is drawn).
    public func reply(id: UInt32, text: String) async throws {
        _ = try await test("Reply", [.uint32(id), .string(text)])
    }
}

final class Counter: @unchecked Sendable {
    // Confinement: guarded by `lock`.
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { value += 1; return value } }
}

/// One method call as the test server received it.
public struct RecordedCall: Sendable, Hashable {
    public var method: String
    /// The caller's unique name.
    public var sender: String
    public var signature: String
    /// The arguments with the exact D-Bus types they arrived with.
    public var arguments: [BusValue]
    /// What the server returned (Notify's id).
    public var result: UInt32?

    static func decode(_ json: String) throws -> [RecordedCall] {
        guard let list = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else {
            throw HarnessError("unexpected Calls JSON: \(json)")
        }
        return try list.map { entry in
            guard let method = entry["method"] as? String, let sender = entry["sender"] as? String,
                let signature = entry["signature"] as? String, let args = entry["args"] as? [Any]
            else { throw HarnessError("unexpected call record: \(entry)") }
            return RecordedCall(
                method: method, sender: sender, signature: signature, arguments: try args.map(typedValue),
                result: (entry["result"] as? NSNumber)?.uint32Value)
        }
    }

    /// `hints` of a Notify call, by key, each the variant's contents.
    public var hints: [String: BusValue] {
        guard method == "Notify", arguments.count == 8, case .dictionary(_, _, let entries) = arguments[6] else {
            return [:]
        }
        var out: [String: BusValue] = [:]
        for e in entries {
            if let k = e.key.stringValue { out[k] = e.value }
        }
        return out
    }
}

/// `{"type": "y", "value": 2}` → `.byte(2)`, recursively.
private func typedValue(_ any: Any) throws -> BusValue {
    guard let d = any as? [String: Any], let type = d["type"] as? String, let value = d["value"] else {
        throw HarnessError("not a typed value: \(any)")
    }
    func int() throws -> Int64 {
        guard let n = value as? NSNumber else { throw HarnessError("not a number: \(value)") }
        return n.int64Value
    }
    switch type {
    case "y": return .byte(UInt8(try int()))
    case "b":
        guard let n = value as? NSNumber else { throw HarnessError("not a boolean: \(value)") }
        return .bool(n.boolValue)
    case "n": return .int16(Int16(try int()))
    case "q": return .uint16(UInt16(try int()))
    case "i": return .int32(Int32(try int()))
    case "u": return .uint32(UInt32(try int()))
    case "x": return .int64(try int())
    case "t": return .uint64((value as? NSNumber)?.uint64Value ?? 0)
    case "d": return .double((value as? NSNumber)?.doubleValue ?? .nan)
    case "s": return .string(value as? String ?? "")
    case "o": return .objectPath(value as? String ?? "")
    case "g": return .signature(value as? String ?? "")
    case "v": return .variant(try typedValue(value))
    default:
        guard let items = value as? [Any] else { throw HarnessError("not a container: \(any)") }
        if type.hasPrefix("a{") {
            let inner = String(type.dropFirst(2).dropLast())
            let entries = try items.map { pair -> BusValue.DictionaryEntry in
                guard let kv = pair as? [Any], kv.count == 2 else { throw HarnessError("bad entry \(pair)") }
                return .init(try typedValue(kv[0]), try typedValue(kv[1]))
            }
            return .dictionary(key: String(inner.prefix(1)), value: String(inner.dropFirst()), entries)
        }
        if type.hasPrefix("a") { return .array(element: String(type.dropFirst()), try items.map(typedValue)) }
        if type.hasPrefix("(") { return .structure(try items.map(typedValue)) }
        throw HarnessError("unknown type \(type)")
    }
}
