/// `sla eval --format json`: exactly the document of SPEC.md section 7.1.
public enum JSONReport {
    public static func render(_ result: EvaluationResult) -> String {
        String(decoding: renderBytes(result), as: UTF8.self)
    }

    /// The document as UTF-8 bytes.
    public static func renderBytes(_ result: EvaluationResult) -> [UInt8] {
        var bytes: [UInt8] = []
        render(result) { bytes += $0 }
        return bytes
    }

    /// Streams the document to `sink` in chunks of about a megabyte: the report of millions
    /// of cycles never sits in memory whole.
    public static func render(_ result: EvaluationResult, to sink: ([UInt8]) -> Void) {
        let sla = result.sla
        // One line per lead, cycle and goal row.
        var json = JSONWriter(lineDepth: 2)
        json.beginObject()
        json.key("sla"); json.string(sla.name)
        json.key("as_of"); json.timestamp(result.asOf)
        json.key("input")
        json.beginObject()
        json.key("records"); json.integer(result.records)
        json.key("rejected"); json.integer(result.rejected)
        json.key("leads"); json.integer(result.leads.count)
        json.endObject()

        json.key("leads")
        json.beginArray()
        for lead in result.leads {
            json.beginObject()
            json.key("lead"); json.string(lead.lead)
            json.key("scores")
            json.beginObject()
            for (index, score) in sla.scores.enumerated() {
                json.key(score.name); json.number(lead.scores[index])
            }
            json.endObject()
            json.key("stages")
            json.beginObject()
            for (index, stage) in sla.stages.enumerated() {
                json.key(stage.name); json.timestamp(lead.stages[index])
            }
            json.endObject()
            json.endObject()
            json.drain(into: sink)
        }
        json.endArray()

        json.key("deadlines")
        json.beginArray()
        for cycle in result.cycles {
            json.beginObject()
            json.key("lead"); json.string(cycle.lead)
            json.key("deadline"); json.string(sla.deadlines[cycle.deadline].name)
            json.key("cycle"); json.integer(cycle.number)
            json.key("status"); json.string(cycle.status.rawValue)
            json.key("started"); json.timestamp(cycle.started)
            json.key("stopped"); json.timestamp(cycle.stopped)
            json.key("due"); json.timestamp(cycle.due)
            json.key("elapsed_seconds"); json.number(Double(cycle.elapsed) / 1000)
            json.key("budget_seconds"); json.number(Double(cycle.budget) / 1000)
            json.key("paused"); json.bool(cycle.paused)
            json.endObject()
            json.drain(into: sink)
        }
        json.endArray()

        json.key("goals")
        json.beginArray()
        for verdict in result.goals {
            let goal = sla.goals[verdict.goal]
            json.beginObject()
            json.key("goal"); json.string(goal.name)
            json.key("period"); json.string(verdict.period.label)
            json.key("group"); json.value(verdict.group)
            json.key("value"); json.number(verdict.value)
            json.key("target"); json.number(goal.target)
            json.key("op"); json.string(goal.op.rawValue)
            json.key("status"); json.string(verdict.status.rawValue)
            json.endObject()
            json.drain(into: sink)
        }
        json.endArray()
        json.endObject()
        var bytes = json.bytes
        bytes.append(10)
        sink(bytes)
    }
}
