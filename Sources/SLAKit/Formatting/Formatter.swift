// `sla fmt`: the one canonical layout of a `.sla` file (grammar.md section 6).
//
// The formatter walks the tree and hands each token, with the source range it came from,
// to a `LayoutWriter`, which puts the comments back where they stood and keeps blank lines
// between statements. Literal spellings come from the source text (`1_000_000`, `1h30m`,
// `97.5%`); strings are re-escaped from their decoded value. Long lines are not wrapped.

/// Formats parsed `.sla` files in the canonical style.
public enum Formatter {
    /// The canonical text of `file`, which was parsed from `source`. The result ends with
    /// exactly one line feed (or is empty when the file holds nothing). Meant for files
    /// that parsed without errors; `formatVerified` also proves the result safe.
    public static func format(_ file: SLAFile, source: SourceFile) -> String {
        var printer = TreePrinter(source: source, comments: file.comments)
        printer.file(file)
        return printer.writer.finish()
    }

    /// A string literal for `value`, written as `sla fmt` writes one (escapes included).
    static func stringLiteral(_ value: String) -> String {
        TreePrinter.quoted(value)
    }
}

/// Walks the tree and writes it through a `LayoutWriter`.
private struct TreePrinter {
    let source: SourceFile
    var writer: LayoutWriter

    init(source: SourceFile, comments: [Comment]) {
        self.source = source
        self.writer = LayoutWriter(source: source, comments: comments)
    }

    // MARK: - File

    mutating func file(_ file: SLAFile) {
        // Top-level items are separated by one blank line.
        if let use = file.use {
            writer.beginStatement(indent: 0, blankLines: .required)
            writer.word("use")
            string(use)
        }
        if let sla = file.sla {
            writer.beginStatement(indent: 0, blankLines: .required)
            writer.token("sla", at: keywordRange(at: sla.range.start, "sla"))
            string(sla.name)
            writer.word("{")
            for declaration in sla.declarations {
                writer.beginStatement(indent: 1, blankLines: .preserved)
                self.declaration(declaration)
            }
            writer.closeBlock(at: closingBrace(of: sla.range), innerIndent: 1)
        }
        for test in file.tests {
            writer.beginStatement(indent: 0, blankLines: .required)
            testBlock(test)
        }
    }

    // MARK: - Declarations

    mutating func declaration(_ declaration: Declaration) {
        switch declaration {
        case .timezone(let timezone):
            writer.token("timezone", at: keywordRange(at: timezone.range.start, "timezone"))
            string(timezone.name)
        case .review(let review):
            writer.token("review", at: keywordRange(at: review.range.start, "review"))
            writer.token(review.period.reviewWord, at: review.periodRange)
        case .team(let team):
            writer.token("team", at: keywordRange(at: team.range.start, "team"))
            identifier(team.name)
        case .calendar(let calendar):
            calendarDeclaration(calendar)
        case .score(let score):
            clauseBlock("score", score.name, nil, range: score.range, clauses: score.items) { $0.scoreItem($1) }
        case .stage(let stage):
            writer.token("stage", at: keywordRange(at: stage.range.start, "stage"))
            identifier(stage.name)
            switch stage.trigger {
            case .condition(let condition):
                writer.word("when")
                expression(condition)
            case .event(let types, let condition):
                writer.word("on")
                eventTypes(types)
                optionalCondition("where", condition)
            }
        case .deadline(let deadline):
            clauseBlock("deadline", deadline.name, deadline.description, range: deadline.range,
                        clauses: deadline.clauses) { $0.deadlineClause($1) }
        case .goal(let goal):
            clauseBlock("goal", goal.name, goal.description, range: goal.range,
                        clauses: goal.clauses) { $0.goalClause($1) }
        }
    }

    /// `KEYWORD NAME ["description"] { CLAUSES }`, one clause per line (scores, deadlines and
    /// goals).
    mutating func clauseBlock<Clause>(_ keyword: String, _ name: Identifier, _ description: StringLiteral?,
                                      range: SourceRange, clauses: [Clause],
                                      clause format: (inout TreePrinter, Clause) -> Void) {
        writer.token(keyword, at: keywordRange(at: range.start, keyword))
        identifier(name)
        if let description { string(description) }
        writer.word("{")
        for clause in clauses {
            writer.beginStatement(indent: 2, blankLines: .preserved)
            format(&self, clause)
        }
        writer.closeBlock(at: closingBrace(of: range), innerIndent: 2)
    }

    mutating func calendarDeclaration(_ calendar: CalendarDeclaration) {
        writer.token("calendar", at: keywordRange(at: calendar.range.start, "calendar"))
        identifier(calendar.name)
        if let timezone = calendar.timezone {
            writer.word("timezone")
            string(timezone)
        }
        writer.word("{")
        for line in calendar.lines {
            writer.beginStatement(indent: 2, blankLines: .preserved)
            switch line {
            case .hours(let hours):
                for (index, span) in hours.days.enumerated() {
                    if index > 0 { writer.word(",", space: false) }
                    let text = span.last.map { "\(span.first.name)-\($0.name)" } ?? span.first.name
                    writer.token(text, at: span.range)
                }
                for (index, range) in hours.ranges.enumerated() {
                    if index > 0 { writer.word(",", space: false) }
                    writer.token("\(clockText(range.start))-\(clockText(range.end))", at: range.range)
                }
            case .holidays(let holidays):
                writer.token("holiday", at: keywordRange(at: holidays.range.start, "holiday"))
                for (index, date) in holidays.dates.enumerated() {
                    if index > 0 { writer.word(",", space: false) }
                    writer.token(source.text(date.range), at: date.range)
                }
            }
        }
        writer.closeBlock(at: closingBrace(of: calendar.range), innerIndent: 2)
    }

    mutating func scoreItem(_ item: ScoreItem) {
        switch item {
        case .limit(let number, let range):
            writer.token("limit", at: keywordRange(at: range.start, "limit"))
            writer.token(source.text(number.range), at: number.range)
        case .rule(let rule):
            // `- 30` is written `-30`: the sign belongs to the points.
            writer.token(signedNumberText(rule.points.range), at: rule.points.range)
            switch rule.trigger {
            case .state(let condition):
                writer.word("when")
                expression(condition)
            case .event(let types, let condition, let maximum):
                writer.word("on")
                eventTypes(types)
                optionalCondition("where", condition)
                if let maximum {
                    writer.word("max")
                    writer.token(source.text(maximum.range), at: maximum.range)
                }
            }
        }
    }

    mutating func deadlineClause(_ clause: DeadlineClause) {
        switch clause {
        case .owner(let team, let range):
            writer.token("owner", at: keywordRange(at: range.start, "owner"))
            identifier(team)
        case .startsAt(let stage, let range):
            writer.token("starts", at: keywordRange(at: range.start, "starts"))
            writer.word("at")
            identifier(stage)
        case .startsOn(let every, let types, let condition, let range):
            writer.token("starts", at: keywordRange(at: range.start, "starts"))
            writer.word("on")
            if every { writer.word("every") }
            eventTypes(types)
            optionalCondition("where", condition)
        case .metOn(let types, let condition, let range):
            writer.token("met", at: keywordRange(at: range.start, "met"))
            writer.word("on")
            eventTypes(types)
            optionalCondition("where", condition)
        case .within(let within):
            writer.token("within", at: keywordRange(at: within.range.start, "within"))
            writer.token(source.text(within.budgetRange), at: within.budgetRange)
            if let calendar = within.calendar {
                writer.word("of")
                identifier(calendar)
            }
            optionalCondition("when", within.condition)
        case .warnAt(let percent, let range):
            writer.token("warn", at: keywordRange(at: range.start, "warn"))
            writer.word("at")
            writer.token(source.text(percent.range), at: percent.range)
        case .pausedWhile(let condition, let range):
            writer.token("paused", at: keywordRange(at: range.start, "paused"))
            writer.word("while")
            expression(condition)
        }
    }

    mutating func goalClause(_ clause: GoalClause) {
        switch clause {
        case .owner(let team, let range):
            writer.token("owner", at: keywordRange(at: range.start, "owner"))
            identifier(team)
        case .measure(let measure):
            measureClause(measure)
        }
    }

    mutating func measureClause(_ clause: MeasureClause) {
        let start = clause.measureRange.start
        switch clause.measure {
        case .count(let name, let status):
            writer.token("count", at: keywordRange(at: start, "count"))
            identifier(name)
            if let status { identifier(status) }
        case .rate(let numerator, let denominator):
            writer.token("rate", at: keywordRange(at: start, "rate"))
            identifier(numerator)
            writer.word("/")
            identifier(denominator)
        case .rateMet(let deadline):
            writer.token("rate", at: keywordRange(at: start, "rate"))
            identifier(deadline)
            writer.word("met")
        case .statistic(let statistic, let deadline):
            writer.token(statistic.rawValue, at: keywordRange(at: start, statistic.rawValue))
            identifier(deadline)
        case .sum(let type, let attribute):
            writer.token("sum", at: keywordRange(at: start, "sum"))
            eventType(type)
            writer.word(".", space: false)
            writer.token(attribute.name, at: attribute.range, space: false)
        }
        writer.token(clause.op.rawValue, at: clause.opRange)
        writer.token(source.text(clause.targetRange), at: clause.targetRange)

        // The suffixes may be written in any order; each keyword is found in the source
        // order, then they are written in the canonical order `per`, `by`, `where`.
        var suffixes: [(index: Int, content: SourceRange)] = []
        if let range = clause.periodRange { suffixes.append((0, range)) }
        if let groupBy = clause.groupBy { suffixes.append((1, groupBy.range)) }
        if let condition = clause.condition { suffixes.append((2, condition.range)) }
        var keywordStart: [Int] = Array(repeating: 0, count: 3)
        let order = writtenOrder(of: &suffixes, after: clause.targetRange.end, keywordStart: &keywordStart)
        for index in order {
            switch index {
            case 0:
                writer.token("per", at: keywordRange(at: keywordStart[0], "per"))
                writer.token(clause.period!.rawValue, at: clause.periodRange!)
            case 1:
                writer.token("by", at: keywordRange(at: keywordStart[1], "by"))
                writer.token("lead.\(clause.groupBy!.name)", at: clause.groupBy!.range)
            default:
                writer.token("where", at: keywordRange(at: keywordStart[2], "where"))
                expression(clause.condition!)
            }
        }
    }

    /// The order to write optional parts in that may stand in any order (a goal's `per`,
    /// `by`, `where`; an expectation's `elapsed`, `due`, `paused`), given as (canonical
    /// index, content range) after the source offset `after`: the canonical order, unless
    /// a comment stands among them, which would then end up beside another part (an
    /// end-of-line comment stays at the end of the line of the token it followed), so the
    /// source order is kept. Sets each part's keyword offset in `keywordStart`.
    private func writtenOrder(of parts: inout [(index: Int, content: SourceRange)], after: Int,
                              keywordStart: inout [Int]) -> [Int] {
        parts.sort { $0.content.start < $1.content.start }
        var previousEnd = after
        for part in parts {
            keywordStart[part.index] = writer.nextTokenStart(after: previousEnd)
            previousEnd = part.content.end
        }
        let sourceOrder = parts.map(\.index)
        if let last = parts.last, writer.hasComment(in: SourceRange(start: after, end: last.content.end)) { return sourceOrder }
        return sourceOrder.sorted()
    }

    // MARK: - Tests

    mutating func testBlock(_ test: TestBlock) {
        writer.token("test", at: keywordRange(at: test.range.start, "test"))
        string(test.name)
        writer.word("{")
        for item in test.items {
            writer.beginStatement(indent: 1, blankLines: .preserved)
            testItem(item)
        }
        writer.closeBlock(at: closingBrace(of: test.range), innerIndent: 1)
    }

    mutating func testItem(_ item: TestItem) {
        switch item {
        case .asOf(let time, let range):
            writer.token("as", at: keywordRange(at: range.start, "as"))
            writer.word("of")
            timestamp(time)
        case .eventsFile(let path, let range):
            writer.token("events", at: keywordRange(at: range.start, "events"))
            writer.word("from")
            string(path)
        case .events(let rows, let range):
            writer.token("events", at: keywordRange(at: range.start, "events"))
            writer.word("{")
            // One space between fields, never columns: aligning rows would make a
            // one-row change touch its neighbours.
            for row in rows {
                writer.beginStatement(indent: 2, blankLines: .preserved)
                timestamp(row.time)
                lead(row.lead)
                eventType(row.type)
                for (index, attribute) in row.attributes.enumerated() {
                    if index > 0 { writer.word(",", space: false) }
                    writer.token(attribute.name.name, at: attribute.name.range)
                    writer.word(":", space: false)
                    literalValue(attribute.value, at: attribute.valueRange)
                }
            }
            writer.closeBlock(at: closingBrace(of: range), innerIndent: 2)
        case .expectation(let expectation):
            writer.token("expect", at: keywordRange(at: expectation.range.start, "expect"))
            self.expectation(expectation.subject)
        }
    }

    mutating func expectation(_ subject: Expectation.Subject) {
        switch subject {
        case .stage(let lead, let stage, let time):
            self.lead(lead)
            writer.word("stage")
            identifier(stage)
            if let time {
                writer.word("at")
                timestamp(time)
            } else {
                writer.word("never")
            }
        case .score(let lead, let score, let value):
            self.lead(lead)
            writer.word("score")
            identifier(score)
            writer.token(signedNumberText(value.range), at: value.range)
        case .noCycle(let lead, let deadline):
            self.lead(lead)
            writer.word("deadline")
            identifier(deadline)
            writer.word("none")
        case .deadline(let lead, let deadline, let cycle, let status, let elapsed, let due, let paused):
            self.lead(lead)
            writer.word("deadline")
            identifier(deadline)
            if let cycle {
                writer.word("cycle")
                writer.token(source.text(cycle.range), at: cycle.range)
            }
            identifier(status)
            // Details may be written in any order; they are written `elapsed`, `due`,
            // `paused`. Each keyword is found in the source order first.
            var details: [(index: Int, content: SourceRange)] = []
            if let elapsed { details.append((0, elapsed.range)) }
            if let due {
                switch due {
                case .at(let time): details.append((1, time.range))
                case .none(let range): details.append((1, range))
                }
            }
            if let paused { details.append((2, paused)) }
            var keywordStart: [Int] = Array(repeating: 0, count: 3)
            for index in writtenOrder(of: &details, after: status.range.end, keywordStart: &keywordStart) {
                switch index {
                case 0:
                    writer.token("elapsed", at: keywordRange(at: keywordStart[0], "elapsed"))
                    writer.token(source.text(elapsed!.range), at: elapsed!.range)
                case 1:
                    writer.token("due", at: keywordRange(at: keywordStart[1], "due"))
                    switch due! {
                    case .at(let time): timestamp(time)
                    case .none(let range): writer.token("none", at: range)
                    }
                default:
                    writer.token("paused", at: paused!)
                }
            }
        case .goal(let goal, let period, let group, let value, let status):
            writer.word("goal")
            identifier(goal)
            string(period)
            if let group {
                writer.word("group")
                literalValue(group.value, at: group.range)
            }
            if let value {
                writer.word("value")
                switch value {
                case .value(_, let range): writer.token(source.text(range), at: range)
                case .null(let range): writer.token("null", at: range)
                }
            }
            if let status { identifier(status) }
        }
    }

    /// `2026-03-02 09:00` (date as written, clock time with two-digit hours) or a string.
    mutating func timestamp(_ time: TimestampLiteral) {
        switch time {
        case .local(let date, let clock, _):
            writer.token(source.text(date.range), at: date.range)
            if let clock { writer.token(clockText(clock), at: clock.range) }
        case .text(let literal):
            string(literal)
        }
    }

    /// A lead id as written: a bare name or number stays bare, a string stays a string.
    mutating func lead(_ lead: StringLiteral) {
        if source.text(lead.range).hasPrefix("\"") {
            string(lead)
        } else {
            writer.token(lead.value, at: lead.range)
        }
    }

    mutating func literalValue(_ value: LiteralValue, at range: SourceRange) {
        switch value {
        case .string(let text): writer.token(Self.quoted(text), at: range)
        case .number: writer.token(signedNumberText(range), at: range)
        case .bool(let flag): writer.token(flag ? "true" : "false", at: range)
        case .null: writer.token("null", at: range)
        }
    }

    // MARK: - Expressions

    /// Writes an expression with single spaces around binary operators and the author's
    /// parentheses (never adding or dropping any).
    mutating func expression(_ expression: Expression, space: Bool = true) {
        let range = expression.range
        switch expression.kind {
        case .number, .percent, .duration:
            writer.token(source.text(range), at: range, space: space)
        case .string(let value):
            writer.token(Self.quoted(value), at: range, space: space)
        case .bool(let flag):
            writer.token(flag ? "true" : "false", at: range, space: space)
        case .null:
            writer.token("null", at: range, space: space)
        case .leadAttribute(let attribute):
            writer.token("lead.\(attribute.name)", at: range, space: space)
        case .eventAttribute(let attribute):
            writer.token("event.\(attribute.name)", at: range, space: space)
        case .name(let name):
            writer.token(name.name, at: name.range, space: space)
        case .list(let elements):
            writer.token("[", at: SourceRange(start: range.start, end: range.start + 1), space: space)
            let closing = SourceRange(start: range.end - 1, end: range.end)
            if writer.hasComment(in: range) {
                // A list with comments inside: one element per line, so that each comment
                // stays next to its element; `]` goes back to the indentation of `[`.
                let savedIndent = writer.continuationIndent
                let outerIndent = writer.lineIndent
                for (index, element) in elements.enumerated() {
                    if index > 0 { writer.word(",", space: false) }
                    writer.breakLine(indent: outerIndent + 1)
                    self.expression(element, space: false)
                }
                writer.flushComments(before: closing.start)
                writer.breakLine(indent: outerIndent)
                writer.token("]", at: closing, space: false)
                writer.setContinuationIndent(savedIndent)
            } else {
                for (index, element) in elements.enumerated() {
                    if index > 0 { writer.word(",", space: false) }
                    self.expression(element, space: index > 0)
                }
                writer.token("]", at: closing, space: false)
            }
        case .call(let function, let arguments):
            writer.token(function.name, at: function.range, space: space)
            writer.word("(", space: false)
            for (index, argument) in arguments.enumerated() {
                if index > 0 { writer.word(",", space: false) }
                self.expression(argument, space: index > 0)
            }
            writer.token(")", at: SourceRange(start: range.end - 1, end: range.end), space: false)
        case .unary(.negate, let operand):
            writer.token("-", at: SourceRange(start: range.start, end: range.start + 1), space: space)
            // `- -x`, not `--x`, which reads like a decrement.
            var operandIsNegation = false
            if case .unary(.negate, _) = operand.kind { operandIsNegation = true }
            self.expression(operand, space: operandIsNegation)
        case .unary(.not, let operand):
            writer.token("not", at: keywordRange(at: range.start, "not"), space: space)
            self.expression(operand)
        case .binary(let op, let left, let right):
            self.expression(left, space: space)
            // `not in` is two tokens.
            for part in op.rawValue.split(separator: " ") { writer.word(String(part)) }
            self.expression(right)
        case .parenthesized(let inner):
            writer.token("(", at: SourceRange(start: range.start, end: range.start + 1), space: space)
            self.expression(inner, space: false)
            writer.token(")", at: SourceRange(start: range.end - 1, end: range.end), space: false)
        }
    }

    mutating func optionalCondition(_ keyword: String, _ condition: Expression?) {
        guard let condition else { return }
        writer.word(keyword)
        expression(condition)
    }

    // MARK: - Small pieces

    mutating func identifier(_ identifier: Identifier) {
        writer.token(identifier.name, at: identifier.range)
    }

    mutating func string(_ literal: StringLiteral) {
        writer.token(Self.quoted(literal.value), at: literal.range)
    }

    mutating func eventType(_ type: EventTypeName) {
        writer.token(type.isQuoted ? Self.quoted(type.value) : type.value, at: type.range)
    }

    /// `a, b, "Form Submission"`.
    mutating func eventTypes(_ types: [EventTypeName]) {
        for (index, type) in types.enumerated() {
            if index > 0 { writer.word(",", space: false) }
            eventType(type)
        }
    }

    /// The range of a keyword that starts at `offset`.
    func keywordRange(at offset: Int, _ keyword: String) -> SourceRange {
        SourceRange(start: offset, end: offset + keyword.utf8.count)
    }

    /// The `}` that ends a block whose range is `range`.
    func closingBrace(of range: SourceRange) -> SourceRange {
        SourceRange(start: max(range.start, range.end - 1), end: range.end)
    }

    /// A clock time as written, with the hour padded to two digits (`8:00` is `08:00`).
    func clockText(_ clock: ClockTime) -> String {
        let text = source.text(clock.range)
        guard let colon = text.firstIndex(of: ":"), text.distance(from: text.startIndex, to: colon) == 1 else { return text }
        return "0" + text
    }

    /// A number with an optional sign as written, without what stands between the sign and
    /// the digits (`- 30` is `-30`, `+10` stays `+10`).
    func signedNumberText(_ range: SourceRange) -> String {
        let text = source.text(range)
        let digits = text.reversed().prefix { $0.isNumber || $0 == "_" || $0 == "." }
        let number = String(digits.reversed())
        guard let first = text.first, first == "+" || first == "-" else { return number }
        return String(first) + number
    }

    /// A string literal for `value`: quotes, with `"`, `\`, line feed and tab escaped as
    /// `\"`, `\\`, `\n`, `\t`, and scalars that would be invisible or confusing in a source
    /// file as `\u{H}` in upper-case hex: other control and format characters, separators
    /// other than the space, private use and unassigned scalars, and combining marks at the
    /// start or after an ASCII or escaped scalar (they would merge with the quote, or make
    /// `e` + U+0301 look like the different string `é`: strings are never normalised).
    static func quoted(_ value: String) -> String {
        var result = "\""
        var previousIsPlain = false
        let scalars = Array(value.unicodeScalars)
        for (position, scalar) in scalars.enumerated() {
            // A zero-width joiner stays itself between two emoji (a family, a profession),
            // where it is part of what is seen; anywhere else it would be invisible.
            if scalar == "\u{200D}", position > 0, position + 1 < scalars.count,
               isEmoji(scalars[position - 1]), isEmoji(scalars[position + 1]) {
                result.unicodeScalars.append(scalar)
                previousIsPlain = true
                continue
            }
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if needsEscape(scalar) || (isCombiningMark(scalar) && !previousIsPlain) {
                    result += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                    previousIsPlain = false
                } else {
                    result.unicodeScalars.append(scalar)
                    previousIsPlain = !scalar.isASCII
                }
                continue
            }
            previousIsPlain = false
        }
        return result + "\""
    }

    private static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// A pictographic emoji (not the ASCII digits, `#` and `*`, which Unicode also counts).
    private static func isEmoji(_ scalar: Unicode.Scalar) -> Bool {
        !scalar.isASCII && (scalar.properties.isEmoji || scalar.properties.isEmojiModifier)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned:
            return true
        case .format:
            return true
        case .spaceSeparator:
            return scalar != " "
        default:
            return false
        }
    }
}
