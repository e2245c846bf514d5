import Foundation
import Testing
@testable import SLAKit

/// Reads `bytes` with a fresh reader; shared by the reader suites.
func readEvents(
    _ bytes: [UInt8], format: InputFormat, schema: EventSchema = EventSchema(attributes: ["page", "n", "ok"]),
    zone: ZoneRules = .utc, chunkBytes: Int = EventReader.defaultChunkBytes,
    maximumRecordBytes: Int = EventReader.defaultMaximumRecordBytes
) throws -> (accepted: [EventRecord], rejected: [RejectedRecord]) {
    let reader = EventReader(schema: schema, zone: zone, chunkBytes: chunkBytes, maximumRecordBytes: maximumRecordBytes)
    return try reader.readAll(.bytes(name: "test", bytes), format: format)
}

func readEvents(
    _ text: String, format: InputFormat, schema: EventSchema = EventSchema(attributes: ["page", "n", "ok"]),
    zone: ZoneRules = .utc, chunkBytes: Int = EventReader.defaultChunkBytes,
    maximumRecordBytes: Int = EventReader.defaultMaximumRecordBytes
) throws -> (accepted: [EventRecord], rejected: [RejectedRecord]) {
    try readEvents(Array(text.utf8), format: format, schema: schema, zone: zone, chunkBytes: chunkBytes, maximumRecordBytes: maximumRecordBytes)
}

/// Lines that are neither empty nor only spaces, tabs and carriage returns.
func nonBlankLineCount(_ text: String) -> Int {
    // Split the bytes: as Characters, "\r\n" is one grapheme and would not split at "\n".
    text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        .filter { line in !line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }
        .count
}

@Suite struct JSONLReaderTests {
    /// 2026-03-02T09:05:00Z in milliseconds (see TimestampTests).
    static let nine05: Int64 = 1_772_442_300_000

    static func line(_ fields: String = "") -> String {
        #"{"lead":"L1","type":"page_view","at":"2026-03-02T09:05:00Z"\#(fields)}"#
    }

    @Test func basicRecord() throws {
        let text = #"{"lead":"L1","type":"page_view","at":"2026-03-02T09:05:00Z","page":"/pricing","n":3,"ok":true,"other":"x"}"#
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted == [EventRecord(lead: "L1", type: "page_view", time: Self.nine05,
                                         attributes: [.string("/pricing"), .number(3), .bool(true)], line: 1)])
    }

    @Test func attributeValueKinds() throws {
        let text = Self.line(#","page":null,"n":-1.5e3,"ok":false"#) + "\n" + Self.line() + "\n"
        let (accepted, _) = try readEvents(text, format: .jsonl)
        #expect(accepted.map(\.attributes) == [[.null, .number(-1500), .bool(false)], [.null, .null, .null]])
    }

    @Test(arguments: [
        ("0", 0.0), ("-0", -0.0), ("0.1", 0.1), ("1.5e3", 1500), ("1E+2", 100), ("25e-1", 2.5),
        ("123456789012345678901234567890", 1.2345678901234568e29),
        ("0.30000000000000004", 0.30000000000000004), ("1e-400", 0), ("1.7976931348623157e308", 1.7976931348623157e308),
        ("9007199254740993", 9007199254740992), ("2.2250738585072014e-308", Double.leastNormalMagnitude), ("4.9e-324", Double.leastNonzeroMagnitude),
    ] as [(String, Double)])
    func numbersAreCorrectlyRounded(literal: String, expected: Double) throws {
        let (accepted, rejected) = try readEvents(Self.line(#","n":\#(literal)"#), format: .jsonl)
        #expect(rejected.isEmpty)
        guard case .number(let value)? = accepted.first?.attributes[1] else {
            Issue.record("no number")
            return
        }
        #expect(value == expected)
        #expect(value.sign == expected.sign)
    }

    @Test func numericLeadIsItsLiteralText() throws {
        let text = [#"{"lead":42,"type":"t","at":"2026-03-02"}"#, #"{"lead":"42","type":"t","at":"2026-03-02"}"#,
                    #"{"lead":4.20,"type":"t","at":"2026-03-02"}"#, #"{"lead":-1e3,"type":"t","at":"2026-03-02"}"#]
            .joined(separator: "\n")
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.lead) == ["42", "42", "4.20", "-1e3"])
    }

    @Test func leadIdsAreNotTrimmedOrFolded() throws {
        let text = #"{"lead":" Ab ","type":"t","at":"2026-03-02"}"#
        #expect(try readEvents(text, format: .jsonl).accepted.map(\.lead) == [" Ab "])
    }

    @Test func byteOrderMarkCRLFAndBlankLines() throws {
        let text = "\u{FEFF}" + Self.line() + "\r\n\r\n   \n\t \r\n" + Self.line(#","n":2"#) + "\r\n\n"
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.line) == [1, 5])
        #expect(accepted.map(\.attributes) == [[.null, .null, .null], [.null, .number(2), .null]])
    }

    @Test func byteOrderMarkOnlyAtTheStart() throws {
        let text = Self.line() + "\n\u{FEFF}" + Self.line() + "\n"
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(accepted.count == 1)
        #expect(rejected.map(\.line) == [2])
        #expect(rejected.first?.reason == "not a JSON object")
    }

    @Test func lastLineWithoutLineBreakAndTrailingCR() throws {
        let (accepted, rejected) = try readEvents(Self.line() + "\n" + Self.line() + "\r", format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.line) == [1, 2])
    }

    @Test func whitespaceAroundTheObject() throws {
        let text = " \t { \"lead\" : \"L1\" , \"type\":\"t\",\"at\" :\t\"2026-03-02\" } \t"
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted.first?.time == Int64(20_514) * 86_400_000)
    }

    @Test func duplicateKeysLastWins() throws {
        let lines = [
            #"{"lead":"a","type":"t","at":"2026-03-02","page":"x","page":"y","lead":"b"}"#,
            #"{"lead":"a","type":5,"at":"2026-03-02","type":"t2","page":"x","page":{"nested":1}}"#,
            #"{"lead":"a","type":"t","at":"2026-03-02","n":1,"n":null}"#,
            #"{"lead":"a","type":"t","at":"2026-03-02","lead":null}"#,
        ]
        let (accepted, rejected) = try readEvents(lines.joined(separator: "\n"), format: .jsonl)
        #expect(accepted.map(\.lead) == ["b", "a", "a"])
        #expect(accepted.map(\.type) == ["t", "t2", "t"])
        #expect(accepted.map(\.attributes) == [[.string("y"), .null, .null], [.null, .null, .null], [.null, .null, .null]])
        #expect(rejected.map(\.line) == [4])
        #expect(rejected.first?.reason == #""lead" must be a string or a number, not null"#)
    }

    @Test func nestedValuesAreSkippedAsNull() throws {
        let nested = #","page":{"a":"}{][","b":[1,{"c":"\"}"},[],{}],"d":{"e":null,"f":true}},"n":[[["]"]]],"ok":true,"skip":[{"x":"{"}]"#
        let (accepted, rejected) = try readEvents(Self.line(nested), format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted.first?.attributes == [.null, .null, .bool(true)])
    }

    @Test func deepNestingIsFine() throws {
        let depth = 200_000
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let (accepted, rejected) = try readEvents(Self.line(#","skip":\#(deep),"n":1"#), format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted.first?.attributes == [.null, .number(1), .null])
        let unbalanced = String(repeating: "[", count: depth) + String(repeating: "]", count: depth - 1)
        let second = try readEvents(Self.line(#","skip":\#(unbalanced)"#), format: .jsonl)
        #expect(second.accepted.isEmpty)
        #expect(second.rejected.count == 1)
    }

    @Test func stringEscapes() throws {
        let text = Self.line(#","page":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20AC\ud83d\ude00\u0000""#)
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted.first?.attributes[0] == .string("a\"b\\c/d\u{8}\u{C}\n\r\té€😀\u{0}"))
    }

    @Test func escapedKeysAndSchemaFields() throws {
        let text = #"{"le\u0061d":"L\u0031","\u0074ype":"t\u00fc","at":"2026-03-02T09:05:00\u005A","p\u0061ge":"x"}"#
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted == [EventRecord(lead: "L1", type: "tü", time: Self.nine05, attributes: [.string("x"), .null, .null], line: 1)])
    }

    @Test func rawUTF8IsKept() throws {
        let (accepted, _) = try readEvents(Self.line(#","page":"Malmö 日本 😀""#), format: .jsonl)
        #expect(accepted.first?.attributes[0] == .string("Malmö 日本 😀"))
    }

    @Test(arguments: [
        (#"[1,2]"#, "not a JSON object"),
        (#""text""#, "not a JSON object"),
        (#"lead,type,at"#, "not a JSON object"),
        (#"{}"#, #"missing "lead""#),
        (#"{"type":"t","at":"2026-03-02"}"#, #"missing "lead""#),
        (#"{"lead":"a","at":"2026-03-02"}"#, #"missing "type""#),
        (#"{"lead":"a","type":"t"}"#, #"missing "at""#),
        (#"{"lead":"","type":"t","at":"2026-03-02"}"#, #"empty "lead""#),
        (#"{"lead":"a","type":"","at":"2026-03-02"}"#, #"empty "type""#),
        (#"{"lead":"a","type":"t","at":""}"#, #"empty "at""#),
        (#"{"lead":null,"type":"t","at":"2026-03-02"}"#, #""lead" must be a string or a number, not null"#),
        (#"{"lead":true,"type":"t","at":"2026-03-02"}"#, #""lead" must be a string or a number, not true"#),
        (#"{"lead":["a"],"type":"t","at":"2026-03-02"}"#, #""lead" must be a string or a number, not an array"#),
        (#"{"lead":"a","type":5,"at":"2026-03-02"}"#, #""type" must be a string, not a number"#),
        (#"{"lead":"a","type":{},"at":"2026-03-02"}"#, #""type" must be a string, not an object"#),
        (#"{"lead":"a","type":"t","at":1772442300}"#, #""at" must be a string, not a number"#),
        (#"{"lead":"a","type":"t","at":"2026-13-01"}"#, #"invalid timestamp "2026-13-01""#),
        (#"{"lead":"a","type":"t","at":"2026-03-02T24:00:00Z"}"#, #"invalid timestamp "2026-03-02T24:00:00Z""#),
        (#"{"lead":"a","type":"t","at":"2026-03-02\u0054"}"#, #"invalid timestamp "2026-03-02T""#),
        (#"{"lead":"a","type":"t","at":"2026-03-02"} x"#, "trailing characters after the JSON object at column 43"),
        (#"{"lead":"a","type":"t","at":"2026-03-02"}{}"#, "trailing characters after the JSON object at column 42"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","n":NaN}"#, "invalid JSON: NaN and Infinity are not JSON numbers (column 46)"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","n":-Infinity}"#, "invalid JSON: NaN and Infinity are not JSON numbers (column 46)"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","x":[Infinity]}"#, "invalid JSON: NaN and Infinity are not JSON numbers (column 47)"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","n":1e999}"#, "number out of range at column 46"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","skipped":-1e400}"#, "number out of range at column 52"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","x":{"y":[1e309]}}"#, "number out of range at column 52"),
        (#"{"lead":1e999,"type":"t","at":"2026-03-02"}"#, "number out of range at column 9"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","p":"\ud800"}"#, #"lone surrogate escape \ud800 at column 47"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","p":"\ud800\u0041"}"#, #"lone surrogate escape \ud800 at column 47"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","p":"x\uDC00"}"#, #"lone surrogate escape \udc00 at column 48"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","x":["\udbff"]}"#, #"lone surrogate escape \udbff at column 48"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","p":"\x"}"#, "invalid JSON: bad escape at column 47"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","p":"\u12G4"}"#, "invalid JSON: bad \\u escape at column 47"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","p":"a"# + "\t" + #"b"}"#, "invalid JSON: control character in a string at column 48"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","n":01}"#, #"invalid JSON: expected "," or "}" at column 47, found '1'"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","n":1.}"#, #"invalid JSON: expected a value at column 46, found '1'"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","n":.5}"#, #"invalid JSON: expected a value at column 46, found '.'"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","n":+1}"#, #"invalid JSON: expected a value at column 46, found '+'"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","ok":tru}"#, #"invalid JSON: expected a value at column 47, found 't'"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02",}"#, #"invalid JSON: expected a field name at column 42, found '}'"#),
        (#"{"lead":"a" "type":"t","at":"2026-03-02"}"#, #"invalid JSON: expected "," or "}" at column 13, found '"'"#),
        (#"{'lead':'a'}"#, #"invalid JSON: expected a field name at column 2, found '''"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02""#, #"invalid JSON: line ends where "," or "}" was expected"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02"#, "invalid JSON: unterminated string"),
        (#"{"lead":"a","type":"t","at":"2026-03-02","x":[1,]}"#, #"invalid JSON: expected a value at column 49, found ']'"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","x":{"y"}}"#, #"invalid JSON: expected ":" at column 50, found '}'"#),
        (#"{"lead":"a","type":"t","at":"2026-03-02","x":[1}"#, #"invalid JSON: expected "," or "]" at column 48, found '}'"#),
    ] as [(String, String)])
    func rejectedLines(line: String, reason: String) throws {
        let text = Self.line() + "\n" + line + "\r\n" + Self.line() + "\n"
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(accepted.map(\.line) == [1, 3])
        #expect(rejected == [RejectedRecord(line: 2, reason: reason, raw: Array(line.utf8))])
    }

    @Test(arguments: [
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
    ] as [[UInt8]])
    func invalidUTF8AnywhereIsRejected(bad: [UInt8]) throws {
        // In a kept attribute, in a skipped attribute, in a nested value and in a key.
        let prefix = Array(#"{"lead":"a","type":"t","at":"2026-03-02","#.utf8)
        let variants: [[UInt8]] = [
            prefix + Array(#""page":""#.utf8) + bad + Array(#""}"#.utf8),
            prefix + Array(#""unused":"x"#.utf8) + bad + Array(#""}"#.utf8),
            prefix + Array(#""unused":["#.utf8) + Array(#"""#.utf8) + bad + Array(#""]}"#.utf8),
            prefix + Array(#"""#.utf8) + bad + Array(#"":1}"#.utf8),
        ]
        for variant in variants {
            let (accepted, rejected) = try readEvents(variant + [0x0A], format: .jsonl)
            #expect(accepted.isEmpty)
            #expect(rejected.count == 1)
            #expect(rejected.first?.reason.hasPrefix("invalid UTF-8 at column") == true)
            #expect(rejected.first?.raw == variant)
        }
    }

    @Test func renamedFields() throws {
        let schema = EventSchema(leadField: "customer_id", typeField: "event", timeField: "ts", attributes: ["lead", "customer_id", "page"])
        let text = #"{"customer_id":7,"event":"call","ts":"2026-03-02T10:05:00+01:00","lead":"other","page":"/"}"# + "\n"
            + #"{"lead":"L1","type":"t","at":"2026-03-02"}"#
        let (accepted, rejected) = try readEvents(text, format: .jsonl, schema: schema)
        // "lead" is an ordinary attribute now; "customer_id" is the lead field, never an attribute.
        #expect(accepted == [EventRecord(lead: "7", type: "call", time: Self.nine05, attributes: [.string("other"), .null, .string("/")], line: 1)])
        #expect(rejected.map(\.reason) == [#"missing "customer_id""#])
    }

    @Test func oneFieldCanServeTwoRoles() throws {
        let schema = EventSchema(leadField: "id", typeField: "id", timeField: "at", attributes: ["id"])
        let (accepted, rejected) = try readEvents(#"{"id":"x","at":"2026-03-02"}"#, format: .jsonl, schema: schema)
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.lead) == ["x"])
        #expect(accepted.map(\.type) == ["x"])
        #expect(accepted.first?.attributes == [.null])
    }

    @Test func manyDistinctStringsStayDistinct() throws {
        // Exercises the string cache: values repeat, collide and get replaced.
        var generator = SystemRandomNumberGenerator()
        var expected: [String] = []
        var text = ""
        for index in 0..<20_000 {
            let lead = index % 3 == 0 ? "L\(index % 50)" : "lead-\(UInt64.random(in: 0...UInt64.max, using: &generator))-\(String(repeating: "p", count: index % 40))"
            expected.append(lead)
            text += #"{"lead":"\#(lead)","type":"t\#(index % 7)","at":"2026-03-02","page":"\#(lead)"}"# + "\n"
        }
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(rejected.isEmpty)
        #expect(accepted.map(\.lead) == expected)
        #expect(accepted.map(\.attributes[0]) == expected.map { .string($0) })
        #expect(accepted.map(\.type) == (0..<20_000).map { "t\($0 % 7)" })
    }

    @Test func offsetLessTimesUseTheZone() throws {
        let stockholm = try #require(ZoneRules.named("Europe/Stockholm"))
        let text = #"{"lead":"a","type":"t","at":"2026-03-02T10:05"}"#
        #expect(try readEvents(text, format: .jsonl, zone: stockholm).accepted.first?.time == Self.nine05)
    }

    @Test func everyNonBlankLineIsAcceptedOrRejected() throws {
        var lines: [String] = []
        for index in 0..<500 {
            switch index % 7 {
            case 0: lines.append(Self.line(#","n":\#(index)"#))
            case 1: lines.append("")
            case 2: lines.append("  \t")
            case 3: lines.append(#"{"lead":"x","type":"t","at":"bad"}"#)
            case 4: lines.append("garbage \(index)")
            case 5: lines.append(Self.line(#","page":"\u00e9\#(index)""#) + "\r")
            default: lines.append(#"{"lead":"x","type":"t","at":"2026-03-02","n":1e999}"#)
            }
        }
        let text = lines.joined(separator: "\n")
        let (accepted, rejected) = try readEvents(text, format: .jsonl)
        #expect(accepted.count + rejected.count == nonBlankLineCount(text))
        #expect(accepted.count == 143) // indices ≡ 0 or 5 (mod 7) below 500: 72 + 71
        // Lines are in input order and 1-based.
        let allLines = (accepted.map(\.line) + rejected.map(\.line)).sorted()
        #expect(allLines == lines.indices.filter { nonBlankLineCount(lines[$0]) == 1 }.map { $0 + 1 })
    }

    @Test func overlongLineIsRejectedAndReadingGoesOn() throws {
        let limit = 1 << 20
        let long = Self.line(#","page":""# + String(repeating: "x", count: 3 << 20) + #"""#)
        let text = Self.line() + "\n" + long + "\r\n" + Self.line(#","n":2"#) + "\n"
        for chunk in [1 << 16, 1 << 20, 5 << 20] {
            let (accepted, rejected) = try readEvents(text, format: .jsonl, chunkBytes: chunk)
            #expect(accepted.map(\.line) == [1, 3])
            #expect(accepted.last?.attributes[1] == .number(2))
            #expect(rejected.count == 1)
            #expect(rejected.first?.line == 2)
            #expect(rejected.first?.reason == "record longer than 1048576 bytes")
            #expect(rejected.first?.raw == Array(long.utf8.prefix(limit)))
            #expect(rejected.first?.truncated == true)
        }
    }

    @Test func hundredMegabyteLineInBoundedMemory() throws {
        // A file, so that nothing but the reader's own buffer holds the line.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sla-long-\(UInt64.random(in: 0...UInt64.max)).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.write(Data((Self.line() + "\n{\"lead\":\"").utf8))
        let block = Data(repeating: UInt8(ascii: "y"), count: 1 << 20)
        for _ in 0..<100 { handle.write(block) }
        handle.write(Data(("\"}\n" + Self.line() + "\n").utf8))
        try handle.close()
        let reader = EventReader(schema: EventSchema(), zone: .utc, maximumRecordBytes: 1 << 16)
        let (accepted, rejected) = try reader.readAll(.file(path: path), format: .jsonl)
        #expect(accepted.map(\.line) == [1, 3])
        #expect(rejected.map(\.line) == [2])
        #expect(rejected.first?.raw.count == 1 << 16)
    }

    @Test func recordExactlyAtTheLimit() throws {
        let empty = Self.line(#","page":"""#).utf8.count
        let atLimit = Self.line(#","page":"\#(String(repeating: "z", count: 100 - empty))""#)
        #expect(atLimit.utf8.count == 100)
        let overLimit = Self.line(#","page":"\#(String(repeating: "z", count: 101 - empty))""#)
        for chunk in [1, 3, 64, 4096] {
            for ending in ["\n", "\r\n", "", "\r"] {
                let text = atLimit + "\r\n" + overLimit + ending + atLimit
                let (accepted, rejected) = try readEvents(text, format: .jsonl, chunkBytes: chunk, maximumRecordBytes: 100)
                if ending.utf8.last == 0x0A {
                    #expect(accepted.map(\.line) == [1, 3])
                } else {
                    // Without a line feed the third record is part of the long line.
                    #expect(accepted.map(\.line) == [1])
                }
                #expect(rejected.map(\.reason) == ["record longer than 100 bytes"])
                #expect(rejected.first?.raw == Array(overLimit.utf8.prefix(100)))
                #expect(rejected.first?.truncated == true)
            }
        }
    }

    @Test func overlongBlankLineIsStillBlank() throws {
        let text = Self.line() + "\n" + String(repeating: " ", count: 5_000) + "\n" + Self.line() + "\n"
        let (accepted, rejected) = try readEvents(text, format: .jsonl, chunkBytes: 64, maximumRecordBytes: 100)
        #expect(accepted.map(\.line) == [1, 3])
        #expect(rejected.isEmpty)
    }

    @Test func chunkBoundariesDoNotChangeTheResult() throws {
        var text = "\u{FEFF}"
        for index in 0..<60 {
            switch index % 5 {
            case 0: text += Self.line(#","page":"é\u00e9\ud83d\ude00 \#(index)","n":\#(index).25"#) + "\r\n"
            case 1: text += "\r\n \n"
            case 2: text += #"{"lead":\#(index),"type":"t","at":"2026-03-02T09:05:00.123456+01:00","x":{"a":["}"]}}"# + "\n"
            case 3: text += #"{"lead":"a","type":"t","at":"2026-03-02","page":"\ud800"}"# + "\n"
            default: text += Self.line(#","page":""# + String(repeating: "w", count: 150) + #"""#) + "\n"
            }
        }
        text += Self.line() // no final line break
        let expected = try readEvents(text, format: .jsonl, maximumRecordBytes: 160)
        #expect(expected.accepted.count == 25)
        #expect(expected.rejected.count == 24)
        #expect(expected.accepted.count + expected.rejected.count == nonBlankLineCount(text))
        for chunk in [1, 2, 3, 5, 7, 64, 100, 161, 1000] {
            let result = try readEvents(text, format: .jsonl, chunkBytes: chunk, maximumRecordBytes: 160)
            #expect(result.accepted == expected.accepted, "chunk \(chunk)")
            #expect(result.rejected == expected.rejected, "chunk \(chunk)")
        }
    }

    @Test func fileInputAndUnreadableFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sla-reader-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("events.jsonl")
        try Data((Self.line() + "\n").utf8).write(to: file)
        let reader = EventReader(schema: EventSchema(), zone: .utc)
        #expect(try reader.readAll(.file(path: file.path), format: .jsonl).accepted.count == 1)
        #expect(throws: InputError.self) { try reader.readAll(.file(path: directory.appendingPathComponent("missing.jsonl").path), format: .jsonl) }
        do {
            _ = try reader.readAll(.file(path: directory.path), format: .jsonl)
            Issue.record("a directory must not be readable as events")
        } catch let error as InputError {
            #expect(error.kind == .unreadable)
            #expect(error.message.hasPrefix(directory.path))
        }
    }

    @Test func closureErrorsStopTheRead() throws {
        struct Stop: Error {}
        let reader = EventReader(schema: EventSchema(), zone: .utc)
        var seen = 0
        #expect(throws: Stop.self) {
            try reader.read(.bytes(name: "t", Array((Self.line() + "\nbad\n" + Self.line()).utf8)), format: .jsonl,
                            accept: { _ in seen += 1 }, reject: { _ in throw Stop() })
        }
        #expect(seen == 1)
    }
}
