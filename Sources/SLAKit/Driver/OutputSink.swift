/// Where a report goes, chunk by chunk: standard output, or a file written atomically
/// (`AtomicFile`: a killed run leaves the old file or the new one, never half of one).
final class OutputSink {
    private let console: Console?
    private let file: AtomicFile?
    private var failure: Error?

    /// A sink writing to standard output.
    init(console: Console) {
        self.console = console
        file = nil
    }

    /// A sink writing `path` atomically.
    init(path: String) throws {
        console = nil
        file = try AtomicFile(path: path)
    }

    func write(_ bytes: [UInt8]) {
        if let console {
            console.out(bytes: bytes)
            return
        }
        guard failure == nil else { return }
        do { try file?.write(bytes) } catch { failure = error }
    }

    /// Completes the output: for a file, renames it into place (or reports why it failed).
    func finish() throws {
        if let failure { throw failure }
        try file?.commit()
    }
}
