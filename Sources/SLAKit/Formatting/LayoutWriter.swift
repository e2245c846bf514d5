// The line writer behind `Formatter`: the formatter tells it which tokens to write, with
// the source range each token came from, and where statements (declarations, clauses,
// rules, calendar lines, test items, event rows) begin. The writer decides the physical
// lines: it puts every comment of the source back next to the token it stood next to,
// keeps blank lines between statements, and breaks a statement where a comment forces a
// line end.

/// Whether a blank line may stand before a statement.
enum BlankLinePolicy {
    /// Never (the closing `}` of a block).
    case never
    /// When the source has at least one blank line there (a run collapses to one).
    case preserved
    /// Always, except at the start of the file (between top-level blocks).
    case required
}

struct LayoutWriter {
    /// The indentation of one level: two spaces.
    static let indentUnit = "  "

    private let bytes: [UInt8]
    /// The comments of the source, in source order; each is written exactly once.
    private let comments: [Comment]
    private var nextComment = 0

    /// Finished physical lines, without line breaks; `""` is a blank line.
    private var lines: [String] = []
    /// The physical line being built (indentation included), if any.
    private var line: String?
    /// Whether the line being built (or, when none is, the last finished one) already
    /// ends with a comment, so that nothing more may be appended to it.
    private var lineEndsWithComment = false
    /// Whether the last physical line written ends with `{` (possibly followed by an
    /// end-of-line comment): no blank line may follow it.
    private var lineOpensBlock = false

    /// Indentation level of the current statement.
    private var statementIndent = 0
    /// Indentation level of the lines a statement continues on when it has to be broken
    /// (one more than the statement; the items of a bracketed list laid out one per line
    /// get their own).
    private(set) var continuationIndent = 1
    /// Indentation level of the physical line being built (or last built).
    private(set) var lineIndent = 0
    /// True from `beginStatement` until the statement's first token is written.
    private var statementPending = false
    private var blankLinePolicy = BlankLinePolicy.never
    /// True after an end-of-line or own-line comment inside a statement: the next token
    /// must start a continuation line, or it would become part of the comment.
    private var breakPending = false

    /// Source offset just past the last token written (where `word` looks for the next one).
    private var cursor = 0
    /// Source offset just past the last token or comment written (for blank-line detection).
    private var lastElementEnd = 0

    init(source: SourceFile, comments: [Comment]) {
        self.bytes = source.bytes
        self.comments = comments.sorted { $0.range.start < $1.range.start }
    }

    // MARK: - Statements

    /// Starts a statement at `indent` levels: its first token (or the comments before it)
    /// begins a new line.
    mutating func beginStatement(indent: Int, blankLines: BlankLinePolicy) {
        finishLine()
        statementIndent = indent
        continuationIndent = indent + 1
        statementPending = true
        blankLinePolicy = blankLines
        breakPending = false
    }

    /// Makes the next token start a new line at `indent` levels, which also becomes the
    /// continuation indentation (for lists laid out one item per line).
    mutating func breakLine(indent: Int) {
        breakPending = true
        continuationIndent = indent
    }

    /// Restores the continuation indentation after a list laid out one item per line.
    mutating func setContinuationIndent(_ indent: Int) {
        continuationIndent = indent
    }

    /// Whether a comment starts inside `range` (a list with comments is laid out one item
    /// per line).
    func hasComment(in range: SourceRange) -> Bool {
        // Binary search for the first comment after `range.start` (comments are sorted).
        var low = 0, high = comments.count
        while low < high {
            let middle = (low + high) / 2
            if comments[middle].range.start <= range.start { low = middle + 1 } else { high = middle }
        }
        return low < comments.count && comments[low].range.start < range.end
    }

    /// Writes the `}` at `range` that closes a block whose items are at `innerIndent`:
    /// the comments before it stay inside the block, at the items' indentation.
    mutating func closeBlock(at range: SourceRange, innerIndent: Int) {
        beginStatement(indent: innerIndent, blankLines: .preserved)
        flushComments(before: range.start)
        beginStatement(indent: innerIndent - 1, blankLines: .never)
        token("}", at: range, space: false)
    }

    // MARK: - Tokens

    /// Writes `text`, which stands for the source token(s) at `range`. `space` says whether
    /// a space separates it from the previous token on the same line.
    mutating func token(_ text: String, at range: SourceRange, space: Bool = true) {
        flushComments(before: range.start)
        if statementPending {
            startLine(indent: statementIndent, statementElementStart: range.start)
            statementPending = false
        } else if breakPending || line == nil {
            startLine(indent: continuationIndent, statementElementStart: nil)
        } else if space {
            line! += " "
        }
        breakPending = false
        line! += text
        lineOpensBlock = text == "{"
        cursor = range.end
        lastElementEnd = max(lastElementEnd, range.end)
    }

    /// Writes a keyword or punctuation that has no range in the tree: it is the next token
    /// of the source after the last one written, and is spelled as `text`.
    mutating func word(_ text: String, space: Bool = true) {
        let start = nextTokenStart(after: cursor)
        token(text, at: SourceRange(start: start, end: start + text.utf8.count), space: space)
    }

    /// The offset of the first token at or after `offset`, skipping whitespace and
    /// comments (a `#` outside strings always starts a comment, and `offset` is never
    /// inside a string).
    func nextTokenStart(after offset: Int) -> Int {
        var index = offset
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                index += 1
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            default:
                return index
            }
        }
        return index
    }

    // MARK: - Comments

    /// Writes every comment that starts before `offset`. An end-of-line comment goes at the
    /// end of the line of the token it followed; an own-line comment gets a line of its own,
    /// at the statement's indentation when it comes before the statement's first token and
    /// at the continuation indentation inside a statement.
    mutating func flushComments(before offset: Int) {
        while nextComment < comments.count, comments[nextComment].range.start < offset {
            let comment = comments[nextComment]
            nextComment += 1
            let text = Self.commentText(comment, in: bytes)
            if !comment.ownLine, !lineEndsWithComment, line != nil || !lines.isEmpty {
                if line != nil {
                    line! += " " + text
                } else {
                    lines[lines.count - 1] += " " + text
                }
                lineEndsWithComment = true
            } else if statementPending {
                startLine(indent: statementIndent, statementElementStart: comment.range.start)
                line! += text
                lineEndsWithComment = true
                finishLine()
            } else {
                startLine(indent: continuationIndent, statementElementStart: nil)
                line! += text
                lineEndsWithComment = true
                finishLine()
            }
            if !statementPending { breakPending = true }
            lastElementEnd = max(lastElementEnd, comment.range.end)
        }
    }

    /// A comment's text as written, without trailing whitespace (or a CR of a CRLF line).
    static func commentText(_ comment: Comment, in bytes: [UInt8]) -> String {
        var end = min(comment.range.end, bytes.count)
        let start = min(comment.range.start, end)
        while end > start, [UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains(bytes[end - 1]) {
            end -= 1
        }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    // MARK: - Lines

    /// Starts a physical line at `indent` levels. `statementElementStart` is the source
    /// offset of what the line begins with when it is a statement-level line (where a
    /// blank line may be kept), nil for a continuation line.
    private mutating func startLine(indent: Int, statementElementStart: Int?) {
        finishLine()
        if let start = statementElementStart {
            let wantsBlank: Bool
            switch blankLinePolicy {
            case .never: wantsBlank = false
            case .required: wantsBlank = true
            case .preserved: wantsBlank = hasBlankLine(from: lastElementEnd, to: start)
            }
            if wantsBlank, !lineOpensBlock, let last = lines.last, !last.isEmpty {
                lines.append("")
            }
            // Only the first line of a statement needs its blank line; blank lines between
            // its leading comments and the statement are the author's.
            if blankLinePolicy == .required { blankLinePolicy = .preserved }
        }
        line = String(repeating: Self.indentUnit, count: indent)
        lineIndent = indent
        lineEndsWithComment = false
        lineOpensBlock = false
    }

    private mutating func finishLine() {
        if let finished = line {
            lines.append(finished)
            line = nil
        }
    }

    /// Whether the source has an empty line between `start` and `end` (two line breaks
    /// with only whitespace between them).
    private func hasBlankLine(from start: Int, to end: Int) -> Bool {
        guard start < end, end <= bytes.count else { return false }
        var breaks = 0
        for byte in bytes[start..<end] {
            switch byte {
            case UInt8(ascii: "\n"):
                breaks += 1
                if breaks >= 2 { return true }
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                continue
            default:
                breaks = 0
            }
        }
        return false
    }

    /// Writes the comments left (at the end of the file) and returns the text: the lines
    /// joined by line feeds, ending with exactly one (empty for a file with nothing in it).
    mutating func finish() -> String {
        beginStatement(indent: 0, blankLines: .preserved)
        flushComments(before: Int.max)
        finishLine()
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}
