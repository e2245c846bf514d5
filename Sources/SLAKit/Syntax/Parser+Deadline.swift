// Deadlines: `deadline NAME ["description"] { CLAUSES }`. Clauses are kept in the order
// written; how many of each there must be is the checker's business.

extension SLAParser {
    /// deadline_declaration = "deadline" name [ STRING ] "{" { deadline_clause } "}"
    mutating func parseDeadline() throws -> DeadlineDeclaration {
        let start = advance().range
        let name = try parseName()
        let description = current.kind == .string ? stringLiteral(advance()) : nil
        try openBlock()
        let (clauses, end) = parseBlockItems(isItemStart: { $0.atDeadlineClauseStart }) { parser in
            try parser.parseDeadlineClause()
        }
        return DeadlineDeclaration(name: name, description: description, clauses: clauses, range: start.joined(end))
    }

    /// Deadline clauses start with a reserved word, so they are found anywhere.
    var atDeadlineClauseStart: Bool {
        switch current.kind {
        case .keyword(.owner), .keyword(.starts), .keyword(.met), .keyword(.within), .keyword(.warn), .keyword(.paused):
            true
        default:
            false
        }
    }

    /// deadline_clause = "owner" name
    ///                 | "starts" "at" name
    ///                 | "starts" "on" [ "every" ] event_types [ "where" expression ]
    ///                 | "met" "on" event_types [ "where" expression ]
    ///                 | within_clause
    ///                 | "warn" "at" PERCENT
    ///                 | "paused" "while" expression
    mutating func parseDeadlineClause() throws -> DeadlineClause {
        let keyword = current
        switch keyword.kind {
        case .keyword(.owner):
            advance()
            let team = try parseName()
            return .owner(team, range: keyword.range.joined(team.range))
        case .keyword(.starts):
            advance()
            if consumeKeyword(.at) != nil {
                let stage = try parseName()
                return .startsAt(stage: stage, range: keyword.range.joined(stage.range))
            }
            guard consumeKeyword(.on) != nil else { throw fail(Catalog.Wanted.either("at", "on")) }
            let every = consumeKeyword(.every) != nil
            let (types, condition, end) = try parseTypesAndCondition()
            return .startsOn(every: every, types: types, condition: condition, range: keyword.range.joined(end))
        case .keyword(.met):
            advance()
            try expectKeyword(.on)
            let (types, condition, end) = try parseTypesAndCondition()
            return .metOn(types: types, condition: condition, range: keyword.range.joined(end))
        case .keyword(.within):
            return .within(try parseWithin())
        case .keyword(.warn):
            advance()
            try expectKeyword(.at)
            let percent = try expect(.percent, Catalog.Wanted.percent)
            return .warnAt(percent: NumberLiteral(value: percentValue(percent), range: percent.range),
                           range: keyword.range.joined(percent.range))
        case .keyword(.paused):
            advance()
            try expectKeyword(.while)
            let condition = try parseExpression()
            return .pausedWhile(condition, range: keyword.range.joined(condition.range))
        default:
            throw fail(Catalog.Wanted.deadlineClause)
        }
    }

    /// event_types [ "where" expression ], with the end of what was parsed.
    private mutating func parseTypesAndCondition() throws -> ([EventTypeName], Expression?, SourceRange) {
        let types = try parseEventTypes()
        guard consumeKeyword(.where) != nil else { return (types, nil, types[types.count - 1].range) }
        let condition = try parseExpression()
        return (types, condition, condition.range)
    }

    /// within_clause = "within" budget [ "of" name ] [ "when" expression ]
    /// budget        = DURATION | BUSINESS_DAYS
    private mutating func parseWithin() throws -> WithinClause {
        let start = advance().range
        let budget: Budget
        let budgetToken = current
        switch current.kind {
        case .duration:
            let value = durationValue(advance())
            budget = .duration(milliseconds: value.milliseconds, hasDayUnit: value.hasDayUnit)
        case .businessDays:
            advance()
            budget = .businessDays(LiteralDecoder.number(String(text(budgetToken).dropLast(2))))
        default:
            throw fail(Catalog.Wanted.budget)
        }
        var end = budgetToken.range
        var calendar: Identifier?
        if consumeKeyword(.of) != nil {
            let name = try parseName()
            calendar = name
            end = name.range
        }
        var condition: Expression?
        if consumeKeyword(.when) != nil {
            let parsed = try parseExpression()
            condition = parsed
            end = parsed.range
        }
        return WithinClause(budget: budget, budgetRange: budgetToken.range, calendar: calendar,
                            condition: condition, range: start.joined(end))
    }
}
