import Foundation

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
        try finishWriting()
        try file?.commit()
    }

    /// Writes out what is pending and throws when a write failed, without renaming a file
    /// into place yet (`finish` does): outputs of one run are all written before any replaces
    /// its old file.
    func finishWriting() throws {
        if let failure { throw failure }
        try file?.finishWriting()
    }

    /// The file `path` names for `--output`-like options, to tell two options naming the
    /// same file apart; nil for `-` (standard output, which any number may share).
    static func identity(of path: String) throws -> String? {
        path == "-" ? nil : URL(fileURLWithPath: try OutputFile.target(of: path)).standardizedFileURL.path
    }

    /// Drops what was written to a file (a regular file keeps its old content).
    func discard() {
        file?.discard()
    }

    /// Completes a run's outputs together: each is written out first, and only when every
    /// one was (standard output too) do the files replace their old versions, so that a
    /// failed write (a full disk) leaves every old file as it was. A standard output that
    /// failed is left for `Driver.complete` to report (exit 3).
    static func complete(_ sinks: [OutputSink], console: Console) throws {
        do {
            for sink in sinks { try sink.finishWriting() }
        } catch {
            for sink in sinks { sink.discard() }
            throw error
        }
        console.flush()
        if let failure = console.outputFailure, failure != EPIPE {
            for sink in sinks { sink.discard() }
            return
        }
        // All renamed, or (interrupted before) none.
        try TemporaryFiles.withRemovalHeld {
            for sink in sinks { try sink.finish() }
        }
    }
}
