import Testing
@testable import SLAKit

private func lex(_ text: String) -> Lexer { Lexer(source: SourceFile(path: "lex.sla", text: text)) }
private func lex(bytes: [UInt8]) -> Lexer { Lexer(source: SourceFile(path: "lex.sla", bytes: bytes)) }

/// The kinds of the tokens, without the final `.end`.
private func kinds(_ text: String) -> [TokenKind] { lex(text).tokens.dropLast().map(\.kind) }

/// `kind text` pairs, for readable failures.
private func texts(_ text: String) -> [String] {
    let lexer = lex(text)
    return lexer.tokens.dropLast().map { lexer.source.text($0.range) }
}

private func codes(_ lexer: Lexer) -> [String] { lexer.diagnostics.items.map(\.code) }

@Suite struct LexerTests {
    @Test func punctuationAndOperators() {
        #expect(kinds("{ } ( ) [ ] , . : + - * / == != < <= > >=") == [
            .leftBrace, .rightBrace, .leftParen, .rightParen, .leftBracket, .rightBracket, .comma, .dot, .colon,
            .plus, .minus, .star, .slash, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual,
        ])
        #expect(lex("").tokens.map(\.kind) == [.end])
    }

    @Test func keywordsAndContextualWords() {
        #expect(kinds("startsWith owner p50 mon daily at_risk test lead _x") == [
            .keyword(.startsWith), .keyword(.owner), .identifier, .identifier, .identifier, .identifier,
            .identifier, .identifier, .identifier,
        ])
        // Every reserved word of SPEC.md section 2 is a keyword.
        for keyword in Keyword.allCases {
            #expect(kinds(keyword.rawValue) == [.keyword(keyword)])
        }
        // After `.` the parser accepts a keyword as an attribute name; the lexer just splits.
        #expect(kinds("lead.owner") == [.identifier, .dot, .keyword(.owner)])
    }

    @Test func numbers() {
        #expect(kinds("12 12.5 007 1_000") == [.number, .number, .number, .number])
        #expect(LiteralDecoder.number("007") == 7)
        #expect(LiteralDecoder.number("1_000") == 1000)
        #expect(LiteralDecoder.number("12.5") == 12.5)
        // No leading `.` and no exponent: `.5` is a dot and a number; `1e5` is invalid.
        #expect(kinds(".5") == [.dot, .number])
        #expect(kinds("1e5") == [.invalid])
        for bad in ["1_", "1__0", "1_.5", "12abc", "1.2.3"] {
            let lexer = lex(bad)
            #expect(lexer.tokens.map(\.kind) == [.invalid, .end], "\(bad)")
            #expect(codes(lexer) == ["invalid-number"], "\(bad)")
        }
        #expect(codes(lex(String(repeating: "9", count: 400))) == ["number-too-large"])
    }

    @Test func percentsAreTheNearestDouble() {
        #expect(kinds("30% 97.5% 1_00%") == [.percent, .percent, .percent])
        #expect(LiteralDecoder.percent("30%") == Double("0.30"))
        #expect(LiteralDecoder.percent("97.5%") == 0.975)
        #expect(LiteralDecoder.percent("0.1%") == 0.001)
        #expect(LiteralDecoder.percent("100%") == 1)
        #expect(LiteralDecoder.percent("1_00%") == 1)
        #expect(LiteralDecoder.percent("7%") == 0.07)
        // 0.07 is not 7 / 100 in doubles: dividing would round twice.
        #expect(LiteralDecoder.percent("57%") == Double("0.57"))
    }

    @Test func durations() {
        #expect(kinds("90s 4h 1h30m 2d 1.5h 1w2d3h4m5s 1_000s") == Array(repeating: .duration, count: 7))
        #expect(LiteralDecoder.duration("1h30m")! == (5_400_000, false))
        #expect(LiteralDecoder.duration("1.5h")! == (5_400_000, false))
        #expect(LiteralDecoder.duration("90s")! == (90_000, false))
        #expect(LiteralDecoder.duration("2d")! == (172_800_000, true))
        #expect(LiteralDecoder.duration("1w")! == (604_800_000, true))
        // Rounded to the millisecond, halves away from zero, exactly in decimal.
        #expect(LiteralDecoder.duration("0.0015s")!.milliseconds == 2)
        #expect(LiteralDecoder.duration("0.0014999999999999999999s")!.milliseconds == 1)
        #expect(LiteralDecoder.duration("0.3333333333333333333333h")!.milliseconds == 1_200_000)
        for bad in ["1m1h", "1h1h", "1h30", "5min", "10ms", "2days", "1hh"] {
            let lexer = lex(bad)
            #expect(lexer.tokens.map(\.kind) == [.invalid, .end], "\(bad)")
            #expect(codes(lexer) == ["invalid-duration"], "\(bad)")
        }
        #expect(codes(lex("99999999999999999w")) == ["number-too-large"])
    }

    @Test func businessDays() {
        #expect(kinds("2bd 2.5bd") == [.businessDays, .businessDays])
        #expect(kinds("2bdx") == [.invalid])
    }

    @Test func datesAndClockTimes() {
        #expect(kinds("2026-12-24 08:00 8:00 24:00 08:00:30") == [.date, .clockTime, .clockTime, .clockTime, .clockTime])
        #expect(LiteralDecoder.date("2026-13-45") == (2026, 13, 45))
        #expect(LiteralDecoder.clockTime("8:05") == (8, 5, 0))
        #expect(LiteralDecoder.clockTime("08:00:30") == (8, 0, 30))
        // A clock range and a day range split into their parts.
        #expect(texts("08:00-12:00") == ["08:00", "-", "12:00"])
        #expect(texts("mon-fri") == ["mon", "-", "fri"])
        // Arithmetic on numbers is not a date.
        #expect(kinds("5-3") == [.number, .minus, .number])
        #expect(kinds("a: 5") == [.identifier, .colon, .number])
    }

    @Test func strings() {
        let lexer = lex(#""a\"b\\c\nd\te\u{1F600}\u{e9}" "é""#)
        #expect(lexer.tokens.dropLast().map(\.kind) == [.string, .string])
        #expect(lexer.diagnostics.isEmpty)
        let bytes = lexer.source.bytes
        let first = lexer.tokens[0].range
        #expect(LiteralDecoder.string(bytes[first.start..<first.end]) == "a\"b\\c\nd\te\u{1F600}\u{E9}")
        let second = lexer.tokens[1].range
        #expect(LiteralDecoder.string(bytes[second.start..<second.end]) == "é")
    }

    @Test func stringErrors() {
        #expect(codes(lex(#""\x""#)) == ["invalid-escape"])
        #expect(codes(lex(#""\u{D800}""#)) == ["invalid-escape"])
        #expect(codes(lex(#""\u{110000}""#)) == ["invalid-escape"])
        #expect(codes(lex(#""\u{1234567}""#)) == ["invalid-escape"])
        #expect(codes(lex(#""\u{}""#)) == ["invalid-escape"])
        #expect(codes(lex(#""\u41""#)) == ["invalid-escape"])
        // A raw newline ends the string with an error; lexing goes on on the next line.
        let unterminated = lex("\"abc\nteam")
        #expect(codes(unterminated) == ["unterminated-string"])
        #expect(unterminated.tokens.map(\.kind) == [.string, .keyword(.team), .end])
        #expect(unterminated.diagnostics.items[0].range == SourceRange(start: 0, end: 4))
        #expect(codes(lex("\"abc")) == ["unterminated-string"])
    }

    @Test func comments() {
        let lexer = lex("# first\nteam a # trailing é\n  # indented\r\n")
        #expect(lexer.tokens.dropLast().map(\.kind) == [.keyword(.team), .identifier])
        #expect(lexer.comments.map(\.ownLine) == [true, false, true])
        #expect(lexer.comments.map { lexer.source.text($0.range) } == ["# first", "# trailing é", "# indented"])
        #expect(lexer.diagnostics.isEmpty)
    }

    @Test func invalidBytesAreDiagnosedWhereTheyAre() {
        // A lone continuation byte, an overlong form, a UTF-16 surrogate, a truncated
        // sequence: each a diagnostic at the offending byte, never a crash.
        for bytes: [UInt8] in [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF5, 0x80, 0x80, 0x80]] {
            let lexer = lex(bytes: Array("team ".utf8) + bytes)
            #expect(codes(lexer) == ["invalid-utf8"])
            #expect(lexer.diagnostics.items[0].range.start == 5)
        }
        let inComment = lex(bytes: Array("# a ".utf8) + [0xFF] + Array("\nteam".utf8))
        #expect(codes(inComment) == ["invalid-utf8"])
        #expect(inComment.diagnostics.items[0].range.start == 4)
        let inString = lex(bytes: [UInt8(ascii: "\""), 0xFE, UInt8(ascii: "\"")])
        #expect(codes(inString) == ["invalid-utf8"])
        #expect(inString.tokens.map(\.kind) == [.string, .end])
        let nul = lex(bytes: Array("team".utf8) + [0] + Array("\"\0\"".utf8))
        #expect(codes(nul) == ["nul-byte", "nul-byte"])
    }

    /// A run of bad bytes is one `.invalid` token and one diagnostic covering it: NUL bytes,
    /// bytes that are not UTF-8, one unexpected character repeated. A run ends where the
    /// byte or character changes; a lone `=` or `!` is never a run (`==`, `!=` are tokens).
    /// 16 MiB of NUL bytes once made 16 million tokens and diagnostics.
    @Test func runsOfBadBytesAreOneTokenAndOneDiagnostic() {
        // (Counts first: a failure must not print a million tokens.)
        let nul = lex(bytes: [UInt8](repeating: 0, count: 1_000_000))
        #expect(nul.tokens.count == 2)
        #expect(nul.tokens.first?.kind == .invalid)
        #expect(nul.tokens.first?.range == SourceRange(start: 0, end: 1_000_000))
        #expect(nul.diagnostics.count == 1)
        #expect(nul.diagnostics.items.first?.message == "source contains 1000000 NUL bytes in a row")
        #expect(nul.diagnostics.items.first?.range == SourceRange(start: 0, end: 1_000_000))

        let mixed = lex(bytes: [1, 1, 2, 0, 0, 0xFF, 0xFE, 0x40, 0x40, 0x20, 0x40] + Array("é→→é".utf8))
        #expect(codes(mixed) == ["unexpected-character", "unexpected-character", "nul-byte", "invalid-utf8",
                                 "unexpected-character", "unexpected-character", "unexpected-character",
                                 "unexpected-character", "unexpected-character"])
        #expect(mixed.diagnostics.items.map(\.message) == [
            "unexpected character `\\u{1}`, 2 in a row", "unexpected character `\\u{2}`", "source contains 2 NUL bytes in a row",
            "source is not valid UTF-8: 2 bytes in a row", "unexpected character `@`, 2 in a row", "unexpected character `@`",
            "unexpected character `é`", "unexpected character `→`, 2 in a row", "unexpected character `é`",
        ])
        let ranges = [0..<2, 2..<3, 3..<5, 5..<7, 7..<9, 10..<11, 11..<13, 13..<19, 19..<21].map { SourceRange(start: $0.lowerBound, end: $0.upperBound) }
        #expect(mixed.diagnostics.items.map(\.range) == ranges)
        #expect(mixed.tokens.dropLast().map(\.range) == ranges)
        #expect(mixed.tokens.dropLast().allSatisfy { $0.kind == .invalid })

        // Inside comments and strings too (the string stays one token).
        let inText = lex(bytes: Array("# ".utf8) + [0, 0, 0xC3, 0xC3] + Array("\n\"".utf8) + [0, 0, 0, 0x80, 0x80] + Array("\"".utf8))
        #expect(inText.diagnostics.items.map(\.range) == [SourceRange(start: 2, end: 4), SourceRange(start: 4, end: 6),
                                                          SourceRange(start: 8, end: 11), SourceRange(start: 11, end: 13)])
        #expect(codes(inText) == ["nul-byte", "invalid-utf8", "nul-byte", "invalid-utf8"])
        #expect(inText.tokens.map(\.kind) == [.string, .end])

        let equals = lex("a = = b !! c")
        #expect(equals.diagnostics.items.map(\.range.start) == [2, 4, 8, 9])
        #expect(equals.diagnostics.items.map(\.help) == ["did you mean `==`?", "did you mean `==`?", "did you mean `not`?", "did you mean `not`?"])
    }

    @Test func unexpectedCharacters() {
        let lexer = lex("a = b ! c @ é")
        #expect(codes(lexer) == ["unexpected-character", "unexpected-character", "unexpected-character", "unexpected-character"])
        #expect(lexer.diagnostics.items.map(\.message) == [
            "unexpected character `=`", "unexpected character `!`", "unexpected character `@`", "unexpected character `é`",
        ])
        #expect(lexer.diagnostics.items[0].help == "did you mean `==`?")
        #expect(codes(lex("\u{7}")) == ["unexpected-character"])
        #expect(lex("\u{7}").diagnostics.items[0].message == "unexpected character `\\u{7}`")
    }

    @Test func identifierLengthLimit() {
        #expect(lex(String(repeating: "a", count: Limits.maximumIdentifierBytes)).diagnostics.isEmpty)
        let long = lex(String(repeating: "a", count: Limits.maximumIdentifierBytes + 1))
        #expect(codes(long) == ["token-too-long"])
        #expect(long.tokens.map(\.kind) == [.identifier, .end])
    }

    @Test func rangesAreByteOffsets() {
        let lexer = lex("é team")
        #expect(lexer.tokens[1].range == SourceRange(start: 3, end: 7))
        #expect(lexer.tokens.last!.range == .at(7))
    }

    /// Columns count each valid scalar, and each byte that is not part of one, as one, and
    /// `lineText` shows such a byte as one `�`: so the column of every offset is where it
    /// stands in the shown line. Lines of 30,000 bytes cross the checkpoints that bound the
    /// cost of a column, with scalars and bad sequences across them.
    @Test func columnsMatchTheShownLineAcrossCheckpoints() {
        var generator = SeededGenerator(seed: 0xC01)
        let pieces: [[UInt8]] = [[0x61], [0xC3, 0xA9], [0xE2, 0x86, 0x92], [0xF0, 0x9F, 0x98, 0x80], [0x80], [0xE2, 0x82],
                                 [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xFF], [0x0A], [0x0D, 0x0A]]
        for _ in 0..<3 {
            var bytes: [UInt8] = []
            while bytes.count < 30_000 {
                // Mostly letters, so that lines are long.
                bytes += Int.random(in: 0..<4, using: &generator) == 0 ? pieces.randomElement(using: &generator)! : [0x61]
                if Int.random(in: 0..<3_000, using: &generator) == 0 { bytes.append(0x0A) }
            }
            let source = SourceFile(path: "columns.sla", bytes: bytes)
            // The expected column of each scalar or bad byte's first byte: its place among
            // the shown line's characters (scalars), counted from the line's start.
            var offset = 0, line = 1, column = 1
            var wrong: [String] = []
            while offset < bytes.count, wrong.count < 5 {
                let length = SourceFile.scalarLength(bytes, at: offset) ?? 1
                // Every offset near a checkpoint (each 4,096 bytes), a sample elsewhere.
                if offset % 4096 < 8 || offset % 4096 > 4088 || offset % 97 == 0 {
                    let location = source.location(of: offset)
                    if location != SourceLocation(line: line, column: column) { wrong.append("offset \(offset): \(location), not \(line):\(column)") }
                }
                if bytes[offset] == 0x0A {
                    // The line's last column is its line break (or the CR before it).
                    let shown = source.lineText(line).unicodeScalars.count
                    if shown != column - 1, shown != column - 2 { wrong.append("line \(line): \(shown) shown, \(column - 1) columns") }
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                offset += length
            }
            #expect(wrong.isEmpty)
        }
    }
}
