// `trustctl share`'s own lines: what was written, the key, and a verified digest.
import Foundation
import TrustCore

public enum ShareText {
    /// After `trustctl share` wrote a digest.
    public static func wrote(path: String, digest: WeekDigest, fingerprint: String, keyCreated: String?) -> String {
        var out = ""
        if let keyCreated {
            out += "trustctl share: created the signing key \(keyCreated) (0600); give your partner its fingerprint once: \(fingerprint)\n"
        }
        out += "trustctl share: wrote \(path): week \(digest.weekStart) – \(digest.weekEnd), \(digest.events.count) ledger events, "
        out += digest.withNotes ? "notes included" : "notes kept private"
        out += ", signed by \(fingerprint)\n"
        return out
    }

    /// `trustctl share key`.
    public static func key(publicKey: String, fingerprint: String, path: String) -> String {
        """
        public key:  \(publicKey)
        fingerprint: \(fingerprint)
        key file:    \(path) (keep it; back it up with the ledger)
        Give the fingerprint (or the public key) to the person you share with, once, in person or by a channel you trust:
        they check every digest with `trustctl share verify FILE --key '\(fingerprint)'`.

        """
    }

    /// `trustctl share verify` when every check passed.
    public static func verified(
        path: String, digest: WeekDigest, fingerprint: String, publicKey: String, pinned: Bool, previous: (path: String, digest: WeekDigest)?
    ) -> String {
        var out = "verified: \(path)\n"
        out += "  week:      \(digest.weekStart) – \(digest.weekEnd) (\(digest.zone)), written \(Format.utc(Date(timeIntervalSince1970: Double(digest.createdAt) / 1000)))\n"
        out += "  signed by: \(fingerprint) (public key \(publicKey))\(pinned ? ", the pinned key" : ", not pinned: pass --key to require it")\n"
        let n = digest.events.count
        out += "  chain:     \(n) event\(n == 1 ? "" : "s") (\(digest.chain.startSequence + 1)–\(digest.chain.endSequence)) lead from \(digest.chain.startSequence):\(digest.chain.startHash.prefix(16))… to \(digest.chain.endSequence):\(digest.chain.endHash.prefix(16))…\n"
        out += "  page:      exactly what the signed data shows\n"
        out += "  notes:     \(digest.withNotes ? "included, each matching its hash in the chain" : "kept private (only their salted hashes)")\n"
        if let previous {
            out += "  previous:  continues \(previous.path) (week \(previous.digest.weekStart) – \(previous.digest.weekEnd)): same key, no week skipped, no event rewritten in between\n"
        }
        return out
    }
}
