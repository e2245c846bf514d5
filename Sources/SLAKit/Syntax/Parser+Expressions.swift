// Expressions (SPEC.md section 4): precedence climbing with one function per level, lowest
// first. Every function returns the tree together with its depth, so that no expression
// deeper than `Limits.maximumExpressionDepth` is ever built, however it is nested (brackets,
// unary chains, or long left-associative chains like `a + b + c + ...`); and the parser's
// own recursion stops at the same limit.

/// An expression under construction and the depth of its tree (a leaf is 0 deep).
struct DepthExpression {
    var expression: Expression
    var depth: Int
    var range: SourceRange { expression.range }
}

extension SLAParser {
    /// expression = or_expression
    mutating func parseExpression() throws -> Expression {
        try parseOr().expression
    }

    // MARK: - Depth limit

    /// Reports `nesting-too-deep` and throws when `depth` exceeds the limit.
    private mutating func checkDepth(_ depth: Int, at range: SourceRange) throws {
        if depth > Limits.maximumExpressionDepth {
            report(Catalog.nestingTooDeep(Limits.maximumExpressionDepth), range)
            throw SyntaxError()
        }
    }

    /// Runs `body` one nesting level deeper (inside a parenthesis, list, call or unary
    /// operator); refuses, before recursing, to go beyond the limit.
    private mutating func nested<Result>(at range: SourceRange, _ body: (inout SLAParser) throws -> Result) throws -> Result {
        expressionNesting += 1
        defer { expressionNesting -= 1 }
        try checkDepth(expressionNesting, at: range)
        return try body(&self)
    }

    /// A binary node over two parsed operands (depth checked).
    private mutating func binary(_ op: BinaryOperator, _ left: DepthExpression, _ right: DepthExpression,
                                 operatorRange: SourceRange) throws -> DepthExpression {
        let depth = max(left.depth, right.depth) + 1
        try checkDepth(depth, at: operatorRange)
        return DepthExpression(expression: Expression(.binary(op, left.expression, right.expression),
                                                      range: left.range.joined(right.range)),
                               depth: depth)
    }

    /// A unary node (depth checked).
    private mutating func unary(_ op: UnaryOperator, _ operand: DepthExpression, operatorRange: SourceRange) throws -> DepthExpression {
        try checkDepth(operand.depth + 1, at: operatorRange)
        return DepthExpression(expression: Expression(.unary(op, operand.expression), range: operatorRange.joined(operand.range)),
                               depth: operand.depth + 1)
    }

    // MARK: - Levels

    /// or_expression = and_expression { "or" and_expression }
    private mutating func parseOr() throws -> DepthExpression {
        var left = try parseAnd()
        while let op = consumeKeyword(.or) {
            let right = try parseAnd()
            left = try binary(.or, left, right, operatorRange: op.range)
        }
        return left
    }

    /// and_expression = not_expression { "and" not_expression }
    private mutating func parseAnd() throws -> DepthExpression {
        var left = try parseNot()
        while let op = consumeKeyword(.and) {
            let right = try parseNot()
            left = try binary(.and, left, right, operatorRange: op.range)
        }
        return left
    }

    /// not_expression = "not" not_expression | comparison
    private mutating func parseNot() throws -> DepthExpression {
        guard let op = consumeKeyword(.not) else { return try parseComparison() }
        let operand = try nested(at: op.range) { try $0.parseNot() }
        return try unary(.not, operand, operatorRange: op.range)
    }

    /// comparison = additive [ comparison_operator additive ]     (non-associative)
    /// comparison_operator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in"
    ///                     | "contains" | "startsWith" | "endsWith" | "matches"
    private mutating func parseComparison() throws -> DepthExpression {
        let left = try parseAdditive()
        guard let (op, operatorRange) = consumeComparisonOperator() else { return left }
        let right = try parseAdditive()
        let result = try binary(op, left, right, operatorRange: operatorRange)
        // `a < b < c` is an error, not `(a < b) < c`.
        if let (chained, chainedRange) = consumeComparisonOperator() {
            report(Catalog.nonAssociative(chained.rawValue), chainedRange)
            throw SyntaxError()
        }
        return result
    }

    /// Consumes a comparison operator (two tokens for `not in`).
    private mutating func consumeComparisonOperator() -> (BinaryOperator, SourceRange)? {
        let op: BinaryOperator
        switch current.kind {
        case .equalEqual: op = .equal
        case .bangEqual: op = .notEqual
        case .less: op = .less
        case .lessEqual: op = .lessEqual
        case .greater: op = .greater
        case .greaterEqual: op = .greaterEqual
        case .keyword(.in): op = .in
        case .keyword(.contains): op = .contains
        case .keyword(.startsWith): op = .startsWith
        case .keyword(.endsWith): op = .endsWith
        case .keyword(.matches): op = .matches
        case .keyword(.not) where peek(1).kind == .keyword(.in):
            let notToken = advance()
            let inToken = advance()
            return (.notIn, notToken.range.joined(inToken.range))
        default:
            return nil
        }
        return (op, advance().range)
    }

    /// additive = multiplicative { ( "+" | "-" ) multiplicative }
    ///
    /// A `+N`/`-N` followed by `on` or `when` is the next score rule: the expression ends
    /// before it.
    private mutating func parseAdditive() throws -> DepthExpression {
        var left = try parseMultiplicative()
        while (current.kind == .plus || current.kind == .minus) && !atScoreRuleBoundary {
            let op = advance()
            let right = try parseMultiplicative()
            left = try binary(op.kind == .plus ? .add : .subtract, left, right, operatorRange: op.range)
        }
        return left
    }

    /// multiplicative = unary { ( "*" | "/" ) unary }
    private mutating func parseMultiplicative() throws -> DepthExpression {
        var left = try parseUnary()
        while current.kind == .star || current.kind == .slash {
            let op = advance()
            let right = try parseUnary()
            left = try binary(op.kind == .star ? .multiply : .divide, left, right, operatorRange: op.range)
        }
        return left
    }

    /// unary = "-" unary | primary           (there is no unary `+`)
    private mutating func parseUnary() throws -> DepthExpression {
        guard current.kind == .minus, !atScoreRuleBoundary else { return try parsePrimary() }
        let op = advance()
        let operand = try nested(at: op.range) { try $0.parseUnary() }
        return try unary(.negate, operand, operatorRange: op.range)
    }

    /// primary = NUMBER | PERCENT | DURATION | STRING | "true" | "false" | "null"
    ///         | "[" [ expression { "," expression } ] "]"
    ///         | "(" expression ")"
    ///         | IDENTIFIER "(" [ expression { "," expression } ] ")"
    ///         | ( "lead" | "event" ) "." attribute_name
    ///         | IDENTIFIER
    private mutating func parsePrimary() throws -> DepthExpression {
        let token = current
        func leaf(_ kind: Expression.Kind, _ range: SourceRange = token.range) -> DepthExpression {
            DepthExpression(expression: Expression(kind, range: range), depth: 0)
        }
        switch token.kind {
        case .number:
            advance()
            return leaf(.number(numberValue(token)))
        case .percent:
            advance()
            return leaf(.percent(percentValue(token)))
        case .duration:
            advance()
            return leaf(.duration(milliseconds: durationValue(token).milliseconds))
        case .string:
            advance()
            return leaf(.string(stringLiteral(token).value))
        case .keyword(.true):
            advance()
            return leaf(.bool(true))
        case .keyword(.false):
            advance()
            return leaf(.bool(false))
        case .keyword(.null):
            advance()
            return leaf(.null)
        case .leftBracket:
            advance()
            let elements = try nested(at: token.range) { parser in
                try parser.parseExpressionList(closing: .rightBracket)
            }
            let close = try expect(.rightBracket, Catalog.Wanted.either(",", "]"))
            let depth = (elements.map(\.depth).max() ?? 0) + 1
            return DepthExpression(expression: Expression(.list(elements.map(\.expression)), range: token.range.joined(close.range)),
                                   depth: depth)
        case .leftParen:
            advance()
            let inner = try nested(at: token.range) { try $0.parseOr() }
            let close = try expect(.rightParen, Catalog.Wanted.token(")"))
            return DepthExpression(expression: Expression(.parenthesized(inner.expression), range: token.range.joined(close.range)),
                                   depth: inner.depth + 1)
        case .identifier:
            advance()
            let name = Identifier(name: text(token), range: token.range)
            if let open = consume(.leftParen) {
                let arguments = try nested(at: open.range) { parser in
                    try parser.parseExpressionList(closing: .rightParen)
                }
                let close = try expect(.rightParen, Catalog.Wanted.either(",", ")"))
                let depth = (arguments.map(\.depth).max() ?? 0) + 1
                return DepthExpression(expression: Expression(.call(function: name, arguments: arguments.map(\.expression)),
                                                              range: token.range.joined(close.range)),
                                       depth: depth)
            }
            if name.name == "lead" || name.name == "event" {
                try expect(.dot, Catalog.Wanted.token("."))
                let attribute = try parseAttributeName()
                let range = token.range.joined(attribute.range)
                return leaf(name.name == "lead" ? .leadAttribute(attribute) : .eventAttribute(attribute), range)
            }
            return leaf(.name(name))
        case .dot where peek(1).kind == .number && peek(1).range.start == current.range.end:
            // `.5`: SPEC.md 2 has no leading `.` in numbers.
            throw fail(Catalog.Wanted.expression, help: "a number starts with a digit: write `0\(text(current))\(text(peek(1)))`")
        default:
            throw fail(Catalog.Wanted.expression)
        }
    }

    /// [ expression { "," expression } ] before `closing` (no trailing comma).
    private mutating func parseExpressionList(closing: TokenKind) throws -> [DepthExpression] {
        var elements: [DepthExpression] = []
        guard current.kind != closing else { return elements }
        repeat {
            elements.append(try parseOr())
        } while consume(.comma) != nil
        return elements
    }
}
