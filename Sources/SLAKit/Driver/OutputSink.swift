/// Where an output goes, chunk by chunk: standard output (`-`), or a file (`OutputFile`: a
/// regular file is replaced atomically, so a killed run leaves the old file or the new one,
/// never half of one).
final class OutputSink {
    private let console: Console?
    private let file: OutputFile?
    private var failure: Error?

    /// A sink writing to standard output.
    init(console: Console) {
        self.console = console
        file = nil
    }

    /// A sink writing `path`; `-` is standard output.
    init(path: String, console: Console) throws {
        if path == "-" {
            self.console = console
            file = nil
        } else {
            self.console = nil
            file = try OutputFile(path: path)
        }
    }

    /// Writes `bytes`; a failure is kept for `finish`.
    func write(_ bytes: [UInt8]) {
        guard failure == nil else { return }
        do { try append(bytes) } catch { failure = error }
    }

    /// Writes `bytes`, throwing at once when writing the file failed (a full disk).
    func append(_ bytes: [UInt8]) throws {
        if let console {
            console.out(bytes: bytes)
            return
        }
        try file?.write(bytes)
    }

    /// Completes the output: for a file, renames it into place (or reports why it failed).
    func finish() throws {
        if let failure { throw failure }
        try file?.commit()
    }

    /// Drops what was written to a file (a regular file keeps its old content).
    func discard() {
        file?.discard()
    }

    /// Writes all of `bytes` to `path` (`-`: standard output).
    static func write(_ bytes: [UInt8], to path: String, console: Console) throws {
        let sink = try OutputSink(path: path, console: console)
        try sink.append(bytes)
        try sink.finish()
    }
}
