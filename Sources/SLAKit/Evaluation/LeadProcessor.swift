/// A step of a lead's timeline, recorded for `sla explain`.
public enum TraceEntry: Sendable {
    /// An event was processed; `changes` lists lead attributes it changed (slot, old, new).
    case event(LeadEvent, changes: [(slot: Int, old: Value, new: Value)])
    case scoreChanged(score: Int, from: Double, to: Double)
    case stageEntered(stage: Int)
    /// A cycle opened with the budget of `within` number `withinIndex` (0-based).
    case cycleOpened(deadline: Int, cycle: Int, withinIndex: Int, budget: Int64, startsPaused: Bool)
    case startIgnored(deadline: Int, reason: StartIgnoredReason)
    /// An event rule's points were not all counted: the rule's `max` was reached.
    /// `points` were earned, `counted` of them count.
    case pointsCapped(score: Int, rule: Int, points: Double, counted: Double)
    /// The score's `limit` holds it at `limit`; without it, it would be `uncapped`.
    /// Traced when the limit keeps out points it did not keep out at the lead's event before.
    case scoreLimited(score: Int, uncapped: Double, limit: Double)
    case paused(deadline: Int, cycle: Int)
    case resumed(deadline: Int, cycle: Int)
    case stopped(deadline: Int, cycle: Int)
    /// An event of a `met on` type, whose `where` did not hold: the open cycle goes on.
    case stopConditionFailed(deadline: Int, cycle: Int)
    /// Events of the lead after the as-of time, not processed (SPEC.md 6.1).
    case laterEvents(count: Int)
}

public enum StartIgnoredReason: Sendable {
    /// No `within` had a `when` that held.
    case noWithinMatched
    /// A cycle was already open.
    case cycleOpen
    /// Without `every`, only the lead's first cycle opens.
    case notEvery
    /// The event is of a `starts on` type, but the `where` did not hold.
    case conditionFailed
}

/// A goal item recorded at its anchor event (SPEC.md 6.4), resolved when the lead is done.
///
/// 32 bytes: the payload is kept as a kind and 8 bytes, and the group value (24 bytes, and
/// needed only by goals with `by`) in `LeadStates.groups`, behind properties of the usual
/// types. At 10 M events the bench SLA records about 2 M items; at 56 bytes they took
/// 48 MB more of memory written once, which costs time on first touch.
struct GoalItem {
    enum Payload {
        /// An entry into the cohort stage of `rate A / B`; resolved by whether A was entered.
        case cohort(numeratorStage: Int)
        /// A cycle of the lead (index into `LeadStates.cycles`).
        case cycle(Int)
        /// An event's numeric attribute for `sum`, nil when not a number.
        case amount(Double?)
    }
    private var goalIndex: Int32
    /// The lead's next item (index into `LeadStates.items`), -1 for the last.
    var next: Int32 = -1
    /// The anchor event's time (milliseconds since the epoch).
    var time: Int64
    /// The payload's number (a stage or cycle index, or a double's bits).
    private var payloadBits: UInt64
    private var payloadKind: PayloadKind
    /// The item's group value (index into `LeadStates.groups`); -1 for none, read as null.
    let groupIndex: Int32

    private enum PayloadKind: UInt8 { case cohort, cycle, amount, noAmount }

    init(goal: Int, time: Int64, groupIndex: Int, payload: Payload) {
        goalIndex = Int32(truncatingIfNeeded: goal)
        self.time = time
        self.groupIndex = Int32(truncatingIfNeeded: groupIndex)
        switch payload {
        case .cohort(let stage): (payloadKind, payloadBits) = (.cohort, UInt64(bitPattern: Int64(stage)))
        case .cycle(let cycle): (payloadKind, payloadBits) = (.cycle, UInt64(bitPattern: Int64(cycle)))
        case .amount(let amount?): (payloadKind, payloadBits) = (.amount, amount.bitPattern)
        case .amount(nil): (payloadKind, payloadBits) = (.noAmount, 0)
        }
    }

    var goal: Int { Int(goalIndex) }

    var payload: Payload {
        switch payloadKind {
        case .cohort: return .cohort(numeratorStage: Int(Int64(bitPattern: payloadBits)))
        case .cycle: return .cycle(Int(Int64(bitPattern: payloadBits)))
        case .amount: return .amount(Double(bitPattern: payloadBits))
        case .noAmount: return .amount(nil)
        }
    }
}

/// An item after the lead is done: what goal aggregation needs.
struct ResolvedGoalItem {
    var goal: Int
    var time: Int64
    /// The ordinal of the goal's period holding `time` (`Periods`).
    var period: Int64
    var group: Value
    enum Contribution {
        case count
        case cohort(converted: Bool)
        case cycle(CycleStatus, elapsed: Int64)
        case amount(Double?)
    }
    var contribution: Contribution
}

/// A deadline cycle of a lead while events are processed.
///
/// 64 bytes: the small numbers are kept as `Int32` and the optional ones with a sentinel
/// (`PackedInstant`, -1 for the calendar), behind properties of the usual types (with `Int` and optionals, a cycle took 96 bytes
/// and usually two cache lines).
struct Cycle {
    /// Milliseconds since the epoch.
    var start: Int64
    private var stopTime = PackedInstant(nil)
    /// Milliseconds.
    var budget: Int64
    var pauses: [PauseInterval] = []
    private var deadlineIndex: Int32
    private var cycleNumber: Int32
    /// -1 for none.
    private var calendarIndex: Int32
    private var within: Int32
    /// The lead's next cycle (index into `LeadStates.cycles`), -1 for the last.
    var next: Int32 = -1
    /// Position among the lead's cycles, in creation order (0-based).
    var ordinal: Int32 = 0
    /// The pause state after step 4a of the last processed event (or of the stop event).
    var paused = false

    init(deadline: Int, number: Int, start: Int64, budget: Int64, calendar: Int?, withinIndex: Int) {
        self.start = start
        self.budget = budget
        deadlineIndex = Int32(truncatingIfNeeded: deadline)
        cycleNumber = Int32(truncatingIfNeeded: number)
        calendarIndex = Int32(truncatingIfNeeded: calendar ?? -1)
        within = Int32(truncatingIfNeeded: withinIndex)
    }

    var deadline: Int { Int(deadlineIndex) }
    /// 1-based number within the lead and deadline.
    var number: Int { Int(cycleNumber) }
    var calendar: Int? { calendarIndex < 0 ? nil : Int(calendarIndex) }
    var withinIndex: Int { Int(within) }
    /// Milliseconds since the epoch.
    var stop: Int64? {
        get { stopTime.value }
        set { stopTime.value = newValue }
    }
}

/// Every lead's state between its events: everything SPEC.md 6.2 carries from one event to
/// the next, for many leads at once, so events of many leads can be processed interleaved,
/// in input order, without buffering them.
///
/// Leads are numbered by `table`. Each lead's state is one fixed-size record, kept in the
/// lead's table entry right after its id (`LeadTable.record`), so that one event touches a
/// few adjacent cache lines, the first of which its lookup read anyway, rather than a line
/// per field. Cycles and goal items of all leads share one array each, linked per lead in
/// creation order. Nothing is allocated per lead.
///
/// Record layout, in this order: the last event's time (`Int64`); first and last cycle
/// and goal item (`Int32`, -1 for none); scores and event-rule totals (`Double`); stage
/// entry times (`Int64`, `notEntered` when not); per score, which state rules held at the
/// last event (`UInt64`, bit `i` for rule `i`); the open cycle and the number of cycles
/// opened, per deadline (`Int32`); then, 8-aligned, the `lead.ATTR` values by attribute
/// slot (`Value`, initialized: `deinit` destroys them). The record is padded so that a whole
/// entry fills whole cache lines when that wastes at most an eighth of it.
final class LeadStates {
    let program: Program
    let table: LeadTable
    let attributeCount: Int
    let scoreCount: Int
    let stageCount: Int
    let ruleCount: Int
    let deadlineCount: Int

    /// Bytes of one lead's attribute values.
    private let attributeBytes: Int
    let cycles = FlatColumn<Cycle>(capacity: 1024)
    let items = FlatColumn<GoalItem>(capacity: 1024)
    /// The group values of the items of goals with `by` (`GoalItem.groupIndex`).
    let groups = FlatColumn<Value>(capacity: 64)
    /// Each lead's id as a string, kept only when the SLA reads `lead.id`.
    private(set) var idStrings: [String] = []

    static let notEntered = CivilTime.noInstant

    /// Bytes per record, and where each field starts in a record.
    private let stride: Int
    private let scoresOffset: Int
    private let ruleTotalsOffset: Int
    private let stageEntriesOffset: Int
    private let stateRulesHeldOffset: Int
    private let openCyclesOffset: Int
    private let cycleCountsOffset: Int
    private let attributesOffset: Int
    /// A fresh lead's record (its attribute values all `.null`, copied bit for bit: a null
    /// holds no reference).
    private let freshRecord: UnsafeMutablePointer<UInt64>

    init(program: Program) {
        self.program = program
        attributeCount = program.attributeNames.count
        attributeBytes = attributeCount * MemoryLayout<Value>.stride
        scoreCount = program.scores.count
        stageCount = program.stages.count
        ruleCount = program.scores.reduce(0) { $0 + $1.eventRules.count }
        deadlineCount = program.deadlines.count
        scoresOffset = 24
        ruleTotalsOffset = scoresOffset + 8 * scoreCount
        stageEntriesOffset = ruleTotalsOffset + 8 * ruleCount
        stateRulesHeldOffset = stageEntriesOffset + 8 * stageCount
        openCyclesOffset = stateRulesHeldOffset + 8 * scoreCount
        cycleCountsOffset = openCyclesOffset + 4 * deadlineCount
        attributesOffset = (cycleCountsOffset + 4 * deadlineCount + 7) & ~7
        stride = LeadStates.paddedRecordBytes(attributesOffset + attributeBytes, idBytes: LeadTable.idBytes)
        table = LeadTable(recordWords: stride / 8)
        freshRecord = .allocate(capacity: stride / 8)
        freshRecord.initialize(repeating: 0, count: stride / 8)
        (UnsafeMutableRawPointer(freshRecord) + attributesOffset).bindMemory(to: Value.self, capacity: attributeCount)
            .initialize(repeating: .null, count: attributeCount)
        let freshRecord = UnsafeMutableRawPointer(self.freshRecord)
        freshRecord.storeBytes(of: Int64.min, toByteOffset: 0, as: Int64.self)
        for link in 0..<4 { freshRecord.storeBytes(of: Int32(-1), toByteOffset: 8 + 4 * link, as: Int32.self) }
        for index in 0..<(scoreCount + ruleCount) { freshRecord.storeBytes(of: 0.0, toByteOffset: scoresOffset + 8 * index, as: Double.self) }
        for index in 0..<stageCount {
            freshRecord.storeBytes(of: LeadStates.notEntered, toByteOffset: stageEntriesOffset + 8 * index, as: Int64.self)
        }
        for index in 0..<scoreCount {
            freshRecord.storeBytes(of: UInt64(0), toByteOffset: stateRulesHeldOffset + 8 * index, as: UInt64.self)
        }
        for index in 0..<deadlineCount {
            freshRecord.storeBytes(of: Int32(-1), toByteOffset: openCyclesOffset + 4 * index, as: Int32.self)
            freshRecord.storeBytes(of: Int32(0), toByteOffset: cycleCountsOffset + 4 * index, as: Int32.self)
        }
    }

    deinit {
        if attributeCount > 0 {
            for lead in 0..<table.count { leadAttributes(lead).deinitialize(count: attributeCount) }
        }
        freshRecord.deallocate()
    }

    /// The bytes of a record of `bytes` bytes padded so that a table entry (`idBytes` more)
    /// is a whole number of 64-byte cache lines, when that adds at most an eighth; else
    /// `bytes` rounded up to 8.
    static func paddedRecordBytes(_ bytes: Int, idBytes: Int) -> Int {
        let entry = idBytes + bytes
        let lines = (entry + 63) / 64 * 64
        return lines - entry <= entry / 8 ? lines - idBytes : (bytes + 7) & ~7
    }

    var count: Int { table.count }

    // MARK: Fields of lead `lead`'s record

    @inline(__always) private func record(_ lead: Int) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(table.record(lead)) }
    /// The time of the lead's last processed event (milliseconds since the epoch), for
    /// detecting input that is out of order; `Int64.min` before its first.
    @inline(__always) func lastTime(_ lead: Int) -> UnsafeMutablePointer<Int64> { record(lead).assumingMemoryBound(to: Int64.self) }
    /// The lead's first and last cycle, first and last goal item, in that order.
    @inline(__always) func links(_ lead: Int) -> UnsafeMutablePointer<Int32> { (record(lead) + 8).assumingMemoryBound(to: Int32.self) }
    /// Score values by score.
    @inline(__always) func scores(_ lead: Int) -> UnsafeMutablePointer<Double> { (record(lead) + scoresOffset).assumingMemoryBound(to: Double.self) }
    /// Running totals of every event rule of every score (never clamped).
    @inline(__always) func ruleTotals(_ lead: Int) -> UnsafeMutablePointer<Double> { (record(lead) + ruleTotalsOffset).assumingMemoryBound(to: Double.self) }
    /// Stage entry times by stage; `notEntered` when not.
    @inline(__always) func stageEntries(_ lead: Int) -> UnsafeMutablePointer<Int64> { (record(lead) + stageEntriesOffset).assumingMemoryBound(to: Int64.self) }
    /// By score, which of its state rules held at the lead's last event: bit `i` for rule `i`.
    @inline(__always) func stateRulesHeld(_ lead: Int) -> UnsafeMutablePointer<UInt64> { (record(lead) + stateRulesHeldOffset).assumingMemoryBound(to: UInt64.self) }
    /// The open cycle (index into `cycles`) by deadline, -1 when none.
    @inline(__always) func openCycles(_ lead: Int) -> UnsafeMutablePointer<Int32> { (record(lead) + openCyclesOffset).assumingMemoryBound(to: Int32.self) }
    /// How many cycles each deadline has opened.
    @inline(__always) func cycleCounts(_ lead: Int) -> UnsafeMutablePointer<Int32> { (record(lead) + cycleCountsOffset).assumingMemoryBound(to: Int32.self) }
    /// `lead.ATTR` by attribute slot.
    @inline(__always) func leadAttributes(_ lead: Int) -> UnsafeMutablePointer<Value> { (record(lead) + attributesOffset).assumingMemoryBound(to: Value.self) }

    /// The number of the lead with id `bytes[0 ..< length]` (hash `ByteHash.hash`), with a
    /// fresh state when the lead is new.
    @inline(__always)
    func lead(_ bytes: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> (lead: Int, inserted: Bool) {
        let found = table.insert(bytes, length, hash: hash)
        if found.inserted { addState(found.lead) }
        return found
    }

    /// Reads ahead for an event of the lead whose id hashes to `hash`, first stage: the
    /// lookup's first slot, whose entry `touch(slotEntry:hash:_:_:state:)` takes.
    @inline(__always)
    func slotEntry(hash: UInt64) -> UInt64 { table.slotEntry(hash: hash) }

    /// Reads ahead, second stage: the id entry of the lead in the slot, which is the lead
    /// of `bytes[0 ..< length]` (hash `hash`) most of the time, and, when it is and with
    /// `state`, every cache line of its record (attribute values included). Returns that
    /// lead (-1 when only a lookup tells) and a value derived from the reads, so that they
    /// happen.
    @inline(__always)
    func touch(slotEntry: UInt64, hash: UInt64, _ bytes: UnsafePointer<UInt8>, _ length: Int,
               state: Bool) -> (lead: Int, touched: UInt64) {
        let lead = table.lead(inFirstSlot: slotEntry, hash: hash, bytes, length)
        guard lead >= 0, state else { return (lead, 0) }
        return (lead, touchState(lead))
    }

    /// Reads each cache line of lead `lead`'s record, attribute values included.
    @inline(__always)
    private func touchState(_ lead: Int) -> UInt64 {
        LeadStates.touchLines(record(lead), stride)
    }

    /// How many cycles lead `lead` has opened.
    func cycleCount(_ lead: Int) -> Int32 {
        let counts = cycleCounts(lead)
        var total: Int32 = 0
        for deadline in 0..<deadlineCount { total += counts[deadline] }
        return total
    }

    /// Reads ahead for `LeadProcessor.finish` of lead `lead`, first step: its id and its
    /// record up to its attribute values (which `finish` does not read). Returns a value
    /// derived from the reads, so that they happen.
    @inline(__always)
    func touchRecordForFinish(_ lead: Int) -> UInt64 {
        table.touch(lead: lead) &+ LeadStates.touchLines(record(lead), attributesOffset)
    }

    /// Reads ahead for `LeadProcessor.finish` of lead `lead`, second step, once its record
    /// is in cache: its first and last cycle and goal item, every cache line of each (a
    /// 56-byte item often spans two). Returns a value derived from the reads.
    @inline(__always)
    func touchLinkedForFinish(_ lead: Int) -> UInt64 {
        var touched: UInt64 = 0
        let links = self.links(lead)
        if links[0] >= 0 {
            touched &+= LeadStates.touchLines(cycles.base + Int(links[0]), MemoryLayout<Cycle>.size)
            if links[1] != links[0] { touched &+= LeadStates.touchLines(cycles.base + Int(links[1]), MemoryLayout<Cycle>.size) }
        }
        if links[2] >= 0 {
            touched &+= LeadStates.touchLines(items.base + Int(links[2]), MemoryLayout<GoalItem>.size)
            if links[3] != links[2] { touched &+= LeadStates.touchLines(items.base + Int(links[3]), MemoryLayout<GoalItem>.size) }
        }
        return touched
    }

    /// Reads one byte of each 64-byte cache line of the `bytes` bytes at `start`; returns
    /// their sum, so that the reads happen.
    @inline(__always)
    private static func touchLines(_ start: UnsafeRawPointer, _ bytes: Int) -> UInt64 {
        guard bytes > 0 else { return 0 }
        let first = UInt(bitPattern: start) & ~63
        let last = (UInt(bitPattern: start) + UInt(bytes) - 1) & ~63
        var touched: UInt64 = 0
        var line = first
        while line <= last {
            // The first line is read at `start`: its own first byte may precede the range.
            touched &+= UInt64(UnsafeRawPointer(bitPattern: max(line, UInt(bitPattern: start)))!.load(as: UInt8.self))
            line += 64
        }
        return touched
    }

    private func addState(_ lead: Int) {
        // Raw bytes: the record holds numbers and, after them, null attribute values.
        UnsafeMutableRawPointer(table.record(lead)).copyMemory(from: freshRecord, byteCount: stride)
        if program.readsLeadId { idStrings.append(table.id(lead)) }
    }

    /// The id of lead `lead` as the SLA reads it (`lead.id`); empty unless it does.
    @inline(__always)
    func idString(_ lead: Int) -> String {
        lead < idStrings.count ? idStrings[lead] : ""
    }

    /// Appends a cycle to lead `lead`'s list; returns its index.
    func appendCycle(_ cycle: Cycle, lead: Int) -> Int {
        let index = cycles.count
        cycles.append(cycle)
        let links = self.links(lead)
        if links[1] < 0 {
            links[0] = Int32(truncatingIfNeeded: index)
        } else {
            cycles[Int(links[1])].next = Int32(truncatingIfNeeded: index)
            cycles[index].ordinal = cycles[Int(links[1])].ordinal + 1
        }
        links[1] = Int32(truncatingIfNeeded: index)
        return index
    }

    /// The group value of `item`: null for a goal without `by`.
    @inline(__always)
    func group(of item: GoalItem) -> Value {
        item.groupIndex < 0 ? .null : groups[Int(item.groupIndex)]
    }

    /// Appends a goal item to lead `lead`'s list.
    func appendItem(_ item: GoalItem, lead: Int) {
        let index = items.count
        items.append(item)
        let links = self.links(lead)
        if links[3] < 0 { links[2] = Int32(truncatingIfNeeded: index) } else { items[Int(links[3])].next = Int32(truncatingIfNeeded: index) }
        links[3] = Int32(truncatingIfNeeded: index)
    }
}

/// Runs SPEC.md section 6.2 event by event on the leads of one `LeadStates`, and produces
/// each lead's verdicts at the as-of time. Its frame points into the lead's columns while
/// an event is processed, so compiled expressions read the state in place.
final class LeadProcessor {
    let program: Program
    let states: LeadStates
    let frame: EvaluationFrame
    /// By stage, whether the current event entered it (raw storage: written at every event).
    private let enteredNow: UnsafeMutableBufferPointer<Bool>
    /// What the current event changed so far, as `StateDependencies` bits: lead attributes
    /// (step 1), scores (step 2), stages entered (step 3).
    private var changedNow: UInt64 = 0
    /// The `StateDependencies` bit of each attribute slot, score and stage, -1 for none.
    /// (Raw buffers, as the compiled rules below: read at every event.)
    private let slotBits: UnsafeMutableBufferPointer<Int>
    /// `Program.leadSlots`, this processor's copy.
    private let leadSlots: UnsafeMutableBufferPointer<Int>
    /// By attribute slot, 1 for the slots in `leadSlots`, else 0.
    private let isLeadSlot: UnsafeMutableBufferPointer<Int>
    private let scoreBits: UnsafeMutableBufferPointer<Int>
    private let stageBits: UnsafeMutableBufferPointer<Int>
    /// The cycles the current event opened, `openedCount` of them (at most one per
    /// deadline): raw storage, as an array's count would be read through a call per event.
    private let openedNow: UnsafeMutableBufferPointer<(deadline: Int, cycle: Int)>
    private var openedCount = 0
    /// Goal indices by what anchors them, precomputed once.
    private let goalsByStage: [[Int]]
    private let goalsByCohortStage: [[(goal: Int, numerator: Int)]]
    private let goalsByDeadline: [[Int]]
    private let sumGoals: UnsafeMutableBufferPointer<Int>
    var trace: ((TraceEntry) -> Void)?
    /// By score, the traced lead's score before its `limit` at its last event (only one
    /// lead is traced: `sla explain`).
    private lazy var tracedUncapped = [Double](repeating: 0, count: program.scores.count)
    /// Goal periods of resolved items.
    private var periods: PeriodFinder
    /// The entries counted by `count STAGE` goals so far (`countEntry`), merged into the
    /// verdicts' aggregator at the end.
    private(set) var entryCounts: GoalAggregator

    /// The program's rules compiled again for this processor alone: the shards' processors
    /// run on different cores, and the reference counts of shared arrays, closures and
    /// constants would make them contend on every event. (Compiling is deterministic: the
    /// copy numbers types and attribute slots as the program does.)
    /// Kept in raw buffers: reading an array property retains and releases its storage at
    /// every event.
    private let scores: UnsafeMutableBufferPointer<CompiledScore>
    private let stages: UnsafeMutableBufferPointer<CompiledStage>
    private let deadlines: UnsafeMutableBufferPointer<CompiledDeadline>
    private let goals: UnsafeMutableBufferPointer<CompiledGoal>

    init(program: Program, states: LeadStates) {
        periods = PeriodFinder(sla: program.sla)
        entryCounts = GoalAggregator(sla: program.sla)
        let own = Compiler.compile(program.sla)
        scores = LeadProcessor.buffer(own.scores)
        stages = LeadProcessor.buffer(own.stages)
        deadlines = LeadProcessor.buffer(own.deadlines)
        goals = LeadProcessor.buffer(own.goals)
        self.program = program
        self.states = states
        frame = program.makeFrame()
        enteredNow = LeadProcessor.buffer(Array(repeating: false, count: program.stages.count))
        openedNow = LeadProcessor.buffer(Array(repeating: (deadline: 0, cycle: 0), count: program.deadlines.count))
        let layout = StateDependencies.Layout(scoreCount: program.scores.count, stageCount: program.stages.count)
        slotBits = LeadProcessor.buffer(program.attributeNames.indices.map { layout.slot($0) ?? -1 })
        leadSlots = LeadProcessor.buffer(own.leadSlots)
        isLeadSlot = LeadProcessor.buffer(program.attributeNames.indices.map { own.leadSlots.contains($0) ? 1 : 0 })
        scoreBits = LeadProcessor.buffer(program.scores.indices.map { layout.score($0) ?? -1 })
        stageBits = LeadProcessor.buffer(program.stages.indices.map { layout.stage($0) ?? -1 })
        var byStage = Array(repeating: [Int](), count: program.stages.count)
        var byCohort = Array(repeating: [(goal: Int, numerator: Int)](), count: program.stages.count)
        var byDeadline = Array(repeating: [Int](), count: program.deadlines.count)
        var sums: [Int] = []
        for (index, goal) in program.sla.goals.enumerated() {
            switch goal.measure {
            case .countStage(let stage): byStage[stage].append(index)
            case .rateStages(let numerator, let denominator): byCohort[denominator].append((index, numerator))
            case .countDeadline(let deadline, _), .rateMet(let deadline), .statistic(_, let deadline):
                byDeadline[deadline].append(index)
            case .sum: sums.append(index)
            }
        }
        goalsByStage = byStage
        goalsByCohortStage = byCohort
        goalsByDeadline = byDeadline
        sumGoals = LeadProcessor.buffer(sums)
    }

    deinit {
        LeadProcessor.free(enteredNow)
        LeadProcessor.free(openedNow)
        LeadProcessor.free(scores)
        LeadProcessor.free(stages)
        LeadProcessor.free(deadlines)
        LeadProcessor.free(goals)
        for bits in [slotBits, leadSlots, isLeadSlot, scoreBits, stageBits, sumGoals] { LeadProcessor.free(bits) }
    }

    /// A raw copy of `elements`, freed by `free`.
    private static func buffer<Element>(_ elements: [Element]) -> UnsafeMutableBufferPointer<Element> {
        let buffer = UnsafeMutableBufferPointer<Element>.allocate(capacity: elements.count)
        _ = buffer.initialize(from: elements)
        return buffer
    }

    private static func free<Element>(_ buffer: UnsafeMutableBufferPointer<Element>) {
        buffer.deinitialize()
        buffer.deallocate()
    }

    /// Whether what `dependencies` names changed at the current event, up to now: a lead
    /// attribute (step 1), a score (step 2) or a stage entered (step 3). A condition that
    /// reads only these, evaluated at the lead's previous event and at every one before,
    /// has the same value now when none changed.
    @inline(__always)
    private func changed(_ dependencies: StateDependencies) -> Bool {
        dependencies.bits & changedNow != 0
    }

    /// Notes that the state with `StateDependencies` bit `bit` (-1 for none) changed.
    @inline(__always)
    private func noteChange(_ bit: Int) {
        if bit >= 0 { changedNow |= 1 << UInt64(bit) }
    }

    /// Whether `process` needs the event type's text: the SLA reads `event.type`, or a
    /// timeline is traced.
    var needsTypeText: Bool { program.readsEventType || trace != nil }

    /// What an event rule's running total `total` counts with `max maximum`: at most
    /// `maximum` in magnitude (SPEC.md 3: the cap applies to the rule's total).
    @inline(__always)
    static func capped(_ total: Double, _ maximum: Double) -> Double {
        abs(total) > maximum ? (total < 0 ? -maximum : maximum) : total
    }

    /// Processes one event of lead `lead` (SPEC.md 6.2 steps 1-4, then goal anchors).
    /// Events must come in (time, input position) order for each lead. `typeId` is the
    /// program's id of the event type (-1 when the SLA never names it); `typeText` is the
    /// type itself, needed only when `needsTypeText`; `attributes` points at one value per
    /// attribute slot. `presentSlots`, when given, are the slots of the non-null
    /// attributes (`presentCount` of them, ascending): then step 1 (lead attributes take
    /// the event's) looks only at those.
    func process(lead: Int, typeId: Int, typeText: String, time: Int64, attributes: UnsafePointer<Value>,
                 presentSlots: UnsafePointer<UInt32>? = nil, presentCount: Int = 0) {
        let states = self.states
        let frame = self.frame
        let attributeCount = states.attributeCount
        frame.leadAttributes = states.leadAttributes(lead)
        frame.scores = states.scores(lead)
        frame.stageEntries = states.stageEntries(lead)
        frame.eventAttributes = attributes
        if program.readsLeadId { frame.leadId = states.idString(lead) }
        // Only when read: assigning a string retains it and releases the one it replaces.
        if needsTypeText { frame.eventType = typeText }
        frame.eventTime = time
        changedNow = 0
        // Conditions are evaluated at a lead's first event whatever changed.
        let firstEvent = states.lastTime(lead).pointee == Int64.min
        states.lastTime(lead).pointee = time
        let stageEntries = states.stageEntries(lead)
        let ruleTotals = states.ruleTotals(lead)
        let openCycles = states.openCycles(lead)
        let cycleCounts = states.cycleCounts(lead)
        let stateRulesHeld = states.stateRulesHeld(lead)

        // 1. Lead attributes take the event's non-null attributes.
        if let trace {
            var changes: [(slot: Int, old: Value, new: Value)] = []
            for slot in 0..<attributeCount {
                if case .null = attributes[slot] { continue }
                if !Operations.equals(frame.leadAttributes[slot], attributes[slot]) {
                    changes.append((slot, frame.leadAttributes[slot], attributes[slot]))
                }
                takeAttribute(slot, from: attributes)
            }
            let values = Array(UnsafeBufferPointer(start: attributes, count: attributeCount))
            trace(.event(LeadEvent(time: time, position: 0, type: typeText, attributes: values), changes: changes))
        } else if let presentSlots {
            // Slots read only as `event.ATTR` (a page, an amount) are never read from the lead.
            for index in 0..<presentCount {
                let slot = Int(presentSlots[index])
                if isLeadSlot[slot] != 0 { takeAttribute(slot, from: attributes) }
            }
        } else {
            for slot in leadSlots where !attributes[slot].isNull { takeAttribute(slot, from: attributes) }
        }

        // 2. Scores. Rules are read in place (`scores[i].eventRules[j].field`), never copied
        // out: a copy would retain and release every array and closure it holds, per event.
        let scores = self.scores
        var ruleOffset = 0
        for scoreIndex in scores.indices {
            var value = 0.0
            let ruleCount = scores[scoreIndex].eventRules.count
            for ruleIndex in 0..<ruleCount {
                if scores[scoreIndex].eventRules[ruleIndex].types.contains(typeId),
                   scores[scoreIndex].eventRules[ruleIndex].condition?(frame) ?? true {
                    let points = scores[scoreIndex].eventRules[ruleIndex].points
                    if let trace, let maximum = scores[scoreIndex].eventRules[ruleIndex].maximum {
                        let before = ruleTotals[ruleOffset + ruleIndex]
                        // Compared with the cap, not by subtraction: `+0.1` added to 0.2 is
                        // not exactly 0.1 more, and nothing was kept out.
                        if abs(before) > maximum || abs(before + points) > maximum {
                            let counted = LeadProcessor.capped(before + points, maximum) - LeadProcessor.capped(before, maximum)
                            trace(.pointsCapped(score: scoreIndex, rule: ruleIndex, points: points, counted: counted))
                        }
                    }
                    ruleTotals[ruleOffset + ruleIndex] += points
                }
                let total = ruleTotals[ruleOffset + ruleIndex]
                if let maximum = scores[scoreIndex].eventRules[ruleIndex].maximum {
                    value += LeadProcessor.capped(total, maximum)
                } else {
                    value += total
                }
            }
            ruleOffset += ruleCount
            if let dependencies = scores[scoreIndex].stateDependencies {
                // Which state rules hold is kept per lead, and found again only when what
                // they read changed; the points are added in rule order either way.
                var held = stateRulesHeld[scoreIndex]
                if firstEvent || changed(dependencies) {
                    held = 0
                    for ruleIndex in scores[scoreIndex].stateRules.indices where scores[scoreIndex].stateRules[ruleIndex].condition(frame) {
                        held |= 1 << UInt64(ruleIndex)
                    }
                    stateRulesHeld[scoreIndex] = held
                }
                var ruleIndex = 0
                while held != 0 {
                    if held & 1 != 0 { value += scores[scoreIndex].stateRules[ruleIndex].points }
                    held >>= 1
                    ruleIndex += 1
                }
            } else {
                for ruleIndex in scores[scoreIndex].stateRules.indices where scores[scoreIndex].stateRules[ruleIndex].condition(frame) {
                    value += scores[scoreIndex].stateRules[ruleIndex].points
                }
            }
            if trace != nil {
                // The traced lead's score before its limit, to tell when the limit keeps out
                // more (or other) points than at its event before.
                if let limit = scores[scoreIndex].limit, value > limit, value != tracedUncapped[scoreIndex] {
                    trace?(.scoreLimited(score: scoreIndex, uncapped: value, limit: limit))
                }
                tracedUncapped[scoreIndex] = value
            }
            if let limit = scores[scoreIndex].limit, value > limit { value = limit }
            if value != frame.scores[scoreIndex] {
                trace?(.scoreChanged(score: scoreIndex, from: frame.scores[scoreIndex], to: value))
                frame.scores[scoreIndex] = value
                noteChange(scoreBits[scoreIndex])
            }
        }

        // 3. Stages, in declaration order; a stage sees those entered before it.
        var anyEntered = false
        let stages = self.stages
        for stageIndex in stages.indices {
            enteredNow[stageIndex] = false
            guard stageEntries[stageIndex] == LeadStates.notEntered else { continue }
            let holds: Bool
            if let types = stages[stageIndex].types {
                holds = types.contains(typeId) && (stages[stageIndex].condition?(frame) ?? true)
            } else if !firstEvent, let dependencies = stages[stageIndex].dependencies, !changed(dependencies) {
                // It did not hold at the previous event (the stage is not entered), and
                // nothing it reads changed since.
                holds = false
            } else {
                holds = stages[stageIndex].condition?(frame) ?? false
            }
            if holds {
                stageEntries[stageIndex] = time
                enteredNow[stageIndex] = true
                noteChange(stageBits[stageIndex])
                anyEntered = true
                trace?(.stageEntered(stage: stageIndex))
            }
        }

        // 4. Deadlines, in declaration order.
        openedCount = 0
        let deadlines = self.deadlines
        for deadlineIndex in deadlines.indices {
            // a. Pauses: needed only with a cycle open, or for a cycle about to open.
            var pausedNow = false
            var pauseKnown = false
            var open = Int(openCycles[deadlineIndex])
            if open >= 0 {
                pauseKnown = true
                if let dependencies = deadlines[deadlineIndex].pauseDependencies, !changed(dependencies) {
                    // The cycle's pause state is the condition at the previous event.
                    pausedNow = states.cycles[open].paused
                } else {
                    pausedNow = deadlines[deadlineIndex].pause?(frame) ?? false
                }
                if pausedNow, !states.cycles[open].paused {
                    states.cycles[open].pauses.append(PauseInterval(from: time, to: nil))
                    states.cycles[open].paused = true
                    trace?(.paused(deadline: deadlineIndex, cycle: states.cycles[open].number))
                } else if !pausedNow, states.cycles[open].paused {
                    states.cycles[open].pauses[states.cycles[open].pauses.count - 1].to = time
                    states.cycles[open].paused = false
                    trace?(.resumed(deadline: deadlineIndex, cycle: states.cycles[open].number))
                }
            }
            // b. Stop (before c, so the opening event never stops its own cycle).
            if open >= 0, deadlines[deadlineIndex].metTypes.contains(typeId), !(deadlines[deadlineIndex].metCondition?(frame) ?? true) {
                trace?(.stopConditionFailed(deadline: deadlineIndex, cycle: states.cycles[open].number))
            } else if open >= 0, deadlines[deadlineIndex].metTypes.contains(typeId) {
                states.cycles[open].stop = time
                if states.cycles[open].paused {
                    // Pauses are known up to the stop; the state in force stays in `paused`.
                    states.cycles[open].pauses[states.cycles[open].pauses.count - 1].to = time
                }
                trace?(.stopped(deadline: deadlineIndex, cycle: states.cycles[open].number))
                open = -1
                openCycles[deadlineIndex] = -1
            }
            // c. Start.
            let starting: Bool
            if let stage = deadlines[deadlineIndex].startStage {
                starting = anyEntered && enteredNow[stage]
            } else {
                starting = deadlines[deadlineIndex].startTypes!.contains(typeId) && (deadlines[deadlineIndex].startCondition?(frame) ?? true)
                // A start event whose `where` failed, when nothing else would have kept the
                // cycle from opening (those reasons are told below when the `where` holds).
                if !starting, trace != nil, deadlines[deadlineIndex].startTypes!.contains(typeId), open < 0,
                   cycleCounts[deadlineIndex] == 0 || deadlines[deadlineIndex].every {
                    trace?(.startIgnored(deadline: deadlineIndex, reason: .conditionFailed))
                }
            }
            guard starting else { continue }
            if open >= 0 {
                trace?(.startIgnored(deadline: deadlineIndex, reason: .cycleOpen))
            } else if cycleCounts[deadlineIndex] > 0, !deadlines[deadlineIndex].every {
                trace?(.startIgnored(deadline: deadlineIndex, reason: .notEvery))
            } else if let withinIndex = deadlines[deadlineIndex].budgets.firstIndex(where: { $0.condition?(frame) ?? true }) {
                if !pauseKnown { pausedNow = deadlines[deadlineIndex].pause?(frame) ?? false }
                let chosen = deadlines[deadlineIndex].budgets[withinIndex]
                let budget: Int64
                switch chosen.amount {
                case .milliseconds(let milliseconds): budget = milliseconds
                case .businessDays(let days): budget = program.calendars[chosen.calendar!].businessDayBudget(start: time, days: days)
                }
                cycleCounts[deadlineIndex] += 1
                var cycle = Cycle(deadline: deadlineIndex, number: Int(cycleCounts[deadlineIndex]), start: time,
                                  budget: budget, calendar: chosen.calendar, withinIndex: withinIndex)
                if pausedNow {
                    cycle.pauses.append(PauseInterval(from: time, to: nil))
                    cycle.paused = true
                }
                let index = states.appendCycle(cycle, lead: lead)
                openCycles[deadlineIndex] = Int32(truncatingIfNeeded: index)
                openedNow[openedCount] = (deadlineIndex, index)
                openedCount += 1
                trace?(.cycleOpened(deadline: deadlineIndex, cycle: cycle.number, withinIndex: withinIndex,
                                    budget: budget, startsPaused: pausedNow))
            } else {
                trace?(.startIgnored(deadline: deadlineIndex, reason: .noWithinMatched))
            }
        }

        // Goal anchors at this event, filtered and grouped as the lead is after steps 1-4.
        if anyEntered {
            for stageIndex in 0..<stages.count where enteredNow[stageIndex] {
                for goal in goalsByStage[stageIndex] { countEntry(goal, time: time) }
                for (goal, numerator) in goalsByCohortStage[stageIndex] {
                    record(goal, time: time, payload: .cohort(numeratorStage: numerator), lead: lead)
                }
            }
        }
        for opened in 0..<openedCount {
            let (deadline, cycle) = openedNow[opened]
            for goal in goalsByDeadline[deadline] { record(goal, time: time, payload: .cycle(cycle), lead: lead) }
        }
        for goal in sumGoals {
            guard goals[goal].sumType == typeId, let slot = goals[goal].sumSlot else { continue }
            var amount: Double?
            if case .number(let number) = attributes[slot] { amount = number }
            record(goal, time: time, payload: .amount(amount), lead: lead)
        }
    }

    /// Step 1 for one slot whose event value is not null.
    @inline(__always)
    private func takeAttribute(_ slot: Int, from attributes: UnsafePointer<Value>) {
        // The same value again (most attributes repeat from event to event) changes nothing.
        if LeadProcessor.identical(frame.leadAttributes[slot], attributes[slot]) { return }
        frame.leadAttributes[slot] = attributes[slot]
        noteChange(slotBits[slot])
    }

    /// Whether two attribute values are the same value, bit for bit (a number's sign of
    /// zero included): replacing one by the other changes nothing.
    @inline(__always)
    private static func identical(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.string(let a), .string(let b)): return ExactText.equal(a, b)
        case (.number(let a), .number(let b)): return a.bitPattern == b.bitPattern
        case (.bool(let a), .bool(let b)): return a == b
        default: return false
        }
    }

    /// A stage entry for `count STAGE` goal `goal`, when it passes the goal's filter: added
    /// to `entryCounts` at once. A count needs nothing known only at the as-of time, so no
    /// item is kept for it (at 1.25 M leads, 40 MB less).
    private func countEntry(_ goal: Int, time: Int64) {
        if let condition = goals[goal].condition, !condition(frame) { return }
        let group = goals[goal].group.map { $0(frame) } ?? .null
        entryCounts.add(ResolvedGoalItem(goal: goal, time: time, period: periods.period(goal: goal, time: time), group: group,
                                         contribution: .count))
    }

    private func record(_ goal: Int, time: Int64, payload: GoalItem.Payload, lead: Int) {
        if let condition = goals[goal].condition, !condition(frame) { return }
        var groupIndex = -1
        if let group = goals[goal].group { groupIndex = states.groups.append(group(frame)) }
        states.appendItem(GoalItem(goal: goal, time: time, groupIndex: groupIndex, payload: payload), lead: lead)
    }

    /// Lead `lead`'s verdicts at the as-of time `asOf`, after its last event up to it: its
    /// scores and stages go to `leadSlot`, its `cycleCount` cycles, by deadline and number,
    /// to `cycleSlots` (both uninitialized memory); its goal items, resolved, to `verdicts`.
    func finish(lead: Int, asOf: Int64, into verdicts: ShardVerdicts, leadSlot: UnsafeMutablePointer<LeadVerdict>,
                cycleSlots: UnsafeMutablePointer<CycleVerdict>, cycleCount: Int) {
        let id = states.table.id(lead)
        let stageEntries = states.stageEntries(lead)
        let numbers = verdicts.numbers
        leadSlot.initialize(to: LeadVerdict(lead: id, numbers: numbers, scoreStart: numbers.append(scores: states.scores(lead)),
                                            stageStart: numbers.append(stageEntries: stageEntries)))
        // The lead's cycles, written in creation order into their final place: a cycle's
        // verdict is at its ordinal, where its items find it; then sorted in place.
        var written = 0
        var next = Int(states.links(lead)[0])
        while next >= 0 {
            precondition(written < cycleCount, "a lead's cycles are those its deadlines counted")
            (cycleSlots + written).initialize(to: verdict(for: states.cycles.base + next, lead: id, asOf: asOf))
            written += 1
            next = Int(states.cycles[next].next)
        }
        precondition(written == cycleCount, "a lead's cycles are those its deadlines counted")
        next = Int(states.links(lead)[2])
        while next >= 0 {
            let item = states.items[next]
            let contribution: ResolvedGoalItem.Contribution
            switch item.payload {
            case .cohort(let numerator): contribution = .cohort(converted: stageEntries[numerator] != LeadStates.notEntered)
            case .cycle(let index):
                let verdict = cycleSlots + Int(states.cycles[index].ordinal)
                contribution = .cycle(verdict.pointee.status, elapsed: verdict.pointee.elapsed)
            case .amount(let amount): contribution = .amount(amount)
            }
            let resolved = ResolvedGoalItem(goal: item.goal, time: item.time, period: periods.period(goal: item.goal, time: item.time),
                                            group: states.group(of: item), contribution: contribution)
            if case .amount = contribution {
                verdicts.items.append(resolved)
            } else {
                verdicts.aggregator.add(resolved)
            }
            next = Int(item.next)
        }
        if cycleCount > 1 {
            var placed = UnsafeMutableBufferPointer(start: cycleSlots, count: cycleCount)
            placed.sort { ($0.deadline, $0.number) < ($1.deadline, $1.number) }
        }
        if verdicts.keepsItemEnds { verdicts.itemEnds.append(verdicts.items.count) }
    }

    /// SPEC.md 6.3: elapsed, status and due of one cycle at `asOf`. The cycle is read in
    /// place: a copy would retain and release its pauses.
    private func verdict(for cycle: UnsafePointer<Cycle>, lead: String, asOf: Int64) -> CycleVerdict {
        let calendar = cycle.pointee.calendar.map { program.calendars[$0] }
        let end = cycle.pointee.stop ?? asOf
        let elapsed = CycleClock.elapsed(start: cycle.pointee.start, end: end, pauses: cycle.pointee.pauses, calendar: calendar)
        let due = CycleClock.due(start: cycle.pointee.start, budget: cycle.pointee.budget, pauses: cycle.pointee.pauses, horizon: end,
                                 pausedAtHorizon: cycle.pointee.paused, calendar: calendar)
        let status: CycleStatus
        if cycle.pointee.stop != nil {
            status = elapsed <= cycle.pointee.budget ? .met : .late
        } else if elapsed > cycle.pointee.budget {
            status = .overdue
        } else if let (numerator, denominator) = program.deadlines[cycle.pointee.deadline].warnPercent,
                  Int128(elapsed) * 100 * Int128(denominator) >= Int128(numerator) * Int128(cycle.pointee.budget) {
            status = .atRisk
        } else {
            status = .pending
        }
        return CycleVerdict(lead: lead, deadline: cycle.pointee.deadline, number: cycle.pointee.number, status: status,
                            started: cycle.pointee.start, stopped: cycle.pointee.stop, due: due, elapsed: elapsed, budget: cycle.pointee.budget,
                            paused: cycle.pointee.stop == nil && cycle.pointee.paused, withinIndex: cycle.pointee.withinIndex)
    }
}
