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

    /// A program whose leads keep three attributes (`lead.a`, `lead.b`, `lead.c`).
    static func program() throws -> Program {
        let text = """
        sla "x" {
          score fit { +1 when lead.a == "x" }
          stage s when lead.b >= 1 and lead.c endsWith "z"
        }
        """
        let source = SourceFile(path: "case.sla", bytes: Array(text.utf8))
        let parse = Parser.parse(source)
        return Compiler.compile(try #require(Checker.check(parse.file, source: source).sla))
    }

    /// Adds the lead `lead-NUMBER`; returns its number.
    static func addLead(_ number: Int, to states: LeadStates) -> Int {
        let id = Array("lead-\(number)".utf8)
        return id.withUnsafeBufferPointer { states.lead($0.baseAddress!, $0.count, hash: ByteHash.hash($0.baseAddress!, $0.count)).lead }
    }

    @Test func attributeValuesSurviveTheTableGrowing() throws {
        let program = try Self.program()
        let states = LeadStates(program: program)
        let count = program.attributeNames.count
        #expect(count == 3)
        let leads = 20_000
        for number in 0..<leads {
            let lead = Self.addLead(number, to: states)
            #expect(lead == number)
            if number == 0 || number == leads - 1 {
                // The table starts on a cache line, small or grown (then moved).
                #expect((UInt(bitPattern: states.table.record(0)) - UInt(LeadTable.idBytes)) % 64 == 0)
            }
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

    /// The states own their leads' attribute values: when they go, so do the values. A
    /// list shared with every lead is uniquely referenced again afterwards, so appending
    /// to it does not copy its storage.
    @Test func attributeValuesAreDestroyedWithTheStates() throws {
        let program = try Self.program()
        var probe: [Value] = [.number(1)]
        probe.reserveCapacity(16)
        let before = probe.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        do {
            let states = LeadStates(program: program)
            for number in 0..<5_000 { states.leadAttributes(Self.addLead(number, to: states))[1] = .list(probe) }
        }
        probe.append(.number(2))
        #expect(probe.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } == before)
    }
}
