/// A half-open range of UTF-8 byte offsets into one source file (`start..<end`, 0-based).
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    /// Offset of the first byte, 0-based.
    public var start: Int
    /// Offset one past the last byte.
    public var end: Int

    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// An empty range at `offset`.
    public static func at(_ offset: Int) -> SourceRange { SourceRange(start: offset, end: offset) }

    /// The smallest range covering both.
    public func joined(_ other: SourceRange) -> SourceRange {
        SourceRange(start: min(start, other.start), end: max(end, other.end))
    }

    public var length: Int { end - start }
    public var description: String { "\(start)..<\(end)" }
}

/// A 1-based line and column. The column counts Unicode scalars from the start of the line,
/// so a caret lines up under non-ASCII text in a terminal.
public struct SourceLocation: Hashable, Sendable {
    public var line: Int
    public var column: Int
}

/// One source file: its display path and its raw bytes (which may be invalid UTF-8).
public final class SourceFile: Sendable {
    /// The path as the user gave it; used in diagnostics.
    public let path: String
    /// The raw bytes of the file.
    public let bytes: [UInt8]
    /// Where the text starts: 3 after a leading UTF-8 byte order mark (which the lexer
    /// skips and editors do not show), else 0.
    public let textStart: Int
    /// Offsets at which each line starts (line 1 at `textStart`: columns count from after
    /// a byte order mark).
    public let lineStarts: [Int]
    /// `scalarCheckpoints[k]`: how many scalars start before offset `k * checkpointBytes`, so
    /// that a column costs at most `checkpointBytes` steps however long its line is.
    private let scalarCheckpoints: [Int]
    private static let checkpointBytes = 4096

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        textStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var starts = [textStart]
        var checkpoints = [0]
        var scalars = 0
        for (offset, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\n") { starts.append(offset + 1) }
            // Every byte that is not a UTF-8 continuation byte starts a scalar.
            if byte & 0xC0 != 0x80 { scalars += 1 }
            if (offset + 1) % Self.checkpointBytes == 0 { checkpoints.append(scalars) }
        }
        self.lineStarts = starts
        self.scalarCheckpoints = checkpoints
    }

    /// How many scalars start before `offset`.
    private func scalarsBefore(_ offset: Int) -> Int {
        let checkpoint = offset / Self.checkpointBytes
        var count = scalarCheckpoints[checkpoint]
        var index = checkpoint * Self.checkpointBytes
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { count += 1 }
            index += 1
        }
        return count
    }

    public convenience init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// The 1-based line containing `offset`.
    public func line(of offset: Int) -> Int {
        var low = 0, high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// The 1-based line and scalar column of a byte offset.
    public func location(of offset: Int) -> SourceLocation {
        // Nothing before a byte order mark is shown: offsets inside it are column 1.
        let clamped = min(max(offset, textStart), bytes.count)
        let line = line(of: clamped)
        let start = lineStarts[line - 1]
        return SourceLocation(line: line, column: scalarsBefore(clamped) - scalarsBefore(start) + 1)
    }

    /// The text of 1-based line `line`, without its line break; invalid UTF-8 is repaired.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The offset one past the last byte of 1-based line `line`, without its line break.
    public func lineEnd(_ line: Int) -> Int {
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > lineStarts[line - 1], bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return end
    }

    /// The source text covered by `range`; invalid UTF-8 is repaired.
    public func text(_ range: SourceRange) -> String {
        let start = min(max(range.start, 0), bytes.count)
        let end = min(max(range.end, start), bytes.count)
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
