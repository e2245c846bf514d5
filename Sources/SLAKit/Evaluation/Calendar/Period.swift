/// One goal period (SPEC 6.4) in a time zone: a day, an ISO week (Monday first), a month, a
/// quarter (January, April, July, October) or a year, bounded by local midnights.
public struct Period: Hashable, Sendable {
    public var kind: PeriodKind
    /// A consecutive ordinal of periods of this kind (the next period is `index + 1`),
    /// comparable across years: days since 1970-01-01, weeks since the week of 1970-01-05,
    /// `year × 12 + month - 1`, `year × 4 + quarter - 1`, or the year.
    public var index: Int64
    /// Instant (milliseconds since the epoch) of the period's first local midnight.
    public var start: Int64
    /// Exclusive end: the instant of the next period's start.
    public var end: Int64
    /// SPEC 7.1: `2026-03-02`, `2026-W10` (ISO week-numbering year), `2026-03`, `2026-Q1`, `2026`.
    public var label: String

    /// Whether no instant belongs to the period: a local day the time zone skipped (Samoa's
    /// 2011-12-30, when it moved west of the date line). Such a day is no period to report.
    public var isSkipped: Bool { end <= start }

    public init(kind: PeriodKind, index: Int64, start: Int64, end: Int64, label: String) {
        self.kind = kind
        self.index = index
        self.start = start
        self.end = end
        self.label = label
    }
}

/// Periods of a time zone. A boundary is a local midnight converted to an instant as in
/// SPEC 5 (in a DST gap with the offset before it), so a period is the set of instants from
/// its start up to the next period's start.
public enum Periods {
    /// A Monday (1970-01-05): week 0 starts there.
    private static let referenceMonday: Int64 = 4

    /// The period of `kind` that contains `instant` in `zone`.
    public static func period(containing instant: Int64, kind: PeriodKind, zone: ZoneRules) -> Period {
        let day = CivilTime.floorDivide(zone.local(instant), CivilTime.millisecondsPerDay)
        var period = period(index: index(ofDay: day, kind: kind), kind: kind, zone: zone)
        // The boundaries decide: when a DST gap holds a local midnight, the instants just
        // after the gap carry the new date's local time but precede its converted midnight.
        for _ in 0..<3 {
            if instant < period.start {
                period = self.period(index: period.index - 1, kind: kind, zone: zone)
            } else if instant >= period.end {
                period = self.period(index: period.index + 1, kind: kind, zone: zone)
            } else {
                break
            }
        }
        return period
    }

    /// The ordinal and bounds of the period of `kind` holding `instant`, without building
    /// its label (the per-item fast path of goal aggregation). Same boundaries as
    /// `period(containing:kind:zone:)`.
    public static func bounds(containing instant: Int64, kind: PeriodKind, zone: ZoneRules) -> (index: Int64, start: Int64, end: Int64) {
        func bounds(_ index: Int64) -> (index: Int64, start: Int64, end: Int64) {
            (index, zone.instant(fromLocal: firstDay(ofIndex: index, kind: kind) * CivilTime.millisecondsPerDay),
             zone.instant(fromLocal: firstDay(ofIndex: index + 1, kind: kind) * CivilTime.millisecondsPerDay))
        }
        let day = CivilTime.floorDivide(zone.local(instant), CivilTime.millisecondsPerDay)
        var result = bounds(index(ofDay: day, kind: kind))
        for _ in 0..<3 {
            if instant < result.start {
                result = bounds(result.index - 1)
            } else if instant >= result.end {
                result = bounds(result.index + 1)
            } else {
                break
            }
        }
        return result
    }

    /// The period of `kind` with ordinal `index` in `zone`.
    public static func period(index: Int64, kind: PeriodKind, zone: ZoneRules) -> Period {
        let firstDay = firstDay(ofIndex: index, kind: kind)
        let nextFirstDay = self.firstDay(ofIndex: index + 1, kind: kind)
        return Period(
            kind: kind,
            index: index,
            start: zone.instant(fromLocal: firstDay * CivilTime.millisecondsPerDay),
            end: zone.instant(fromLocal: nextFirstDay * CivilTime.millisecondsPerDay),
            label: label(firstDay: firstDay, kind: kind))
    }

    /// The ordinal of the period of `kind` holding a local date (`CivilTime.days`).
    static func index(ofDay day: Int64, kind: PeriodKind) -> Int64 {
        switch kind {
        case .day:
            return day
        case .week:
            return CivilTime.floorDivide(day - referenceMonday, 7)
        case .month, .quarter, .year:
            let (year, month, _) = CivilTime.date(fromDays: day)
            switch kind {
            case .month: return Int64(year) * 12 + Int64(month - 1)
            case .quarter: return Int64(year) * 4 + Int64((month - 1) / 3)
            default: return Int64(year)
            }
        }
    }

    /// The first local date of the period of `kind` with ordinal `index`.
    static func firstDay(ofIndex index: Int64, kind: PeriodKind) -> Int64 {
        switch kind {
        case .day:
            return index
        case .week:
            return referenceMonday + index * 7
        case .month:
            let year = CivilTime.floorDivide(index, 12)
            return CivilTime.days(year: Int(year), month: Int(index - year * 12) + 1, day: 1)
        case .quarter:
            let year = CivilTime.floorDivide(index, 4)
            return CivilTime.days(year: Int(year), month: Int(index - year * 4) * 3 + 1, day: 1)
        case .year:
            return CivilTime.days(year: Int(index), month: 1, day: 1)
        }
    }

    /// SPEC 7.1 label of the period starting on a local date.
    static func label(firstDay: Int64, kind: PeriodKind) -> String {
        let (year, month, day) = CivilTime.date(fromDays: firstDay)
        switch kind {
        case .day:
            return CivilTime.pad(year, 4) + "-" + CivilTime.pad(month, 2) + "-" + CivilTime.pad(day, 2)
        case .week:
            // ISO 8601: a week belongs to the year of its Thursday, and week 1 is the week
            // holding that year's first Thursday.
            let thursday = firstDay + 3
            let weekYear = CivilTime.date(fromDays: thursday).year
            let week = (thursday - CivilTime.days(year: weekYear, month: 1, day: 1)) / 7 + 1
            return CivilTime.pad(weekYear, 4) + "-W" + CivilTime.pad(Int(week), 2)
        case .month:
            return CivilTime.pad(year, 4) + "-" + CivilTime.pad(month, 2)
        case .quarter:
            return CivilTime.pad(year, 4) + "-Q" + String((month - 1) / 3 + 1)
        case .year:
            return CivilTime.pad(year, 4)
        }
    }
}
