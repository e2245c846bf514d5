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
    /// `error` as the user should read it: standard input, read from its spooled copy
    /// (`StandardInputSpool`), is named `-`, not by the copy's temporary path.
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

/// The leads of a streaming pass: each lead's state, found by its id, and the latest event
/// time seen. Shared by the one-core pass and each shard of the two-core one.
struct StreamingLeads {
    let program: Program
    private var index = StringIndex(capacity: 1024)
    private(set) var states: [LeadState] = []
    private(set) var latest: Int64?

    init(program: Program) { self.program = program }

    /// The state that the record's event goes into (a new one for a new lead), or nil when
    /// the event is earlier than its lead's previous one: the input is out of order.
    mutating func state(for record: EventRecord) -> LeadState? {
        if latest == nil || record.time > latest! { latest = record.time }
        let (found, inserted) = index.insert(record.lead)
        if inserted {
            let state = LeadState(lead: record.lead, program: program)
            states.append(state)
            return state
        }
        let state = states[found]
        return record.time < state.lastTime ? nil : state
    }

    /// Sorts the states by lead id, in byte order.
    mutating func sortByLead() {
        states.sort { ExactText.less($0.lead, $1.lead) }
    }
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
        let spooled = try StandardInputSpool.replace(in: &options.sources)
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
        var outOfOrder = false
        let parallel = ParallelStreaming(program: program, options: options, makeReader: { makeReader(options) })
        if parallel.applies, ProcessInfo.processInfo.activeProcessorCount > 1 {
            do {
                result = try parallel.run(onReject: forward) { states, processor, asOf, records, rejected, rejections in
                    finish(states, processor: processor, asOf: asOf, records: records, rejected: rejected, rejections: rejections)
                }
            } catch ParallelStreaming.Fallback.outOfOrder {
                outOfOrder = true
            } catch ParallelStreaming.Fallback.lineTooLong {
                // The one-core pass below reads it in bounded memory.
            }
            seenInPass = 0
        }
        do {
            if outOfOrder { throw OutOfOrder() }
            if result == nil { result = try streamingPass(options, onReject: forward, trace: trace) }
        } catch is OutOfOrder {
            seenInPass = 0
            var store = try read(options, onReject: forward)
            if store.rejected > options.maxBad {
                throw EvaluationError.tooManyRejected(rejected: store.rejected, maxBad: options.maxBad, rejections: store.rejections)
            }
            store.rejections = Array(store.rejections.prefix(EvaluationOptions.rejectionsKept))
            result = run(store, asOf: options.asOf, traceLead: options.traceLead, trace: trace)
        }
        guard let result else { preconditionFailure("every pass returns a result or throws") }
        if result.rejected > options.maxBad {
            throw EvaluationError.tooManyRejected(rejected: result.rejected, maxBad: options.maxBad, rejections: result.rejections)
        }
        return result
    }

    private func makeReader(_ options: EvaluationOptions) -> EventReader {
        var schema = EventSchema(attributes: program.attributeNames)
        schema.leadField = options.leadField
        schema.typeField = options.typeField
        schema.timeField = options.timeField
        return EventReader(schema: schema, zone: program.sla.zone)
    }

    /// Reads and processes in one pass; throws `OutOfOrder` when a lead's events go back in time.
    private func streamingPass(_ options: EvaluationOptions, onReject: (RejectedRecord, String) throws -> Void,
                               trace: ((TraceEntry) -> Void)?) throws -> EvaluationResult {
        let reader = makeReader(options)
        let processor = LeadProcessor(program: program)
        var leads = StreamingLeads(program: program)
        var records = 0, rejected = 0
        var rejections: [Rejection] = []
        let asOf = options.asOf
        let traceLead = options.traceLead
        for source in options.sources {
            do {
                try reader.read(source.input, format: source.format, accept: { record in
                    records += 1
                    if let asOf, record.time > asOf { return }
                    guard let state = leads.state(for: record) else { throw OutOfOrder() }
                    if let traceLead {
                        processor.trace = ExactText.equal(record.lead, traceLead) ? trace : nil
                    }
                    processor.process(record.type, time: record.time, attributes: record.attributes, into: state)
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
        return finish(leads.states, processor: processor, asOf: asOf ?? leads.latest, records: records, rejected: rejected,
                      rejections: rejections)
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
        let processor = LeadProcessor(program: program)
        var states: [LeadState] = []
        if let asOf {
            for (index, lead) in store.leadIds.enumerated() {
                var events = store.eventsByLead[index].filter { $0.time <= asOf }
                guard !events.isEmpty else { continue }
                events.sort { $0.time != $1.time ? $0.time < $1.time : $0.position < $1.position }
                let state = LeadState(lead: lead, program: program)
                processor.trace = traceLead.map { ExactText.equal(lead, $0) } == true ? trace : nil
                for event in events {
                    processor.process(event.type, time: event.time, attributes: event.attributes, into: state)
                }
                states.append(state)
            }
        }
        return finish(states, processor: processor, asOf: asOf, records: store.records, rejected: store.rejected,
                      rejections: store.rejections)
    }

    /// Verdicts of every processed lead at `asOf`: leads in byte order of their ids, cycles
    /// by lead, deadline and number, goals by goal, period and group.
    private func finish(_ states: [LeadState], processor: LeadProcessor, asOf: Int64?, records: Int, rejected: Int,
                        rejections: [Rejection]) -> EvaluationResult {
        guard let asOf, !states.isEmpty else {
            return EvaluationResult(sla: program.sla, asOf: asOf, records: records, rejected: rejected,
                                    rejections: rejections, leads: [], cycles: [], goals: [])
        }
        var aggregator = GoalAggregator(sla: program.sla)
        var leads: [LeadVerdict] = []
        var cycles: [CycleVerdict] = []
        var firstEvent = Int64.max
        // Already in order when the parallel pass merged its shards.
        let ordered = zip(states, states.dropFirst()).allSatisfy({ ExactText.less($0.lead, $1.lead) })
            ? states : states.sorted { ExactText.less($0.lead, $1.lead) }
        leads.reserveCapacity(ordered.count)
        for state in ordered {
            firstEvent = min(firstEvent, state.firstTime)
            let outcome = processor.finish(state, asOf: asOf)
            leads.append(outcome.lead)
            cycles.append(contentsOf: outcome.cycles.sorted { ($0.deadline, $0.number) < ($1.deadline, $1.number) })
            for item in outcome.items { aggregator.add(item) }
        }
        return EvaluationResult(sla: program.sla, asOf: asOf, records: records, rejected: rejected, rejections: rejections,
                                leads: leads, cycles: cycles, goals: aggregator.verdicts(firstEvent: firstEvent, asOf: asOf),
                                firstEvent: firstEvent)
    }
}
