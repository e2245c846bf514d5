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
                        report(Catalog.invalidDate(source.text(date.range)), at: date.range)
                    }
                }
            case .hours(let line):
                var days: [Weekday] = []
                for span in line.days {
                    let last = span.last ?? span.first
                    if last < span.first {
                        report(Catalog.backwardDayRange(source.text(span.range)), at: span.range)
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
                        report(Catalog.emptyTimeRange(source.text(clockRange.range)), at: clockRange.range)
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
        for day in Weekday.allCases {
            let ranges = weekly[day.rawValue].sorted { $0.start < $1.start }
            for (index, range) in ranges.enumerated() {
                // Touching ranges are allowed; any overlap is an error, reported once per pair.
                if index > 0, ranges[index - 1].end > range.start {
                    report(Catalog.overlappingTimeRanges(day.name, source.text(ranges[index - 1].range), source.text(range.range)),
                           at: range.range)
                    continue
                }
                table[day.rawValue].append((range.start, range.end))
            }
        }
        if table.allSatisfy(\.isEmpty), !rejectedRanges {
            report(Catalog.calendarWithoutWorkingTime(calendar.name.name), at: calendar.name.range)
        }
        return CalendarModel(name: calendar.name.name, zone: zone, weekly: table, holidays: holidays)
    }

    /// Checks a clock time: hours 0-23 and minutes 0-59, or `24:00` where `allowsEndOfDay`.
    /// Returns false after reporting an invalid one.
    mutating func checkClockTime(_ time: ClockTime, allowsEndOfDay: Bool) -> Bool {
        let valid = (0...23).contains(time.hour) && (0...59).contains(time.minute) && (0...59).contains(time.second)
        let endOfDay = allowsEndOfDay && time.hour == 24 && time.minute == 0 && time.second == 0
        if valid || endOfDay { return true }
        report(Catalog.invalidClockTime(source.text(time.range)), at: time.range)
        return false
    }
}
