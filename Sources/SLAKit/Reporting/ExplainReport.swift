/// `sla explain`: one lead's timeline, event by event — attribute and score changes, stage
/// entries, cycles opened (with the `within` chosen and why), paused, resumed, stopped —
/// then the final verdicts. Times are shown in the SLA's time zone.
public enum ExplainReport {
    public static func render(lead: String, trace: [TraceEntry], result: EvaluationResult, program: Program,
                              source: SourceFile) -> String {
        let sla = result.sla
        let zone = sla.zone
        func local(_ instant: Int64) -> String { CivilTime.formatLocal(zone.local(instant)) }
        // Text from the input (the lead id, event types, attribute values) is shown `visible`.
        var text = "lead \(TextFormatting.visible(lead)) — \(TextFormatting.visible(sla.name))\n"
        if let asOf = result.asOf { text += "as of \(local(asOf)) (times in \(zone.identifier))\n" }
        text += "\n"
        let indent = String(repeating: " ", count: 18)
        var lastTime: Int64?

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
            case .stageEntered(let stage):
                text += indent + "stage \(sla.stages[stage].name) entered\n"
            case .cycleOpened(let deadline, let cycle, let withinIndex, let budget, let startsPaused):
                let model = sla.deadlines[deadline]
                let within = model.budgets[withinIndex]
                var line = "\(model.name) #\(cycle) opened: budget \(TextFormatting.duration(budget))"
                if let calendar = within.calendar { line += " of \(sla.calendars[calendar].name)" }
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
                }
            case .paused(let deadline, let cycle):
                text += indent + "\(sla.deadlines[deadline].name) #\(cycle) paused (`paused while` holds)\n"
            case .resumed(let deadline, let cycle):
                text += indent + "\(sla.deadlines[deadline].name) #\(cycle) resumed\n"
            case .stopped(let deadline, let cycle):
                text += indent + "\(sla.deadlines[deadline].name) #\(cycle) stopped (met on this event)\n"
            }
        }

        if let verdict = result.leads.first(where: { $0.lead.utf8.elementsEqual(lead.utf8) }) {
            text += "\nSCORES AND STAGES\n"
            for (index, score) in sla.scores.enumerated() {
                text += "  score \(score.name) = \(TextFormatting.number(verdict.score(index)))\n"
            }
            for (index, stage) in sla.stages.enumerated() {
                text += "  stage \(stage.name): " + (verdict.stage(index).map { "entered \(local($0))" } ?? "not entered") + "\n"
            }
        }
        let cycles = result.cycles.filter { $0.lead.utf8.elementsEqual(lead.utf8) }
        if !cycles.isEmpty {
            text += "\nVERDICTS\n"
            for cycle in cycles {
                let deadline = sla.deadlines[cycle.deadline]
                var line = "  \(deadline.name) #\(cycle.number) (owner \(deadline.owner)): \(cycle.status.rawValue.uppercased())"
                line += " — \(TextFormatting.duration(cycle.elapsed)) counted of \(TextFormatting.duration(cycle.budget))"
                line += "; started \(local(cycle.started))"
                if let stopped = cycle.stopped { line += ", stopped \(local(stopped))" }
                line += ", due " + (cycle.due.map(local) ?? "none (paused or no working time left)")
                if cycle.paused { line += "; paused now" }
                text += line + "\n"
            }
        }
        return text
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
