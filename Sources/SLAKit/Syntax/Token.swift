/// The kinds of token of the `.sla` language (SPEC.md section 2).
public enum TokenKind: Hashable, Sendable {
    case identifier
    /// A reserved word (SPEC.md section 2); `text` of the token is the word.
    case keyword(Keyword)
    /// `12`, `12.5`, `007`, `1_000`.
    case number
    /// `30%`, `97.5%`.
    case percent
    /// `90s`, `1h30m`, `1.5h`.
    case duration
    /// `2bd`.
    case businessDays
    /// `"..."`.
    case string
    /// `2026-12-24`.
    case date
    /// `08:00`, `8:00`, `24:00` (also `08:00:30` inside tests).
    case clockTime
    case leftBrace, rightBrace, leftParen, rightParen, leftBracket, rightBracket
    case comma, dot, colon
    case plus, minus, star, slash
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    /// The end of the file.
    case end
    /// A byte sequence that is no token; the lexer has reported it.
    case invalid
}

/// The reserved words of SPEC.md section 2.
public enum Keyword: String, CaseIterable, Sendable {
    case sla, timezone, review, calendar, holiday, team, score, stage, deadline, goal, owner
    case starts, at, on, every, met, within, of, when, `where`, warn, paused, `while`, limit
    case max, count, rate, sum, per, by, and, or, not, `in`, contains, startsWith, endsWith
    case matches, `true`, `false`, null
}

/// A token: its kind and the bytes it covers. Values are decoded by the parser from the
/// source text, so tokens stay small and allocation-free.
public struct Token: Sendable, Hashable {
    public var kind: TokenKind
    public var range: SourceRange

    public init(kind: TokenKind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// A comment and where it stands; kept by the lexer for the formatter.
public struct Comment: Sendable, Hashable {
    /// The comment's range, from `#` to the end of the line (excluding the line break).
    public var range: SourceRange
    /// True when only whitespace precedes the comment on its line.
    public var ownLine: Bool
}
