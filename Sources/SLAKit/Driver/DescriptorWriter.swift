import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes bytes to a file descriptor in the order given. When the descriptor is a regular
/// file not opened for appending, large writes are not waited for: each goes to its own
/// offset with `pwrite(2)` on another core, at most `inFlightLimit` at a time, while the
/// caller renders what comes next. (Copying a report of hundreds of megabytes into the
/// page cache took most of a core; done by the thread that waited for the rendering, it
/// was the slowest stage of the report.) Anything else (a pipe, a terminal, a file opened
/// with `>>`) is written in place, as is every small write.
///
/// The bytes land exactly where sequential writes would put them, and the descriptor's
/// offset is where they would leave it once `flush` returns (and before any write that is
/// not deferred). Not for use from several threads at once.
final class DescriptorWriter: @unchecked Sendable {
    let descriptor: Int32
    /// Where the next bytes go, in bytes from the start of the file; nil when writes are
    /// never deferred.
    private var offset: Int64?
    /// Writes of at least this many bytes are deferred.
    static let deferredBytes = 1 << 16
    /// Deferred writes at most in flight. One: writes to one file wait for each other in
    /// the kernel (ext4 takes the file's lock for each), and a second writer only spun
    /// there, taking the core from the rendering.
    static let inFlightLimit = 1
    private let inFlight = DispatchGroup()
    private let slots = DispatchSemaphore(value: DescriptorWriter.inFlightLimit)
    /// The `errno` of the first failed write, 0 while none failed.
    private let firstError = Atomic<Int32>(0)

    init(descriptor: Int32) {
        self.descriptor = descriptor
        offset = DescriptorWriter.startOffset(descriptor)
    }

    /// The descriptor's offset when it is a regular file open for writing without
    /// `O_APPEND` (with `O_APPEND`, `pwrite` appends whatever offset it is given); else nil.
    private static func startOffset(_ descriptor: Int32) -> Int64? {
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, flags & O_APPEND == 0 else { return nil }
        let position = lseek(descriptor, 0, SEEK_CUR)
        return position >= 0 ? Int64(position) : nil
    }

    /// Whether large writes are deferred (the descriptor is a regular file, not appended to).
    var defers: Bool { offset != nil }

    /// The `errno` of the first write that failed (a full disk, a closed pipe), if any.
    var error: Int32? {
        let code = firstError.load(ordering: .acquiring)
        return code == 0 ? nil : code
    }

    /// Writes `bytes` after everything written before.
    func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        guard let start = offset, bytes.count >= DescriptorWriter.deferredBytes else {
            flush()
            writeInPlace(bytes)
            return
        }
        offset = start + Int64(bytes.count)
        slots.wait()
        DispatchQueue.global().async(group: inFlight) { [self] in
            defer { slots.signal() }
            if let code = bytes.withUnsafeBytes({ DescriptorWriter.writeAll(descriptor, $0, at: start) }) { note(code) }
        }
    }

    /// Waits for the deferred writes, and moves the descriptor's offset past them.
    func flush() {
        guard let offset else { return }
        inFlight.wait()
        // Deferred writes leave the descriptor's own offset alone.
        if lseek(descriptor, off_t(offset), SEEK_SET) < 0 { note(errno) }
    }

    /// Writes `bytes` at the descriptor's offset.
    private func writeInPlace(_ bytes: [UInt8]) {
        if let code = bytes.withUnsafeBytes({ DescriptorWriter.writeAll(descriptor, $0) }) { note(code) }
        if let start = offset { offset = start + Int64(bytes.count) }
    }

    /// Writes all of `bytes` to `descriptor`, at its offset or, given `position`, at that
    /// offset (`pwrite`), retrying short and interrupted writes. Returns the `errno` of a
    /// failed write (a full disk, a closed pipe), which ends it, else nil.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, at position: Int64? = nil) -> Int32? {
        var done = 0
        while done < bytes.count {
            let written = position.map { pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t($0) + off_t(done)) }
                ?? systemWrite(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if written < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += written
        }
        return nil
    }

    private func note(_ code: Int32) {
        _ = firstError.compareExchange(expected: 0, desired: code, ordering: .acquiringAndReleasing)
    }
}

/// `write(2)`, which the method of the same name hides inside `DescriptorWriter`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
