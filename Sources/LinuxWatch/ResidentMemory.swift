// Giving start-up pages back: what keeps an idle trustd small.
import Glibc

/// The resident memory of this process.
public enum ResidentMemory {
    /// Advises the kernel to reclaim the pages of this process's file-backed mappings
    /// (`madvise(MADV_PAGEOUT)`, Linux ≥ 5.4): the executable's code and read-only data that
    /// start-up and a plan load touched (YAML parsing, the calendar engine's zone tables, the
    /// SQLite migrator…) and will not need until the next event.
    ///
    /// Nothing is lost: clean pages are dropped and read back from the page cache on the next
    /// touch; modified private pages (relocated data) are only reclaimed to swap, if any. A
    /// kernel without MADV_PAGEOUT ignores the advice (EINVAL). Returns the bytes advised.
    @discardableResult
    public static func releaseFileBackedPages() -> Int {
        guard let maps = readProcSelfMaps() else { return 0 }
        var advised = 0
        for line in maps.split(separator: UInt8(ascii: "\n")) {
            // "start-end perms offset dev inode   pathname"
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
            guard fields.count >= 6, !fields[4].elementsEqual([UInt8(ascii: "0")]), fields[5].first == UInt8(ascii: "/")
            else { continue }
            let range = fields[0].split(separator: UInt8(ascii: "-"))
            guard range.count == 2, let start = UInt(hex: range[0]), let end = UInt(hex: range[1]), end > start,
                let address = UnsafeMutableRawPointer(bitPattern: start)
            else { continue }
            if madvise(address, Int(end - start), 21 /* MADV_PAGEOUT */) == 0 { advised += Int(end - start) }
        }
        return advised
    }

    /// The current resident set size in bytes (`VmRSS` of /proc/self/status), nil if unreadable.
    public static func current() -> Int? {
        guard let status = readFile("/proc/self/status") else { return nil }
        for line in status.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("VmRSS:".utf8)) {
            let digits = line.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            return Int(String(decoding: digits, as: UTF8.self)).map { $0 * 1024 }
        }
        return nil
    }

    private static func readProcSelfMaps() -> [UInt8]? { readFile("/proc/self/maps") }

    private static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            bytes += buffer[0..<n]
        }
        return bytes
    }
}

extension UInt {
    fileprivate init?(hex: some Collection<UInt8>) {
        var value: UInt = 0
        for c in hex {
            let digit: UInt
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt(c - UInt8(ascii: "a") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        self = value
    }
}
