import CSystemd
import Foundation

/// One field of a journal entry: `NAME=value`.
public struct JournalField: Sendable, Hashable {
    /// Upper-case letters, digits and `_`, not starting with `_` or a digit, at most 64 bytes.
    public var name: String
    public var value: String

    /// Nil when `name` is not a valid journal field name; see `sanitizedName`.
    public init?(_ name: String, _ value: String) {
        guard JournalField.isValidName(name) else { return nil }
        self.name = name
        self.value = value
    }

    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 64,
            first != UInt8(ascii: "_"), !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return false }
        return name.utf8.allSatisfy {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                || $0 == UInt8(ascii: "_")
        }
    }

    /// `occurrence-id` → `OCCURRENCE_ID`: upper-cased, other characters as `_`, leading `_`
    /// and digits dropped, cut to 64 bytes. Nil when nothing is left.
    public static func sanitizedName(_ raw: String) -> String? {
        var out = ""
        for u in raw.uppercased().unicodeScalars {
            if ("A"..."Z").contains(u) || ("0"..."9").contains(u) { out.unicodeScalars.append(u) } else { out += "_" }
        }
        while let f = out.first, f == "_" || f.isNumber { out.removeFirst() }
        out = String(out.prefix(64))
        return out.isEmpty ? nil : out
    }
}

/// The systemd journal's native protocol, through `sd_journal_sendv`.
public enum Journal {
    /// journald's native socket.
    public static let socketPath = "/run/systemd/journal/socket"

    /// Sends one entry. Throws when the journal socket is unavailable (not running under
    /// systemd, or journald down): `sd_journal_sendv` itself drops the entry silently then.
    public static func send(_ fields: [JournalField]) throws(SystemdError) {
        if access(socketPath, F_OK) != 0 {
            throw SystemdError(operation: "Writing to the journal (\(socketPath))", code: SystemError(rawValue: errno))
        }
        // Keep every "NAME=value" buffer alive while sd_journal_sendv reads the iovecs.
        let buffers = fields.map { Array(($0.name + "=" + $0.value).utf8) }
        var iovecs: [iovec] = []
        iovecs.reserveCapacity(buffers.count)
        let r: Int32 = withPointers(to: buffers, index: 0, iovecs: &iovecs)
        if r < 0 { throw SystemdError("Writing to the journal", returned: r) }
    }

    private static func withPointers(to buffers: [[UInt8]], index: Int, iovecs: inout [iovec]) -> Int32 {
        if index == buffers.count {
            return iovecs.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        }
        return buffers[index].withUnsafeBufferPointer { buf in
            iovecs.append(iovec(iov_base: UnsafeMutableRawPointer(mutating: buf.baseAddress), iov_len: buf.count))
            return withPointers(to: buffers, index: index + 1, iovecs: &iovecs)
        }
    }

    /// Whether standard error is the journal stream systemd connected (`JOURNAL_STREAM` names
    /// the device and inode of stderr), i.e. whether this process runs as a systemd service
    /// whose output goes to the journal.
    public static func isStandardErrorJournal(environment: [String: String]) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(2, &st) == 0 else { return false }
        return UInt64(st.st_dev) == dev && UInt64(st.st_ino) == ino
    }
}
