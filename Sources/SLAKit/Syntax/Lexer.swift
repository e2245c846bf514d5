/// Turns the bytes of a `.sla` source into tokens, comments and lexical diagnostics
/// (SPEC.md section 2, grammar.md section 1).
///
/// The lexer works on raw UTF-8 bytes, never on `Character`s, so it is linear and fast, and
/// it cannot be crashed by invalid UTF-8 or NUL bytes: those get a diagnostic at the
/// offending bytes and an `.invalid` token. A run of them (bytes that are not UTF-8, NUL
/// bytes, or one unexpected character repeated) is one token and one diagnostic covering
/// the run, so that a file of one bad byte repeated gives one diagnostic, not one per byte.
/// All lexing happens in `init`; the results are read from `tokens` (always ending with one
/// `.end` token), `comments` and `diagnostics`.
public struct Lexer {
    public let source: SourceFile
    /// The tokens in source order; the last one is always `.end` (an empty range at the end).
    public private(set) var tokens: [Token] = []
    /// Every comment, in source order (kept for the formatter).
    public private(set) var comments: [Comment] = []
    /// Lexical errors: invalid bytes, malformed literals, over-long tokens (the first
    /// `Limits.maximumDiagnosticsShown` kept, all counted).
    public private(set) var diagnostics: DiagnosticList

    /// The byte being looked at (offset into `source.bytes`).
    private var position = 0
    private let bytes: [UInt8]

    /// Lexes the whole of `source`, leaving out the diagnostics `ignored` says to.
    public init(source: SourceFile, ignoring ignored: (@Sendable (Diagnostic) -> Bool)? = nil) {
        self.source = source
        self.bytes = source.bytes
        diagnostics = DiagnosticList(limit: Limits.maximumDiagnosticsShown, ignoring: ignored)
        // Roughly one token per five bytes in typical sources; capped so that a huge input
        // does not reserve memory up front.
        tokens.reserveCapacity(min(bytes.count / 5 + 1, 1 << 16))
        lexAll()
    }

    // MARK: - Main loop

    private mutating func lexAll() {
        // A leading byte order mark (some Windows editors write one) is not text: skipped,
        // as in event files (SPEC.md 5); `sla fmt` leaves it out.
        position = source.textStart
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case .space, .tab, .carriageReturn, .newline:
                position += 1
            case .hash:
                lexComment()
            case .quote:
                lexString()
            case _ where byte.isIdentifierStart:
                lexIdentifier()
            case _ where byte.isDigit:
                lexNumberLike()
            case UInt8(ascii: "{"): punctuation(.leftBrace)
            case UInt8(ascii: "}"): punctuation(.rightBrace)
            case UInt8(ascii: "("): punctuation(.leftParen)
            case UInt8(ascii: ")"): punctuation(.rightParen)
            case UInt8(ascii: "["): punctuation(.leftBracket)
            case UInt8(ascii: "]"): punctuation(.rightBracket)
            case UInt8(ascii: ","): punctuation(.comma)
            case UInt8(ascii: "."): punctuation(.dot)
            case UInt8(ascii: ":"): punctuation(.colon)
            case UInt8(ascii: "+"): punctuation(.plus)
            case UInt8(ascii: "-"): punctuation(.minus)
            case UInt8(ascii: "*"): punctuation(.star)
            case UInt8(ascii: "/"): punctuation(.slash)
            case UInt8(ascii: "<"):
                if peekByte(1) == .equals { punctuation(.lessEqual, length: 2) } else { punctuation(.less) }
            case UInt8(ascii: ">"):
                if peekByte(1) == .equals { punctuation(.greaterEqual, length: 2) } else { punctuation(.greater) }
            case .equals:
                if peekByte(1) == .equals {
                    punctuation(.equalEqual, length: 2)
                } else {
                    // A lone `=` is almost always a mistyped comparison.
                    invalidCharacter(length: 1, help: Catalog.didYouMean("=="))
                }
            case UInt8(ascii: "!"):
                if peekByte(1) == .equals {
                    punctuation(.bangEqual, length: 2)
                } else {
                    invalidCharacter(length: 1, help: Catalog.didYouMean("not"))
                }
            case 0:
                nulRun()
            case 0x80...:
                if let length = scalarLength(at: position) {
                    unexpectedRun(length: length)
                } else {
                    invalidUTF8Run()
                }
            default:
                unexpectedRun(length: 1)
            }
        }
        tokens.append(Token(kind: .end, range: .at(bytes.count)))
    }

    private func peekByte(_ offset: Int) -> UInt8? {
        let index = position + offset
        return index < bytes.count ? bytes[index] : nil
    }

    private mutating func append(_ kind: TokenKind, from start: Int, to end: Int) {
        tokens.append(Token(kind: kind, range: SourceRange(start: start, end: end)))
    }

    private mutating func punctuation(_ kind: TokenKind, length: Int = 1) {
        append(kind, from: position, to: position + length)
        position += length
    }

    private mutating func report(_ message: Message, _ range: SourceRange, help: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range, help: help, in: source))
    }

    /// A lone `=` or `!` (a mistyped `==` or `!=`): one diagnostic with its help and an
    /// `.invalid` token (not a run: `==` and `!=` are tokens).
    private mutating func invalidCharacter(length: Int, help: String?) {
        let range = SourceRange(start: position, end: position + length)
        report(Catalog.unexpectedCharacter(Self.printable(bytes[range.start..<range.end])), range, help: help)
        append(.invalid, from: range.start, to: range.end)
        position += length
    }

    /// A valid character of `length` bytes that starts no token, and the same character
    /// right after it, as often as it is repeated: one diagnostic covering the run and one
    /// `.invalid` token, so that a file of 16 MiB of one control character does not make 16
    /// million of each.
    private mutating func unexpectedRun(length: Int) {
        let start = position
        var end = start + length
        while end + length <= bytes.count, sameCharacter(at: end, as: start, length: length) { end += length }
        let range = SourceRange(start: start, end: end)
        report(Catalog.unexpectedCharacter(Self.printable(bytes[start..<start + length]), count: (end - start) / length), range)
        append(.invalid, from: start, to: end)
        position = end
    }

    /// Whether the `length` bytes at `index` are those at `start`.
    private func sameCharacter(at index: Int, as start: Int, length: Int) -> Bool {
        for offset in 0..<length where bytes[index + offset] != bytes[start + offset] { return false }
        return true
    }

    /// A run of NUL bytes: one diagnostic covering the run and one `.invalid` token.
    private mutating func nulRun() {
        let start = position
        position = reportNulRun(from: start, to: bytes.count)
        append(.invalid, from: start, to: position)
    }

    /// A run of bytes that are not UTF-8: one diagnostic covering the run and one `.invalid`
    /// token, not one per byte.
    private mutating func invalidUTF8Run() {
        let start = position
        position = reportInvalidUTF8Run(from: start, to: bytes.count)
        append(.invalid, from: start, to: position)
    }

    /// Reports the run of NUL bytes that starts at `start` and ends at `end` at the latest,
    /// with one diagnostic covering it (in code, comments and strings alike); returns where
    /// the run ends.
    private mutating func reportNulRun(from start: Int, to end: Int) -> Int {
        var index = start
        while index < end, bytes[index] == 0 { index += 1 }
        report(Catalog.nulByte(index - start), SourceRange(start: start, end: index))
        return index
    }

    /// Reports the run of bytes that are not UTF-8 that starts at `start` (whose byte is one)
    /// and ends at `end` at the latest, with one diagnostic covering it; returns where the run
    /// ends.
    private mutating func reportInvalidUTF8Run(from start: Int, to end: Int) -> Int {
        var index = start + 1
        while index < end, bytes[index] >= 0x80, scalarLength(at: index) == nil { index += 1 }
        report(Catalog.invalidUTF8(index - start), SourceRange(start: start, end: index))
        return index
    }

    /// Shows a character in a message: control characters as `\u{7}`.
    private static func printable(_ slice: ArraySlice<UInt8>) -> String {
        if slice.count == 1, let byte = slice.first, byte < 0x20 || byte == 0x7F {
            return "\\u{" + String(byte, radix: 16, uppercase: true) + "}"
        }
        return String(decoding: slice, as: UTF8.self)
    }

    // MARK: - UTF-8

    /// The length of the valid UTF-8 scalar at `index`, nil when there is none.
    @inline(__always)
    private func scalarLength(at index: Int) -> Int? { SourceFile.scalarLength(bytes, at: index) }

    /// Checks bytes `start..<end` (inside a comment or string) for NUL and invalid UTF-8:
    /// one diagnostic per run of either, covering it.
    private mutating func validateText(from start: Int, to end: Int) {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == 0 {
                index = reportNulRun(from: index, to: end)
            } else if byte < 0x80 {
                index += 1
            } else if let length = scalarLength(at: index), index + length <= end {
                index += length
            } else {
                index = reportInvalidUTF8Run(from: index, to: end)
            }
        }
    }

    // MARK: - Comments

    /// `# ...` to the end of the line; kept in `comments`, not in `tokens`.
    private mutating func lexComment() {
        let start = position
        var end = start
        while end < bytes.count, bytes[end] != .newline { end += 1 }
        position = end
        // The line break of a CRLF file is not part of the comment.
        if end > start + 1, bytes[end - 1] == .carriageReturn { end -= 1 }
        validateText(from: start, to: end)
        var before = start
        while before > 0, bytes[before - 1] == .space || bytes[before - 1] == .tab { before -= 1 }
        let ownLine = before == 0 || bytes[before - 1] == .newline
        comments.append(Comment(range: SourceRange(start: start, end: end), ownLine: ownLine))
    }

    // MARK: - Identifiers and keywords

    /// `[A-Za-z_][A-Za-z0-9_]*`; reserved words become `.keyword`.
    private mutating func lexIdentifier() {
        let start = position
        while position < bytes.count, bytes[position].isIdentifierContinue { position += 1 }
        let length = position - start
        if length > Limits.maximumIdentifierBytes {
            report(Catalog.tokenTooLong(Limits.maximumIdentifierBytes), SourceRange(start: start, end: position))
        }
        if let keyword = keyword(from: start, length: length) {
            append(.keyword(keyword), from: start, to: position)
        } else {
            append(.identifier, from: start, to: position)
        }
    }

    /// The keyword spelt by `length` bytes at `start`, if any. Compares bytes against the
    /// keywords of that length (no `String` is built: this runs for every identifier).
    private func keyword(from start: Int, length: Int) -> Keyword? {
        guard length < keywordsByLength.count else { return nil }
        let packed = PackedWord(bytes[start..<start + length])
        for candidate in keywordsByLength[length] where candidate.word == packed { return candidate.keyword }
        return nil
    }

    // MARK: - Strings

    /// `"..."` with the escapes `\" \\ \n \t \u{H...}`. A raw line break ends the string with
    /// an error; the token then covers the text up to the line break so parsing can go on.
    private mutating func lexString() {
        let start = position
        position += 1
        var closed = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte == .quote {
                position += 1
                closed = true
                break
            }
            if byte == .newline { break }
            if byte == .backslash {
                lexEscape()
                continue
            }
            if byte == 0 {
                position = reportNulRun(from: position, to: bytes.count)
            } else if byte < 0x80 {
                position += 1
            } else if let length = scalarLength(at: position) {
                position += length
            } else {
                position = reportInvalidUTF8Run(from: position, to: bytes.count)
            }
        }
        var end = position
        if !closed {
            // Leave a CR of a CRLF line break out of the token.
            if end > start + 1, bytes[end - 1] == .carriageReturn { end -= 1 }
            report(Catalog.unterminatedString(), SourceRange(start: start, end: end))
        }
        let contentLength = end - start - (closed ? 2 : 1)
        if contentLength > Limits.maximumStringBytes {
            report(Catalog.tokenTooLong(Limits.maximumStringBytes), SourceRange(start: start, end: end))
        }
        append(.string, from: start, to: end)
    }

    /// One escape sequence starting at the backslash at `position`; reports invalid ones.
    private mutating func lexEscape() {
        let start = position
        position += 1
        guard position < bytes.count, bytes[position] != .newline else {
            report(Catalog.invalidEscape("\\"), SourceRange(start: start, end: position))
            return
        }
        switch bytes[position] {
        case .quote, .backslash, UInt8(ascii: "n"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            position += 1
            var digits = 0
            var value: UInt32 = 0
            var wellFormed = position < bytes.count && bytes[position] == UInt8(ascii: "{")
            if wellFormed {
                position += 1
                // All hex digits are taken (so the diagnostic shows the whole escape); more
                // than six make it invalid.
                while position < bytes.count, let digit = bytes[position].hexValue {
                    value = value &* 16 &+ UInt32(digit)
                    digits += 1
                    position += 1
                }
                let closed = position < bytes.count && bytes[position] == UInt8(ascii: "}")
                if closed { position += 1 }
                wellFormed = (1...6).contains(digits) && closed
            }
            let range = SourceRange(start: start, end: position)
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if !wellFormed {
                report(Catalog.invalidEscape(text), range)
            } else if Unicode.Scalar(value) == nil {
                // Surrogates (D800-DFFF) and values above 10FFFF are not scalar values.
                report(Catalog.invalidUnicodeEscape(text), range)
            }
        default:
            let length = bytes[position] < 0x80 ? 1 : (scalarLength(at: position) ?? 1)
            position += length
            report(Catalog.invalidEscape(String(decoding: bytes[start..<position], as: UTF8.self)),
                   SourceRange(start: start, end: position))
        }
    }

    // MARK: - Numbers, percents, durations, dates, clock times

    /// Everything that starts with a digit: `12`, `1_000.5`, `30%`, `1h30m`, `2bd`,
    /// `2026-12-24`, `08:00`, `08:00:30`. Malformed forms become one `.invalid` token covering
    /// the whole word, with one diagnostic.
    private mutating func lexNumberLike() {
        let start = position
        let integerDigits = scanDigitRun()
        let integerEnd = position

        // A date: DIGITS-DIGITS-DIGITS with no underscores (`2026-12-24`).
        if integerDigits.plain, let end = dateEnd(after: integerEnd) {
            position = end
            finishLiteral(.date, start: start)
            return
        }
        // A clock time: H:MM or HH:MM, optionally :SS (`08:00`, `8:00`, `08:00:30`).
        if integerDigits.plain, integerEnd - start <= 2, let end = clockEnd(after: integerEnd) {
            position = end
            finishLiteral(.clockTime, start: start)
            return
        }
        var wellFormed = integerDigits.wellFormed
        if position + 1 < bytes.count, bytes[position] == .dot, bytes[position + 1].isDigit {
            position += 1
            wellFormed = scanDigitRun().wellFormed && wellFormed
        }

        let next = position < bytes.count ? bytes[position] : 0
        if next == UInt8(ascii: "%") {
            position += 1
            finishLiteral(wellFormed ? .percent : .invalid, start: start, kindName: .number)
        } else if next == UInt8(ascii: "b"), peekByte(1) == UInt8(ascii: "d"), !(peekByte(2)?.isIdentifierContinue ?? false) {
            position += 2
            finishLiteral(wellFormed ? .businessDays : .invalid, start: start, kindName: .number)
        } else if DurationUnit(byte: next) != nil {
            lexDurationTail(start: start, wellFormed: wellFormed)
        } else {
            finishLiteral(wellFormed ? .number : .invalid, start: start, kindName: .number)
        }
    }

    /// Whether a run of digits and underscores is well formed: underscores only between
    /// digits; `plain` when it has no underscore at all.
    private struct DigitRun { var wellFormed: Bool; var plain: Bool }

    /// Consumes `[0-9_]*` starting at a digit.
    private mutating func scanDigitRun() -> DigitRun {
        var run = DigitRun(wellFormed: true, plain: true)
        var previousWasDigit = false
        while position < bytes.count {
            let byte = bytes[position]
            if byte.isDigit {
                previousWasDigit = true
            } else if byte == .underscore {
                run.plain = false
                let nextIsDigit = position + 1 < bytes.count && bytes[position + 1].isDigit
                if !previousWasDigit || !nextIsDigit { run.wellFormed = false }
                previousWasDigit = false
            } else {
                break
            }
            position += 1
        }
        return run
    }

    /// The end of `-DIGITS-DIGITS` at `index`, or nil when that is not a date's tail.
    private func dateEnd(after index: Int) -> Int? {
        var cursor = index
        for _ in 0..<2 {
            guard cursor + 1 < bytes.count, bytes[cursor] == .minus, bytes[cursor + 1].isDigit else { return nil }
            cursor += 1
            while cursor < bytes.count, bytes[cursor].isDigit { cursor += 1 }
        }
        return cursor
    }

    /// The end of `:MM[:SS]` at `index` (exactly two digits each), or nil.
    private func clockEnd(after index: Int) -> Int? {
        func twoDigits(at colon: Int) -> Bool {
            colon + 2 < bytes.count && bytes[colon] == .colon && bytes[colon + 1].isDigit
                && bytes[colon + 2].isDigit && !(colon + 3 < bytes.count && bytes[colon + 3].isDigit)
        }
        guard twoDigits(at: index) else { return nil }
        var end = index + 3
        if twoDigits(at: end) { end += 3 }
        return end
    }

    /// After the first number of a duration: units and further numbers (`1h30m`), then the
    /// checks that units decrease and appear once.
    private mutating func lexDurationTail(start: Int, wellFormed initiallyWellFormed: Bool) {
        var wellFormed = initiallyWellFormed
        var previousUnit: DurationUnit?
        while position < bytes.count, let unit = DurationUnit(byte: bytes[position]) {
            position += 1
            if let previous = previousUnit, unit.milliseconds >= previous.milliseconds { wellFormed = false }
            previousUnit = unit
            guard position < bytes.count, bytes[position].isDigit else { break }
            wellFormed = scanDigitRun().wellFormed && wellFormed
            if position + 1 < bytes.count, bytes[position] == .dot, bytes[position + 1].isDigit {
                position += 1
                wellFormed = scanDigitRun().wellFormed && wellFormed
            }
            // A number that ends the word without a unit (`1h30`).
            if position >= bytes.count || DurationUnit(byte: bytes[position]) == nil { wellFormed = false; break }
        }
        finishLiteral(wellFormed ? .duration : .invalid, start: start, kindName: .duration)
    }

    private enum LiteralFamily { case number, duration }

    /// Ends a number-like word: letters or digits glued to it make the whole word invalid;
    /// an overflowing value is reported too.
    private mutating func finishLiteral(_ kind: TokenKind, start: Int, kindName: LiteralFamily = .number) {
        var kind = kind
        // Letters, digits or a `.` run on into the literal (`12abc`, `1.2.3`, `1.`, `1._0`):
        // one invalid literal, not a number followed by something unexpected. No grammar
        // rule puts a `.` right after a number.
        if position < bytes.count, bytes[position].isIdentifierContinue || bytes[position] == .dot && kind != .clockTime && kind != .date {
            while position < bytes.count, bytes[position].isIdentifierContinue || bytes[position] == .dot {
                position += 1
            }
            kind = .invalid
        }
        let range = SourceRange(start: start, end: position)
        // Only invalid or long literals need their text checked: a number of at most 15
        // characters always fits in a double, a duration of at most 8 (`9999999w`) in 64-bit
        // milliseconds.
        guard kind == .invalid || position - start > (kind == .duration ? 8 : 15) else {
            append(kind, from: start, to: position)
            return
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        switch kind {
        case .invalid:
            report(kindName == .duration ? Catalog.invalidDuration(text) : Catalog.invalidNumber(text), range)
        case .number:
            if !LiteralDecoder.number(text).isFinite { report(Catalog.numberTooLarge(text), range); kind = .invalid }
        case .percent:
            if !LiteralDecoder.percent(text).isFinite { report(Catalog.numberTooLarge(text), range); kind = .invalid }
        case .businessDays:
            if !LiteralDecoder.number(String(text.dropLast(2))).isFinite { report(Catalog.numberTooLarge(text), range); kind = .invalid }
        case .duration:
            if LiteralDecoder.duration(text) == nil { report(Catalog.numberTooLarge(text), range); kind = .invalid }
        default:
            break
        }
        append(kind, from: start, to: position)
    }
}

/// Up to 16 bytes of a word packed into two integers, so that comparing a word with a
/// keyword is two integer comparisons.
private struct PackedWord: Equatable {
    var low: UInt64 = 0
    var high: UInt64 = 0

    init(_ bytes: some Collection<UInt8>) {
        for (offset, byte) in bytes.prefix(16).enumerated() {
            if offset < 8 { low |= UInt64(byte) << (8 * offset) } else { high |= UInt64(byte) << (8 * (offset - 8)) }
        }
    }
}

/// The keywords grouped by their length in bytes: `keywordsByLength[n]` holds the keywords
/// that are `n` bytes long.
private let keywordsByLength: [[(word: PackedWord, keyword: Keyword)]] = {
    var table = [[(word: PackedWord, keyword: Keyword)]](
        repeating: [], count: (Keyword.allCases.map(\.rawValue.utf8.count).max() ?? 0) + 1)
    for keyword in Keyword.allCases {
        table[keyword.rawValue.utf8.count].append((PackedWord(keyword.rawValue.utf8), keyword))
    }
    return table
}()

/// The units of a duration, largest first (SPEC.md section 2).
enum DurationUnit: CaseIterable {
    case week, day, hour, minute, second

    init?(byte: UInt8) {
        switch byte {
        case UInt8(ascii: "w"): self = .week
        case UInt8(ascii: "d"): self = .day
        case UInt8(ascii: "h"): self = .hour
        case UInt8(ascii: "m"): self = .minute
        case UInt8(ascii: "s"): self = .second
        default: return nil
        }
    }

    /// The unit's length in milliseconds.
    var milliseconds: Int64 {
        switch self {
        case .week: 604_800_000
        case .day: 86_400_000
        case .hour: 3_600_000
        case .minute: 60_000
        case .second: 1_000
        }
    }
}

/// Decodes the values of literal tokens from their source text. The lexer has already
/// checked the form; these functions are also used by the parser to build the AST.
enum LiteralDecoder {
    /// `12`, `1_000`, `12.5`, `007` as a double (underscores dropped).
    static func number(_ text: String) -> Double {
        Double(text.replacingUnderscores()) ?? .nan
    }

    /// `30%` or `30` (the sign already removed) as the double nearest to the fraction: the
    /// decimal point is moved two places left in the text, which is then parsed once, so
    /// `30%` is exactly `Double("0.30")` (dividing by 100 would round twice).
    static func percent(_ text: String) -> Double {
        var digits = text.replacingUnderscores()
        if digits.hasSuffix("%") { digits.removeLast() }
        var integer = Substring(digits)
        var fraction = Substring("")
        if let dot = digits.firstIndex(of: ".") {
            integer = digits[..<dot]
            fraction = digits[digits.index(after: dot)...]
        }
        let padded = String(repeating: "0", count: max(0, 3 - integer.count)) + integer
        let split = padded.index(padded.endIndex, offsetBy: -2)
        return Double(padded[..<split] + "." + padded[split...] + fraction) ?? .nan
    }

    /// `1h30m`, `1.5h`, `90s` in milliseconds, rounded to the nearest millisecond (halves
    /// away from zero), computed exactly in decimal; `hasDayUnit` when `d` or `w` is written.
    /// Nil when the value does not fit in 64 bits.
    static func duration(_ text: String) -> (milliseconds: Int64, hasDayUnit: Bool)? {
        var total: Int64 = 0
        var hasDayUnit = false
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var inFraction = false
        for byte in text.utf8 {
            if byte.isDigit {
                if inFraction { fraction.append(byte - 48) } else { integer.append(byte - 48) }
            } else if byte == .dot {
                inFraction = true
            } else if let unit = DurationUnit(byte: byte) {
                if unit == .day || unit == .week { hasDayUnit = true }
                guard let part = milliseconds(integer: integer, fraction: fraction, unit: unit.milliseconds) else { return nil }
                let (sum, overflow) = total.addingReportingOverflow(part)
                if overflow { return nil }
                total = sum
                integer = []
                fraction = []
                inFraction = false
            }
        }
        return (total, hasDayUnit)
    }

    /// `integer.fraction × unit`, rounded half up to a whole number, exactly.
    private static func milliseconds(integer: [UInt8], fraction: [UInt8], unit: Int64) -> Int64? {
        var whole: Int64 = 0
        for digit in integer {
            let (times10, overflow1) = whole.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = times10.addingReportingOverflow(Int64(digit))
            if overflow1 || overflow2 { return nil }
            whole = next
        }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: unit)
        if overflow { return nil }
        guard !fraction.isEmpty else { return scaled }
        // fraction × unit as decimal digits (least significant first): long multiplication
        // by a small integer, so any number of fraction digits stays exact.
        var product: [Int64] = []
        var carry: Int64 = 0
        for digit in fraction.reversed() {
            let value = Int64(digit) * unit + carry
            product.append(value % 10)
            carry = value / 10
        }
        // `carry` is the integer part of fraction × unit (< unit); `product.last` is the first
        // digit after the point, which decides the rounding.
        let rounded = carry + ((product.last ?? 0) >= 5 ? 1 : 0)
        let (sum, overflowSum) = scaled.addingReportingOverflow(rounded)
        return overflowSum ? nil : sum
    }

    /// `2026-12-24` as numbers (not validated); a date not written as `YYYY-MM-DD` (`26-1-1`,
    /// `02026-01-01`) is (0, 0, 0), which no date check accepts.
    static func date(_ text: String) -> (year: Int, month: Int, day: Int) {
        guard isCanonicalDate(text) else { return (0, 0, 0) }
        let parts = text.split(separator: "-").map { Int($0) ?? Int.max }
        return (parts.count > 0 ? parts[0] : 0, parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
    }

    /// Whether a DATE token is written `YYYY-MM-DD` (four, two and two digits).
    static func isCanonicalDate(_ text: String) -> Bool {
        text.split(separator: "-", omittingEmptySubsequences: false).map(\.utf8.count) == [4, 2, 2]
    }

    /// `08:00` or `08:00:30` as numbers (not validated).
    static func clockTime(_ text: String) -> (hour: Int, minute: Int, second: Int) {
        let parts = text.split(separator: ":").map { Int($0) ?? 0 }
        return (parts.count > 0 ? parts[0] : 0, parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0)
    }

    /// The value of a string token (quotes included in `bytes`). Escapes the lexer reported
    /// as invalid are kept as written; invalid UTF-8 is repaired; an unterminated string runs
    /// to the end of the token.
    static func string(_ bytes: ArraySlice<UInt8>) -> String {
        var index = bytes.startIndex + 1
        let end = bytes.endIndex
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == .quote { break }
            guard byte == .backslash, index + 1 < end else {
                output.append(byte)
                index += 1
                continue
            }
            switch bytes[index + 1] {
            case .quote: output.append(.quote); index += 2
            case .backslash: output.append(.backslash); index += 2
            case UInt8(ascii: "n"): output.append(.newline); index += 2
            case UInt8(ascii: "t"): output.append(.tab); index += 2
            case UInt8(ascii: "u"):
                var cursor = index + 2
                var value: UInt32 = 0
                var digits = 0
                if cursor < end, bytes[cursor] == UInt8(ascii: "{") {
                    cursor += 1
                    while cursor < end, let digit = bytes[cursor].hexValue, digits < 7 {
                        value = value &* 16 &+ UInt32(digit)
                        digits += 1
                        cursor += 1
                    }
                }
                if (1...6).contains(digits), cursor < end, bytes[cursor] == UInt8(ascii: "}"),
                   let scalar = Unicode.Scalar(value) {
                    UTF8.encode(scalar) { output.append($0) }
                    index = cursor + 1
                } else {
                    output.append(byte)
                    index += 1
                }
            default:
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension String {
    /// The text without digit-group underscores (`1_000` → `1000`).
    fileprivate func replacingUnderscores() -> String {
        utf8.contains(.underscore) ? String(decoding: utf8.filter { $0 != .underscore }, as: UTF8.self) : self
    }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let hash = UInt8(ascii: "#")
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let equals = UInt8(ascii: "=")
    static let minus = UInt8(ascii: "-")
    static let colon = UInt8(ascii: ":")
    static let dot = UInt8(ascii: ".")
    static let underscore = UInt8(ascii: "_")

    var isDigit: Bool { self >= 48 && self <= 57 }
    var isLetter: Bool { (self | 0x20) >= 97 && (self | 0x20) <= 122 }
    var isIdentifierStart: Bool { isLetter || self == .underscore }
    var isIdentifierContinue: Bool { isLetter || isDigit || self == .underscore }
    /// The value of a hexadecimal digit, or nil.
    var hexValue: UInt8? {
        switch self {
        case 48...57: self - 48
        case 65...70: self - 55
        case 97...102: self - 87
        default: nil
        }
    }
}
