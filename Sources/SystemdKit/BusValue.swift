/// A D-Bus value with its exact wire type, the Swift side of sd-bus's `append`/`read`.
///
/// Arrays carry their element signature so that an empty array still has a type:
/// `.array(element: "s", [])` is `as`; a dictionary is `a{kv}` with its key and value types.
public indirect enum BusValue: Hashable, Sendable {
    case byte(UInt8)
    case bool(Bool)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case uint64(UInt64)
    case double(Double)
    case string(String)
    case objectPath(String)
    case signature(String)
    /// `a<element>`, every value of type `element`.
    case array(element: String, [BusValue])
    /// `a{<key><value>}`.
    case dictionary(key: String, value: String, [DictionaryEntry])
    /// `(<fields>)`.
    case structure([BusValue])
    /// `v`: any value, tagged with its own signature.
    case variant(BusValue)

    public struct DictionaryEntry: Hashable, Sendable {
        public var key: BusValue
        public var value: BusValue
        public init(_ key: BusValue, _ value: BusValue) {
            self.key = key
            self.value = value
        }
    }

    /// The D-Bus signature of this value: `s`, `a{sv}`, `(us)`.
    public var signature: String {
        switch self {
        case .byte: "y"
        case .bool: "b"
        case .int16: "n"
        case .uint16: "q"
        case .int32: "i"
        case .uint32: "u"
        case .int64: "x"
        case .uint64: "t"
        case .double: "d"
        case .string: "s"
        case .objectPath: "o"
        case .signature: "g"
        case .array(let element, _): "a" + element
        case .dictionary(let key, let value, _): "a{" + key + value + "}"
        case .structure(let fields): "(" + fields.map(\.signature).joined() + ")"
        case .variant: "v"
        }
    }

    /// `as` from strings.
    public static func strings(_ values: [String]) -> BusValue {
        .array(element: "s", values.map(BusValue.string))
    }

    /// `a{sv}` from a dictionary of variants' contents (sorted by key, so messages are reproducible).
    public static func vardict(_ values: [String: BusValue]) -> BusValue {
        .dictionary(
            key: "s", value: "v",
            values.sorted { $0.key < $1.key }.map { DictionaryEntry(.string($0.key), .variant($0.value)) })
    }

    // Accessors for readers: nil when the value has another type.
    public var stringValue: String? {
        switch self {
        case .string(let s), .objectPath(let s), .signature(let s): s
        default: nil
        }
    }
    public var uint32Value: UInt32? { if case .uint32(let v) = self { v } else { nil } }
    /// The elements of an array of strings.
    public var stringArray: [String]? {
        guard case .array(_, let values) = self else { return nil }
        let strings = values.compactMap(\.stringValue)
        return strings.count == values.count ? strings : nil
    }
}

extension BusValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .byte(let v): "byte \(v)"
        case .bool(let v): "boolean \(v)"
        case .int16(let v): "int16 \(v)"
        case .uint16(let v): "uint16 \(v)"
        case .int32(let v): "int32 \(v)"
        case .uint32(let v): "uint32 \(v)"
        case .int64(let v): "int64 \(v)"
        case .uint64(let v): "uint64 \(v)"
        case .double(let v): "double \(v)"
        case .string(let v): "string \"\(v)\""
        case .objectPath(let v): "objpath \(v)"
        case .signature(let v): "signature \(v)"
        case .array(_, let vs): "[" + vs.map(\.description).joined(separator: ", ") + "]"
        case .dictionary(_, _, let es): "{" + es.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .structure(let vs): "(" + vs.map(\.description).joined(separator: ", ") + ")"
        case .variant(let v): "<\(v)>"
        }
    }
}
