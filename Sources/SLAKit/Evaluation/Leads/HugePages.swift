#if canImport(Glibc)
import Glibc
#endif

/// Large allocations (per-lead state, the readers' blocks and parsed columns, the verdict
/// lists), backed by 2 MiB pages where the system allows it (Linux transparent huge pages
/// in `madvise` mode). With millions of leads, state is hundreds of megabytes read in
/// random order; with 4 KiB pages nearly every access also misses the address-translation
/// cache, so the cost per event grows with the number of leads. And memory written for the
/// first time costs a page fault per page, 512 times fewer with 2 MiB pages: asking for
/// them here took a run over 1.2 M events from 30,000 faults to 15,000, and its time in
/// the kernel from 0.25 s to 0.14 s. Elsewhere, or for small sizes, these are plain
/// allocations.
enum HugePages {
    /// Sizes from which huge pages are asked for, in bytes. Small enough that the worker
    /// columns and the lead columns past their first doublings qualify; a small input
    /// touches at most a few such pages (a few megabytes).
    static let threshold = 1 << 20
    static let pageBytes = 2 << 20

    /// Bytes of address space a growing column reserves (`reserve`): far more than it will
    /// use, since only the pages it touches take memory.
    static let reservationBytes = 16 << 30

    /// Reserves `reservationBytes` of zeroed address space (huge pages where possible) for
    /// a column to grow into in place: growing then neither copies the column nor touches
    /// fresh memory twice (a doubled copy is zeroed by the system, then written). Pages
    /// take memory only once touched. nil where this is not possible (not Linux, or the
    /// system refuses the mapping), when callers allocate as usual. Release with `release`.
    static func reserve() -> UnsafeMutableRawPointer? {
        #if os(Linux)
        guard reservesAddressSpace, let memory = mmap(nil, reservationBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              memory != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        _ = madvise(memory, reservationBytes, MADV_HUGEPAGE)
        return memory
        #else
        return nil
        #endif
    }

    /// Whether reserving is cheap here: not under strict overcommit accounting
    /// (`vm.overcommit_memory` 2), which ignores `MAP_NORESERVE` and would count each
    /// reservation as 16 GiB committed.
    static let reservesAddressSpace: Bool = {
        #if os(Linux)
        let descriptor = open("/proc/sys/vm/overcommit_memory", O_RDONLY)
        guard descriptor >= 0 else { return false }
        defer { _ = close(descriptor) }
        var mode: UInt8 = 0
        guard read(descriptor, &mode, 1) == 1 else { return false }
        return mode == UInt8(ascii: "0") || mode == UInt8(ascii: "1")
        #else
        return false
        #endif
    }()

    /// Gives back a region from `reserve`.
    static func release(_ memory: UnsafeMutableRawPointer) {
        #if os(Linux)
        _ = munmap(memory, reservationBytes)
        #endif
    }

    /// Asks for huge pages under the `byteCount` bytes at `start`, memory allocated
    /// elsewhere (an array's storage) and not yet written: for the 2 MiB-aligned pages
    /// wholly inside it, when it is large.
    static func advise(_ start: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        guard byteCount >= threshold else { return }
        let first = (UInt(bitPattern: start) + UInt(pageBytes) - 1) & ~UInt(pageBytes - 1)
        let end = (UInt(bitPattern: start) + UInt(byteCount)) & ~UInt(pageBytes - 1)
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(aligned, Int(end - first), MADV_HUGEPAGE)
        #endif
    }

    /// `byteCount` bytes aligned for huge pages when large; release with `deallocate`.
    static func allocate(byteCount: Int, alignment: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= threshold else { return .allocate(byteCount: byteCount, alignment: alignment) }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: max(alignment, pageBytes))
        #if os(Linux)
        _ = madvise(memory, byteCount, MADV_HUGEPAGE)
        #endif
        return memory
    }
}
