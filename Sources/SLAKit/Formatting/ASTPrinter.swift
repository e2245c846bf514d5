// A canonical text dump of a syntax tree, without source ranges or comments: two trees are
// equal ignoring ranges exactly when their dumps are equal. The formatter's safety check
// compares the dump of a file with the dump of its formatted text.

/// Dumps syntax trees as indented S-expressions, one node per line.
public enum ASTPrinter {
    /// The dump of a whole file (its `use`, `sla` block and test blocks; not its comments).
    public static func print(_ file: SLAFile) -> String {
        var dump = Dump()
        dump.open("file")
        if let use = file.use { dump.line("use \(string(use.value))") }
        if let sla = file.sla {
            dump.open("sla \(string(sla.name.value))")
            for declaration in sla.declarations { dump.declaration(declaration) }
            dump.close()
        }
        for test in file.tests { dump.test(test) }
        dump.close()
        return dump.text
    }

    /// The dump of one expression on one line.
    public static func print(_ expression: Expression) -> String {
        Dump.expression(expression)
    }

    /// A string value quoted with every non-ASCII-printable scalar escaped, so that
    /// different values never print alike.
    static func string(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\"" || scalar == "\\" {
                result += "\\" + String(scalar)
            } else if scalar.value >= 0x20 && scalar.value < 0x7F {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return result + "\""
    }

    /// A number exactly: Swift prints the shortest text that reads back as the same double.
    static func number(_ value: Double) -> String {
        value == 0 && value.sign == .minus ? "-0.0" : "\(value)"
    }
}

/// The dump being built.
private struct Dump {
    var text = ""
    var depth = 0

    mutating func line(_ content: String) {
        text += String(repeating: "  ", count: depth) + content + "\n"
    }

    mutating func open(_ head: String) {
        line("(" + head)
        depth += 1
    }

    mutating func close() {
        depth -= 1
        line(")")
    }

    static func string(_ value: String) -> String { ASTPrinter.string(value) }
    static func number(_ value: Double) -> String { ASTPrinter.number(value) }

    static func types(_ types: [EventTypeName]) -> String {
        "[" + types.map { ($0.isQuoted ? "quoted " : "") + string($0.value) }.joined(separator: " ") + "]"
    }

    static func optional(_ expression: Expression?) -> String {
        expression.map(self.expression) ?? "none"
    }

    static func date(_ date: DateLiteral) -> String { "\(date.year)-\(date.month)-\(date.day)" }

    static func clock(_ clock: ClockTime) -> String { "\(clock.hour):\(clock.minute):\(clock.second)" }

    static func timestamp(_ time: TimestampLiteral) -> String {
        switch time {
        case .local(let date, let clock, _): "(local \(self.date(date)) \(clock.map(self.clock) ?? "none"))"
        case .text(let literal): "(text \(string(literal.value)))"
        }
    }

    static func literal(_ value: LiteralValue) -> String {
        switch value {
        case .string(let text): "(string \(string(text)))"
        case .number(let number): "(number \(self.number(number)))"
        case .bool(let flag): "(bool \(flag))"
        case .null: "null"
        }
    }

    static func target(_ target: TargetValue) -> String {
        switch target {
        case .number(let value): "(number \(number(value)))"
        case .percent(let value): "(percent \(number(value)))"
        case .duration(let milliseconds): "(duration \(milliseconds)ms)"
        }
    }

    // MARK: - Declarations

    mutating func declaration(_ declaration: Declaration) {
        switch declaration {
        case .timezone(let timezone):
            line("(timezone \(Self.string(timezone.name.value)))")
        case .review(let review):
            line("(review \(review.period.rawValue))")
        case .team(let team):
            line("(team \(team.name.name))")
        case .calendar(let calendar):
            open("calendar \(calendar.name.name) timezone \(calendar.timezone.map { Self.string($0.value) } ?? "none")")
            for calendarLine in calendar.lines {
                switch calendarLine {
                case .hours(let hours):
                    let days = hours.days.map { span in span.first.name + (span.last.map { "-" + $0.name } ?? "") }
                    let ranges = hours.ranges.map { Self.clock($0.start) + "-" + Self.clock($0.end) }
                    line("(hours [\(days.joined(separator: " "))] [\(ranges.joined(separator: " "))])")
                case .holidays(let holidays):
                    line("(holidays \(holidays.dates.map(Self.date).joined(separator: " ")))")
                }
            }
            close()
        case .score(let score):
            open("score \(score.name.name)")
            for item in score.items {
                switch item {
                case .limit(let number, _):
                    line("(limit \(Self.number(number.value)))")
                case .rule(let rule):
                    switch rule.trigger {
                    case .state(let condition):
                        line("(rule \(Self.number(rule.points.value)) when \(Self.expression(condition)))")
                    case .event(let types, let condition, let maximum):
                        line("(rule \(Self.number(rule.points.value)) on \(Self.types(types)) where \(Self.optional(condition)) max \(maximum.map { Self.number($0.value) } ?? "none"))")
                    }
                }
            }
            close()
        case .stage(let stage):
            switch stage.trigger {
            case .condition(let condition):
                line("(stage \(stage.name.name) when \(Self.expression(condition)))")
            case .event(let types, let condition):
                line("(stage \(stage.name.name) on \(Self.types(types)) where \(Self.optional(condition)))")
            }
        case .deadline(let deadline):
            open("deadline \(deadline.name.name) \(deadline.description.map { Self.string($0.value) } ?? "none")")
            for clause in deadline.clauses { deadlineClause(clause) }
            close()
        case .goal(let goal):
            open("goal \(goal.name.name) \(goal.description.map { Self.string($0.value) } ?? "none")")
            for clause in goal.clauses {
                switch clause {
                case .owner(let team, _): line("(owner \(team.name))")
                case .measure(let measure): measureClause(measure)
                }
            }
            close()
        }
    }

    mutating func deadlineClause(_ clause: DeadlineClause) {
        switch clause {
        case .owner(let team, _):
            line("(owner \(team.name))")
        case .startsAt(let stage, _):
            line("(starts-at \(stage.name))")
        case .startsOn(let every, let types, let condition, _):
            line("(starts-on every \(every) \(Self.types(types)) where \(Self.optional(condition)))")
        case .metOn(let types, let condition, _):
            line("(met-on \(Self.types(types)) where \(Self.optional(condition)))")
        case .within(let within):
            let budget: String
            switch within.budget {
            case .duration(let milliseconds, let hasDayUnit): budget = "(duration \(milliseconds)ms day-unit \(hasDayUnit))"
            case .businessDays(let days): budget = "(business-days \(Self.number(days)))"
            }
            line("(within \(budget) of \(within.calendar?.name ?? "none") when \(Self.optional(within.condition)))")
        case .warnAt(let percent, _):
            line("(warn-at \(Self.number(percent.value)))")
        case .pausedWhile(let condition, _):
            line("(paused-while \(Self.expression(condition)))")
        }
    }

    mutating func measureClause(_ clause: MeasureClause) {
        let measure: String
        switch clause.measure {
        case .count(let name, let status): measure = "(count \(name.name) \(status?.name ?? "none"))"
        case .rate(let numerator, let denominator): measure = "(rate \(numerator.name) / \(denominator.name))"
        case .rateMet(let deadline): measure = "(rate-met \(deadline.name))"
        case .statistic(let statistic, let deadline): measure = "(\(statistic.rawValue) \(deadline.name))"
        case .sum(let type, let attribute): measure = "(sum \(Self.types([type])) \(attribute.name))"
        }
        line("(measure \(measure) \(clause.op.rawValue) \(Self.target(clause.target)) per \(clause.period?.rawValue ?? "none") by \(clause.groupBy?.name ?? "none") where \(Self.optional(clause.condition)))")
    }

    // MARK: - Tests

    mutating func test(_ test: TestBlock) {
        open("test \(Self.string(test.name.value))")
        for item in test.items {
            switch item {
            case .asOf(let time, _):
                line("(as-of \(Self.timestamp(time)))")
            case .eventsFile(let path, _):
                line("(events-from \(Self.string(path.value)))")
            case .events(let rows, _):
                open("events")
                for row in rows {
                    let attributes = row.attributes.map { "\($0.name.name): \(Self.literal($0.value))" }
                    line("(event \(Self.timestamp(row.time)) \(Self.string(row.lead.value)) \(Self.types([row.type])) [\(attributes.joined(separator: ", "))])")
                }
                close()
            case .expectation(let expectation):
                line("(expect \(Self.expectation(expectation.subject)))")
            }
        }
        close()
    }

    static func expectation(_ subject: Expectation.Subject) -> String {
        switch subject {
        case .stage(let lead, let stage, let time):
            return "stage \(string(lead.value)) \(stage.name) at \(time.map(timestamp) ?? "never")"
        case .score(let lead, let score, let value):
            return "score \(string(lead.value)) \(score.name) \(number(value.value))"
        case .noCycle(let lead, let deadline):
            return "no-cycle \(string(lead.value)) \(deadline.name)"
        case .deadline(let lead, let deadline, let cycle, let status, let elapsed, let due, let paused):
            let dueText: String
            switch due {
            case nil: dueText = "unchecked"
            case .none?: dueText = "none"
            case .at(let time)?: dueText = timestamp(time)
            }
            return "deadline \(string(lead.value)) \(deadline.name) cycle \(cycle.map { number($0.value) } ?? "none") \(status.name) elapsed \(elapsed.map { "\($0.milliseconds)ms" } ?? "unchecked") due \(dueText) paused \(paused != nil)"
        case .goal(let goal, let period, let group, let value, let status):
            let valueText: String
            switch value {
            case nil: valueText = "unchecked"
            case .null?: valueText = "null"
            case .value(let target, _)?: valueText = self.target(target)
            }
            return "goal \(goal.name) \(string(period.value)) group \(group.map { literal($0.value) } ?? "unchecked") value \(valueText) status \(status?.name ?? "unchecked")"
        }
    }

    // MARK: - Expressions

    static func expression(_ expression: Expression) -> String {
        switch expression.kind {
        case .number(let value): return "(number \(number(value)))"
        case .percent(let value): return "(percent \(number(value)))"
        case .duration(let milliseconds): return "(duration \(milliseconds)ms)"
        case .string(let value): return "(string \(string(value)))"
        case .bool(let flag): return "(bool \(flag))"
        case .null: return "null"
        case .list(let elements): return "(list" + elements.map { " " + self.expression($0) }.joined() + ")"
        case .leadAttribute(let attribute): return "(lead \(attribute.name))"
        case .eventAttribute(let attribute): return "(event \(attribute.name))"
        case .name(let name): return "(name \(name.name))"
        case .call(let function, let arguments):
            return "(call \(function.name)" + arguments.map { " " + self.expression($0) }.joined() + ")"
        case .unary(let op, let operand): return "(\(op.rawValue) \(self.expression(operand)))"
        case .binary(let op, let left, let right):
            return "(\(op.rawValue) \(self.expression(left)) \(self.expression(right)))"
        case .parenthesized(let inner): return "(parenthesized \(self.expression(inner)))"
        }
    }
}
