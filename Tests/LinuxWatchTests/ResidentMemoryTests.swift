import Glibc
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
    /// dropped instead (MADV_DONTNEED on code), and what the process touches next is mapped
    /// again from the page cache. Fails without the MADV_DONTNEED step (libc's code stays
    /// resident: 1,112 kB before and after in trustd).
    @Test func dropsItsMappingsOfSharedLibraryCode() throws {
        #expect(!ResidentMemory.isTraced(status: try #require(readStatus())), "run untraced: the step is skipped under a debugger")
        let before = try residentCode(of: "/libc.so")
        #expect(before > 0, "no code mapping of libc in /proc/self/smaps")
        ResidentMemory.releaseFileBackedPages()
        let after = try residentCode(of: "/libc.so")
        #expect(after < before, "libc's code resident: \(before >> 10) kB → \(after >> 10) kB")
        #expect(strlen("still runs") == 10)
    }

    /// A debugger's breakpoints are private copies of code pages, which dropping the mappings
    /// would throw away: while one is attached (`TracerPid` not 0, or no status), code stays mapped.
    @Test(arguments: [
        ("Name:\ttrustd\nTracerPid:\t0\nUid:\t1000\n", false),
        ("Name:\ttrustd\nTracerPid:\t4242\nUid:\t1000\n", true),
        ("TracerPid:    0\n", false),
        ("TracerPid:\t10\n", true),
        ("Name:\ttrustd\n", true),
        ("", true),
    ])
    func aTracedProcessKeepsItsCodeMapped(status: String, traced: Bool) {
        #expect(ResidentMemory.isTraced(status: status) == traced)
    }

    private func readStatus() -> String? { readFile("/proc/self/status") }

    /// The resident bytes of the executable mappings (`r-xp`) of the file whose path contains
    /// `name`, from /proc/self/smaps.
    private func residentCode(of name: String) throws -> Int {
        let smaps = try #require(readFile("/proc/self/smaps"))
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

    private func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while case let n = chunk.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }), n > 0 {
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
