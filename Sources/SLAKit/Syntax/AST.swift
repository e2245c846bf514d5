// The abstract syntax tree of a `.sla` file. Every node carries the source range it was
// parsed from (UTF-8 byte offsets); equality of trees *ignoring ranges* is provided by
// `ASTPrinter` (the formatter's safety check compares printed trees).

/// A name as written: an identifier (or a keyword after `.`).
public struct Identifier: Hashable, Sendable {
    public var name: String
    public var range: SourceRange
    public init(name: String, range: SourceRange) { self.name = name; self.range = range }
}

/// A decoded string literal.
public struct StringLiteral: Hashable, Sendable {
    /// The value after escapes are decoded.
    public var value: String
    public var range: SourceRange
    public init(value: String, range: SourceRange) { self.value = value; self.range = range }
}

/// A number literal, sign included where the grammar allows one (score points).
public struct NumberLiteral: Hashable, Sendable {
    public var value: Double
    public var range: SourceRange
    public init(value: Double, range: SourceRange) { self.value = value; self.range = range }
}

/// An event type name: an identifier or a string (`"Form Submission"`).
public struct EventTypeName: Hashable, Sendable {
    public var value: String
    public var isQuoted: Bool
    public var range: SourceRange
    public init(value: String, isQuoted: Bool, range: SourceRange) {
        self.value = value; self.isQuoted = isQuoted; self.range = range
    }
}

/// A calendar date as written (`2026-12-24`); validity is checked by the checker.
public struct DateLiteral: Hashable, Sendable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var range: SourceRange
    public init(year: Int, month: Int, day: Int, range: SourceRange) {
        self.year = year; self.month = month; self.day = day; self.range = range
    }
}

/// A clock time as written (`08:00`, `24:00`, `08:00:30` in tests); validity is checked by
/// the checker.
public struct ClockTime: Hashable, Sendable {
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var range: SourceRange
    public init(hour: Int, minute: Int, second: Int = 0, range: SourceRange) {
        self.hour = hour; self.minute = minute; self.second = second; self.range = range
    }
    /// Seconds since local midnight (`24:00` is 86 400).
    public var secondsOfDay: Int { hour * 3600 + minute * 60 + second }
}

/// Days of the week, Monday first (ISO 8601 numbering minus one).
public enum Weekday: Int, CaseIterable, Sendable, Comparable {
    case mon = 0, tue, wed, thu, fri, sat, sun
    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
    public var name: String { ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][rawValue] }
    public init?(name: String) {
        guard let index = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].firstIndex(of: name) else { return nil }
        self.init(rawValue: index)
    }
}

/// Goal periods (`per day` … `per year`; `review daily` … `review yearly`).
public enum PeriodKind: String, CaseIterable, Sendable {
    case day, week, month, quarter, year
    /// The adjective used by `review`.
    public var reviewWord: String {
        switch self {
        case .day: "daily"
        case .week: "weekly"
        case .month: "monthly"
        case .quarter: "quarterly"
        case .year: "yearly"
        }
    }
    public init?(reviewWord: String) {
        guard let kind = PeriodKind.allCases.first(where: { $0.reviewWord == reviewWord }) else { return nil }
        self = kind
    }
}

// MARK: - File

/// A parsed file: an optional `use "FILE.sla"` (test files), at most one `sla` block, and
/// top-level `test` blocks.
public struct SLAFile: Sendable {
    public var use: StringLiteral?
    public var sla: SLABlock?
    public var tests: [TestBlock]
    /// Every comment in the file, in source order (for the formatter).
    public var comments: [Comment]
    public init(use: StringLiteral? = nil, sla: SLABlock? = nil, tests: [TestBlock] = [], comments: [Comment] = []) {
        self.use = use; self.sla = sla; self.tests = tests; self.comments = comments
    }
}

/// `sla "NAME" { DECLARATIONS }`.
public struct SLABlock: Sendable {
    public var name: StringLiteral
    public var declarations: [Declaration]
    public var range: SourceRange
    public init(name: StringLiteral, declarations: [Declaration], range: SourceRange) {
        self.name = name; self.declarations = declarations; self.range = range
    }
}

/// A declaration inside the `sla` block.
public enum Declaration: Sendable {
    case timezone(TimezoneDeclaration)
    case review(ReviewDeclaration)
    case calendar(CalendarDeclaration)
    case team(TeamDeclaration)
    case score(ScoreDeclaration)
    case stage(StageDeclaration)
    case deadline(DeadlineDeclaration)
    case goal(GoalDeclaration)

    public var range: SourceRange {
        switch self {
        case .timezone(let d): d.range
        case .review(let d): d.range
        case .calendar(let d): d.range
        case .team(let d): d.range
        case .score(let d): d.range
        case .stage(let d): d.range
        case .deadline(let d): d.range
        case .goal(let d): d.range
        }
    }

    /// The declared name, for declarations that introduce one.
    public var name: Identifier? {
        switch self {
        case .timezone, .review: nil
        case .calendar(let d): d.name
        case .team(let d): d.name
        case .score(let d): d.name
        case .stage(let d): d.name
        case .deadline(let d): d.name
        case .goal(let d): d.name
        }
    }
}

/// `timezone "IANA/Name"`.
public struct TimezoneDeclaration: Sendable {
    public var name: StringLiteral
    public var range: SourceRange
    public init(name: StringLiteral, range: SourceRange) { self.name = name; self.range = range }
}

/// `review monthly`.
public struct ReviewDeclaration: Sendable {
    public var period: PeriodKind
    public var periodRange: SourceRange
    public var range: SourceRange
    public init(period: PeriodKind, periodRange: SourceRange, range: SourceRange) {
        self.period = period; self.periodRange = periodRange; self.range = range
    }
}

// MARK: - Calendars

/// `calendar NAME [timezone "ZONE"] { LINES }`.
public struct CalendarDeclaration: Sendable {
    public var name: Identifier
    public var timezone: StringLiteral?
    public var lines: [CalendarLine]
    public var range: SourceRange
    public init(name: Identifier, timezone: StringLiteral?, lines: [CalendarLine], range: SourceRange) {
        self.name = name; self.timezone = timezone; self.lines = lines; self.range = range
    }
}

/// One line of a calendar block.
public enum CalendarLine: Sendable {
    /// `mon-fri 08:00-12:00, 13:00-17:00`.
    case hours(WorkingHoursLine)
    /// `holiday 2026-12-24, 2026-12-25`.
    case holidays(HolidayLine)

    public var range: SourceRange {
        switch self {
        case .hours(let line): line.range
        case .holidays(let line): line.range
        }
    }
}

public struct WorkingHoursLine: Sendable {
    public var days: [DaySpan]
    public var ranges: [ClockRange]
    public var range: SourceRange
    public init(days: [DaySpan], ranges: [ClockRange], range: SourceRange) {
        self.days = days; self.ranges = ranges; self.range = range
    }
}

/// `mon` or `mon-fri`.
public struct DaySpan: Sendable {
    public var first: Weekday
    public var last: Weekday?
    public var range: SourceRange
    public init(first: Weekday, last: Weekday?, range: SourceRange) {
        self.first = first; self.last = last; self.range = range
    }
}

/// `08:00-12:00`.
public struct ClockRange: Sendable {
    public var start: ClockTime
    public var end: ClockTime
    public var range: SourceRange
    public init(start: ClockTime, end: ClockTime, range: SourceRange) {
        self.start = start; self.end = end; self.range = range
    }
}

public struct HolidayLine: Sendable {
    public var dates: [DateLiteral]
    public var range: SourceRange
    public init(dates: [DateLiteral], range: SourceRange) { self.dates = dates; self.range = range }
}

// MARK: - Teams, scores, stages

/// `team NAME`.
public struct TeamDeclaration: Sendable {
    public var name: Identifier
    public var range: SourceRange
    public init(name: Identifier, range: SourceRange) { self.name = name; self.range = range }
}

/// `score NAME { RULES [limit N] }`.
public struct ScoreDeclaration: Sendable {
    public var name: Identifier
    public var items: [ScoreItem]
    public var range: SourceRange
    public init(name: Identifier, items: [ScoreItem], range: SourceRange) {
        self.name = name; self.items = items; self.range = range
    }
}

public enum ScoreItem: Sendable {
    case rule(ScoreRule)
    /// `limit N`: the range covers the whole item.
    case limit(NumberLiteral, range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .rule(let rule): rule.range
        case .limit(_, let range): range
        }
    }
}

/// `+10 on TYPES [where COND] [max N]` or `-30 when COND`.
public struct ScoreRule: Sendable {
    /// The signed points (`+10` is 10, `- 30` is -30).
    public var points: NumberLiteral
    public var trigger: ScoreTrigger
    public var range: SourceRange
    public init(points: NumberLiteral, trigger: ScoreTrigger, range: SourceRange) {
        self.points = points; self.trigger = trigger; self.range = range
    }
}

public enum ScoreTrigger: Sendable {
    /// An event rule: adds the points for each matching event.
    case event(types: [EventTypeName], condition: Expression?, max: NumberLiteral?)
    /// A state rule: contributes the points while the condition holds.
    case state(condition: Expression)
}

/// `stage NAME when COND` or `stage NAME on TYPES [where COND]`.
public struct StageDeclaration: Sendable {
    public var name: Identifier
    public var trigger: StageTrigger
    public var range: SourceRange
    public init(name: Identifier, trigger: StageTrigger, range: SourceRange) {
        self.name = name; self.trigger = trigger; self.range = range
    }
}

public enum StageTrigger: Sendable {
    case condition(Expression)
    case event(types: [EventTypeName], condition: Expression?)
}

// MARK: - Deadlines

/// `deadline NAME ["description"] { CLAUSES }`. Clauses are kept as written, in order; the
/// checker enforces how many of each there must be.
public struct DeadlineDeclaration: Sendable {
    public var name: Identifier
    public var description: StringLiteral?
    public var clauses: [DeadlineClause]
    public var range: SourceRange
    public init(name: Identifier, description: StringLiteral?, clauses: [DeadlineClause], range: SourceRange) {
        self.name = name; self.description = description; self.clauses = clauses; self.range = range
    }
}

public enum DeadlineClause: Sendable {
    /// `owner TEAM`.
    case owner(Identifier, range: SourceRange)
    /// `starts at STAGE`.
    case startsAt(stage: Identifier, range: SourceRange)
    /// `starts on [every] TYPES [where COND]`.
    case startsOn(every: Bool, types: [EventTypeName], condition: Expression?, range: SourceRange)
    /// `met on TYPES [where COND]`.
    case metOn(types: [EventTypeName], condition: Expression?, range: SourceRange)
    /// `within BUDGET [of CALENDAR] [when COND]`.
    case within(WithinClause)
    /// `warn at P%`; `percent` holds the fraction (75% is 0.75) and the literal's range.
    case warnAt(percent: NumberLiteral, range: SourceRange)
    /// `paused while COND`.
    case pausedWhile(Expression, range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .owner(_, let range), .startsAt(_, let range), .startsOn(_, _, _, let range),
             .metOn(_, _, let range), .warnAt(_, let range), .pausedWhile(_, let range):
            range
        case .within(let clause): clause.range
        }
    }
}

/// A deadline budget.
public enum Budget: Hashable, Sendable {
    /// A duration in milliseconds; `hasDayUnit` records whether `d` or `w` was written
    /// (an error together with `of CALENDAR`).
    case duration(milliseconds: Int64, hasDayUnit: Bool)
    /// `Nbd`: a number of business days (validated by the checker to be whole and >= 1).
    case businessDays(Double)
}

/// `within BUDGET [of CALENDAR] [when COND]`.
public struct WithinClause: Sendable {
    public var budget: Budget
    public var budgetRange: SourceRange
    public var calendar: Identifier?
    public var condition: Expression?
    public var range: SourceRange
    public init(budget: Budget, budgetRange: SourceRange, calendar: Identifier?, condition: Expression?, range: SourceRange) {
        self.budget = budget; self.budgetRange = budgetRange; self.calendar = calendar
        self.condition = condition; self.range = range
    }
}

// MARK: - Goals

/// `goal NAME ["description"] { CLAUSES }`.
public struct GoalDeclaration: Sendable {
    public var name: Identifier
    public var description: StringLiteral?
    public var clauses: [GoalClause]
    public var range: SourceRange
    public init(name: Identifier, description: StringLiteral?, clauses: [GoalClause], range: SourceRange) {
        self.name = name; self.description = description; self.clauses = clauses; self.range = range
    }
}

public enum GoalClause: Sendable {
    case owner(Identifier, range: SourceRange)
    case measure(MeasureClause)

    public var range: SourceRange {
        switch self {
        case .owner(_, let range): range
        case .measure(let clause): clause.range
        }
    }
}

/// The statistics over elapsed time of decided cycles.
public enum Statistic: String, CaseIterable, Sendable {
    case p50, p90, p95, p99, avg, min, max
    /// The percentile rank, for `p50`…`p99`.
    public var percentile: Int? {
        switch self {
        case .p50: 50
        case .p90: 90
        case .p95: 95
        case .p99: 99
        default: nil
        }
    }
}

/// What a goal measures (SPEC.md section 3).
public enum Measure: Sendable {
    /// `count STAGE` or `count DEADLINE STATUS` (which one is decided by the checker).
    case count(Identifier, status: Identifier?)
    /// `rate STAGE_A / STAGE_B`.
    case rate(numerator: Identifier, denominator: Identifier)
    /// `rate DEADLINE met`.
    case rateMet(deadline: Identifier)
    /// `p90 DEADLINE`, `avg DEADLINE`, …
    case statistic(Statistic, deadline: Identifier)
    /// `sum TYPE.ATTR`.
    case sum(type: EventTypeName, attribute: Identifier)
}

public enum ComparisonOperator: String, CaseIterable, Sendable {
    case greaterEqual = ">=", greater = ">", lessEqual = "<=", less = "<", equal = "=="
}

/// A goal target as written.
public enum TargetValue: Hashable, Sendable {
    case number(Double)
    /// A fraction: `30%` is 0.3.
    case percent(Double)
    case duration(milliseconds: Int64)
}

/// `MEASURE OP TARGET [per PERIOD] [by lead.ATTR] [where COND]`.
public struct MeasureClause: Sendable {
    public var measure: Measure
    public var measureRange: SourceRange
    public var op: ComparisonOperator
    public var opRange: SourceRange
    public var target: TargetValue
    public var targetRange: SourceRange
    public var period: PeriodKind?
    public var periodRange: SourceRange?
    /// The attribute of `by lead.ATTR`; its range covers `lead.ATTR`.
    public var groupBy: Identifier?
    public var condition: Expression?
    public var range: SourceRange
    public init(measure: Measure, measureRange: SourceRange, op: ComparisonOperator, opRange: SourceRange,
                target: TargetValue, targetRange: SourceRange, period: PeriodKind?, periodRange: SourceRange?,
                groupBy: Identifier?, condition: Expression?, range: SourceRange) {
        self.measure = measure; self.measureRange = measureRange; self.op = op; self.opRange = opRange
        self.target = target; self.targetRange = targetRange; self.period = period
        self.periodRange = periodRange; self.groupBy = groupBy; self.condition = condition; self.range = range
    }
}

// MARK: - Expressions

public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case not = "not"
}

public enum BinaryOperator: String, CaseIterable, Sendable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in` = "in", notIn = "not in", contains, startsWith, endsWith, matches
    case add = "+", subtract = "-", multiply = "*", divide = "/"

    /// True for the non-associative comparison level.
    public var isComparison: Bool {
        switch self {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in, .notIn,
             .contains, .startsWith, .endsWith, .matches: true
        default: false
        }
    }
}

/// An expression node.
public struct Expression: Sendable {
    public indirect enum Kind: Sendable {
        case number(Double)
        /// A fraction: `30%` is 0.3.
        case percent(Double)
        case duration(milliseconds: Int64)
        case string(String)
        case bool(Bool)
        case null
        case list([Expression])
        /// `lead.ATTR` (the identifier is the attribute).
        case leadAttribute(Identifier)
        /// `event.ATTR`.
        case eventAttribute(Identifier)
        /// A score or stage name.
        case name(Identifier)
        /// `lower(x)`, `upper(x)`, `len(x)`.
        case call(function: Identifier, arguments: [Expression])
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        /// `( x )`, kept so that the formatter can reproduce the author's grouping.
        case parenthesized(Expression)
    }

    public var kind: Kind
    public var range: SourceRange
    public init(_ kind: Kind, range: SourceRange) { self.kind = kind; self.range = range }
}

// MARK: - Tests

/// `test "NAME" { ITEMS }`.
public struct TestBlock: Sendable {
    public var name: StringLiteral
    public var items: [TestItem]
    public var range: SourceRange
    public init(name: StringLiteral, items: [TestItem], range: SourceRange) {
        self.name = name; self.items = items; self.range = range
    }
}

/// A point in time written in a test: `2026-03-02 09:00` (local to the SLA's time zone) or
/// a string in any timestamp form of SPEC.md section 5.
public enum TimestampLiteral: Sendable {
    case local(date: DateLiteral, time: ClockTime?, range: SourceRange)
    case text(StringLiteral)

    public var range: SourceRange {
        switch self {
        case .local(_, _, let range): range
        case .text(let literal): literal.range
        }
    }
}

/// A literal attribute value in a test event or a goal-group expectation.
public enum LiteralValue: Hashable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
}

/// An attribute of an inline test event: `name: value`.
public struct TestAttribute: Sendable {
    public var name: Identifier
    public var value: LiteralValue
    public var valueRange: SourceRange
    public init(name: Identifier, value: LiteralValue, valueRange: SourceRange) {
        self.name = name; self.value = value; self.valueRange = valueRange
    }
}

/// One row of an `events { ... }` block: `TIMESTAMP LEAD TYPE [ATTR: VALUE, ...]`.
public struct TestEvent: Sendable {
    public var time: TimestampLiteral
    /// The lead id as written (an identifier, a number's text, or a string's value).
    public var lead: StringLiteral
    public var type: EventTypeName
    public var attributes: [TestAttribute]
    public var range: SourceRange
    public init(time: TimestampLiteral, lead: StringLiteral, type: EventTypeName, attributes: [TestAttribute], range: SourceRange) {
        self.time = time; self.lead = lead; self.type = type; self.attributes = attributes; self.range = range
    }
}

public enum TestItem: Sendable {
    /// `as of TIMESTAMP`.
    case asOf(TimestampLiteral, range: SourceRange)
    /// `events { ROWS }`.
    case events([TestEvent], range: SourceRange)
    /// `events from "FILE"`: a JSONL or CSV file, relative to the test file.
    case eventsFile(StringLiteral, range: SourceRange)
    case expectation(Expectation)

    public var range: SourceRange {
        switch self {
        case .asOf(_, let range), .events(_, let range), .eventsFile(_, let range): range
        case .expectation(let expectation): expectation.range
        }
    }
}

/// What a goal expectation says about the value.
public enum ExpectedGoalValue: Sendable {
    case value(TargetValue, range: SourceRange)
    /// `value null` (the `no_data` value).
    case null(range: SourceRange)
}

public enum ExpectedDue: Sendable {
    case at(TimestampLiteral)
    /// `due none`.
    case none(range: SourceRange)
}

/// `expect ...`.
public struct Expectation: Sendable {
    public enum Subject: Sendable {
        /// `expect LEAD stage NAME at TIMESTAMP` / `expect LEAD stage NAME never` (nil).
        case stage(lead: StringLiteral, stage: Identifier, at: TimestampLiteral?)
        /// `expect LEAD score NAME NUMBER`.
        case score(lead: StringLiteral, score: Identifier, value: NumberLiteral)
        /// `expect LEAD deadline NAME [cycle N] STATUS [elapsed DURATION] [due TIMESTAMP|none] [paused]`.
        case deadline(lead: StringLiteral, deadline: Identifier, cycle: NumberLiteral?, status: Identifier,
                      elapsed: (milliseconds: Int64, range: SourceRange)?, due: ExpectedDue?, paused: SourceRange?)
        /// `expect LEAD deadline NAME none`: the lead has no cycle of the deadline.
        case noCycle(lead: StringLiteral, deadline: Identifier)
        /// `expect goal NAME "PERIOD" [group VALUE] [value VALUE] [STATUS]`.
        case goal(goal: Identifier, period: StringLiteral, group: (value: LiteralValue, range: SourceRange)?,
                  value: ExpectedGoalValue?, status: Identifier?)
    }

    public var subject: Subject
    public var range: SourceRange
    public init(subject: Subject, range: SourceRange) { self.subject = subject; self.range = range }
}
