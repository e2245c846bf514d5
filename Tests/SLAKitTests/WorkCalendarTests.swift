import Testing
@testable import SLAKit

// Expected instants below were worked out by hand and checked with Python's zoneinfo.

/// Milliseconds.
let hour: Int64 = 3_600_000
let minute: Int64 = 60_000

/// A UTC instant.
func utc(_ year: Int, _ month: Int, _ day: Int, _ hours: Int = 0, _ minutes: Int = 0) -> Int64 {
    CivilTime.days(year: year, month: month, day: day) * CivilTime.millisecondsPerDay
        + Int64(hours) * hour + Int64(minutes) * minute
}

/// A local date as `CivilTime.days`.
func date(_ year: Int, _ month: Int, _ day: Int) -> Int64 {
    CivilTime.days(year: year, month: month, day: day)
}

/// `"08:00"` as seconds since midnight.
func clock(_ text: String) -> Int {
    let parts = text.split(separator: ":").map { Int($0)! }
    return parts[0] * 3600 + parts[1] * 60
}

/// A weekly table from weekday numbers (Monday = 0) and `"08:00-12:00"` ranges.
func week(_ days: [ClosedRange<Int>: [String]]) -> [[WorkingRange]] {
    var table = Array(repeating: [WorkingRange](), count: 7)
    for (weekdays, ranges) in days {
        for weekday in weekdays {
            table[weekday] = ranges.map { text in
                let ends = text.split(separator: "-").map(String.init)
                return WorkingRange(start: clock(ends[0]), end: clock(ends[1]))
            }
        }
    }
    return table
}

func zone(_ name: String) -> ZoneRules { ZoneRules.named(name)! }

/// SPEC section 1's `office`: mon-fri 08:00-12:00, 13:00-17:00, Christmas holidays 2026.
func officeCalendar(_ zoneName: String = "Europe/Stockholm") -> WorkCalendar {
    WorkCalendar(
        zone: zone(zoneName),
        weekly: week([0...4: ["08:00-12:00", "13:00-17:00"]]),
        holidays: [date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 31)])
}

/// A deterministic SplitMix64 generator for reproducible random cases.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// The slow, obviously correct model of a calendar for comparisons: every range of every
/// local date converted with `instant(fromLocal:)`, empty ones dropped, all merged into one
/// sorted list of disjoint intervals, with running totals for lookups.
struct ReferenceCalendar {
    let zone: ZoneRules
    let weekly: [[WorkingRange]]
    let holidays: Set<Int64>
    let firstDay: Int64
    let lastDay: Int64
    /// Merged working intervals of the dates `firstDay ... lastDay`.
    private(set) var intervals: [(start: Int64, end: Int64)] = []
    /// `workBefore[i]`: total length of `intervals[0 ..< i]`.
    private(set) var workBefore: [Int64] = [0]

    init(zone: ZoneRules, weekly: [[WorkingRange]], holidays: Set<Int64>, firstDay: Int64, lastDay: Int64) {
        self.zone = zone
        self.weekly = weekly
        self.holidays = holidays
        self.firstDay = firstDay
        self.lastDay = lastDay
        var raw: [(start: Int64, end: Int64)] = []
        for day in firstDay ... lastDay {
            raw += dayIntervals(day)
        }
        raw.sort { $0.start < $1.start }
        for interval in raw {
            if let last = intervals.last, interval.start <= last.end {
                intervals[intervals.count - 1].end = max(last.end, interval.end)
            } else {
                intervals.append(interval)
            }
        }
        for interval in intervals { workBefore.append(workBefore.last! + interval.end - interval.start) }
    }

    /// One date's ranges converted to instants (empty ones dropped), sorted and merged.
    func dayIntervals(_ day: Int64) -> [(start: Int64, end: Int64)] {
        guard !holidays.contains(day) else { return [] }
        var result: [(start: Int64, end: Int64)] = []
        for range in weekly[CivilTime.weekdayIndex(fromDays: day)] {
            let start = zone.instant(fromLocal: day * CivilTime.millisecondsPerDay + Int64(range.start) * 1000)
            let end = zone.instant(fromLocal: day * CivilTime.millisecondsPerDay + Int64(range.end) * 1000)
            if end > start { result.append((start, end)) }
        }
        result.sort { $0.start < $1.start }
        var merged: [(start: Int64, end: Int64)] = []
        for interval in result {
            if let last = merged.last, interval.start <= last.end {
                merged[merged.count - 1].end = max(last.end, interval.end)
            } else {
                merged.append(interval)
            }
        }
        return merged
    }

    func dayWork(_ day: Int64) -> Int64 { dayIntervals(day).reduce(0) { $0 + $1.end - $1.start } }

    /// Working time in `[firstDay's start, instant)`.
    func cumulative(_ instant: Int64) -> Int64 {
        // The number of intervals starting before `instant`.
        var low = 0, high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].start < instant { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return 0 }
        let last = intervals[low - 1]
        return workBefore[low - 1] + min(last.end, instant) - last.start
    }

    func workingTime(from: Int64, to: Int64) -> Int64 { to > from ? cumulative(to) - cumulative(from) : 0 }

    /// Earliest `t >= from` with `workingTime(from, t) == amount`, by walking the intervals.
    func instant(from: Int64, adding amount: Int64) -> Int64? {
        if amount <= 0 { return from }
        var remaining = amount
        for interval in intervals where interval.end > from {
            let start = max(interval.start, from)
            if remaining <= interval.end - start { return start + remaining }
            remaining -= interval.end - start
        }
        return nil
    }

    func nextWorkingMoment(atOrAfter instant: Int64) -> Int64? {
        intervals.first { $0.end > instant }.map { max($0.start, instant) }
    }

    /// SPEC 6.3 "Business days", literally, date by date.
    func businessDayBudget(start: Int64, days: Int) -> Int64 {
        guard let moment = nextWorkingMoment(atOrAfter: start) else { return 0 }
        let firstDay = CivilTime.floorDivide(zone.local(moment), CivilTime.millisecondsPerDay)
        var before: Int64 = 0, after: Int64 = 0
        for interval in dayIntervals(firstDay) {
            before += max(0, min(interval.end, moment) - interval.start)
            after += max(0, interval.end - max(interval.start, moment))
        }
        var budget = after
        var day = firstDay
        var found = 0
        while found < days {
            day += 1
            let work = dayWork(day)
            guard work > 0 else { continue }
            found += 1
            budget += found < days ? work : min(before, work)
        }
        return budget
    }
}

@Suite struct WorkCalendarTests {
    let stockholm = zone("Europe/Stockholm")

    @Test func workingTimeOfAnOrdinaryWeek() {
        let office = officeCalendar()
        // Mon 2026-03-02 09:00 to Tue 10:00 (+01:00): 09-12, 13-17, then Tue 08-10.
        #expect(office.workingTime(from: utc(2026, 3, 2, 8), to: utc(2026, 3, 3, 9)) == 9 * hour)
        // Lunch break and nights do not count; reversed or empty spans are 0.
        #expect(office.workingTime(from: utc(2026, 3, 2, 11), to: utc(2026, 3, 2, 12)) == 0)
        #expect(office.workingTime(from: utc(2026, 3, 3, 9), to: utc(2026, 3, 2, 8)) == 0)
        // A whole week: 5 × 8 h.
        #expect(office.workingTime(from: utc(2026, 3, 1, 23), to: utc(2026, 3, 8, 23)) == 40 * hour)
    }

    @Test func workingTimeAcrossSpringForward() {
        let office = officeCalendar()
        // Fri 2026-03-27 16:00 (+01:00) to Mon 03-30 09:00 (+02:00): 1 h + 1 h.
        #expect(office.workingTime(from: utc(2026, 3, 27, 15), to: utc(2026, 3, 30, 7)) == 2 * hour)
        // Thirteen weeks, one DST change, the ranges never touch 02:00: still 13 × 40 h.
        #expect(office.workingTime(from: utc(2026, 2, 1), to: utc(2026, 5, 3)) == 13 * 40 * hour)
    }

    @Test func holidaysHaveNoWorkingTime() {
        let office = officeCalendar()
        // Christmas week 2026: Thu 24 and Fri 25 are holidays.
        #expect(office.workingTime(from: utc(2026, 12, 20, 23), to: utc(2026, 12, 27, 23)) == 24 * hour)
        // 80 h from Mon 2026-12-21 08:00: Dec 21-23, 28-30, Jan 1 (not a holiday), Jan 4-6.
        #expect(office.instant(from: utc(2026, 12, 21, 7), addingWorkingTime: 80 * hour) == utc(2027, 1, 6, 16))
    }

    /// America/New_York on 2026-03-08 (spring forward at 02:00) and 2026-11-01 (fall back).
    @Test(arguments: [
        // A range spanning the change: 00:00 EST = 05:00Z to 06:00 EDT = 10:00Z.
        (["00:00-06:00"], 2026, 3, 8, 5 * hour),
        // 00:00 EDT = 04:00Z to 06:00 EST = 11:00Z.
        (["00:00-06:00"], 2026, 11, 1, 7 * hour),
        // 02:30 does not exist: read at -05:00 it is 07:30Z, the same instant as 03:30 EDT.
        (["01:30-02:30", "02:30-03:30"], 2026, 3, 8, 1 * hour),
        // 02:00-03:00 converts to 07:00Z-07:00Z: empty.
        (["02:00-03:00"], 2026, 3, 8, 0),
        // 05:00Z-07:30Z and 07:00Z-10:00Z overlap: the union is 5 h, not 5.5 h.
        (["00:00-02:30", "03:00-06:00"], 2026, 3, 8, 5 * hour),
        // Ranges touching 00:00 and 24:00: 00:00 EST = 05:00Z to next midnight EDT = 04:00Z (+1).
        (["00:00-12:00", "12:00-24:00"], 2026, 3, 8, 23 * hour),
    ])
    func newYorkChangeDays(ranges: [String], year: Int, month: Int, day: Int, expected: Int64) {
        let calendar = WorkCalendar(zone: zone("America/New_York"), weekly: week([6...6: ranges]), holidays: [])
        #expect(calendar.workingTime(from: utc(year, month, day - 1), to: utc(year, month, day + 2)) == expected)
        // The same day inside a long span, where it is counted by the whole-week arithmetic:
        // the surrounding Sundays have the range's plain length.
        let plain = ranges.reduce(Int64(0)) { total, text in
            let ends = text.split(separator: "-").map(String.init)
            return total + Int64(clock(ends[1]) - clock(ends[0])) * 1000
        }
        let weeks: Int64 = 9 // four Sundays before, four after
        #expect(calendar.workingTime(from: utc(year, month, day - 28), to: utc(year, month, day + 30))
            == (weeks - 1) * plain + expected)
    }

    @Test func lordHoweHalfHourChanges() {
        let calendar = WorkCalendar(zone: zone("Australia/Lord_Howe"), weekly: week([6...6: ["00:00-06:00"]]), holidays: [])
        // 2026-10-04: 02:00 +10:30 jumps to 02:30 +11:00; 00:00 = 13:30Z (Oct 3), 06:00 = 19:00Z.
        #expect(calendar.workingTime(from: utc(2026, 10, 3), to: utc(2026, 10, 5)) == 5 * hour + 30 * minute)
        // 2026-04-05: 02:00 +11:00 falls back to 01:30 +10:30; 13:00Z to 19:30Z.
        #expect(calendar.workingTime(from: utc(2026, 4, 4), to: utc(2026, 4, 6)) == 6 * hour + 30 * minute)
        #expect(calendar.instant(from: utc(2026, 10, 3), addingWorkingTime: 5 * hour) == utc(2026, 10, 3, 18, 30))
    }

    /// Samoa skipped 2011-12-30: its ranges, read at the offset before the gap, are the same
    /// instants as those of 2011-12-31, and count once.
    @Test func skippedDateCountsNoInstantTwice() {
        let calendar = WorkCalendar(zone: zone("Pacific/Apia"), weekly: week([0...6: ["08:00-17:00"]]), holidays: [])
        // Dec 29 08-17 (-10:00) = 18:00Z-03:00Z; Dec 30 and Dec 31 (+14:00) both 18:00Z-03:00Z (Dec 30-31).
        #expect(calendar.workingTime(from: utc(2011, 12, 29, 12), to: utc(2011, 12, 31, 12)) == 18 * hour)
        // Nov 1 00:00Z is Oct 31 14:00 (-10:00): 3 h of Oct 31's range (until 03:00Z); then the
        // 92 dates Nov 1 - Jan 31, one of them the skipped one; Feb 1 08:00 (+14:00) is
        // Jan 31 18:00Z: 6 h before Feb 1 00:00Z.
        #expect(calendar.workingTime(from: utc(2011, 11, 1), to: utc(2012, 2, 1)) == (3 + (92 - 1) * 9 + 6) * hour)
        #expect(calendar.instant(from: utc(2011, 12, 29, 12), addingWorkingTime: 10 * hour) == utc(2011, 12, 30, 19))
        #expect(calendar.instant(from: utc(2011, 12, 29, 12), addingWorkingTime: 19 * hour) == utc(2011, 12, 31, 19))
    }

    @Test func addingWorkingTime() {
        let office = officeCalendar()
        // Reached exactly at the end of a range: that instant, not the next range's start.
        #expect(office.instant(from: utc(2026, 3, 2, 7), addingWorkingTime: 4 * hour) == utc(2026, 3, 2, 11))
        #expect(office.instant(from: utc(2026, 3, 2, 7), addingWorkingTime: 4 * hour + 1) == utc(2026, 3, 2, 12) + 1)
        // Zero: the start itself, even outside working time.
        #expect(office.instant(from: utc(2026, 3, 7, 3), addingWorkingTime: 0) == utc(2026, 3, 7, 3))
        // Fri 2026-03-27 15:00 (+01:00) plus 3 h: 15-17, then Mon 08:00-09:00 (+02:00).
        #expect(office.instant(from: utc(2026, 3, 27, 14), addingWorkingTime: 3 * hour) == utc(2026, 3, 30, 7))
        // 250 working days of 8 h from Mon 2026-01-05 08:00 end Fri 2026-12-18 17:00 (+01:00).
        #expect(office.instant(from: utc(2026, 1, 5, 7), addingWorkingTime: 250 * 8 * hour) == utc(2026, 12, 18, 16))
    }

    @Test func rangesEndingAtMidnightJoinTheNextDay() {
        let calendar = WorkCalendar(zone: .utc, weekly: week([5...5: ["20:00-24:00"], 6...6: ["00:00-02:00"]]), holidays: [])
        // Sat 2026-03-07 23:00 plus 2 h: 23:00-24:00, then Sun 00:00-01:00.
        #expect(calendar.instant(from: utc(2026, 3, 7, 23), addingWorkingTime: 2 * hour) == utc(2026, 3, 8, 1))
        // Exactly one hour ends at 24:00, the next midnight.
        #expect(calendar.instant(from: utc(2026, 3, 7, 23), addingWorkingTime: hour) == utc(2026, 3, 8))
        #expect(calendar.nextWorkingMoment(atOrAfter: utc(2026, 3, 8, 2)) == utc(2026, 3, 14, 20))
    }

    @Test func nextWorkingMoment() {
        let office = officeCalendar()
        #expect(office.nextWorkingMoment(atOrAfter: utc(2026, 3, 2, 9)) == utc(2026, 3, 2, 9))
        #expect(office.nextWorkingMoment(atOrAfter: utc(2026, 3, 2, 11, 30)) == utc(2026, 3, 2, 12))
        // Saturday: Monday 08:00 (+01:00).
        #expect(office.nextWorkingMoment(atOrAfter: utc(2026, 3, 7, 10)) == utc(2026, 3, 9, 7))
        // Wed 2026-12-23 after hours: Thu and Fri are holidays, then the weekend.
        #expect(office.nextWorkingMoment(atOrAfter: utc(2026, 12, 23, 17)) == utc(2026, 12, 28, 7))
    }

    @Test func workingTimeEndsWithYear9999() {
        let calendar = WorkCalendar(zone: .utc, weekly: week([0...4: ["08:00-17:00"]]), holidays: [])
        // 9999-12-31 is a Friday: 9 h are left after 08:00.
        #expect(calendar.instant(from: utc(9999, 12, 31, 8), addingWorkingTime: 9 * hour) == utc(9999, 12, 31, 17))
        #expect(calendar.instant(from: utc(9999, 12, 31, 8), addingWorkingTime: 9 * hour + 1) == nil)
        #expect(calendar.instant(from: utc(9990, 1, 1), addingWorkingTime: 1_000_000 * hour) == nil)
        #expect(calendar.nextWorkingMoment(atOrAfter: utc(9999, 12, 31, 17)) == nil)
        #expect(calendar.workingTime(from: utc(9999, 12, 31), to: .max) == 9 * hour)
        // 0001-01-01 is a Monday; nothing before it counts.
        #expect(calendar.workingTime(from: .min, to: utc(1, 1, 1, 10)) == 2 * hour)
        #expect(calendar.nextWorkingMoment(atOrAfter: .min) == utc(1, 1, 1, 8))
    }

    // MARK: Business days (SPEC 6.3)

    @Test func businessDaysFromMidAfternoon() {
        let office = officeCalendar()
        // Tue 2026-03-03 14:00: 3 h left that day, all of Wednesday, Thursday up to 14:00
        // (o = 5 h): 3 + 8 + 5 = 16 h, due Thursday 14:00.
        let start = utc(2026, 3, 3, 13)
        let budget = office.businessDayBudget(start: start, days: 2)
        #expect(budget == 16 * hour)
        #expect(CycleClock.due(start: start, budget: budget, pauses: [], horizon: start, pausedAtHorizon: false, calendar: office)
            == utc(2026, 3, 5, 13))
    }

    @Test func businessDayFromSaturday() {
        let office = officeCalendar()
        // s = Mon 08:00, o = 0: all of Monday, due Monday 17:00 (+01:00).
        let start = utc(2026, 3, 7, 9)
        #expect(office.businessDayBudget(start: start, days: 1) == 8 * hour)
        #expect(CycleClock.due(start: start, budget: 8 * hour, pauses: [], horizon: start, pausedAtHorizon: false, calendar: office)
            == utc(2026, 3, 9, 16))
    }

    @Test func businessDaysFromBeforeOpeningAndDuringLunch() {
        let office = officeCalendar()
        // Mon 06:00: s = Mon 08:00, a full day.
        #expect(office.businessDayBudget(start: utc(2026, 3, 2, 5), days: 1) == 8 * hour)
        #expect(office.businessDayBudget(start: utc(2026, 3, 2, 5), days: 3) == 24 * hour)
        // Tue 12:30: s = 13:00, o = 4 h: 4 h that day and Wednesday 08:00-12:00.
        #expect(office.businessDayBudget(start: utc(2026, 3, 3, 11, 30), days: 1) == 8 * hour)
        // 250 working days: always N × 8 h with eight-hour days.
        #expect(office.businessDayBudget(start: utc(2026, 1, 5, 10), days: 250) == 250 * 8 * hour)
        // More working days than there are before year 10000: all the working time left.
        let late = utc(9999, 12, 30, 10) // Thursday 11:00 (+01:00)
        #expect(office.businessDayBudget(start: late, days: .max) == 5 * hour + 8 * hour) // 11-12, 13-17, Friday
        #expect(office.businessDayBudget(start: late, days: 1) == 8 * hour)
    }

    @Test func businessDaysSkipHolidays() {
        let office = officeCalendar()
        // Tue 2026-12-22 14:00, 2bd: D1 = Wed 23, D2 = Mon 28 (24-25 holidays, then the weekend).
        let start = utc(2026, 12, 22, 13)
        let budget = office.businessDayBudget(start: start, days: 2)
        #expect(budget == 16 * hour)
        #expect(CycleClock.due(start: start, budget: budget, pauses: [], horizon: start, pausedAtHorizon: false, calendar: office)
            == utc(2026, 12, 28, 13))
    }

    @Test func businessDaysWithUnevenDays() {
        // New York, Sunday and Monday 00:00-06:00; Sunday 2026-03-08 has 5 h.
        let calendar = WorkCalendar(zone: zone("America/New_York"), weekly: week([0...0: ["00:00-06:00"], 6...6: ["00:00-06:00"]]), holidays: [])
        // Sun 03-01 03:00 EST, 1bd: 3 h left, then Monday up to 03:00 (o = 3 h).
        #expect(calendar.businessDayBudget(start: utc(2026, 3, 1, 8), days: 1) == 6 * hour)
        // Sat 03-07: s = Sun 03-08 00:00 EST, o = 0: 5 h + Monday's 6 h + min(0, ...).
        #expect(calendar.businessDayBudget(start: utc(2026, 3, 7, 12), days: 2) == 11 * hour)
        // Mon 03-02 05:00 EST (o = 5 h), 1bd: D1 = the short Sunday: 1 h + min(5 h, 5 h).
        #expect(calendar.businessDayBudget(start: utc(2026, 3, 2, 10), days: 1) == 6 * hour)
        // Mon 03-02 05:30 EST (o = 5.5 h), 1bd: 0.5 h + min(5.5 h, 5 h).
        #expect(calendar.businessDayBudget(start: utc(2026, 3, 2, 10, 30), days: 1) == 5 * hour + 30 * minute)
    }

    // MARK: Agreement with the slow reference

    static let referenceCases: [(zone: String, weekly: [ClosedRange<Int>: [String]])] = {
        let zones = ["Europe/Stockholm", "America/New_York", "Australia/Lord_Howe", "UTC"]
        let calendars: [[ClosedRange<Int>: [String]]] = [
            [0...4: ["08:00-12:00", "13:00-17:00"]],
            // Touching 00:00 and 24:00, with a Saturday worked around the clock.
            [0...4: ["00:00-06:00", "20:00-24:00"], 5...5: ["00:00-24:00"]],
            // Ranges ending and starting inside the DST gaps (02:00-03:00 here, 02:00-02:30 in
            // Lord Howe) and inside the repeated hour.
            [0...1: ["01:30-02:30", "02:30-03:30"], 2...3: ["00:00-02:15", "02:45-09:00"], 6...6: ["01:00-02:00", "02:00-24:00"]],
        ]
        return zones.flatMap { zone in calendars.map { (zone, $0) } }
    }()

    @Test(arguments: 0 ..< referenceCases.count)
    func agreesWithReferenceOnRandomSpans(caseIndex: Int) {
        let (zoneName, table) = Self.referenceCases[caseIndex]
        var random = SeededGenerator(seed: 0x5EED_0000 + UInt64(caseIndex))
        let firstDay = date(2018, 1, 1), lastDay = date(2040, 12, 31)
        // Holidays on random dates, a few in runs, some on weekends.
        var holidays = Set<Int64>()
        for _ in 0..<120 {
            let day = Int64.random(in: firstDay + 10 ... lastDay - 10, using: &random)
            for offset in 0 ..< Int64.random(in: 1...4, using: &random) { holidays.insert(day + offset) }
        }
        let rules = zone(zoneName)
        let calendar = WorkCalendar(zone: rules, weekly: week(table), holidays: holidays)
        let reference = ReferenceCalendar(zone: rules, weekly: week(table), holidays: holidays, firstDay: firstDay, lastDay: lastDay)
        let transitions = rules.transitions(from: utc(2019, 1, 1), to: utc(2040, 1, 1))
        /// A random instant in 2019-2039: on a minute, a local midnight, or at an offset change.
        func randomInstant() -> Int64 {
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !transitions.isEmpty:
                return transitions.randomElement(using: &random)! + Int64.random(in: -2...2, using: &random) * 30 * minute
            case 1:
                let day = Int64.random(in: date(2019, 1, 1) ... date(2039, 12, 31), using: &random)
                return rules.instant(fromLocal: day * CivilTime.millisecondsPerDay)
            default:
                return utc(2019, 1, 1) + Int64.random(in: 0 ..< 21 * 365 * 24 * 60, using: &random) * minute
            }
        }
        for trial in 0..<150 {
            let from = randomInstant()
            // Spans of minutes, days, weeks and years.
            let scale: Int64 = [hour, 30 * CivilTime.millisecondsPerDay, 400 * CivilTime.millisecondsPerDay, 20 * 365 * CivilTime.millisecondsPerDay][trial % 4]
            let to = trial % 5 == 0 ? randomInstant() : min(from + Int64.random(in: 0...scale, using: &random), utc(2040, 1, 1))
            let expected = reference.workingTime(from: from, to: to)
            #expect(calendar.workingTime(from: from, to: to) == expected, "\(zoneName) \(CivilTime.formatUTC(from)) \(CivilTime.formatUTC(to))")
            if to > from {
                let middle = from + (to - from) / 3
                #expect(calendar.workingTime(from: from, to: middle) + calendar.workingTime(from: middle, to: to) == expected)
            }
            let amount = expected == 0 ? 0 : Int64.random(in: 0...expected, using: &random)
            #expect(calendar.instant(from: from, addingWorkingTime: amount) == reference.instant(from: from, adding: amount),
                    "\(zoneName) \(CivilTime.formatUTC(from)) + \(amount)")
            #expect(calendar.instant(from: from, addingWorkingTime: expected) == reference.instant(from: from, adding: expected))
            #expect(calendar.nextWorkingMoment(atOrAfter: to) == reference.nextWorkingMoment(atOrAfter: to))
            if trial % 3 == 0 {
                let days = [1, 2, 3, 5, 10, 40, 300][trial % 7]
                #expect(calendar.businessDayBudget(start: from, days: days) == reference.businessDayBudget(start: from, days: days),
                        "\(zoneName) \(CivilTime.formatUTC(from)) \(days)bd")
            }
        }
    }

    /// Past 2200 the zone table ends and the offsets come from Foundation, which keeps the
    /// current DST rule: the calendar must agree with the day-by-day conversion there too.
    @Test func agreesWithReferenceFarInTheFuture() {
        let rules = zone("Europe/Stockholm")
        let table = week([6...6: ["00:00-06:00"], 0...4: ["08:00-17:00"]])
        let calendar = WorkCalendar(zone: rules, weekly: table, holidays: [])
        let reference = ReferenceCalendar(zone: rules, weekly: table, holidays: [], firstDay: date(2298, 1, 1), lastDay: date(2304, 12, 31))
        let from = utc(2299, 1, 1, 3), to = utc(2304, 1, 1, 3)
        #expect(calendar.workingTime(from: from, to: to) == reference.workingTime(from: from, to: to))
        // The Sundays of March and October 2300 (the last ones: 2300-03-25, 2300-10-28) have
        // 5 h and 7 h.
        #expect(calendar.workingTime(from: utc(2300, 3, 24), to: utc(2300, 3, 26)) == 5 * hour)
        #expect(calendar.workingTime(from: utc(2300, 10, 27), to: utc(2300, 10, 29)) == 7 * hour)
        for amount in stride(from: hour, to: 9000 * hour, by: Int(997 * minute)) {
            #expect(calendar.instant(from: from, addingWorkingTime: amount) == reference.instant(from: from, adding: amount))
        }
    }

    /// A cycle open for twenty years is computed by whole weeks, not date by date.
    @Test func twentyYearSpansAreFast() {
        let office = officeCalendar("America/New_York")
        let reference = ReferenceCalendar(zone: office.zone, weekly: office.weekly, holidays: office.holidays,
                                          firstDay: date(2019, 12, 1), lastDay: date(2046, 12, 31))
        var random = SeededGenerator(seed: 20)
        var cases: [(Int64, Int64)] = []
        for _ in 0..<200 {
            let from = utc(2020, 1, 1) + Int64.random(in: 0 ..< 365 * 24 * 60, using: &random) * minute
            cases.append((from, from + 20 * 365 * CivilTime.millisecondsPerDay + Int64.random(in: 0 ..< 24 * 60, using: &random) * minute))
        }
        let clock = ContinuousClock()
        var results: [(Int64, Int64?)] = []
        let elapsed = clock.measure {
            for (from, to) in cases {
                let work = office.workingTime(from: from, to: to)
                results.append((work, office.instant(from: from, addingWorkingTime: work)))
            }
        }
        // Compared with converting each of the 7300 dates, measured alongside so that a
        // loaded machine slows both.
        var slowTotal: Int64 = 0
        let slowElapsed = clock.measure {
            for (from, to) in cases.prefix(4) {
                let first = CivilTime.floorDivide(office.zone.local(from), CivilTime.millisecondsPerDay)
                let last = CivilTime.floorDivide(office.zone.local(to), CivilTime.millisecondsPerDay)
                for day in first ... last {
                    for interval in reference.dayIntervals(day) {
                        slowTotal += max(0, min(interval.end, to) - max(interval.start, from))
                    }
                }
            }
        }
        #expect(slowTotal == results.prefix(4).reduce(0) { $0 + $1.0 })
        // Per case (two queries), the fast path is several times cheaper than one slow sum.
        #expect(elapsed / cases.count * 5 < slowElapsed / 4)
        #expect(elapsed < .seconds(10))
        for ((from, to), (work, due)) in zip(cases, results) {
            #expect(work == reference.workingTime(from: from, to: to))
            #expect(due == reference.instant(from: from, adding: work))
        }
    }
}
