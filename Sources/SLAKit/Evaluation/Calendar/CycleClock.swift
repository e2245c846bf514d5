/// An interval during which a deadline cycle is paused (`paused while`): `[from, to)` in
/// milliseconds since the epoch; `to == nil` means still paused at the end of what is known.
public struct PauseInterval: Hashable, Sendable {
    public var from: Int64
    public var to: Int64?
    public init(from: Int64, to: Int64?) {
        self.from = from
        self.to = to
    }
}

/// The counted time of a deadline cycle (SPEC 6.3): from its start, excluding paused
/// intervals, and with a calendar only that calendar's working time. Milliseconds throughout.
public enum CycleClock {
    /// Counted milliseconds in `[start, end)`.
    /// - Parameter pauses: ascending, disjoint intervals inside `[start, end)` (parts outside
    ///   are ignored); `to == nil` means paused up to `end`.
    public static func elapsed(start: Int64, end: Int64, pauses: [PauseInterval], calendar: WorkCalendar?) -> Int64 {
        guard end > start else { return 0 }
        var total: Int64 = 0
        var cursor = start
        for pause in pauses {
            let pauseStart = min(max(pause.from, cursor), end)
            let pauseEnd = min(pause.to ?? end, end)
            if pauseStart > cursor { total += countedTime(from: cursor, to: pauseStart, calendar: calendar) }
            cursor = max(cursor, pauseEnd)
            if cursor >= end { return total }
        }
        return total + countedTime(from: cursor, to: end, calendar: calendar)
    }

    /// The cycle's `due` (SPEC 6.3): the earliest instant at which the counted time equals
    /// `budget`; `start` for a budget of 0.
    ///
    /// Pauses are known up to `horizon` (the cycle's stop, or the as-of time for an open
    /// cycle); after it the cycle is assumed to stay paused when `pausedAtHorizon`, and to
    /// stay running otherwise.
    /// - Parameter pauses: ascending, disjoint intervals from `start` on; `to == nil` means
    ///   paused up to the horizon.
    /// - Returns: nil when the budget is not reached by the horizon and the cycle stays
    ///   paused, when the calendar has no working time left, or when the instant would lie
    ///   after 9999-12-31T23:59:59.999Z (not representable in the output).
    public static func due(start: Int64, budget: Int64, pauses: [PauseInterval], horizon: Int64,
                           pausedAtHorizon: Bool, calendar: WorkCalendar?) -> Int64? {
        if budget <= 0 { return start }
        let horizon = max(horizon, start)
        var remaining = budget
        var cursor = start
        // The running stretches known up to the horizon, in order.
        for pause in pauses {
            let pauseStart = min(max(pause.from, cursor), horizon)
            let pauseEnd = min(pause.to ?? horizon, horizon)
            if pauseStart > cursor {
                let available = countedTime(from: cursor, to: pauseStart, calendar: calendar)
                if available >= remaining { return advance(cursor, by: remaining, calendar: calendar) }
                remaining -= available
            }
            cursor = max(cursor, pauseEnd)
        }
        if pausedAtHorizon {
            // Running from the last pause up to the horizon, then paused for good.
            guard cursor < horizon else { return nil }
            let available = countedTime(from: cursor, to: horizon, calendar: calendar)
            return available >= remaining ? advance(cursor, by: remaining, calendar: calendar) : nil
        }
        // Running from the last pause on, beyond the horizon.
        return advance(cursor, by: remaining, calendar: calendar)
    }

    /// Counted milliseconds in `[from, to)` of a running cycle.
    private static func countedTime(from: Int64, to: Int64, calendar: WorkCalendar?) -> Int64 {
        guard to > from else { return 0 }
        return calendar?.workingTime(from: from, to: to) ?? (to - from)
    }

    /// The earliest instant at which a running cycle has counted `amount` more milliseconds
    /// than at `from`.
    private static func advance(_ from: Int64, by amount: Int64, calendar: WorkCalendar?) -> Int64? {
        let result: Int64?
        if let calendar {
            result = calendar.instant(from: from, addingWorkingTime: amount)
        } else {
            let (sum, overflow) = from.addingReportingOverflow(amount)
            result = overflow ? nil : sum
        }
        guard let result, result <= CivilTime.maximumInstant else { return nil }
        return result
    }
}
