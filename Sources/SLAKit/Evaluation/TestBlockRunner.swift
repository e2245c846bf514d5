import Foundation

/// One unmet expectation of a test block.
public struct ExpectationFailure: Sendable {
    /// Where the expectation is written.
    public var range: SourceRange
    /// What the expectation says, e.g. `L1 deadline first_touch status`.
    public var subject: String
    public var expected: String
    public var actual: String
}

/// The outcome of one `test` block.
public struct TestOutcome: Sendable {
    public var name: String
    public var range: SourceRange
    public var failures: [ExpectationFailure]
    /// Wall time, seconds.
    public var duration: Double
    /// The evaluation the expectations were checked against (for `-v`).
    public var result: EvaluationResult?
    /// Timelines of the leads the test mentions, for `-v` on failure.
    public var traces: [String: [TraceEntry]]
    public var passed: Bool { failures.isEmpty }
}

/// Runs `test` blocks (syntax in grammar.md): builds the inline events, evaluates the SLA
/// over them at the test's as-of time, and compares every expectation.
public struct TestBlockRunner {
    public let program: Program
    /// The file holding the tests (for messages and relative `events from` paths).
    public let testFile: SourceFile

    /// Declared names by kind name (`"stage"`, `"goal"`, …): the candidates of did-you-mean
    /// suggestions, gathered once rather than at every unknown name.
    private let namesByKind: [String: [String]]

    public init(program: Program, testFile: SourceFile) {
        self.program = program
        self.testFile = testFile
        var names: [String: [String]] = [:]
        for (name, symbol) in program.sla.symbols { names[symbol.kindName, default: []].append(name) }
        namesByKind = names
    }

    /// Checks the names a test block refers to; errors make the file invalid (exit 2). The
    /// first `Limits.maximumSuggestions` unknown names get a did-you-mean.
    public func check(_ test: TestBlock) -> [Diagnostic] {
        var diagnostics = DiagnosticList()
        var suggestionsLeft = Limits.maximumSuggestions
        check(test, into: &diagnostics, suggestionsLeft: &suggestionsLeft)
        return diagnostics.items
    }

    /// Checks a file's tests: the names of all of `tests` (`checkNames`) and what each of
    /// `selected` refers to (`check(_:)`). Errors make the file invalid (exit 2). The first
    /// `Limits.maximumDiagnosticsShown` diagnostics are kept, all are counted, and only the
    /// first `Limits.maximumSuggestions` unknown names get a did-you-mean.
    public func check(_ tests: [TestBlock], selected: [TestBlock]) -> DiagnosticList {
        var diagnostics = DiagnosticList(limit: Limits.maximumDiagnosticsShown)
        for diagnostic in checkNames(tests) { diagnostics.append(diagnostic) }
        var suggestionsLeft = Limits.maximumSuggestions
        for test in selected { check(test, into: &diagnostics, suggestionsLeft: &suggestionsLeft) }
        return diagnostics
    }

    /// `check(_:)` into `diagnostics`; each did-you-mean computed takes one of
    /// `suggestionsLeft`, since each compares a name with every declared name of its kind.
    private func check(_ test: TestBlock, into diagnostics: inout DiagnosticList, suggestionsLeft: inout Int) {
        let symbols = program.sla.symbols
        func require(_ name: Identifier, _ kind: String) {
            guard let symbol = symbols[name.name], symbol.kindName == kind else {
                var help: String?
                if suggestionsLeft > 0 {
                    suggestionsLeft -= 1
                    help = closestName(to: name.name, among: namesByKind[kind] ?? []).map(Catalog.didYouMean)
                }
                diagnostics.append(Diagnostic(Catalog.unknownName(name.name, kind: kind), at: name.range, help: help, in: testFile))
                return
            }
        }
        var sawAsOf = false
        var expectations = 0
        for item in test.items {
            switch item {
            case .asOf(let time, let range):
                if instant(time) == nil { diagnostics.append(invalidTimestamp(time)) }
                if sawAsOf { diagnostics.append(Diagnostic(Catalog.repeatedAsOf(), at: range, help: "keep one", in: testFile)) }
                sawAsOf = true
            case .events(let rows, _):
                for row in rows {
                    if instant(row.time) == nil { diagnostics.append(invalidTimestamp(row.time)) }
                    // As `sla eval` would reject the record: a test must not pass on it.
                    if row.lead.value.isEmpty {
                        diagnostics.append(Diagnostic(Catalog.emptyTestEventField("lead"), at: row.lead.range, in: testFile))
                    }
                    if row.type.value.isEmpty {
                        diagnostics.append(Diagnostic(Catalog.emptyTestEventField("type"), at: row.type.range, in: testFile))
                    }
                }
            case .eventsFile(let path, _):
                if InputFormat(extensionOf: path.value) == nil {
                    diagnostics.append(Diagnostic(Catalog.unknownEventsFormat(path.value), at: path.range,
                                                  help: Catalog.eventsFormatHelp, in: testFile))
                } else if let reason = TestBlockRunner.unreadable(TestBlockRunner.path(path.value, besides: testFile.path)) {
                    diagnostics.append(Diagnostic(Catalog.unreadableEventsFile(path.value, reason), at: path.range, in: testFile))
                } else {
                    // A file that is not an event file at all (a CSV header without the lead
                    // column) is an error of the test file, as for `sla eval` (exit 2); a
                    // rejected record only fails the test.
                    do {
                        try readEvents(path, accept: { _ in }, reject: { _ in })
                    } catch {
                        let reason = (error as? InputError)?.message ?? "\(error)"
                        diagnostics.append(Diagnostic(Catalog.unreadableEventsFile(path.value, reason), at: path.range, in: testFile))
                    }
                }
            case .expectation(let expectation):
                expectations += 1
                switch expectation.subject {
                case .stage(_, let stage, let at):
                    require(stage, "stage")
                    if let at, instant(at) == nil { diagnostics.append(invalidTimestamp(at)) }
                case .score(_, let score, _): require(score, "score")
                // (Unknown status words are the parser's to report, with a suggestion.)
                case .deadline(_, let deadline, let cycle, _, _, let due, _):
                    require(deadline, "deadline")
                    if let cycle, !(cycle.value >= 1 && cycle.value <= Double(Int32.max) && cycle.value == cycle.value.rounded()) {
                        diagnostics.append(Diagnostic(Catalog.invalidCycleNumber(TextFormatting.number(cycle.value)), at: cycle.range, in: testFile))
                    }
                    if case .at(let time)? = due, instant(time) == nil { diagnostics.append(invalidTimestamp(time)) }
                case .noCycle(_, let deadline): require(deadline, "deadline")
                case .goal(let goal, _, _, let value, _):
                    require(goal, "goal")
                    if case .value(let target, let range)? = value,
                       let model = program.sla.goals.first(where: { $0.name == goal.name }) {
                        // A percent names a rate, a duration a statistic of elapsed times; a
                        // plain number fits every goal (a fraction, seconds, a count, a sum).
                        let measure: String?
                        switch (target, model.measure) {
                        case (.percent, .rateStages), (.percent, .rateMet), (.duration, .statistic), (.number, _): measure = nil
                        case (_, .rateStages), (_, .rateMet): measure = "a rate (write a percent or a fraction)"
                        case (_, .statistic): measure = "a duration (write one, `2h 30m`, or seconds)"
                        default: measure = "a count or a sum (write a number)"
                        }
                        if let measure {
                            diagnostics.append(Diagnostic(Catalog.goalValueKind("`\(testFile.text(range))`", goal: goal.name, measure: measure),
                                                          at: range, in: testFile))
                        }
                    }
                }
            }
        }
        if expectations == 0 {
            diagnostics.append(Diagnostic(Catalog.testWithoutExpectations(test.name.value), at: test.name.range, in: testFile))
        }
    }

    /// Problems with the names of a file's tests: an empty name, or one used twice (the
    /// reports could not tell them apart, nor `--run` pick one).
    public func checkNames(_ tests: [TestBlock]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seen = Set<String>()
        for test in tests {
            if test.name.value.isEmpty {
                diagnostics.append(Diagnostic(Catalog.emptyTestName(), at: test.name.range, in: testFile))
            } else if !seen.insert(test.name.value).inserted {
                diagnostics.append(Diagnostic(Catalog.duplicateTestName(test.name.value), at: test.name.range, in: testFile))
            }
        }
        return diagnostics
    }

    /// The path of a file a test file names (`use`, `events from`): an absolute path as
    /// written, a relative one from the test file's directory, kept relative when the test
    /// file's path is (diagnostics name it as `sla check` would: `--format github`
    /// annotations need paths relative to the repository).
    public static func path(_ path: String, besides testFile: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = testFile.lastIndex(of: "/") else { return path }
        return String(testFile[...slash]) + path
    }

    /// Reads the events of an `events from` file (by its extension; `check` reported a file
    /// of no known format as an error, so such a test never runs).
    private func readEvents(_ path: StringLiteral, accept: (EventRecord) throws -> Void,
                            reject: (RejectedRecord) throws -> Void) throws {
        let format = InputFormat(extensionOf: path.value) ?? .jsonl
        var schema = EventSchema(attributes: program.attributeNames)
        schema.leadField = "lead"
        let reader = EventReader(schema: schema, zone: program.sla.zone)
        try reader.read(.file(path: TestBlockRunner.path(path.value, besides: testFile.path)), format: format,
                        accept: accept, reject: reject)
    }

    /// Why the file at `path` cannot be read as events, nil when it can.
    static func unreadable(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "no such file" }
        if isDirectory.boolValue { return "it is a directory" }
        return FileManager.default.isReadableFile(atPath: path) ? nil : "permission denied"
    }

    private func invalidTimestamp(_ time: TimestampLiteral) -> Diagnostic {
        Diagnostic(Catalog.invalidTimestamp(testFile.text(time.range)), at: time.range, in: testFile)
    }

    /// The instant of a timestamp written in a test, in the SLA's time zone.
    public func instant(_ time: TimestampLiteral) -> Int64? {
        switch time {
        case .text(let literal):
            return Timestamp.parse(literal.value, zone: program.sla.zone)
        case .local(let date, let clock, _):
            guard CivilTime.isValidDate(year: date.year, month: date.month, day: date.day) else { return nil }
            var seconds = 0
            if let clock {
                guard (0...23).contains(clock.hour), (0...59).contains(clock.minute), (0...59).contains(clock.second) else { return nil }
                seconds = clock.secondsOfDay
            }
            let local = CivilTime.days(year: date.year, month: date.month, day: date.day) * CivilTime.millisecondsPerDay + Int64(seconds) * 1000
            return program.sla.zone.instant(fromLocal: local)
        }
    }

    /// How many rejected records of an `events from` file are failures of their own; one
    /// more failure counts the rest.
    static let rejectionsShown = 10

    /// Runs one (checked) test block. With `traces` (`sla test -v`), a failed test also gets
    /// each lead's timeline: one more evaluation per lead, so only when asked for.
    public func run(_ test: TestBlock, traces tracing: Bool = false) -> TestOutcome {
        let started = Date()
        var store = EventStore()
        var asOf: Int64?
        var failures: [ExpectationFailure] = []
        let slots = Dictionary(program.attributeNames.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })

        for item in test.items {
            switch item {
            case .asOf(let time, _):
                asOf = instant(time)
            case .events(let rows, _):
                for row in rows {
                    var attributes = Array(repeating: Value.null, count: program.attributeNames.count)
                    for attribute in row.attributes {
                        guard let slot = slots[attribute.name.name] else { continue }
                        attributes[slot] = TestBlockRunner.value(attribute.value)
                    }
                    store.add(lead: row.lead.value, time: instant(row.time) ?? 0, type: row.type.value, attributes: attributes)
                }
            case .eventsFile(let path, let range):
                // The first rejected records are failures of their own; the rest are
                // counted in one (a fixture of millions of bad lines must not make millions).
                var rejected = 0
                defer {
                    if rejected > TestBlockRunner.rejectionsShown {
                        failures.append(ExpectationFailure(range: range, subject: "events from \(path.value)",
                                                           expected: "every record accepted",
                                                           actual: "\(rejected - TestBlockRunner.rejectionsShown) more records rejected"))
                    }
                }
                do {
                    try readEvents(path, accept: { record in
                        store.add(lead: record.lead, time: record.time, type: record.type, attributes: record.attributes)
                    }, reject: { rejection in
                        rejected += 1
                        guard rejected <= TestBlockRunner.rejectionsShown else { return }
                        failures.append(ExpectationFailure(range: range, subject: "events from \(path.value)",
                                                           expected: "every record accepted",
                                                           actual: "line \(rejection.line) rejected: \(rejection.reason)"))
                    })
                } catch let error as InputError {
                    failures.append(ExpectationFailure(range: range, subject: "events from \(path.value)",
                                                       expected: "a readable event file", actual: error.message))
                } catch {
                    failures.append(ExpectationFailure(range: range, subject: "events from \(path.value)",
                                                       expected: "a readable event file", actual: "\(error)"))
                }
            case .expectation:
                break
            }
        }

        let evaluator = Evaluator(program: program)
        let result = evaluator.run(store, asOf: asOf)
        if let count = result.goalRowsBeyondLimit {
            failures.append(ExpectationFailure(range: test.name.range, subject: "goals",
                                               expected: "at most \(DigitGrouping.grouped(Evaluator.maximumGoalRows)) goal rows",
                                               actual: count.message(sla: result.sla, firstEvent: result.firstEvent ?? 0, asOf: result.asOf ?? 0).summary))
        }
        /// Built at the first goal expectation, once for all of the test's.
        var goals: GoalVerdictIndex?
        for item in test.items {
            guard case .expectation(let expectation) = item else { continue }
            if case .goal = expectation.subject, goals == nil { goals = GoalVerdictIndex(result.goals) }
            failures += compare(expectation, result, goals: goals)
        }
        var traces: [String: [TraceEntry]] = [:]
        if tracing, !failures.isEmpty {
            // Re-run with a trace of each lead, for `sla test -v`.
            for lead in store.leadIds {
                var entries: [TraceEntry] = []
                _ = evaluator.run(store, asOf: asOf, traceLead: lead, trace: { entries.append($0) })
                traces[lead] = entries
            }
        }
        return TestOutcome(name: test.name.value, range: test.range, failures: failures,
                           duration: Date().timeIntervalSince(started), result: result, traces: traces)
    }

    static func value(_ literal: LiteralValue) -> Value {
        switch literal {
        case .string(let text): .string(text)
        case .number(let number): .number(number)
        case .bool(let flag): .bool(flag)
        case .null: .null
        }
    }

    private func local(_ instant: Int64?) -> String {
        guard let instant else { return "none" }
        // With its UTC offset in the hour a clock is set back, where two instants read alike.
        return TextFormatting.localTime(instant, zone: program.sla.zone)
    }

    /// Compares one expectation with the evaluation, returning its failures. `goals` indexes
    /// `result.goals` (built here for a goal expectation when not given).
    func compare(_ expectation: Expectation, _ result: EvaluationResult, goals: GoalVerdictIndex? = nil) -> [ExpectationFailure] {
        let sla = program.sla
        var failures: [ExpectationFailure] = []
        func fail(_ subject: String, _ expected: String, _ actual: String) {
            failures.append(ExpectationFailure(range: expectation.range, subject: subject, expected: expected, actual: actual))
        }
        func lead(_ id: StringLiteral) -> LeadVerdict? {
            let index = TestBlockRunner.firstRow(of: id.value, in: result.leads, lead: \.lead)
            return index < result.leads.count && result.leads[index].lead.utf8.elementsEqual(id.value.utf8) ? result.leads[index] : nil
        }
        /// The lead's cycles, by deadline and number (cycles are in lead order).
        func cycles(_ id: StringLiteral) -> ArraySlice<CycleVerdict> {
            let first = TestBlockRunner.firstRow(of: id.value, in: result.cycles, lead: \.lead)
            var end = first
            while end < result.cycles.count, result.cycles[end].lead.utf8.elementsEqual(id.value.utf8) { end += 1 }
            return result.cycles[first..<end]
        }
        /// The actual side of an expectation about a lead without verdicts.
        func noEvents(_ id: StringLiteral) -> String {
            "no events for lead `\(id.value)` at or before the as-of time"
        }
        switch expectation.subject {
        case .stage(let id, let stage, let at):
            let subject = "\(id.value) stage \(stage.name)"
            guard let verdict = lead(id) else { fail(subject, at.map { local(instant($0)) } ?? "never", noEvents(id)); break }
            guard case .stage(let index)? = sla.symbols[stage.name] else { return [] }
            let actual = verdict.stage(index)
            let expected = at.flatMap(instant)
            if actual != expected {
                fail(subject, expected.map { "entered at \(local($0))" } ?? "never entered",
                     actual.map { "entered at \(local($0))" } ?? "never entered")
            }
        case .score(let id, let score, let value):
            let subject = "\(id.value) score \(score.name)"
            guard let verdict = lead(id) else { fail(subject, TextFormatting.number(value.value), noEvents(id)); break }
            guard case .score(let index)? = sla.symbols[score.name] else { return [] }
            if verdict.score(index) != value.value {
                fail(subject, TextFormatting.number(value.value), TextFormatting.number(verdict.score(index)))
            }
        case .deadline(let id, let deadline, let cycleNumber, let status, let elapsed, let due, let paused):
            let number = Int(cycleNumber?.value ?? 1)
            let subject = "\(id.value) deadline \(deadline.name) cycle \(number)"
            guard case .deadline(let index)? = sla.symbols[deadline.name] else { return [] }
            guard let cycle = cycles(id).first(where: { $0.deadline == index && $0.number == number }) else {
                fail(subject, status.name, "no such cycle")
                break
            }
            if cycle.status.rawValue != status.name { fail(subject + " status", status.name, cycle.status.rawValue) }
            if let elapsed, cycle.elapsed != elapsed.milliseconds {
                fail(subject + " elapsed", TextFormatting.exactDuration(elapsed.milliseconds), TextFormatting.exactDuration(cycle.elapsed))
            }
            switch due {
            case .at(let time)?:
                let expected = instant(time)
                if cycle.due != expected { fail(subject + " due", local(expected), local(cycle.due)) }
            case .none(_)?:
                if cycle.due != nil { fail(subject + " due", "none", local(cycle.due)) }
            case nil:
                break
            }
            if paused != nil, !cycle.paused { fail(subject + " paused", "paused", "not paused") }
        case .noCycle(let id, let deadline):
            guard case .deadline(let index)? = sla.symbols[deadline.name] else { return [] }
            // As for every expectation about a lead: a misspelt id must not pass.
            guard lead(id) != nil else { fail("\(id.value) deadline \(deadline.name)", "no cycle", noEvents(id)); break }
            let count = cycles(id).filter { $0.deadline == index }.count
            if count > 0 { fail("\(id.value) deadline \(deadline.name)", "no cycle", "\(count) cycle\(count == 1 ? "" : "s")") }
        case .goal(let goal, let period, let group, let value, let status):
            guard case .goal(let index)? = sla.symbols[goal.name] else { return [] }
            let groupValue = group.map { TestBlockRunner.value($0.value) } ?? .null
            var subject = "goal \(goal.name) \(period.value)"
            if let group { subject += " group \(TextFormatting.groupLiteral(TestBlockRunner.value(group.value)))" }
            let goals = goals ?? GoalVerdictIndex(result.goals)
            guard let verdict = goals.verdict(goal: index, period: period.value, group: groupValue) else {
                let inPeriod = goals.verdicts(goal: index, period: period.value)
                if inPeriod.isEmpty {
                    let periods = goals.periods(goal: index).sorted()
                    fail(subject, "a reported period", periods.isEmpty ? "no periods reported" : "periods reported: " + periods.joined(separator: ", "))
                } else {
                    // The period is there: name the groups it has (in report order).
                    fail(subject, "a reported group", "groups reported in \(period.value): " + inPeriod.map { TextFormatting.groupLiteral($0.group) }.joined(separator: ", "))
                }
                break
            }
            let measure = sla.goals[index].measure
            let inDays = TextFormatting.showsDays(measure, sla: sla)
            switch value {
            case .value(let target, _)?:
                let expected: Double
                // A rate matches to a hundredth of a point (`33.33%` or `0.3333` for 1/3);
                // other numbers and durations exactly.
                var tolerance = 0.0
                switch target {
                case .number(let number):
                    expected = number
                    switch measure {
                    case .rateStages, .rateMet: tolerance = 0.000_05
                    default: break
                    }
                case .percent(let number): expected = number; tolerance = 0.000_05
                case .duration(let milliseconds): expected = Double(milliseconds) / 1000
                }
                if verdict.value == nil || abs(verdict.value! - expected) > tolerance {
                    fail(subject + " value", TextFormatting.exactGoalValue(expected, measure: measure, inDays: inDays),
                         TextFormatting.exactGoalValue(verdict.value, measure: measure, inDays: inDays))
                }
            case .null?:
                // A value past the largest double is reported null (SPEC.md 7.1), as tests see it.
                if let value = verdict.value, value.isFinite {
                    fail(subject + " value", "null", TextFormatting.exactGoalValue(value, measure: measure, inDays: inDays))
                }
            case nil:
                break
            }
            if let status, verdict.status.rawValue != status.name { fail(subject + " status", status.name, verdict.status.rawValue) }
        }
        return failures
    }
}

extension TestBlockRunner {
    /// The index of the first of `rows` whose lead id is not before `id` in byte order
    /// (`rows.count` when there is none): a binary search, as an evaluation's leads and
    /// cycles are in byte order of their lead ids. A test of thousands of expectations
    /// about leads scanned every row for each.
    static func firstRow<Row>(of id: String, in rows: [Row], lead: (Row) -> String) -> Int {
        var low = 0, high = rows.count
        while low < high {
            let middle = (low + high) / 2
            if lead(rows[middle]).utf8.lexicographicallyPrecedes(id.utf8) { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// The goal verdicts of one evaluation, indexed by goal, period label and group: a goal
/// expectation is then a lookup, where a scan of every goal row made a test of thousands
/// of goal expectations over thousands of rows quadratic. Built once per test, in one pass
/// over the rows; it finds what the scan found: the first row, in report order, of the
/// goal whose period label is equal (`==`) and whose group `Operations.equals` the one asked.
struct GoalVerdictIndex {
    private struct PeriodKey: Hashable {
        var goal: Int
        var period: String
    }

    private struct RowKey: Hashable {
        var period: PeriodKey
        var group: GroupKey
    }

    private let rows: [GoalVerdict]
    /// The first row (an index into `rows`) of each goal, period and group.
    private var first: [RowKey: Int] = [:]
    /// The rows of each goal and period, in report order.
    private var rowsByPeriod: [PeriodKey: [Int]] = [:]
    /// The labels of each goal's periods, each once, in report order.
    private var periodsByGoal: [Int: [String]] = [:]

    init(_ rows: [GoalVerdict]) {
        self.rows = rows
        for (offset, row) in rows.enumerated() {
            let period = PeriodKey(goal: row.goal, period: row.period.label)
            if rowsByPeriod[period] == nil { periodsByGoal[row.goal, default: []].append(row.period.label) }
            rowsByPeriod[period, default: []].append(offset)
            // Groups compare as the aggregator groups them (`Operations.equals`: `-0` is `0`,
            // NaN is nothing, strings by their bytes). The evaluator's rows hold no other
            // kind of group; `verdict` scans for one that does.
            guard let group = GroupKey(exactly: row.group) else { continue }
            let key = RowKey(period: period, group: group)
            if first[key] == nil { first[key] = offset }
        }
    }

    /// The goal's row for the period labelled `period` and the group `group` (`.null`
    /// without `by`); nil when the report has none.
    func verdict(goal: Int, period: String, group: Value) -> GoalVerdict? {
        guard let key = GroupKey(exactly: group) else {
            return verdicts(goal: goal, period: period).first { Operations.equals($0.group, group) }
        }
        return first[RowKey(period: PeriodKey(goal: goal, period: period), group: key)].map { rows[$0] }
    }

    /// The goal's rows for the period labelled `period`, in report order.
    func verdicts(goal: Int, period: String) -> [GoalVerdict] {
        (rowsByPeriod[PeriodKey(goal: goal, period: period)] ?? []).map { rows[$0] }
    }

    /// The labels of the goal's periods, each once, in report order.
    func periods(goal: Int) -> [String] {
        periodsByGoal[goal] ?? []
    }
}
