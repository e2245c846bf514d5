import Testing
@testable import SLAKit

@Suite struct CycleClockTests {
    /// Mon 2026-03-02 09:00Z.
    let start = utc(2026, 3, 2, 9)

    @Test func elapsedWithoutCalendarSkipsPauses() {
        // Paused 2-3 h and from 5 h on: 2 h + 2 h counted.
        let pauses = [PauseInterval(from: start + 2 * hour, to: start + 3 * hour), PauseInterval(from: start + 5 * hour, to: nil)]
        #expect(CycleClock.elapsed(start: start, end: start + 10 * hour, pauses: pauses, calendar: nil) == 4 * hour)
        #expect(CycleClock.elapsed(start: start, end: start + 10 * hour, pauses: [], calendar: nil) == 10 * hour)
        #expect(CycleClock.elapsed(start: start, end: start, pauses: [], calendar: nil) == 0)
        // A cycle that starts paused and is still paused.
        #expect(CycleClock.elapsed(start: start, end: start + hour, pauses: [PauseInterval(from: start, to: nil)], calendar: nil) == 0)
    }

    @Test func elapsedWithCalendar() {
        let office = officeCalendar()
        // Fri 2026-03-27 16:00 (+01:00) to Mon 03-30 09:00 (+02:00): 2 working hours.
        #expect(CycleClock.elapsed(start: utc(2026, 3, 27, 15), end: utc(2026, 3, 30, 7), pauses: [], calendar: office) == 2 * hour)
        // Paused from Fri 16:30 to Mon 08:30: 30 min + 30 min.
        let pause = PauseInterval(from: utc(2026, 3, 27, 15, 30), to: utc(2026, 3, 30, 6, 30))
        #expect(CycleClock.elapsed(start: utc(2026, 3, 27, 15), end: utc(2026, 3, 30, 7), pauses: [pause], calendar: office) == hour)
    }

    @Test func dueWithoutCalendar() {
        // Budget 0: the start.
        #expect(CycleClock.due(start: start, budget: 0, pauses: [], horizon: start, pausedAtHorizon: false, calendar: nil) == start)
        // 1 h counted, paused 1-3 h, then 3 h more: due at 6 h.
        let pauses = [PauseInterval(from: start + hour, to: start + 3 * hour)]
        #expect(CycleClock.due(start: start, budget: 4 * hour, pauses: pauses, horizon: start + 5 * hour, pausedAtHorizon: false, calendar: nil)
            == start + 6 * hour)
        // Running past the horizon: the due lies after it.
        #expect(CycleClock.due(start: start, budget: 10 * hour, pauses: pauses, horizon: start + 5 * hour, pausedAtHorizon: false, calendar: nil)
            == start + 12 * hour)
    }

    @Test func dueWhilePausedAtTheHorizon() {
        let pauses = [PauseInterval(from: start + hour, to: nil)]
        // Not reached before the pause, which is assumed to last: no due.
        #expect(CycleClock.due(start: start, budget: 4 * hour, pauses: pauses, horizon: start + 5 * hour, pausedAtHorizon: true, calendar: nil) == nil)
        // Reached exactly when the pause began.
        #expect(CycleClock.due(start: start, budget: hour, pauses: pauses, horizon: start + 5 * hour, pausedAtHorizon: true, calendar: nil) == start + hour)
        #expect(CycleClock.due(start: start, budget: 30 * minute, pauses: pauses, horizon: start + 5 * hour, pausedAtHorizon: true, calendar: nil)
            == start + 30 * minute)
        // Started paused and still paused: nothing counted, no due (but budget 0 is the start).
        let always = [PauseInterval(from: start, to: nil)]
        #expect(CycleClock.due(start: start, budget: hour, pauses: always, horizon: start + 5 * hour, pausedAtHorizon: true, calendar: nil) == nil)
        #expect(CycleClock.due(start: start, budget: 0, pauses: always, horizon: start + 5 * hour, pausedAtHorizon: true, calendar: nil) == start)
    }

    @Test func dueWithCalendar() {
        let office = officeCalendar()
        // Mon 2026-03-02 10:00 (+01:00), 4 h, paused 11:00-14:00: 10-11 then 14-17; reached
        // exactly at the end of the range: 17:00 = 16:00Z.
        let cycleStart = utc(2026, 3, 2, 9)
        let pause = PauseInterval(from: utc(2026, 3, 2, 10), to: utc(2026, 3, 2, 13))
        #expect(CycleClock.due(start: cycleStart, budget: 4 * hour, pauses: [pause], horizon: utc(2026, 3, 2, 15), pausedAtHorizon: false, calendar: office)
            == utc(2026, 3, 2, 16))
        // One minute more: the next working moment, Tue 08:00, plus a minute.
        #expect(CycleClock.due(start: cycleStart, budget: 4 * hour + minute, pauses: [pause], horizon: utc(2026, 3, 2, 15), pausedAtHorizon: false, calendar: office)
            == utc(2026, 3, 3, 7, 1))
        // Paused again from 15:00 local up to the horizon (16:00) after 2 h counted: no due.
        let open = PauseInterval(from: utc(2026, 3, 2, 14), to: nil)
        #expect(CycleClock.due(start: cycleStart, budget: 4 * hour, pauses: [pause, open], horizon: utc(2026, 3, 2, 15), pausedAtHorizon: true, calendar: office) == nil)
        // A start outside working time on Saturday: the budget runs from Monday 08:00.
        #expect(CycleClock.due(start: utc(2026, 3, 7, 12), budget: hour, pauses: [], horizon: utc(2026, 3, 7, 12), pausedAtHorizon: false, calendar: office)
            == utc(2026, 3, 9, 8))
    }

    @Test func dueBeyondYear9999IsNil() {
        let lateStart = utc(9999, 12, 31, 20)
        #expect(CycleClock.due(start: lateStart, budget: 4 * hour, pauses: [], horizon: lateStart, pausedAtHorizon: false, calendar: nil) == nil)
        #expect(CycleClock.due(start: lateStart, budget: 3 * hour, pauses: [], horizon: lateStart, pausedAtHorizon: false, calendar: nil) == utc(9999, 12, 31, 23))
        #expect(CycleClock.due(start: start, budget: .max, pauses: [], horizon: start, pausedAtHorizon: false, calendar: nil) == nil)
        #expect(CycleClock.due(start: start, budget: .max, pauses: [], horizon: start, pausedAtHorizon: false, calendar: officeCalendar()) == nil)
    }

    /// Twenty years open, paused now and then, on the calendar and without: the clock agrees
    /// with the slow reference summed stretch by stretch.
    @Test(arguments: ["Europe/Stockholm", "America/New_York", "Australia/Lord_Howe", "UTC"])
    func agreesWithReferenceOverYears(zoneName: String) {
        let calendar = officeCalendar(zoneName)
        let reference = ReferenceCalendar(zone: calendar.zone, weekly: calendar.weekly, holidays: calendar.holidays,
                                          firstDay: date(2019, 12, 1), lastDay: date(2050, 12, 31))
        var random = SeededGenerator(seed: 0xC1C1E)
        for trial in 0..<20 {
            let cycleStart = utc(2020, 1, 1) + Int64.random(in: 0 ..< 365 * 24 * 60, using: &random) * minute
            let horizon = cycleStart + Int64.random(in: 0 ... 20 * 365 * 24 * 60, using: &random) * minute
            // Random disjoint pauses, the last one possibly still open at the horizon.
            var pauses: [PauseInterval] = []
            var cursor = cycleStart
            while true {
                let from = cursor + Int64.random(in: 0 ... 200 * 24 * 60, using: &random) * minute
                guard from < horizon else { break }
                let to = from + Int64.random(in: 1 ... 100 * 24 * 60, using: &random) * minute
                if to >= horizon || trial % 4 == 0 && pauses.count == 3 {
                    pauses.append(PauseInterval(from: from, to: nil))
                    break
                }
                pauses.append(PauseInterval(from: from, to: to))
                cursor = to
            }
            let pausedAtHorizon = pauses.last?.to == nil && !pauses.isEmpty
            // The running stretches up to the horizon.
            var stretches: [(Int64, Int64)] = []
            cursor = cycleStart
            for pause in pauses {
                if pause.from > cursor { stretches.append((cursor, pause.from)) }
                cursor = pause.to ?? horizon
            }
            if cursor < horizon { stretches.append((cursor, horizon)) }
            let expectedElapsed = stretches.reduce(Int64(0)) { $0 + reference.workingTime(from: $1.0, to: $1.1) }
            #expect(CycleClock.elapsed(start: cycleStart, end: horizon, pauses: pauses, calendar: calendar) == expectedElapsed)
            let plainElapsed = stretches.reduce(Int64(0)) { $0 + $1.1 - $1.0 }
            #expect(CycleClock.elapsed(start: cycleStart, end: horizon, pauses: pauses, calendar: nil) == plainElapsed)

            // A budget inside what was counted, and one beyond it.
            for budget in [Int64.random(in: 1 ... max(1, expectedElapsed), using: &random), expectedElapsed + 37 * hour] {
                var expectedDue: Int64?
                var remaining = budget
                for (from, to) in stretches {
                    let available = reference.workingTime(from: from, to: to)
                    if available >= remaining { expectedDue = reference.instant(from: from, adding: remaining); break }
                    remaining -= available
                }
                if expectedDue == nil, !pausedAtHorizon {
                    expectedDue = reference.instant(from: horizon, adding: remaining)
                }
                #expect(CycleClock.due(start: cycleStart, budget: budget, pauses: pauses, horizon: horizon,
                                       pausedAtHorizon: pausedAtHorizon, calendar: calendar) == expectedDue,
                        "\(zoneName) trial \(trial) budget \(budget)")
            }
        }
    }
}
