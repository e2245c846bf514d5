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
        /// A cycle of the lead (index into the lead's cycles).
        case cycle(Int)
        /// An event's numeric attribute for `sum`, nil when not a number.
        case amount(Double?)
    }
    var goal: Int
    /// The anchor event's time (milliseconds since the epoch).
    var time: Int64
    var group: Value
    var payload: Payload
}

/// An item after the lead is done: what goal aggregation needs.
struct ResolvedGoalItem {
    var goal: Int
    var time: Int64
    var group: Value
    enum Contribution {
        case count
        case cohort(converted: Bool)
        case cycle(CycleStatus, elapsed: Int64)
        case amount(Double?)
    }
    var contribution: Contribution
}

/// One lead's state between its events: everything SPEC.md 6.2 carries from one event to
/// the next. Kept per lead, so events of many leads can be processed interleaved, in input
/// order, without buffering them.
final class LeadState {
    let lead: String
    /// `lead.ATTR` by attribute slot.
    var attributes: [Value]
    /// Score values by score index.
    var scores: [Double]
    /// Whether each stage has been entered.
    var stageEntered: [Bool]
    /// Stage entry times (milliseconds since the epoch), by stage index.
    var stageEntries: [Int64?]
    /// Running totals of every event rule, all scores' rules in order (never clamped).
    var ruleTotals: [Double]
    var deadlines: [DeadlineState]
    var cycles: [OpenCycle] = []
    var items: [GoalItem] = []
    /// The time of the last processed event, for detecting input that is out of order.
    var lastTime = Int64.min
    /// The time of the first processed event.
    var firstTime = Int64.max

    init(lead: String, program: Program) {
        self.lead = lead
        attributes = Array(repeating: .null, count: program.attributeNames.count)
        scores = Array(repeating: 0, count: program.scores.count)
        stageEntered = Array(repeating: false, count: program.stages.count)
        stageEntries = Array(repeating: nil, count: program.stages.count)
        ruleTotals = Array(repeating: 0, count: program.scores.reduce(0) { $0 + $1.eventRules.count })
        deadlines = Array(repeating: DeadlineState(), count: program.deadlines.count)
    }

    struct OpenCycle {
        var deadline: Int
        var number: Int
        var start: Int64
        var stop: Int64?
        var budget: Int64
        var calendar: Int?
        var withinIndex: Int
        var pauses: [PauseInterval] = []
        /// The pause state after step 4a of the last processed event (or of the stop event).
        var paused = false
    }

    struct DeadlineState {
        var open: Int?
        var everOpened = false
        var cycleCount = 0
    }
}

/// Runs SPEC.md section 6.2 event by event on a lead's `LeadState`, and produces the lead's
/// verdicts at the as-of time. One processor serves every lead; its frame is borrowed by
/// each state in turn.
final class LeadProcessor {
    let program: Program
    let frame: EvaluationFrame
    private var enteredNow: [Bool]
    private var openedNow: [(deadline: Int, cycle: Int)] = []
    /// Goal indices by what anchors them, precomputed once.
    private let goalsByStage: [[Int]]
    private let goalsByCohortStage: [[(goal: Int, numerator: Int)]]
    private let goalsByDeadline: [[Int]]
    private let sumGoals: [Int]
    var trace: ((TraceEntry) -> Void)?

    init(program: Program) {
        self.program = program
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

    /// Lends the lead's values to the frame (constant time: arrays are swapped, not copied).
    private func enter(_ state: LeadState) {
        frame.leadId = state.lead
        swap(&frame.leadAttributes, &state.attributes)
        swap(&frame.scores, &state.scores)
        swap(&frame.stageEntered, &state.stageEntered)
    }

    /// Takes the lead's values back from the frame.
    private func leave(_ state: LeadState) {
        swap(&frame.leadAttributes, &state.attributes)
        swap(&frame.scores, &state.scores)
        swap(&frame.stageEntered, &state.stageEntered)
    }

    /// Processes one event of `state`'s lead (SPEC.md 6.2 steps 1-4, then goal anchors).
    /// Events must come in (time, input position) order for each lead.
    func process(_ type: String, time: Int64, attributes: [Value], into state: LeadState) {
        enter(state)
        defer { leave(state) }
        state.lastTime = time
        if state.firstTime == Int64.max { state.firstTime = time }
        let typeId = program.typeId(type)
        frame.eventType = type
        frame.eventTime = time

        // 1. Lead attributes take the event's non-null attributes.
        var changes: [(slot: Int, old: Value, new: Value)] = []
        for slot in attributes.indices {
            let value = attributes[slot]
            frame.eventAttributes[slot] = value
            if case .null = value { continue }
            if trace != nil, !Operations.equals(frame.leadAttributes[slot], value) {
                changes.append((slot, frame.leadAttributes[slot], value))
            }
            frame.leadAttributes[slot] = value
        }
        if let trace {
            trace(.event(LeadEvent(time: time, position: 0, type: type, attributes: attributes), changes: changes))
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
                    state.ruleTotals[ruleOffset + ruleIndex] += scores[scoreIndex].eventRules[ruleIndex].points
                }
                let total = state.ruleTotals[ruleOffset + ruleIndex]
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
        for (stageIndex, stage) in program.stages.enumerated() {
            enteredNow[stageIndex] = false
            guard !frame.stageEntered[stageIndex] else { continue }
            let holds: Bool
            if let types = stage.types {
                holds = types.contains(typeId) && (stage.condition?(frame) ?? true)
            } else {
                holds = stage.condition?(frame) ?? false
            }
            if holds {
                state.stageEntries[stageIndex] = time
                frame.stageEntered[stageIndex] = true
                enteredNow[stageIndex] = true
                anyEntered = true
                trace?(.stageEntered(stage: stageIndex))
            }
        }

        // 4. Deadlines, in declaration order.
        openedNow.removeAll(keepingCapacity: true)
        for (deadlineIndex, deadline) in program.deadlines.enumerated() {
            var deadlineState = state.deadlines[deadlineIndex]
            // a. Pauses.
            let pausedNow = deadline.pause?(frame) ?? false
            if let open = deadlineState.open {
                if pausedNow, !state.cycles[open].paused {
                    state.cycles[open].pauses.append(PauseInterval(from: time, to: nil))
                    state.cycles[open].paused = true
                    trace?(.paused(deadline: deadlineIndex, cycle: state.cycles[open].number))
                } else if !pausedNow, state.cycles[open].paused {
                    state.cycles[open].pauses[state.cycles[open].pauses.count - 1].to = time
                    state.cycles[open].paused = false
                    trace?(.resumed(deadline: deadlineIndex, cycle: state.cycles[open].number))
                }
            }
            // b. Stop (before c, so the opening event never stops its own cycle).
            if let open = deadlineState.open, deadline.metTypes.contains(typeId), deadline.metCondition?(frame) ?? true {
                state.cycles[open].stop = time
                if state.cycles[open].paused {
                    // Pauses are known up to the stop; the state in force stays in `paused`.
                    state.cycles[open].pauses[state.cycles[open].pauses.count - 1].to = time
                }
                deadlineState.open = nil
                trace?(.stopped(deadline: deadlineIndex, cycle: state.cycles[open].number))
            }
            // c. Start.
            let starting: Bool
            if let stage = deadline.startStage {
                starting = anyEntered && enteredNow[stage]
            } else {
                starting = deadline.startTypes!.contains(typeId) && (deadline.startCondition?(frame) ?? true)
            }
            if starting {
                if deadlineState.open != nil {
                    trace?(.startIgnored(deadline: deadlineIndex, reason: .cycleOpen))
                } else if deadlineState.everOpened, !deadline.every {
                    trace?(.startIgnored(deadline: deadlineIndex, reason: .notEvery))
                } else if let withinIndex = deadline.budgets.firstIndex(where: { $0.condition?(frame) ?? true }) {
                    let chosen = deadline.budgets[withinIndex]
                    let budget: Int64
                    switch chosen.amount {
                    case .milliseconds(let milliseconds): budget = milliseconds
                    case .businessDays(let days): budget = program.calendars[chosen.calendar!].businessDayBudget(start: time, days: days)
                    }
                    deadlineState.cycleCount += 1
                    deadlineState.everOpened = true
                    var cycle = LeadState.OpenCycle(deadline: deadlineIndex, number: deadlineState.cycleCount, start: time,
                                                    budget: budget, calendar: chosen.calendar, withinIndex: withinIndex)
                    if pausedNow {
                        cycle.pauses.append(PauseInterval(from: time, to: nil))
                        cycle.paused = true
                    }
                    deadlineState.open = state.cycles.count
                    openedNow.append((deadlineIndex, state.cycles.count))
                    state.cycles.append(cycle)
                    trace?(.cycleOpened(deadline: deadlineIndex, cycle: cycle.number, withinIndex: withinIndex,
                                        budget: budget, startsPaused: pausedNow))
                } else {
                    trace?(.startIgnored(deadline: deadlineIndex, reason: .noWithinMatched))
                }
            }
            state.deadlines[deadlineIndex] = deadlineState
        }

        // Goal anchors at this event, filtered and grouped as the lead is after steps 1-4.
        if anyEntered {
            for (stageIndex, entered) in enteredNow.enumerated() where entered {
                for goal in goalsByStage[stageIndex] { record(goal, time: time, payload: .entry, into: state) }
                for (goal, numerator) in goalsByCohortStage[stageIndex] {
                    record(goal, time: time, payload: .cohort(numeratorStage: numerator), into: state)
                }
            }
        }
        for (deadline, cycle) in openedNow {
            for goal in goalsByDeadline[deadline] { record(goal, time: time, payload: .cycle(cycle), into: state) }
        }
        for goal in sumGoals {
            let compiled = program.goals[goal]
            guard compiled.sumType == typeId, let slot = compiled.sumSlot else { continue }
            var amount: Double?
            if case .number(let number) = attributes[slot] { amount = number }
            record(goal, time: time, payload: .amount(amount), into: state)
        }
    }

    private func record(_ goal: Int, time: Int64, payload: GoalItem.Payload, into state: LeadState) {
        let compiled = program.goals[goal]
        if let condition = compiled.condition, !condition(frame) { return }
        let group = compiled.groupSlot.map { frame.leadAttributes[$0] } ?? .null
        state.items.append(GoalItem(goal: goal, time: time, group: group, payload: payload))
    }

    /// The lead's verdicts at the as-of time `asOf`, after its last event up to it.
    func finish(_ state: LeadState, asOf: Int64) -> (lead: LeadVerdict, cycles: [CycleVerdict], items: [ResolvedGoalItem]) {
        let lead = LeadVerdict(lead: state.lead, scores: state.scores, stages: state.stageEntries)
        let verdicts = state.cycles.map { verdict(for: $0, lead: state.lead, asOf: asOf) }
        let resolved = state.items.map { item -> ResolvedGoalItem in
            let contribution: ResolvedGoalItem.Contribution
            switch item.payload {
            case .entry: contribution = .count
            case .cohort(let numerator): contribution = .cohort(converted: state.stageEntries[numerator] != nil)
            case .cycle(let index): contribution = .cycle(verdicts[index].status, elapsed: verdicts[index].elapsed)
            case .amount(let amount): contribution = .amount(amount)
            }
            return ResolvedGoalItem(goal: item.goal, time: item.time, group: item.group, contribution: contribution)
        }
        return (lead, verdicts, resolved)
    }

    /// SPEC.md 6.3: elapsed, status and due of one cycle at `asOf`.
    private func verdict(for cycle: LeadState.OpenCycle, lead: String, asOf: Int64) -> CycleVerdict {
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
