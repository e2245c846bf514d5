/// A step of a lead's timeline, recorded for `sla explain`.
public enum TraceEntry: Sendable {
    /// An event was processed; `changes` lists lead attributes it changed (slot, old, new).
    case event(LeadEvent, changes: [(slot: Int, old: Value, new: Value)])
    case scoreChanged(score: Int, from: Double, to: Double)
    case stageEntered(stage: Int)
    /// A cycle opened with the budget of `within` number `withinIndex` (0-based).
    case cycleOpened(deadline: Int, cycle: Int, withinIndex: Int, budget: Int64, startsPaused: Bool)
    case startIgnored(deadline: Int, reason: StartIgnoredReason)
    case paused(deadline: Int, cycle: Int)
    case resumed(deadline: Int, cycle: Int)
    case stopped(deadline: Int, cycle: Int)
}

public enum StartIgnoredReason: Sendable {
    /// No `within` had a `when` that held.
    case noWithinMatched
    /// A cycle was already open.
    case cycleOpen
    /// Without `every`, only the lead's first cycle opens.
    case notEvery
}

/// A goal item recorded at its anchor event (SPEC.md 6.4), resolved when the lead is done.
struct GoalItem {
    enum Payload {
        /// A stage entry (`count STAGE`).
        case entry
        /// An entry into the cohort stage of `rate A / B`; resolved by whether A was entered.
        case cohort(numeratorStage: Int)
        /// A cycle of the lead (index into `LeadStates.cycles`).
        case cycle(Int)
        /// An event's numeric attribute for `sum`, nil when not a number.
        case amount(Double?)
    }
    var goal: Int
    /// The anchor event's time (milliseconds since the epoch).
    var time: Int64
    var group: Value
    var payload: Payload
    /// The lead's next item (index into `LeadStates.items`), -1 for the last.
    var next: Int32 = -1
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
struct Cycle {
    var deadline: Int
    /// 1-based number within the lead and deadline.
    var number: Int
    /// Milliseconds since the epoch.
    var start: Int64
    var stop: Int64?
    /// Milliseconds.
    var budget: Int64
    var calendar: Int?
    var withinIndex: Int
    var pauses: [PauseInterval] = []
    /// The pause state after step 4a of the last processed event (or of the stop event).
    var paused = false
    /// The lead's next cycle (index into `LeadStates.cycles`), -1 for the last.
    var next: Int32 = -1
}

/// Every lead's state between its events: everything SPEC.md 6.2 carries from one event to
/// the next, for many leads at once, so events of many leads can be processed interleaved,
/// in input order, without buffering them.
///
/// The state is kept in columns indexed by lead number (`table` numbers the ids): lead `l`'s
/// scores are `scores[l * scoreCount ..< (l + 1) * scoreCount]`, and so on. Cycles and goal
/// items of all leads share one array each, linked per lead in creation order. One event
/// then reads and writes a handful of contiguous slots, and no object is allocated per lead.
final class LeadStates {
    let program: Program
    let table = LeadTable()
    let attributeCount: Int
    let scoreCount: Int
    let stageCount: Int
    let ruleCount: Int
    let deadlineCount: Int

    /// The time of the lead's last processed event (milliseconds since the epoch), for
    /// detecting input that is out of order.
    let lastTime = FlatColumn<Int64>(capacity: 1024)
    /// The time of the lead's first processed event.
    let firstTime = FlatColumn<Int64>(capacity: 1024)
    /// `lead.ATTR` by lead and attribute slot.
    let attributes = FlatColumn<Value>()
    /// Score values by lead and score.
    let scores = FlatColumn<Double>()
    /// Whether each stage has been entered, by lead and stage.
    let stageEntered = FlatColumn<Bool>()
    /// Stage entry times (milliseconds since the epoch) by lead and stage; `notEntered` when not.
    let stageEntries = FlatColumn<Int64>()
    /// Running totals of every event rule of every score, by lead and rule (never clamped).
    let ruleTotals = FlatColumn<Double>()
    /// The open cycle (index into `cycles`) by lead and deadline, -1 when none.
    let openCycles = FlatColumn<Int32>()
    /// How many cycles each deadline has opened, by lead and deadline.
    let cycleCounts = FlatColumn<Int32>()
    /// Each lead's first and last cycle and goal item, -1 when none.
    let firstCycle = FlatColumn<Int32>(capacity: 1024)
    let lastCycle = FlatColumn<Int32>(capacity: 1024)
    let firstItem = FlatColumn<Int32>(capacity: 1024)
    let lastItem = FlatColumn<Int32>(capacity: 1024)
    var cycles: [Cycle] = []
    var items: [GoalItem] = []
    /// Each lead's id as a string, kept only when the SLA reads `lead.id`.
    private(set) var idStrings: [String] = []

    static let notEntered = Int64.min

    init(program: Program) {
        self.program = program
        attributeCount = program.attributeNames.count
        scoreCount = program.scores.count
        stageCount = program.stages.count
        ruleCount = program.scores.reduce(0) { $0 + $1.eventRules.count }
        deadlineCount = program.deadlines.count
    }

    var count: Int { table.count }

    /// The number of the lead with id `bytes[0 ..< length]` (hash `ByteHash.hash`), with a
    /// fresh state when the lead is new.
    @inline(__always)
    func lead(_ bytes: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> (lead: Int, inserted: Bool) {
        let found = table.insert(bytes, length, hash: hash)
        if found.inserted { addState(found.lead) }
        return found
    }

    /// The number of the lead with id `id`, with a fresh state when the lead is new.
    func lead(_ id: String) -> (lead: Int, inserted: Bool) {
        let found = table.insert(id)
        if found.inserted { addState(found.lead) }
        return found
    }

    private func addState(_ lead: Int) {
        lastTime.append(Int64.min)
        firstTime.append(Int64.max)
        attributes.append(.null, times: attributeCount)
        scores.append(0, times: scoreCount)
        stageEntered.append(false, times: stageCount)
        stageEntries.append(LeadStates.notEntered, times: stageCount)
        ruleTotals.append(0, times: ruleCount)
        openCycles.append(-1, times: deadlineCount)
        cycleCounts.append(0, times: deadlineCount)
        firstCycle.append(-1)
        lastCycle.append(-1)
        firstItem.append(-1)
        lastItem.append(-1)
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
        let last = Int(lastCycle[lead])
        if last < 0 { firstCycle[lead] = Int32(truncatingIfNeeded: index) } else { cycles[last].next = Int32(truncatingIfNeeded: index) }
        lastCycle[lead] = Int32(truncatingIfNeeded: index)
        return index
    }

    /// Appends a goal item to lead `lead`'s list.
    func appendItem(_ item: GoalItem, lead: Int) {
        let index = items.count
        items.append(item)
        let last = Int(lastItem[lead])
        if last < 0 { firstItem[lead] = Int32(truncatingIfNeeded: index) } else { items[last].next = Int32(truncatingIfNeeded: index) }
        lastItem[lead] = Int32(truncatingIfNeeded: index)
    }
}

/// Runs SPEC.md section 6.2 event by event on the leads of one `LeadStates`, and produces
/// each lead's verdicts at the as-of time. Its frame points into the lead's columns while
/// an event is processed, so compiled expressions read the state in place.
final class LeadProcessor {
    let program: Program
    let states: LeadStates
    let frame: EvaluationFrame
    private var enteredNow: [Bool]
    private var openedNow: [(deadline: Int, cycle: Int)] = []
    /// Goal indices by what anchors them, precomputed once.
    private let goalsByStage: [[Int]]
    private let goalsByCohortStage: [[(goal: Int, numerator: Int)]]
    private let goalsByDeadline: [[Int]]
    private let sumGoals: [Int]
    var trace: ((TraceEntry) -> Void)?
    /// Scratch for `finish`: the lead's cycles' indices in `states.cycles`.
    private var cycleNumbers: [Int] = []
    /// Goal periods of resolved items.
    private var periods: PeriodFinder

    init(program: Program, states: LeadStates) {
        periods = PeriodFinder(sla: program.sla)
        self.program = program
        self.states = states
        frame = program.makeFrame()
        enteredNow = Array(repeating: false, count: program.stages.count)
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
        sumGoals = sums
    }

    /// Whether `process` needs the event type's text: the SLA reads `event.type`, or a
    /// timeline is traced.
    var needsTypeText: Bool { program.readsEventType || trace != nil }

    /// Processes one event of lead `lead` (SPEC.md 6.2 steps 1-4, then goal anchors).
    /// Events must come in (time, input position) order for each lead. `typeId` is the
    /// program's id of the event type (-1 when the SLA never names it); `typeText` is the
    /// type itself, needed only when `needsTypeText`; `attributes` points at one value per
    /// attribute slot.
    func process(lead: Int, typeId: Int, typeText: String, time: Int64, attributes: UnsafePointer<Value>) {
        let states = self.states
        let frame = self.frame
        let attributeCount = states.attributeCount
        frame.leadAttributes = states.attributes.base + lead * attributeCount
        frame.scores = states.scores.base + lead * states.scoreCount
        frame.stageEntered = states.stageEntered.base + lead * states.stageCount
        frame.eventAttributes = attributes
        if program.readsLeadId { frame.leadId = states.idString(lead) }
        frame.eventType = typeText
        frame.eventTime = time
        states.lastTime[lead] = time
        if states.firstTime[lead] == Int64.max { states.firstTime[lead] = time }
        let stageEntries = states.stageEntries.base + lead * states.stageCount
        let ruleTotals = states.ruleTotals.base + lead * states.ruleCount
        let openCycles = states.openCycles.base + lead * states.deadlineCount
        let cycleCounts = states.cycleCounts.base + lead * states.deadlineCount

        // 1. Lead attributes take the event's non-null attributes.
        var changes: [(slot: Int, old: Value, new: Value)] = []
        for slot in 0..<attributeCount {
            if case .null = attributes[slot] { continue }
            if trace != nil, !Operations.equals(frame.leadAttributes[slot], attributes[slot]) {
                changes.append((slot, frame.leadAttributes[slot], attributes[slot]))
            }
            frame.leadAttributes[slot] = attributes[slot]
        }
        if let trace {
            let values = Array(UnsafeBufferPointer(start: attributes, count: attributeCount))
            trace(.event(LeadEvent(time: time, position: 0, type: typeText, attributes: values), changes: changes))
        }

        // 2. Scores. Rules are read in place (`scores[i].eventRules[j].field`), never copied
        // out: a copy would retain and release every array and closure it holds, per event.
        let scores = program.scores
        var ruleOffset = 0
        for scoreIndex in scores.indices {
            var value = 0.0
            let ruleCount = scores[scoreIndex].eventRules.count
            for ruleIndex in 0..<ruleCount {
                if scores[scoreIndex].eventRules[ruleIndex].types.contains(typeId),
                   scores[scoreIndex].eventRules[ruleIndex].condition?(frame) ?? true {
                    ruleTotals[ruleOffset + ruleIndex] += scores[scoreIndex].eventRules[ruleIndex].points
                }
                let total = ruleTotals[ruleOffset + ruleIndex]
                if let maximum = scores[scoreIndex].eventRules[ruleIndex].maximum, abs(total) > maximum {
                    value += total < 0 ? -maximum : maximum
                } else {
                    value += total
                }
            }
            ruleOffset += ruleCount
            for ruleIndex in scores[scoreIndex].stateRules.indices where scores[scoreIndex].stateRules[ruleIndex].condition(frame) {
                value += scores[scoreIndex].stateRules[ruleIndex].points
            }
            if let limit = scores[scoreIndex].limit, value > limit { value = limit }
            if value != frame.scores[scoreIndex] {
                trace?(.scoreChanged(score: scoreIndex, from: frame.scores[scoreIndex], to: value))
                frame.scores[scoreIndex] = value
            }
        }

        // 3. Stages, in declaration order; a stage sees those entered before it.
        var anyEntered = false
        let stages = program.stages
        for stageIndex in stages.indices {
            enteredNow[stageIndex] = false
            guard !frame.stageEntered[stageIndex] else { continue }
            let holds: Bool
            if let types = stages[stageIndex].types {
                holds = types.contains(typeId) && (stages[stageIndex].condition?(frame) ?? true)
            } else {
                holds = stages[stageIndex].condition?(frame) ?? false
            }
            if holds {
                stageEntries[stageIndex] = time
                frame.stageEntered[stageIndex] = true
                enteredNow[stageIndex] = true
                anyEntered = true
                trace?(.stageEntered(stage: stageIndex))
            }
        }

        // 4. Deadlines, in declaration order.
        openedNow.removeAll(keepingCapacity: true)
        let deadlines = program.deadlines
        for deadlineIndex in deadlines.indices {
            // a. Pauses.
            let pausedNow = deadlines[deadlineIndex].pause?(frame) ?? false
            var open = Int(openCycles[deadlineIndex])
            if open >= 0 {
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
            if open >= 0, deadlines[deadlineIndex].metTypes.contains(typeId), deadlines[deadlineIndex].metCondition?(frame) ?? true {
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
            }
            guard starting else { continue }
            if open >= 0 {
                trace?(.startIgnored(deadline: deadlineIndex, reason: .cycleOpen))
            } else if cycleCounts[deadlineIndex] > 0, !deadlines[deadlineIndex].every {
                trace?(.startIgnored(deadline: deadlineIndex, reason: .notEvery))
            } else if let withinIndex = deadlines[deadlineIndex].budgets.firstIndex(where: { $0.condition?(frame) ?? true }) {
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
                openedNow.append((deadlineIndex, index))
                trace?(.cycleOpened(deadline: deadlineIndex, cycle: cycle.number, withinIndex: withinIndex,
                                    budget: budget, startsPaused: pausedNow))
            } else {
                trace?(.startIgnored(deadline: deadlineIndex, reason: .noWithinMatched))
            }
        }

        // Goal anchors at this event, filtered and grouped as the lead is after steps 1-4.
        if anyEntered {
            for stageIndex in enteredNow.indices where enteredNow[stageIndex] {
                for goal in goalsByStage[stageIndex] { record(goal, time: time, payload: .entry, lead: lead) }
                for (goal, numerator) in goalsByCohortStage[stageIndex] {
                    record(goal, time: time, payload: .cohort(numeratorStage: numerator), lead: lead)
                }
            }
        }
        for (deadline, cycle) in openedNow {
            for goal in goalsByDeadline[deadline] { record(goal, time: time, payload: .cycle(cycle), lead: lead) }
        }
        for goal in sumGoals {
            guard program.goals[goal].sumType == typeId, let slot = program.goals[goal].sumSlot else { continue }
            var amount: Double?
            if case .number(let number) = attributes[slot] { amount = number }
            record(goal, time: time, payload: .amount(amount), lead: lead)
        }
    }

    private func record(_ goal: Int, time: Int64, payload: GoalItem.Payload, lead: Int) {
        if let condition = program.goals[goal].condition, !condition(frame) { return }
        let group = program.goals[goal].groupSlot.map { frame.leadAttributes[$0] } ?? .null
        states.appendItem(GoalItem(goal: goal, time: time, group: group, payload: payload), lead: lead)
    }

    /// Appends lead `lead`'s verdicts at the as-of time `asOf`, after its last event up to
    /// it, to `verdicts`: its scores and stages, its cycles by deadline and number, its goal
    /// items resolved.
    func finish(lead: Int, asOf: Int64, into verdicts: ShardVerdicts) {
        let id = states.table.id(lead)
        let scores = Array(UnsafeBufferPointer(start: states.scores.base + lead * states.scoreCount, count: states.scoreCount))
        let stageEntries = states.stageEntries.base + lead * states.stageCount
        let stages = (0..<states.stageCount).map { stageEntries[$0] == LeadStates.notEntered ? nil : stageEntries[$0] }
        verdicts.leads.append(LeadVerdict(lead: id, scores: scores, stages: stages))
        verdicts.firstEvent = min(verdicts.firstEvent, states.firstTime[lead])
        // The lead's cycles, in creation order, remembered by their index in `states.cycles`
        // so that items can find their cycle's verdict.
        let firstVerdict = verdicts.cycles.count
        cycleNumbers.removeAll(keepingCapacity: true)
        var next = Int(states.firstCycle[lead])
        while next >= 0 {
            cycleNumbers.append(next)
            verdicts.cycles.append(verdict(for: states.cycles[next], lead: id, asOf: asOf))
            next = Int(states.cycles[next].next)
        }
        next = Int(states.firstItem[lead])
        while next >= 0 {
            let item = states.items[next]
            let contribution: ResolvedGoalItem.Contribution
            switch item.payload {
            case .entry: contribution = .count
            case .cohort(let numerator): contribution = .cohort(converted: stageEntries[numerator] != LeadStates.notEntered)
            case .cycle(let index):
                let verdict = verdicts.cycles[firstVerdict + cycleNumbers.firstIndex(of: index)!]
                contribution = .cycle(verdict.status, elapsed: verdict.elapsed)
            case .amount(let amount): contribution = .amount(amount)
            }
            verdicts.items.append(ResolvedGoalItem(goal: item.goal, time: item.time,
                                                   period: periods.period(goal: item.goal, time: item.time),
                                                   group: item.group, contribution: contribution))
            next = Int(item.next)
        }
        if verdicts.cycles.count - firstVerdict > 1 {
            verdicts.cycles[firstVerdict...].sort { ($0.deadline, $0.number) < ($1.deadline, $1.number) }
        }
        verdicts.cycleEnds.append(verdicts.cycles.count)
        verdicts.itemEnds.append(verdicts.items.count)
    }

    /// SPEC.md 6.3: elapsed, status and due of one cycle at `asOf`.
    private func verdict(for cycle: Cycle, lead: String, asOf: Int64) -> CycleVerdict {
        let calendar = cycle.calendar.map { program.calendars[$0] }
        let end = cycle.stop ?? asOf
        let elapsed = CycleClock.elapsed(start: cycle.start, end: end, pauses: cycle.pauses, calendar: calendar)
        let due = CycleClock.due(start: cycle.start, budget: cycle.budget, pauses: cycle.pauses, horizon: end,
                                 pausedAtHorizon: cycle.paused, calendar: calendar)
        let status: CycleStatus
        if cycle.stop != nil {
            status = elapsed <= cycle.budget ? .met : .late
        } else if elapsed > cycle.budget {
            status = .overdue
        } else if let (numerator, denominator) = program.deadlines[cycle.deadline].warnPercent,
                  Int128(elapsed) * 100 * Int128(denominator) >= Int128(numerator) * Int128(cycle.budget) {
            status = .atRisk
        } else {
            status = .pending
        }
        return CycleVerdict(lead: lead, deadline: cycle.deadline, number: cycle.number, status: status,
                            started: cycle.start, stopped: cycle.stop, due: due, elapsed: elapsed, budget: cycle.budget,
                            paused: cycle.stop == nil && cycle.paused, withinIndex: cycle.withinIndex)
    }
}
