import Testing
@testable import SLAKit

/// A lead's attribute values live in its lead-table entry, after its numeric state: they
/// must survive the table's growth, start null, and the entry is padded to whole cache
/// lines only when that wastes little.
@Suite struct LeadStatesTests {
    @Test func recordsArePaddedToCacheLinesOnlyWhenCheap() {
        // 32 + 352 = 384 bytes: six lines already.
        #expect(LeadStates.paddedRecordBytes(352, idBytes: 32) == 352)
        // 32 + 48 = 80 bytes: padding to 128 would add 48, more than an eighth.
        #expect(LeadStates.paddedRecordBytes(48, idBytes: 32) == 48)
        // 32 + 330 = 362 bytes: 22 more make six lines.
        #expect(LeadStates.paddedRecordBytes(330, idBytes: 32) == 352)
        // 32 + 300 = 332 bytes: 52 more would be too many; rounded up to 8 instead.
        #expect(LeadStates.paddedRecordBytes(300, idBytes: 32) == 304)
        #expect(LeadStates.paddedRecordBytes(0, idBytes: 32) == 0)
    }

    @Test func attributeValuesSurviveTheTableGrowing() throws {
        let text = """
        sla "x" {
          score fit { +1 when lead.a == "x" }
          stage s when lead.b >= 1 and lead.c endsWith "z"
        }
        """
        let source = SourceFile(path: "case.sla", bytes: Array(text.utf8))
        let parse = Parser.parse(source)
        let sla = try #require(Checker.check(parse.file, source: source).sla)
        let program = Compiler.compile(sla)
        let states = LeadStates(program: program)
        let count = program.attributeNames.count
        #expect(count == 3)
        let leads = 20_000
        for number in 0..<leads {
            let id = Array("lead-\(number)".utf8)
            let lead = id.withUnsafeBufferPointer { states.lead($0.baseAddress!, $0.count, hash: ByteHash.hash($0.baseAddress!, $0.count)).lead }
            #expect(lead == number)
            let values = states.leadAttributes(lead)
            #expect((0..<count).allSatisfy { values[$0].isNull }, "a new lead's attributes start null")
            values[0] = .string("value of a long attribute, not stored inline: \(number)")
            values[1] = .number(Double(number))
            if number % 2 == 0 { values[2] = .bool(true) }
        }
        for number in 0..<leads {
            let values = states.leadAttributes(number)
            #expect(values[0] == .string("value of a long attribute, not stored inline: \(number)"))
            #expect(values[1] == .number(Double(number)))
            #expect(values[2] == (number % 2 == 0 ? .bool(true) : .null))
        }
    }
}
