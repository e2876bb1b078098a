import LinuxWatch
import Testing

@Suite struct ResidentMemoryTests {
    /// The advice reaches the kernel for this process's own file-backed mappings (the test
    /// binary and its libraries) and leaves the process working.
    @Test func releasesFileBackedPagesAndReadsTheResidentSize() throws {
        let before = try #require(ResidentMemory.current())
        #expect(before > 0)
        let advised = ResidentMemory.releaseFileBackedPages()
        #expect(advised > 1 << 20)  // at least the test executable's code
        let after = try #require(ResidentMemory.current())
        #expect(after > 0)
    }
}
