import Testing
@testable import SLAKit

/// The JSONL reader's fast paths (lines of a known shape, and flat lines without escapes)
/// must decide every line exactly as the general parser does: the same record, or the
/// same rejection reason.
@Suite struct JSONLFastPathTests {
    /// What parsing one line gave.
    enum Outcome: Equatable {
        case blank
        case record(EventRecord)
        case rejected(String)
    }

    static func outcome(_ parser: inout JSONLineParser, _ line: [UInt8]) -> Outcome {
        // A trailing byte past the line, so that reads past its end are caught as
        // differences rather than hidden by luck.
        let padded = line + [0x22]
        return padded.withUnsafeBufferPointer { bytes -> Outcome in
            do {
                guard let record = try parser.parse(bytes.baseAddress!, 0, line.count, line: 1) else { return .blank }
                return .record(record.record)
            } catch let failure as RecordFailure {
                return .rejected(failure.reason)
            } catch {
                return .rejected("unexpected error \(error)")
            }
        }
    }

    static let schema = EventSchema(attributes: ["page", "n", "ok", "country"])

    /// Member values, valid and not: plain and escaped strings, raw UTF-8, numbers in and
    /// out of range, literals, nested values and broken tokens.
    static let values = [
        #""L1""#, #""L2""#, #""page_view""#, #""2026-03-02T09:05:00Z""#, #""2026-03-02T09:05:00+02:00""#, #""/pricing""#,
        #""""#, #""caf\u00e9""#, #""café""#, #""a\"b""#, #""x\ny""#, "\"tab\tin\"", "\"t\u{1}\"", "\"\u{1F}\"", #""long value with several words""#,
        "3", "-1.5e3", "0", "1e999", "-0", "01", "1.", "12345678901234567890",
        "true", "false", "null", "tru", "nul", "NaN",
        #"{"a":[1,2,{"b":"c"}]}"#, "[]", "{}", #"["x"]"#,
    ]

    /// Keys: the schema's, others, prefixes of them, an empty one and an escaped one.
    static let keys = [#""lead""#, #""type""#, #""at""#, #""page""#, #""n""#, #""ok""#, #""country""#, #""other""#,
                       #""le""#, #""leads""#, #""""#, #""a\u0074""#]

    static let spaces = ["", "", "", " ", "  ", "\t"]

    /// A few shapes that recur, as in an export, with random values and now and then a
    /// random change.
    static func line(_ generator: inout SeededGenerator) -> [UInt8] {
        let shapes: [[String]] = [
            [#""lead""#, #""type""#, #""at""#, #""page""#, #""country""#],
            [#""lead""#, #""type""#, #""at""#, #""page""#],
            [#""lead""#, #""type""#, #""at""#],
            [#""lead""#, #""type""#, #""at""#, #""n""#, #""ok""#],
            [#""type""#, #""lead""#, #""at""#, #""lead""#],
        ]
        var memberKeys = shapes.randomElement(using: &generator)!
        let style = Int.random(in: 0..<3, using: &generator) // compact, spaced, random spacing
        func space() -> String {
            switch style {
            case 0: return ""
            case 1: return " "
            default: return spaces.randomElement(using: &generator)!
            }
        }
        if Int.random(in: 0..<8, using: &generator) == 0 {
            memberKeys.insert(keys.randomElement(using: &generator)!, at: Int.random(in: 0...memberKeys.count, using: &generator))
        }
        var members: [String] = []
        for key in memberKeys {
            let value: String
            switch key {
            case #""lead""#: value = Int.random(in: 0..<10, using: &generator) == 0 ? values.randomElement(using: &generator)! : #""L\#(Int.random(in: 1...3, using: &generator))""#
            case #""type""#: value = Int.random(in: 0..<10, using: &generator) == 0 ? values.randomElement(using: &generator)! : #""page_view""#
            case #""at""#: value = Int.random(in: 0..<10, using: &generator) == 0 ? values.randomElement(using: &generator)! : #""2026-03-02T09:0\#(Int.random(in: 0...9, using: &generator)):00Z""#
            default: value = values.randomElement(using: &generator)!
            }
            members.append(key + space() + ":" + space() + value)
        }
        var text = space() + "{" + space() + members.joined(separator: space() + "," + space()) + space() + "}" + space()
        switch Int.random(in: 0..<30, using: &generator) {
        case 0: text.removeLast(Int.random(in: 1...min(5, text.count), using: &generator)) // cut short
        case 1: text += #"{"x":1}"# // trailing characters
        case 2: text = "   " // blank
        case 3: text = "[1,2]"
        case 4 where text.hasSuffix("}"): text = text.dropLast() + "]" // closed wrongly, same length
        case 5: text += "\u{1}" // a control character after the object
        default: break
        }
        return Array(text.utf8)
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func fastPathsDecideAsTheGeneralPathDoes(seed: UInt64) {
        let fields = FieldTable(schema: Self.schema)
        var fast = JSONLineParser(fields: fields, zone: .utc)
        var general = JSONLineParser(fields: fields, zone: .utc, fastPaths: false)
        var generator = SeededGenerator(seed: seed)
        var records = 0
        for _ in 0..<4_000 {
            let line = Self.line(&generator)
            let expected = Self.outcome(&general, line)
            #expect(Self.outcome(&fast, line) == expected, "\(String(decoding: line, as: UTF8.self))")
            if case .record = expected { records += 1 }
        }
        // The known-shape path must have carried a good share of the lines.
        #expect(fast.shapeMatches > 400)
        #expect(general.shapeMatches == 0)
        #expect(records > 1_000)
    }

    /// A field that is `null` on some lines and a string on others: both shapes stay on the
    /// fast path whichever came first (the string's step is tried before the shorter one).
    @Test(arguments: [true, false])
    func nullableStringFieldsStayFast(nullFirst: Bool) {
        let fields = FieldTable(schema: Self.schema)
        var parser = JSONLineParser(fields: fields, zone: .utc)
        let null = #"{"lead": "L1", "type": "t", "at": "2026-03-02T09:05:00Z", "page": null}"#
        let string = #"{"lead": "L1", "type": "t", "at": "2026-03-02T09:05:00Z", "page": "/p"}"#
        let lines = (nullFirst ? [null, string] : [string, null]) + (0..<10).map { $0 % 2 == 0 ? string : null }
        let outcomes = lines.map { Self.outcome(&parser, Array($0.utf8)) }
        #expect(parser.shapeMatches == 10)
        let pages = outcomes.map { outcome -> Value? in
            if case .record(let record) = outcome { return record.attributes[0] }
            return nil
        }
        #expect(pages.suffix(10) == (0..<10).map { $0 % 2 == 0 ? .string("/p") : .null })
    }

    /// Invalid lines teach no shape: many lines broken after a valid beginning do not use up
    /// the alternatives a step can have.
    @Test func invalidLinesTeachNothing() {
        let fields = FieldTable(schema: Self.schema)
        var parser = JSONLineParser(fields: fields, zone: .utc)
        for index in 0..<20 {
            let broken = #"{"k\#(index)": tru}"#
            if case .rejected = Self.outcome(&parser, Array(broken.utf8)) {} else { Issue.record("accepted \(broken)") }
        }
        let line = #"{"lead": "L1", "type": "t", "at": "2026-03-02T09:05:00Z"}"#
        for _ in 0..<3 { _ = Self.outcome(&parser, Array(line.utf8)) }
        #expect(parser.shapeMatches == 2)
    }

    @Test func aShapeSeenOnceReadsTheNextLines() {
        let fields = FieldTable(schema: Self.schema)
        var parser = JSONLineParser(fields: fields, zone: .utc)
        let lines = [
            #"{"lead": "L1", "type": "page_view", "at": "2026-03-02T09:05:00Z", "page": "/a"}"#,
            #"{"lead": "L22", "type": "form_submit", "at": "2026-03-02T09:06:00Z", "page": "/pricing"}"#,
            #"{"lead": "L3", "type": "call", "at": "2026-03-02T09:07:00Z"}"#,
            #"{"lead": "L4", "type": "call", "at": "2026-03-02T09:08:00Z", "n": 7, "ok": true}"#,
            #"{"lead": "L5", "type": "call", "at": "2026-03-02T09:09:00Z", "n": -2.5e1, "ok": null}"#,
            // Same shape, but a value with an escape: decided by the general path.
            #"{"lead": "L6", "type": "call", "at": "2026-03-02T09:10:00Z", "n": 1, "ok": "\u0041"}"#,
        ]
        let outcomes = lines.map { Self.outcome(&parser, Array($0.utf8)) }
        #expect(parser.shapeMatches == 2) // the second and the fifth line
        let attributes = outcomes.map { outcome -> [Value] in
            if case .record(let record) = outcome { return record.attributes }
            return []
        }
        #expect(attributes[1] == [.string("/pricing"), .null, .null, .null])
        #expect(attributes[4] == [.null, .number(-25), .null, .null])
        #expect(attributes[5] == [.null, .number(1), .string("A"), .null])
    }
}
