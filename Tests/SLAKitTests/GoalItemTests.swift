import Testing
@testable import SLAKit

/// A goal item keeps its payload as a kind and 8 bytes, and its group value out of line:
/// every payload must read back as it went in (a sum's amount bit for bit), in 32 bytes.
@Suite struct GoalItemTests {
    @Test(arguments: [
        GoalItem.Payload.cohort(numeratorStage: 5), .cycle(1 << 40), .amount(nil), .amount(-0.0),
        .amount(1_000_000.25), .amount(-Double.greatestFiniteMagnitude),
    ])
    func payloadReadsBack(_ payload: GoalItem.Payload) {
        let item = GoalItem(goal: 12, time: -62_135_596_800_000, groupIndex: 3, payload: payload)
        #expect(item.goal == 12 && item.time == -62_135_596_800_000 && item.groupIndex == 3 && item.next == -1)
        switch (item.payload, payload) {
        case (.cohort(let read), .cohort(let written)): #expect(read == written)
        case (.cycle(let read), .cycle(let written)): #expect(read == written)
        case (.amount(let read), .amount(let written)): #expect(read?.bitPattern == written?.bitPattern)
        default: Issue.record("payload \(payload) read back as \(item.payload)")
        }
    }

    @Test func fitsHalfACacheLine() {
        #expect(MemoryLayout<GoalItem>.stride == 32)
    }

    /// Items of goals without `by` store no group and read as null; others read their own.
    /// `count STAGE` goals keep no items: their entries are counted at once.
    @Test func groupsAreKeptOnlyForGoalsWithBy() throws {
        let text = """
        sla "groups" {
          team marketing
          stage mql on form_submit
          stage sql on accepted
          goal conversion { owner marketing rate sql / mql >= 1% }
          goal by_owner { owner marketing rate sql / mql >= 1% by lead.owner }
          goal volume { owner marketing count mql >= 1 }
          goal volume_by_owner { owner marketing count mql >= 1 by lead.owner }
        }
        """
        let source = SourceFile(path: "case.sla", bytes: Array(text.utf8))
        let program = Compiler.compile(try #require(Checker.check(Parser.parse(source).file, source: source).sla))
        let states = LeadStates(program: program)
        let processor = LeadProcessor(program: program, states: states)
        let typeId = program.typeId("form_submit")
        let owner = try #require(program.attributeNames.firstIndex(of: "owner"))
        for (id, ownerName) in [("L-1", "ann"), ("L-2", "bo")] {
            var attributes = Array(repeating: Value.null, count: program.attributeNames.count)
            attributes[owner] = .string(ownerName)
            let lead = Array(id.utf8).withUnsafeBufferPointer {
                states.lead($0.baseAddress!, $0.count, hash: ByteHash.hash($0.baseAddress!, $0.count)).lead
            }
            attributes.withUnsafeBufferPointer {
                processor.process(lead: lead, typeId: typeId, typeText: "form_submit", time: 0, attributes: $0.baseAddress!)
            }
        }
        #expect(states.items.count == 4)
        #expect(states.groups.count == 2)
        let groups = (0..<states.items.count).map { states.group(of: states.items[$0]) }
        #expect(groups == [.null, .string("ann"), .null, .string("bo")])
        #expect((0..<states.items.count).allSatisfy { states.items[$0].goal < 2 })
    }
}
