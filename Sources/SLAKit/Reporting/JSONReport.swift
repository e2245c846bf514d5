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

        // Rows are written from fragments encoded once: the bytes are those the writer's
        // key-by-key calls would give (one line per row, `"key": value` joined by `, `). The
        // fragments are plain pointers: rows rendered on two cores share them without
        // reference counting (atomic counts on shared arrays made both cores contend).
        let fragments = Fragments(sla)
        defer { fragments.deallocate() }
        json.key("leads")
        json.beginArray()
        renderRows(result.leads, chunkRows: chunkRows, json: &json, to: sink) { lead, bytes in
            bytes.append(contentsOf: fragments.leadOpen)
            JSONWriter.appendQuoted(lead.lead, to: &bytes)
            bytes.append(contentsOf: fragments.scoresOpen)
            for index in 0..<fragments.scores.count {
                bytes.append(contentsOf: fragments.scores[index])
                JSONWriter.appendNumber(lead.scores[index], to: &bytes)
            }
            bytes.append(contentsOf: fragments.stagesOpen)
            for index in 0..<fragments.stages.count {
                bytes.append(contentsOf: fragments.stages[index])
                JSONWriter.appendTimestamp(lead.stages[index], to: &bytes)
            }
            bytes.append(contentsOf: fragments.leadClose)
        }
        json.endArray()

        json.key("deadlines")
        json.beginArray()
        renderRows(result.cycles, chunkRows: chunkRows, json: &json, to: sink) { cycle, bytes in
            bytes.append(contentsOf: fragments.leadOpen)
            JSONWriter.appendQuoted(cycle.lead, to: &bytes)
            bytes.append(contentsOf: fragments.deadlines[cycle.deadline])
            JSONWriter.appendInteger(Int64(cycle.number), to: &bytes)
            bytes.append(contentsOf: fragments.statusAndStarted[cycle.status.fragmentIndex])
            JSONWriter.appendTimestamp(cycle.started, to: &bytes)
            bytes.append(contentsOf: fragments.stopped)
            JSONWriter.appendTimestamp(cycle.stopped, to: &bytes)
            bytes.append(contentsOf: fragments.due)
            JSONWriter.appendTimestamp(cycle.due, to: &bytes)
            bytes.append(contentsOf: fragments.elapsed)
            JSONWriter.appendNumber(Double(cycle.elapsed) / 1000, to: &bytes)
            bytes.append(contentsOf: fragments.budget)
            JSONWriter.appendNumber(Double(cycle.budget) / 1000, to: &bytes)
            bytes.append(contentsOf: cycle.paused ? fragments.pausedTrue : fragments.pausedFalse)
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
        // Two sets of writers, used in turn: while one set renders the next two chunks,
        // this thread writes out what the other set rendered just before.
        let template = json.continuation(hasElement: true)
        let sets = [ChunkWriters(template: template), ChunkWriters(template: template)]
        var rendered: ChunkWriters?
        var start = 0
        while start < rows.count {
            let writers = sets[start / (2 * chunkRows) % 2]
            let starts = [start, min(rows.count, start + chunkRows)]
            let rendering = DispatchGroup()
            for half in 0..<2 {
                DispatchQueue.global().async(group: rendering) {
                    let from = starts[half], to = min(rows.count, from + chunkRows)
                    writers.render(half) { writer in
                        // Only the very first row of the array has no comma before it.
                        if from == 0 { writer = writer.continuation(hasElement: false) }
                        for index in from ..< max(from, to) { writer.element { render(rows[index], &$0) } }
                    }
                }
            }
            if let rendered { rendered.drain(into: sink) }
            rendering.wait()
            rendered = writers
            start += 2 * chunkRows
        }
        rendered?.drain(into: sink)
        json = json.continuation(hasElement: true)
    }

    /// Two writers that render chunks of rows on two cores.
    private final class ChunkWriters: @unchecked Sendable {
        /// One writer per core, in raw storage: each thread reaches its own writer without
        /// an access to a shared array (which two threads must not mutate at once).
        private let writers: UnsafeMutablePointer<JSONWriter>
        private let template: JSONWriter

        init(template: JSONWriter) {
            self.template = template
            writers = .allocate(capacity: 2)
            writers.initialize(repeating: template, count: 2)
        }

        deinit {
            writers.deinitialize(count: 2)
            writers.deallocate()
        }

        func render(_ half: Int, _ body: (inout JSONWriter) -> Void) {
            body(&writers[half])
        }

        /// Writes out both writers' bytes, in order, and makes them ready for new chunks.
        func drain(into sink: ([UInt8]) -> Void) {
            for half in 0..<2 {
                if !writers[half].bytes.isEmpty { sink(writers[half].bytes) }
                writers[half].restart(as: template)
            }
        }
    }

    /// The fixed parts of lead and cycle rows, encoded once into one allocation; a plain
    /// value (no reference counting), released by `deallocate`.
    private struct Fragments: @unchecked Sendable {
        typealias Bytes = UnsafeBufferPointer<UInt8>
        let leadOpen: Bytes
        let scoresOpen: Bytes
        let stagesOpen: Bytes
        let leadClose: Bytes
        let stopped: Bytes
        let due: Bytes
        let elapsed: Bytes
        let budget: Bytes
        let pausedTrue: Bytes
        let pausedFalse: Bytes
        /// `, "status": "STATUS", "started": ` by `CycleStatus.fragmentIndex`.
        let statusAndStarted: UnsafeBufferPointer<Bytes>
        /// `"SCORE": ` for each score, with `, ` before all but the first; the same for stages.
        let scores: UnsafeBufferPointer<Bytes>
        let stages: UnsafeBufferPointer<Bytes>
        /// `, "deadline": "NAME", "cycle": ` for each deadline.
        let deadlines: UnsafeBufferPointer<Bytes>
        private let storage: UnsafeMutableRawPointer

        init(_ sla: CheckedSLA) {
            func quote(_ text: String) -> [UInt8] {
                var bytes: [UInt8] = []
                JSONWriter.appendQuoted(text, to: &bytes)
                return bytes
            }
            func member(_ name: String, first: Bool) -> [UInt8] { Array((first ? "" : ", ").utf8) + quote(name) + Array(": ".utf8) }
            let fixed: [[UInt8]] = [#"{"lead": "#, #", "scores": {"#, #"}, "stages": {"#, "}}", #", "stopped": "#, #", "due": "#,
                                    #", "elapsed_seconds": "#, #", "budget_seconds": "#, #", "paused": true}"#,
                                    #", "paused": false}"#].map { Array($0.utf8) }
            let statuses = CycleStatus.allCases.sorted { $0.fragmentIndex < $1.fragmentIndex }
                .map { Array(#", "status": "#.utf8) + quote($0.rawValue) + Array(#", "started": "#.utf8) }
            let scores = sla.scores.enumerated().map { member($0.element.name, first: $0.offset == 0) }
            let stages = sla.stages.enumerated().map { member($0.element.name, first: $0.offset == 0) }
            let deadlines = sla.deadlines.map { Array(#", "deadline": "#.utf8) + quote($0.name) + Array(#", "cycle": "#.utf8) }
            let lists = [statuses, scores, stages, deadlines]
            let all = fixed + lists.flatMap { $0 }
            // The lists' buffers of fragments first (aligned), then every fragment's bytes.
            let listBytes = lists.reduce(0) { $0 + $1.count } * MemoryLayout<Bytes>.stride
            storage = .allocate(byteCount: listBytes + all.reduce(0) { $0 + $1.count } + 1, alignment: MemoryLayout<Bytes>.alignment)
            let listBase = storage.bindMemory(to: Bytes.self, capacity: listBytes / MemoryLayout<Bytes>.stride)
            var cursor = (storage + listBytes).bindMemory(to: UInt8.self, capacity: all.reduce(0) { $0 + $1.count } + 1)
            var encoded: [Bytes] = []
            for bytes in all {
                cursor.initialize(from: bytes, count: bytes.count)
                encoded.append(Bytes(start: cursor, count: bytes.count))
                cursor += bytes.count
            }
            listBase.initialize(from: Array(encoded[fixed.count...]), count: encoded.count - fixed.count)
            (leadOpen, scoresOpen, stagesOpen, leadClose, stopped) = (encoded[0], encoded[1], encoded[2], encoded[3], encoded[4])
            (due, elapsed, budget, pausedTrue, pausedFalse) = (encoded[5], encoded[6], encoded[7], encoded[8], encoded[9])
            var list = UnsafePointer(listBase)
            statusAndStarted = UnsafeBufferPointer(start: list, count: statuses.count)
            list += statuses.count
            self.scores = UnsafeBufferPointer(start: list, count: scores.count)
            list += scores.count
            self.stages = UnsafeBufferPointer(start: list, count: stages.count)
            list += stages.count
            self.deadlines = UnsafeBufferPointer(start: list, count: deadlines.count)
        }

        func deallocate() { storage.deallocate() }
    }
}

extension CycleStatus {
    /// Position of the status's fragment in the JSON report's tables.
    var fragmentIndex: Int {
        switch self {
        case .met: 0
        case .late: 1
        case .overdue: 2
        case .pending: 3
        case .atRisk: 4
        }
    }
}
