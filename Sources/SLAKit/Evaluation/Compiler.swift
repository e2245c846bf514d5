/// Compiles a checked SLA into a `Program`: expressions become closures built once, so
/// evaluating an event never walks the syntax tree.
public struct Compiler {
    private var attributeSlots: [String: Int] = [:]
    private var attributeNames: [String] = []
    /// The slots read as `lead.ATTR` or grouped by; the others are read only as `event.ATTR`.
    private var leadSlots: Set<Int> = []
    private var typeIds = StringIndex()
    private var readsLeadId = false
    private var readsEventType = false
    private let sla: CheckedSLA
    /// Whether common comparisons take `specializedComparison`; off only in tests that
    /// compare it with the general path.
    private let specializing: Bool

    private init(sla: CheckedSLA, specializing: Bool) {
        self.sla = sla
        self.specializing = specializing
    }

    public static func compile(_ sla: CheckedSLA) -> Program {
        compile(sla, specializing: true)
    }

    static func compile(_ sla: CheckedSLA, specializing: Bool) -> Program {
        var compiler = Compiler(sla: sla, specializing: specializing)
        return compiler.build()
    }

    private mutating func build() -> Program {
        let scores = sla.scores.map { score in
            var compiled = CompiledScore(
                eventRules: score.eventRules.map { rule in
                    CompiledScoreRule(points: rule.points, types: typeSet(rule.types),
                                      condition: rule.condition.map { condition($0) }, maximum: rule.maximum)
                },
                stateRules: score.stateRules.map { CompiledStateRule(points: $0.points, condition: condition($0.condition)) },
                limit: score.limit)
            // After compiling, so that every slot is numbered already.
            if score.stateRules.count <= 64 {
                compiled.stateDependencies = dependencies(of: score.stateRules.map(\.condition))
            }
            return compiled
        }
        let stages = sla.stages.map { stage -> CompiledStage in
            switch stage.trigger {
            case .condition(let expression):
                let compiled = condition(expression)
                return CompiledStage(types: nil, condition: compiled, dependencies: dependencies(of: [expression]))
            case .event(let types, let expression):
                return CompiledStage(types: typeSet(types), condition: expression.map { condition($0) })
            }
        }
        let deadlines = sla.deadlines.map { deadline -> CompiledDeadline in
            var compiled = CompiledDeadline(
                startStage: nil, startTypes: nil, startCondition: nil, every: false,
                metTypes: typeSet(deadline.metTypes), metCondition: deadline.metCondition.map { condition($0) },
                budgets: deadline.budgets.map { CompiledBudget(amount: $0.amount, calendar: $0.calendar, condition: $0.condition.map { condition($0) }) },
                warnPercent: deadline.warnPercent, pause: deadline.pause.map { condition($0) })
            if let pause = deadline.pause { compiled.pauseDependencies = dependencies(of: [pause]) }
            switch deadline.start {
            case .stage(let index):
                compiled.startStage = index
            case .events(let types, let expression, let every):
                compiled.startTypes = typeSet(types)
                compiled.startCondition = expression.map { condition($0) }
                compiled.every = every
            }
            return compiled
        }
        let goals = sla.goals.map { goal -> CompiledGoal in
            var compiled = CompiledGoal(condition: goal.condition.map { condition($0) },
                                        group: goal.groupBy.map { leadAttribute($0) }, sumType: nil, sumSlot: nil)
            if case .sum(let type, let attribute) = goal.measure {
                compiled.sumType = typeId(type)
                compiled.sumSlot = slot(attribute)
            }
            return compiled
        }
        let calendars = sla.calendars.map { model in
            WorkCalendar(zone: model.zone,
                         weekly: model.weekly.map { $0.map { WorkingRange(start: $0.start, end: $0.end) } },
                         holidays: model.holidays)
        }
        return Program(sla: sla, attributeNames: attributeNames, types: typeIds.keys, scores: scores, stages: stages,
                       deadlines: deadlines, goals: goals, calendars: calendars,
                       leadSlots: leadSlots.sorted(), readsLeadId: readsLeadId, readsEventType: readsEventType)
    }

    private mutating func typeId(_ type: String) -> Int {
        typeIds.insert(type).index
    }

    private mutating func typeSet(_ types: [String]) -> TypeSet {
        TypeSet(types.map { typeId($0) })
    }

    private mutating func slot(_ attribute: String) -> Int {
        if let slot = attributeSlots[attribute] { return slot }
        let slot = attributeNames.count
        attributeSlots[attribute] = slot
        attributeNames.append(attribute)
        return slot
    }

    /// `lead.ATTR` names without a slot: `lead.id` is the lead's id, and `lead.type`,
    /// `lead.at` and `lead.lead` are null (SPEC.md section 4).
    private static let leadNamesWithoutSlot: Set<String> = ["id", "type", "at", "lead"]
    /// `event.ATTR` names without a slot: the event's type and time, and the null
    /// `event.lead`.
    private static let eventNamesWithoutSlot: Set<String> = ["type", "at", "lead"]

    /// Reads `lead.ATTR` (in expressions, and the group of `by lead.ATTR`).
    private mutating func leadAttribute(_ name: String) -> CompiledExpression {
        switch name {
        case "id":
            readsLeadId = true
            return { .string($0.leadId) }
        case "type", "at", "lead": return { _ in .null }
        default:
            let index = leadSlot(name)
            return { $0.leadAttributes[index] }
        }
    }

    /// The slot of an attribute read as `lead.ATTR`.
    private mutating func leadSlot(_ attribute: String) -> Int {
        let index = slot(attribute)
        leadSlots.insert(index)
        return index
    }

    // MARK: - Dependencies

    /// What `expressions` read of the lead's state together; nil when one reads the event
    /// (`event.ATTR`, `event.type`, `event.at`). Call after compiling them: slots are
    /// looked up, and must not be numbered here.
    private mutating func dependencies(of expressions: [Expression]) -> StateDependencies? {
        var dependencies = StateDependencies(bits: 0)
        for expression in expressions where !collect(expression, into: &dependencies) { return nil }
        return dependencies
    }

    /// Adds what `expression` reads to `dependencies`; false when it reads the event, or
    /// state without a bit.
    private mutating func collect(_ expression: Expression, into dependencies: inout StateDependencies) -> Bool {
        let layout = StateDependencies.Layout(scoreCount: sla.scores.count, stageCount: sla.stages.count)
        func add(_ bit: Int?) -> Bool {
            guard let bit else { return false }
            dependencies.bits |= 1 << UInt64(bit)
            return true
        }
        switch expression.kind {
        case .number, .percent, .duration, .string, .bool, .null:
            return true
        case .list(let elements), .call(_, let elements):
            for element in elements where !collect(element, into: &dependencies) { return false }
            return true
        case .parenthesized(let inner), .unary(_, let inner):
            return collect(inner, into: &dependencies)
        case .binary(_, let left, let right):
            return collect(left, into: &dependencies) && collect(right, into: &dependencies)
        case .leadAttribute(let attribute):
            // `lead.id` never changes; `lead.type`, `lead.at` and `lead.lead` are null.
            if Compiler.leadNamesWithoutSlot.contains(attribute.name) { return true }
            return add(layout.slot(slot(attribute.name)))
        case .eventAttribute:
            return false
        case .name(let name):
            switch sla.symbols[name.name] {
            case .score(let index)?: return add(layout.score(index))
            case .stage(let index)?: return add(layout.stage(index))
            default: return true
            }
        }
    }

    // MARK: - Expressions

    /// Compiles a condition; boolean connectives short-circuit on Bool closures.
    private mutating func condition(_ expression: Expression) -> CompiledCondition {
        switch expression.kind {
        case .parenthesized(let inner):
            return condition(inner)
        case .binary(.and, let left, let right):
            let a = condition(left), b = condition(right)
            return { a($0) && b($0) }
        case .binary(.or, let left, let right):
            let a = condition(left), b = condition(right)
            return { a($0) || b($0) }
        case .unary(.not, let operand):
            let a = condition(operand)
            return { !a($0) }
        case .bool(let value):
            return { _ in value }
        case .name(let name):
            if case .stage(let index)? = sla.symbols[name.name] { return { $0.stageEntries[index] != LeadStates.notEntered } }
            let value = self.expression(expression)
            return { Operations.holds(value($0)) }
        case .binary(let op, let left, let right) where op.isComparison:
            return comparison(op, left, right)
        default:
            let value = self.expression(expression)
            return { Operations.holds(value($0)) }
        }
    }

    private mutating func comparison(_ op: BinaryOperator, _ left: Expression, _ right: Expression) -> CompiledCondition {
        if specializing, let specialized = specializedComparison(op, left, right) { return specialized }
        let a = expression(left), b = expression(right)
        return { Operations.compare(op, a($0), b($0)) }
    }

    // MARK: - Specialized comparisons

    /// Where a comparison operand comes from, when no `Value` needs building for it: an
    /// attribute slot, read in place, or a literal, built once.
    private enum Operand {
        case leadSlot(Int)
        case eventSlot(Int)
        case constant(Value)
    }

    /// The comparisons rules are mostly made of, compiled without closures per operand:
    /// an attribute against a literal (`lead.country in ["SE", "NO"]`, `event.page
    /// startsWith "/pricing"`), read in place rather than copied out and, for text and
    /// number literals, tested by a `LiteralTest`; and numbers against
    /// numbers (`fit + engagement >= 60`) as `Double`s. nil for anything else. The
    /// semantics are those of `Operations`, as in the general path.
    private mutating func specializedComparison(_ op: BinaryOperator, _ left: Expression, _ right: Expression) -> CompiledCondition? {
        if let a = numeric(left), let b = numeric(right) {
            // One closure per operator; literals and scores are read in place, without a
            // closure call each.
            switch op {
            case .equal: return { a.value($0) == b.value($0) }
            case .notEqual: return { a.value($0) != b.value($0) }
            case .less: return { guard let x = a.value($0), let y = b.value($0) else { return false }; return x < y }
            case .lessEqual: return { guard let x = a.value($0), let y = b.value($0) else { return false }; return x <= y }
            case .greater: return { guard let x = a.value($0), let y = b.value($0) else { return false }; return x > y }
            case .greaterEqual: return { guard let x = a.value($0), let y = b.value($0) else { return false }; return x >= y }
            default: break
            }
        }
        guard let a = operand(left), let b = operand(right) else { return nil }
        switch (a, b) {
        case (.leadSlot(let index), .constant(let constant)):
            if let test = LiteralTest(op, constant) { return { test.holds($0.leadAttributes[index]) } }
            return { Operations.compare(op, $0.leadAttributes[index], constant) }
        case (.eventSlot(let index), .constant(let constant)):
            if let test = LiteralTest(op, constant) { return { test.holds($0.eventAttributes[index]) } }
            return { Operations.compare(op, $0.eventAttributes[index], constant) }
        case (.constant(let constant), .leadSlot(let index)):
            return { Operations.compare(op, constant, $0.leadAttributes[index]) }
        case (.constant(let constant), .eventSlot(let index)):
            return { Operations.compare(op, constant, $0.eventAttributes[index]) }
        default:
            return nil
        }
    }

    /// An attribute slot or a literal; nil for other expressions (and for `lead.id`,
    /// `event.type`, `event.at` and the null attributes, which have no slot).
    private mutating func operand(_ expression: Expression) -> Operand? {
        switch expression.kind {
        case .parenthesized(let inner):
            return operand(inner)
        case .leadAttribute(let attribute) where !Compiler.leadNamesWithoutSlot.contains(attribute.name):
            return .leadSlot(leadSlot(attribute.name))
        case .eventAttribute(let attribute) where !Compiler.eventNamesWithoutSlot.contains(attribute.name):
            return .eventSlot(slot(attribute.name))
        default:
            guard Compiler.isLiteral(expression) else { return nil }
            let frame = EvaluationFrame(attributeCount: 0, scoreCount: 0, stageCount: 0)
            return .constant(self.expression(expression)(frame))
        }
    }

    /// A number-or-null expression (see `numeric`): literals and scores are read in place
    /// by the closure that uses them; anything else is a closure of its own.
    private enum NumericTerm {
        case constant(Double)
        case score(Int)
        case computed((EvaluationFrame) -> Double?)

        /// The term's value at `frame`, nil for null.
        @inline(__always)
        func value(_ frame: EvaluationFrame) -> Double? {
            switch self {
            case .constant(let value): return value
            case .score(let index): return frame.scores[index]
            case .computed(let compute): return compute(frame)
            }
        }
    }

    /// An expression whose value is always a number or null: number literals, scores, and
    /// negation, `+`, `-`, `*` and `/` of such (SPEC.md section 4: division by zero is
    /// null). nil when the expression may be anything else. The comparisons of such
    /// expressions decide as `Operations.equals` and `Operations.order` do for `.number`
    /// and `.null`: NaN compares with nothing, and null equals only null.
    private func numeric(_ expression: Expression) -> NumericTerm? {
        switch expression.kind {
        case .number(let value), .percent(let value):
            return .constant(value)
        case .parenthesized(let inner):
            return numeric(inner)
        case .name(let name):
            guard case .score(let index)? = sla.symbols[name.name] else { return nil }
            return .score(index)
        case .unary(.negate, let operand):
            guard let term = numeric(operand) else { return nil }
            return .computed { term.value($0).map { -$0 } }
        case .binary(let op, let left, let right):
            guard let a = numeric(left), let b = numeric(right) else { return nil }
            switch op {
            case .add: return .computed { guard let x = a.value($0), let y = b.value($0) else { return nil }; return x + y }
            case .subtract: return .computed { guard let x = a.value($0), let y = b.value($0) else { return nil }; return x - y }
            case .multiply: return .computed { guard let x = a.value($0), let y = b.value($0) else { return nil }; return x * y }
            case .divide: return .computed { guard let x = a.value($0), let y = b.value($0), y != 0 else { return nil }; return x / y }
            default: return nil
            }
        default:
            return nil
        }
    }

    private mutating func expression(_ expression: Expression) -> CompiledExpression {
        switch expression.kind {
        case .number(let value), .percent(let value):
            return { _ in .number(value) }
        case .duration(let milliseconds):
            return { _ in .duration(milliseconds) }
        case .string(let value):
            return { _ in .string(value) }
        case .bool(let value):
            return { _ in .bool(value) }
        case .null:
            return { _ in .null }
        case .list(let elements):
            let compiled = elements.map { self.expression($0) }
            // A list of literals is built once.
            if elements.allSatisfy(Compiler.isLiteral) {
                let frame = EvaluationFrame(attributeCount: 0, scoreCount: 0, stageCount: 0)
                let constant = Value.list(compiled.map { $0(frame) })
                return { _ in constant }
            }
            return { frame in .list(compiled.map { $0(frame) }) }
        case .parenthesized(let inner):
            return self.expression(inner)
        case .leadAttribute(let attribute):
            return leadAttribute(attribute.name)
        case .eventAttribute(let attribute):
            switch attribute.name {
            case "type":
                readsEventType = true
                return { .string($0.eventType) }
            case "at": return { .time($0.eventTime) }
            case "lead": return { _ in .null }
            default:
                let index = slot(attribute.name)
                return { $0.eventAttributes[index] }
            }
        case .name(let name):
            switch sla.symbols[name.name] {
            case .score(let index)?: return { .number($0.scores[index]) }
            case .stage(let index)?: return { .bool($0.stageEntries[index] != LeadStates.notEntered) }
            default: return { _ in .null }
            }
        case .call(let function, let arguments):
            guard let argument = arguments.first.map({ self.expression($0) }) else { return { _ in .null } }
            switch function.name {
            case "lower": return { Operations.changeCase(argument($0), upper: false) }
            case "upper": return { Operations.changeCase(argument($0), upper: true) }
            case "len": return { Operations.length(argument($0)) }
            default: return { _ in .null }
            }
        case .unary(.negate, let operand):
            let value = self.expression(operand)
            return { Operations.negate(value($0)) }
        case .unary(.not, _), .binary(.and, _, _), .binary(.or, _, _):
            let test = condition(expression)
            return { .bool(test($0)) }
        case .binary(let op, let left, let right):
            if op.isComparison {
                let test = comparison(op, left, right)
                return { .bool(test($0)) }
            }
            let a = self.expression(left), b = self.expression(right)
            return { Operations.arithmetic(op, a($0), b($0)) }
        }
    }

    private static func isLiteral(_ expression: Expression) -> Bool {
        switch expression.kind {
        case .number, .percent, .duration, .string, .bool, .null: return true
        case .unary(.negate, let operand): return isLiteral(operand)
        case .list(let elements): return elements.allSatisfy(isLiteral)
        case .parenthesized(let inner): return isLiteral(inner)
        default: return false
        }
    }
}
