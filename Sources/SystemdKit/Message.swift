import CSystemd
import Glibc

/// A received message: a method reply or a signal, read completely into Swift values.
public struct BusMessage: Sendable, Hashable {
    /// The unique name of the sending connection (`:1.42`), as stamped by the bus.
    public var sender: String?
    public var path: String?
    public var interface: String?
    public var member: String?
    /// The body's signature: `us`.
    public var signature: String
    public var arguments: [BusValue]

    public init(
        sender: String?, path: String?, interface: String?, member: String?, signature: String,
        arguments: [BusValue]
    ) {
        self.sender = sender
        self.path = path
        self.interface = interface
        self.member = member
        self.signature = signature
        self.arguments = arguments
    }
}

/// A method call to send.
public struct MethodCall: Sendable, Hashable {
    public var destination: String
    public var path: String
    public var interface: String
    public var member: String
    public var arguments: [BusValue]
    /// Whether the bus may start the destination's service by activation.
    public var autoStart: Bool
    /// How long to wait for the reply; nil is sd-bus's default (25 s).
    public var timeout: Duration?

    public init(
        destination: String, path: String, interface: String, member: String, arguments: [BusValue] = [],
        autoStart: Bool = true, timeout: Duration? = nil
    ) {
        self.destination = destination
        self.path = path
        self.interface = interface
        self.member = member
        self.arguments = arguments
        self.autoStart = autoStart
        self.timeout = timeout
    }

    /// "Notify to org.freedesktop.Notifications": how errors name this call.
    public var operation: String { "\(member) to \(destination)" }
}

/// A signal to emit (tests use it to forge one from another connection).
public struct SignalEmission: Sendable, Hashable {
    public var path: String
    public var interface: String
    public var member: String
    public var arguments: [BusValue]
    /// Unicast to this name when set; broadcast otherwise.
    public var destination: String?

    public init(path: String, interface: String, member: String, arguments: [BusValue], destination: String? = nil) {
        self.path = path
        self.interface = interface
        self.member = member
        self.arguments = arguments
        self.destination = destination
    }
}

/// A match rule for signals (`type='signal',sender='…',…`). Unset fields match anything.
public struct MatchRule: Sendable, Hashable, CustomStringConvertible {
    /// Matched by the bus against the current owner of a well-known name, so another
    /// connection cannot inject a signal that passes this rule.
    public var sender: String?
    public var path: String?
    public var interface: String?
    public var member: String?
    /// The first argument, when it is a string (`NameOwnerChanged`'s name).
    public var arg0: String?

    public init(
        sender: String? = nil, path: String? = nil, interface: String? = nil, member: String? = nil, arg0: String? = nil
    ) {
        self.sender = sender
        self.path = path
        self.interface = interface
        self.member = member
        self.arg0 = arg0
    }

    /// The rule in D-Bus match syntax; values are quoted (a `'` becomes `'\''`).
    public var description: String {
        var parts = ["type='signal'"]
        func add(_ key: String, _ value: String?) {
            guard let value else { return }
            parts.append("\(key)='\(value.replacing("'", with: "'\\''"))'")
        }
        add("sender", sender)
        add("path", path)
        add("interface", interface)
        add("member", member)
        add("arg0", arg0)
        return parts.joined(separator: ",")
    }
}

// MARK: - Marshalling (the only place message contents meet C)

private func typeCode(_ c: Character) -> CChar { CChar(bitPattern: c.asciiValue!) }

enum Marshal {
    /// Appends `values` to `m`; a negative errno on failure (e.g. -ENXIO for a value that
    /// does not match its array's element type).
    static func append(_ values: [BusValue], to m: OpaquePointer) -> Int32 {
        for v in values {
            let r = append(v, to: m)
            if r < 0 { return r }
        }
        return 0
    }

    static func append(_ value: BusValue, to m: OpaquePointer) -> Int32 {
        func basic<T>(_ code: Character, _ v: T) -> Int32 {
            withUnsafePointer(to: v) { sd_bus_message_append_basic(m, typeCode(code), $0) }
        }
        func container(_ code: Character, _ contents: String, _ body: () -> Int32) -> Int32 {
            var r = contents.withCString { sd_bus_message_open_container(m, typeCode(code), $0) }
            if r < 0 { return r }
            r = body()
            if r < 0 { return r }
            return sd_bus_message_close_container(m)
        }
        switch value {
        case .byte(let v): return basic("y", v)
        case .bool(let v): return basic("b", Int32(v ? 1 : 0))  // sd-bus reads an int for `b`
        case .int16(let v): return basic("n", v)
        case .uint16(let v): return basic("q", v)
        case .int32(let v): return basic("i", v)
        case .uint32(let v): return basic("u", v)
        case .int64(let v): return basic("x", v)
        case .uint64(let v): return basic("t", v)
        case .double(let v): return basic("d", v)
        case .string(let s): return s.withCString { sd_bus_message_append_basic(m, typeCode("s"), $0) }
        case .objectPath(let s): return s.withCString { sd_bus_message_append_basic(m, typeCode("o"), $0) }
        case .signature(let s): return s.withCString { sd_bus_message_append_basic(m, typeCode("g"), $0) }
        case .array(let element, let values):
            return container("a", element) {
                for v in values {
                    guard v.signature == element else { return -EINVAL }
                    let r = append(v, to: m)
                    if r < 0 { return r }
                }
                return 0
            }
        case .dictionary(let key, let valueType, let entries):
            return container("a", "{" + key + valueType + "}") {
                for e in entries {
                    guard e.key.signature == key, e.value.signature == valueType else { return -EINVAL }
                    let r = container("e", key + valueType) {
                        let r = append(e.key, to: m)
                        return r < 0 ? r : append(e.value, to: m)
                    }
                    if r < 0 { return r }
                }
                return 0
            }
        case .structure(let fields):
            return container("r", fields.map(\.signature).joined()) { append(fields, to: m) }
        case .variant(let inner):
            return container("v", inner.signature) { append(inner, to: m) }
        }
    }

    /// Reads every remaining value at the current level of `m`.
    static func readAll(_ m: OpaquePointer) -> Result<[BusValue], MarshalFailure> {
        var values: [BusValue] = []
        while true {
            var type: CChar = 0
            var contents: UnsafePointer<CChar>? = nil
            let r = sd_bus_message_peek_type(m, &type, &contents)
            if r < 0 { return .failure(MarshalFailure(r)) }
            if r == 0 { return .success(values) }
            switch read(m, type: type, contents: contents.map { String(cString: $0) } ?? "") {
            case .success(let v): values.append(v)
            case .failure(let e): return .failure(e)
            }
        }
    }

    private static func read(_ m: OpaquePointer, type: CChar, contents: String) -> Result<BusValue, MarshalFailure> {
        func basic<T>(_ initial: T) -> Result<T, MarshalFailure> {
            var v = initial
            let r = withUnsafeMutablePointer(to: &v) { sd_bus_message_read_basic(m, type, $0) }
            return r < 0 ? .failure(MarshalFailure(r)) : .success(v)
        }
        func string() -> Result<String, MarshalFailure> {
            var p: UnsafePointer<CChar>? = nil
            let r = sd_bus_message_read_basic(m, type, &p)
            if r < 0 { return .failure(MarshalFailure(r)) }
            return .success(p.map { String(cString: $0) } ?? "")
        }
        func inside(_ body: () -> Result<BusValue, MarshalFailure>) -> Result<BusValue, MarshalFailure> {
            var r = contents.withCString { sd_bus_message_enter_container(m, type, $0) }
            if r < 0 { return .failure(MarshalFailure(r)) }
            let value = body()
            r = sd_bus_message_exit_container(m)
            if case .failure = value { return value }
            return r < 0 ? .failure(MarshalFailure(r)) : value
        }
        switch UnicodeScalar(UInt8(bitPattern: type)) {
        case "y": return basic(UInt8(0)).map(BusValue.byte)
        case "b": return basic(Int32(0)).map { .bool($0 != 0) }
        case "n": return basic(Int16(0)).map(BusValue.int16)
        case "q": return basic(UInt16(0)).map(BusValue.uint16)
        case "i": return basic(Int32(0)).map(BusValue.int32)
        case "u": return basic(UInt32(0)).map(BusValue.uint32)
        case "x": return basic(Int64(0)).map(BusValue.int64)
        case "t": return basic(UInt64(0)).map(BusValue.uint64)
        case "d": return basic(Double(0)).map(BusValue.double)
        case "s": return string().map(BusValue.string)
        case "o": return string().map(BusValue.objectPath)
        case "g": return string().map(BusValue.signature)
        case "v":
            return inside {
                readAll(m).flatMap { $0.count == 1 ? .success(.variant($0[0])) : .failure(MarshalFailure(-EBADMSG)) }
            }
        case "r":
            return inside { readAll(m).map(BusValue.structure) }
        case "a":
            if contents.hasPrefix("{") {
                let inner = String(contents.dropFirst().dropLast())
                let (keyType, valueType) = (String(inner.prefix(1)), String(inner.dropFirst()))
                return inside {
                    // Each element is a dict entry `e`; read it as a two-field list.
                    readAll(m).flatMap { entries in
                        var out: [BusValue.DictionaryEntry] = []
                        for e in entries {
                            guard case .structure(let kv) = e, kv.count == 2 else { return .failure(MarshalFailure(-EBADMSG)) }
                            out.append(.init(kv[0], kv[1]))
                        }
                        return .success(.dictionary(key: keyType, value: valueType, out))
                    }
                }
            }
            return inside { readAll(m).map { .array(element: contents, $0) } }
        case "e":
            return inside { readAll(m).map(BusValue.structure) }
        default:
            return .failure(MarshalFailure(-EPROTONOSUPPORT))  // unix fds (`h`) are not used here
        }
    }

    /// Reads the header fields and the whole body.
    static func message(_ m: OpaquePointer) -> Result<BusMessage, MarshalFailure> {
        func s(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        _ = sd_bus_message_rewind(m, 1)
        return readAll(m).map { args in
            BusMessage(
                sender: s(sd_bus_message_get_sender(m)), path: s(sd_bus_message_get_path(m)),
                interface: s(sd_bus_message_get_interface(m)), member: s(sd_bus_message_get_member(m)),
                signature: s(sd_bus_message_get_signature(m, 1)) ?? "", arguments: args)
        }
    }
}

/// A negative errno from sd-bus while (un)marshalling.
struct MarshalFailure: Error {
    var code: Int32
    init(_ code: Int32) { self.code = code }
}
