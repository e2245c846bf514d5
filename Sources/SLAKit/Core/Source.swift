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
/// and each byte that is not part of valid UTF-8 as one (it is shown as one `�`), so a
/// caret lines up under non-ASCII text and repaired bytes in a terminal.
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
    /// Every `checkpointBytes` bytes, the first scalar start at or after the boundary and
    /// how many columns (scalars and bad bytes, see `SourceLocation`) come before it, so that
    /// a column costs at most a few thousand steps however long its line is.
    private let checkpoints: [(offset: Int, columns: Int)]
    private static let checkpointBytes = 4096

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        textStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var starts = [textStart]
        var checkpoints = [(offset: 0, columns: 0)]
        var columns = 0
        var offset = 0
        while offset < bytes.count {
            if offset >= checkpoints.count * Self.checkpointBytes { checkpoints.append((offset, columns)) }
            if bytes[offset] == UInt8(ascii: "\n") { starts.append(offset + 1) }
            // A valid scalar is one column; a byte that is not part of one is one too.
            offset += SourceFile.scalarLength(bytes, at: offset) ?? 1
            columns += 1
        }
        self.lineStarts = starts
        self.checkpoints = checkpoints
    }

    /// How many columns (scalars and bad bytes) start before `offset`.
    private func columnsBefore(_ offset: Int) -> Int {
        var checkpoint = min(offset / Self.checkpointBytes, checkpoints.count - 1)
        // A scalar across the boundary moves the checkpoint past it, perhaps past `offset`.
        while checkpoint > 0, checkpoints[checkpoint].offset > offset { checkpoint -= 1 }
        var (index, count) = checkpoints[checkpoint]
        while index < offset {
            index += SourceFile.scalarLength(bytes, at: index) ?? 1
            count += 1
        }
        return count
    }

    /// The length in bytes (1 to 4) of the valid UTF-8 scalar at `index`, nil when the bytes
    /// there are not one: a lone continuation byte, an overlong form, an encoded surrogate, a
    /// scalar past U+10FFFF or a cut sequence.
    public static func scalarLength(_ bytes: [UInt8], at index: Int) -> Int? {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < bytes.count && range.contains(bytes[index + offset])
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : nil
        case 0xE0:
            return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : nil
        case 0xED:
            // 0xED 0xA0... would encode a surrogate.
            return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
        case 0xF0:
            return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4:
            return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default:
            return nil
        }
    }

    /// The text of `bytes[start..<end]`, each byte that is not part of valid UTF-8 shown as
    /// one `�` (U+FFFD): one column each, as `SourceLocation` counts them. (Swift's own
    /// repair gives one `�` per maximal bad sequence, which would put carets off.)
    private func repairedText(_ start: Int, _ end: Int) -> String {
        var index = start
        var valid = true
        while index < end {
            guard let length = SourceFile.scalarLength(bytes, at: index), index + length <= end else { valid = false; break }
            index += length
        }
        if valid { return String(decoding: bytes[start..<end], as: UTF8.self) }
        var text = String(decoding: bytes[start..<index], as: UTF8.self)
        while index < end {
            if let length = SourceFile.scalarLength(bytes, at: index), index + length <= end {
                text += String(decoding: bytes[index..<index + length], as: UTF8.self)
                index += length
            } else {
                text += "\u{FFFD}"
                index += 1
            }
        }
        return text
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
        return SourceLocation(line: line, column: columnsBefore(clamped) - columnsBefore(start) + 1)
    }

    /// The text of 1-based line `line`, without its line break; each byte that is not part of
    /// valid UTF-8 is shown as one `�`.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return repairedText(start, max(start, end))
    }

    /// The offset one past the last byte of 1-based line `line`, without its line break.
    public func lineEnd(_ line: Int) -> Int {
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > lineStarts[line - 1], bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return end
    }

    /// The source text covered by `range`; each byte that is not part of valid UTF-8 is shown
    /// as one `�`.
    public func text(_ range: SourceRange) -> String {
        let start = min(max(range.start, 0), bytes.count)
        let end = min(max(range.end, start), bytes.count)
        return repairedText(start, end)
    }
}
