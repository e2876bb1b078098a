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
}
