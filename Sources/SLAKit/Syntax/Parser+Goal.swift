// Goals: `goal NAME ["description"] { CLAUSES }`.

extension SLAParser {
    /// goal_declaration = "goal" name [ STRING ] "{" { goal_clause } "}"
    mutating func parseGoal() throws -> GoalDeclaration {
        let start = advance().range
        let name = try parseName()
        let description = current.kind == .string ? stringLiteral(advance()) : nil
        try openBlock()
        let (clauses, end) = parseBlockItems(isItemStart: { $0.atGoalClauseStart }) { parser in
            try parser.parseGoalClause()
        }
        return GoalDeclaration(name: name, description: description, clauses: clauses, range: start.joined(end))
    }

    /// The statuses `count DEADLINE` takes: those of a deadline expectation, and `breached`.
    static let countedStatuses = deadlineStatuses + ["breached"]

    /// The contextual statistic words (`max` is a keyword).
    static let statisticWords = Statistic.allCases.map(\.rawValue)

    /// `owner`, `count`, `rate`, `sum`, `max` anywhere; a word on a new line (a statistic
    /// such as `p90`, or a misspelt one, which then gets its own diagnostic).
    var atGoalClauseStart: Bool {
        switch current.kind {
        case .keyword(.owner), .keyword(.count), .keyword(.rate), .keyword(.sum), .keyword(.max):
            return true
        case .identifier:
            return currentStartsLine
        default:
            return false
        }
    }

    /// goal_clause = "owner" name | measure_clause
    mutating func parseGoalClause() throws -> GoalClause {
        if let owner = consumeKeyword(.owner) {
            let team = try parseName()
            return .owner(team, range: owner.range.joined(team.range))
        }
        return .measure(try parseMeasureClause())
    }

    /// measure_clause = measure comparison_operator target { measure_suffix }
    /// measure_suffix = "per" PERIOD | "by" "lead" "." attribute_name | "where" expression
    /// target         = NUMBER | PERCENT | DURATION
    ///
    /// The suffixes may come in any order, each at most once.
    private mutating func parseMeasureClause() throws -> MeasureClause {
        let measureStart = current.range
        let measure = try parseMeasure()
        let measureRange = measureStart.joined(previousRange)

        let opToken = current
        let op: ComparisonOperator
        switch current.kind {
        case .greaterEqual: op = .greaterEqual
        case .greater: op = .greater
        case .lessEqual: op = .lessEqual
        case .less: op = .less
        case .equalEqual: op = .equal
        default: throw fail(Catalog.Wanted.comparison)
        }
        advance()

        let targetToken = current
        let target: TargetValue
        switch current.kind {
        case .number: target = .number(numberValue(targetToken))
        case .percent: target = .percent(percentValue(targetToken))
        case .duration: target = .duration(milliseconds: durationValue(targetToken).milliseconds)
        default: throw fail(Catalog.Wanted.target)
        }
        advance()

        var period: PeriodKind?
        var periodRange: SourceRange?
        var groupBy: Identifier?
        var condition: Expression?
        while true {
            let suffix = current
            if consumeKeyword(.per) != nil {
                if period != nil { report(Catalog.repeatedModifier("per"), suffix.range) }
                guard current.kind == .identifier, let kind = PeriodKind(rawValue: text(current)) else {
                    throw fail(Catalog.Wanted.period, help: suggestion(among: PeriodKind.allCases.map(\.rawValue)))
                }
                period = kind
                periodRange = advance().range
            } else if consumeKeyword(.by) != nil {
                if groupBy != nil { report(Catalog.repeatedModifier("by"), suffix.range) }
                let lead = try expectWord("lead")
                try expect(.dot, Catalog.Wanted.token("."))
                let attribute = try parseAttributeName()
                groupBy = Identifier(name: attribute.name, range: lead.range.joined(attribute.range))
            } else if consumeKeyword(.where) != nil {
                if condition != nil { report(Catalog.repeatedModifier("where"), suffix.range) }
                condition = try parseExpression()
            } else {
                break
            }
        }
        return MeasureClause(measure: measure, measureRange: measureRange, op: op, opRange: opToken.range,
                             target: target, targetRange: targetToken.range, period: period,
                             periodRange: periodRange, groupBy: groupBy, condition: condition,
                             range: measureStart.joined(previousRange))
    }

    /// measure   = "count" name [ status ]
    ///           | "rate" name ( "/" name | "met" )
    ///           | statistic name
    ///           | "sum" event_type "." attribute_name
    /// statistic = "p50" | "p90" | "p95" | "p99" | "avg" | "min" | "max"
    /// status    = IDENTIFIER | "met"     (which words are statuses is the checker's business)
    private mutating func parseMeasure() throws -> Measure {
        switch current.kind {
        case .keyword(.count):
            advance()
            let name = try parseName()
            var status: Identifier?
            // A status word may stand on the next line (line breaks are whitespace); another
            // word there is the next clause (a misspelt statistic), not a status.
            if isStatusWord(Self.countedStatuses) {
                let token = advance()
                status = Identifier(name: text(token), range: token.range)
            }
            return .count(name, status: status)
        case .keyword(.rate):
            advance()
            let numerator = try parseName()
            if consume(.slash) != nil {
                return .rate(numerator: numerator, denominator: try parseName())
            }
            if consumeKeyword(.met) != nil {
                return .rateMet(deadline: numerator)
            }
            throw fail(Catalog.Wanted.rateTail)
        case .keyword(.sum):
            advance()
            let type = try parseEventType()
            try expect(.dot, Catalog.Wanted.token("."))
            return .sum(type: type, attribute: try parseAttributeName())
        case .keyword(.max):
            advance()
            return .statistic(.max, deadline: try parseName())
        case .identifier:
            if let statistic = Statistic(rawValue: text(current)) {
                advance()
                return .statistic(statistic, deadline: try parseName())
            }
            throw fail(Catalog.Wanted.goalClause, help: suggestion(among: Self.statisticWords))
        default:
            throw fail(Catalog.Wanted.goalClause)
        }
    }
}
