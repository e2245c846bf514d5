import Testing
@testable import SLAKit

@Suite struct CSVReaderTests {
    static let nine05: Int64 = 1_772_442_300_000
    static let march2: Int64 = 20_514 * 86_400_000

    @Test func basicRecords() throws {
        let text = "lead,type,at,page,n,ok\nL1,page_view,2026-03-02T09:05:00Z,/pricing,3,x\n"
        let (accepted, rejected) = try readEvents(text, format: .csv)
        #expect(rejected.isEmpty)
        #expect(accepted == [EventRecord(lead: "L1", type: "page_view", time: Self.nine05,
                                         attributes: [.string("/pricing"), .number(3), .string("x")], line: 2)])
    }

    @Test(arguments: [
        ("00123", Value.string("00123")), ("-1.5e3", .number(-1500)), ("0", .number(0)), ("-0", .number(-0.0)),
        ("1E2", .number(100)), ("0.5", .number(0.5)), (#""42""#, .number(42)), (#""-1.5""#, .number(-1.5)),
        ("", .null), (#""""#, .null), (" 7", .string(" 7")), ("7 ", .string("7 ")), (#"" 7""#, .string(" 7")),
        ("true", .string("true")), ("null", .string("null")), ("1.", .string("1.")), ("+1", .string("+1")),
        (".5", .string(".5")), ("1e", .string("1e")), ("0x10", .string("0x10")), ("NaN", .string("NaN")),
        ("Infinity", .string("Infinity")), ("1,5", .null), (#""1,5""#, .string("1,5")), (#""a""b""#, .string(#"a"b"#)),
        ("  ", .string("  ")), ("é", .string("é")),
    ] as [(String, Value)])
    func cellTyping(cell: String, expected: Value) throws {
        // "1,5" unquoted is two cells: the row then has one field too many, checked below.
        let text = "lead,type,at,n\nL1,t,2026-03-02,\(cell)\n"
        let (accepted, rejected) = try readEvents(text, format: .csv, schema: EventSchema(attributes: ["n"]))
        if cell == "1,5" {
            #expect(rejected.map(\.reason) == ["expected 4 fields as in the header, found 5"])
        } else {
            #expect(rejected.isEmpty)
            #expect(accepted.first?.attributes == [expected])
            if case .number(let number) = expected, case .number(let actual)? = accepted.first?.attributes.first {
                #expect(number.sign == actual.sign)
            }
        }
    }

    /// Records without quotes keep only the fields up to the last column the schema reads;
    /// the others are counted, and the count must still match the header's.
    @Test(arguments: [0, 1, 2, 5, 9, 17, 30])
    func unreadColumnsAreCounted(extra: Int) throws {
        let header = "lead,type,at,n," + (0..<20).map { "unused\($0)" }.joined(separator: ",")
        let cells = (0..<20).map { $0 % 3 == 0 ? "" : "x\($0)" }
        let exact = "L1,t,2026-03-02,7," + cells.joined(separator: ",")
        let tooMany = exact + String(repeating: ",y", count: extra)
        let tooFew = "L1,t,2026-03-02,7," + cells.prefix(max(0, 19 - extra)).joined(separator: ",")
        let text = [header, exact, tooMany, tooFew].joined(separator: "\n") + "\n"
        let (accepted, rejected) = try readEvents(text, format: .csv, schema: EventSchema(attributes: ["n"]))
        #expect(accepted.first?.attributes == [.number(7)])
        var reasons: [String] = []
        if extra > 0 { reasons.append("expected 24 fields as in the header, found \(24 + extra)") }
        reasons.append("expected 24 fields as in the header, found \(4 + max(1, 19 - extra))")
        #expect(rejected.map(\.reason) == reasons)
        #expect(accepted.count == (extra == 0 ? 2 : 1))
    }

    @Test func leadTypeAndTimeAreText() throws {
        let text = "lead,type,at\n007,42,2026-03-02T09:05:00Z\n\"4.20\",\"a,b\",\"2026-03-02\"\n"
        let (accepted, rejected) = try readEvents(text, format: .csv)
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.lead) == ["007", "4.20"])
        #expect(accepted.map(\.type) == ["42", "a,b"])
        #expect(accepted.map(\.time) == [Self.nine05, Self.march2])
    }

    @Test func quotedFieldsWithCommasNewlinesAndQuotes() throws {
        let text = "lead,type,at,page\n"
            + "L1,t,2026-03-02,\"a, \"\"b\"\"\nc\n\"\n"
            + "L2,t,2026-03-02,\"x\r\ny\"\r\n"
            + "L3,t,2026-03-02,plain\n"
        let (accepted, rejected) = try readEvents(text, format: .csv)
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.line) == [2, 5, 7])
        #expect(accepted.map(\.attributes) == [[.string("a, \"b\"\nc\n"), .null, .null], [.string("x\r\ny"), .null, .null], [.string("plain"), .null, .null]])
    }

    @Test func byteOrderMarkCRLFAndBlankLines() throws {
        let text = "\u{FEFF}lead,type,at,n\r\n\r\nL1,t,2026-03-02,1\r\n  \r\n\nL2,t,2026-03-02,2\r\n\r\n"
        let (accepted, rejected) = try readEvents(text, format: .csv, schema: EventSchema(attributes: ["n"]))
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.line) == [3, 6])
        #expect(accepted.map(\.attributes) == [[.number(1)], [.number(2)]])
    }

    @Test func blankLinesBeforeTheHeader() throws {
        let text = "\n\r\nlead,type,at\nL1,t,2026-03-02"
        let (accepted, rejected) = try readEvents(text, format: .csv)
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.line) == [4])
    }

    @Test(arguments: [
        ("L1,t", "expected 4 fields as in the header, found 2"),
        ("L1,t,2026-03-02", "expected 4 fields as in the header, found 3"),
        ("L1,t,2026-03-02,x,", "expected 4 fields as in the header, found 5"),
        ("L1,t,2026-03-02,x,y", "expected 4 fields as in the header, found 5"),
        ("L1,t,2026-03-02,a\"b", "quote inside an unquoted field 4"),
        ("L1,t\",2026-03-02,x", "quote inside an unquoted field 2"),
        ("L1,t,2026-03-02,\"a\"b", "text after a closing quote in field 4"),
        ("L1,t,2026-03-02,\"a\" ", "text after a closing quote in field 4"),
        ("\"L1\"x,t,2026-03-02,x", "text after a closing quote in field 1"),
        (",t,2026-03-02,x", #"empty "lead""#),
        ("\"\",t,2026-03-02,x", #"empty "lead""#),
        ("L1,,2026-03-02,x", #"empty "type""#),
        ("L1,t,,x", #"empty "at""#),
        ("L1,t,2026-13-01,x", #"invalid timestamp "2026-13-01""#),
        ("L1,t, 2026-03-02,x", #"invalid timestamp " 2026-03-02""#),
        ("L1,t,\"2026-03-02\"\"\",x", #"invalid timestamp "2026-03-02"""#),
        ("L1,t,2026-03-02,1e999", "number out of range in column 4"),
        // A lone CR is no line ending (SPEC.md 5: LF or CRLF) and, unquoted, no field text.
        ("L1,t,2026-03-02,a\rb", "carriage return inside an unquoted field 4 (lines must end with LF or CRLF; quote a field that holds one)"),
        ("L1\r,t,2026-03-02,\"a\"", "carriage return inside an unquoted field 1 (lines must end with LF or CRLF; quote a field that holds one)"),
    ] as [(String, String)])
    func rejectedRecords(record: String, reason: String) throws {
        let text = "lead,type,at,page\nL0,t,2026-03-02,x\n" + record + "\r\nL2,t,2026-03-02,y\n"
        let (accepted, rejected) = try readEvents(text, format: .csv)
        #expect(accepted.map(\.line) == [2, 4])
        #expect(rejected == [RejectedRecord(line: 3, reason: reason, raw: Array(record.utf8))])
    }

    @Test func unterminatedQuoteRunsToTheEnd() throws {
        let text = "lead,type,at,page\nL1,t,2026-03-02,\"open\nL2,t,2026-03-02,x\n"
        let (accepted, rejected) = try readEvents(text, format: .csv)
        #expect(accepted.isEmpty)
        #expect(rejected == [RejectedRecord(line: 2, reason: "unterminated quoted field", raw: Array("L1,t,2026-03-02,\"open\nL2,t,2026-03-02,x\n".utf8))])
    }

    @Test func longQuotedCellWithLineFeedsIsSkippedWhole() throws {
        // Limit 40: the record from line 2 holds a quoted cell of five lines, over the limit.
        // It is skipped up to its own end (line 6), not to the first line feed past the
        // limit, so the cell's closing quote does not open a field that swallows line 7 on.
        let cell = "\"one\ntwo, \"\"2\"\"\nthree\nfour\nfive\""
        let lines = ["lead,type,at,note", "L1,t,2026-03-02," + cell, "L2,t,2026-03-02,x", "L3,t,2026-03-02,\"y\""]
        let text = lines.joined(separator: "\n") + "\n"
        let schema = EventSchema(attributes: ["note"])
        let expected = try readEvents(text, format: .csv, schema: schema, maximumRecordBytes: 40)
        #expect(expected.accepted.map(\.lead) == ["L2", "L3"])
        #expect(expected.accepted.map(\.line) == [7, 8])
        #expect(expected.rejected == [RejectedRecord(line: 2, reason: "record longer than 40 bytes (over 5 lines, cut inside a quoted field)",
                                                     raw: Array(text.utf8.dropFirst(18).prefix(40)), truncated: true)])
        for chunk in [1, 2, 5, 17, 41, 42, 43, 1000] {
            let result = try readEvents(text, format: .csv, schema: schema, chunkBytes: chunk, maximumRecordBytes: 40)
            #expect(result.accepted == expected.accepted, "chunk \(chunk)")
            #expect(result.rejected == expected.rejected, "chunk \(chunk)")
        }
    }

    @Test func unclosedQuoteOverTheLimitTakesTheRestOfTheInput() throws {
        // RFC 4180: a quoted field runs to its closing quote. One never closed makes the rest
        // of the input one record, rejected with the lines it spans (so the run fails unless
        // --max-bad allows it): nothing after it is counted as accepted by a guess.
        let lines = ["lead,type,at", "L1,t,2026-03-02,\"open", "L2,t,2026-03-02", "L3,t,2026-03-02", "L4,t,2026-03-02", "L5,t,2026-03-02"]
        for ending in ["\n", ""] {
            let text = lines.joined(separator: "\n") + ending
            let schema = EventSchema()
            let expected = try readEvents(text, format: .csv, schema: schema, maximumRecordBytes: 40)
            #expect(expected.accepted.isEmpty)
            // Lines 2 to 6 either way: a final line feed ends line 6.
            let reason = "record longer than 40 bytes (over 5 lines, a quoted field is not closed before the end of the input)"
            #expect(expected.rejected == [RejectedRecord(line: 2, reason: reason, raw: Array(text.utf8.dropFirst(13).prefix(40)), truncated: true)])
            for chunk in [1, 2, 5, 17, 41, 42, 43, 1000] {
                let result = try readEvents(text, format: .csv, schema: schema, chunkBytes: chunk, maximumRecordBytes: 40)
                #expect(result.rejected == expected.rejected, "chunk \(chunk)")
            }
        }
    }

    /// The limit cuts a record after `maximumRecordBytes + 2` bytes (room for a CRLF).
    /// Cut between the two quotes of a `""` escape, the record was still inside its quoted
    /// field, as with the cut one byte before or after them; a single quote there closed the
    /// field, and the record is not cut inside one. Read in chunks of every size (the byte
    /// after the cut may come only with the next read), and as a block of the two-core pass.
    @Test func cutBetweenTheQuotesOfAnEscapedQuoteIsInsideTheField() throws {
        let limit = 40, schema = EventSchema(attributes: ["note"])
        let header = "lead,type,at,note\n", opening = "L1,t,2026-03-02,\""
        /// A record whose quoted cell holds `""` starting `offset` bytes into the record.
        func escaped(at offset: Int) -> String { opening + String(repeating: "a", count: offset - opening.utf8.count) + "\"\"b\nc\nd\"" }
        let cut = limit + 2
        var cases: [(record: String, reason: String)] = (cut - 2 ... cut).map { offset in
            (escaped(at: offset), "record longer than 40 bytes (over 3 lines, cut inside a quoted field)")
        }
        // The cell's closing quote the last byte before the cut: the field is closed there.
        let closedAtCut = opening + String(repeating: "a", count: cut - 1 - opening.utf8.count) + "\""
        cases.append((closedAtCut, "record longer than 40 bytes"))
        cases.append((closedAtCut + ",\"y\nz\"", "record longer than 40 bytes (over 2 lines)"))
        for (record, reason) in cases {
            let text = header + record + "\nL2,t,2026-03-02,x\n"
            let expected = [RejectedRecord(line: 2, reason: reason, raw: Array(record.utf8.prefix(limit)), truncated: true)]
            let lastLine = 2 + record.utf8.count { $0 == 0x0A } + 1
            for chunk in [1, 2, 3, 5, 17, 41, 42, 43, 44, 60, 61, 62, 63, 1000] {
                let result = try readEvents(text, format: .csv, schema: schema, chunkBytes: chunk, maximumRecordBytes: limit)
                #expect(result.rejected == expected, "chunk \(chunk): \(record.debugDescription)")
                #expect(result.accepted.map(\.line) == [lastLine], "chunk \(chunk): \(record.debugDescription)")
            }
            // The two-core pass parses each block of the file with the same loop.
            let reader = EventReader(schema: schema, zone: .utc, chunkBytes: 4096, maximumRecordBytes: limit)
            let bytes = Array(text.utf8)
            reader.blockBuffer.update(from: bytes, count: bytes.count)
            var csvHeader: CSVHeader?
            var rejected: [RejectedRecord] = []
            try reader.readRaw(.bytes(name: "test", []), format: .csv, firstLine: 1, skipsByteOrderMark: true,
                               block: LineBlocks.Cut(length: bytes.count, isStart: true, isLast: false), csvHeader: &csvHeader,
                               accept: { _ in }, reject: { rejected.append($0) })
            #expect(rejected == expected, "block: \(record.debugDescription)")
        }
    }

    @Test func headerWithoutARequiredColumnIsInvalidInput() throws {
        for header in ["lead,type,time", "lead,at", "Lead,type,at", " lead,type,at"] {
            let text = header + "\nL1,t,2026-03-02\n"
            do {
                _ = try readEvents(text, format: .csv)
                Issue.record("header \(header) accepted")
            } catch let error as InputError {
                #expect(error.kind == .invalid)
                #expect(error.message.hasPrefix("test:1: CSV header has no"))
            }
        }
    }

    @Test func malformedHeaderIsInvalidInput() throws {
        // The last: a file with lone-CR line endings is one line, its CRs in the header.
        for header in ["lead,type,at,\"x", "lead,type,at,x\"y", "lead,type,at,v\rL1,a,2026-01-01,x\rL2,a,2026-01-01,y\r"] {
            #expect(throws: InputError.self) { try readEvents(header + "\nL1,t,2026-03-02,1\n", format: .csv) }
        }
        #expect(throws: InputError.self) { try readEvents([0x6C, 0xFF] + Array(",type,at\n".utf8), format: .csv) }
        #expect(throws: InputError.self) {
            try readEvents("lead,type,at," + String(repeating: "c", count: 200) + "\n", format: .csv, maximumRecordBytes: 100)
        }
    }

    @Test func emptyInputsHaveNoRecords() throws {
        for text in ["", "\n\n", "\u{FEFF}", "lead,type,at", "lead,type,at\r\n\r\n"] {
            let (accepted, rejected) = try readEvents(text, format: .csv)
            #expect(accepted.isEmpty && rejected.isEmpty)
        }
    }

    @Test func renamedColumnsAndQuotedHeader() throws {
        let schema = EventSchema(leadField: "Lead Id", typeField: "Activity", timeField: "Created Date", attributes: ["lead", "Lead Id", "amount"])
        let text = "\"Lead Id\",Activity,\"Created Date\",lead,amount\n00Q1,Form Submission,2026-03-02T09:05:00.000+0000,x,1000000\n"
        let (accepted, rejected) = try readEvents(text, format: .csv, schema: schema)
        #expect(rejected.isEmpty)
        // The lead column is not an attribute; "lead" is an ordinary column here.
        #expect(accepted == [EventRecord(lead: "00Q1", type: "Form Submission", time: Self.nine05,
                                         attributes: [.string("x"), .null, .number(1_000_000)], line: 2)])
    }

    @Test func duplicateHeaderNamesLastWins() throws {
        let text = "lead,type,at,page,page,lead\nA,t,2026-03-02,first,second,B\n"
        let (accepted, rejected) = try readEvents(text, format: .csv)
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.lead) == ["B"])
        #expect(accepted.first?.attributes == [.string("second"), .null, .null])
    }

    @Test func invalidUTF8InACellIsRejected() throws {
        let bytes = Array("lead,type,at,unused\nL1,t,2026-03-02,a".utf8) + [0xC3, 0x28] + Array("\nL2,t,2026-03-02,ok\n".utf8)
        let (accepted, rejected) = try readEvents(bytes, format: .csv)
        #expect(accepted.map(\.lead) == ["L2"])
        #expect(rejected == [RejectedRecord(line: 2, reason: "invalid UTF-8 at column 18", raw: Array("L1,t,2026-03-02,a".utf8) + [0xC3, 0x28])])
    }

    @Test func overlongRecordIsRejected() throws {
        let long = "L1,t,2026-03-02," + String(repeating: "v", count: 3 << 20)
        let text = "lead,type,at,page\n" + long + "\nL2,t,2026-03-02,x\n"
        for chunk in [1 << 16, 1 << 22] {
            let (accepted, rejected) = try readEvents(text, format: .csv, chunkBytes: chunk)
            #expect(accepted.map(\.line) == [3])
            #expect(rejected.map(\.line) == [2])
            #expect(rejected.first?.reason == "record longer than 1048576 bytes")
            #expect(rejected.first?.raw == Array(long.utf8.prefix(1 << 20)))
        }
    }

    @Test func chunkBoundariesDoNotChangeTheResult() throws {
        var text = "\u{FEFF}lead,type,at,page,n\r\n"
        for index in 0..<50 {
            switch index % 5 {
            case 0: text += "L\(index),t,2026-03-02T09:05:00Z,\"multi\r\nline, \"\"quoted\"\"\",\(index).5\r\n"
            case 1: text += "\r\n\n"
            case 2: text += "L\(index),t,2026-03-02,\"bad\"x,1\n"
            case 3: text += "L\(index),\"t\",2026-03-02,é😀,\"\"\n"
            default: text += "L\(index),t,2026-03-02,\"" + String(repeating: "q", count: 120) + "\",1\n"
            }
        }
        text += "L99,t,2026-03-02,last,1" // no final line break
        let expected = try readEvents(text, format: .csv, maximumRecordBytes: 100)
        #expect(expected.accepted.count == 21)
        #expect(expected.rejected.count == 20)
        for chunk in [1, 2, 3, 4, 7, 33, 101, 102, 4096] {
            let result = try readEvents(text, format: .csv, chunkBytes: chunk, maximumRecordBytes: 100)
            #expect(result.accepted == expected.accepted, "chunk \(chunk)")
            #expect(result.rejected == expected.rejected, "chunk \(chunk)")
        }
    }

    @Test func everyNonBlankRecordIsAcceptedOrRejected() throws {
        var text = "lead,type,at,n\n"
        var records = 0
        for index in 0..<300 {
            switch index % 6 {
            case 0: text += "L\(index),t,2026-03-02,\(index)\n"; records += 1
            case 1: text += "\n"
            case 2: text += "L\(index),t,2026-03-02\n"; records += 1
            case 3: text += "L\(index),t,\"2026-03-02\",\"a\nb\"\n"; records += 1
            case 4: text += "L\(index),t,yesterday,1\n"; records += 1
            default: text += "   \n"
            }
        }
        let (accepted, rejected) = try readEvents(text, format: .csv, schema: EventSchema(attributes: ["n"]))
        #expect(accepted.count + rejected.count == records)
        #expect(accepted.count == 100)
        #expect(rejected.count == 100)
    }
}
