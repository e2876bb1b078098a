import ArgumentParser
import Foundation
import TrustReport
import TrustStore

/// `trustctl share key`
public struct ShareKeyCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "key",
        abstract: "Print the public key and fingerprint that sign your digests (made on first use).",
        discussion: """
            The key lives beside the ledger (share-key.ed25519, mode 0600). Give its fingerprint to \
            the person you share with once; they pin it with `trustctl share verify --key`.
            """)

    @OptionGroup public var storeOptions: StoreOptions

    public init() {}

    public func run() throws {
        try execute(environment: ProcessInfo.processInfo.environment).write()
    }

    public func execute(environment: [String: String]) -> CommandOutput {
        do {
            let (key, created) = try ShareKey.load(
                at: ShareKey.path(nextTo: storeOptions.storePath(environment: environment)), create: true)
            return CommandOutput(
                stdout: Data(ShareText.key(publicKey: key.publicKeyBase64, fingerprint: key.fingerprint, path: key.path).utf8),
                stderr: created ? "trustctl share key: created the signing key \(key.path) (0600)\n" : "", status: 0)
        } catch {
            return CommandOutput(stdout: Data(), stderr: "trustctl share key: error: \(error)\n", status: 1)
        }
    }
}
