import ArgumentParser
import Foundation
import TrustCore
import TrustReport
import TrustStore

/// `trustctl share verify FILE [--previous FILE] [--key KEY] [--text]`
public struct ShareVerifyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a digest page, on any machine (no ledger needed).",
        discussion: """
            Checks the Ed25519 signature over the page's data, that the page is exactly what that data \
            shows (its text was not edited), the hash chain from the week's start head through every \
            event to its end head (nothing removed, rewritten or reordered), and the check-ins against \
            the events. With --previous: the previous week's digest is signed by the same key, is the \
            week just before, and ends at the head this one starts from. Exit status 0 when every \
            check passes, 1 with the failed check named otherwise.
            """)

    @Argument(help: ArgumentHelp("The digest page.", valueName: "FILE"))
    public var file: String

    @Option(name: .long, help: ArgumentHelp("Last week's digest: require this one to continue it.", valueName: "FILE"))
    public var previous: String?

    @Option(name: .long, help: ArgumentHelp("Require this signing key: its public key (base64) or fingerprint.", valueName: "KEY"))
    public var key: String?

    @Flag(name: .long, help: "Also print the digest as plain text.")
    public var text = false

    public init() {}

    public func run() throws {
        try execute().write()
    }

    public func execute() -> CommandOutput {
        func read(_ path: String) throws(CommandFailure) -> String {
            do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
                throw CommandFailure(message: "cannot read \(path): \(error.localizedDescription)")
            }
        }
        do {
            let page = try read(file)
            let before = try previous.map { path throws(CommandFailure) in try read(path) }
            let signed: SignedDigest
            let last: SignedDigest?
            do {
                (signed, last) = try DigestVerifier.verify(
                    page: page,
                    render: { DigestHTML.render($0, json: $1, signatureJSON: $2, fingerprint: $3) },
                    pin: key, previous: before)
            } catch {
                throw CommandFailure(message: "\(file): NOT VERIFIED: \(error)")
            }
            let fingerprint = signed.signature.fingerprint ?? "?"
            var out = ShareText.verified(
                path: file, digest: signed.digest, fingerprint: fingerprint, publicKey: signed.signature.publicKey,
                pinned: key != nil,
                previous: previous.flatMap { path in last.map { (path, $0.digest) } })
            if text { out += "\n" + DigestText.render(signed.digest, fingerprint: fingerprint) }
            return CommandOutput(stdout: Data(out.utf8), stderr: "", status: 0)
        } catch {
            return CommandOutput(stdout: Data(), stderr: "trustctl share verify: error: \(error)\n", status: 1)
        }
    }
}
