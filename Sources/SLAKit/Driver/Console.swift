import Foundation

/// Where a command writes and reads: the real process streams, or buffers in tests.
public final class Console: @unchecked Sendable {
    private let writeOut: (String) -> Void
    private let writeOutBytes: ([UInt8]) -> Void
    private let writeError: (String) -> Void
    private let readInput: () -> [UInt8]
    private let flushOut: () -> Void
    private let outputError: () -> Int32?
    /// Whether standard output / error are terminals (table output, colors).
    public let outputIsTerminal: Bool
    public let errorIsTerminal: Bool

    public init(out: @escaping (String) -> Void, error: @escaping (String) -> Void,
                input: @escaping () -> [UInt8] = { [] }, outputIsTerminal: Bool = false, errorIsTerminal: Bool = false) {
        writeOut = out
        writeOutBytes = { out(String(decoding: $0, as: UTF8.self)) }
        writeError = error
        readInput = input
        flushOut = {}
        outputError = { nil }
        self.outputIsTerminal = outputIsTerminal
        self.errorIsTerminal = errorIsTerminal
    }

    private init(out: @escaping (String) -> Void, outBytes: @escaping ([UInt8]) -> Void, flush: @escaping () -> Void,
                 outputError: @escaping () -> Int32?, error: @escaping (String) -> Void, input: @escaping () -> [UInt8],
                 outputIsTerminal: Bool, errorIsTerminal: Bool) {
        writeOut = out
        writeOutBytes = outBytes
        flushOut = flush
        self.outputError = outputError
        writeError = error
        readInput = input
        self.outputIsTerminal = outputIsTerminal
        self.errorIsTerminal = errorIsTerminal
    }

    /// The process's own streams (or, in tests, other descriptors). Standard output may
    /// hold large writes back (see `DescriptorWriter`) until `flush`.
    public static func standard(output: Int32 = 1, error: Int32 = 2) -> Console {
        let writer = DescriptorWriter(descriptor: output)
        return Console(out: { text in writer.write(Array(text.utf8)) },
                       outBytes: { bytes in writer.write(bytes) },
                       flush: { writer.flush() },
                       outputError: { writer.error },
                       error: { text in writeAll(error, Array(text.utf8)) },
                       input: {
                           // One byte past the limit tells a source that is too large.
                           let data = try? FileHandle.standardInput.read(upToCount: Limits.maximumSourceBytes + 1)
                           return Array((data ?? nil) ?? Data())
                       },
                       outputIsTerminal: isatty(output) == 1, errorIsTerminal: isatty(error) == 1)
    }

    /// Writes all of `bytes` to a file descriptor (standard error); a failure (a closed
    /// pipe) ends the output quietly.
    private static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { DescriptorWriter.writeAll(descriptor, $0) }
    }

    public func out(_ text: String) { writeOut(text) }
    /// Writes UTF-8 bytes to standard output (large reports).
    public func out(bytes: [UInt8]) { writeOutBytes(bytes) }
    public func error(_ text: String) { writeError(text) }
    /// Waits until everything written to standard output is out.
    public func flush() { flushOut() }
    /// The `errno` of the first write to standard output that failed, if any (after `flush`).
    public var outputFailure: Int32? { outputError() }
    /// Standard input, whole up to one byte past `Limits.maximumSourceBytes` (for
    /// `sla fmt -` and `sla check -`).
    public func input() -> [UInt8] { readInput() }

    /// Whether to color diagnostics: a terminal, and `NO_COLOR` unset.
    var colorsErrors: Bool { errorIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil }
}

/// Exit codes of SPEC.md section 7.
public enum ExitCode {
    public static let success: Int32 = 0
    /// Warnings with `--strict`, unformatted files, failed tests, `--fail-on` verdicts.
    public static let failure: Int32 = 1
    /// Invalid SLA, invalid events, parse errors.
    public static let invalid: Int32 = 2
    /// Usage errors and unreadable files.
    public static let usage: Int32 = 3
}

/// A usage error or unreadable file: one line on stderr, exit 3.
struct UsageError: Error {
    /// One line (SPEC.md 7): control characters, a line feed in an argument included, are
    /// shown as control pictures (`␊`).
    var message: String

    init(message: String) {
        self.message = TextFormatting.visible(message)
    }
}

/// File-system helpers of the driver.
enum Files {
    /// Reads a whole `.sla` source, at most `Limits.maximumSourceBytes`, or throws a
    /// `UsageError` naming it.
    static func read(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw UsageError(message: "cannot read `\(path)`: it is a directory")
        }
        // Through a handle, for regular files, character devices and pipes (`/dev/null`,
        // `<(...)`) alike, and never more than one byte past the limit.
        guard let handle = FileHandle(forReadingAtPath: path),
              let data = try? handle.read(upToCount: Limits.maximumSourceBytes + 1) ?? Data() else {
            throw UsageError(message: "cannot read `\(path)`: no such file or not readable")
        }
        try? handle.close()
        try requireSourceSize(data.count, of: "`\(path)`")
        return Array(data)
    }

    /// Reads standard input as a `.sla` source (`sla fmt -`, `sla check -`), at most
    /// `Limits.maximumSourceBytes`.
    static func readSource(from console: Console) throws -> [UInt8] {
        let bytes = console.input()
        try requireSourceSize(bytes.count, of: "standard input")
        return bytes
    }

    /// Throws when `count` bytes are more than a source may hold.
    private static func requireSourceSize(_ count: Int, of what: String) throws {
        guard count > Limits.maximumSourceBytes else { return }
        throw UsageError(message: "cannot read \(what): an SLA source holds at most \(Limits.maximumSourceBytes >> 20) MiB")
    }

    /// Writes a whole file as `OutputFile` does: a regular file atomically (a temporary file
    /// beside it, then a rename, so a killed or failed run leaves the old file or the new
    /// one, never half of one); a device or pipe in place.
    static func writeWhole(_ bytes: [UInt8], to path: String) throws {
        let file = try OutputFile(path: path)
        try file.write(bytes)
        try file.commit()
    }
}

/// An output file written in pieces (for outputs whose size depends on the input, such as
/// `--rejects`, so that they never have to be held in memory whole).
///
/// A regular file (or a new one) is written atomically: the bytes go to a temporary file
/// beside `path`, which `commit` renames over it. Until then, and whenever writing fails
/// or the file is released without `commit`, `path` keeps its old content and the
/// temporary file is removed. An existing file keeps its permission bits, and a symbolic
/// link stays a link: the file it points to is the one replaced.
///
/// What is not a regular file (`/dev/null`, a named pipe, a terminal) cannot be replaced:
/// it is written in place, as a shell's `>` would. So is the file standard output or
/// standard error already goes to (`--goals-csv /dev/stdout > all.csv`): through that
/// descriptor, after what was written there before, rather than replaced from under it.
///
/// Several outputs of one run are completed together: `finishWriting` for each (the bytes
/// are out, write errors known), then `commit` for each (the renames), so that a failure
/// in one leaves every other old file as it was.
final class OutputFile {
    let path: String
    /// The file replaced or created: `path` with its symbolic links resolved (`target(of:)`).
    private let target: String
    /// The temporary file written until `commit`; nil when writing in place.
    private let temporaryPath: String?
    private var descriptor: Int32
    /// Writes the temporary file: large pieces (a report's chunks) on another core while
    /// the next is rendered.
    private let writer: DescriptorWriter
    private var pending: [UInt8] = []
    /// Bytes buffered before a `write(2)` call; pieces at least this large are not buffered.
    private static let bufferBytes = 1 << 16

    /// Creates the temporary file, or opens what is written in place; throws `UsageError`
    /// when it cannot (no such directory, no permission). `standardDescriptors` are those
    /// whose file is written through them (tests pass their own).
    init(path: String, standardDescriptors: [Int32] = [1, 2]) throws {
        self.path = path
        target = try OutputFile.target(of: path)
        var status = stat()
        let exists = stat(path, &status) == 0
        if exists, let inPlace = OutputFile.inPlaceDescriptor(path, status, standardDescriptors) {
            temporaryPath = nil
            descriptor = inPlace
        } else {
            let url = URL(fileURLWithPath: target)
            let temporaryPath = url.deletingLastPathComponent()
                .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).tmp").path
            self.temporaryPath = temporaryPath
            descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_TRUNC, 0o666)
            if descriptor >= 0 { TemporaryFiles.register(temporaryPath) }
            // The replacement keeps the replaced file's permissions (a 0640 file stays 0640).
            if descriptor >= 0, exists { _ = fchmod(descriptor, status.st_mode & 0o7777) }
        }
        guard descriptor >= 0 else {
            throw UsageError(message: "cannot write `\(path)`: \(String(cString: strerror(errno)))")
        }
        writer = DescriptorWriter(descriptor: descriptor)
    }

    /// The file that writing `path` replaces or creates: `path` with its symbolic links
    /// resolved, also a link to a file that does not exist yet (written there, as a
    /// shell's `>` would; the link stays). Throws for a loop of links.
    static func target(of path: String) throws -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        var current = path
        for _ in 0..<40 {
            var status = stat()
            guard lstat(current, &status) == 0, status.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count >= 0 else { return current }
            let link = String(decoding: buffer[0 ..< count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link
                : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(link).path
        }
        throw UsageError(message: "cannot write `\(path)`: \(String(cString: strerror(ELOOP)))")
    }

    /// For an existing `path` (whose `stat` is `status`) that is written in place, a
    /// descriptor to write it through (-1 when it cannot be opened); nil for a file to
    /// replace.
    private static func inPlaceDescriptor(_ path: String, _ status: stat, _ standardDescriptors: [Int32]) -> Int32? {
        // The file standard output or error goes to: through that descriptor, sharing its
        // offset, so that the bytes follow what was written there.
        for standard in standardDescriptors {
            var standardStatus = stat()
            if fstat(standard, &standardStatus) == 0, standardStatus.st_dev == status.st_dev, standardStatus.st_ino == status.st_ino {
                return dup(standard)
            }
        }
        guard status.st_mode & S_IFMT != S_IFREG else { return nil }
        // A directory fails here, with the reason `open` gives.
        return open(path, O_WRONLY)
    }

    deinit { discard() }

    /// Appends bytes (small ones buffered).
    func write(_ bytes: [UInt8]) throws {
        guard descriptor >= 0 else { throw UsageError(message: "cannot write `\(path)`") }
        try checkWrites()
        if bytes.count >= Self.bufferBytes {
            try flush()
            writer.write(bytes)
            return
        }
        pending.append(contentsOf: bytes)
        if pending.count >= Self.bufferBytes { try flush() }
    }

    /// Hands the buffered bytes to the writer.
    private func flush() throws {
        writer.write(pending)
        pending.removeAll(keepingCapacity: true)
        try checkWrites()
    }

    /// Throws, discarding the file, when a write failed.
    private func checkWrites() throws {
        guard let code = writer.error else { return }
        // A pipe written in place whose reader left (`--output /dev/stdout | head`) ends the
        // output quietly, as standard output does (`Driver`).
        if temporaryPath == nil, code == EPIPE { return }
        discard()
        throw UsageError(message: "cannot write `\(path)`: \(String(cString: strerror(code)))")
    }

    /// Writes what is buffered and waits for the writes: throws when one failed (the old
    /// file is then left as it was). `commit` still has to rename the file into place.
    func finishWriting() throws {
        guard descriptor >= 0 else { throw UsageError(message: "cannot write `\(path)`") }
        try flush()
        writer.flush()
        try checkWrites()
    }

    /// Writes what is buffered and renames the temporary file over `path` (writing in
    /// place, closes it).
    func commit() throws {
        try finishWriting()
        let closed = close(descriptor)
        descriptor = -1
        guard let temporaryPath else {
            if closed != 0 { throw UsageError(message: "cannot write `\(path)`: \(String(cString: strerror(errno)))") }
            return
        }
        defer { TemporaryFiles.unregister(temporaryPath) }
        guard closed == 0, rename(temporaryPath, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw UsageError(message: "cannot write `\(path)`: \(reason)")
        }
    }

    /// Drops the temporary file; `path` is untouched (written in place, what was written
    /// stays). Does nothing after `commit`.
    func discard() {
        guard descriptor >= 0 else { return }
        // Deferred writes still use the descriptor.
        writer.flush()
        close(descriptor)
        descriptor = -1
        if let temporaryPath {
            unlink(temporaryPath)
            TemporaryFiles.unregister(temporaryPath)
        }
    }
}
