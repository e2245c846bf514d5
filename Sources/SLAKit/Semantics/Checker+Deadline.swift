extension Checker {
    /// Checks a deadline's clauses: exactly one owner, start and `met on`; at least one
    /// `within`; at most one `warn at` and `paused while`. Returns nil when a required part
    /// is missing (the error has been reported).
    mutating func checkDeadline(_ deadline: DeadlineDeclaration) -> DeadlineModel? {
        let name = deadline.name.name
        let scope = ExpressionScope(owner: "deadline `\(name)`", allowsDerived: true, stageBound: nil)
        var owner: String?
        var start: DeadlineModel.Start?
        var met: (types: [String], condition: Expression?)?
        var budgets: [BudgetModel] = []
        var warnAt: (fraction: Double, rational: (Int64, Int64))?
        var pause: Expression?
        var seen: Set<String> = []
        var unconditionalWithinSeen = false

        func firstTime(_ clause: String, _ range: SourceRange, _ checker: inout Checker) -> Bool {
            if seen.insert(clause).inserted { return true }
            checker.report(Catalog.duplicateClause(clause, in: "deadline", name), at: range)
            return false
        }

        for clause in deadline.clauses {
            switch clause {
            case .owner(let team, let range):
                if firstTime("owner", range, &self) { owner = resolveTeam(team) } else { _ = resolveTeam(team) }
            case .startsAt(let stage, let range):
                let resolved = resolve(stage, expecting: "stage")
                if firstTime("starts", range, &self), case .stage(let index)? = resolved { start = .stage(index) }
            case .startsOn(let every, let types, let condition, let range):
                noteEventTypes(types)
                if let condition { checkCondition(condition, scope: scope) }
                if firstTime("starts", range, &self) {
                    start = .events(types: types.map(\.value), condition: condition, every: every)
                }
            case .metOn(let types, let condition, let range):
                noteEventTypes(types)
                if let condition { checkCondition(condition, scope: scope) }
                if firstTime("met on", range, &self) { met = (types.map(\.value), condition) }
            case .within(let within):
                if unconditionalWithinSeen { report(Catalog.unreachableWithin(), at: within.range) }
                if within.condition == nil { unconditionalWithinSeen = true }
                if let budget = checkWithin(within, scope: scope) { budgets.append(budget) }
            case .warnAt(let percent, let range):
                guard firstTime("warn at", range, &self) else { continue }
                let text = source.text(percent.range)
                if percent.value < 0.01 || percent.value > 1 {
                    report(Catalog.warnOutOfRange(text), at: percent.range)
                } else {
                    warnAt = (percent.value, Checker.exactPercent(text))
                }
            case .pausedWhile(let condition, let range):
                guard firstTime("paused while", range, &self) else { continue }
                let readsEvent = checkCondition(condition, scope: scope)
                if readsEvent { report(Catalog.pausedWhileReadsEvent(), at: condition.range) }
                pause = condition
            }
        }

        let withins = deadline.clauses.compactMap { clause -> WithinClause? in
            if case .within(let within) = clause { return within } else { return nil }
        }
        if let last = withins.last, last.condition != nil, !withins.dropLast().contains(where: { $0.condition == nil }) {
            report(Catalog.lastWithinConditional(name), at: last.range)
        }
        if !seen.contains("owner") { report(Catalog.missingClause("owner", in: "deadline", name), at: deadline.name.range) }
        if !seen.contains("starts") { report(Catalog.missingClause("starts", in: "deadline", name), at: deadline.name.range) }
        if !seen.contains("met on") { report(Catalog.missingClause("met on", in: "deadline", name), at: deadline.name.range) }
        if withins.isEmpty { report(Catalog.missingClause("within", in: "deadline", name), at: deadline.name.range) }

        guard let owner, let start, let met, !budgets.isEmpty, budgets.count == withins.count else { return nil }
        return DeadlineModel(name: name, description: deadline.description?.value, owner: owner, start: start,
                             metTypes: met.types, metCondition: met.condition, budgets: budgets,
                             warnAt: warnAt?.fraction, warnPercent: warnAt?.rational, pause: pause)
    }

    /// Checks one `within`: the calendar exists; `d`/`w` durations are not combined with a
    /// calendar; business days are whole, at least 1, and need a calendar.
    mutating func checkWithin(_ within: WithinClause, scope: ExpressionScope) -> BudgetModel? {
        var calendarIndex: Int?
        var valid = true
        if let calendar = within.calendar {
            if case .calendar(let index)? = resolve(calendar, expecting: "calendar") { calendarIndex = index } else { valid = false }
        }
        if let condition = within.condition { checkCondition(condition, scope: scope) }
        let text = source.text(within.budgetRange)
        let amount: BudgetModel.Amount
        switch within.budget {
        case .duration(let milliseconds, let hasDayUnit):
            if hasDayUnit, within.calendar != nil {
                // Suggest business days only for a plain day count (`2d`): `1w` is not `7bd`.
                let days = text.dropLast()
                let help = text.hasSuffix("d") && !days.isEmpty && days.allSatisfy { $0.isASCII && $0.isNumber }
                    ? "for business days, write `\(days)bd`" : nil
                report(Catalog.dayDurationWithCalendar(text), at: within.budgetRange, help: help)
                valid = false
            }
            amount = .milliseconds(milliseconds)
        case .businessDays(let days):
            if days < 1 || days != days.rounded() || days > Double(Limits.businessDays) {
                report(Catalog.invalidBusinessDays(text, maximum: Limits.businessDays), at: within.budgetRange)
                return nil
            }
            if within.calendar == nil {
                report(Catalog.businessDaysWithoutCalendar(text), at: within.budgetRange)
                valid = false
            }
            amount = .businessDays(Int(days))
        }
        guard valid else { return nil }
        return BudgetModel(amount: amount, calendar: calendarIndex, condition: within.condition, range: within.range)
    }

    /// The exact value of a percent literal's text (`97.5%`) as `numerator / denominator`
    /// of 100 (`975 / 10`), so at-risk thresholds are compared exactly in integers.
    static func exactPercent(_ text: String) -> (Int64, Int64) {
        var numerator: Int64 = 0, denominator: Int64 = 1
        var afterPoint = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9":
                guard numerator < Int64.max / 100, denominator < Int64.max / 100 else { continue }
                numerator = numerator * 10 + Int64(scalar.value - 48)
                if afterPoint { denominator *= 10 }
            case ".": afterPoint = true
            default: continue
            }
        }
        return (numerator, denominator)
    }
}
