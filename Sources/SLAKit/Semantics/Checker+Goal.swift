extension Checker {
    /// Checks a goal: exactly one owner and one measure; the measure's names resolve to the
    /// right kinds; the target fits the measure (durations for the duration measures).
    mutating func checkGoal(_ goal: GoalDeclaration, review: PeriodKind) -> GoalModel? {
        let name = goal.name.name
        var owner: String?
        var clause: MeasureClause?
        for item in goal.clauses {
            switch item {
            case .owner(let team, let range):
                if owner != nil { report(Catalog.duplicateClause("owner", in: "goal", name), at: range) }
                let resolved = resolveTeam(team)
                if owner == nil { owner = resolved }
            case .measure(let measureClause):
                if clause != nil {
                    report(Catalog.duplicateClause("measure", in: "goal", name), at: measureClause.range)
                } else {
                    clause = measureClause
                }
            }
        }
        if owner == nil { report(Catalog.missingClause("owner", in: "goal", name), at: goal.name.range) }
        guard let clause else {
            report(Catalog.missingClause("measure", in: "goal", name), at: goal.name.range)
            return nil
        }
        let measure = checkMeasure(clause)
        if let condition = clause.condition {
            checkCondition(condition, scope: ExpressionScope(owner: "goal `\(name)`", allowsDerived: true, stageBound: nil))
        }
        guard let measure, let owner else { return nil }

        let target: Double
        let targetText = source.text(clause.targetRange)
        switch clause.target {
        case .duration(let milliseconds):
            guard measure.isDuration else {
                report(Catalog.targetDoesNotFitMeasure(source.text(clause.measureRange), expected: "a number", found: "the duration `\(targetText)`"),
                       at: clause.targetRange)
                return nil
            }
            target = Double(milliseconds) / 1000
        case .number(let value), .percent(let value):
            guard !measure.isDuration else {
                report(Catalog.targetDoesNotFitMeasure(source.text(clause.measureRange), expected: "a duration", found: "`\(targetText)`"),
                       at: clause.targetRange)
                return nil
            }
            target = value
        }
        switch measure {
        case .rateStages, .rateMet:
            if target > 1 { report(Catalog.rateAboveHundred(targetText), at: clause.targetRange) }
        default:
            break
        }
        return GoalModel(name: name, description: goal.description?.value, owner: owner, measure: measure,
                         op: clause.op, target: target, period: clause.period ?? review,
                         groupBy: clause.groupBy?.name, condition: clause.condition)
    }

    mutating func checkMeasure(_ clause: MeasureClause) -> MeasureModel? {
        switch clause.measure {
        case .count(let name, nil):
            // `count NAME` counts stage entries; a deadline needs a status.
            if case .deadline? = symbols[name.name] {
                usedNames.insert(name.name)
                report(Catalog.missingClause("status", in: "measure of", name.name), at: name.range,
                       help: "write `count \(name.name) met` (or late, overdue, breached, pending, at_risk)")
                return nil
            }
            guard case .stage(let index)? = resolve(name, expecting: "stage") else { return nil }
            return .countStage(index)
        case .count(let name, let status?):
            let resolved = resolve(name, expecting: "deadline")
            guard let filter = StatusFilter(rawValue: status.name) else {
                let help = maySuggest() ? didYouMean(status.name, among: StatusFilter.allCases.map(\.rawValue)) : nil
                report(Catalog.unknownStatus(status.name), at: status.range, help: help)
                return nil
            }
            guard case .deadline(let index)? = resolved else { return nil }
            return .countDeadline(index, filter)
        case .rate(let numerator, let denominator):
            let top = resolve(numerator, expecting: "stage")
            let bottom = resolve(denominator, expecting: "stage")
            guard case .stage(let a)? = top, case .stage(let b)? = bottom else { return nil }
            return .rateStages(numerator: a, denominator: b)
        case .rateMet(let deadline):
            guard case .deadline(let index)? = resolve(deadline, expecting: "deadline") else { return nil }
            return .rateMet(deadline: index)
        case .statistic(let statistic, let deadline):
            guard case .deadline(let index)? = resolve(deadline, expecting: "deadline") else { return nil }
            return .statistic(statistic, deadline: index)
        case .sum(let type, let attribute):
            eventTypesUsed.insert(type.value)
            return .sum(type: type.value, attribute: attribute.name)
        }
    }
}
