// Giving start-up pages back: what keeps an idle trustd small.
import CLinuxWatch
import Glibc

/// The resident memory of this process.
public enum ResidentMemory {
    /// Gives back the pages this process's file-backed mappings hold and the heap's free memory:
    /// the executable's code and read-only data that start-up and a plan load touched (YAML
    /// parsing, the calendar engine's zone tables, the SQLite migrator…) and will not need until
    /// the next event.
    ///
    /// - `madvise(MADV_PAGEOUT)` (Linux ≥ 5.4) on every file mapping: the kernel reclaims the
    ///   pages only this process maps, when it may (the file is one the process could write).
    /// - `madvise(MADV_DONTNEED)` on the code (`r-xp`: mapped read-only, never written): drops
    ///   this process's mappings of pages shared with other processes (the C library's code)
    ///   and of code it may not page out. The next touch maps the page again from the page cache.
    ///   Skipped while a debugger is attached (its breakpoints are private copies of code pages).
    /// - `malloc_trim(0)`: the allocator returns the free pages of its heaps.
    ///
    /// Nothing is lost: clean pages are dropped and read back from the page cache on the next
    /// touch; modified private pages (relocated data) are only reclaimed to swap, if any. A
    /// kernel without MADV_PAGEOUT ignores the advice (EINVAL). Every mapping is parsed before
    /// the first advice, so the code that runs after it (and maps its pages again, 64 kB around
    /// each touch) is little. Returns the bytes advised.
    @discardableResult
    public static func releaseFileBackedPages() -> Int {
        guard let maps = readFile("/proc/self/maps") else { return 0 }
        let traced = readFile("/proc/self/status").map(isTraced(status:)) ?? true
        var mappings: [(start: UnsafeMutableRawPointer, length: Int, code: Bool)] = []
        for line in maps.split(separator: "\n") {
            // "start-end perms offset dev inode   pathname": a file's mapping has an inode and a path.
            let fields = line.split(separator: " ")
            guard fields.count >= 6, fields[4] != "0", fields[5].hasPrefix("/") else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16),
                end > start, let address = UnsafeMutableRawPointer(bitPattern: start)
            else { continue }
            mappings.append((address, Int(end - start), fields[1] == "r-xp" && !traced))
        }
        malloc_trim(0)
        var advised = 0
        for mapping in mappings where madvise(mapping.start, mapping.length, MADV_PAGEOUT) == 0 {
            advised += mapping.length
        }
        for mapping in mappings where mapping.code {
            _ = madvise(mapping.start, mapping.length, MADV_DONTNEED)
        }
        return advised
    }

    /// Whether /proc/PID/status says a debugger (or strace) is attached: `TracerPid` is not 0.
    /// Unreadable counts as traced, so code pages are then left mapped.
    static func isTraced(status: String) -> Bool {
        for line in status.split(separator: "\n") where line.hasPrefix("TracerPid:") {
            return line.dropFirst("TracerPid:".count).trimmingPrefix(while: { $0 == " " || $0 == "\t" }) != "0"
        }
        return true
    }

    /// What `current` reads from /proc/self/status.
    enum Measure: String {
        /// `VmRSS`: everything resident.
        case total = "VmRSS"
        /// `RssFile`: resident pages of file mappings (what `releaseFileBackedPages` gives back).
        case fileBacked = "RssFile"
    }

    /// The resident size of this process in bytes, nil if unreadable (for tests).
    static func current(_ measure: Measure = .total) -> Int? {
        guard let status = readFile("/proc/self/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(measure.rawValue + ":") {
            return Int(line.filter(\.isASCIIDigit)).map { $0 * 1024 }  // "RssFile:	  1664 kB"
        }
        return nil
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in retryingOnInterrupt { read(fd, raw.baseAddress, raw.count) } }
            guard n > 0 else { break }
            bytes += buffer[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
