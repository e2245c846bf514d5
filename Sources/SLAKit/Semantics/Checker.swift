import Foundation

/// The result of checking a parsed file: the resolved SLA (nil when there are errors) and
/// its diagnostics (the first `Limits.maximumDiagnosticsShown` in file order kept, all
/// counted).
public struct CheckResult: Sendable {
    public var sla: CheckedSLA?
    public var diagnostics: DiagnosticList
}

/// Resolves names and checks an SLA against the rules of SPEC.md sections 2-4, reporting
/// every problem at once. The checker never stops at the first error: each declaration is
/// checked independently, so one mistake produces one diagnostic.
public struct Checker {
    let source: SourceFile
    var diagnostics = DiagnosticList(limit: Limits.maximumDiagnosticsShown)
    /// Every declared name and what it is (the first declaration of a name declared twice).
    var symbols: [String: Symbol] = [:]
    /// Every declaration of each name declared more than once, in order. A reference to such
    /// a name resolves to the declaration of the kind it needs, so the duplicate is reported
    /// once and not again at every use.
    var duplicatedSymbols: [String: [Symbol]] = [:]
    /// Declared names by kind name (`"team"`, `"stage"`, …, and `scoreOrStage` for both):
    /// the candidates of did-you-mean suggestions, gathered once rather than at every unknown
    /// reference.
    var namesByKind: [String: [String]] = [:]
    /// The key of `namesByKind` for the names of scores and stages together, which
    /// conditions read.
    static let scoreOrStage = "score or stage"
    /// Whether some reference did not resolve (unknown name or wrong kind). The unused-name
    /// warnings are then left out: the declaration "never used" is most often the one the
    /// broken reference meant.
    var hasUnresolvedReference = false
    /// Names referenced somewhere (for the unused warnings).
    var usedNames: Set<String> = []
    /// Event type names mentioned anywhere in the file (for the stage-name warning).
    var eventTypesUsed: Set<String> = []
    /// How many more did-you-mean suggestions may be computed (see `didYouMean`).
    var suggestionsLeft = Limits.maximumSuggestions

    /// Names that cannot be declared (SPEC.md section 2).
    static let forbiddenNames: Set<String> = ["lead", "event", "lower", "upper", "len"]

    init(source: SourceFile) { self.source = source }

    /// Checks `file` (whose text is `source`) and builds the resolved model.
    public static func check(_ file: SLAFile, source: SourceFile) -> CheckResult {
        var checker = Checker(source: source)
        guard let sla = file.sla else {
            checker.report(Catalog.missingSLABlock(), at: SourceRange.at(0))
            return CheckResult(sla: nil, diagnostics: checker.diagnostics)
        }
        let model = checker.checkSLA(sla)
        return CheckResult(sla: checker.diagnostics.hasErrors ? nil : model, diagnostics: checker.diagnostics)
    }

    mutating func report(_ message: Message, at range: SourceRange, help: String? = nil) {
        diagnostics.append(Diagnostic(message, at: range, help: help, in: source))
    }

    /// A `help:` line suggesting the closest of `candidates`, or nil. Call it only when
    /// `maySuggest()` allows.
    func didYouMean(_ name: String, among candidates: some Sequence<String>) -> String? {
        closestName(to: name, among: candidates).map { "did you mean `\($0)`?" }
    }

    /// Whether a did-you-mean may still be computed: only the first
    /// `Limits.maximumSuggestions` are, since each one compares a name with up to every
    /// declared name, and a file full of unknown names would otherwise take quadratic time.
    mutating func maySuggest() -> Bool {
        guard suggestionsLeft > 0 else { return false }
        suggestionsLeft -= 1
        return true
    }

    // MARK: - The sla block

    mutating func checkSLA(_ sla: SLABlock) -> CheckedSLA {
        declareNames(sla.declarations)

        var zone = ZoneRules.utc
        var review = PeriodKind.month
        var sawTimezone = false, sawReview = false
        for declaration in sla.declarations {
            switch declaration {
            case .timezone(let timezone):
                if sawTimezone { report(Catalog.duplicateDeclaration("timezone"), at: timezone.range) }
                sawTimezone = true
                if let rules = resolveZone(timezone.name) { zone = rules }
            case .review(let declaration):
                if sawReview { report(Catalog.duplicateDeclaration("review"), at: declaration.range) }
                sawReview = true
                review = declaration.period
            default:
                break
            }
        }

        var calendars: [CalendarModel] = []
        var teams: [String] = []
        var scores: [ScoreModel] = []
        var stages: [StageModel] = []
        var deadlines: [DeadlineModel] = []
        var goals: [GoalModel] = []
        for declaration in sla.declarations {
            switch declaration {
            case .timezone, .review: break
            case .calendar(let calendar): calendars.append(checkCalendar(calendar, defaultZone: zone))
            case .team(let team): teams.append(team.name.name)
            case .score(let score): scores.append(checkScore(score))
            case .stage(let stage): stages.append(checkStage(stage, index: stages.count))
            case .deadline(let deadline):
                if let model = checkDeadline(deadline) { deadlines.append(model) }
            case .goal(let goal):
                if let model = checkGoal(goal, review: review) { goals.append(model) }
            }
        }
        warnAboutMeaning(sla.declarations)
        return CheckedSLA(name: sla.name.value, zone: zone, review: review, calendars: calendars, teams: teams,
                          scores: scores, stages: stages, deadlines: deadlines, goals: goals, symbols: symbols)
    }

    /// Enters every declared name into `symbols`, reporting duplicates and forbidden names.
    /// Indices count declarations of each kind in order.
    mutating func declareNames(_ declarations: [Declaration]) {
        var counts: [String: Int] = [:]
        for declaration in declarations {
            guard let name = declaration.name else { continue }
            let symbol: Symbol
            func next(_ kind: String) -> Int {
                defer { counts[kind, default: 0] += 1 }
                return counts[kind, default: 0]
            }
            switch declaration {
            case .calendar: symbol = .calendar(next("calendar"))
            case .team: symbol = .team(next("team"))
            case .score: symbol = .score(next("score"))
            case .stage: symbol = .stage(next("stage"))
            case .deadline: symbol = .deadline(next("deadline"))
            case .goal: symbol = .goal(next("goal"))
            case .timezone, .review: continue
            }
            if Checker.forbiddenNames.contains(name.name) {
                report(Catalog.forbiddenName(name.name), at: name.range)
            }
            namesByKind[symbol.kindName, default: []].append(name.name)
            if symbol.kindName == "score" || symbol.kindName == "stage" {
                namesByKind[Checker.scoreOrStage, default: []].append(name.name)
            }
            if let first = symbols[name.name] {
                report(Catalog.duplicateName(name.name), at: name.range)
                duplicatedSymbols[name.name, default: [first]].append(symbol)
            } else {
                symbols[name.name] = symbol
            }
        }
    }

    /// Resolves an IANA zone name, reporting unknown ones with a did-you-mean.
    mutating func resolveZone(_ name: StringLiteral) -> ZoneRules? {
        if let rules = ZoneRules.named(name.value) { return rules }
        let help = maySuggest() ? didYouMean(name.value, among: ZoneNames.iana.sorted()) : nil
        report(Catalog.unknownTimeZone(name.value), at: name.range, help: help)
        return nil
    }

    /// Resolves a reference to a declared name of kind `expected`, reporting unknown names
    /// (with a did-you-mean among names of that kind) and names of another kind.
    mutating func resolve(_ name: Identifier, expecting expected: String, help wrongKindHelp: String? = nil) -> Symbol? {
        usedNames.insert(name.name)
        guard let symbol = lookUp(name.name, preferring: [expected]) else {
            report(Catalog.unknownName(name.name, kind: expected), at: name.range,
                   help: maySuggest() ? didYouMean(name.name, among: namesByKind[expected] ?? []) : nil)
            hasUnresolvedReference = true
            return nil
        }
        guard symbol.kindName == expected else {
            report(Catalog.wrongKind(name.name, is: symbol.kindName, expected: expected), at: name.range, help: wrongKindHelp)
            hasUnresolvedReference = true
            return nil
        }
        return symbol
    }

    /// The declaration `name` refers to: for a name declared more than once (already
    /// reported), the first one whose kind is among `kinds`.
    func lookUp(_ name: String, preferring kinds: Set<String>) -> Symbol? {
        if let all = duplicatedSymbols[name], let match = all.first(where: { kinds.contains($0.kindName) }) {
            return match
        }
        return symbols[name]
    }

    mutating func resolveTeam(_ name: Identifier) -> String {
        _ = resolve(name, expecting: "team")
        return name.name
    }

    mutating func noteEventTypes(_ types: [EventTypeName]) {
        for type in types { eventTypesUsed.insert(type.value) }
    }

    // MARK: - Scores and stages

    mutating func checkScore(_ score: ScoreDeclaration) -> ScoreModel {
        var model = ScoreModel(name: score.name.name, eventRules: [], stateRules: [], limit: nil)
        let scope = ExpressionScope(owner: "score rule", allowsDerived: false, stageBound: nil)
        for item in score.items {
            switch item {
            case .limit(let value, let range):
                if model.limit != nil { report(Catalog.duplicateClause("limit", in: "score", score.name.name), at: range) }
                model.limit = value.value
            case .rule(let rule):
                switch rule.trigger {
                case .event(let types, let condition, let maximum):
                    noteEventTypes(types)
                    if let condition { checkCondition(condition, scope: scope) }
                    model.eventRules.append(ScoreEventRule(points: rule.points.value, types: types.map(\.value),
                                                           condition: condition, maximum: maximum?.value, range: rule.range))
                case .state(let condition):
                    let readsEvent = checkCondition(condition, scope: scope)
                    if readsEvent { report(Catalog.stateRuleReadsEvent("state rule"), at: condition.range) }
                    model.stateRules.append(ScoreStateRule(points: rule.points.value, condition: condition))
                }
            }
        }
        return model
    }

    mutating func checkStage(_ stage: StageDeclaration, index: Int) -> StageModel {
        let scope = ExpressionScope(owner: "stage `\(stage.name.name)`", allowsDerived: true, stageBound: index)
        switch stage.trigger {
        case .condition(let condition):
            checkCondition(condition, scope: scope)
            return StageModel(name: stage.name.name, trigger: .condition(condition))
        case .event(let types, let condition):
            noteEventTypes(types)
            if let condition { checkCondition(condition, scope: scope) }
            return StageModel(name: stage.name.name, trigger: .event(types: types.map(\.value), condition: condition))
        }
    }

    // MARK: - Warnings about meaning

    /// Whether to warn that `name` is never used (not after an unresolved reference).
    func isUnused(_ name: Identifier) -> Bool {
        !hasUnresolvedReference && !usedNames.contains(name.name)
    }

    mutating func warnAboutMeaning(_ declarations: [Declaration]) {
        for declaration in declarations {
            switch declaration {
            case .stage(let stage) where eventTypesUsed.contains(stage.name.name):
                report(Catalog.stageNamedLikeEventType(stage.name.name), at: stage.name.range)
            case .calendar(let calendar) where isUnused(calendar.name):
                report(Catalog.unused("calendar", calendar.name.name), at: calendar.name.range)
            case .score(let score) where isUnused(score.name):
                report(Catalog.unused("score", score.name.name), at: score.name.range)
            case .team(let team) where isUnused(team.name):
                report(Catalog.unused("team", team.name.name), at: team.name.range)
            default:
                break
            }
        }
    }
}
