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
    /// - `madvise(MADV_DONTNEED)` on every read-only private file mapping none of whose pages is
    ///   a private copy (`Anonymous: 0 kB`): drops this process's mappings and leaves the pages in
    ///   the page cache, so the next touch maps a page again without reading the disk (a minor
    ///   fault). The file was never changed, so nothing is lost. This covers the code shared with
    ///   other processes (the C library's) and files the process may not page out (an installed,
    ///   root-owned trustd).
    /// - `madvise(MADV_PAGEOUT)` (Linux ≥ 5.4) on the other file mappings (writable, or holding
    ///   private copies such as relocated read-only data or a debugger's breakpoints, which
    ///   dropping would lose): the kernel reclaims the pages only this process maps, when it may
    ///   (the file is one the process could write).
    /// - `malloc_trim(0)`: the allocator returns the free pages of its heaps.
    ///
    /// Nothing is lost: clean pages are dropped and read back from the page cache on the next
    /// touch; modified private pages (relocated data) are only reclaimed to swap, if any. A
    /// kernel without MADV_PAGEOUT ignores the advice (EINVAL). Every mapping is parsed before
    /// the first advice, so the code that runs after it (and maps its pages again, 64 kB around
    /// each touch) is little. Returns the bytes advised.
    @discardableResult
    public static func releaseFileBackedPages() -> Int {
        guard let smaps = readFile("/proc/self/smaps") else { return 0 }
        let mappings = fileMappings(smaps: smaps).compactMap { m in
            UnsafeMutableRawPointer(bitPattern: m.start).map { (address: $0, length: m.length, unchanged: m.unchanged) }
        }
        malloc_trim(0)
        var advised = 0
        for mapping in mappings
        where madvise(mapping.address, mapping.length, mapping.unchanged ? MADV_DONTNEED : MADV_PAGEOUT) == 0 {
            advised += mapping.length
        }
        return advised
    }

    /// A file mapping of /proc/PID/smaps.
    struct FileMapping: Equatable {
        var start: UInt
        var length: Int
        /// Read-only, private, and no page of it is a private copy: its pages are the file's.
        var unchanged: Bool
    }

    /// The file mappings in the text of /proc/PID/smaps: a header line per mapping
    /// ("start-end perms offset dev inode   pathname"; a file's has an inode and a path) followed
    /// by "Key:   value kB" lines, of which `Anonymous` counts its private copies.
    static func fileMappings(smaps: String) -> [FileMapping] {
        var mappings: [FileMapping] = []
        var current: FileMapping?  // the file mapping whose lines follow
        var counted = false  // its `Anonymous` line was read and said 0: without one, nothing is known
        func finish() {
            if var done = current {
                done.unchanged = done.unchanged && counted
                mappings.append(done)
            }
            current = nil
        }
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard let first = fields.first else { continue }
            if first.hasSuffix(":") {
                if first == "Anonymous:" { counted = fields.count >= 3 && fields[1] == "0" }
                continue
            }
            finish()
            counted = false
            let range = first.split(separator: "-")
            guard fields.count >= 6, fields[4] != "0", fields[5].hasPrefix("/"), range.count == 2,
                let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16), end > start
            else { continue }
            let perms = Array(fields[1].utf8)
            let readOnlyPrivate = perms.count == 4 && perms[1] == UInt8(ascii: "-") && perms[3] == UInt8(ascii: "p")
            current = FileMapping(start: start, length: Int(end - start), unchanged: readOnlyPrivate)
        }
        finish()
        return mappings
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

    /// The whole text of a (/proc) file, nil if it cannot be opened.
    static func readFile(_ path: String) -> String? {
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
