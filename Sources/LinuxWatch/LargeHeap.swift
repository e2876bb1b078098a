// A heap for a short command that builds large values: what makes `trustctl report` on ten years
// of check-ins spend its time computing rather than faulting pages in (issue 15).
import CLinuxWatch
import Glibc

/// The C allocator's heap, set up for a process that allocates tens of megabytes and exits.
public enum LargeHeap {
    /// The size of a transparent huge page on x86-64 and arm64 (4 kB base pages).
    static let hugePage = 2 << 20

    /// Makes the next `reserve` bytes the allocator hands out come from one heap, backed by
    /// transparent huge pages where the kernel offers them (`/sys/kernel/mm/transparent_hugepage/
    /// enabled` is `always` or `madvise`): ten years of a 50-item report touch ~16 MB, which is ~4,000
    /// page faults in 4 kB pages and a handful in 2 MB ones.
    ///
    /// - `M_ARENA_MAX` 1: the threads that decode and compute in parallel share that heap, rather
    ///   than each growing an arena of its own (in 4 kB pages).
    /// - `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD`: large arrays come from the heap too, and freed
    ///   memory stays in it for the next allocation (the process exits soon).
    /// - `M_TOP_PAD` `reserve`: the heap grows by that much in one step, now (a `malloc` and `free`
    ///   of a block), and `madvise(MADV_HUGEPAGE)` covers the new part.
    ///
    /// Not for trustd: a daemon gives its memory back when idle (`ResidentMemory`). Harmless where
    /// huge pages are off (the advice is then ignored) or the heap cannot grow (`brk` refused: the
    /// allocator maps memory instead, and nothing is advised). Returns the bytes advised.
    @discardableResult
    public static func prepare(reserve: Int = 32 << 20) -> Int {
        let size = Int32(clamping: reserve)
        mallopt(M_ARENA_MAX, 1)
        mallopt(M_MMAP_THRESHOLD, size)
        mallopt(M_TRIM_THRESHOLD, Int32(clamping: reserve * 2))
        mallopt(M_TOP_PAD, size)
        guard let before = sbrk(0) else { return 0 }
        // More than the heap's free top can hold: the allocator extends the break by it plus the pad.
        // (The block is passed to malloc_usable_size so that the compiler keeps this malloc and free.)
        guard let block = malloc(reserve / 2) else { return 0 }
        let usable = malloc_usable_size(block)
        let after = sbrk(0)
        free(block)
        guard usable >= reserve / 2 else { return 0 }
        guard let after, after > before else { return 0 }
        let start = (Int(bitPattern: before) + hugePage - 1) / hugePage * hugePage
        let end = Int(bitPattern: after) / hugePage * hugePage
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return 0 }
        return madvise(address, end - start, MADV_HUGEPAGE) == 0 ? end - start : 0
    }
}
