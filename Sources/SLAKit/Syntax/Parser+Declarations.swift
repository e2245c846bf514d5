// The file level and the simple declarations: `use`, `sla`, `timezone`, `review`, `team`,
// `score`, `stage`.

extension SLAParser {
    // MARK: - File

    /// file = [ "use" STRING ] { sla_block | test_block }
    ///
    /// An SLA file holds exactly one `sla` block and its tests after it; a test file starts
    /// with `use "FILE.sla"` and holds only test blocks.
    mutating func parseFile(comments: [Comment]) -> SLAFile {
        var file = SLAFile(comments: comments)
        if isWord("use") {
            file.use = parseUse()
        }
        /// Tests that came before the `sla` block (reported once the file is read).
        var testsBeforeSLA: [SourceRange] = []
        while current.kind != .end {
            let start = index
            if isKeyword(.sla) {
                let slaToken = current
                let block = parseSLABlock()
                if file.use != nil {
                    report(Catalog.slaBlockInTestFile(), slaToken.range)
                } else if file.sla != nil {
                    report(Catalog.duplicateSLABlock(), slaToken.range)
                } else {
                    file.sla = block
                }
            } else if isWord("test") {
                let block = parseTestBlock()
                if file.sla == nil && file.use == nil { testsBeforeSLA.append(block.range) }
                file.tests.append(block)
            } else if isWord("use") {
                let useToken = current
                _ = parseUse()
                report(Catalog.useNotFirst(), useToken.range)
            } else {
                _ = fail(Catalog.Wanted.topLevel)
                // Stray `}` at the top level are skipped too: there is no block to close.
                // An `sla` anywhere resumes (`@sla "x" {`: the stray character is the one
                // mistake); `test` and `use` only on a new line, being contextual words.
                skip(passClosingBraces: true) { parser in
                    parser.isKeyword(.sla) || (parser.currentStartsLine && (parser.isWord("test") || parser.isWord("use")))
                }
            }
            if index == start { advance() }
        }
        if file.sla == nil && file.use == nil {
            if let first = testsBeforeSLA.first {
                report(Catalog.testFileWithoutSLA(), SourceRange(start: first.start, end: first.start + 4))
            } else {
                report(Catalog.missingSLABlock(), .at(0))
            }
        } else if file.sla != nil {
            for range in testsBeforeSLA {
                report(Catalog.testBeforeSLA(), SourceRange(start: range.start, end: range.start + 4))
            }
        } else if file.tests.isEmpty, let use = file.use {
            report(Catalog.noTests(), use.range)
        }
        return file
    }

    /// use = "use" STRING
    private mutating func parseUse() -> StringLiteral? {
        advance()
        do {
            return try parseString()
        } catch {
            return nil
        }
    }

    /// sla_block = "sla" STRING "{" { declaration } "}"
    mutating func parseSLABlock() -> SLABlock {
        let start = advance().range
        var name = StringLiteral(value: "", range: .at(start.end))
        // Header errors are reported and parsing goes on into the block, so that the
        // declarations are still checked.
        if current.kind == .string {
            name = stringLiteral(advance())
            if consume(.leftBrace) == nil {
                _ = fail(Catalog.Wanted.token("{"))
                _ = skipToBraceOnThisLine()
            }
        } else {
            // `sla x {`: one diagnostic, for the name; the block is read from its brace.
            _ = fail(Catalog.Wanted.string)
            if consume(.leftBrace) == nil { _ = skipToBraceOnThisLine() }
        }
        var declarations: [Declaration] = []
        var count = 0
        var end = start
        while true {
            if let brace = consume(.rightBrace) { end = brace.range; break }
            if current.kind == .end || (currentStartsLine && (isKeyword(.sla) || isWord("test"))) {
                _ = fail(Catalog.Wanted.token("}"))
                end = previousRange
                break
            }
            let itemStart = index
            do {
                if let declaration = try parseDeclaration() {
                    count += 1
                    if count <= Limits.maximumDeclarations {
                        declarations.append(declaration)
                    } else if count == Limits.maximumDeclarations + 1 {
                        report(Catalog.tooManyDeclarations(Limits.maximumDeclarations), declaration.range)
                    }
                }
            } catch {
                // The token that could not start a declaration is no place to resume.
                if index == itemStart { advance() }
                skip { parser in parser.atDeclarationStart }
            }
            if index == itemStart { advance() }
        }
        return SLABlock(name: name, declarations: declarations, range: start.joined(end))
    }

    /// declaration = timezone_declaration | review_declaration | calendar_declaration
    ///             | team_declaration | score_declaration | stage_declaration
    ///             | deadline_declaration | goal_declaration
    mutating func parseDeclaration() throws -> Declaration? {
        switch current.kind {
        case .keyword(.timezone): return .timezone(try parseTimezone())
        case .keyword(.review): return .review(try parseReview())
        case .keyword(.calendar): return .calendar(try parseCalendar())
        case .keyword(.team): return .team(try parseTeam())
        case .keyword(.score): return .score(try parseScore())
        case .keyword(.stage): return .stage(try parseStage())
        case .keyword(.deadline): return .deadline(try parseDeadline())
        case .keyword(.goal): return .goal(try parseGoal())
        default: throw fail(Catalog.Wanted.declaration)
        }
    }

    // MARK: - Simple declarations

    /// timezone_declaration = "timezone" STRING
    mutating func parseTimezone() throws -> TimezoneDeclaration {
        let start = advance().range
        let name = try parseString()
        return TimezoneDeclaration(name: name, range: start.joined(name.range))
    }

    /// review_declaration = "review" ( "daily" | "weekly" | "monthly" | "quarterly" | "yearly" )
    mutating func parseReview() throws -> ReviewDeclaration {
        let start = advance().range
        if current.kind == .identifier, let period = PeriodKind(reviewWord: text(current)) {
            let token = advance()
            return ReviewDeclaration(period: period, periodRange: token.range, range: start.joined(token.range))
        }
        throw fail(Catalog.Wanted.reviewPeriod, help: suggestion(among: PeriodKind.allCases.map(\.reviewWord)))
    }

    /// team_declaration = "team" name
    mutating func parseTeam() throws -> TeamDeclaration {
        let start = advance().range
        let name = try parseName()
        return TeamDeclaration(name: name, range: start.joined(name.range))
    }

    /// A did-you-mean help when the current token is an identifier close to a candidate.
    func suggestion(among candidates: [String]) -> String? {
        guard current.kind == .identifier, let close = closestName(to: text(current), among: candidates) else { return nil }
        return Catalog.didYouMean(close)
    }

    // MARK: - Stages

    /// stage_declaration = "stage" name ( "when" expression | "on" event_types [ "where" expression ] )
    mutating func parseStage() throws -> StageDeclaration {
        let start = advance().range
        let name = try parseName()
        if consumeKeyword(.when) != nil {
            let condition = try parseExpression()
            return StageDeclaration(name: name, trigger: .condition(condition), range: start.joined(condition.range))
        }
        if consumeKeyword(.on) != nil {
            let types = try parseEventTypes()
            var end = types.last?.range ?? name.range
            var condition: Expression?
            if consumeKeyword(.where) != nil {
                let parsed = try parseExpression()
                condition = parsed
                end = parsed.range
            }
            return StageDeclaration(name: name, trigger: .event(types: types, condition: condition), range: start.joined(end))
        }
        throw fail(Catalog.Wanted.either("when", "on"))
    }

    // MARK: - Scores

    /// score_declaration = "score" name "{" { score_item } "}"
    mutating func parseScore() throws -> ScoreDeclaration {
        let start = advance().range
        let name = try parseName()
        try openBlock()
        // Recovery also stops at a sign on a new line: a rule with a mistyped trigger.
        let (items, end) = parseBlockItems(isItemStart: { parser in
            parser.atScoreItemStart || (parser.currentStartsLine && (parser.current.kind == .plus || parser.current.kind == .minus))
        }) { parser in
            try parser.parseScoreItem()
        }
        return ScoreDeclaration(name: name, items: items, range: start.joined(end))
    }

    /// Whether a score rule or `limit` starts here: `limit`, or `+N`/`-N` followed by `on` or
    /// `when` (the same test that ends an expression before the next rule).
    var atScoreItemStart: Bool {
        isKeyword(.limit) || atScoreRuleBoundary
    }

    /// `+N on`, `+N when`, `-N on`, `-N when` (sign and number may be apart: `- 30 when`).
    var atScoreRuleBoundary: Bool {
        guard current.kind == .plus || current.kind == .minus, peek(1).kind == .number else { return false }
        let after = peek(2).kind
        return after == .keyword(.on) || after == .keyword(.when)
    }

    /// score_item = score_rule | "limit" NUMBER
    /// score_rule = signed_number ( "on" event_types [ "where" expression ] [ "max" NUMBER ]
    ///                            | "when" expression )
    mutating func parseScoreItem() throws -> ScoreItem {
        if let limit = consumeKeyword(.limit) {
            let number = try expect(.number, Catalog.Wanted.number)
            return .limit(NumberLiteral(value: numberValue(number), range: number.range), range: limit.range.joined(number.range))
        }
        guard current.kind == .plus || current.kind == .minus else {
            throw fail(Catalog.Wanted.scoreItem)
        }
        let points = try parseSignedNumber(signRequired: true)
        if consumeKeyword(.when) != nil {
            let condition = try parseExpression()
            return .rule(ScoreRule(points: points, trigger: .state(condition: condition), range: points.range.joined(condition.range)))
        }
        if consumeKeyword(.on) != nil {
            let types = try parseEventTypes()
            var end = types.last?.range ?? points.range
            var condition: Expression?
            var maximum: NumberLiteral?
            if consumeKeyword(.where) != nil {
                let parsed = try parseExpression()
                condition = parsed
                end = parsed.range
            }
            if consumeKeyword(.max) != nil {
                let number = try expect(.number, Catalog.Wanted.number)
                maximum = NumberLiteral(value: numberValue(number), range: number.range)
                end = number.range
            }
            return .rule(ScoreRule(points: points, trigger: .event(types: types, condition: condition, max: maximum),
                                   range: points.range.joined(end)))
        }
        throw fail(Catalog.Wanted.scoreTrigger)
    }
}
