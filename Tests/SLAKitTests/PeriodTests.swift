import Testing
@testable import SLAKit

@Suite struct PeriodTests {
    let stockholm = zone("Europe/Stockholm")

    @Test func stockholmPeriodsFollowLocalMidnights() {
        // March 2026 starts at 00:00 +01:00 and ends at 00:00 +02:00 on April 1.
        let month = Periods.period(containing: utc(2026, 3, 15, 12), kind: .month, zone: stockholm)
        #expect(month.label == "2026-03")
        #expect(month.index == 2026 * 12 + 2)
        #expect(month.start == utc(2026, 2, 28, 23))
        #expect(month.end == utc(2026, 3, 31, 22))
        // 2026-03-31T22:30Z is April 1, 00:30 local: the second quarter.
        let quarter = Periods.period(containing: utc(2026, 3, 31, 22, 30), kind: .quarter, zone: stockholm)
        #expect(quarter.label == "2026-Q2")
        #expect(quarter.start == utc(2026, 3, 31, 22))
        #expect(quarter.end == utc(2026, 6, 30, 22))
        // 2026-12-31T23:30Z is already 2027 locally.
        let year = Periods.period(containing: utc(2026, 12, 31, 23, 30), kind: .year, zone: stockholm)
        #expect(year.label == "2027")
        #expect(year.start == utc(2026, 12, 31, 23))
        #expect(year.end == utc(2027, 12, 31, 23))
        // SPEC 7.1's week label; the week starts Monday 00:00 local.
        let week = Periods.period(containing: utc(2026, 3, 4, 12), kind: .week, zone: stockholm)
        #expect(week.label == "2026-W10")
        #expect(week.start == utc(2026, 3, 1, 23))
        #expect(week.end == utc(2026, 3, 8, 23))
        // The spring-forward day has 23 hours.
        let day = Periods.period(containing: utc(2026, 3, 29, 12), kind: .day, zone: stockholm)
        #expect(day.label == "2026-03-29")
        #expect(day.start == utc(2026, 3, 28, 23))
        #expect(day.end == utc(2026, 3, 29, 22))
        // The instant of a boundary belongs to the period it starts.
        #expect(Periods.period(containing: utc(2026, 2, 28, 23), kind: .month, zone: stockholm).label == "2026-03")
        #expect(Periods.period(containing: utc(2026, 2, 28, 23) - 1, kind: .month, zone: stockholm).label == "2026-02")
    }

    /// ISO weeks: the year of the label is the week-numbering year (that of the Thursday).
    @Test(arguments: [
        (2026, 12, 31, "2026-W53"), (2027, 1, 1, "2026-W53"), (2027, 1, 3, "2026-W53"), (2027, 1, 4, "2027-W01"),
        (2020, 12, 31, "2020-W53"), (2021, 1, 3, "2020-W53"), (2032, 12, 31, "2032-W53"), (2033, 1, 2, "2032-W53"),
        (2024, 12, 30, "2025-W01"), (2026, 1, 1, "2026-W01"), (2010, 1, 3, "2009-W53"), (2026, 3, 2, "2026-W10"),
    ])
    func isoWeekLabels(year: Int, month: Int, day: Int, label: String) {
        let week = Periods.period(containing: utc(year, month, day, 12), kind: .week, zone: .utc)
        #expect(week.label == label)
        #expect(CivilTime.weekdayIndex(fromDays: CivilTime.floorDivide(week.start, CivilTime.millisecondsPerDay)) == 0)
        #expect(week.end - week.start == 7 * CivilTime.millisecondsPerDay)
    }

    @Test func labelsOfEveryKind() {
        let instant = utc(2026, 8, 9, 10)
        #expect(Periods.period(containing: instant, kind: .day, zone: .utc).label == "2026-08-09")
        #expect(Periods.period(containing: instant, kind: .week, zone: .utc).label == "2026-W32")
        #expect(Periods.period(containing: instant, kind: .month, zone: .utc).label == "2026-08")
        #expect(Periods.period(containing: instant, kind: .quarter, zone: .utc).label == "2026-Q3")
        #expect(Periods.period(containing: instant, kind: .year, zone: .utc).label == "2026")
        #expect(Periods.period(containing: utc(987, 1, 1), kind: .year, zone: .utc).label == "0987")
    }

    /// Consecutive indexes are consecutive periods, across year ends.
    @Test(arguments: PeriodKind.allCases)
    func indexesAreConsecutive(kind: PeriodKind) {
        var period = Periods.period(containing: utc(2025, 11, 20), kind: kind, zone: stockholm)
        var labels: [String] = [period.label]
        for _ in 0..<30 {
            let next = Periods.period(index: period.index + 1, kind: kind, zone: stockholm)
            #expect(next.start == period.end)
            #expect(Periods.period(containing: next.start, kind: kind, zone: stockholm) == next)
            #expect(Periods.period(containing: next.start - 1, kind: kind, zone: stockholm) == period)
            labels.append(next.label)
            period = next
        }
        #expect(Set(labels).count == labels.count)
        switch kind {
        case .week: #expect(labels.prefix(8) == ["2025-W47", "2025-W48", "2025-W49", "2025-W50", "2025-W51", "2025-W52", "2026-W01", "2026-W02"])
        case .month: #expect(labels.prefix(3) == ["2025-11", "2025-12", "2026-01"])
        case .quarter: #expect(labels.prefix(3) == ["2025-Q4", "2026-Q1", "2026-Q2"])
        case .year: #expect(labels.prefix(2) == ["2025", "2026"])
        case .day: #expect(labels.prefix(3) == ["2025-11-20", "2025-11-21", "2025-11-22"])
        }
    }

    /// America/Santiago moves its clocks at midnight: on 2026-09-06 local 00:00 does not
    /// exist, and the day starts at the instant the gap is read at (00:00 -04:00 = 04:00Z).
    @Test func midnightInsideADSTGap() {
        let santiago = zone("America/Santiago")
        let day = Periods.period(containing: utc(2026, 9, 6, 4), kind: .day, zone: santiago)
        #expect(day.label == "2026-09-06")
        #expect(day.start == utc(2026, 9, 6, 4))
        #expect(day.end == utc(2026, 9, 7, 3))
        #expect(Periods.period(containing: utc(2026, 9, 6, 4) - 1, kind: .day, zone: santiago).label == "2026-09-05")
        // 2026-04-04 has 25 hours: clocks fall back from 24:00 -03:00 to 23:00 -04:00.
        let longDay = Periods.period(containing: utc(2026, 4, 4, 12), kind: .day, zone: santiago)
        #expect(longDay.start == utc(2026, 4, 4, 3))
        #expect(longDay.end == utc(2026, 4, 5, 4))
    }

    /// Every instant lies in the period found for it, in zones with and without DST.
    @Test(arguments: ["Europe/Stockholm", "America/New_York", "Australia/Lord_Howe", "America/Santiago", "Pacific/Apia", "UTC"])
    func containingPeriodHoldsTheInstant(zoneName: String) {
        let rules = zone(zoneName)
        var random = SeededGenerator(seed: 7)
        let transitions = rules.transitions(from: utc(2005, 1, 1), to: utc(2030, 1, 1))
        for trial in 0..<400 {
            let instant = trial % 2 == 0 && !transitions.isEmpty
                ? transitions.randomElement(using: &random)! + Int64.random(in: -90...90, using: &random) * minute
                : utc(2005, 1, 1) + Int64.random(in: 0 ..< 25 * 365 * 24 * 60, using: &random) * minute
            for kind in PeriodKind.allCases {
                let period = Periods.period(containing: instant, kind: kind, zone: rules)
                #expect(period.start <= instant && instant < period.end, "\(zoneName) \(kind) \(CivilTime.formatUTC(instant))")
            }
        }
    }
}
