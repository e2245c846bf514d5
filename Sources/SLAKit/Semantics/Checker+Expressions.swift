/// Where an expression stands, for the rules about what it may read.
struct ExpressionScope {
    /// How messages name the construct ("score rule", "stage `mql`").
    var owner: String
    /// Whether scores and stages may be read (not in score rules).
    var allowsDerived: Bool
    /// For a stage's condition: its own index; only stages before it may be read.
    var stageBound: Int?
}

/// The type of an expression as far as it is known before any data is seen.
enum StaticType: Hashable {
    case number, string, bool, duration, time, list, null
    /// An attribute or anything whose type depends on the data.
    case unknown

    var description: String {
        switch self {
        case .number: "a number"
        case .string: "a string"
        case .bool: "a bool"
        case .duration: "a duration"
        case .time: "a time"
        case .list: "a list"
        case .null: "null"
        case .unknown: "a value"
        }
    }

    var isKnown: Bool { self != .unknown }
}

/// The functions of the expression language and their arity.
let builtinFunctions: [String: Int] = ["lower": 1, "upper": 1, "len": 1]

extension Checker {
    /// Checks an expression used as a condition. Returns true when it reads `event.`.
    @discardableResult
    mutating func checkCondition(_ expression: Expression, scope: ExpressionScope) -> Bool {
        var readsEvent = false
        let type = infer(expression, scope: scope, readsEvent: &readsEvent)
        reportUnlessCondition(expression, type)
        return readsEvent
    }

    /// Reports `expression` (of static type `type`) where a condition is needed and it can
    /// never be `true`; a bare score gets a hint to compare it.
    mutating func reportUnlessCondition(_ expression: Expression, _ type: StaticType) {
        guard type.isKnown, type != .bool else { return }
        var help: String?
        if case .name(let name) = expression.kind, case .score? = lookUp(name.name, preferring: ["score"]) {
            help = "compare the score with a number, e.g. `\(name.name) >= 50`"
        }
        report(Catalog.notACondition(type.description), at: expression.range, help: help)
    }

    /// How a message names an operand of static type `type`: `score \`fit\` (a number)` for
    /// a score or stage, else its type (`a string`).
    func describe(_ expression: Expression, _ type: StaticType) -> String {
        var inner = expression
        while case .parenthesized(let wrapped) = inner.kind { inner = wrapped }
        if case .name(let name) = inner.kind, type.isKnown, let symbol = lookUp(name.name, preferring: ["score", "stage"]) {
            return "\(symbol.kindName) `\(name.name)` (\(type.description))"
        }
        return type.description
    }

    /// Infers the static type of `expression`, reporting names that do not resolve and
    /// operands whose types are known to clash.
    mutating func infer(_ expression: Expression, scope: ExpressionScope, readsEvent: inout Bool) -> StaticType {
        switch expression.kind {
        case .number: return .number
        case .percent: return .number
        case .duration: return .duration
        case .string: return .string
        case .bool: return .bool
        case .null: return .null
        case .list(let elements):
            for element in elements { _ = infer(element, scope: scope, readsEvent: &readsEvent) }
            return .list
        case .parenthesized(let inner):
            return infer(inner, scope: scope, readsEvent: &readsEvent)
        case .leadAttribute(let attribute):
            switch attribute.name {
            case "id": return .string
            case "type", "at", "lead": return .null
            default: return .unknown
            }
        case .eventAttribute(let attribute):
            readsEvent = true
            switch attribute.name {
            case "type": return .string
            case "at": return .time
            case "lead": return .null
            default: return .unknown
            }
        case .name(let name):
            return inferName(name, scope: scope)
        case .call(let function, let arguments):
            let types = arguments.map { infer($0, scope: scope, readsEvent: &readsEvent) }
            guard let arity = builtinFunctions[function.name] else {
                report(Catalog.unknownFunction(function.name), at: function.range,
                       help: didYouMean(function.name, among: builtinFunctions.keys)
                           ?? "the functions are `lower(x)`, `upper(x)` and `len(x)`")
                return .unknown
            }
            guard arity == arguments.count else {
                report(Catalog.wrongArgumentCount(function.name, expected: arity, found: arguments.count), at: expression.range)
                return .unknown
            }
            let argument = types[0]
            if function.name == "len" {
                if argument.isKnown, argument != .string, argument != .list {
                    report(Catalog.functionArgumentType(function.name, expected: "a string or a list", found: argument.description),
                           at: arguments[0].range)
                }
                return .number
            }
            if argument.isKnown, argument != .string {
                report(Catalog.functionArgumentType(function.name, expected: "a string", found: argument.description),
                       at: arguments[0].range)
            }
            return .string
        case .unary(let op, let operand):
            let type = infer(operand, scope: scope, readsEvent: &readsEvent)
            switch op {
            case .not:
                reportUnlessCondition(operand, type)
                return .bool
            case .negate:
                if type.isKnown, type != .number, type != .duration {
                    report(Catalog.cannotNegate(type.description), at: expression.range)
                    return .unknown
                }
                return type
            }
        case .binary(let op, let left, let right):
            let leftType = infer(left, scope: scope, readsEvent: &readsEvent)
            let rightType = infer(right, scope: scope, readsEvent: &readsEvent)
            return inferBinary(op, leftType, rightType, expression: expression, left: left, right: right)
        }
    }

    mutating func inferName(_ name: Identifier, scope: ExpressionScope) -> StaticType {
        usedNames.insert(name.name)
        guard let symbol = lookUp(name.name, preferring: ["score", "stage"]) else {
            hasUnresolvedReference = true
            // The candidates were gathered up front: joining the score and stage names here, at
            // every unknown name whether suggested or not, made n of them take O(n²) time.
            // Without a close name, the likeliest mistake is an attribute written bare.
            let help = (maySuggest() ? didYouMean(name.name, among: namesByKind[Checker.scoreOrStage] ?? []) : nil)
                ?? "attributes are read as `lead.\(name.name)` or `event.\(name.name)`"
            report(Catalog.unknownName(name.name, kind: "score or stage"), at: name.range, help: help)
            return .unknown
        }
        switch symbol {
        case .score:
            if !scope.allowsDerived {
                report(Catalog.scoreReadsScoreOrStage(name.name, kind: "score"), at: name.range)
                return .unknown
            }
            return .number
        case .stage(let index):
            if !scope.allowsDerived {
                report(Catalog.scoreReadsScoreOrStage(name.name, kind: "stage"), at: name.range)
                return .unknown
            }
            if let bound = scope.stageBound, index >= bound {
                report(index == bound ? Catalog.stageRefersToItself(name.name) : Catalog.laterStage(name.name), at: name.range)
                return .unknown
            }
            return .bool
        default:
            report(Catalog.wrongKind(name.name, is: symbol.kindName, expected: "score or stage"), at: name.range)
            hasUnresolvedReference = true
            return .unknown
        }
    }

    /// The types of a list literal's elements when every one is a literal (`["a", 2]`);
    /// nil for anything else (`[lead.x]`, a list of lists), whose elements are not known.
    static func literalTypes(of expression: Expression) -> [StaticType]? {
        switch expression.kind {
        case .parenthesized(let inner): return literalTypes(of: inner)
        case .list(let elements):
            var types: [StaticType] = []
            for element in elements {
                switch element.kind {
                case .number, .percent: types.append(.number)
                case .duration: types.append(.duration)
                case .string: types.append(.string)
                case .bool: types.append(.bool)
                case .null: types.append(.null)
                default: return nil
                }
            }
            return types
        default: return nil
        }
    }

    mutating func inferBinary(_ op: BinaryOperator, _ left: StaticType, _ right: StaticType,
                              expression: Expression, left leftExpression: Expression, right rightExpression: Expression) -> StaticType {
        let bothKnown = left.isKnown && right.isKnown
        /// Reports the two operands as not fitting `op` (the whole operation is underlined:
        /// neither side alone is wrong).
        func clash() -> StaticType {
            report(Catalog.typeClash(op.rawValue, describe(leftExpression, left), describe(rightExpression, right)),
                   at: expression.range, help: stageHelp())
            return .unknown
        }
        /// A hint for a stage compared with something else: a stage is already a condition.
        func stageHelp() -> String? {
            for operand in [leftExpression, rightExpression] {
                if case .name(let name) = operand.kind, case .stage? = lookUp(name.name, preferring: ["stage"]) {
                    return "a stage is true once the lead has entered it: write `\(name.name)` or `not \(name.name)`"
                }
            }
            return nil
        }
        switch op {
        case .or, .and:
            reportUnlessCondition(leftExpression, left)
            reportUnlessCondition(rightExpression, right)
            return .bool
        case .equal, .notEqual:
            // Comparing with null is meaningful; otherwise known different types never equal.
            if bothKnown, left != .null, right != .null, left != right { return clash() }
            return .bool
        case .less, .lessEqual, .greater, .greaterEqual:
            let ordered: Set<StaticType> = [.number, .string, .duration, .time]
            if left.isKnown, !ordered.contains(left) { return clash() }
            if right.isKnown, !ordered.contains(right) { return clash() }
            if bothKnown, left != right { return clash() }
            return .bool
        case .in, .notIn:
            // The right side is the offender: underline it alone.
            if right.isKnown, right != .list {
                report(Catalog.membershipNeedsList(op.rawValue, found: describe(rightExpression, right)), at: rightExpression.range)
            } else if left.isKnown, left != .null, let elements = Checker.literalTypes(of: rightExpression), !elements.isEmpty,
                      !elements.contains(left), !elements.contains(.null) {
                // `fit in ["a", "b"]`: no element can equal the left side, as in `fit == "a"`
                // (and as there, a comparison with null, on either side, is left alone).
                let plurals: [StaticType: String] = [.number: "numbers", .string: "strings", .bool: "bools", .duration: "durations"]
                let listed = Set(elements).compactMap { plurals[$0] }.sorted().joined(separator: " and ")
                report(Catalog.typeClash(op.rawValue, describe(leftExpression, left), "a list of \(listed)"),
                       at: expression.range, help: stageHelp())
                return .unknown
            }
            return .bool
        case .contains:
            if left.isKnown, left != .string, left != .list {
                report(Catalog.stringOperatorOperand(op.rawValue, found: describe(leftExpression, left)), at: leftExpression.range,
                       help: "`contains` looks for a substring of a string or an element of a list")
                return .bool
            }
            if left == .string, right.isKnown, right != .string { return clash() }
            return .bool
        case .startsWith, .endsWith, .matches:
            for (type, operand) in [(left, leftExpression), (right, rightExpression)] where type.isKnown && type != .string {
                report(Catalog.stringOperatorOperand(op.rawValue, found: describe(operand, type)), at: operand.range)
                return .bool
            }
            return .bool
        case .add, .subtract, .multiply, .divide:
            // A string literal is the offender: underline it alone.
            for (type, operand) in [(left, leftExpression), (right, rightExpression)] where type == .string {
                report(Catalog.arithmeticOnString(op.rawValue), at: operand.range)
                return .unknown
            }
            guard bothKnown else { return .unknown }
            switch (op, left, right) {
            case (_, .number, .number): return .number
            case (.add, .duration, .duration), (.subtract, .duration, .duration): return .duration
            case (.add, .time, .duration), (.subtract, .time, .duration), (.add, .duration, .time): return .time
            case (.subtract, .time, .time): return .duration
            case (.multiply, .number, .duration), (.multiply, .duration, .number), (.divide, .duration, .number): return .duration
            case (.divide, .duration, .duration): return .number
            default:
                report(Catalog.arithmeticClash(op.rawValue, describe(leftExpression, left), describe(rightExpression, right)),
                       at: expression.range)
                return .unknown
            }
        }
    }
}
