extension Checker {
    /// Checks a calendar's days, time ranges and holidays, and builds its weekly table.
    mutating func checkCalendar(_ calendar: CalendarDeclaration, defaultZone: ZoneRules) -> CalendarModel {
        var zone = defaultZone
        if let name = calendar.timezone, let rules = resolveZone(name) { zone = rules }
        var weekly: [[(start: Int, end: Int, range: SourceRange)]] = Array(repeating: [], count: 7)
        var holidays: Set<Int64> = []
        // A range rejected for its own error must not also make the calendar "empty".
        var rejectedRanges = false

        for line in calendar.lines {
            switch line {
            case .holidays(let line):
                for date in line.dates {
                    if CivilTime.isValidDate(year: date.year, month: date.month, day: date.day) {
                        holidays.insert(CivilTime.days(year: date.year, month: date.month, day: date.day))
                    } else {
                        let text = source.text(date.range)
                        report(Catalog.invalidDate(text), at: date.range,
                               help: LiteralDecoder.isCanonicalDate(text) ? nil : "write dates as `YYYY-MM-DD` (`2026-12-24`)")
                    }
                }
            case .hours(let line):
                var days: [Weekday] = []
                for span in line.days {
                    let last = span.last ?? span.first
                    if last < span.first {
                        // The forward spelling of a range across the weekend.
                        let help = "write `\(span.first.name)-sun, \(last == .mon ? "mon" : "mon-\(last.name)")`"
                        report(Catalog.backwardDayRange(source.text(span.range)), at: span.range, help: help)
                        rejectedRanges = true
                        continue
                    }
                    days += Weekday.allCases.filter { $0 >= span.first && $0 <= last }
                }
                for clockRange in line.ranges {
                    let validStart = checkClockTime(clockRange.start, allowsEndOfDay: false)
                    let validEnd = checkClockTime(clockRange.end, allowsEndOfDay: true)
                    guard validStart, validEnd else { rejectedRanges = true; continue }
                    let start = clockRange.start.secondsOfDay, end = clockRange.end.secondsOfDay
                    guard start < end else {
                        let help = start > end ? "an overnight shift is two ranges on two days, up to `24:00` and from `00:00`" : nil
                        report(Catalog.emptyTimeRange(source.text(clockRange.range)), at: clockRange.range, help: help)
                        rejectedRanges = true
                        continue
                    }
                    for day in days {
                        weekly[day.rawValue].append((start, end, clockRange.range))
                    }
                }
            }
        }

        var table: [[(start: Int, end: Int)]] = Array(repeating: [], count: 7)
        // Overlapping pairs of written ranges (by their source offsets), with the weekdays on
        // which they overlap: `mon-fri 08:00-12:00, 11:00-17:00` is one mistake, reported
        // once, not once per weekday.
        var overlaps: [(earlier: SourceRange, later: SourceRange, days: [Weekday])] = []
        // Where each pair stands in `overlaps`: looking pairs up by a scan took time
        // quadratic in the overlaps (minutes for tens of thousands of ranges written).
        var overlapIndex: [OverlapPair: Int] = [:]
        for day in Weekday.allCases {
            let ranges = weekly[day.rawValue].sorted { ($0.start, $0.range.start) < ($1.start, $1.range.start) }
            // The range reaching furthest so far: a range overlaps the day's earlier ranges
            // exactly when it starts before that one ends.
            var furthest: (end: Int, range: SourceRange)?
            for range in ranges {
                defer { if furthest == nil || range.end > furthest!.end { furthest = (range.end, range.range) } }
                // Touching ranges are allowed; an overlap is an error.
                if let furthest, furthest.end > range.start {
                    let pair = OverlapPair(earlier: furthest.range, later: range.range)
                    if let index = overlapIndex[pair] {
                        overlaps[index].days.append(day)
                    } else {
                        overlapIndex[pair] = overlaps.count
                        overlaps.append((furthest.range, range.range, [day]))
                    }
                    continue
                }
                table[day.rawValue].append((range.start, range.end))
            }
        }
        for overlap in overlaps.sorted(by: { $0.later.start < $1.later.start }) {
            report(Catalog.overlappingTimeRanges(Checker.describeDays(overlap.days), source.text(overlap.earlier),
                                                 source.text(overlap.later)),
                   at: overlap.later)
        }
        if table.allSatisfy(\.isEmpty), !rejectedRanges {
            report(Catalog.calendarWithoutWorkingTime(calendar.name.name), at: calendar.name.range)
        }
        return CalendarModel(name: calendar.name.name, zone: zone, weekly: table, holidays: holidays)
    }

    /// Two written time ranges that overlap (`checkCalendar`), by their source ranges.
    struct OverlapPair: Hashable {
        var earlier: SourceRange
        var later: SourceRange
    }

    /// Weekdays in calendar notation, runs of neighbours as spans: `mon-fri`, `mon, wed-thu`.
    static func describeDays(_ days: [Weekday]) -> String {
        var parts: [String] = []
        var index = 0
        while index < days.count {
            var last = index
            while last + 1 < days.count, days[last + 1].rawValue == days[last].rawValue + 1 { last += 1 }
            parts.append(last == index ? days[index].name : "\(days[index].name)-\(days[last].name)")
            index = last + 1
        }
        return parts.joined(separator: ", ")
    }

    /// Checks a clock time: hours 0-23 and minutes 0-59, or `24:00` where `allowsEndOfDay`.
    /// Returns false after reporting an invalid one.
    mutating func checkClockTime(_ time: ClockTime, allowsEndOfDay: Bool) -> Bool {
        // SPEC.md 2: working ranges are `08:00` or `8:00`; seconds are for test timestamps.
        if source.text(time.range).utf8.filter({ $0 == UInt8(ascii: ":") }).count > 1 {
            report(Catalog.invalidClockTime(source.text(time.range)), at: time.range,
                   help: "working time is written in hours and minutes (`08:00`)")
            return false
        }
        let valid = (0...23).contains(time.hour) && (0...59).contains(time.minute) && (0...59).contains(time.second)
        let endOfDay = allowsEndOfDay && time.hour == 24 && time.minute == 0 && time.second == 0
        if valid || endOfDay { return true }
        let text = source.text(time.range)
        if time.hour == 24, time.minute == 0, time.second == 0 {
            report(Catalog.endOfDayAsStart(text), at: time.range, help: "a day starts at `00:00`")
        } else {
            report(Catalog.invalidClockTime(text), at: time.range, help: "hours run from 0 to 23 and minutes from 0 to 59")
        }
        return false
    }
}
