import ArgumentParser
import Foundation
import TrustStore

/// `trust-gen-ledger disk-floor --size N --output PATH`: N bytes written the way `trustctl export
/// --output` writes its file (a 0600 temporary file, fsync, renamed over PATH), with nothing read or
/// computed: what the disk alone costs for an export of that size, the floor bench-report measures
/// the export against.
struct DiskFloor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disk-floor", abstract: "Write SIZE bytes to PATH as trustctl export --output does, and nothing else.")

    @Option(help: "How many bytes.") var size: Int
    @Option(help: "The file to replace.") var output: String

    func run() throws {
        // Zero-filled by the kernel as it is read: no time spent making the bytes.
        let bytes = Data(count: size)
        do { try PrivateFile.write(bytes, to: output) } catch { fail("\(error)") }
    }
}
