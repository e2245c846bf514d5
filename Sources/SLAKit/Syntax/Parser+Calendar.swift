// Calendars: `calendar NAME [timezone "ZONE"] { LINES }`.

extension SLAParser {
    /// calendar_declaration = "calendar" name [ "timezone" STRING ] "{" { calendar_line } "}"
    mutating func parseCalendar() throws -> CalendarDeclaration {
        let start = advance().range
        let name = try parseName()
        var timezone: StringLiteral?
        if consumeKeyword(.timezone) != nil {
            timezone = try parseString()
        }
        try openBlock()
        let (lines, end) = parseBlockItems(isItemStart: { $0.atCalendarLineStart }) { parser in
            try parser.parseCalendarLine()
        }
        return CalendarDeclaration(name: name, timezone: timezone, lines: lines, range: start.joined(end))
    }

    /// A calendar line starts with `holiday` or with a word on a new line.
    var atCalendarLineStart: Bool {
        isKeyword(.holiday) || (currentStartsLine && current.kind == .identifier)
    }

    /// calendar_line = day_spans clock_ranges | "holiday" DATE { "," DATE }
    mutating func parseCalendarLine() throws -> CalendarLine {
        if let holiday = consumeKeyword(.holiday) {
            var dates = [dateLiteral(try expect(.date, Catalog.Wanted.date))]
            while consume(.comma) != nil {
                dates.append(dateLiteral(try expect(.date, Catalog.Wanted.date)))
            }
            return .holidays(HolidayLine(dates: dates, range: holiday.range.joined(dates[dates.count - 1].range)))
        }
        guard current.kind == .identifier else { throw fail(Catalog.Wanted.calendarLine) }
        let start = current.range
        let days = try parseDaySpans()
        let ranges = try parseClockRanges()
        return .hours(WorkingHoursLine(days: days, ranges: ranges, range: start.joined(previousRange)))
    }

    /// day_spans = day_span { "," day_span }
    ///
    /// Spans naming an unknown weekday are reported (with a did-you-mean) and left out; the
    /// line is still parsed.
    private mutating func parseDaySpans() throws -> [DaySpan] {
        var spans: [DaySpan] = []
        repeat {
            if let span = try parseDaySpan() { spans.append(span) }
        } while consume(.comma) != nil
        return spans
    }

    /// day_span = weekday [ "-" weekday ]
    private mutating func parseDaySpan() throws -> DaySpan? {
        let first = try parseWeekday()
        guard consume(.minus) != nil else {
            return first.day.map { DaySpan(first: $0, last: nil, range: first.range) }
        }
        let last = try parseWeekday()
        guard let firstDay = first.day, let lastDay = last.day else { return nil }
        return DaySpan(first: firstDay, last: lastDay, range: first.range.joined(last.range))
    }

    /// weekday = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun"   (contextual words)
    ///
    /// Returns nil for the day of an unknown (reported) word.
    private mutating func parseWeekday() throws -> (day: Weekday?, range: SourceRange) {
        guard current.kind == .identifier else { throw fail(Catalog.Wanted.weekday) }
        let token = advance()
        let word = text(token)
        if let day = Weekday(name: word) { return (day, token.range) }
        // `Mon` suggests `mon`; otherwise the nearest name (`thr` suggests `thu`), or the same
        // letters swapped (`fir` suggests `fri`, two edits away for the edit distance).
        let lowercased = word.lowercased()
        let names = Weekday.allCases.map(\.name)
        let close = Weekday(name: lowercased)?.name ?? closestName(to: lowercased, among: names)
            ?? names.first { $0.sorted() == lowercased.sorted() }
        report(Catalog.unknownWeekday(word), token.range, help: close.map(Catalog.didYouMean))
        return (nil, token.range)
    }

    /// clock_ranges = clock_range { "," clock_range }
    private mutating func parseClockRanges() throws -> [ClockRange] {
        var ranges = [try parseClockRange()]
        while consume(.comma) != nil { ranges.append(try parseClockRange()) }
        return ranges
    }

    /// clock_range = CLOCK "-" CLOCK
    private mutating func parseClockRange() throws -> ClockRange {
        let start = clockTime(try expect(.clockTime, Catalog.Wanted.clockRange))
        try expect(.minus, Catalog.Wanted.token("-"))
        let end = clockTime(try expect(.clockTime, Catalog.Wanted.clockTime))
        return ClockRange(start: start, end: end, range: start.range.joined(end.range))
    }
}
