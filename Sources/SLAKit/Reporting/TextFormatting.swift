/// Human-readable renderings shared by the text reports.
enum TextFormatting {
    /// A duration in milliseconds as `2h 30m`, `45s`, `3d 4h`, `0s`; negative with `-`.
    /// Without `inDays`, hours are the largest unit (`151h`), for working time.
    static func duration(_ milliseconds: Int64, inDays: Bool = true) -> String {
        if milliseconds < 0 { return "-" + duration(-milliseconds, inDays: inDays) }
        if milliseconds < 1000 { return milliseconds == 0 ? "0s" : "\(milliseconds)ms" }
        var seconds = milliseconds / 1000
        let days = inDays ? seconds / 86_400 : 0
        seconds -= days * 86_400
        let hours = seconds / 3600; seconds %= 3600
        let minutes = seconds / 60; seconds %= 60
        var parts: [String] = []
        if days > 0 { parts.append("\(days)d") }
        if hours > 0 { parts.append("\(hours)h") }
        if minutes > 0, days == 0 { parts.append("\(minutes)m") }
        if seconds > 0, days == 0, hours == 0 { parts.append("\(seconds)s") }
        return parts.joined(separator: " ")
    }

    /// The local wall-clock time of `instant` in `zone`, followed by its UTC offset when the
    /// same local time also names another instant (the hour a clock is set back repeats).
    static func localTime(_ instant: Int64, zone: ZoneRules) -> String {
        let offset = zone.offsetSeconds(at: instant)
        let text = CivilTime.formatLocal(instant + Int64(offset) * 1000)
        // Offsets change at most once a day: another offset in force a day before or after,
        // under which the same wall time is also in force, makes it ambiguous.
        let wall = instant + Int64(offset) * 1000
        for probe in [instant - CivilTime.millisecondsPerDay, instant + CivilTime.millisecondsPerDay] {
            let other = zone.offsetSeconds(at: probe)
            guard other != offset else { continue }
            let twin = wall - Int64(other) * 1000
            if twin != instant, zone.offsetSeconds(at: twin) == other {
                let magnitude = abs(offset)
                let sign = offset < 0 ? "-" : "+"
                let hours = magnitude / 3600, minutes = magnitude / 60 % 60
                return text + " (UTC\(sign)\(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes))"
            }
        }
        return text
    }

    /// A duration with every unit down to the millisecond (`1d 2h 3m 4s 250ms`), for
    /// messages that compare two values: `duration` rounds to its largest units, and
    /// "expected 1d 2h, actual 1d 2h" would hide the difference.
    /// Without `inDays`, hours are the largest unit (`151h 12m`): for working time, where a
    /// "day" would read as a calendar day.
    static func exactDuration(_ milliseconds: Int64, inDays: Bool = true) -> String {
        if milliseconds < 0 { return "-" + exactDuration(-milliseconds, inDays: inDays) }
        if milliseconds == 0 { return "0s" }
        let units: [(Int64, String)] = (inDays ? [(86_400_000, "d")] : []) + [(3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")]
        var rest = milliseconds
        var parts: [String] = []
        for (size, unit) in units where rest >= size {
            parts.append("\(rest / size)\(unit)")
            rest %= size
        }
        return parts.joined(separator: " ")
    }

    /// A goal target as written in the SLA (`99.99%`, `1h 30m 30s`, `59s 900ms`), and a
    /// value against it: rounded as `goalValue` rounds, unless that would read the same as
    /// the target while it is not (a p90 of 2h 0m 30s against 2h, 1/3 against 33.34%):
    /// then exact, so that a row never contradicts its own status.
    static func goalValueAndTarget(_ value: Double?, target: Double, measure: MeasureModel,
                                   inDays: Bool = true) -> (value: String, target: String) {
        let targetText = exactGoalValue(target, measure: measure, inDays: inDays)
        var valueText = goalValue(value, measure: measure, inDays: inDays)
        if let value, value.isFinite, value != target,
           valueText == targetText || valueText == goalValue(target, measure: measure, inDays: inDays) {
            valueText = exactGoalValue(value, measure: measure, inDays: inDays)
        }
        return (valueText, targetText)
    }

    /// Whether a deadline's time is counted in a calendar's working time (one of its
    /// `within`s names a calendar): its durations are then shown in hours at most, since a
    /// "day" would read as a calendar day (SPEC.md 3 forbids `d` and `w` with a calendar).
    static func countsWorkingTime(_ deadline: DeadlineModel) -> Bool {
        deadline.budgets.contains { $0.calendar != nil }
    }

    /// Whether durations of `measure` are shown with days: not for a statistic of a
    /// deadline counted in working time.
    static func showsDays(_ measure: MeasureModel, sla: CheckedSLA) -> Bool {
        guard case .statistic(_, let deadline) = measure else { return true }
        return !countsWorkingTime(sla.deadlines[deadline])
    }

    /// A goal value or target as `goalValue` shows it, but exact: rates to a millionth of a
    /// point (`33.333333%`), durations down to the millisecond.
    static func exactGoalValue(_ value: Double?, measure: MeasureModel, inDays: Bool = true) -> String {
        guard let value else { return "null" }
        switch measure {
        case .rateStages, .rateMet: return number((value * 100 * 1_000_000).rounded() / 1_000_000) + "%"
        case .statistic:
            // An average can hold a fraction of a millisecond, and a test may name any
            // number of seconds: those are written as seconds.
            let milliseconds = value * 1000
            guard milliseconds == milliseconds.rounded(), let whole = Int64(exactly: milliseconds) else { return number(value) + "s" }
            return exactDuration(whole, inDays: inDays)
        default: return number(value)
        }
    }

    /// Whether two of the distinct group values of one goal, written by `text`, would read
    /// the same (the number 7 and the string "7", true and "true"): the table and the page
    /// then write that goal's groups as tests do (`groupLiteral`), as `--goals-csv` adds a
    /// `group_type`.
    static func groupsReadAlike(_ groups: [Value], as text: (Value) -> String) -> Bool {
        var distinct = Set<GroupKey>(), seen = Set<String>()
        for group in groups where distinct.insert(GroupKey(group)).inserted {
            if !seen.insert(text(group)).inserted { return true }
        }
        return false
    }

    /// A group value as written in a test (`group "ann"`, `group 7`, `group true`), so that
    /// the string `"7"` and the number `7` read differently: a string as `sla fmt` writes a
    /// string literal.
    static func groupLiteral(_ value: Value) -> String {
        switch value {
        case .string(let text): Formatter.stringLiteral(text)
        case .null: "null"
        default: group(value)
        }
    }

    /// A goal value or target as people read it: rates as percentages, durations as
    /// `2h 30m`, counts and sums as numbers.
    static func goalValue(_ value: Double?, measure: MeasureModel, inDays: Bool = true) -> String {
        // A non-finite value (a sum past the largest double) is written null in JSON.
        guard let value, value.isFinite else { return "—" }
        switch measure {
        case .rateStages, .rateMet: return percent(value)
        case .statistic:
            guard let milliseconds = Int64(exactly: (value * 1000).rounded()) else { return number(value) + "s" }
            return duration(milliseconds, inDays: inDays)
        default: return number(value)
        }
    }

    static func percent(_ fraction: Double) -> String {
        let scaled = (fraction * 1000).rounded() / 10
        return number(scaled) + "%"
    }

    static func number(_ value: Double) -> String {
        JSONWriter.number(value)
    }

    /// `text` safe to print on a terminal: control characters (from lead ids, event types,
    /// attribute values, names in messages) are shown as their control pictures (`␛`,
    /// `␊`; C1 controls, which have none, and bidirectional overrides and isolates, as `�`),
    /// so that none moves the cursor, reverses the rest of a line, breaks a row or starts
    /// an escape sequence.
    static func visible(_ text: String) -> String {
        visible(text, keepingLineBreaks: false)
    }

    /// `visible`; with `keepingLineBreaks`, line feeds and carriage returns stay (for an
    /// output whose own escaping encodes them, as GitHub's workflow commands do).
    static func visible(_ text: String, keepingLineBreaks: Bool) -> String {
        let shown = { (scalar: Unicode.Scalar) in
            isControl(scalar) && !(keepingLineBreaks && (scalar == "\n" || scalar == "\r"))
        }
        guard text.unicodeScalars.contains(where: shown) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { shown($0) ? visible($0) : $0 }))
    }

    /// One scalar as `visible` shows it. The bidirectional embedding, override and isolate
    /// controls (U+202A-U+202E, U+2066-U+2069) would reverse the rest of a row or a line.
    static func visible(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0..<0x20: Unicode.Scalar(0x2400 + scalar.value)!
        case 0x7F: "\u{2421}"
        case 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069: "\u{FFFD}"
        default: scalar
        }
    }

    /// Whether `visible` shows `scalar` as something else.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        visible(scalar) != scalar
    }

    /// Left-aligned columns separated by two spaces; widths count scalars. Cells are shown
    /// `visible`.
    static func table(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let rows = rows.map { $0.map(visible) }
        guard let header = rows.first else { return "" }
        var widths = Array(repeating: 0, count: header.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.unicodeScalars.count) } }
        var text = ""
        for row in rows {
            var line = ""
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.unicodeScalars.count)
                line += rightAligned.contains(index) ? padding + cell : cell + (index == row.count - 1 ? "" : padding)
                if index < row.count - 1 { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }

    /// A group value as text: `—` for null, strings as is.
    static func group(_ value: Value) -> String {
        switch value {
        case .null: "—"
        case .string(let text): text
        case .number(let number): self.number(number)
        case .bool(let flag): flag ? "true" : "false"
        default: "?"
        }
    }
}
