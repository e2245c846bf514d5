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

/// Runs a compiled SLA over event inputs (SPEC.md sections 5-6).
public struct Evaluator {
    public let program: Program

    public init(program: Program) { self.program = program }

    /// Reads every source, then evaluates every lead. `onReject` receives each rejected
    /// record as it is found (for `--rejects`). `trace` receives the traced lead's timeline.
    public func evaluate(_ options: EvaluationOptions,
                         onReject: (RejectedRecord, String) throws -> Void = { _, _ in },
                         trace: ((TraceEntry) -> Void)? = nil) throws -> EvaluationResult {
        var schema = EventSchema(attributes: program.attributeNames)
        schema.leadField = options.leadField
        schema.typeField = options.typeField
        schema.timeField = options.timeField
        let reader = EventReader(schema: schema, zone: program.sla.zone)

        var leadIndex: [String: Int] = [:]
        var leadIds: [String] = []
        var eventsByLead: [[LeadEvent]] = []
        var records = 0, rejected = 0
        var rejections: [Rejection] = []
        var position = 0
        var latest = Int64.min

        for source in options.sources {
            do {
                try reader.read(source.input, format: source.format, accept: { record in
                    records += 1
                    let event = LeadEvent(time: record.time, position: position, type: record.type, attributes: record.attributes)
                    position += 1
                    if record.time > latest { latest = record.time }
                    if let index = leadIndex[record.lead] {
                        eventsByLead[index].append(event)
                    } else {
                        leadIndex[record.lead] = leadIds.count
                        leadIds.append(record.lead)
                        eventsByLead.append([event])
                    }
                }, reject: { rejection in
                    rejected += 1
                    if rejections.count < EvaluationOptions.rejectionsKept {
                        rejections.append(Rejection(file: source.displayName, line: rejection.line, reason: rejection.reason))
                    }
                    try onReject(rejection, source.displayName)
                })
            } catch let error as InputError {
                throw EvaluationError.input(error, file: source.displayName)
            }
        }
        if rejected > options.maxBad {
            throw EvaluationError.tooManyRejected(rejected: rejected, maxBad: options.maxBad, rejections: rejections)
        }

        let asOf = options.asOf ?? (records > 0 ? latest : nil)
        guard let asOf else {
            return EvaluationResult(sla: program.sla, asOf: nil, records: records, rejected: rejected,
                                    rejections: rejections, leads: [], cycles: [], goals: [])
        }

        let processor = LeadProcessor(program: program)
        var aggregator = GoalAggregator(sla: program.sla)
        var leads: [LeadVerdict] = []
        var cycles: [CycleVerdict] = []
        var firstEvent = Int64.max
        // Leads in byte order of their ids (SPEC.md 7.1).
        let order = leadIds.indices.sorted { leadIds[$0].utf8.lexicographicallyPrecedes(leadIds[$1].utf8) }
        for index in order {
            var events = eventsByLead[index].filter { $0.time <= asOf }
            guard !events.isEmpty else { continue }
            events.sort { $0.time != $1.time ? $0.time < $1.time : $0.position < $1.position }
            firstEvent = min(firstEvent, events[0].time)
            processor.reset(lead: leadIds[index])
            processor.trace = leadIds[index] == options.traceLead ? trace : nil
            for event in events { processor.process(event) }
            let outcome = processor.finish(asOf: asOf)
            leads.append(outcome.lead)
            // Within a lead: deadline declaration order, then cycle number.
            cycles.append(contentsOf: outcome.cycles.sorted { ($0.deadline, $0.number) < ($1.deadline, $1.number) })
            for item in outcome.items { aggregator.add(item) }
            eventsByLead[index] = []
        }
        let goals = leads.isEmpty ? [] : aggregator.verdicts(firstEvent: firstEvent, asOf: asOf)
        return EvaluationResult(sla: program.sla, asOf: asOf, records: records, rejected: rejected,
                                rejections: rejections, leads: leads, cycles: cycles, goals: goals)
    }
}
