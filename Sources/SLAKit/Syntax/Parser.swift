// The parser core: the token cursor, expect/consume helpers, error recovery and the entry
// point. The grammar areas live in `Parser+*.swift`; the EBNF of each production is in a
// comment above its parse function and, as a whole, in grammar.md section 2.

/// The result of parsing one file: the tree (as much of it as could be parsed) and its
/// lexical and syntax diagnostics, ordered by position (the first
/// `Limits.maximumDiagnosticsShown` kept, all counted).
public struct ParseResult: Sendable {
    public var file: SLAFile
    public var diagnostics: DiagnosticList

    public init(file: SLAFile, diagnostics: DiagnosticList) {
        self.file = file
        self.diagnostics = diagnostics
    }
}

/// Parses `.sla` sources.
public enum Parser {
    /// Lexes and parses `source`. Never fails and never hangs: errors are diagnostics, and
    /// the parser recovers after each one so that one run reports all of them. Diagnostics
    /// for which `ignored` returns true are left out.
    public static func parse(_ source: SourceFile, ignoring ignored: (@Sendable (Diagnostic) -> Bool)? = nil) -> ParseResult {
        let lexer = Lexer(source: source, ignoring: ignored)
        var parser = SLAParser(source: source, tokens: lexer.tokens, ignoring: ignored)
        let file = parser.parseFile(comments: lexer.comments)
        // Lexer and parser diagnostics interleaved by position (the lexer's first at equal
        // positions).
        var diagnostics = DiagnosticList(limit: Limits.maximumDiagnosticsShown)
        diagnostics.append(contentsOf: lexer.diagnostics)
        diagnostics.append(contentsOf: parser.diagnostics)
        diagnostics.sortByPosition()
        return ParseResult(file: file, diagnostics: diagnostics)
    }
}

/// Thrown by a parse function after it has reported a syntax error; the nearest enclosing
/// loop catches it and skips to a place where parsing can resume.
struct SyntaxError: Error {}

/// The parser's state: a cursor over the tokens of one file and the diagnostics so far.
struct SLAParser {
    let source: SourceFile
    let tokens: [Token]
    /// `startsLine[i]` is true when a line break stands between token `i - 1` and token `i`
    /// (or `i` is the first token); recovery uses it to find the next clause.
    let startsLine: [Bool]
    /// Index of the current token; never beyond the final `.end` token.
    var index = 0
    /// Syntax errors (the first `Limits.maximumDiagnosticsShown` kept, all counted).
    var diagnostics: DiagnosticList
    /// How many expression levels the parser is currently inside (see `Limits`).
    var expressionNesting = 0

    init(source: SourceFile, tokens: [Token], ignoring ignored: (@Sendable (Diagnostic) -> Bool)? = nil) {
        self.source = source
        self.tokens = tokens
        diagnostics = DiagnosticList(limit: Limits.maximumDiagnosticsShown, ignoring: ignored)
        var startsLine = [Bool](repeating: false, count: tokens.count)
        var previousEnd = 0
        let bytes = source.bytes
        for (position, token) in tokens.enumerated() {
            var sawLineBreak = position == 0
            var offset = previousEnd
            while !sawLineBreak, offset < token.range.start {
                if bytes[offset] == .newline { sawLineBreak = true }
                offset += 1
            }
            startsLine[position] = sawLineBreak
            previousEnd = token.range.end
        }
        self.startsLine = startsLine
    }

    // MARK: - Cursor

    var current: Token { tokens[index] }
    var currentStartsLine: Bool { startsLine[index] }

    /// The token `offset` places ahead (the `.end` token beyond the end).
    func peek(_ offset: Int) -> Token { tokens[min(index + offset, tokens.count - 1)] }

    /// The range of the previous token (for the end of a construct).
    var previousRange: SourceRange { index > 0 ? tokens[index - 1].range : .at(0) }

    /// Moves past the current token and returns it; stays on `.end`.
    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    /// The source text of a token.
    func text(_ token: Token) -> String { source.text(token.range) }

    func isKeyword(_ keyword: Keyword, _ token: Token? = nil) -> Bool {
        (token ?? current).kind == .keyword(keyword)
    }

    /// Whether the token is the identifier `word` (a contextual word such as `test`).
    func isWord(_ word: StaticString, _ token: Token? = nil) -> Bool {
        let token = token ?? current
        guard token.kind == .identifier, token.range.length == word.utf8CodeUnitCount else { return false }
        let bytes = source.bytes
        return word.withUTF8Buffer { buffer in
            var offset = 0
            for byte in buffer {
                if bytes[token.range.start + offset] != byte { return false }
                offset += 1
            }
            return true
        }
    }

    /// Consumes the current token if it has `kind`.
    mutating func consume(_ kind: TokenKind) -> Token? {
        current.kind == kind ? advance() : nil
    }

    mutating func consumeKeyword(_ keyword: Keyword) -> Token? { consume(.keyword(keyword)) }

    mutating func consumeWord(_ word: StaticString) -> Token? {
        isWord(word) ? advance() : nil
    }

    /// Consumes a token of `kind` or reports `expected WANTED, found ...` and throws.
    @discardableResult
    mutating func expect(_ kind: TokenKind, _ wanted: String) throws -> Token {
        if let token = consume(kind) { return token }
        throw fail(wanted)
    }

    @discardableResult
    mutating func expectKeyword(_ keyword: Keyword) throws -> Token {
        try expect(.keyword(keyword), Catalog.Wanted.token(keyword.rawValue))
    }

    @discardableResult
    mutating func expectWord(_ word: StaticString) throws -> Token {
        if let token = consumeWord(word) { return token }
        throw fail(Catalog.Wanted.token("\(word)"))
    }

    // MARK: - Diagnostics

    /// Reports a syntax error, unless one was reported at the same place already: a second
    /// one there is the first's cascade (a block header that failed, then the declaration
    /// loop that resumes on the same token), and one mistake gives one diagnostic.
    mutating func report(_ message: Message, _ range: SourceRange, help: String? = nil) {
        if let last = diagnostics.lastAppended, last.range.start == range.start { return }
        diagnostics.append(Diagnostic(message, at: range, help: help, in: source))
    }

    /// Reports `expected WANTED, found CURRENT` at the current token and returns the error to
    /// throw. An `.invalid` token was already reported by the lexer, so nothing is added then
    /// (one mistake, one diagnostic).
    mutating func fail(_ wanted: String, help: String? = nil) -> SyntaxError {
        if current.kind != .invalid {
            report(Catalog.expected(wanted, found: describe(current)), current.range, help: help)
        }
        return SyntaxError()
    }

    /// A readable description of a token for "found ..." (long texts shortened).
    func describe(_ token: Token) -> String {
        let text = shortened(text(token))
        switch token.kind {
        case .end: return Catalog.Found.endOfFile
        case .identifier: return Catalog.Found.identifier(text)
        case .keyword: return Catalog.Found.keyword(text)
        case .number: return Catalog.Found.literal("number", text)
        case .percent: return Catalog.Found.literal("percent", text)
        case .duration: return Catalog.Found.literal("duration", text)
        case .businessDays: return Catalog.Found.literal("business days", text)
        case .date: return Catalog.Found.literal("date", text)
        case .clockTime: return Catalog.Found.literal("clock time", text)
        case .string: return Catalog.Found.string(text)
        case .invalid: return Catalog.Found.literal("invalid token", text)
        default: return Catalog.Found.punctuation(text)
        }
    }

    /// At most 40 scalars of `text`, then `…` (keeping a closing quote visible).
    private func shortened(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 40 else { return text }
        var result = String(String.UnicodeScalarView(scalars.prefix(37))) + "…"
        if text.hasPrefix("\"") { result += "\"" }
        return result
    }

    // MARK: - Recovery

    /// Skips tokens until `stop` holds for the current token outside any `{ }` opened while
    /// skipping, or a `}` closes the enclosing block (not consumed unless
    /// `passClosingBraces`), or the end of the file.
    mutating func skip(passClosingBraces: Bool = false, until stop: (SLAParser) -> Bool) {
        var depth = 0
        while current.kind != .end {
            if depth == 0 {
                if current.kind == .rightBrace && !passClosingBraces { return }
                // After `.` a keyword is an attribute name (`lead.owner`), not a clause.
                let afterDot = index > 0 && tokens[index - 1].kind == .dot
                if !afterDot && stop(self) { return }
            }
            switch current.kind {
            case .leftBrace: depth += 1
            case .rightBrace: depth = max(0, depth - 1)
            default: break
            }
            advance()
        }
    }

    /// Whether the current token begins a declaration of the `sla` block on a new line (the
    /// sign that an enclosing block lacks its `}`), or a top-level item.
    var atDeclarationStart: Bool {
        guard currentStartsLine else { return false }
        switch current.kind {
        case .keyword(.timezone), .keyword(.review), .keyword(.calendar), .keyword(.team),
             .keyword(.score), .keyword(.stage), .keyword(.deadline), .keyword(.goal), .keyword(.sla):
            return true
        default:
            return isWord("test")
        }
    }

    /// Parses `{ ITEM* }` after the opening brace was consumed: calls `parseItem` until the
    /// closing `}`. After an error, skips to the next token for which `isItemStart` holds;
    /// a declaration keyword on a new line ends the block with "expected `}`" (the author
    /// forgot it). Returns the items and the range of the closing brace (or where it was
    /// expected).
    mutating func parseBlockItems<Item>(
        isItemStart: (SLAParser) -> Bool,
        parseItem: (inout SLAParser) throws -> Item?
    ) -> (items: [Item], end: SourceRange) {
        var items: [Item] = []
        while true {
            if let brace = consume(.rightBrace) { return (items, brace.range) }
            if current.kind == .end || atDeclarationStart {
                _ = fail(Catalog.Wanted.token("}"))
                return (items, previousRange)
            }
            let start = index
            do {
                if let item = try parseItem(&self) { items.append(item) }
            } catch {
                // The token that could not start an item is no place to resume.
                if index == start { advance() }
                skip { parser in parser.atDeclarationStart || isItemStart(parser) }
            }
            // Progress guard: whatever happened, never loop on the same token.
            if index == start { advance() }
        }
    }

    /// Consumes the `{` that opens a block. When something else stands there, reports it
    /// and, when a `{` follows on the same line (`calendar c timezone "UTC" timezone "UTC" {`),
    /// goes on from that brace, so that the block is read and its `}` closes it; with no `{`
    /// on the line, carries on as if it were there (the block's items follow), unless a new
    /// declaration or the end of the file follows: then there is no block to parse and the
    /// error is thrown.
    mutating func openBlock() throws {
        if consume(.leftBrace) != nil { return }
        let error = fail(Catalog.Wanted.token("{"))
        if skipToBraceOnThisLine() { return }
        if atDeclarationStart || current.kind == .end || current.kind == .invalid { throw error }
    }

    /// When a `{` stands ahead on the current token's line (before any `}`), moves past it
    /// and returns true; else moves nowhere. Recovery for a block header with a mistake in
    /// it: one diagnostic for the mistake, none for the block it opens.
    mutating func skipToBraceOnThisLine() -> Bool {
        var ahead = index
        while tokens[ahead].kind != .end, ahead == index || !startsLine[ahead] {
            switch tokens[ahead].kind {
            case .leftBrace:
                index = ahead
                advance()
                return true
            case .rightBrace:
                return false
            default:
                ahead += 1
            }
        }
        return false
    }

    // MARK: - Shared small productions

    /// name = IDENTIFIER
    ///
    /// A reserved word on the same line is reported and accepted as the name (so the rest of
    /// the declaration is still checked); on a new line it starts the next clause or
    /// declaration, so the name is missing.
    mutating func parseName() throws -> Identifier {
        if current.kind == .identifier {
            let token = advance()
            return Identifier(name: text(token), range: token.range)
        }
        if case .keyword = current.kind, !currentStartsLine {
            let token = advance()
            report(Catalog.reservedWord(text(token)), token.range)
            return Identifier(name: text(token), range: token.range)
        }
        throw fail(Catalog.Wanted.name)
    }

    /// attribute_name = IDENTIFIER | KEYWORD   (any identifier-shaped word after `.`)
    mutating func parseAttributeName() throws -> Identifier {
        switch current.kind {
        case .identifier, .keyword:
            let token = advance()
            return Identifier(name: text(token), range: token.range)
        default:
            throw fail(Catalog.Wanted.attributeName)
        }
    }

    /// A STRING token decoded.
    mutating func parseString() throws -> StringLiteral {
        let token = try expect(.string, Catalog.Wanted.string)
        return stringLiteral(token)
    }

    func stringLiteral(_ token: Token) -> StringLiteral {
        StringLiteral(value: LiteralDecoder.string(source.bytes[token.range.start..<token.range.end]), range: token.range)
    }

    /// event_types = event_type { "," event_type }
    mutating func parseEventTypes() throws -> [EventTypeName] {
        var types = [try parseEventType()]
        while consume(.comma) != nil { types.append(try parseEventType()) }
        return types
    }

    /// event_type = IDENTIFIER | STRING
    mutating func parseEventType() throws -> EventTypeName {
        switch current.kind {
        case .identifier:
            let token = advance()
            return EventTypeName(value: text(token), isQuoted: false, range: token.range)
        case .string:
            let literal = stringLiteral(advance())
            return EventTypeName(value: literal.value, isQuoted: true, range: literal.range)
        default:
            throw fail(Catalog.Wanted.eventType)
        }
    }

    /// A NUMBER token's value.
    func numberValue(_ token: Token) -> Double { LiteralDecoder.number(text(token)) }

    /// signed_number = ( "+" | "-" ) NUMBER     (space allowed after the sign: `- 30`)
    mutating func parseSignedNumber(signRequired: Bool) throws -> NumberLiteral {
        let start = current.range
        var sign = 1.0
        if consume(.plus) != nil {
        } else if consume(.minus) != nil {
            sign = -1
        } else if signRequired {
            throw fail(Catalog.Wanted.signedNumber)
        }
        let number = try expect(.number, signRequired ? Catalog.Wanted.signedNumber : Catalog.Wanted.number)
        return NumberLiteral(value: sign * numberValue(number), range: start.joined(number.range))
    }

    /// A DATE token as written.
    func dateLiteral(_ token: Token) -> DateLiteral {
        let parts = LiteralDecoder.date(text(token))
        return DateLiteral(year: parts.year, month: parts.month, day: parts.day, range: token.range)
    }

    /// A CLOCK token as written.
    func clockTime(_ token: Token) -> ClockTime {
        let parts = LiteralDecoder.clockTime(text(token))
        return ClockTime(hour: parts.hour, minute: parts.minute, second: parts.second, range: token.range)
    }

    /// A DURATION token in milliseconds (0 if the lexer rejected it, which it reported).
    func durationValue(_ token: Token) -> (milliseconds: Int64, hasDayUnit: Bool) {
        LiteralDecoder.duration(text(token)) ?? (0, false)
    }

    /// A PERCENT token as a fraction (`30%` is 0.3).
    func percentValue(_ token: Token) -> Double { LiteralDecoder.percent(text(token)) }
}
