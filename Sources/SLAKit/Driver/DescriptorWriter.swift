import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes bytes to a file descriptor in the order given. When the descriptor is a regular
/// file not opened for appending, large writes are not waited for: each reserves its range
/// at the descriptor's offset (moving the offset past it at once, as the write would) and
/// is written there with `pwrite(2)` on another core, at most `inFlightLimit` at a time,
/// while the caller renders what comes next. (Copying a report of hundreds of megabytes into
/// the page cache took most of a core; done by the thread that waited for the rendering, it
/// was the slowest stage of the report.) Anything else (a pipe, a terminal, a file opened
/// with `>>`) is written in place, as is every small write.
///
/// Since the offset moves as each write is asked for, the bytes land where sequential
/// writes would put them, also among other writes to the same open file (standard error
/// sent to the same file with `2>&1`). `flush` waits for the deferred writes. Not for use
/// from several threads at once.
final class DescriptorWriter: @unchecked Sendable {
    let descriptor: Int32
    /// Whether large writes are deferred (the descriptor is a regular file, not appended to).
    let defers: Bool
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
        defers = DescriptorWriter.isPlainFile(descriptor)
    }

    /// Whether `descriptor` is a regular file open without `O_APPEND` (with it, `pwrite`
    /// appends whatever offset it is given).
    private static func isPlainFile(_ descriptor: Int32) -> Bool {
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
        let flags = fcntl(descriptor, F_GETFL)
        return flags >= 0 && flags & O_APPEND == 0
    }

    /// The `errno` of the first write that failed (a full disk, a closed pipe), if any.
    var error: Int32? {
        let code = firstError.load(ordering: .acquiring)
        return code == 0 ? nil : code
    }

    /// Writes `bytes` after everything written before.
    func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        guard defers, bytes.count >= DescriptorWriter.deferredBytes, let start = reserve(bytes.count) else {
            if let code = bytes.withUnsafeBytes({ DescriptorWriter.writeAll(descriptor, $0) }) { note(code) }
            return
        }
        slots.wait()
        DispatchQueue.global().async(group: inFlight) { [self] in
            defer { slots.signal() }
            if let code = bytes.withUnsafeBytes({ DescriptorWriter.writeAll(descriptor, $0, at: start) }) { note(code) }
        }
    }

    /// The descriptor's offset, after moving it `count` bytes on: where bytes written now
    /// belong. Nil (and nothing moved) when the descriptor cannot seek.
    private func reserve(_ count: Int) -> Int64? {
        let start = lseek(descriptor, 0, SEEK_CUR)
        guard start >= 0, lseek(descriptor, start + off_t(count), SEEK_SET) >= 0 else { return nil }
        return Int64(start)
    }

    /// Waits for the deferred writes.
    func flush() {
        inFlight.wait()
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
                // A pipe whose reader left: the executable ends here, as by SIGPIPE.
                if errno == EPIPE { TemporaryFiles.brokenPipe() }
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
