import Dispatch

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
    /// Arrays longer than `chunkRows` rows are rendered on two cores, in chunks of that many.
    public static func render(_ result: EvaluationResult, chunkRows: Int = JSONReport.chunkRows, to sink: ([UInt8]) -> Void) {
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

        let keys = Keys(sla)
        json.key("leads")
        json.beginArray()
        renderRows(result.leads, chunkRows: chunkRows, json: &json, to: sink) { lead, json in
            json.beginObject()
            json.key(quoted: Keys.lead); json.string(lead.lead)
            json.key(quoted: Keys.scores)
            json.beginObject()
            for index in keys.scores.indices {
                json.key(quoted: keys.scores[index]); json.number(lead.scores[index])
            }
            json.endObject()
            json.key(quoted: Keys.stages)
            json.beginObject()
            for index in keys.stages.indices {
                json.key(quoted: keys.stages[index]); json.timestamp(lead.stages[index])
            }
            json.endObject()
            json.endObject()
        }
        json.endArray()

        json.key("deadlines")
        json.beginArray()
        renderRows(result.cycles, chunkRows: chunkRows, json: &json, to: sink) { cycle, json in
            json.beginObject()
            json.key(quoted: Keys.lead); json.string(cycle.lead)
            json.key(quoted: Keys.deadline); json.quoted(keys.deadlines[cycle.deadline])
            json.key(quoted: Keys.cycle); json.integer(cycle.number)
            json.key(quoted: Keys.status); json.quoted(Keys.status(cycle.status))
            json.key(quoted: Keys.started); json.timestamp(cycle.started)
            json.key(quoted: Keys.stopped); json.timestamp(cycle.stopped)
            json.key(quoted: Keys.due); json.timestamp(cycle.due)
            json.key(quoted: Keys.elapsed); json.number(Double(cycle.elapsed) / 1000)
            json.key(quoted: Keys.budget); json.number(Double(cycle.budget) / 1000)
            json.key(quoted: Keys.paused); json.bool(cycle.paused)
            json.endObject()
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

    /// Rows per chunk when rows are rendered on two cores.
    public static let chunkRows = 8192

    /// Renders the elements of an array, one row each, and streams them to `sink`. Large
    /// arrays are cut into chunks rendered two at a time, one per core, each by its own
    /// writer continuing the array; the chunks are written in order, so the bytes are those
    /// of rendering row after row.
    private static func renderRows<Row: Sendable>(_ rows: [Row], chunkRows: Int, json: inout JSONWriter, to sink: ([UInt8]) -> Void,
                                                  row render: @escaping @Sendable (Row, inout JSONWriter) -> Void) {
        guard rows.count > chunkRows else {
            for row in rows {
                render(row, &json)
                json.drain(into: sink)
            }
            return
        }
        // The rows before the first chunk's: none; the writer's state carries the array.
        sink(json.bytes)
        json.clearBytes()
        let writers = ChunkWriters(template: json.continuation(hasElement: true))
        var start = 0
        while start < rows.count {
            let starts = [start, min(rows.count, start + chunkRows)]
            DispatchQueue.concurrentPerform(iterations: 2) { half in
                let from = starts[half], to = min(rows.count, from + chunkRows)
                writers.render(half) { writer in
                    // Only the very first row of the array has no comma before it.
                    if from == 0 { writer = writer.continuation(hasElement: false) }
                    for index in from ..< max(from, to) { render(rows[index], &writer) }
                }
            }
            for half in 0..<2 {
                writers.take(half, into: sink)
                writers.prepare(half)
            }
            start += 2 * chunkRows
        }
        json = json.continuation(hasElement: true)
    }

    /// Two writers that render chunks of rows on two cores.
    private final class ChunkWriters: @unchecked Sendable {
        private var writers: [JSONWriter]
        private let template: JSONWriter

        init(template: JSONWriter) {
            self.template = template
            writers = [template, template]
        }

        func render(_ half: Int, _ body: (inout JSONWriter) -> Void) {
            writers.withUnsafeMutableBufferPointer { body(&$0[half]) }
        }

        func take(_ half: Int, into sink: ([UInt8]) -> Void) {
            if !writers[half].bytes.isEmpty { sink(writers[half].bytes) }
        }

        func prepare(_ half: Int) { writers[half] = template }
    }

    /// Quoted keys and names, encoded once.
    private struct Keys: @unchecked Sendable {
        static let lead = quote("lead")
        static let scores = quote("scores")
        static let stages = quote("stages")
        static let deadline = quote("deadline")
        static let cycle = quote("cycle")
        static let status = quote("status")
        static let started = quote("started")
        static let stopped = quote("stopped")
        static let due = quote("due")
        static let elapsed = quote("elapsed_seconds")
        static let budget = quote("budget_seconds")
        static let paused = quote("paused")
        static let met = quote(CycleStatus.met.rawValue)
        static let late = quote(CycleStatus.late.rawValue)
        static let overdue = quote(CycleStatus.overdue.rawValue)
        static let pending = quote(CycleStatus.pending.rawValue)
        static let atRisk = quote(CycleStatus.atRisk.rawValue)

        static func status(_ status: CycleStatus) -> [UInt8] {
            switch status {
            case .met: met
            case .late: late
            case .overdue: overdue
            case .pending: pending
            case .atRisk: atRisk
            }
        }
        let scores: [[UInt8]]
        let stages: [[UInt8]]
        let deadlines: [[UInt8]]

        init(_ sla: CheckedSLA) {
            scores = sla.scores.map { Keys.quote($0.name) }
            stages = sla.stages.map { Keys.quote($0.name) }
            deadlines = sla.deadlines.map { Keys.quote($0.name) }
        }

        static func quote(_ text: String) -> [UInt8] {
            var bytes: [UInt8] = []
            JSONWriter.appendQuoted(text, to: &bytes)
            return bytes
        }
    }
}
