import Glibc  // strlen
import Testing

@testable import LinuxWatch

@Suite struct ResidentMemoryTests {
    /// The advice reaches the kernel for this process's own file-backed mappings (the test
    /// binary and its libraries) and the kernel takes their pages back: the resident
    /// file-backed size (RssFile) drops, and the process keeps working.
    @Test func givesTheFileBackedPagesBack() throws {
        let before = try #require(ResidentMemory.current(.fileBacked))
        let advised = ResidentMemory.releaseFileBackedPages()
        let after = try #require(ResidentMemory.current(.fileBacked))
        #expect(advised > 1 << 20)  // at least the test executable's code
        #expect(after < before - (1 << 20), "RssFile \(before >> 10) kB → \(after >> 10) kB")
        #expect(try #require(ResidentMemory.current()) > 0)
    }

    /// The C library's code is shared with every other process, so the kernel will not page it
    /// out for this one (MADV_PAGEOUT skips shared pages): this process's mappings of it are
    /// dropped instead (MADV_DONTNEED on unchanged read-only mappings), and what the process
    /// touches next is mapped again from the page cache. Fails without the MADV_DONTNEED step
    /// (libc's code stays resident: 1,032 kB before and after). The relocated read-only data
    /// (private copies) is kept: Swift's metadata, reached through it, still works.
    ///
    /// Other tests run libc's code on other threads meanwhile and map pages of it again (64 kB around
    /// each touch), so one measurement may come out higher after than before: it is tried up to five
    /// times. Without the step, no try shows less (the shared pages stay).
    @Test func dropsItsMappingsOfSharedLibraryCode() throws {
        var tries: [(before: Int, after: Int)] = []
        for _ in 0..<5 {
            let before = try residentCode(of: "/libc.so")
            #expect(before > 0, "no code mapping of libc in /proc/self/smaps")
            ResidentMemory.releaseFileBackedPages()
            tries.append((before, try residentCode(of: "/libc.so")))
            if tries.last!.after < tries.last!.before { break }
        }
        #expect(tries.contains { $0.after < $0.before }, "libc's code resident, kB before → after: \(tries.map { "\($0.before >> 10) → \($0.after >> 10)" })")
        #expect(strlen("still runs") == 10)
        #expect(String(describing: [Int: [String]].self) == "Dictionary<Int, Array<String>>")
    }

    private static let header = "7f0000000000-7f0000004000"

    /// Which mappings of /proc/PID/smaps are file mappings, and which of those hold only the
    /// file's own pages (read-only, private, `Anonymous: 0 kB`) and so may be dropped.
    @Test(arguments: [
        // code of a library: dropped
        ("\(header) r-xp 00001000 fe:01 1234    /usr/lib/x86_64-linux-gnu/libc.so.6\nRss:  1112 kB\nAnonymous:  0 kB\n",
         [ResidentMemory.FileMapping(start: 0x7f00_0000_0000, length: 0x4000, unchanged: true)]),
        // read-only data holding relocated (private) pages: kept
        ("\(header) r--p 00001000 fe:01 1234    /usr/bin/trustd\nAnonymous:   792 kB\n",
         [ResidentMemory.FileMapping(start: 0x7f00_0000_0000, length: 0x4000, unchanged: false)]),
        // a debugger's breakpoint is a private copy of a code page: kept
        ("\(header) r-xp 00001000 fe:01 1234    /usr/bin/trustd\nAnonymous:     4 kB\n",
         [ResidentMemory.FileMapping(start: 0x7f00_0000_0000, length: 0x4000, unchanged: false)]),
        // writable, or shared with the file: kept
        ("\(header) rw-p 00001000 fe:01 1234    /usr/bin/trustd\nAnonymous:     0 kB\n",
         [ResidentMemory.FileMapping(start: 0x7f00_0000_0000, length: 0x4000, unchanged: false)]),
        ("\(header) r-xs 00001000 fe:01 1234    /srv/shared code\nAnonymous:     0 kB\n",
         [ResidentMemory.FileMapping(start: 0x7f00_0000_0000, length: 0x4000, unchanged: false)]),
        // no Anonymous line: nothing known, kept
        ("\(header) r-xp 00001000 fe:01 1234    /usr/bin/trustd\nRss:  4 kB\n",
         [ResidentMemory.FileMapping(start: 0x7f00_0000_0000, length: 0x4000, unchanged: false)]),
        // not a file: the heap, an anonymous mapping, the stack
        ("\(header) rw-p 00000000 00:00 0    [heap]\nAnonymous:   640 kB\n7f0000004000-7f0000008000 r--p 00000000 00:00 0\nAnonymous:  0 kB\n", []),
        // two mappings: the second's Anonymous line is its own
        ("\(header) r-xp 00001000 fe:01 1234    /lib/libm.so.6\nAnonymous:  0 kB\n7f0000004000-7f0000006000 r--p 00009000 fe:01 1234    /lib/libm.so.6\nAnonymous:  8 kB\nVmFlags: rd mr mw me\n",
         [ResidentMemory.FileMapping(start: 0x7f00_0000_0000, length: 0x4000, unchanged: true),
          ResidentMemory.FileMapping(start: 0x7f00_0000_4000, length: 0x2000, unchanged: false)]),
    ])
    func findsTheFileMappingsThatHoldOnlyTheFilesPages(smaps: String, expected: [ResidentMemory.FileMapping]) {
        #expect(ResidentMemory.fileMappings(smaps: smaps) == expected)
    }

    /// The resident bytes of the executable mappings (`r-xp`) of the file whose path contains
    /// `name`, from /proc/self/smaps.
    private func residentCode(of name: String) throws -> Int {
        let smaps = try #require(ResidentMemory.readFile("/proc/self/smaps"))
        var total = 0
        var inCode = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if let first = fields.first, first.contains("-"), fields.count >= 5, !first.hasSuffix(":") {
                inCode = fields[1] == "r-xp" && line.contains(name)
            } else if inCode, line.hasPrefix("Rss:") {
                total += (Int(line.filter { $0.isNumber }) ?? 0) * 1024
            }
        }
        return total
    }
}
