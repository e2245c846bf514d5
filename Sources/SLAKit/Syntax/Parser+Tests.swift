// Test blocks (grammar.md section 3): `test "NAME" { ITEMS }` with `as of`, inline
// `events`, `events from` and `expect` lines. The words `test use as events from expect
// never cycle elapsed due none group value` are contextual: reserved only here.

extension SLAParser {
    /// The statuses a deadline expectation may name.
    static let deadlineStatuses = ["met", "late", "overdue", "pending", "at_risk"]
    /// The statuses a goal expectation may name.
    static let goalStatuses = ["met", "missed", "in_progress", "no_data"]

    /// test_block = "test" STRING "{" { test_item } "}"
    mutating func parseTestBlock() -> TestBlock {
        let start = advance().range
        var name = StringLiteral(value: "", range: .at(start.end))
        do {
            name = try parseString()
            try expect(.leftBrace, Catalog.Wanted.token("{"))
        } catch {
            // A broken header: skip the block (if there is one) and go on with the next item.
            skip(passClosingBraces: false) { parser in parser.current.kind == .leftBrace || parser.atDeclarationStart }
            guard consume(.leftBrace) != nil else { return TestBlock(name: name, items: [], range: start.joined(previousRange)) }
        }
        let (items, end) = parseBlockItems(isItemStart: { $0.atTestItemStart }) { parser in
            try parser.parseTestItem()
        }
        return TestBlock(name: name, items: items, range: start.joined(end))
    }

    /// `as`, `events` or `expect` on a new line.
    var atTestItemStart: Bool {
        currentStartsLine && (isWord("as") || isWord("events") || isWord("expect"))
    }

    /// test_item = "as" "of" timestamp
    ///           | "events" "{" { event_row } "}"
    ///           | "events" "from" STRING
    ///           | "expect" expectation
    mutating func parseTestItem() throws -> TestItem {
        if let asToken = consumeWord("as") {
            try expectKeyword(.of)
            let time = try parseTimestamp()
            return .asOf(time, range: asToken.range.joined(time.range))
        }
        if let eventsToken = consumeWord("events") {
            if consumeWord("from") != nil {
                let path = try parseString()
                return .eventsFile(path, range: eventsToken.range.joined(path.range))
            }
            guard consume(.leftBrace) != nil else { throw fail(Catalog.Wanted.eventsSource) }
            let (rows, end) = parseBlockItems(isItemStart: { $0.atEventRowStart }) { parser in
                try parser.parseEventRow()
            }
            return .events(rows, range: eventsToken.range.joined(end))
        }
        if let expectToken = consumeWord("expect") {
            let subject = try parseExpectation()
            return .expectation(Expectation(subject: subject, range: expectToken.range.joined(previousRange)))
        }
        throw fail(Catalog.Wanted.testItem)
    }

    // MARK: - Events

    /// An event row starts with a timestamp on a new line.
    var atEventRowStart: Bool {
        currentStartsLine && (current.kind == .date || current.kind == .string)
    }

    /// event_row      = timestamp lead event_type [ test_attribute { "," test_attribute } ]
    /// test_attribute = attribute_name ":" literal_value
    ///
    /// A row ends where no comma follows an attribute.
    mutating func parseEventRow() throws -> TestEvent {
        guard current.kind == .date || current.kind == .string else { throw fail(Catalog.Wanted.eventRow) }
        let time = try parseTimestamp()
        let lead = try parseLead()
        let type = try parseEventType()
        var attributes: [TestAttribute] = []
        // Attributes begin with `name:`; anything else ends the row.
        if peek(1).kind == .colon, current.kind == .identifier || isKeywordToken(current) {
            repeat {
                let name = try parseAttributeName()
                try expect(.colon, Catalog.Wanted.token(":"))
                let (value, range) = try parseLiteralValue()
                attributes.append(TestAttribute(name: name, value: value, valueRange: range))
            } while consume(.comma) != nil
        }
        return TestEvent(time: time, lead: lead, type: type, attributes: attributes, range: time.range.joined(previousRange))
    }

    private func isKeywordToken(_ token: Token) -> Bool {
        if case .keyword = token.kind { return true }
        return false
    }

    /// timestamp = DATE [ CLOCK ] | STRING
    mutating func parseTimestamp() throws -> TimestampLiteral {
        switch current.kind {
        case .date:
            let date = dateLiteral(advance())
            let time = current.kind == .clockTime ? clockTime(advance()) : nil
            return .local(date: date, time: time, range: date.range.joined(time?.range ?? date.range))
        case .string:
            return .text(stringLiteral(advance()))
        default:
            throw fail(Catalog.Wanted.timestamp)
        }
    }

    /// lead = IDENTIFIER | NUMBER | STRING      (a number is kept as its text: `007`)
    mutating func parseLead() throws -> StringLiteral {
        switch current.kind {
        case .identifier, .number:
            let token = advance()
            return StringLiteral(value: text(token), range: token.range)
        case .string:
            return stringLiteral(advance())
        default:
            throw fail(Catalog.Wanted.lead)
        }
    }

    /// literal_value = STRING | [ "-" ] NUMBER | "true" | "false" | "null"
    mutating func parseLiteralValue() throws -> (LiteralValue, SourceRange) {
        let token = current
        switch token.kind {
        case .string:
            return (.string(stringLiteral(advance()).value), token.range)
        case .number:
            advance()
            return (.number(numberValue(token)), token.range)
        case .minus:
            advance()
            let number = try expect(.number, Catalog.Wanted.number)
            return (.number(-numberValue(number)), token.range.joined(number.range))
        case .keyword(.true):
            advance()
            return (.bool(true), token.range)
        case .keyword(.false):
            advance()
            return (.bool(false), token.range)
        case .keyword(.null):
            advance()
            return (.null, token.range)
        default:
            throw fail(Catalog.Wanted.literalValue)
        }
    }

    // MARK: - Expectations

    /// expectation = "goal" name STRING [ "group" literal_value ] [ "value" goal_value ] [ goal_status ]
    ///             | lead "stage" name ( "at" timestamp | "never" )
    ///             | lead "score" name signed_number
    ///             | lead "deadline" name "none"
    ///             | lead "deadline" name [ "cycle" NUMBER ] deadline_status { deadline_detail }
    mutating func parseExpectation() throws -> Expectation.Subject {
        if consumeKeyword(.goal) != nil { return try parseGoalExpectation() }
        let lead = try parseLead()
        if consumeKeyword(.stage) != nil {
            let stage = try parseName()
            if consumeKeyword(.at) != nil {
                return .stage(lead: lead, stage: stage, at: try parseTimestamp())
            }
            guard consumeWord("never") != nil else { throw fail(Catalog.Wanted.stageOutcome) }
            return .stage(lead: lead, stage: stage, at: nil)
        }
        if consumeKeyword(.score) != nil {
            let score = try parseName()
            let value = try parseSignedNumber(signRequired: false)
            return .score(lead: lead, score: score, value: value)
        }
        if consumeKeyword(.deadline) != nil {
            return try parseDeadlineExpectation(lead: lead)
        }
        throw fail(Catalog.Wanted.leadExpectation)
    }

    /// deadline_status = "met" | "late" | "overdue" | "pending" | "at_risk"
    /// deadline_detail = "elapsed" DURATION | "due" ( timestamp | "none" ) | "paused"
    ///
    /// The details may come in any order, each at most once.
    private mutating func parseDeadlineExpectation(lead: StringLiteral) throws -> Expectation.Subject {
        let deadline = try parseName()
        var cycle: NumberLiteral?
        if consumeWord("cycle") != nil {
            let number = try expect(.number, Catalog.Wanted.wholeNumber)
            cycle = NumberLiteral(value: numberValue(number), range: number.range)
        } else if consumeWord("none") != nil {
            return .noCycle(lead: lead, deadline: deadline)
        }
        let status = try parseStatus(Self.deadlineStatuses, wanted: Catalog.Wanted.deadlineStatus, unknown: Catalog.unknownStatus)
        var elapsed: (milliseconds: Int64, range: SourceRange)?
        var due: ExpectedDue?
        var paused: SourceRange?
        while true {
            let word = current
            if consumeWord("elapsed") != nil {
                if elapsed != nil { report(Catalog.repeatedModifier("elapsed"), word.range) }
                let duration = try expect(.duration, Catalog.Wanted.duration)
                elapsed = (durationValue(duration).milliseconds, duration.range)
            } else if consumeWord("due") != nil {
                if due != nil { report(Catalog.repeatedModifier("due"), word.range) }
                if let none = consumeWord("none") {
                    due = ExpectedDue.none(range: none.range)
                } else {
                    due = .at(try parseTimestamp())
                }
            } else if consumeKeyword(.paused) != nil {
                if paused != nil { report(Catalog.repeatedModifier("paused"), word.range) }
                paused = word.range
            } else {
                break
            }
        }
        return .deadline(lead: lead, deadline: deadline, cycle: cycle, status: status,
                         elapsed: elapsed, due: due, paused: paused)
    }

    /// goal_value  = [ "-" ] NUMBER | PERCENT | DURATION | "null"
    /// goal_status = "met" | "missed" | "in_progress" | "no_data"
    private mutating func parseGoalExpectation() throws -> Expectation.Subject {
        let goal = try parseName()
        let period = try parseString()
        var group: (value: LiteralValue, range: SourceRange)?
        if consumeWord("group") != nil {
            let (value, range) = try parseLiteralValue()
            group = (value, range)
        }
        var value: ExpectedGoalValue?
        if consumeWord("value") != nil {
            // A sum can be negative (refunds).
            let minus = consume(.minus)
            let token = current
            if minus != nil, token.kind != .number { throw fail(Catalog.Wanted.number) }
            switch token.kind {
            case .number:
                value = .value(.number((minus == nil ? 1 : -1) * numberValue(token)),
                               range: minus.map { $0.range.joined(token.range) } ?? token.range)
            case .percent: value = .value(.percent(percentValue(token)), range: token.range)
            case .duration: value = .value(.duration(milliseconds: durationValue(token).milliseconds), range: token.range)
            case .keyword(.null): value = .null(range: token.range)
            default: throw fail(Catalog.Wanted.goalValue)
            }
            advance()
        }
        var status: Identifier?
        // A status is optional after a value; it may stand on the next line, where another
        // word is the next item.
        if value == nil || isStatusWord(Self.goalStatuses) {
            status = try parseStatus(Self.goalStatuses, wanted: Catalog.Wanted.goalOutcome, unknown: Catalog.unknownGoalStatus)
        }
        return .goal(goal: goal, period: period, group: group, value: value, status: status)
    }

    /// Whether the current token is a status: a word of `statuses` (on this line or the
    /// next: line breaks are whitespace), or any other word on this line (a misspelt
    /// status, reported by `parseStatus`). Another word on a new line is the next item.
    func isStatusWord(_ statuses: [String]) -> Bool {
        guard current.kind == .identifier || isKeyword(.met) else { return false }
        return !currentStartsLine || statuses.contains(text(current))
    }

    /// A status word from `statuses` (`met` is a keyword, the others identifiers). An
    /// unknown word is reported with a did-you-mean and kept; an unknown word on the next
    /// line is the next item, so the status is missing.
    private mutating func parseStatus(_ statuses: [String], wanted: String, unknown: (String) -> Message) throws -> Identifier {
        guard isStatusWord(statuses) else { throw fail(wanted) }
        let token = advance()
        let word = text(token)
        if !statuses.contains(word) {
            report(unknown(word), token.range, help: closestName(to: word, among: statuses).map(Catalog.didYouMean))
        }
        return Identifier(name: word, range: token.range)
    }
}
