import Foundation

/// Where a report goes, chunk by chunk: standard output, or a file that is written under a
/// temporary name and renamed into place when complete, so a killed run leaves the old file
/// or the new one, never half of one.
final class OutputSink {
    private let console: Console?
    private let path: String?
    private let temporaryPath: String?
    private var handle: FileHandle?
    private var failure: String?

    /// A sink writing to standard output.
    init(console: Console) {
        self.console = console
        path = nil
        temporaryPath = nil
    }

    /// A sink writing `path` atomically.
    init(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        guard FileManager.default.createFile(atPath: temporary, contents: nil),
              let handle = FileHandle(forWritingAtPath: temporary) else {
            throw UsageError(message: "cannot write `\(path)`")
        }
        console = nil
        self.path = path
        temporaryPath = temporary
        self.handle = handle
    }

    func write(_ bytes: [UInt8]) {
        if let console {
            console.out(bytes: bytes)
            return
        }
        guard failure == nil, let handle else { return }
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            failure = error.localizedDescription
        }
    }

    /// Completes the output: for a file, closes it and renames it into place.
    func finish() throws {
        guard let path, let temporaryPath, let handle else { return }
        self.handle = nil
        try? handle.close()
        if let failure {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw UsageError(message: "cannot write `\(path)`: \(failure)")
        }
        if rename(temporaryPath, path) != 0 {
            try? FileManager.default.removeItem(atPath: temporaryPath)
            throw UsageError(message: "cannot write `\(path)`")
        }
    }
}
