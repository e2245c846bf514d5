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

/// A string compared and hashed by its exact scalars (UTF-8 bytes), never by canonical
/// equivalence: lead ids are compared exactly (SPEC.md section 5).
struct ExactString: Hashable, Sendable {
    let string: String
    init(_ string: String) { self.string = string }
    static func == (lhs: ExactString, rhs: ExactString) -> Bool { lhs.string.utf8.elementsEqual(rhs.string.utf8) }
    func hash(into hasher: inout Hasher) {
        for byte in string.utf8 { hasher.combine(byte) }
    }
}

/// Accepted events grouped by lead, in input order, with the input's counts.
public struct EventStore: Sendable {
    /// Lead ids in order of first appearance.
    public var leadIds: [String] = []
    var leadIndex: [ExactString: Int] = [:]
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
        if let index = leadIndex[ExactString(lead)] {
            eventsByLead[index].append(event)
        } else {
            leadIndex[ExactString(lead)] = leadIds.count
            leadIds.append(lead)
            eventsByLead.append([event])
        }
    }

    public mutating func addRejection(_ rejection: Rejection) {
        rejected += 1
        if rejections.count < EvaluationOptions.rejectionsKept { rejections.append(rejection) }
    }
}

/// Runs a compiled SLA over event inputs (SPEC.md sections 5-6).
public struct Evaluator {
    public let program: Program

    public init(program: Program) { self.program = program }

    /// Reads every source, then evaluates every lead. `onReject` receives each rejected
    /// record as it is found (for `--rejects`). `trace` receives the traced lead's timeline.
    public func evaluate(_ options: EvaluationOptions,
                         onReject: (RejectedRecord, String) throws -> Void = { _, _ in },
                         trace: ((TraceEntry) -> Void)? = nil) throws -> EvaluationResult {
        let store = try read(options, onReject: onReject)
        if store.rejected > options.maxBad {
            throw EvaluationError.tooManyRejected(rejected: store.rejected, maxBad: options.maxBad, rejections: store.rejections)
        }
        return run(store, asOf: options.asOf, traceLead: options.traceLead, trace: trace)
    }

    /// Reads every source into an `EventStore`, in order.
    public func read(_ options: EvaluationOptions, onReject: (RejectedRecord, String) throws -> Void = { _, _ in }) throws -> EventStore {
        var schema = EventSchema(attributes: program.attributeNames)
        schema.leadField = options.leadField
        schema.typeField = options.typeField
        schema.timeField = options.timeField
        let reader = EventReader(schema: schema, zone: program.sla.zone)
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
                throw EvaluationError.input(error, file: source.displayName)
            }
        }
        return store
    }

    /// Evaluates every lead of `store` at `asOf` (default: the latest accepted event).
    public func run(_ store: EventStore, asOf requestedAsOf: Int64?, traceLead: String? = nil,
                    trace: ((TraceEntry) -> Void)? = nil) -> EvaluationResult {
        var store = store
        guard let asOf = requestedAsOf ?? store.latest else {
            return EvaluationResult(sla: program.sla, asOf: nil, records: store.records, rejected: store.rejected,
                                    rejections: store.rejections, leads: [], cycles: [], goals: [])
        }
        let processor = LeadProcessor(program: program)
        var aggregator = GoalAggregator(sla: program.sla)
        var leads: [LeadVerdict] = []
        var cycles: [CycleVerdict] = []
        var firstEvent = Int64.max
        let leadIds = store.leadIds
        // Leads in byte order of their ids (SPEC.md 7.1).
        let order = leadIds.indices.sorted { leadIds[$0].utf8.lexicographicallyPrecedes(leadIds[$1].utf8) }
        for index in order {
            var events = store.eventsByLead[index].filter { $0.time <= asOf }
            store.eventsByLead[index] = []
            guard !events.isEmpty else { continue }
            events.sort { $0.time != $1.time ? $0.time < $1.time : $0.position < $1.position }
            firstEvent = min(firstEvent, events[0].time)
            processor.reset(lead: leadIds[index])
            processor.trace = leadIds[index].utf8.elementsEqual((traceLead ?? "").utf8) && traceLead != nil ? trace : nil
            for event in events { processor.process(event) }
            let outcome = processor.finish(asOf: asOf)
            leads.append(outcome.lead)
            // Within a lead: deadline declaration order, then cycle number.
            cycles.append(contentsOf: outcome.cycles.sorted { ($0.deadline, $0.number) < ($1.deadline, $1.number) })
            for item in outcome.items { aggregator.add(item) }
        }
        let goals = leads.isEmpty ? [] : aggregator.verdicts(firstEvent: firstEvent, asOf: asOf)
        return EvaluationResult(sla: program.sla, asOf: asOf, records: store.records, rejected: store.rejected,
                                rejections: store.rejections, leads: leads, cycles: cycles, goals: goals,
                                firstEvent: leads.isEmpty ? nil : firstEvent)
    }
}
