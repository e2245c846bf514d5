#if canImport(Glibc)
import Glibc
#endif

/// Large allocations for per-lead state, backed by 2 MiB pages where the system allows it
/// (Linux transparent huge pages in `madvise` mode). With millions of leads, state is
/// hundreds of megabytes read in random order; with 4 KiB pages nearly every access also
/// misses the address-translation cache, so the cost per event grows with the number of
/// leads. Elsewhere, or for small sizes, these are plain allocations.
enum HugePages {
    /// Sizes from which huge pages are asked for, in bytes.
    static let threshold = 4 << 20
    static let pageBytes = 2 << 20

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
