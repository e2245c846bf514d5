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
        // Rows are written from fragments encoded once: the bytes are those the writer's
        // key-by-key calls would give (one line per row, `"key": value` joined by `, `).
        renderRows(result.leads, chunkRows: chunkRows, json: &json, to: sink) { lead, bytes in
            bytes.append(contentsOf: Keys.leadOpen)
            JSONWriter.appendQuoted(lead.lead, to: &bytes)
            bytes.append(contentsOf: Keys.scoresOpen)
            for index in keys.scores.indices {
                bytes.append(contentsOf: keys.scores[index])
                JSONWriter.appendNumber(lead.scores[index], to: &bytes)
            }
            bytes.append(contentsOf: Keys.stagesOpen)
            for index in keys.stages.indices {
                bytes.append(contentsOf: keys.stages[index])
                JSONWriter.appendTimestamp(lead.stages[index], to: &bytes)
            }
            bytes.append(contentsOf: Keys.leadClose)
        }
        json.endArray()

        json.key("deadlines")
        json.beginArray()
        renderRows(result.cycles, chunkRows: chunkRows, json: &json, to: sink) { cycle, bytes in
            bytes.append(contentsOf: Keys.leadOpen)
            JSONWriter.appendQuoted(cycle.lead, to: &bytes)
            bytes.append(contentsOf: keys.deadlines[cycle.deadline])
            JSONWriter.appendInteger(Int64(cycle.number), to: &bytes)
            bytes.append(contentsOf: Keys.status(cycle.status))
            JSONWriter.appendTimestamp(cycle.started, to: &bytes)
            bytes.append(contentsOf: Keys.stopped)
            JSONWriter.appendTimestamp(cycle.stopped, to: &bytes)
            bytes.append(contentsOf: Keys.due)
            JSONWriter.appendTimestamp(cycle.due, to: &bytes)
            bytes.append(contentsOf: Keys.elapsed)
            JSONWriter.appendNumber(Double(cycle.elapsed) / 1000, to: &bytes)
            bytes.append(contentsOf: Keys.budget)
            JSONWriter.appendNumber(Double(cycle.budget) / 1000, to: &bytes)
            bytes.append(contentsOf: cycle.paused ? Keys.pausedTrue : Keys.pausedFalse)
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
                                                  row render: @escaping @Sendable (Row, inout [UInt8]) -> Void) {
        guard rows.count > chunkRows else {
            for row in rows {
                json.element { render(row, &$0) }
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
                    for index in from ..< max(from, to) { writer.element { render(rows[index], &$0) } }
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

    /// The fixed parts of lead and cycle rows, encoded once.
    private struct Keys: @unchecked Sendable {
        static let leadOpen = bytes(#"{"lead": "#)
        static let scoresOpen = bytes(#", "scores": {"#)
        static let stagesOpen = bytes(#"}, "stages": {"#)
        static let leadClose = bytes("}}")
        static let stopped = bytes(#", "stopped": "#)
        static let due = bytes(#", "due": "#)
        static let elapsed = bytes(#", "elapsed_seconds": "#)
        static let budget = bytes(#", "budget_seconds": "#)
        static let pausedTrue = bytes(#", "paused": true}"#)
        static let pausedFalse = bytes(#", "paused": false}"#)
        /// `, "status": "STATUS", "started": ` for each status.
        static let met = statusAndStarted(.met)
        static let late = statusAndStarted(.late)
        static let overdue = statusAndStarted(.overdue)
        static let pending = statusAndStarted(.pending)
        static let atRisk = statusAndStarted(.atRisk)

        static func status(_ status: CycleStatus) -> [UInt8] {
            switch status {
            case .met: met
            case .late: late
            case .overdue: overdue
            case .pending: pending
            case .atRisk: atRisk
            }
        }

        /// `"SCORE": ` for each score, with `, ` before all but the first; the same for stages.
        let scores: [[UInt8]]
        let stages: [[UInt8]]
        /// `, "deadline": "NAME", "cycle": ` for each deadline.
        let deadlines: [[UInt8]]

        init(_ sla: CheckedSLA) {
            scores = sla.scores.enumerated().map { Keys.member($0.element.name, first: $0.offset == 0) }
            stages = sla.stages.enumerated().map { Keys.member($0.element.name, first: $0.offset == 0) }
            deadlines = sla.deadlines.map { Keys.bytes(#", "deadline": "#) + Keys.quote($0.name) + Keys.bytes(#", "cycle": "#) }
        }

        static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

        static func quote(_ text: String) -> [UInt8] {
            var bytes: [UInt8] = []
            JSONWriter.appendQuoted(text, to: &bytes)
            return bytes
        }

        static func member(_ name: String, first: Bool) -> [UInt8] {
            (first ? [] : bytes(", ")) + quote(name) + bytes(": ")
        }

        static func statusAndStarted(_ status: CycleStatus) -> [UInt8] {
            bytes(#", "status": "#) + quote(status.rawValue) + bytes(#", "started": "#)
        }
    }
}
