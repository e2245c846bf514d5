import Foundation

/// Copies standard input to a temporary file before evaluation, so that it can be read a
/// second time when the events turn out to be out of order (see `Evaluator`). Memory stays
/// bounded: the copy is made in chunks.
struct StandardInputSpool {
    let path: String

    /// Replaces a standard-input source with its spooled copy; nil when there is none.
    static func replace(in sources: inout [EventSource]) throws -> StandardInputSpool? {
        guard sources.contains(where: { if case .standardInput = $0.input { return true } else { return false } }) else {
            return nil
        }
        let path = NSTemporaryDirectory() + "sla-stdin-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max)).spool"
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let output = FileHandle(forWritingAtPath: path) else {
            throw InputError(kind: .unreadable, message: "-: cannot spool standard input to \(path)")
        }
        defer { try? output.close() }
        let input = FileHandle.standardInput
        while true {
            let chunk = input.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            output.write(chunk)
        }
        for position in sources.indices {
            if case .standardInput = sources[position].input { sources[position].input = .file(path: path) }
        }
        return StandardInputSpool(path: path)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
