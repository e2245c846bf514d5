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
        let leadBound = fragments.leadRowBound
        renderRows(result.leads, chunkRows: chunkRows, json: &json, to: sink, bound: { leadBound + RowWriter.quotedBound($0.pointee.lead) }) { lead, out in
            out.bytes(fragments.leadOpen)
            out.quoted(lead.pointee.lead)
            out.bytes(fragments.scoresOpen)
            for index in 0..<fragments.scores.count {
                out.bytes(fragments.scores[index])
                out.number(lead.pointee.score(index))
            }
            out.bytes(fragments.stagesOpen)
            for index in 0..<fragments.stages.count {
                out.bytes(fragments.stages[index])
                out.timestamp(lead.pointee.stage(index))
            }
            out.bytes(fragments.leadClose)
        }
        json.endArray()

        json.key("deadlines")
        json.beginArray()
        let cycleBound = fragments.cycleRowBound
        renderRows(result.cycles, chunkRows: chunkRows, json: &json, to: sink, bound: { cycleBound + RowWriter.quotedBound($0.pointee.lead) }) { cycle, out in
            out.bytes(fragments.leadOpen)
            out.quoted(cycle.pointee.lead)
            out.bytes(fragments.deadlines[cycle.pointee.deadline])
            out.integer(Int64(cycle.pointee.number))
            out.bytes(fragments.statusAndStarted[cycle.pointee.status.fragmentIndex])
            out.timestamp(cycle.pointee.started)
            out.bytes(fragments.stopped)
            out.timestamp(cycle.pointee.stopped)
            out.bytes(fragments.due)
            out.timestamp(cycle.pointee.due)
            out.bytes(fragments.elapsed)
            out.number(Double(cycle.pointee.elapsed) / 1000)
            out.bytes(fragments.budget)
            out.number(Double(cycle.pointee.budget) / 1000)
            out.bytes(cycle.pointee.paused ? fragments.pausedTrue : fragments.pausedFalse)
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

    /// Renders the elements of an array, one row each, and streams them to `sink`. Rows are
    /// written in chunks of `chunkRows`, each into memory reserved for it (the sum of its
    /// rows' `bound`s, bytes); large arrays are rendered two chunks at a time, one per
    /// core. The chunks are written in order, so the bytes are those of rendering row after
    /// row with the writer. `bound` and `render` get each row in place: passed by value, a
    /// row was copied (its strings and arrays retained and released) twice.
    private static func renderRows<Row: Sendable>(_ rows: [Row], chunkRows: Int, json: inout JSONWriter, to sink: ([UInt8]) -> Void,
                                                  bound: @escaping @Sendable (UnsafePointer<Row>) -> Int,
                                                  row render: @escaping @Sendable (UnsafePointer<Row>, inout RowWriter) -> Void) {
        guard !rows.isEmpty else { return }
        // What the writer puts before an element: for the array's first, and the others.
        let separators = Separators(first: json.separator(hasElement: false), next: json.separator(hasElement: true))
        defer { separators.deallocate() }
        let chunkRows = max(1, chunkRows)
        @Sendable func chunk(_ from: Int) -> [UInt8] {
            let to = min(rows.count, from + chunkRows)
            return rows.withUnsafeBufferPointer { rowBuffer in
                let row = rowBuffer.baseAddress!
                var total = 0
                for index in from ..< to { total += separators.bound + bound(row + index) }
                return [UInt8](unsafeUninitializedCapacity: total) { buffer, count in
                    var out = RowWriter(buffer.baseAddress!)
                    for index in from ..< to {
                        out.bytes(index == 0 ? separators.first : separators.next)
                        render(row + index, &out)
                    }
                    count = out.count
                }
            }
        }
        // The document up to the array's first row.
        sink(json.bytes)
        json.clearBytes()
        if rows.count <= chunkRows {
            sink(chunk(0))
        } else {
            // Two slots, used in turn: while one pair of chunks renders, this thread writes
            // out the pair rendered just before.
            let slots = ChunkSlots()
            var rendered: [Int] = []
            var start = 0
            while start < rows.count {
                let starts = [start, start + chunkRows].filter { $0 < rows.count }
                let slot = (start / (2 * chunkRows)) % 2
                let rendering = DispatchGroup()
                for (half, from) in starts.enumerated() {
                    DispatchQueue.global().async(group: rendering) { slots.store(chunk(from), at: 2 * slot + half) }
                }
                for index in rendered { sink(slots.take(index)) }
                rendering.wait()
                rendered = starts.indices.map { 2 * slot + $0 }
                start += 2 * chunkRows
            }
            for index in rendered { sink(slots.take(index)) }
        }
        json = json.continuation(hasElement: true)
    }

    /// The separators before an array's elements, encoded once (plain pointers, shared by
    /// both cores without reference counting); released by `deallocate`.
    private struct Separators: @unchecked Sendable {
        let first: UnsafeBufferPointer<UInt8>
        let next: UnsafeBufferPointer<UInt8>
        /// Most bytes of a separator.
        var bound: Int { max(first.count, next.count) }

        init(first: [UInt8], next: [UInt8]) {
            func encoded(_ bytes: [UInt8]) -> UnsafeBufferPointer<UInt8> {
                let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
                pointer.initialize(from: bytes, count: bytes.count)
                return UnsafeBufferPointer(start: pointer, count: bytes.count)
            }
            self.first = encoded(first)
            self.next = encoded(next)
        }

        func deallocate() {
            first.deallocate()
            next.deallocate()
        }
    }

    /// Rendered chunks waiting to be written: four slots (two pairs), each filled by one
    /// core and emptied by the writing thread, never at the same time.
    private final class ChunkSlots: @unchecked Sendable {
        private let slots: UnsafeMutablePointer<[UInt8]>

        init() {
            slots = .allocate(capacity: 4)
            slots.initialize(repeating: [], count: 4)
        }

        deinit {
            slots.deinitialize(count: 4)
            slots.deallocate()
        }

        func store(_ bytes: [UInt8], at index: Int) { slots[index] = bytes }

        func take(_ index: Int) -> [UInt8] {
            defer { slots[index] = [] }
            return slots[index]
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
        /// Most bytes of a lead row and of a cycle row, but for the lead id.
        let leadRowBound: Int
        let cycleRowBound: Int
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
            func longest(_ fragments: [[UInt8]]) -> Int { fragments.map(\.count).max() ?? 0 }
            leadRowBound = fixed[0].count + fixed[1].count + fixed[2].count + fixed[3].count
                + scores.reduce(0) { $0 + $1.count + RowWriter.numberBound }
                + stages.reduce(0) { $0 + $1.count + RowWriter.timestampBound }
            cycleRowBound = fixed[0].count + longest(deadlines) + RowWriter.integerBound + longest(statuses)
                + 3 * RowWriter.timestampBound + fixed[4].count + fixed[5].count + fixed[6].count + fixed[7].count
                + 2 * RowWriter.numberBound + max(fixed[8].count, fixed[9].count)
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
