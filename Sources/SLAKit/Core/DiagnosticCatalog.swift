/// A catalog entry instantiated with its arguments: what a stage reports.
public struct Message: Sendable, Hashable {
    /// Stable kebab-case identifier (shown by `sla check --format json`).
    public var code: String
    public var severity: Severity
    /// Lowercase text, names in backticks, no trailing period.
    public var text: String
}

extension Diagnostic {
    public init(_ message: Message, at range: SourceRange, help: String? = nil, in file: SourceFile) {
        self.init(code: message.code, severity: message.severity, message: message.text,
                  range: range, help: help, file: file)
    }
}

/// Every diagnostic message the tool can produce, in one place (as in cel-go), grouped by
/// the stage that reports it. Stages never build message text themselves.
public enum Catalog {
    private static func error(_ code: String, _ text: String) -> Message {
        Message(code: code, severity: .error, text: text)
    }
    private static func warning(_ code: String, _ text: String) -> Message {
        Message(code: code, severity: .warning, text: text)
    }

    /// Source text quoted in a message, cut to 40 scalars and `…`: a literal may be as long
    /// as its limit allows, and the message must stay one readable line.
    static func shown(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > 40 else { return text }
        return String(String.UnicodeScalarView(scalars.prefix(40))) + "…"
    }

    // MARK: Source and lexical

    /// `count` bytes in a row that are not UTF-8: one diagnostic for the run.
    public static func invalidUTF8(_ count: Int = 1) -> Message {
        error("invalid-utf8", count == 1 ? "source is not valid UTF-8" : "source is not valid UTF-8: \(count) bytes in a row")
    }
    /// `count` NUL bytes in a row: one diagnostic for the run.
    public static func nulByte(_ count: Int = 1) -> Message {
        error("nul-byte", count == 1 ? "source contains a NUL byte" : "source contains \(count) NUL bytes in a row")
    }
    /// A character that starts no token, `count` times in a row: one diagnostic for the run.
    public static func unexpectedCharacter(_ character: String, count: Int = 1) -> Message {
        error("unexpected-character", "unexpected character `\(character)`" + (count == 1 ? "" : ", \(count) in a row"))
    }
    public static func unterminatedString() -> Message {
        error("unterminated-string", "string is not closed before the end of the line")
    }
    public static func invalidEscape(_ escape: String) -> Message {
        error("invalid-escape", "invalid escape `\(shown(escape))` in string")
    }
    public static func invalidNumber(_ text: String) -> Message {
        error("invalid-number", "invalid number `\(shown(text))`")
    }
    public static func invalidDuration(_ text: String) -> Message {
        error("invalid-duration", "invalid duration `\(shown(text))`")
    }
    public static func tokenTooLong(_ limit: Int) -> Message {
        error("token-too-long", "token is longer than \(limit) bytes")
    }
    public static func numberTooLarge(_ text: String) -> Message {
        error("number-too-large", "number `\(shown(text))` is too large")
    }
    public static func invalidUnicodeEscape(_ escape: String) -> Message {
        error("invalid-escape", "escape `\(shown(escape))` is not a Unicode scalar value")
    }

    // MARK: Parser

    public static func expected(_ what: String, found: String) -> Message {
        error("syntax", "expected \(what), found \(found)")
    }
    public static func nestingTooDeep(_ limit: Int) -> Message {
        error("nesting-too-deep", "expression is nested more than \(limit) levels deep")
    }
    public static func missingSLABlock() -> Message {
        error("missing-sla", "file has no `sla \"NAME\" { ... }` block")
    }
    public static func duplicateSLABlock() -> Message {
        error("duplicate-sla", "a file holds exactly one `sla` block")
    }
    public static func reservedWord(_ word: String) -> Message {
        error("reserved-word", "`\(word)` is a reserved word and cannot be used as a name")
    }
    public static func nonAssociative(_ op: String) -> Message {
        error("non-associative", "comparison `\(op)` cannot be chained; use parentheses and `and`")
    }
    public static func tooManyDeclarations(_ limit: Int) -> Message {
        error("too-many-declarations", "file has more than \(limit) declarations")
    }
    public static func tooManyDiagnostics(more: Int, severity: Severity) -> Message {
        Message(code: "too-many-diagnostics", severity: severity,
                text: "\(more) more diagnostic\(more == 1 ? "" : "s") in this file not shown")
    }
    public static func slaBlockInTestFile() -> Message {
        error("sla-in-test-file", "a file that starts with `use` holds only `test` blocks")
    }
    public static func testBeforeSLA() -> Message {
        error("test-before-sla", "`test` blocks stand after the `sla` block")
    }
    public static func useNotFirst() -> Message {
        error("use-not-first", "`use` must be the first thing in the file")
    }
    public static func repeatedModifier(_ word: String) -> Message {
        error("repeated-modifier", "`\(word)` is given more than once in this clause")
    }
    /// The `help:` line of a misspelt word.
    public static func didYouMean(_ suggestion: String) -> String { "did you mean `\(suggestion)`?" }

    /// What the parser wanted, for `expected(_:found:)`.
    public enum Wanted {
        public static func token(_ text: String) -> String { "`\(text)`" }
        public static func either(_ first: String, _ second: String) -> String { "`\(first)` or `\(second)`" }
        public static let name = "a name"
        public static let string = "a string"
        public static let number = "a number"
        public static let wholeNumber = "a whole number"
        public static let signedNumber = "a signed number (`+10`, `-30`)"
        public static let percent = "a percent"
        public static let duration = "a duration"
        public static let budget = "a duration or business days (`2bd`)"
        public static let target = "a number, percent or duration"
        public static let goalValue = "a number, percent, duration or `null`"
        public static let expression = "an expression"
        public static let attributeName = "an attribute name"
        public static let eventType = "an event type (a name or a string)"
        public static let declaration = "a declaration (`timezone`, `review`, `calendar`, `team`, `score`, `stage`, `deadline`, `goal`) or `}`"
        public static let topLevel = "`sla` or `test`"
        public static let scoreItem = "a score rule (`+N on TYPES`, `+N when COND`), `limit` or `}`"
        public static let scoreTrigger = "`on` or `when`"
        public static let deadlineClause = "a deadline clause (`owner`, `starts`, `met`, `within`, `warn`, `paused`) or `}`"
        public static let goalClause = "a goal clause (`owner`, `count`, `rate`, `sum`, `p50`, `p90`, `p95`, `p99`, `avg`, `min`, `max`) or `}`"
        public static let calendarLine = "weekdays (`mon-fri`), `holiday` or `}`"
        public static let weekday = "a weekday (`mon` … `sun`)"
        public static let clockRange = "a clock time range (`08:00-12:00`)"
        public static let clockTime = "a clock time"
        public static let date = "a date (`2026-12-24`)"
        public static let reviewPeriod = "a review period (`daily`, `weekly`, `monthly`, `quarterly`, `yearly`)"
        public static let period = "a period (`day`, `week`, `month`, `quarter`, `year`)"
        public static let comparison = "a comparison (`>=`, `>`, `<=`, `<`, `==`)"
        public static let rateTail = "`/` or `met`"
        public static let deadlineStatus = "a deadline status (`met`, `late`, `overdue`, `pending`, `at_risk`)"
        public static let testItem = "`as of`, `events`, `expect` or `}`"
        public static let timestamp = "a timestamp (`2026-03-02 09:00` or a string)"
        public static let lead = "a lead id (a name, number or string)"
        public static let literalValue = "a value (string, number, `true`, `false`, `null`)"
        public static let leadExpectation = "`stage`, `score` or `deadline`"
        public static let stageOutcome = "`at` or `never`"
        public static let goalOutcome = "`value` or a goal status (`met`, `missed`, `in_progress`, `no_data`)"
        public static let eventsSource = "`{` or `from`"
        public static let eventRow = "an event row (`TIMESTAMP LEAD TYPE`) or `}`"
    }

    /// How the parser describes the token it found, for `expected(_:found:)`.
    public enum Found {
        public static let endOfFile = "end of file"
        public static func identifier(_ text: String) -> String { "identifier `\(text)`" }
        public static func keyword(_ text: String) -> String { "keyword `\(text)`" }
        /// A literal: `kind` is e.g. `number`, `duration`, `date`.
        public static func literal(_ kind: String, _ text: String) -> String { "\(kind) `\(text)`" }
        /// A string literal, shown as written, quotes included.
        public static func string(_ quoted: String) -> String { "string \(quoted)" }
        public static func punctuation(_ text: String) -> String { "`\(text)`" }
    }

    // MARK: Names

    public static func unknownName(_ name: String, kind: String) -> Message {
        error("unknown-name", "unknown \(kind) `\(name)`")
    }
    public static func duplicateName(_ name: String) -> Message {
        error("duplicate-name", "`\(name)` is declared more than once")
    }
    public static func wrongKind(_ name: String, is actual: String, expected: String) -> Message {
        error("wrong-kind", "`\(name)` is a \(actual), not a \(expected)")
    }
    public static func forbiddenName(_ name: String) -> Message {
        error("forbidden-name", "`\(name)` cannot be declared as a name")
    }
    public static func laterStage(_ name: String) -> Message {
        error("later-stage", "stage `\(name)` is declared later; a stage may only refer to stages declared before it")
    }
    public static func stageRefersToItself(_ name: String) -> Message {
        error("later-stage", "stage `\(name)` cannot refer to itself")
    }
    public static func scoreReadsScoreOrStage(_ name: String, kind: String) -> Message {
        error("score-reads-derived", "score rules cannot refer to the \(kind) `\(name)`")
    }
    public static func unknownFunction(_ name: String) -> Message {
        error("unknown-function", "unknown function `\(name)`")
    }
    public static func wrongArgumentCount(_ name: String, expected: Int, found: Int) -> Message {
        error("argument-count", "`\(name)` takes \(expected) argument\(expected == 1 ? "" : "s"), found \(found)")
    }
    public static func duplicateDeclaration(_ what: String) -> Message {
        error("duplicate-declaration", "`\(what)` may be declared at most once")
    }

    // MARK: Time and calendars

    public static func unknownTimeZone(_ name: String) -> Message {
        error("unknown-time-zone", "unknown time zone `\(shown(name))`")
    }
    public static func invalidDate(_ text: String) -> Message {
        error("invalid-date", "invalid date `\(text)`")
    }
    public static func invalidClockTime(_ text: String) -> Message {
        error("invalid-time", "invalid clock time `\(text)`")
    }
    public static func endOfDayAsStart(_ text: String) -> Message {
        error("invalid-time", "`\(text)` can only end a time range")
    }
    public static func backwardDayRange(_ text: String) -> Message {
        error("backward-day-range", "day range `\(text)` runs backwards; ranges run forward from monday to sunday")
    }
    public static func emptyTimeRange(_ text: String) -> Message {
        error("empty-time-range", "time range `\(text)` does not end after it starts")
    }
    /// `days` names the weekdays on which the two ranges overlap (`mon-fri`, `sat`).
    public static func overlappingTimeRanges(_ days: String, _ first: String, _ second: String) -> Message {
        error("overlapping-time-ranges", "time ranges `\(first)` and `\(second)` overlap on `\(days)`")
    }
    public static func calendarWithoutWorkingTime(_ name: String) -> Message {
        error("no-working-time", "calendar `\(name)` has no working time")
    }
    public static func unknownWeekday(_ text: String) -> Message {
        error("unknown-weekday", "unknown weekday `\(text)`")
    }

    // MARK: Deadlines

    public static func missingClause(_ clause: String, in kind: String, _ name: String) -> Message {
        error("missing-clause", "\(kind) `\(name)` has no `\(clause)` clause")
    }
    public static func duplicateClause(_ clause: String, in kind: String, _ name: String) -> Message {
        error("duplicate-clause", "\(kind) `\(name)` has more than one `\(clause)` clause")
    }
    public static func dayDurationWithCalendar(_ text: String) -> Message {
        error("day-duration-with-calendar", "`\(text)` counts whole days, which a working calendar cannot; write hours or business days (`bd`)")
    }
    public static func businessDaysWithoutCalendar(_ text: String) -> Message {
        error("business-days-without-calendar", "business days `\(text)` need a working calendar: `within \(text) of CALENDAR`")
    }
    public static func invalidBusinessDays(_ text: String, maximum: Int) -> Message {
        error("invalid-business-days", "business days `\(text)` must be a whole number from 1 to \(maximum)")
    }
    public static func warnOutOfRange(_ text: String) -> Message {
        error("warn-out-of-range", "`warn at \(text)` must be between 1% and 100%")
    }
    public static func unreachableWithin() -> Message {
        warning("unreachable-within", "this `within` can never be chosen: an earlier `within` has no `when`")
    }
    public static func lastWithinConditional(_ deadline: String) -> Message {
        warning("conditional-last-within", "the last `within` of `\(deadline)` has a `when`: leads matching none get no cycle")
    }

    // MARK: Goals

    public static func targetDoesNotFitMeasure(_ measure: String, expected: String, found: String) -> Message {
        error("target-mismatch", "`\(measure)` is measured as \(expected), but the target is \(found)")
    }
    public static func unknownStatus(_ name: String) -> Message {
        error("unknown-status", "unknown deadline status `\(name)`")
    }
    /// The `help:` line listing the deadline statuses of `count DEADLINE STATUS`.
    public static let deadlineStatusesHelp = "deadline statuses are `met`, `late`, `overdue`, `breached`, `pending` and `at_risk`"
    public static func deadlineCountWithoutStatus(_ deadline: String) -> Message {
        error("missing-status", "`\(deadline)` is a deadline: `count` needs a status after it")
    }
    /// A rate target above 100%: `comparison` is the goal's `OP TARGET` (`>= 120%`);
    /// `alwaysMet` for `<` and `<=`, which every rate satisfies.
    public static func rateAboveHundred(_ comparison: String, alwaysMet: Bool) -> Message {
        warning("rate-above-100", "rate target is above 100%: `\(comparison)` is \(alwaysMet ? "always met" : "never met")")
    }

    // MARK: Types and expressions

    /// `left` and `right` describe the operands: `a number`, `score \`fit\` (a number)`.
    public static func typeClash(_ op: String, _ left: String, _ right: String) -> Message {
        error("type-clash", "`\(op)` cannot compare \(left) with \(right)")
    }
    /// Arithmetic operands that no operator combines (`2h + 5`, `mql * 2`).
    public static func arithmeticClash(_ op: String, _ left: String, _ right: String) -> Message {
        error("type-clash", "`\(op)` cannot combine \(left) with \(right)")
    }
    public static func arithmeticOnString(_ op: String) -> Message {
        error("type-clash", "`\(op)` cannot do arithmetic on a string")
    }
    /// `in` / `not in` with something other than a list on the right.
    public static func membershipNeedsList(_ op: String, found: String) -> Message {
        error("type-clash", "`\(op)` needs a list on its right, found \(found)")
    }
    /// A string operator (`startsWith`, `matches`, …) on an operand known not to be a string.
    public static func stringOperatorOperand(_ op: String, found: String) -> Message {
        error("type-clash", "`\(op)` works on strings, found \(found)")
    }
    public static func functionArgumentType(_ name: String, expected: String, found: String) -> Message {
        error("type-clash", "`\(name)` expects \(expected), found \(found)")
    }
    public static func cannotNegate(_ found: String) -> Message {
        error("type-clash", "unary `-` needs a number or a duration, found \(found)")
    }
    public static func notACondition(_ found: String) -> Message {
        error("not-a-condition", "condition is \(found), never `true`")
    }

    // MARK: Warnings about meaning

    public static func stateRuleReadsEvent(_ construct: String) -> Message {
        warning("state-reads-event", "\(construct) reads `event.`: its truth changes at every event; use an event rule (`on`) instead")
    }
    public static func pausedWhileReadsEvent() -> Message {
        warning("state-reads-event", "`paused while` reads `event.`: its truth changes at every event, so a pause ends at the lead's next event; test a lead attribute (`lead.`) instead")
    }
    public static func stageNamedLikeEventType(_ name: String) -> Message {
        warning("stage-named-like-event", "stage `\(name)` has the name of an event type used in this file")
    }
    public static func unused(_ kind: String, _ name: String) -> Message {
        warning("unused", "\(kind) `\(name)` is never used")
    }

    // MARK: Tests

    public static func testFileWithoutSLA() -> Message {
        error("test-without-sla", "tests need an SLA: put them after the `sla` block or start the file with `use \"FILE.sla\"`")
    }
    public static func unreadableUse(_ path: String, _ reason: String) -> Message {
        error("unreadable-use", "cannot use `\(path)`: \(reason)")
    }
    public static func unreadableEventsFile(_ path: String, _ reason: String) -> Message {
        error("unreadable-events-file", "cannot read events from `\(path)`: \(reason)")
    }
    public static func unknownEventsFormat(_ path: String) -> Message {
        error("unknown-events-format", "cannot tell the format of `\(path)` from its extension")
    }
    /// The `help:` line of `unknownEventsFormat`.
    public static let eventsFormatHelp = "name the file `.jsonl`, `.ndjson` or `.csv`"
    public static func noTests() -> Message {
        error("no-tests", "file has no `test` blocks")
    }
    public static func invalidTimestamp(_ text: String) -> Message {
        error("invalid-timestamp", "invalid timestamp `\(text)`")
    }
    public static func invalidCycleNumber(_ text: String) -> Message {
        error("invalid-cycle-number", "cycle `\(text)` must be a whole number from 1 to \(Int32.max) (cycles are numbered from 1)")
    }
    public static func emptyTestEventField(_ field: String) -> Message {
        error("empty-test-event-field", "an event's \(field) cannot be empty (SPEC.md 5 rejects such a record)")
    }
    public static func goalValueKind(_ written: String, goal: String, measure: String) -> Message {
        error("goal-value-kind", "\(written) cannot be the value of goal `\(goal)`, which measures \(measure)")
    }
    public static func duplicateTestName(_ name: String) -> Message {
        error("duplicate-test-name", "a test named `\(name)` already stands in this file")
    }
    public static func emptyTestName() -> Message {
        error("empty-test-name", "a test needs a name")
    }
    public static func testWithoutExpectations(_ name: String) -> Message {
        error("test-without-expectations", "test `\(name)` has no `expect`: it cannot fail")
    }
    public static func repeatedAsOf() -> Message {
        error("repeated-as-of", "this test already has an `as of`")
    }
    public static func unknownGoalStatus(_ name: String) -> Message {
        error("unknown-goal-status", "unknown goal status `\(name)`")
    }
}
