import ArgumentParser
import Foundation
import TrustCore
import TrustReport
import TrustStore

/// `trustctl share`: the signed weekly digest (write, verify, key).
public struct ShareCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "share", _superCommandName: "trustctl",
        abstract: "Write a signed weekly digest for the person you made the promises to, or check one.",
        discussion: """
            `trustctl share` writes one week as a self-contained HTML page, signed with your key (made \
            on first use beside the ledger). The person you give it to opens it in a browser and checks \
            it with `trustctl share verify` on their own machine, without your ledger. See README.md, \
            "Sharing your progress", and docs/ledger.md for the format.
            """,
        subcommands: [ShareWriteCommand.self, ShareVerifyCommand.self, ShareKeyCommand.self],
        defaultSubcommand: ShareWriteCommand.self)

    public init() {}
}
