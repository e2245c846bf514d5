/// `sla explain`: one lead's timeline, event by event — attribute and score changes (and
/// points a `max` or `limit` kept out), stage entries, cycles opened (with the `within`
/// chosen and why) or not opened, paused, resumed, stopped or not — then the final
/// verdicts. Times are shown in the SLA's time zone, with their UTC offset where the same
/// local time happens twice (a clock set back).
public enum ExplainReport {
    public static func render(lead: String, trace: [TraceEntry], result: EvaluationResult, program: Program,
                              source: SourceFile) -> String {
        let sla = result.sla
        let zone = sla.zone
        func local(_ instant: Int64) -> String { TextFormatting.localTime(instant, zone: zone) }
        let cycles = result.cycles.filter { $0.lead.utf8.elementsEqual(lead.utf8) }
        func verdict(_ deadline: Int, _ number: Int) -> CycleVerdict? {
            cycles.first { $0.deadline == deadline && $0.number == number }
        }
        /// Durations counted in a calendar's working time are shown in hours at most: a
        /// "day" of working time would read as a calendar day (SPEC.md 3 forbids `d` and
        /// `w` with `of CALENDAR` for that reason).
        func counted(_ milliseconds: Int64, calendar: Int?) -> String {
            TextFormatting.exactDuration(milliseconds, inDays: calendar == nil)
                + (calendar.map { " of \(sla.calendars[$0].name)" } ?? "")
        }
        /// "`elapsed` counted of `budget`", and in whose working time.
        func countedOf(_ cycle: CycleVerdict) -> String {
            let calendar = sla.deadlines[cycle.deadline].budgets[cycle.withinIndex].calendar
            return TextFormatting.exactDuration(cycle.elapsed, inDays: calendar == nil) + " counted of "
                + TextFormatting.exactDuration(cycle.budget, inDays: calendar == nil)
                + (calendar.map { " (working time of \(sla.calendars[$0].name))" } ?? "")
        }
        // Text from the input (the lead id, event types, attribute values) is shown `visible`.
        var text = "lead \(leadText(lead)) — \(TextFormatting.visible(sla.name))\n"
        if let asOf = result.asOf { text += "as of \(local(asOf)) (times in \(zone.identifier))\n" }
        if result.rejected > 0 {
            // A rejected record has no trustworthy lead: it may have been this lead's.
            text += "note: \(result.rejected) input record\(result.rejected == 1 ? " was" : "s were") rejected and \(result.rejected == 1 ? "is" : "are") in no timeline (see `--rejects`)\n"
        }
        text += "\n"
        let indent = String(repeating: " ", count: 18)
        var lastTime: Int64?
        var laterEvents = 0

        for entry in trace {
            switch entry {
            case .event(let event, let changes):
                let stamp = local(event.time)
                let padded = stamp + String(repeating: " ", count: max(2, 18 - stamp.count))
                let type = TextFormatting.visible(event.type)
                if lastTime == event.time { text += indent + "· " + type + "\n" } else { text += padded + type + "\n" }
                lastTime = event.time
                for change in changes {
                    text += indent + "lead.\(program.attributeNames[change.slot]) = \(show(change.new))"
                    if case .null = change.old {} else { text += " (was \(show(change.old)))" }
                    text += "\n"
                }
            case .scoreChanged(let score, let from, let to):
                text += indent + "score \(sla.scores[score].name): \(TextFormatting.number(from)) → \(TextFormatting.number(to))\n"
            case .pointsCapped(let score, let rule, let points, let counted):
                let model = sla.scores[score]
                let eventRule = model.eventRules[rule]
                text += indent + "score \(model.name): \(signed(counted)) of \(signed(points)) counted, "
                    + "`\(source.text(eventRule.range))` is at its max\n"
            case .scoreLimited(let score, let uncapped, let limit):
                text += indent + "score \(sla.scores[score].name): held at `limit \(TextFormatting.number(limit))` "
                    + "(\(TextFormatting.number(uncapped)) without it)\n"
            case .stageEntered(let stage):
                text += indent + "stage \(sla.stages[stage].name) entered\n"
            case .cycleOpened(let deadline, let cycle, let withinIndex, let budget, let startsPaused):
                let model = sla.deadlines[deadline]
                let within = model.budgets[withinIndex]
                var line = "\(model.name) #\(cycle) opened: budget \(counted(budget, calendar: within.calendar))"
                line += ", from `\(source.text(within.range))`"
                if model.budgets.count > 1 {
                    line += within.condition == nil
                        ? (withinIndex == 0 ? "" : " (no earlier `when` held)")
                        : " (its `when` held)"
                }
                if startsPaused { line += "; starts paused" }
                text += indent + line + "\n"
            case .startIgnored(let deadline, let reason):
                let name = sla.deadlines[deadline].name
                switch reason {
                case .noWithinMatched: text += indent + "\(name): start ignored, no `within ... when` held\n"
                case .cycleOpen: text += indent + "\(name): start ignored, a cycle is already open\n"
                case .notEvery: text += indent + "\(name): start ignored, only the first cycle opens (no `every`)\n"
                case .conditionFailed: text += indent + "\(name): start ignored, the `where` of `starts on` did not hold\n"
                }
            case .paused(let deadline, let cycle):
                text += indent + "\(sla.deadlines[deadline].name) #\(cycle) paused (`paused while` holds)\n"
            case .resumed(let deadline, let cycle):
                text += indent + "\(sla.deadlines[deadline].name) #\(cycle) resumed\n"
            case .stopped(let deadline, let cycle):
                var line = indent + "\(sla.deadlines[deadline].name) #\(cycle) stopped by this event"
                if let final = verdict(deadline, cycle) { line += ": \(final.status.rawValue), \(countedOf(final))" }
                text += line + "\n"
            case .stopConditionFailed(let deadline, let cycle):
                text += indent + "\(sla.deadlines[deadline].name) #\(cycle) not stopped: the `where` of `met on` did not hold\n"
            case .laterEvents(let count):
                laterEvents += count
            }
        }
        if laterEvents > 0 {
            text += "\n\(laterEvents) later event\(laterEvents == 1 ? "" : "s") of this lead, after the as-of time, \(laterEvents == 1 ? "is" : "are") not counted\n"
        }

        if let verdict = result.leads.first(where: { $0.lead.utf8.elementsEqual(lead.utf8) }),
           !sla.scores.isEmpty || !sla.stages.isEmpty {
            text += "\nSCORES AND STAGES\n"
            for (index, score) in sla.scores.enumerated() {
                text += "  score \(score.name) = \(TextFormatting.number(verdict.score(index)))\n"
            }
            for (index, stage) in sla.stages.enumerated() {
                text += "  stage \(stage.name): " + (verdict.stage(index).map { "entered \(local($0))" } ?? "not entered") + "\n"
            }
        }
        if !sla.deadlines.isEmpty {
            text += "\nVERDICTS\n"
            for (index, deadline) in sla.deadlines.enumerated() {
                let own = cycles.filter { $0.deadline == index }
                if own.isEmpty { text += "  \(deadline.name) (owner \(deadline.owner)): no cycle opened\n" }
                for cycle in own {
                    var line = "  \(deadline.name) #\(cycle.number) (owner \(deadline.owner)): \(cycle.status.rawValue.uppercased())"
                    line += " — \(countedOf(cycle))"
                    line += "; started \(local(cycle.started))"
                    if let stopped = cycle.stopped { line += ", stopped \(local(stopped))" }
                    line += ", due " + (cycle.due.map(local) ?? "none (paused or no working time left)")
                    if cycle.paused { line += "; paused now" }
                    text += line + "\n"
                }
            }
        }
        return text
    }

    /// A lead id as written, or quoted when spaces at its ends (or its emptiness) would not
    /// show, or a quote in it would make it read as quoted.
    static func leadText(_ lead: String) -> String {
        let edges = lead.unicodeScalars.first.map { $0.properties.isWhitespace } ?? true
            || lead.unicodeScalars.last.map { $0.properties.isWhitespace } ?? true
        return edges || lead.contains("\"") ? TextFormatting.visible(JSONWriter.quoted(lead)) : TextFormatting.visible(lead)
    }

    /// Points with their sign: `+25`, `-50`, `+0`.
    static func signed(_ points: Double) -> String {
        (points < 0 ? "" : "+") + TextFormatting.number(points)
    }

    static func show(_ value: Value) -> String {
        switch value {
        case .string(let text): TextFormatting.visible(JSONWriter.quoted(text))
        case .number(let number): TextFormatting.number(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        default: "\(value)"
        }
    }
}
