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
}
