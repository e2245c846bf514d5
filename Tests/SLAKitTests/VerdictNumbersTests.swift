import Testing
@testable import SLAKit

/// Lead verdicts keep their scores and stage entries in a shared `VerdictNumbers`: each
/// verdict reads back its own, whatever was stored before and after it, and a lead that
/// entered no stage stores nothing.
@Suite struct VerdictNumbersTests {
    @Test func eachVerdictReadsItsOwnNumbers() {
        let numbers = VerdictNumbers(scoreCount: 2, stageCount: 3)
        numbers.reserve(leads: 3)
        let leads: [(scores: [Double], stages: [Int64?])] = [
            ([1.5, -2], [nil, nil, nil]),
            ([0, 100], [1_700_000_000_000, nil, 1_700_000_360_000]),
            ([7, 8], [nil, 5, nil]),
        ]
        var verdicts: [LeadVerdict] = []
        for (index, lead) in leads.enumerated() {
            let entries = lead.stages.map { $0 ?? VerdictNumbers.notEntered }
            let stageStart = entries.withUnsafeBufferPointer { numbers.append(stageEntries: $0.baseAddress!) }
            let scoreStart = lead.scores.withUnsafeBufferPointer { numbers.append(scores: $0.baseAddress!) }
            verdicts.append(LeadVerdict(lead: "L\(index)", numbers: numbers, scoreStart: scoreStart, stageStart: stageStart))
        }
        // Only the two leads that entered a stage stored their entries.
        #expect(numbers.stageEntries.count == 2 * 3)
        for (verdict, lead) in zip(verdicts, leads) {
            #expect(verdict.scores == lead.scores)
            #expect(verdict.stages == lead.stages)
            #expect((0..<2).map(verdict.score) == lead.scores)
            #expect((0..<3).map(verdict.stage) == lead.stages)
        }
    }

    @Test func standaloneVerdictKeepsWhatItWasGiven() {
        let verdict = LeadVerdict(lead: "L-1", scores: [3, 4.25], stages: [nil, 42])
        #expect(verdict.lead == "L-1")
        #expect(verdict.scores == [3, 4.25])
        #expect(verdict.stages == [nil, 42])
        let empty = LeadVerdict(lead: "L-2", scores: [], stages: [])
        #expect(empty.scores.isEmpty && empty.stages.isEmpty)
    }
}
