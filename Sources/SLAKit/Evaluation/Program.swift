/// What compiled expressions read while one event of one lead is processed. One frame is
/// reused for every event; its pointers are aimed at the lead's state columns and the
/// event's attribute values before each event, so evaluation copies and allocates nothing.
public final class EvaluationFrame {
    /// The lead's id (`lead.id`); set only when the SLA reads it.
    public var leadId: String = ""
    /// `lead.ATTR` by attribute slot: the most recent non-null value so far.
    var leadAttributes: UnsafeMutablePointer<Value>
    /// `event.ATTR` by attribute slot: the current event's values.
    var eventAttributes: UnsafePointer<Value>
    /// The event type (`event.type`); set only when the SLA reads it or a trace is on.
    public var eventType: String = ""
    /// The current event's time, milliseconds since the epoch.
    public var eventTime: Int64 = 0
    /// Current score values, by score index.
    var scores: UnsafeMutablePointer<Double>
    /// Stage entry times (milliseconds since the epoch) by stage index,
    /// `LeadStates.notEntered` for a stage not entered.
    var stageEntries: UnsafeMutablePointer<Int64>
    /// Storage the pointers start at before the first event: one all-null lead and event.
    private let placeholderValues: UnsafeMutablePointer<Value>
    private let placeholderScores: UnsafeMutablePointer<Double>
    private let placeholderStages: UnsafeMutablePointer<Int64>
    private let placeholderCount: Int

    init(attributeCount: Int, scoreCount: Int, stageCount: Int) {
        placeholderCount = max(1, attributeCount, scoreCount, stageCount)
        placeholderValues = .allocate(capacity: 2 * placeholderCount)
        placeholderValues.initialize(repeating: .null, count: 2 * placeholderCount)
        placeholderScores = .allocate(capacity: placeholderCount)
        placeholderScores.initialize(repeating: 0, count: placeholderCount)
        placeholderStages = .allocate(capacity: placeholderCount)
        placeholderStages.initialize(repeating: LeadStates.notEntered, count: placeholderCount)
        leadAttributes = placeholderValues
        eventAttributes = UnsafePointer(placeholderValues + placeholderCount)
        scores = placeholderScores
        stageEntries = placeholderStages
    }

    deinit {
        placeholderValues.deinitialize(count: 2 * placeholderCount)
        placeholderValues.deallocate()
        placeholderScores.deallocate()
        placeholderStages.deallocate()
    }
}

/// A compiled expression: evaluates against the current frame.
typealias CompiledExpression = (EvaluationFrame) -> Value
/// A compiled condition: holds iff the expression evaluates to `true`.
typealias CompiledCondition = (EvaluationFrame) -> Bool

/// A set of event types as a bitmap over interned type ids.
/// A set of event type ids: one bit per id from the lowest member to the highest. Spanning
/// only its own members' ids, it stays small when an SLA names tens of thousands of types,
/// one or two per rule (a list as long as the highest id for each rule took 826 MB for
/// 40,000 stages).
struct TypeSet {
    /// The id of bit 0 of `words[0]`.
    private var lowest: Int
    private var words: [UInt64]

    init(_ ids: [Int]) {
        guard let low = ids.min(), let high = ids.max() else {
            lowest = 0
            words = []
            return
        }
        lowest = low
        words = Array(repeating: 0, count: (high - low) / 64 + 1)
        for id in ids { words[(id - low) >> 6] |= 1 << UInt64((id - low) & 63) }
    }

    /// The 64-bit words the set holds.
    var wordCount: Int { words.count }

    @inline(__always) func contains(_ typeId: Int) -> Bool {
        let bit = typeId &- lowest
        // An id below `lowest` (or -1, a type the SLA never names) wraps to a huge index.
        guard UInt(bitPattern: bit) < UInt(words.count) &* 64 else { return false }
        return words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }
}

struct CompiledScoreRule {
    var points: Double
    var types: TypeSet
    var condition: CompiledCondition?
    var maximum: Double?
}

struct CompiledStateRule {
    var points: Double
    var condition: CompiledCondition
}

/// The lead state a condition reads, when it reads nothing of the event, as a set of bits:
/// its value can change only when one of these does (lead attributes, scores and stages
/// change only by events, and expressions have no other input). Score `i` is bit `i`,
/// stage `i` bit `scoreCount + i`, attribute slot `i` bit `scoreCount + stageCount + i`.
/// A condition that reads the event, or state beyond bit 63, has none (it is evaluated
/// at every event).
struct StateDependencies {
    var bits: UInt64

    /// Where each score, stage and attribute slot has its bit, for an SLA with this many
    /// scores and stages; nil beyond bit 63.
    struct Layout {
        let scoreCount: Int
        let stageCount: Int

        func score(_ index: Int) -> Int? { checked(index) }
        func stage(_ index: Int) -> Int? { checked(scoreCount + index) }
        func slot(_ index: Int) -> Int? { checked(scoreCount + stageCount + index) }
        private func checked(_ bit: Int) -> Int? { bit < 64 ? bit : nil }
    }
}

struct CompiledScore {
    var eventRules: [CompiledScoreRule]
    var stateRules: [CompiledStateRule]
    var limit: Double?
    /// What the state rules read together; nil when one reads the event (or reads beyond
    /// bit 63), or there are more state rules than bits in a `UInt64` (then they are
    /// evaluated at every event).
    var stateDependencies: StateDependencies?
}

struct CompiledStage {
    /// nil for `when COND` stages.
    var types: TypeSet?
    var condition: CompiledCondition?
    /// For `when COND` stages: what the condition reads, nil when it reads the event.
    var dependencies: StateDependencies?
}

struct CompiledBudget {
    var amount: BudgetModel.Amount
    var calendar: Int?
    var condition: CompiledCondition?
}

struct CompiledDeadline {
    var startStage: Int?
    var startTypes: TypeSet?
    var startCondition: CompiledCondition?
    var every: Bool
    var metTypes: TypeSet
    var metCondition: CompiledCondition?
    var budgets: [CompiledBudget]
    var warnPercent: (numerator: Int64, denominator: Int64)?
    var pause: CompiledCondition?
    /// What `pause` reads; nil when it reads the event (or there is no pause).
    var pauseDependencies: StateDependencies?
}

struct CompiledGoal {
    var condition: CompiledCondition?
    /// Reads the group of `by lead.ATTR` (the lead's id for `lead.id`, as in expressions).
    var group: CompiledExpression?
    /// For `sum TYPE.ATTR`: the type id and the attribute slot.
    var sumType: Int?
    var sumSlot: Int?
}

/// A checked SLA compiled for evaluation: names resolved to indices, attribute names to
/// slots, event types to ids, expressions to closures.
public final class Program: @unchecked Sendable {
    public let sla: CheckedSLA
    /// The attribute names the SLA reads (`lead.X`, `event.X`, `by`, `sum`); slot = index.
    public let attributeNames: [String]
    /// The slots whose values the lead keeps (`lead.ATTR`, `by lead.ATTR`), ascending. A
    /// slot read only as `event.ATTR` is not copied into the lead's state: nothing reads it
    /// there (a traced timeline, which lists every change, copies all slots).
    let leadSlots: [Int]
    /// The event types the SLA mentions, keyed by their bytes (index = type id).
    private let types: LeadTable
    let scores: [CompiledScore]
    let stages: [CompiledStage]
    let deadlines: [CompiledDeadline]
    let goals: [CompiledGoal]
    public let calendars: [WorkCalendar]
    /// Whether an expression reads `lead.id` or `event.type`: only then does evaluation
    /// build those strings.
    let readsLeadId: Bool
    let readsEventType: Bool

    /// `types` are the event types the SLA mentions, in type id order.
    init(sla: CheckedSLA, attributeNames: [String], types: [String], scores: [CompiledScore],
         stages: [CompiledStage], deadlines: [CompiledDeadline], goals: [CompiledGoal], calendars: [WorkCalendar],
         leadSlots: [Int], readsLeadId: Bool, readsEventType: Bool) {
        self.leadSlots = leadSlots
        self.readsLeadId = readsLeadId
        self.readsEventType = readsEventType
        self.types = LeadTable()
        for type in types { _ = self.types.insert(type) }
        self.sla = sla
        self.attributeNames = attributeNames
        self.scores = scores
        self.stages = stages
        self.deadlines = deadlines
        self.goals = goals
        self.calendars = calendars
    }

    /// The interned id of an event type, -1 when the SLA never mentions it.
    @inline(__always)
    func typeId(_ type: String) -> Int { types.find(type) ?? -1 }

    /// The interned id of the event type `bytes[0 ..< length]`, -1 when the SLA never mentions it.
    @inline(__always)
    func typeId(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> Int {
        types.find(bytes, length, hash: ByteHash.hash(bytes, length)) ?? -1
    }

    func makeFrame() -> EvaluationFrame {
        EvaluationFrame(attributeCount: attributeNames.count, scoreCount: scores.count, stageCount: stages.count)
    }
}

/// The ids of the event types met last (`Program.typeId`), remembered by their bytes in
/// `placeCount` places chosen by a type's length and first and last bytes. An export has
/// a few types, so nearly every event finds its type here: a comparison of its bytes
/// instead of a hash and a table lookup. Used by one thread at a time (one per parsing
/// worker).
final class TypeIdCache {
    static let placeCount = 16
    /// The longest type remembered, in bytes; longer ones are looked up every time.
    static let maximumBytes = 32
    private let program: Program
    /// Place `i`'s type: `lengths[i]` bytes (0 when the place is empty) at
    /// `bytes + i * maximumBytes`, and its id `ids[i]`.
    private let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: TypeIdCache.placeCount * TypeIdCache.maximumBytes)
    private let lengths = UnsafeMutablePointer<Int>.allocate(capacity: TypeIdCache.placeCount)
    private let ids = UnsafeMutablePointer<Int>.allocate(capacity: TypeIdCache.placeCount)

    init(program: Program) {
        self.program = program
        bytes.initialize(repeating: 0, count: TypeIdCache.placeCount * TypeIdCache.maximumBytes)
        lengths.initialize(repeating: 0, count: TypeIdCache.placeCount)
        ids.initialize(repeating: -1, count: TypeIdCache.placeCount)
    }

    deinit {
        bytes.deallocate()
        lengths.deallocate()
        ids.deallocate()
    }

    /// `program.typeId(type, length)`.
    @inline(__always)
    func typeId(_ type: UnsafePointer<UInt8>, _ length: Int) -> Int {
        guard length > 0, length <= TypeIdCache.maximumBytes else { return program.typeId(type, length) }
        let place = (length &+ 3 &* Int(type[0]) &+ 5 &* Int(type[length - 1])) & (TypeIdCache.placeCount - 1)
        let remembered = bytes + place * TypeIdCache.maximumBytes
        if lengths[place] == length, memoryEqual(remembered, type, length) { return ids[place] }
        let id = program.typeId(type, length)
        remembered.update(from: type, count: length)
        lengths[place] = length
        ids[place] = id
        return id
    }
}
