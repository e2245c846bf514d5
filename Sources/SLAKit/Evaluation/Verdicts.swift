/// One accepted event of a lead, as kept for processing.
public struct LeadEvent: Sendable {
    /// Milliseconds since the epoch.
    public var time: Int64
    /// Position in the whole input (0-based, counting across files in order); breaks ties
    /// between events of the same time.
    public var position: Int
    public var type: String
    /// Attribute values by the program's attribute slots.
    public var attributes: [Value]
}

/// A deadline cycle and its verdict at the as-of time (SPEC.md section 6.3).
///
/// 72 bytes: the small numbers are kept as `Int32` and the optional instants as
/// `PackedInstant`, behind properties of the usual types (with `Int` and optionals it took 112
/// bytes; the bench SLA has about a million cycle verdicts at 10 M events).
public struct CycleVerdict: Sendable {
    public var lead: String
    /// Milliseconds since the epoch.
    public var started: Int64
    private var stoppedTime: PackedInstant
    private var dueTime: PackedInstant
    /// Counted time, milliseconds.
    public var elapsed: Int64
    /// The budget, milliseconds.
    public var budget: Int64
    private var deadlineIndex: Int32
    private var cycleNumber: Int32
    private var within: Int32
    public var status: CycleStatus
    /// Whether the cycle is open and paused at the as-of time.
    public var paused: Bool

    public init(lead: String, deadline: Int, number: Int, status: CycleStatus, started: Int64, stopped: Int64?, due: Int64?,
                elapsed: Int64, budget: Int64, paused: Bool, withinIndex: Int) {
        self.lead = lead
        self.started = started
        stoppedTime = PackedInstant(stopped)
        dueTime = PackedInstant(due)
        self.elapsed = elapsed
        self.budget = budget
        deadlineIndex = Int32(truncatingIfNeeded: deadline)
        cycleNumber = Int32(truncatingIfNeeded: number)
        within = Int32(truncatingIfNeeded: withinIndex)
        self.status = status
        self.paused = paused
    }

    /// Index of the deadline in declaration order.
    public var deadline: Int {
        get { Int(deadlineIndex) }
        set { deadlineIndex = Int32(truncatingIfNeeded: newValue) }
    }
    /// 1-based cycle number within the lead and deadline.
    public var number: Int {
        get { Int(cycleNumber) }
        set { cycleNumber = Int32(truncatingIfNeeded: newValue) }
    }
    /// Which `within` (0-based) set the budget.
    public var withinIndex: Int {
        get { Int(within) }
        set { within = Int32(truncatingIfNeeded: newValue) }
    }
    /// Milliseconds since the epoch.
    public var stopped: Int64? {
        get { stoppedTime.value }
        set { stoppedTime.value = newValue }
    }
    /// Milliseconds since the epoch.
    public var due: Int64? {
        get { dueTime.value }
        set { dueTime.value = newValue }
    }

    /// Decided cycles are met, late or overdue.
    public var isDecided: Bool { status == .met || status == .late || status == .overdue }
}

/// A lead's scores and stage entries at the as-of time. The numbers are kept with those of
/// other leads (`VerdictNumbers`), not in arrays of the lead's own.
public struct LeadVerdict: Sendable {
    public var lead: String
    private let numbers: VerdictNumbers
    /// Where the lead's scores start in `numbers.scores`.
    private let scoreStart: Int
    /// Where the lead's stage entries start in `numbers.stageEntries`; -1 when it entered
    /// no stage (most leads of a funnel: nothing is stored for them).
    private let stageStart: Int

    /// A verdict holding its own numbers.
    public init(lead: String, scores: [Double], stages: [Int64?]) {
        let numbers = VerdictNumbers(scoreCount: scores.count, stageCount: stages.count)
        self.init(lead: lead, numbers: numbers, scoreStart: numbers.append(scores: scores),
                  stageStart: numbers.append(stages: stages))
    }

    init(lead: String, numbers: VerdictNumbers, scoreStart: Int, stageStart: Int) {
        self.lead = lead
        self.numbers = numbers
        self.scoreStart = scoreStart
        self.stageStart = stageStart
    }

    /// The value of score `index` (after the lead's last event up to the as-of time).
    @inline(__always)
    public func score(_ index: Int) -> Double { numbers.scores[scoreStart + index] }

    /// The entry time of stage `index`, nil when not entered.
    @inline(__always)
    public func stage(_ index: Int) -> Int64? {
        guard stageStart >= 0 else { return nil }
        let entry = numbers.stageEntries[stageStart + index]
        return entry == VerdictNumbers.notEntered ? nil : entry
    }

    /// Score values by score index.
    public var scores: [Double] { (0..<numbers.scoreCount).map(score) }
    /// Stage entry times by stage index, nil when not entered.
    public var stages: [Int64?] { (0..<numbers.stageCount).map(stage) }
}

/// The scores and stage entries of many leads' verdicts, laid end to end, `scoreCount` and
/// `stageCount` a lead: one list each per shard rather than two small arrays per lead (at
/// 10 M events, 1.25 million leads made as many allocations, 80 MB of 64-byte blocks).
/// Appended to by one thread while the verdicts are computed, read only after.
final class VerdictNumbers: @unchecked Sendable {
    let scoreCount: Int
    let stageCount: Int
    private(set) var scores: [Double] = []
    /// Entry times (milliseconds since the epoch), `notEntered` for the stages not entered.
    private(set) var stageEntries: [Int64] = []
    /// The lead state's own mark, so that a lead's entries are appended as they are.
    static let notEntered = LeadStates.notEntered

    init(scoreCount: Int, stageCount: Int) {
        self.scoreCount = scoreCount
        self.stageCount = stageCount
    }

    /// Makes room for the scores of `leads` more leads (every lead has its scores).
    func reserve(leads: Int) {
        scores.reserveCapacity(scores.count + leads * scoreCount)
    }

    /// Appends a lead's `scoreCount` scores; returns where they start.
    func append(scores values: UnsafePointer<Double>) -> Int {
        let start = scores.count
        scores.append(contentsOf: UnsafeBufferPointer(start: values, count: scoreCount))
        return start
    }

    func append(scores values: [Double]) -> Int {
        values.withUnsafeBufferPointer { append(scores: $0.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Double>.alignment)!) }
    }

    /// Appends a lead's `stageCount` entry times (`notEntered` for none) when it entered a
    /// stage; returns where they start, or -1 (nothing stored) when it entered none.
    func append(stageEntries values: UnsafePointer<Int64>) -> Int {
        guard (0..<stageCount).contains(where: { values[$0] != VerdictNumbers.notEntered }) else { return -1 }
        let start = stageEntries.count
        stageEntries.append(contentsOf: UnsafeBufferPointer(start: values, count: stageCount))
        return start
    }

    func append(stages values: [Int64?]) -> Int {
        let entries = values.map { $0 ?? VerdictNumbers.notEntered }
        return entries.withUnsafeBufferPointer { append(stageEntries: $0.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Int64>.alignment)!) }
    }
}

public enum GoalStatus: String, Sendable {
    case met, missed
    case inProgress = "in_progress"
    case noData = "no_data"
}

/// A goal's value for one period and group (SPEC.md section 6.4).
public struct GoalVerdict: Sendable {
    /// Index of the goal in declaration order.
    public var goal: Int
    public var period: Period
    /// The group's value (`.null` without `by`).
    public var group: Value
    /// The value as reported (counts, sums, fractions, seconds); nil for no data.
    public var value: Double?
    public var status: GoalStatus
}

/// A rejected input record, with where it came from.
public struct Rejection: Sendable {
    public var file: String
    /// 1-based line where the record starts.
    public var line: Int
    public var reason: String
}

/// Everything an evaluation produces.
public struct EvaluationResult: Sendable {
    public var sla: CheckedSLA
    /// The as-of time, nil when the input has no accepted event and no `--as-of` was given.
    public var asOf: Int64?
    /// Accepted records (those after the as-of time included).
    public var records: Int
    public var rejected: Int
    /// The first rejections (at most `EvaluationOptions.rejectionsKept`), in input order.
    public var rejections: [Rejection]
    public var leads: [LeadVerdict]
    public var cycles: [CycleVerdict]
    public var goals: [GoalVerdict]
    /// Milliseconds since the epoch of the earliest accepted event at or before the as-of
    /// time (where goal periods begin, SPEC 6.4); nil when no lead has such an event.
    public var firstEvent: Int64? = nil
    /// Set when the goal rows would be more than `Evaluator.maximumGoalRows` (then `goals`
    /// is empty and the evaluation fails): how many there would be.
    public var goalRowsBeyondLimit: GoalRowCount? = nil
    /// The lead states the verdicts were computed from, freed with the result rather than
    /// before it: a caller that exits right after writing the result (the `sla` executable)
    /// then never frees them one column at a time (see `Driver.keepUntilExit`).
    var evaluatedState: EvaluatedState? = nil
}

/// How many goal rows (SPEC.md 6.4: one per goal, period from the first event's to the
/// as-of time's, and group) an evaluation has, and which goal has the most.
public struct GoalRowCount: Sendable, Equatable {
    /// All goals' rows, saturating at `Int.max`.
    public var rows: Int
    /// The goal with the most rows (index in declaration order), its periods and groups.
    public var goal: Int
    public var periods: Int
    public var groups: Int
}

extension GoalRowCount {
    /// Why the evaluation has no goal rows, for `sla eval` and `sla test`: the goal with
    /// the most rows, the span of periods and the total (`summary`); where the span comes
    /// from (`help`).
    public func message(sla: CheckedSLA, firstEvent: Int64, asOf: Int64) -> (summary: String, help: String) {
        let goal = sla.goals[self.goal]
        let first = Periods.period(containing: firstEvent, kind: goal.period, zone: sla.zone).label
        let last = Periods.period(containing: asOf, kind: goal.period, zone: sla.zone).label
        let groupsText = goal.groupBy == nil ? "" : " × \(DigitGrouping.grouped(groups)) group\(groups == 1 ? "" : "s")"
        let totalText = rows == Int.max ? "more than \(DigitGrouping.grouped(Int.max))" : DigitGrouping.grouped(rows)
        return ("goal `\(goal.name)` would report \(DigitGrouping.grouped(periods)) \(goal.period.reviewWord) periods\(groupsText) "
                + "(\(first) to \(last)): \(totalText) goal rows in all, more than the \(DigitGrouping.grouped(Evaluator.maximumGoalRows)) a report holds",
                "periods run from the first event (\(CivilTime.formatUTC(firstEvent))) to the as-of time "
                + "(\(CivilTime.formatUTC(asOf))): look for a placeholder date among the events, or a mistyped `--as-of`")
    }
}

/// Holds the lead states of an evaluation (see `EvaluationResult.evaluatedState`); never
/// read, only kept.
final class EvaluatedState: @unchecked Sendable {
    private let objects: [AnyObject]

    init(_ objects: [AnyObject]) { self.objects = objects }
}
