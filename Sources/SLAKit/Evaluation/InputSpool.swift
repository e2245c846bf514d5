import Foundation

/// Copies inputs that can be read only once to temporary files before evaluation: standard
/// input, and a path that is not a regular file (a named pipe, `<(...)`'s `/dev/fd/63`, a
/// device). The evaluation may read its inputs a second time, from the start, when the
/// events turn out to be out of order (see `Evaluator`); a pipe read again is empty, or
/// starts where the first reading stopped, and a named pipe opened again waits for a
/// writer that never comes. Memory stays bounded: the copies are made in chunks.
struct InputSpool {
    /// The temporary copies.
    let paths: [String]

    /// Replaces every source read only once with its copy; nil when there is none. A path
    /// that cannot be opened is left for the reader to report.
    static func replace(in sources: inout [EventSource]) throws -> InputSpool? {
        var paths: [String] = []
        var standardInputCopy: String?
        do {
            for position in sources.indices {
                switch sources[position].input {
                case .standardInput:
                    // `--events -` once (the command refuses a second `-`), but one copy
                    // serves any number.
                    if standardInputCopy == nil {
                        standardInputCopy = try copy(FileHandle.standardInput, named: "-", into: &paths)
                    }
                    sources[position].input = .file(path: standardInputCopy!)
                case .file(let path):
                    var status = stat()
                    guard stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG, status.st_mode & S_IFMT != S_IFDIR,
                          let handle = FileHandle(forReadingAtPath: path) else { continue }
                    defer { try? handle.close() }
                    sources[position].input = .file(path: try copy(handle, named: path, into: &paths))
                case .bytes:
                    continue
                }
            }
        } catch {
            for path in paths {
                try? FileManager.default.removeItem(atPath: path)
                TemporaryFiles.unregister(path)
            }
            throw error
        }
        return paths.isEmpty ? nil : InputSpool(paths: paths)
    }

    /// Copies what `input` holds to a new temporary file, added to `paths`; returns its path.
    private static func copy(_ input: FileHandle, named name: String, into paths: inout [String]) throws -> String {
        let path = NSTemporaryDirectory() + "sla-input-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).spool"
        // Readable by the owner only: the copy of a CRM export sits in a shared folder.
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = FileHandle(forWritingAtPath: path) else {
            throw InputError(kind: .unreadable, message: "\(name): cannot copy the input to \(path)")
        }
        paths.append(path)
        TemporaryFiles.register(path)
        defer { try? output.close() }
        do {
            // The throwing calls: a read or write error (a full disk) is an error to report,
            // where `readData`/`write(_:)` would stop the process.
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try output.write(contentsOf: chunk)
            }
        } catch {
            throw InputError(kind: .unreadable, message: "\(name): cannot copy the input to \(path): \(error.localizedDescription)")
        }
        return path
    }

    func remove() {
        for path in paths {
            try? FileManager.default.removeItem(atPath: path)
            TemporaryFiles.unregister(path)
        }
    }
}
