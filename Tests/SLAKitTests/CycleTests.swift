import Testing
@testable import SLAKit

/// A cycle keeps its small numbers in 32 bits and its optionals with sentinels, behind
/// properties of the usual types: what goes in must come out, in 64 bytes.
@Suite struct CycleTests {
    @Test func fieldsReadBackAndFitOneCacheLine() {
        var cycle = Cycle(deadline: 3, number: 7, start: -62_135_596_800_000, budget: 14_400_000, calendar: nil, withinIndex: 2)
        #expect(cycle.deadline == 3 && cycle.number == 7 && cycle.withinIndex == 2)
        #expect(cycle.start == -62_135_596_800_000 && cycle.budget == 14_400_000)
        #expect(cycle.calendar == nil && cycle.stop == nil && !cycle.paused && cycle.pauses.isEmpty)
        cycle.stop = CivilTime.minimumInstant
        #expect(cycle.stop == CivilTime.minimumInstant)
        cycle.stop = CivilTime.maximumInstant
        #expect(cycle.stop == CivilTime.maximumInstant)
        cycle.stop = nil
        #expect(cycle.stop == nil)
        #expect(Cycle(deadline: 0, number: 1, start: 0, budget: 0, calendar: 0, withinIndex: 0).calendar == 0)
        #expect(MemoryLayout<Cycle>.stride == 64)
    }

    /// The verdict keeps its numbers the same way: 72 bytes, every field read back.
    @Test func verdictFieldsReadBack() {
        var verdict = CycleVerdict(lead: "L-1", deadline: 2, number: 9, status: .atRisk, started: CivilTime.minimumInstant,
                                   stopped: nil, due: CivilTime.maximumInstant, elapsed: 5, budget: 7, paused: true, withinIndex: 1)
        #expect(verdict.lead == "L-1" && verdict.deadline == 2 && verdict.number == 9 && verdict.status == .atRisk)
        #expect(verdict.started == CivilTime.minimumInstant && verdict.stopped == nil && verdict.due == CivilTime.maximumInstant)
        #expect(verdict.elapsed == 5 && verdict.budget == 7 && verdict.paused && verdict.withinIndex == 1)
        verdict.stopped = CivilTime.minimumInstant
        verdict.due = nil
        #expect(verdict.stopped == CivilTime.minimumInstant && verdict.due == nil)
        verdict.number = 10
        #expect(verdict.number == 10)
        #expect(MemoryLayout<CycleVerdict>.stride == 72)
    }
}
