// `trustctl share`: the Ed25519 key that signs digests (created on first use, beside the ledger,
// 0600 in a 0700 directory), the digest's canonical JSON and its signature.
import Crypto
import Foundation
import TrustCore

/// The person's digest signing key.
public struct ShareKey: Sendable {
    /// The key file's name, in the ledger's directory.
    public static let fileName = "share-key.ed25519"
    static let fileTag = "trustd-share-key-1"

    /// The keys' 32 bytes each (kept as bytes: Crypto's key types are not `Sendable`).
    let raw: Data
    let publicRaw: Data
    public let path: String

    init(_ key: Curve25519.Signing.PrivateKey, path: String) {
        raw = key.rawRepresentation
        publicRaw = key.publicKey.rawRepresentation
        self.path = path
    }

    /// The public key (32 bytes), base64: what the receiver pins with `share verify --key`.
    public var publicKeyBase64: String { publicRaw.base64EncodedString() }
    public var fingerprint: String { Self.fingerprint(publicKey: [UInt8](publicRaw)) }

    /// `share-key.ed25519` in the directory of `ledgerPath`.
    public static func path(nextTo ledgerPath: String) -> String {
        let dir = (ledgerPath as NSString).deletingLastPathComponent
        return (dir.isEmpty ? "." : dir) + "/" + fileName
    }

    /// The first 16 hex digits of SHA-256(public key), in groups of four: `3f2a 9c01 77be 0d45`.
    public static func fingerprint(publicKey: [UInt8]) -> String {
        let hex = Hex.encode(Array(SHA256.hash(data: publicKey))).prefix(16)
        return stride(from: 0, to: 16, by: 4).map { i in
            String(hex.dropFirst(i).prefix(4))
        }.joined(separator: " ")
    }

    /// The key at `path`; with `create`, a new one is made there (0600, its directory 0700) when
    /// there is none. Returns whether it was created.
    public static func load(at path: String, create: Bool) throws -> (key: ShareKey, created: Bool) {
        if FileManager.default.fileExists(atPath: path) {
            let text: String
            do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw DigestRefusal(message: "cannot read the signing key \(path): \(error.localizedDescription)")
            }
            let parts = text.split(whereSeparator: \.isWhitespace)
            guard parts.count == 2, parts[0] == fileTag, let raw = Data(base64Encoded: String(parts[1])),
                let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            else {
                throw DigestRefusal(
                    message:
                        "\(path):1:1: not a trustd signing key (expected '\(fileTag) <base64>'); restore it from a backup — a new key would not match the one your partner pinned"
                )
            }
            return (ShareKey(key, path: path), false)
        }
        guard create else {
            throw DigestRefusal(message: "no signing key at \(path) yet: `trustctl share` creates it when it writes the first digest")
        }
        let key = Curve25519.Signing.PrivateKey()
        do {
            try FileSystem.makePrivateDirectory((path as NSString).deletingLastPathComponent)
            try PrivateFile.write(Data("\(fileTag) \(key.rawRepresentation.base64EncodedString())\n".utf8), to: path)
        } catch {
            throw DigestRefusal(message: "cannot create the signing key: \(error)")
        }
        return (ShareKey(key, path: path), true)
    }

    /// Signs `digest`: its canonical JSON and the signature over it.
    public func sign(_ digest: WeekDigest) throws -> SignedDigest {
        let json = try DigestCodec.canonicalJSON(digest)
        let privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: raw)
        let signature = try privateKey.signature(for: DigestCodec.signedBytes(json))
        return SignedDigest(
            digest: digest, json: json,
            signature: DigestSignature(publicKey: publicKeyBase64, signature: Data(signature).base64EncodedString()))
    }
}

/// The signature block of a digest page.
public struct DigestSignature: Codable, Sendable, Hashable {
    public var algorithm: String = "Ed25519"
    /// Raw 32-byte Ed25519 public key, base64.
    public var publicKey: String
    /// Ed25519 signature over `trustd-digest-1\n` followed by the digest's canonical JSON, base64.
    public var signature: String

    public init(publicKey: String, signature: String) {
        self.publicKey = publicKey
        self.signature = signature
    }

    public var fingerprint: String? {
        Data(base64Encoded: publicKey).map { ShareKey.fingerprint(publicKey: [UInt8]($0)) }
    }
}

/// A digest, its canonical JSON and its signature: what the page embeds.
public struct SignedDigest: Sendable, Hashable {
    public var digest: WeekDigest
    /// The canonical JSON, exactly as signed and embedded.
    public var json: String
    public var signature: DigestSignature
    /// The signature block as embedded.
    public var signatureJSON: String { (try? DigestCodec.canonicalJSON(signature)) ?? "{}" }
}

public enum DigestCodec {
    /// JSON with sorted keys, no insignificant white space, and `<`, `>`, `&` written as `\u003c`,
    /// `\u003e`, `\u0026` (they can only occur inside strings), so it can sit in an HTML `<script>`
    /// element as it is. Integers, strings and Booleans only: the same bytes on every machine.
    public static func canonicalJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(value), as: UTF8.self)
        return text.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }

    /// The bytes a signature covers: a domain tag, then the JSON.
    static func signedBytes(_ json: String) -> Data { Data((WeekDigest.currentFormat + "\n" + json).utf8) }
}
