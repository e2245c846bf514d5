// The checked, resolved form of an SLA: what the evaluator compiles. Every name is
// resolved to an index; every expression is known to be well formed. Built by `Checker`.

/// What a bare name in an expression refers to.
public enum Symbol: Hashable, Sendable {
    case score(Int)
    case stage(Int)
    case deadline(Int)
    case goal(Int)
    case calendar(Int)
    case team(Int)

    /// The kind's name as users read it in messages.
    public var kindName: String {
        switch self {
        case .score: "score"
        case .stage: "stage"
        case .deadline: "deadline"
        case .goal: "goal"
        case .calendar: "calendar"
        case .team: "team"
        }
    }
}

/// A working calendar as declared: weekly ranges in seconds since local midnight.
public struct CalendarModel: Sendable {
    public var name: String
    /// The calendar's own IANA zone (the SLA's when not given).
    public var zone: ZoneRules
    /// weekly[0] is Monday … weekly[6] Sunday; each sorted, non-overlapping.
    public var weekly: [[(start: Int, end: Int)]]
    /// Local dates without working time, as day numbers since 1970-01-01.
    public var holidays: Set<Int64>
}

/// An event rule of a score: `+N on TYPES [where COND] [max N]`.
public struct ScoreEventRule: Sendable {
    public var points: Double
    public var types: [String]
    public var condition: Expression?
    /// Cap on the absolute total this rule contributes.
    public var maximum: Double?
    /// The rule's range (for `sla explain`'s lines about points it kept out).
    public var range: SourceRange
}

/// A state rule of a score: `+N when COND`.
public struct ScoreStateRule: Sendable {
    public var points: Double
    public var condition: Expression
}

public struct ScoreModel: Sendable {
    public var name: String
    public var eventRules: [ScoreEventRule]
    public var stateRules: [ScoreStateRule]
    public var limit: Double?
}

public struct StageModel: Sendable {
    public var name: String
    public enum Trigger: Sendable {
        case condition(Expression)
        case event(types: [String], condition: Expression?)
    }
    public var trigger: Trigger
}

/// One `within` of a deadline.
public struct BudgetModel: Sendable {
    public enum Amount: Sendable, Hashable {
        case milliseconds(Int64)
        case businessDays(Int)
    }
    public var amount: Amount
    /// Index into `CheckedSLA.calendars`, nil for all-time counting.
    public var calendar: Int?
    public var condition: Expression?
    /// The clause's range (for `sla explain`'s "which within was chosen").
    public var range: SourceRange
}

public struct DeadlineModel: Sendable {
    public var name: String
    public var description: String?
    public var owner: String
    public enum Start: Sendable {
        case stage(Int)
        case events(types: [String], condition: Expression?, every: Bool)
    }
    public var start: Start
    public var metTypes: [String]
    public var metCondition: Expression?
    public var budgets: [BudgetModel]
    /// `warn at P%` as a fraction (0.75), nil without it.
    public var warnAt: Double?
    /// The exact percent written, as a rational `numerator / denominator` of 100, for
    /// the exact at-risk test in milliseconds.
    public var warnPercent: (numerator: Int64, denominator: Int64)?
    public var pause: Expression?
}

/// Deadline statuses (SPEC 6.3) and the aggregate `breached`.
public enum CycleStatus: String, CaseIterable, Sendable {
    case met, late, overdue, pending
    case atRisk = "at_risk"
}

/// A status filter of `count DEADLINE STATUS`.
public enum StatusFilter: String, CaseIterable, Sendable {
    case met, late, overdue, breached, pending
    case atRisk = "at_risk"

    public func matches(_ status: CycleStatus) -> Bool {
        switch self {
        case .breached: status == .late || status == .overdue
        case .met: status == .met
        case .late: status == .late
        case .overdue: status == .overdue
        case .pending: status == .pending
        case .atRisk: status == .atRisk
        }
    }
}

public enum MeasureModel: Sendable {
    case countStage(Int)
    case countDeadline(Int, StatusFilter)
    case rateStages(numerator: Int, denominator: Int)
    case rateMet(deadline: Int)
    case statistic(Statistic, deadline: Int)
    case sum(type: String, attribute: String)

    /// True for the rates, whose value is a fraction (reported as one; targets are percents).
    public var isRate: Bool {
        switch self {
        case .rateStages, .rateMet: true
        default: false
        }
    }

    /// True for measures whose value is a duration (reported in seconds).
    public var isDuration: Bool {
        if case .statistic = self { return true }
        return false
    }
}

public struct GoalModel: Sendable {
    public var name: String
    public var description: String?
    public var owner: String
    public var measure: MeasureModel
    public var op: ComparisonOperator
    /// The target as reported: counts and sums as numbers, rates as fractions, durations in
    /// seconds.
    public var target: Double
    public var period: PeriodKind
    public var groupBy: String?
    public var condition: Expression?
}

/// A checked SLA, ready to compile.
public struct CheckedSLA: Sendable {
    public var name: String
    public var zone: ZoneRules
    public var review: PeriodKind
    public var calendars: [CalendarModel]
    public var teams: [String]
    public var scores: [ScoreModel]
    public var stages: [StageModel]
    public var deadlines: [DeadlineModel]
    public var goals: [GoalModel]
    /// Every declared name.
    public var symbols: [String: Symbol]
}
