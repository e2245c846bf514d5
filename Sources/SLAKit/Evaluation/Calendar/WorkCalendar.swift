/// A working range of one weekday: seconds since local midnight, `start < end <= 86_400`
/// (`86_400` is `24:00`, the end of the day).
public struct WorkingRange: Hashable, Sendable {
    public var start: Int
    public var end: Int
    public init(start: Int, end: Int) {
        self.start = start
        self.end = end
    }
}

/// A half-open interval `[start, end)` of instants, milliseconds since the epoch.
struct InstantInterval: Hashable, Sendable {
    var start: Int64
    var end: Int64
}

/// The working time of a `calendar` declaration (SPEC 6.3): weekly working ranges read as
/// wall-clock times in the calendar's zone, minus whole-day holidays.
///
/// The working time is a set of instants: each range of each local date becomes the
/// interval `[instant(fromLocal: start), instant(fromLocal: end))` (empty when the converted
/// end is not after the converted start), and an instant covered by two ranges counts once
/// (on a spring-forward day a range ending inside the DST gap can reach past the start of
/// the next range). Such an instant belongs to the earlier local date. Dates outside years
/// 1-9999 have no working time.
///
/// All instants and amounts are milliseconds. Queries never walk minute by minute: whole
/// weeks are counted arithmetically, holidays are subtracted with binary searches over a
/// sorted array, and only the few dates next to a UTC-offset change are converted one by
/// one. A query over a span costs O(log holidays + offset changes in the span) plus a
/// constant number of dates; `instant(from:addingWorkingTime:)` and the business-day search
/// add O(log span) whole-span counts.
public final class WorkCalendar: Sendable {
    public let zone: ZoneRules
    /// `weekly[0]` is Monday … `weekly[6]` Sunday.
    public let weekly: [[WorkingRange]]
    /// Local dates (`CivilTime.days`) without working time.
    public let holidays: Set<Int64>

    /// Each weekday's ranges sorted and merged where they overlap or touch, as seconds since
    /// local midnight: what a date far from offset changes works (`fixedOffsetWork`).
    private let mergedWeekly: [[WorkingRange]]
    /// Working milliseconds of a date whose ranges are not moved by an offset change, per
    /// weekday (Monday = 0).
    private let nominalWork: [Int64]
    /// `nominalWorkBefore[w]`: nominal working milliseconds of the weekdays before `w` in an
    /// ISO week; `nominalWorkBefore[7]` is the whole week's.
    private let nominalWorkBefore: [Int64]
    /// As `nominalWorkBefore`, counting weekdays that have working time.
    private let workingWeekdaysBefore: [Int64]
    /// Holidays on weekdays that have working time (the others change nothing), ascending.
    private let workingHolidays: [Int64]
    /// `holidayWorkBefore[i]`: nominal working milliseconds of `workingHolidays[0 ..< i]`.
    private let holidayWorkBefore: [Int64]

    /// First and last local dates that can have working time: 0001-01-01 and 9999-12-31.
    static let firstDay = CivilTime.days(year: 1, month: 1, day: 1)
    static let lastDay = CivilTime.days(year: 9999, month: 12, day: 31)
    /// A Monday (1970-01-05), the origin of the whole-week arithmetic.
    private static let referenceMonday: Int64 = 4
    private static let day = CivilTime.millisecondsPerDay
    /// Instants before `lowestInstant` or after `highestInstant` are far (more than a day,
    /// whatever the offset) from any working time; queries clamp to them so that day
    /// arithmetic never overflows.
    private static let lowestInstant = (firstDay - 2) * day
    private static let highestInstant = (lastDay + 3) * day
    /// Dates walked before a date of interest so that instants claimed by earlier dates are
    /// known (UTC offsets differ by less than two days, so three dates back suffice).
    fileprivate static let warmUpDays: Int64 = 3

    /// - Parameters:
    ///   - weekly: seven lists of ranges, Monday first; each sorted and non-overlapping
    ///     (ranges may touch).
    ///   - holidays: local dates (`CivilTime.days`) without working time.
    public init(zone: ZoneRules, weekly: [[WorkingRange]], holidays: Set<Int64>) {
        precondition(weekly.count == 7, "a week has seven days")
        self.zone = zone
        self.weekly = weekly
        self.holidays = holidays
        // The union of the local ranges, in case the caller passed overlapping ones.
        mergedWeekly = weekly.map { ranges in
            var merged: [WorkingRange] = []
            for range in ranges.sorted(by: { $0.start < $1.start }) where range.end > range.start {
                if let last = merged.last, range.start <= last.end {
                    merged[merged.count - 1].end = max(last.end, range.end)
                } else {
                    merged.append(range)
                }
            }
            return merged
        }
        let nominal: [Int64] = mergedWeekly.map { ranges in
            ranges.reduce(0) { $0 + Int64($1.end - $1.start) * CivilTime.millisecondsPerSecond }
        }
        nominalWork = nominal
        var workBefore: [Int64] = [0]
        var daysBefore: [Int64] = [0]
        for weekday in 0..<7 {
            workBefore.append(workBefore[weekday] + nominal[weekday])
            daysBefore.append(daysBefore[weekday] + (nominal[weekday] > 0 ? 1 : 0))
        }
        nominalWorkBefore = workBefore
        workingWeekdaysBefore = daysBefore
        let relevant = holidays.filter { nominal[CivilTime.weekdayIndex(fromDays: $0)] > 0 }.sorted()
        workingHolidays = relevant
        var holidayBefore: [Int64] = [0]
        holidayBefore.reserveCapacity(relevant.count + 1)
        for holiday in relevant {
            holidayBefore.append(holidayBefore[holidayBefore.count - 1] + nominal[CivilTime.weekdayIndex(fromDays: holiday)])
        }
        holidayWorkBefore = holidayBefore
    }

    // MARK: - Public queries

    /// Working milliseconds inside `[from, to)`; 0 when `to <= from`.
    public func workingTime(from: Int64, to: Int64) -> Int64 {
        let from = max(from, Self.lowestInstant)
        let to = min(to, Self.highestInstant)
        guard to > from else { return 0 }
        let (fromDay, fromOffset) = localDayAndOffset(of: from)
        let (toDay, toOffset) = localDayAndOffset(of: to)
        // Dates at least `warmUpDays + 1` away from both ends lie wholly inside the span and
        // are summed arithmetically; the dates around each end are converted one by one.
        let margin = Self.warmUpDays
        // Far from offset changes, each date's ranges stay within the date (as instants), so
        // only the two end dates count, each read at its one offset (the common case: 2
        // dates, not 4 + 4 · margin).
        if !nearOffsetChange(fromDay), toDay == fromDay || !nearOffsetChange(toDay) {
            let first = fixedOffsetWork(day: fromDay, offset: fromOffset, from: from, to: to)
            guard toDay > fromDay else { return first }
            return first + workOfDays(fromDay + 1, toDay) + fixedOffsetWork(day: toDay, offset: toOffset, from: from, to: to)
        }
        if toDay - fromDay <= 2 * margin + 1 {
            return exactWorkingTime(days: fromDay - margin ... toDay + margin, from: from, to: to)
        }
        return exactWorkingTime(days: fromDay - margin ... fromDay + margin, from: from, to: to)
            + workOfDays(fromDay + margin + 1, toDay - margin)
            + exactWorkingTime(days: toDay - margin ... toDay + margin, from: from, to: to)
    }

    /// The earliest instant `t >= from` with `workingTime(from: from, to: t) == amount`:
    /// `from` itself for an amount of 0 (or less), and the end of a working range when the
    /// amount is reached exactly there. nil when the calendar has no working time left
    /// (working time ends with 9999-12-31).
    public func instant(from: Int64, addingWorkingTime amount: Int64) -> Int64? {
        if amount <= 0 { return from }
        // A week without working time (SPEC makes it an error) would make the walk below long.
        if from > Self.highestInstant || nominalWorkBefore[7] == 0 { return nil }
        let from = max(from, Self.lowestInstant)
        let (fromDay, fromOffset) = localDayAndOffset(of: from)
        let margin = Self.warmUpDays
        // Far from offset changes the dates' ranges are read at one offset and stay within
        // their dates: a budget reached within a few dates (hours, a day or two) is found
        // by walking them directly.
        let quickDays: Int64 = 8
        if !zone.hasTransition(from: (fromDay - margin - 1) * Self.day, to: (fromDay + quickDays + margin + 1) * Self.day) {
            var remaining = amount
            for day in fromDay ..< fromDay + quickDays {
                for interval in fixedOffsetIntervals(day: day, offset: fromOffset) where interval.end > from {
                    let start = max(interval.start, from)
                    if remaining <= interval.end - start { return start + remaining }
                    remaining -= interval.end - start
                }
            }
        }
        var remaining = amount

        // The dates around `from`, one by one.
        var walker = DayWalker(calendar: self, firstDay: fromDay - margin)
        while walker.day <= fromDay + margin {
            for interval in walker.next() where interval.end > from {
                let start = max(interval.start, from)
                if remaining <= interval.end - start { return start + remaining }
                remaining -= interval.end - start
            }
        }

        // Whole weeks arithmetically: jump while the jumped span has less working time than
        // is still needed (holidays and offset changes make a week's working time vary, so
        // the jump is checked and halved when too long).
        var day = fromDay + margin + 1
        let weekWork = nominalWorkBefore[7]
        if weekWork > 0 {
            var weeks = remaining / weekWork
            while weeks > 0 {
                let weeksLeft = (Self.lastDay + 1 - day) / 7
                if weeksLeft <= 0 { break }
                weeks = min(weeks, weeksLeft)
                let work = workOfDays(day, day + 7 * weeks)
                if work < remaining {
                    day += 7 * weeks
                    remaining -= work
                    weeks = remaining / weekWork
                } else {
                    weeks /= 2
                }
            }
        }

        // Less than about a week's working time is left: walk the dates.
        walker = DayWalker(calendar: self, firstDay: day)
        while walker.day <= Self.lastDay {
            for interval in walker.next() where interval.end > from {
                let start = max(interval.start, from)
                if remaining <= interval.end - start { return start + remaining }
                remaining -= interval.end - start
            }
        }
        return nil
    }

    /// The first working moment at or after `instant`, nil if there is none.
    public func nextWorkingMoment(atOrAfter instant: Int64) -> Int64? {
        if instant > Self.highestInstant || nominalWorkBefore[7] == 0 { return nil }
        let instant = max(instant, Self.lowestInstant)
        // The walk passes at most a week plus the holidays in a row.
        var walker = DayWalker(calendar: self, firstDay: localDay(of: instant) - Self.warmUpDays)
        while walker.day <= Self.lastDay {
            if let interval = walker.next().first(where: { $0.end > instant }) {
                return max(interval.start, instant)
            }
        }
        return nil
    }

    /// The budget in milliseconds of `within N bd of CALENDAR` for a cycle starting at
    /// `start` (SPEC 6.3 "Business days"): with `s` the first working moment at or after
    /// `start`, `D0` its local date, `o` the working time of `D0` before `s` and `D1 … DN`
    /// the next `N` dates with working time, the working time of `D0` from `s`, plus that of
    /// `D1 … D(N-1)`, plus `min(o, working time of DN)`.
    ///
    /// When the calendar has no working time at or after `start`, 0; when fewer than N
    /// working dates remain before year 10000, all the working time left.
    public func businessDayBudget(start: Int64, days: Int) -> Int64 {
        guard days >= 1, let moment = nextWorkingMoment(atOrAfter: start) else { return 0 }
        let firstDay = localDay(of: moment)
        var before: Int64 = 0
        var after: Int64 = 0
        for interval in intervals(ofDay: firstDay) {
            if interval.end <= moment {
                before += interval.end - interval.start
            } else if interval.start >= moment {
                after += interval.end - interval.start
            } else {
                before += moment - interval.start
                after += interval.end - moment
            }
        }
        guard let lastDay = workingDay(after: firstDay, ordinal: Int64(days)) else {
            return after + workOfDays(firstDay + 1, Self.lastDay + 1)
        }
        // The dates strictly between D0 and DN are D1 … D(N-1) and dates without working time.
        let middle = workOfDays(firstDay + 1, lastDay)
        let lastDayWork = intervals(ofDay: lastDay).reduce(0) { $0 + $1.end - $1.start }
        return after + middle + min(before, lastDayWork)
    }

    // MARK: - Dates

    /// The local date (`CivilTime.days`) of an instant in the calendar's zone.
    func localDay(of instant: Int64) -> Int64 {
        localDayAndOffset(of: instant).day
    }

    /// The local date of an instant and the UTC offset in force there (seconds east).
    private func localDayAndOffset(of instant: Int64) -> (day: Int64, offset: Int) {
        let offset = zone.offsetSeconds(at: instant)
        return (CivilTime.floorDivide(instant + Int64(offset) * CivilTime.millisecondsPerSecond, Self.day), offset)
    }

    /// The working intervals of one local date, ascending and disjoint, without the instants
    /// an earlier date already covers.
    func intervals(ofDay day: Int64) -> [InstantInterval] {
        var walker = DayWalker(calendar: self, firstDay: day)
        return walker.next()
    }

    /// The intervals of one local date's ranges, converted to instants, sorted and merged;
    /// empty for holidays and dates outside years 1-9999.
    fileprivate func convertedIntervals(ofDay day: Int64, into result: inout [InstantInterval]) {
        result.removeAll(keepingCapacity: true)
        guard day >= Self.firstDay, day <= Self.lastDay, !holidays.contains(day) else { return }
        let midnight = day * Self.day
        var sorted = true
        for range in weekly[CivilTime.weekdayIndex(fromDays: day)] {
            let start = zone.instant(fromLocal: midnight + Int64(range.start) * CivilTime.millisecondsPerSecond)
            let end = zone.instant(fromLocal: midnight + Int64(range.end) * CivilTime.millisecondsPerSecond)
            // SPEC 6.3: a range whose converted end is not after its start is empty.
            guard end > start else { continue }
            if let last = result.last, start < last.start { sorted = false }
            result.append(InstantInterval(start: start, end: end))
        }
        // A date the zone skipped (Samoa's 2011-12-30, crossing the date line) has no working
        // time: its ranges, converted with the offset before the gap, would be the next
        // date's instants, and take them from it.
        if !result.isEmpty, zone.skips(day: day) {
            result.removeAll(keepingCapacity: true)
            return
        }
        if !sorted { result.sort { $0.start < $1.start } }
        // A range ending in a DST gap can overlap the next one: merge (rare, so in place).
        var merged = 0
        for index in result.indices {
            if merged > 0, result[index].start <= result[merged - 1].end {
                result[merged - 1].end = max(result[merged - 1].end, result[index].end)
            } else {
                result[merged] = result[index]
                merged += 1
            }
        }
        result.removeLast(result.count - merged)
    }

    /// Working milliseconds of this calendar's local dates in `[firstDay, endDay)`, each
    /// date wholly.
    func workOfDays(_ firstDay: Int64, _ endDay: Int64) -> Int64 {
        let first = max(firstDay, Self.firstDay)
        let end = min(endDay, Self.lastDay + 1)
        guard end > first else { return 0 }
        let nominal = Self.cumulative(nominalWorkBefore, end) - Self.cumulative(nominalWorkBefore, first)
        let holidayWork = holidayWorkBefore[Self.lowerBound(workingHolidays, end)]
            - holidayWorkBefore[Self.lowerBound(workingHolidays, first)]
        return nominal - holidayWork + offsetChangeCorrections(first, end).work
    }

    /// The number of local dates with working time in `[firstDay, endDay)`.
    func workingDayCount(_ firstDay: Int64, _ endDay: Int64) -> Int64 {
        let first = max(firstDay, Self.firstDay)
        let end = min(endDay, Self.lastDay + 1)
        guard end > first else { return 0 }
        let nominal = Self.cumulative(workingWeekdaysBefore, end) - Self.cumulative(workingWeekdaysBefore, first)
        let holidayCount = Int64(Self.lowerBound(workingHolidays, end) - Self.lowerBound(workingHolidays, first))
        return nominal - holidayCount + offsetChangeCorrections(first, end).workingDays
    }

    /// The `ordinal`-th local date after `day` that has working time (1: the next one), nil
    /// when there are not that many before year 10000.
    func workingDay(after day: Int64, ordinal: Int64) -> Int64? {
        let workingWeekdays = workingWeekdaysBefore[7]
        let first = max(day + 1, Self.firstDay)
        let limit = Self.lastDay + 1
        // More working dates than dates left (this also keeps the arithmetic below in range).
        guard ordinal >= 1, workingWeekdays > 0, ordinal <= limit - first else { return nil }
        // Find an end date with enough working dates before it, then bisect for the least.
        var low = first // workingDayCount(first, low) < ordinal
        var high = min(first + (ordinal / workingWeekdays + 1) * 7, limit)
        var step = high - first
        while workingDayCount(first, high) < ordinal {
            if high >= limit { return nil }
            low = high
            step *= 2
            high = min(high + step, limit)
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if workingDayCount(first, middle) >= ordinal { high = middle } else { low = middle }
        }
        return high - 1
    }

    /// Working time and working-date count to add to the nominal whole-week figures of the
    /// dates `[firstDay, endDay)` because a UTC-offset change moves their ranges.
    private func offsetChangeCorrections(_ firstDay: Int64, _ endDay: Int64) -> (work: Int64, workingDays: Int64) {
        var work: Int64 = 0
        var workingDays: Int64 = 0
        for run in affectedDayRuns(firstDay, endDay) {
            // No date before a run reaches into it (see `affectedDayRuns`): no warm-up.
            var walker = DayWalker(calendar: self, firstDay: run.lowerBound, warmUp: false)
            while walker.day <= run.upperBound {
                let day = walker.day
                let intervals = walker.next()
                // Holidays and dates outside the calendar's years are already nominally 0.
                guard day >= firstDay, day < endDay, !holidays.contains(day) else { continue }
                let exact = intervals.reduce(0) { $0 + $1.end - $1.start }
                let nominal = nominalWork[CivilTime.weekdayIndex(fromDays: day)]
                work += exact - nominal
                workingDays += (exact > 0 ? 1 : 0) - (nominal > 0 ? 1 : 0)
            }
        }
        return (work, workingDays)
    }

    /// Runs of consecutive local dates whose working intervals an offset change may move
    /// away from the nominal ones, for the changes near `[firstDay, endDay)`.
    ///
    /// For a change at instant X from offset `before` to `after`, the local times between
    /// X + min(before, after) and X + max(before, after) are in the gap or the repeated
    /// interval. Dates before the first of those dates are read at `before` and end no later
    /// than the run's first midnight, so a run starts without looking back. A range ending in
    /// a gap can reach past the next midnight, so the run ends one date after the last one.
    private func affectedDayRuns(_ firstDay: Int64, _ endDay: Int64) -> [ClosedRange<Int64>] {
        // Offsets are within a day of UTC: changes more than three days away cannot matter.
        let changes = zone.transitions(from: (firstDay - 3) * Self.day, to: (endDay + 3) * Self.day)
        var runs: [ClosedRange<Int64>] = []
        for change in changes {
            let before = Int64(zone.offsetSeconds(at: change - 1)) * CivilTime.millisecondsPerSecond
            let after = Int64(zone.offsetSeconds(at: change)) * CivilTime.millisecondsPerSecond
            let low = CivilTime.floorDivide(change + min(before, after), Self.day)
            let high = CivilTime.floorDivide(change + max(before, after), Self.day) + 1
            guard high >= firstDay, low < endDay else { continue }
            if let last = runs.last, low <= last.upperBound + 1 {
                runs[runs.count - 1] = last.lowerBound ... max(last.upperBound, high)
            } else {
                runs.append(low ... high)
            }
        }
        return runs
    }

    /// Whether an offset change falls within `warmUpDays` dates (and a day's slack) of local
    /// date `day`: only then can a date's ranges reach into a neighbouring date.
    private func nearOffsetChange(_ day: Int64) -> Bool {
        let margin = Self.warmUpDays + 1
        return zone.hasTransition(from: (day - margin) * Self.day, to: (day + margin + 1) * Self.day)
    }

    /// Working milliseconds inside `[from, to)` of one date's ranges read at `offset`
    /// (seconds east of UTC): exact for a date away from offset changes (see
    /// `nearOffsetChange`), whose ranges convert at the one offset in force around it.
    private func fixedOffsetWork(day: Int64, offset: Int, from: Int64, to: Int64) -> Int64 {
        Self.overlap(of: fixedOffsetIntervals(day: day, offset: offset), from: from, to: to)
    }

    /// The working intervals of local date `day`, its merged ranges read at `offset`
    /// (seconds east of UTC), ascending; none for a holiday or a date outside years 1-9999.
    /// Exact for a date away from offset changes (see `fixedOffsetWork`).
    private func fixedOffsetIntervals(day: Int64, offset: Int) -> LazyMapSequence<[WorkingRange], InstantInterval> {
        let midnight = day * Self.day - Int64(offset) * CivilTime.millisecondsPerSecond
        return (isWorkingDate(day) ? mergedWeekly[CivilTime.weekdayIndex(fromDays: day)] : []).lazy.map { range in
            InstantInterval(start: midnight + Int64(range.start) * CivilTime.millisecondsPerSecond,
                            end: midnight + Int64(range.end) * CivilTime.millisecondsPerSecond)
        }
    }

    /// Whether local date `day` is in years 1-9999 and not a holiday on a weekday with
    /// working time (holidays on other weekdays change nothing).
    @inline(__always)
    private func isWorkingDate(_ day: Int64) -> Bool {
        guard day >= Self.firstDay, day <= Self.lastDay else { return false }
        let index = Self.lowerBound(workingHolidays, day)
        return index == workingHolidays.count || workingHolidays[index] != day
    }

    /// Milliseconds of `intervals` inside `[from, to)`.
    private static func overlap<Intervals: Sequence<InstantInterval>>(of intervals: Intervals, from: Int64, to: Int64) -> Int64 {
        var total: Int64 = 0
        for interval in intervals {
            let start = max(interval.start, from)
            let end = min(interval.end, to)
            if end > start { total += end - start }
        }
        return total
    }

    /// Working milliseconds inside `[from, to)` of the given dates, converted one by one.
    private func exactWorkingTime(days: ClosedRange<Int64>, from: Int64, to: Int64) -> Int64 {
        var total: Int64 = 0
        var walker = DayWalker(calendar: self, firstDay: days.lowerBound)
        while walker.day <= days.upperBound {
            total += Self.overlap(of: walker.next(), from: from, to: to)
        }
        return total
    }

    /// `table[w]`-based sum over all dates before `day`, counted from the reference Monday.
    private static func cumulative(_ table: [Int64], _ day: Int64) -> Int64 {
        let weeks = CivilTime.floorDivide(day - referenceMonday, 7)
        return weeks * table[7] + table[Int(day - referenceMonday - weeks * 7)]
    }

    /// The number of elements of an ascending array below `value`.
    private static func lowerBound(_ sorted: [Int64], _ value: Int64) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) >> 1
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// Walks local dates forward, yielding each date's working intervals as instants, ascending
/// and disjoint across dates: an instant an earlier date's range already covers is removed
/// from later dates. It starts `WorkCalendar.warmUpDays` dates early to learn which instants
/// earlier dates cover.
private struct DayWalker {
    let calendar: WorkCalendar
    /// The date the next call to `next()` yields.
    private(set) var day: Int64
    /// The latest end of the intervals yielded so far.
    private var covered: Int64 = .min
    private var buffer: [InstantInterval] = []

    /// - Parameter warmUp: false only where no earlier date can reach into `firstDay`.
    init(calendar: WorkCalendar, firstDay: Int64, warmUp: Bool = true) {
        self.calendar = calendar
        self.day = warmUp ? firstDay - WorkCalendar.warmUpDays : firstDay
        buffer.reserveCapacity(4)
        while day < firstDay { _ = next() }
    }

    /// The working intervals of `day`; then moves on to the following date.
    mutating func next() -> [InstantInterval] {
        calendar.convertedIntervals(ofDay: day, into: &buffer)
        day += 1
        var kept = 0
        for index in buffer.indices {
            let start = max(buffer[index].start, covered)
            let end = buffer[index].end
            covered = max(covered, end)
            if end > start {
                buffer[kept] = InstantInterval(start: start, end: end)
                kept += 1
            }
        }
        buffer.removeLast(buffer.count - kept)
        return buffer
    }
}
