import Crypto
import Foundation

enum FileHash {
    /// SHA-256 of the concatenation of `parts`, each preceded by its length (so that moving bytes
    /// from one file to the other changes the hash), as lowercase hex.
    static func sha256(_ parts: [Data]) -> String {
        var h = SHA256()
        if parts.count == 1 {
            h.update(data: parts[0])
        } else {
            for p in parts {
                h.update(data: Data("\(p.count):".utf8))
                h.update(data: p)
            }
        }
        return h.finalize().map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
    }
}
