import Dispatch
import Foundation

/// One input of an evaluation: where the events come from and how to read them.
public struct EventSource: Sendable {
    public var input: EventInput
    public var format: InputFormat
    /// The name used in rejection reports (the path, or `-` for standard input).
    public var displayName: String

    public init(input: EventInput, format: InputFormat, displayName: String) {
        self.input = input
        self.format = format
        self.displayName = displayName
    }
}

extension EventSource {
    /// `error` as the user should read it: standard input or a pipe, read from its copy
    /// (`InputSpool`), is named `-` or by its path, not by the copy's temporary path.
    func naming(_ error: InputError) -> InputError {
        guard case .file(let path) = input, path != displayName else { return error }
        return InputError(kind: error.kind, message: error.message.replacingOccurrences(path, displayName))
    }
}

/// How to run an evaluation.
public struct EvaluationOptions: Sendable {
    public var sources: [EventSource] = []
    /// `--as-of`, milliseconds since the epoch; nil for the latest accepted event time.
    public var asOf: Int64?
    /// `--max-bad`: more rejected records than this fail the run.
    public var maxBad: Int = 0
    public var leadField = "lead"
    public var typeField = "type"
    public var timeField = "at"
    /// The lead whose timeline is traced (for `sla explain`).
    public var traceLead: String?
    /// Whether the caller reports goal rows or judges them (`--fail-on missed`): when not
    /// (`sla explain`, `--format csv` alone), goal rows past `Evaluator.maximumGoalRows` do
    /// not fail the evaluation; the result then has none.
    public var reportsGoals = true
    /// Bytes per block of the two-core pass (`ParallelStreaming`); small in tests, to cut
    /// small inputs into many blocks.
    var blockBytes = ParallelStreaming.blockBytes
    /// How many rejections to keep in the result for reporting.
    public static let rejectionsKept = 20

    public init() {}
}

/// Why an evaluation produced no verdicts.
public enum EvaluationError: Error, Sendable {
    /// An input could not be read or has an invalid header (exit 2 or 3, decided by the driver).
    case input(InputError, file: String)
    /// More records were rejected than `--max-bad` allows (exit 2).
    case tooManyRejected(rejected: Int, maxBad: Int, rejections: [Rejection])
    /// The goals would have more rows than `Evaluator.maximumGoalRows` (exit 2); the result
    /// has everything else, for the message.
    case tooManyGoalRows(GoalRowCount, result: EvaluationResult)
}

/// Accepted events grouped by lead, in input order, with the input's counts.
public struct EventStore: Sendable {
    /// Lead ids in order of first appearance.
    public var leadIds: [String] = []
    var leadIndex = StringIndex()
    /// Each lead's events, in input order.
    public var eventsByLead: [[LeadEvent]] = []
    public var records = 0
    public var rejected = 0
    public var rejections: [Rejection] = []
    /// The latest accepted event time, nil when there is none.
    public var latest: Int64?

    public init() {}

    /// Adds an accepted event; its position is the count of events added before it.
    public mutating func add(lead: String, time: Int64, type: String, attributes: [Value]) {
        let event = LeadEvent(time: time, position: records, type: type, attributes: attributes)
        records += 1
        if latest == nil || time > latest! { latest = time }
        let (index, inserted) = leadIndex.insert(lead)
        if inserted {
            leadIds.append(lead)
            eventsByLead.append([event])
        } else {
            eventsByLead[index].append(event)
        }
    }

    public mutating func addRejection(_ rejection: Rejection) {
        rejected += 1
        if rejections.count < EvaluationOptions.rejectionsKept { rejections.append(rejection) }
    }
}

/// The leads of a streaming pass: their states and the processor that advances them, and
/// the latest event time seen. Shared by the one-core pass and each shard of the two-core one.
final class StreamingLeads: @unchecked Sendable {
    let states: LeadStates
    let processor: LeadProcessor
    /// The latest and earliest event time seen (milliseconds since the epoch).
    private(set) var latest: Int64?
    private(set) var earliest: Int64?

    /// `eventNumberLimit` and `valueStartBits` are the widths the buffered pass numbers its
    /// events and locates their values in (see `processBuffered` and `valueStart`); tests
    /// lower them to reach the wider paths with a few events.
    init(program: Program, eventNumberLimit: Int = Int(Int32.max), valueStartBits: Int = 32) {
        states = LeadStates(program: program)
        processor = LeadProcessor(program: program, states: states)
        self.eventNumberLimit = eventNumberLimit
        self.valueStartBits = valueStartBits
    }

    /// Takes `time` into account for the latest and earliest event time.
    @inline(__always)
    func noteTime(_ time: Int64) {
        if latest == nil || time > latest! { latest = time }
        if earliest == nil || time < earliest! { earliest = time }
    }

    /// Processes one event of the lead whose id is `leadBytes[0 ..< leadLength]` (hash
    /// `ByteHash.hash`). Returns false, doing nothing, when the event is earlier than its
    /// lead's previous one: the input is out of order.
    @inline(__always)
    func process(leadBytes: UnsafePointer<UInt8>, leadLength: Int, hash: UInt64, typeId: Int, typeText: String,
                 time: Int64, attributes: UnsafePointer<Value>,
                 presentSlots: UnsafePointer<UInt32>? = nil, presentCount: Int = 0) -> Bool {
        noteTime(time)
        let (lead, inserted) = states.lead(leadBytes, leadLength, hash: hash)
        if !inserted, time < states.lastTime(lead).pointee { return false }
        processor.process(lead: lead, typeId: typeId, typeText: typeText, time: time, attributes: attributes,
                          presentSlots: presentSlots, presentCount: presentCount)
        return true
    }

    /// `process` for a record whose texts are bytes.
    @inline(__always)
    func process(_ record: RawRecord, typeId: Int, typeText: String) -> Bool {
        process(leadBytes: record.lead, leadLength: record.leadLength, hash: ByteHash.hash(record.lead, record.leadLength),
                typeId: typeId, typeText: typeText, time: record.time, attributes: record.attributes,
                presentSlots: record.presentSlots, presentCount: record.presentCount)
    }

    // MARK: Buffered mode, for input out of order

    /// A buffered event: 16 bytes, so that an event is one read when its lead's events
    /// are gathered.
    struct BufferedEvent {
        /// Milliseconds since the epoch.
        var time: Int64
        /// The lead's number in `states`.
        var lead: Int32
        /// The program's id of the event type.
        var type: Int32
    }

    /// Buffered events, by arrival (`bufferedEvents`), and where each event's non-null
    /// attributes start in `bufferedSlots`/`bufferedValues` (an event's run ends where the
    /// next one's starts); the type's text only when `keepsTypeTexts`. Only the non-null
    /// values are kept: an export with fifty columns the SLA reads, most of them empty on
    /// most events, would otherwise cost fifty values an event.
    private let bufferedEvents = FlatColumn<BufferedEvent>(capacity: 1 << 12)
    /// (Empty when the SLA reads no attribute: a bench-like SLA then pays nothing per
    /// event.) The low `valueStartBits` bits (32) of each start: the rest is in
    /// `valueStartWraps` (see `valueStart`).
    private let bufferedValueStarts = FlatColumn<UInt32>(capacity: 1 << 12)
    /// The events from which the values' starts pass each multiple of 2^`valueStartBits`
    /// (one entry per multiple, in order; empty below four billion values, 96 GB of them).
    private var valueStartWraps: [Int] = []
    private let valueStartBits: Int
    /// Above this many buffered events, the buffered pass numbers them in 64 bits, not 32.
    private let eventNumberLimit: Int
    private let bufferedSlots = FlatColumn<UInt32>(capacity: 1 << 12)
    private let bufferedValues = FlatColumn<Value>(capacity: 1 << 12)
    private var bufferedTypeTexts: [String] = []
    /// How many attribute values the buffered events hold (their non-null ones).
    var bufferedValueCount: Int { bufferedValues.count }
    /// Whether `buffer` keeps type texts: the SLA reads `event.type`, or a lead is traced.
    var keepsTypeTexts = false

    /// Keeps an event for `processBuffered`: its lead is numbered (and gets a fresh state)
    /// now, its processing waits until every event has been read. `attributes` holds one
    /// value per slot; `presentSlots`, when given, lists the non-null ones (ascending).
    @inline(__always)
    func buffer(leadBytes: UnsafePointer<UInt8>, leadLength: Int, hash: UInt64, typeId: Int, typeText: String,
                time: Int64, attributes: UnsafePointer<Value>, presentSlots: UnsafePointer<UInt32>? = nil, presentCount: Int = 0) {
        buffer(lead: states.lead(leadBytes, leadLength, hash: hash).lead, typeId: typeId, typeText: typeText, time: time,
               attributes: attributes, presentSlots: presentSlots, presentCount: presentCount)
    }

    /// `buffer` for an event whose lead is numbered already.
    @inline(__always)
    func buffer(lead: Int, typeId: Int, typeText: String, time: Int64, attributes: UnsafePointer<Value>,
                presentSlots: UnsafePointer<UInt32>? = nil, presentCount: Int = 0) {
        noteTime(time)
        bufferedEvents.append(BufferedEvent(time: time, lead: Int32(truncatingIfNeeded: lead), type: Int32(truncatingIfNeeded: typeId)))
        if keepsTypeTexts { bufferedTypeTexts.append(typeText) }
        guard states.attributeCount > 0 else { return }
        let start = bufferedValues.count
        // An event adds fewer values than 2^32 (one per attribute at most), but a test's
        // narrow starts may pass several multiples at once.
        while start >> valueStartBits > valueStartWraps.count { valueStartWraps.append(bufferedValueStarts.count) }
        bufferedValueStarts.append(UInt32(truncatingIfNeeded: start & (1 << valueStartBits - 1)))
        if let presentSlots {
            for index in 0..<presentCount {
                let slot = presentSlots[index]
                bufferedSlots.append(slot)
                bufferedValues.append(attributes[Int(slot)])
            }
        } else {
            for slot in 0..<states.attributeCount where !attributes[slot].isNull {
                bufferedSlots.append(UInt32(truncatingIfNeeded: slot))
                bufferedValues.append(attributes[slot])
            }
        }
    }

    /// A buffered event gathered for processing: its time (milliseconds since the epoch),
    /// arrival number and type id.
    private struct GatheredEvent<Number: FixedWidthInteger> {
        var time: Int64
        var event: Number
        var type: Int32
    }

    /// Where buffered event `event`'s values start in `bufferedValues`, given the low bits
    /// of the starts (`bufferedValueStarts`): its run ends where the next event's starts,
    /// the last one's at `valueCount`.
    @inline(__always)
    private func valueStart(_ event: Int, lowBits: UnsafePointer<UInt32>, eventCount: Int, valueCount: Int) -> Int {
        guard event < eventCount else { return valueCount }
        let low = Int(lowBits[event])
        // Usually empty; else a few entries, one per 2^32 values.
        guard !valueStartWraps.isEmpty else { return low }
        var high = 0
        for wrap in valueStartWraps where wrap <= event { high += 1 }
        return high << valueStartBits | low
    }

    /// Sorts a lead's gathered events by time, keeping arrival order among equal times
    /// (they are gathered in arrival order): an insertion sort for the few events most leads
    /// have, else, unless already in order, the standard sort by (time, arrival).
    @inline(__always)
    private static func sortByTime<Number>(_ leadEvents: UnsafeMutableBufferPointer<GatheredEvent<Number>>) {
        var events = leadEvents
        let count = events.count
        guard count > 1 else { return }
        if count <= 32 {
            for index in 1..<count {
                let moving = events[index]
                var place = index
                while place > 0, events[place - 1].time > moving.time {
                    events[place] = events[place - 1]
                    place -= 1
                }
                events[place] = moving
            }
            return
        }
        for index in 1..<count where events[index - 1].time > events[index].time {
            events.sort { (left: GatheredEvent<Number>, right: GatheredEvent<Number>) -> Bool in
                left.time != right.time ? left.time < right.time : left.event < right.event
            }
            return
        }
    }

    /// Processes the buffered events lead by lead, each lead's in (time, arrival) order
    /// (SPEC.md 6.1): a counting sort lists each lead's events in arrival order (4 bytes an
    /// event), then the events of a few leads at a time (a few hundred events) are gathered,
    /// each lead's sorted by time, and processed. `traceLead`'s timeline goes to `trace`.
    ///
    /// The list holds event numbers rather than copies of the events: 4 bytes an event
    /// rather than 16 of fresh memory, which the kernel zeroes page by page. The events are
    /// then read out of arrival order, but in batches of independent reads, whose cache
    /// misses overlap.
    ///
    /// Events are numbered in 32 bits, up to 2^31 - 1 of them (`eventNumberLimit`), else in
    /// 64: the counting sort writes a number per event, and 32 bits halve that.
    func processBuffered(traceLead: String? = nil, trace: ((TraceEntry) -> Void)? = nil) {
        if bufferedEvents.count <= eventNumberLimit {
            processBuffered(numbering: Int32.self, traceLead: traceLead, trace: trace)
        } else {
            processBuffered(numbering: Int.self, traceLead: traceLead, trace: trace)
        }
    }

    /// `processBuffered`, with event numbers (and counts) of type `Number`.
    private func processBuffered<Number: FixedWidthInteger>(numbering: Number.Type, traceLead: String?,
                                                            trace: ((TraceEntry) -> Void)?) {
        let eventCount = bufferedEvents.count
        // Leads are numbered only as their events are buffered: no events, no leads.
        guard eventCount > 0 else { return }
        let leadCount = states.count
        let events = bufferedEvents.base
        var starts = [Number](repeating: 0, count: leadCount + 1)
        for event in 0..<eventCount { starts[Int(events[event].lead) + 1] += 1 }
        for lead in 0..<leadCount { starts[lead + 1] += starts[lead] }
        // Each lead's event numbers, in arrival order (reads in sequence, writes scattered
        // over 4 bytes an event, which mostly stay in cache).
        let order = filledArray(count: eventCount) { (base: UnsafeMutablePointer<Number>?) in
            guard let base else { return }
            var next = starts
            for event in 0..<eventCount {
                let lead = Int(events[event].lead)
                base[Int(next[lead])] = Number(truncatingIfNeeded: event)
                next[lead] += 1
            }
        }
        /// Events gathered per batch: enough reads in flight to overlap their misses, few
        /// enough to stay in the first-level cache.
        let batchEvents = 256
        var gathered = [GatheredEvent<Number>]()
        gathered.reserveCapacity(batchEvents)
        // Looked up, never added: a traced lead without events stays out of the verdicts.
        let traced = traceLead.flatMap { states.table.find($0) }
        // Each event's attributes are placed in one row of nulls for its processing.
        let row = EventRow(count: states.attributeCount)
        let hasAttributes = states.attributeCount > 0
        // Read once, not through the columns at every event.
        let lowBits = UnsafePointer(bufferedValueStarts.base), valueCount = bufferedValues.count
        let values = UnsafePointer(bufferedValues.base), slots = UnsafePointer(bufferedSlots.base)
        order.withUnsafeBufferPointer { order in
            var batchStart = 0
            while batchStart < leadCount {
                // The batch's leads: whole leads, at least one, up to about `batchEvents` events.
                let first = Int(starts[batchStart])
                var batchEnd = batchStart + 1
                while batchEnd < leadCount, Int(starts[batchEnd + 1]) - first <= batchEvents { batchEnd += 1 }
                let last = Int(starts[batchEnd])
                // Gathered in a loop of reads only, so that their misses overlap.
                gathered.removeAll(keepingCapacity: true)
                for index in first..<last {
                    let event = order[index]
                    let buffered = events[Int(event)]
                    gathered.append(GatheredEvent(time: buffered.time, event: event, type: buffered.type))
                }
                gathered.withUnsafeMutableBufferPointer { gathered in
                    for lead in batchStart..<batchEnd {
                        let leadEvents = UnsafeMutableBufferPointer(rebasing: gathered[Int(starts[lead]) - first ..< Int(starts[lead + 1]) - first])
                        Self.sortByTime(leadEvents)
                        processor.trace = lead == traced ? trace : nil
                        for arrival in leadEvents {
                            let event = Int(arrival.event)
                            let start = hasAttributes ? valueStart(event, lowBits: lowBits, eventCount: eventCount, valueCount: valueCount) : 0
                            let end = hasAttributes ? valueStart(event + 1, lowBits: lowBits, eventCount: eventCount, valueCount: valueCount) : 0
                            let attributes = row.fill(values: values, slots: slots, from: start, to: end)
                            processor.process(lead: lead, typeId: Int(arrival.type), typeText: keepsTypeTexts ? bufferedTypeTexts[event] : "",
                                              time: arrival.time, attributes: attributes,
                                              presentSlots: slots + start, presentCount: end - start)
                            row.clear(slots: slots, from: start, to: end)
                        }
                    }
                }
                batchStart = batchEnd
            }
        }
        processor.trace = nil
    }
}

/// The merged verdict lists while shards write into them (uninitialized memory; each
/// place is written by one shard only).
private struct VerdictLists: @unchecked Sendable {
    let leads: UnsafeMutablePointer<LeadVerdict>?
    let cycles: UnsafeMutablePointer<CycleVerdict>?
    /// Where `cycles` points when there are none (nothing is ever written there).
    var placeholder: UnsafeMutablePointer<CycleVerdict> { UnsafeMutablePointer(bitPattern: MemoryLayout<CycleVerdict>.alignment)! }
}

/// One shard's verdicts. Its leads' and cycles' verdicts are written straight into the
/// merged lists, at places worked out beforehand (`leadIndices`, `cycleStarts`); the rest
/// (goal items) is merged after.
final class ShardVerdicts: @unchecked Sendable {
    /// The shard's leads' sort keys in byte order of their ids, until the shards' orders
    /// are merged; then emptied (`compute` needs only `order`).
    private(set) var keys: [LeadTable.SortKey] = []
    /// The shard's leads in byte order of their ids, from `compute` on.
    private var order: [Int32] = []
    /// By position in `order`: how many cycles the lead has.
    private(set) var cycleCounts: [Int32] = []
    /// How many leads the shard has (one cycle count each), from `sort` on.
    var leadCount: Int { cycleCounts.count }
    /// By position in `order`: the lead's index in the merged lead list, and its first
    /// cycle's in the merged cycle list.
    var leadIndices: [Int32] = []
    var cycleStarts: [Int] = []
    /// Goal items whose sum depends on the order they are added in (`sum` goals: floating
    /// point), kept to be added in lead order when shards are merged: lead `i` of `order`
    /// has `items[itemEnds[i - 1] ..< itemEnds[i]]`.
    var items: [ResolvedGoalItem] = []
    /// Filled only when the SLA has `sum` goals (`keepsItemEnds`).
    var itemEnds: [Int] = []
    /// Whether the SLA has `sum` goals, whose items `items` and `itemEnds` keep.
    let keepsItemEnds: Bool
    /// Every other goal item, already aggregated (counts, rates and statistics do not
    /// depend on the order of their items).
    var aggregator: GoalAggregator

    /// The scores and stage entries of the shard's lead verdicts.
    let numbers: VerdictNumbers

    init(sla: CheckedSLA) {
        aggregator = GoalAggregator(sla: sla)
        numbers = VerdictNumbers(scoreCount: sla.scores.count, stageCount: sla.stages.count)
        keepsItemEnds = sla.goals.contains { if case .sum = $0.measure { true } else { false } }
    }

    /// Orders the shard's leads by id and counts their cycles: what placing them needs.
    /// `skip`: the bytes every lead id of every shard shares (`LeadTable.sharedPrefix(of:)`).
    func sort(_ leads: StreamingLeads, skipping skip: Int) {
        let states = leads.states
        keys = states.table.sortedKeys(skipping: skip)
        // Read in lead order (records in sequence), then permuted in cache: read in id
        // order, each count would be a miss.
        let countsByLead = (0..<states.count).map { states.cycleCount($0) }
        cycleCounts = keys.map { countsByLead[Int($0.lead)] }
    }

    /// Computes the verdicts of every lead of `leads` at `asOf`, after `sort` and once
    /// `leadIndices` and `cycleStarts` are set: lead verdicts go to `leadList` and cycle
    /// verdicts to `cycleList` (uninitialized memory, whose places are this shard's alone).
    func compute(_ leads: StreamingLeads, asOf: Int64, leadList: UnsafeMutablePointer<LeadVerdict>,
                 cycleList: UnsafeMutablePointer<CycleVerdict>) {
        let states = leads.states
        aggregator.merge(leads.processor.entryCounts)
        // The keys were for the merge: from here on, only the order is kept.
        order = keys.map(\.lead)
        keys = []
        let order = self.order
        if keepsItemEnds { itemEnds.reserveCapacity(order.count) }
        numbers.reserve(leads: order.count)
        // In batches: first the reads of a batch's leads, which do not depend on each other
        // (their cache misses overlap; leads in id order are scattered in memory), then the
        // verdicts, from cache. The reads in two steps: the records, then what they link
        // to. (In one step, each lead's linked reads waited for its record, and few misses
        // were in flight at a time.)
        let batch = 64
        var start = 0
        while start < order.count {
            let end = min(order.count, start + batch)
            var touched: UInt64 = 0
            for index in start..<end { touched &+= states.touchRecordForFinish(Int(order[index])) }
            for index in start..<end { touched &+= states.touchLinkedForFinish(Int(order[index])) }
            sink &+= touched
            for index in start..<end {
                leads.processor.finish(lead: Int(order[index]), asOf: asOf, into: self, leadSlot: leadList + Int(leadIndices[index]),
                                       cycleSlots: cycleList + cycleStarts[index], cycleCount: Int(cycleCounts[index]))
            }
            start = end
        }
    }

    /// Where the values read ahead go, so that the reads are not optimised away.
    private(set) var sink: UInt64 = 0
}

/// Runs a compiled SLA over event inputs (SPEC.md sections 5-6).
///
/// Events are processed as they are read, each into its lead's state, so input that is in
/// time order per lead (a time-sorted export, or one grouped by lead) is evaluated in memory
/// that grows with the number of leads, not of events. At the first event that is earlier
/// than its lead's previous one, the evaluation starts over in buffered mode: every event is
/// kept, each lead's events are sorted by (time, input position), then processed.
public struct Evaluator {
    public let program: Program

    /// The most goal rows (all goals, periods and groups) an evaluation reports: five
    /// million rows take about 850 MB to build and report. More fail the evaluation
    /// (`EvaluationError.tooManyGoalRows`), as they come from an event far from the others
    /// in time (a placeholder date such as 0001-01-01) or a mistyped `--as-of`.
    public static let maximumGoalRows = 5_000_000

    public init(program: Program) { self.program = program }

    /// Thrown inside the streaming pass when a lead's events are out of order.
    private struct OutOfOrder: Error {}

    /// Reads every source and evaluates every lead. `onReject` receives each rejected record
    /// once, in input order, as it is found (for `--rejects`). `trace` receives the traced
    /// lead's timeline.
    public func evaluate(_ options: EvaluationOptions,
                         onReject: (RejectedRecord, String) throws -> Void = { _, _ in },
                         trace: ((TraceEntry) -> Void)? = nil) throws -> EvaluationResult {
        var options = options
        let spooled = try InputSpool.replace(in: &options.sources)
        defer { spooled?.remove() }
        // Rejected records go to `onReject` as they are found. A pass that starts over (on
        // out-of-order events) meets the same rejections in the same order again: only those
        // beyond what an earlier pass already handed out are passed on.
        var handedOut = 0
        var seenInPass = 0
        let forward: (RejectedRecord, String) throws -> Void = { record, file in
            seenInPass += 1
            if seenInPass > handedOut {
                handedOut = seenInPass
                try onReject(record, file)
            }
        }
        var result: EvaluationResult?
        let parallel = ParallelStreaming(program: program, options: options, makeReader: { makeReader(options, chunkBytes: $0) })
        if parallel.applies, ProcessInfo.processInfo.activeProcessorCount > 1 {
            for buffered in [false, true] {
                do {
                    result = try parallel.run(buffered: buffered, onReject: forward) { shards, asOf, records, rejected, rejections in
                        finish(shards, asOf: asOf, records: records, rejected: rejected, rejections: rejections)
                    }
                    break
                } catch ParallelStreaming.Fallback.outOfOrder {
                    // Start over, keeping the events this time.
                    seenInPass = 0
                } catch ParallelStreaming.Fallback.lineTooLong, ParallelStreaming.Fallback.recordCrossesBlock {
                    // The one-core pass below reads long lines in bounded memory and follows
                    // CSV quoting from the start.
                    seenInPass = 0
                    break
                }
            }
        }
        if result == nil {
            // The traced timeline is kept until a pass completes: a pass that starts over
            // has already traced the events before the one out of order.
            var traced: [TraceEntry] = []
            let keep: ((TraceEntry) -> Void)? = trace.map { _ in { traced.append($0) } }
            do {
                result = try streamingPass(options, buffered: false, onReject: forward, trace: keep)
            } catch is OutOfOrder {
                seenInPass = 0
                traced.removeAll()
                result = try streamingPass(options, buffered: true, onReject: forward, trace: keep)
            }
            if let trace { traced.forEach(trace) }
        }
        guard let result else { preconditionFailure("every pass returns a result or throws") }
        if result.rejected > options.maxBad {
            throw EvaluationError.tooManyRejected(rejected: result.rejected, maxBad: options.maxBad, rejections: result.rejections)
        }
        if let count = result.goalRowsBeyondLimit, options.reportsGoals { throw EvaluationError.tooManyGoalRows(count, result: result) }
        return result
    }

    private func makeReader(_ options: EvaluationOptions, chunkBytes: Int = EventReader.defaultChunkBytes) -> EventReader {
        var schema = EventSchema(attributes: program.attributeNames)
        schema.leadField = options.leadField
        schema.typeField = options.typeField
        schema.timeField = options.timeField
        return EventReader(schema: schema, zone: program.sla.zone, chunkBytes: chunkBytes)
    }

    /// Reads and processes in one pass on one core; throws `OutOfOrder` when a lead's
    /// events go back in time. With `buffered`, events are kept and processed once all are
    /// read, in each lead's (time, input position) order.
    private func streamingPass(_ options: EvaluationOptions, buffered: Bool, onReject: (RejectedRecord, String) throws -> Void,
                               trace: ((TraceEntry) -> Void)?) throws -> EvaluationResult {
        let reader = makeReader(options)
        let leads = StreamingLeads(program: program)
        var records = 0, rejected = 0
        var rejections: [Rejection] = []
        let asOf = options.asOf
        let traceBytes = options.traceLead.map { Array($0.utf8) }
        leads.keepsTypeTexts = program.readsEventType || traceBytes != nil
        /// The traced lead's events after the as-of time, which its timeline mentions.
        var laterTracedEvents = 0
        for source in options.sources {
            do {
                try reader.readRaw(source.input, format: source.format, accept: { record in
                    records += 1
                    if let asOf, record.time > asOf {
                        if let traceBytes, record.leadLength == traceBytes.count,
                           memoryEqual(record.lead, traceBytes, traceBytes.count) {
                            laterTracedEvents += 1
                        }
                        return
                    }
                    let typeId = program.typeId(record.type, record.typeLength)
                    if buffered {
                        let typeText = leads.keepsTypeTexts ? record.typeText : ""
                        leads.buffer(leadBytes: record.lead, leadLength: record.leadLength,
                                     hash: ByteHash.hash(record.lead, record.leadLength), typeId: typeId, typeText: typeText,
                                     time: record.time, attributes: record.attributes,
                                     presentSlots: record.presentSlots, presentCount: record.presentCount)
                        return
                    }
                    if let traceBytes {
                        let traced = record.leadLength == traceBytes.count && memoryEqual(record.lead, traceBytes, traceBytes.count)
                        leads.processor.trace = traced ? trace : nil
                    }
                    let typeText = leads.processor.needsTypeText ? record.typeText : ""
                    guard leads.process(record, typeId: typeId, typeText: typeText) else { throw OutOfOrder() }
                }, reject: { rejection in
                    rejected += 1
                    if rejections.count < EvaluationOptions.rejectionsKept {
                        rejections.append(Rejection(file: source.displayName, line: rejection.line, reason: rejection.reason))
                    }
                    try onReject(rejection, source.displayName)
                })
            } catch let error as InputError {
                throw EvaluationError.input(source.naming(error), file: source.displayName)
            }
        }
        if buffered {
            if rejected > options.maxBad {
                throw EvaluationError.tooManyRejected(rejected: rejected, maxBad: options.maxBad, rejections: rejections)
            }
            leads.processBuffered(traceLead: options.traceLead, trace: trace)
        }
        if laterTracedEvents > 0 { trace?(.laterEvents(count: laterTracedEvents)) }
        return finish([leads], asOf: asOf ?? leads.latest, records: records, rejected: rejected, rejections: rejections)
    }

    /// Reads every source into an `EventStore`, in order.
    public func read(_ options: EvaluationOptions, onReject: (RejectedRecord, String) throws -> Void = { _, _ in }) throws -> EventStore {
        let reader = makeReader(options)
        var store = EventStore()
        for source in options.sources {
            do {
                try reader.read(source.input, format: source.format, accept: { record in
                    store.add(lead: record.lead, time: record.time, type: record.type, attributes: record.attributes)
                }, reject: { rejection in
                    store.addRejection(Rejection(file: source.displayName, line: rejection.line, reason: rejection.reason))
                    try onReject(rejection, source.displayName)
                })
            } catch let error as InputError {
                throw EvaluationError.input(source.naming(error), file: source.displayName)
            }
        }
        return store
    }

    /// Evaluates buffered events at `asOf` (default: the latest accepted event): each lead's
    /// events are sorted by (time, input position) and processed in turn.
    public func run(_ store: EventStore, asOf requestedAsOf: Int64?, traceLead: String? = nil,
                    trace: ((TraceEntry) -> Void)? = nil) -> EvaluationResult {
        let asOf = requestedAsOf ?? store.latest
        let leads = StreamingLeads(program: program)
        if let asOf {
            // Buffered lead by lead, each lead's events in input order: the buffered pass
            // sorts them by (time, input position) as for a file out of order.
            leads.keepsTypeTexts = program.readsEventType || traceLead != nil
            for (index, lead) in store.leadIds.enumerated() {
                var id = lead
                id.withUTF8 { bytes in
                    let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    let hash = ByteHash.hash(base, bytes.count)
                    for event in store.eventsByLead[index] where event.time <= asOf {
                        event.attributes.withUnsafeBufferPointer { attributes in
                            leads.buffer(leadBytes: base, leadLength: bytes.count, hash: hash, typeId: program.typeId(event.type),
                                         typeText: event.type, time: event.time,
                                         attributes: attributes.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Value>.alignment)!)
                        }
                    }
                }
            }
            leads.processBuffered(traceLead: traceLead, trace: trace)
        }
        return finish([leads], asOf: asOf, records: store.records, rejected: store.rejected, rejections: store.rejections)
    }

    /// Verdicts of every processed lead at `asOf`: leads in byte order of their ids, cycles
    /// by lead, deadline and number, goals by goal, period and group. With several shards
    /// (whose leads are disjoint), the cores share the shards: each shard orders its leads,
    /// a merge of those orders gives every lead its place in the lists, and each shard then
    /// writes its leads' verdicts in place.
    func finish(_ shards: [StreamingLeads], asOf: Int64?, records: Int, rejected: Int,
                rejections: [Rejection]) -> EvaluationResult {
        guard let asOf, shards.contains(where: { $0.states.count > 0 }) else {
            return EvaluationResult(sla: program.sla, asOf: asOf, records: records, rejected: rejected,
                                    rejections: rejections, leads: [], cycles: [], goals: [])
        }
        let parts = shards.map { _ in ShardVerdicts(sla: program.sla) }
        let skip = LeadTable.sharedPrefix(of: shards.map(\.states.table))
        DispatchQueue.concurrentPerform(iterations: shards.count) { shard in parts[shard].sort(shards[shard], skipping: skip) }
        // A k-way merge of the orders by lead id (k is 1, or `ParallelStreaming.shardCount`):
        // `merged` lists the shard of each lead in the final order (a lead's position in
        // its shard's order is how many of the shard's leads came before it), and places
        // each lead and its cycles.
        precondition(parts.count <= Int(UInt8.max) + 1, "a shard number fits in a byte")
        var merged: [UInt8] = []
        merged.reserveCapacity(parts.reduce(0) { $0 + $1.leadCount })
        var cursors = Array(repeating: 0, count: parts.count)
        var cycleTotal = 0
        for part in parts {
            part.leadIndices = Array(repeating: 0, count: part.leadCount)
            part.cycleStarts = Array(repeating: 0, count: part.leadCount)
        }
        while true {
            var chosen = -1
            for part in parts.indices where cursors[part] < parts[part].leadCount {
                if chosen < 0 || shards[part].states.table.precedes(parts[part].keys[cursors[part]], shards[chosen].states.table,
                                                                    parts[chosen].keys[cursors[chosen]]) {
                    chosen = part
                }
            }
            guard chosen >= 0 else { break }
            let part = parts[chosen], index = cursors[chosen]
            cursors[chosen] += 1
            part.leadIndices[index] = Int32(truncatingIfNeeded: merged.count)
            part.cycleStarts[index] = cycleTotal
            cycleTotal += Int(part.cycleCounts[index])
            merged.append(UInt8(truncatingIfNeeded: chosen))
        }
        var cycles: [CycleVerdict] = []
        let leads = filledArray(count: merged.count) { (leadList: UnsafeMutablePointer<LeadVerdict>?) in
            cycles = filledArray(count: cycleTotal) { (cycleList: UnsafeMutablePointer<CycleVerdict>?) in
                let lists = VerdictLists(leads: leadList, cycles: cycleList)
                // Written once, in full, on two cores: in 2 MiB pages, one fault each.
                if let leadList { HugePages.advise(leadList, byteCount: merged.count * MemoryLayout<LeadVerdict>.stride) }
                if let cycleList { HugePages.advise(cycleList, byteCount: cycleTotal * MemoryLayout<CycleVerdict>.stride) }
                DispatchQueue.concurrentPerform(iterations: shards.count) { shard in
                    parts[shard].compute(shards[shard], asOf: asOf, leadList: lists.leads!, cycleList: lists.cycles ?? lists.placeholder)
                }
            }
        }
        var aggregator = parts[0].aggregator
        for part in parts.dropFirst() { aggregator.merge(part.aggregator) }
        let firstEvent = shards.compactMap(\.earliest).min() ?? Int64.max
        if parts.contains(where: { !$0.items.isEmpty }) {
            cursors = Array(repeating: 0, count: parts.count)
            for shard in merged {
                let part = Int(shard), index = cursors[part]
                cursors[part] += 1
                let items = parts[part].items, ends = parts[part].itemEnds
                for item in items[(index == 0 ? 0 : ends[index - 1]) ..< ends[index]] { aggregator.add(item) }
            }
        }
        // Goal rows are not bounded by the input: one event in year 1 and one in 9999 make
        // 3.65 million days per daily goal and group. Counted first, so that such an input
        // fails quickly instead of filling the memory.
        let rowCount = aggregator.rowCount(firstEvent: firstEvent, asOf: asOf)
        let overLimit = rowCount.rows > Evaluator.maximumGoalRows
        return EvaluationResult(sla: program.sla, asOf: asOf, records: records, rejected: rejected, rejections: rejections,
                                leads: leads, cycles: cycles, goals: overLimit ? [] : aggregator.verdicts(firstEvent: firstEvent, asOf: asOf),
                                firstEvent: firstEvent, goalRowsBeyondLimit: overLimit ? rowCount : nil,
                                evaluatedState: EvaluatedState(shards))
    }
}
