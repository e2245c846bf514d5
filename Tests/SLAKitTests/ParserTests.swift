import Foundation
import Testing
@testable import SLAKit

/// The folder holding the test fixtures (`Tests/Fixtures`), found from this file's path.
private let fixturesDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

private func parse(_ text: String, path: String = "test.sla") -> ParseResult {
    Parser.parse(SourceFile(path: path, text: text))
}

/// `line:col severity: message` of each diagnostic, as the fixtures write them.
private func rendered(_ result: ParseResult) -> [String] {
    result.diagnostics.items.map { diagnostic in
        let location = diagnostic.location
        return "\(location.line):\(location.column) \(diagnostic.severity.rawValue): \(diagnostic.message)"
    }
}

/// Wraps declarations in an `sla` block.
private func sla(_ body: String) -> String { "sla \"x\" {\n\(body)\n}\n" }

private func declarations(_ result: ParseResult) -> [Declaration] { result.file.sla?.declarations ?? [] }

@Suite struct ParserTests {
    // MARK: - The SPEC example

    private func specExample() throws -> ParseResult {
        let url = fixturesDirectory.appendingPathComponent("parser/spec-example.sla")
        let data = try Data(contentsOf: url)
        return Parser.parse(SourceFile(path: "spec-example.sla", bytes: Array(data)))
    }

    @Test func specExampleParsesCleanly() throws {
        let result = try specExample()
        #expect(rendered(result) == [])
        let block = try #require(result.file.sla)
        #expect(block.name.value == "Acme Nordic Smarketing")
        #expect(block.declarations.count == 17)
        #expect(result.file.comments.count == 2)
        #expect(result.file.comments[0].ownLine)
        #expect(!result.file.comments[1].ownLine)
    }

    @Test func specExampleTopDeclarations() throws {
        let decls = try declarations(specExample())
        guard case .timezone(let zone) = decls[0] else { Issue.record("timezone"); return }
        #expect(zone.name.value == "Europe/Stockholm")
        guard case .review(let review) = decls[1] else { Issue.record("review"); return }
        #expect(review.period == .month)
        guard case .calendar(let calendar) = decls[2] else { Issue.record("calendar"); return }
        #expect(calendar.name.name == "office")
        #expect(calendar.timezone == nil)
        #expect(calendar.lines.count == 2)
        guard case .hours(let hours) = calendar.lines[0], case .holidays(let holidays) = calendar.lines[1] else {
            Issue.record("calendar lines"); return
        }
        #expect(hours.days.count == 1)
        #expect(hours.days[0].first == .mon && hours.days[0].last == .fri)
        #expect(hours.ranges.map { [$0.start.secondsOfDay, $0.end.secondsOfDay] } == [[28_800, 43_200], [46_800, 61_200]])
        #expect(holidays.dates.map { [$0.year, $0.month, $0.day] } == [[2026, 12, 24], [2026, 12, 25], [2026, 12, 26], [2026, 12, 31]])
        guard case .team(let marketing) = decls[3], case .team(let sales) = decls[4] else { Issue.record("teams"); return }
        #expect(marketing.name.name == "marketing" && sales.name.name == "sales")
    }

    @Test func specExampleScores() throws {
        let decls = try declarations(specExample())
        guard case .score(let fit) = decls[5], case .score(let engagement) = decls[6] else { Issue.record("scores"); return }
        #expect(fit.name.name == "fit")
        #expect(fit.items.count == 3)
        guard case .rule(let first) = fit.items[0], case .state(let condition) = first.trigger else { Issue.record("fit rule"); return }
        #expect(first.points.value == 20)
        guard case .binary(.in, let left, let right) = condition.kind,
              case .leadAttribute(let attribute) = left.kind, case .list(let titles) = right.kind else {
            Issue.record("fit condition"); return
        }
        #expect(attribute.name == "title")
        #expect(titles.count == 3)
        guard case .rule(let third) = fit.items[2], case .state(let gmail) = third.trigger,
              case .binary(.endsWith, _, let suffix) = gmail.kind, case .string("@gmail.com") = suffix.kind else {
            Issue.record("fit third rule"); return
        }
        #expect(third.points.value == -30)

        #expect(engagement.items.count == 5)
        guard case .rule(let pricing) = engagement.items[0],
              case .event(let types, let whereCondition, let noMax) = pricing.trigger else { Issue.record("engagement"); return }
        #expect(types.map(\.value) == ["page_view"])
        #expect(noMax == nil)
        guard case .binary(.startsWith, let page, _)? = whereCondition?.kind, case .eventAttribute(let pageName) = page.kind else {
            Issue.record("where"); return
        }
        #expect(pageName.name == "page")
        guard case .rule(let opens) = engagement.items[1], case .event(_, nil, let cap?) = opens.trigger else {
            Issue.record("max"); return
        }
        #expect(cap.value == 20 && opens.points.value == 2)
        guard case .rule(let unsubscribe) = engagement.items[3] else { Issue.record("unsubscribe"); return }
        #expect(unsubscribe.points.value == -50)
        guard case .limit(let limit, _) = engagement.items[4] else { Issue.record("limit"); return }
        #expect(limit.value == 100)
    }

    @Test func specExampleStages() throws {
        let decls = try declarations(specExample())
        guard case .stage(let mql) = decls[7], case .condition(let condition) = mql.trigger else { Issue.record("mql"); return }
        // `fit + engagement >= 60 and lead.country in [...]`: `and` at the top, `>=` under it,
        // `+` under that.
        guard case .binary(.and, let comparison, let membership) = condition.kind,
              case .binary(.greaterEqual, let sum, let sixty) = comparison.kind,
              case .binary(.add, let fit, _) = sum.kind, case .name(let fitName) = fit.kind,
              case .number(60) = sixty.kind, case .binary(.in, _, _) = membership.kind else {
            Issue.record("mql condition shape"); return
        }
        #expect(fitName.name == "fit")
        guard case .stage(let sql) = decls[8], case .event(let types, let condition?) = sql.trigger,
              case .name(let previous) = condition.kind else { Issue.record("sql"); return }
        #expect(types.map(\.value) == ["sales_accepted"])
        #expect(previous.name == "mql")
        guard case .stage(let customer) = decls[9] else { Issue.record("customer"); return }
        #expect(customer.name.name == "customer")
    }

    @Test func specExampleDeadlines() throws {
        let decls = try declarations(specExample())
        guard case .deadline(let touch) = decls[10] else { Issue.record("first_touch"); return }
        #expect(touch.name.name == "first_touch")
        #expect(touch.description?.value == "Sales contacts every MQL quickly")
        #expect(touch.clauses.count == 7)
        guard case .owner(let owner, _) = touch.clauses[0], case .startsAt(let stage, _) = touch.clauses[1],
              case .metOn(let types, nil, _) = touch.clauses[2], case .within(let fast) = touch.clauses[3],
              case .within(let slow) = touch.clauses[4], case .warnAt(let warn, _) = touch.clauses[5],
              case .pausedWhile(let pause, _) = touch.clauses[6] else { Issue.record("clauses"); return }
        #expect(owner.name == "sales" && stage.name == "mql")
        #expect(types.map(\.value) == ["call", "email_sent", "meeting_booked"])
        #expect(fast.budget == .duration(milliseconds: 3_600_000, hasDayUnit: false))
        #expect(fast.calendar?.name == "office")
        #expect(fast.condition != nil)
        #expect(slow.budget == .duration(milliseconds: 14_400_000, hasDayUnit: false))
        #expect(slow.condition == nil)
        #expect(warn.value == 0.75)
        guard case .binary(.equal, _, _) = pause.kind else { Issue.record("pause"); return }

        guard case .deadline(let recycle) = decls[11], case .startsOn(true, let starts, nil, _) = recycle.clauses[1],
              case .within(let within) = recycle.clauses[3] else { Issue.record("recycle"); return }
        #expect(recycle.description == nil)
        #expect(starts.map(\.value) == ["sales_rejected"])
        #expect(within.budget == .duration(milliseconds: 172_800_000, hasDayUnit: true))
        #expect(within.calendar == nil)
    }

    @Test func specExampleGoals() throws {
        let decls = try declarations(specExample())
        func measure(_ index: Int) -> MeasureClause? {
            guard case .goal(let goal) = decls[index] else { return nil }
            for clause in goal.clauses { if case .measure(let measure) = clause { return measure } }
            return nil
        }
        guard case .goal(let volume) = decls[12], case .owner(let owner, _) = volume.clauses[0] else { Issue.record("goal"); return }
        #expect(volume.description?.value == "400 marketing-qualified leads a month")
        #expect(owner.name == "marketing")
        let count = try #require(measure(12))
        guard case .count(let stage, nil) = count.measure else { Issue.record("count"); return }
        #expect(stage.name == "mql" && count.op == .greaterEqual && count.target == .number(400) && count.period == nil)

        let conversion = try #require(measure(13))
        guard case .rate(let numerator, let denominator) = conversion.measure else { Issue.record("rate"); return }
        #expect(numerator.name == "sql" && denominator.name == "mql")
        #expect(conversion.target == .percent(0.3) && conversion.period == .quarter)

        let compliance = try #require(measure(14))
        guard case .rateMet(let deadline) = compliance.measure else { Issue.record("rate met"); return }
        #expect(deadline.name == "first_touch")
        #expect(compliance.target == .percent(0.95))
        #expect(compliance.groupBy?.name == "owner")

        let speed = try #require(measure(15))
        guard case .statistic(.p90, let timed) = speed.measure else { Issue.record("p90"); return }
        #expect(timed.name == "first_touch" && speed.op == .lessEqual && speed.target == .duration(milliseconds: 7_200_000))

        let revenue = try #require(measure(16))
        guard case .sum(let type, let attribute) = revenue.measure else { Issue.record("sum"); return }
        #expect(type.value == "deal_won" && attribute.name == "amount" && revenue.target == .number(1_000_000))
    }

    // MARK: - Constructs beyond the example

    @Test func goalMeasuresAndSuffixesInAnyOrder() {
        let result = parse(sla("""
        goal g {
          count first_touch met >= 3 where lead.x == 1 per week by lead.region
          max first_touch < 1h
          min first_touch == 90s
          avg first_touch > 1.5h per day
          sum "Deal Won".value >= 10
        }
        """))
        #expect(rendered(result) == [])
        guard case .goal(let goal) = declarations(result)[0] else { Issue.record("goal"); return }
        #expect(goal.clauses.count == 5)
        guard case .measure(let first) = goal.clauses[0], case .count(_, let status?) = first.measure else { Issue.record("count"); return }
        #expect(status.name == "met" && first.period == .week && first.groupBy?.name == "region" && first.condition != nil)
        guard case .measure(let maximum) = goal.clauses[1], case .statistic(.max, _) = maximum.measure else { Issue.record("max"); return }
        guard case .measure(let average) = goal.clauses[3] else { return }
        #expect(average.target == .duration(milliseconds: 5_400_000))
        guard case .measure(let sum) = goal.clauses[4], case .sum(let type, _) = sum.measure else { Issue.record("sum"); return }
        #expect(type.isQuoted && type.value == "Deal Won")
    }

    @Test func deadlineBusinessDaysAndCalendarTimezone() {
        let result = parse(sla("""
        calendar support timezone "Europe/Oslo" {
          mon, wed-fri 08:00-12:00
          sat 8:00-24:00
        }
        deadline d { within 2bd of support when lead.vip == true }
        """))
        #expect(rendered(result) == [])
        guard case .calendar(let calendar) = declarations(result)[0], case .hours(let line) = calendar.lines[0],
              case .deadline(let deadline) = declarations(result)[1], case .within(let within) = deadline.clauses[0] else {
            Issue.record("shape"); return
        }
        #expect(calendar.timezone?.value == "Europe/Oslo")
        #expect(line.days.map(\.first) == [.mon, .wed] && line.days.map(\.last) == [nil, .fri])
        #expect(within.budget == .businessDays(2))
    }

    @Test func scoreRulesNeverMergeAcrossSignedPoints() {
        // `>= 200` then `- 30 when`: two rules, not `200 - 30`.
        let result = parse(sla("""
        score s {
          +10 when lead.employees >= 200
          - 30 when lead.a == 1 +5 on x
          +1 on a, "B c" where event.n > 2 - 1 max 3
        }
        """))
        #expect(rendered(result) == [])
        guard case .score(let score) = declarations(result)[0] else { return }
        #expect(score.items.count == 4)
        guard case .rule(let second) = score.items[1] else { return }
        #expect(second.points.value == -30)
        guard case .rule(let last) = score.items[3], case .event(let types, let condition?, let cap?) = last.trigger,
              case .binary(.greater, _, let difference) = condition.kind, case .binary(.subtract, _, _) = difference.kind else {
            Issue.record("last rule"); return
        }
        #expect(types.map(\.isQuoted) == [false, true] && cap.value == 3)
    }

    @Test func expressionPrecedence() {
        let result = parse(sla("stage s when not a == 1 or -x * 2 + 3 / y < 4 and z not in [1, [2]] and lower(lead.id) matches \"a*\" and (b)"))
        #expect(rendered(result) == [])
        guard case .stage(let stage) = declarations(result)[0], case .condition(let condition) = stage.trigger,
              case .binary(.or, let left, let right) = condition.kind,
              case .unary(.not, let negated) = left.kind, case .binary(.equal, _, _) = negated.kind,
              case .binary(.and, let leftAnd, let paren) = right.kind, case .parenthesized = paren.kind,
              case .binary(.and, let lessAndNotIn, let matches) = leftAnd.kind, case .binary(.matches, let call, _) = matches.kind,
              case .call(let function, let arguments) = call.kind,
              case .binary(.and, let less, let notIn) = lessAndNotIn.kind, case .binary(.notIn, _, _) = notIn.kind,
              case .binary(.less, let sum, _) = less.kind, case .binary(.add, let product, let quotient) = sum.kind,
              case .binary(.multiply, let negative, _) = product.kind, case .unary(.negate, _) = negative.kind,
              case .binary(.divide, _, _) = quotient.kind else {
            Issue.record("precedence shape"); return
        }
        #expect(function.name == "lower" && arguments.count == 1)
    }

    @Test func keywordsAreAttributeNamesAfterDot() {
        let result = parse(sla("stage s when lead.owner == event.at and event.type == \"x\""))
        #expect(rendered(result) == [])
    }

    @Test func literalsInExpressions() {
        let result = parse(sla("stage s when [1_000, 30%, 1h30m, \"a\\u{1F600}\\n\", true, false, null, []] == x"))
        #expect(rendered(result) == [])
        guard case .stage(let stage) = declarations(result)[0], case .condition(let condition) = stage.trigger,
              case .binary(.equal, let list, _) = condition.kind, case .list(let items) = list.kind else { return }
        guard case .number(1000) = items[0].kind, case .percent(0.3) = items[1].kind,
              case .duration(milliseconds: 5_400_000) = items[2].kind, case .string("a\u{1F600}\n") = items[3].kind,
              case .bool(true) = items[4].kind, case .null = items[6].kind, case .list(let empty) = items[7].kind else {
            Issue.record("literals"); return
        }
        #expect(empty.isEmpty)
    }

    @Test func rangesCoverTheSource() {
        let text = sla("stage s when (a + b)")
        let result = parse(text)
        guard case .stage(let stage) = declarations(result)[0], case .condition(let condition) = stage.trigger else { return }
        let file = SourceFile(path: "t", text: text)
        #expect(file.text(condition.range) == "(a + b)")
        #expect(file.text(stage.range) == "stage s when (a + b)")
    }

    // MARK: - Tests blocks

    @Test func testBlocksParseIntoTheAST() {
        let result = parse("""
        use "smarketing.sla"

        test "enterprise lead" {
          as of 2026-03-03 12:00
          events {
            2026-03-02 09:00  L1  form_submit  country: "SE", segment: "enterprise", employees: 250
            2026-03-02 09:40  L1  call
            "2026-03-02T10:00:00Z" "lead 7" "Form Submission" vip: true, note: null, owner: -1.5
            2026-03-02 007 call
          }
          events from "fixtures/march.jsonl"
          expect L1 stage mql at 2026-03-02 09:00
          expect L1 stage sql never
          expect L1 score fit -30
          expect L1 deadline first_touch met elapsed 40m
          expect L1 deadline first_touch cycle 2 overdue due 2026-03-02 13:00
          expect L1 deadline recycle pending due none paused
          expect L1 deadline recycle none
          expect goal mql_volume "2026-03" value 1 in_progress
          expect goal touch_compliance "2026-03" group "ann" value 95% met
          expect goal conversion "2026-Q1" value null no_data
          expect goal speed "2026-W10" met
        }
        """)
        #expect(rendered(result) == [])
        #expect(result.file.use?.value == "smarketing.sla")
        #expect(result.file.sla == nil)
        let test = result.file.tests[0]
        #expect(test.name.value == "enterprise lead")
        #expect(test.items.count == 14)
        guard case .asOf(.local(let date, let time?, _), _) = test.items[0] else { Issue.record("as of"); return }
        #expect(date.day == 3 && time.hour == 12)
        guard case .events(let rows, _) = test.items[1] else { Issue.record("events"); return }
        #expect(rows.count == 4)
        #expect(rows[0].lead.value == "L1" && rows[0].type.value == "form_submit")
        #expect(rows[0].attributes.map(\.name.name) == ["country", "segment", "employees"])
        #expect(rows[0].attributes.map(\.value) == [.string("SE"), .string("enterprise"), .number(250)])
        #expect(rows[1].attributes.isEmpty)
        guard case .text(let stamp) = rows[2].time else { Issue.record("text time"); return }
        #expect(stamp.value == "2026-03-02T10:00:00Z")
        #expect(rows[2].lead.value == "lead 7" && rows[2].type.isQuoted)
        #expect(rows[2].attributes.map(\.value) == [.bool(true), .null, .number(-1.5)])
        #expect(rows[3].lead.value == "007")
        guard case .eventsFile(let path, _) = test.items[2] else { Issue.record("from"); return }
        #expect(path.value == "fixtures/march.jsonl")

        func subject(_ index: Int) -> SLAKit.Expectation.Subject? {
            guard case .expectation(let expectation) = test.items[index] else { return nil }
            return expectation.subject
        }
        guard case .stage(let lead, let stage, .local?)? = subject(3) else { Issue.record("stage at"); return }
        #expect(lead.value == "L1" && stage.name == "mql")
        guard case .stage(_, _, nil)? = subject(4) else { Issue.record("never"); return }
        guard case .score(_, _, let points)? = subject(5) else { Issue.record("score"); return }
        #expect(points.value == -30)
        guard case .deadline(_, _, nil, let met, let elapsed?, nil, nil)? = subject(6) else { Issue.record("met"); return }
        #expect(met.name == "met" && elapsed.milliseconds == 2_400_000)
        guard case .deadline(_, _, let cycle?, let overdue, nil, .at?, nil)? = subject(7) else { Issue.record("cycle"); return }
        #expect(cycle.value == 2 && overdue.name == "overdue")
        guard case .deadline(_, _, nil, _, nil, ExpectedDue.none?, _?)? = subject(8) else { Issue.record("due none"); return }
        guard case .noCycle(_, let recycle)? = subject(9) else { Issue.record("none"); return }
        #expect(recycle.name == "recycle")
        guard case .goal(let goal, let period, nil, .value(.number(1), _)?, let status?)? = subject(10) else { Issue.record("goal"); return }
        #expect(goal.name == "mql_volume" && period.value == "2026-03" && status.name == "in_progress")
        guard case .goal(_, _, let group?, .value(.percent(0.95), _)?, _)? = subject(11) else { Issue.record("group"); return }
        #expect(group.value == LiteralValue.string("ann"))
        guard case .goal(_, _, nil, .null?, _)? = subject(12) else { Issue.record("null"); return }
        guard case .goal(_, _, nil, nil, let onlyStatus?)? = subject(13) else { Issue.record("status only"); return }
        #expect(onlyStatus.name == "met")
    }

    @Test func testsAfterTheSLABlock() {
        let result = parse(sla("team t") + "test \"a\" {\n  as of \"2026-01-01\"\n}\ntest \"b\" {}\n")
        #expect(rendered(result) == [])
        #expect(result.file.tests.count == 2)
    }

    @Test func misspeltWordsGetASuggestion() {
        let result = parse(sla("""
        review montly
        calendar c {
          mon-fir 08:00-12:00
        }
        goal g {
          p59 d <= 1h
          count m >= 1 per wek
        }
        """) + "test \"t\" {\n  expect L1 deadline d overdu\n}\n")
        #expect(result.diagnostics.items.map(\.help) == [
            "did you mean `monthly`?", "did you mean `fri`?", "did you mean `p50`?", "did you mean `week`?",
            "did you mean `overdue`?",
        ])
    }

    /// SPEC.md 2: no leading `.` in numbers; the help writes the number as it should be.
    @Test func leadingDotNumberGetsAHelpLine() {
        let result = parse(sla("stage s when lead.x > .75 or lead.y == . 5"))
        #expect(result.diagnostics.items.map(\.help) == ["a number starts with a digit: write `0.75`"])
    }

    // MARK: - Syntax error fixtures

    /// Every `.sla` file in `Tests/Fixtures/syntax` states its expected diagnostics in
    /// comments `# expect: LINE:COL SEVERITY: MESSAGE`, in order; the parser must produce
    /// exactly those. A file may also give the span of each, in a `# span: LINE:COL-LINE:COL`
    /// line after it (start and exclusive end, as `check --format json` gives them): the
    /// spans are compared for a file that has any (its source may hold bytes that a comment
    /// quoting the span's text could not).
    @Test(arguments: syntaxFixtureNames())
    func syntaxFixture(_ name: String) throws {
        let url = fixturesDirectory.appendingPathComponent("syntax").appendingPathComponent(name)
        let bytes = Array(try Data(contentsOf: url))
        var expected: [String] = [], withSpans = false
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if let range = line.range(of: "# expect: ") {
                expected.append(String(line[range.upperBound...]))
            } else if let range = line.range(of: "# span: ") {
                expected.append("span: " + line[range.upperBound...])
                withSpans = true
            }
        }
        #expect(!expected.isEmpty, "fixture \(name) states no expected diagnostics")
        let result = Parser.parse(SourceFile(path: name, bytes: bytes))
        let actual = result.diagnostics.items.flatMap { diagnostic -> [String] in
            let start = diagnostic.location, end = diagnostic.file.location(of: diagnostic.range.end)
            let line = "\(start.line):\(start.column) \(diagnostic.severity.rawValue): \(diagnostic.message)"
            return withSpans ? [line, "span: \(start.line):\(start.column)-\(end.line):\(end.column)"] : [line]
        }
        #expect(actual == expected, "fixture \(name); actual:\n\(actual.joined(separator: "\n"))")
    }

    // MARK: - Limits

    @Test func tenThousandNestedParenthesesGiveOneDiagnostic() {
        let depth = 10_000
        let text = sla("stage s when " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "\nteam t")
        let clock = ContinuousClock()
        var result: ParseResult?
        let elapsed = clock.measure { result = parse(text) }
        #expect(rendered(result!) == ["2:114 error: expression is nested more than 100 levels deep"])
        // The declaration after the bad one is still parsed.
        #expect(declarations(result!).count == 1)
        #expect(elapsed < .seconds(2))
    }

    @Test func nestingLimitIsExactlyTheMaximum() {
        let limit = Limits.maximumExpressionDepth
        func nestedParentheses(_ count: Int) -> String {
            sla("stage s when " + String(repeating: "(", count: count) + "1" + String(repeating: ")", count: count))
        }
        #expect(rendered(parse(nestedParentheses(limit))) == [])
        #expect(parse(nestedParentheses(limit + 1)).diagnostics.items.map(\.code) == ["nesting-too-deep"])

        // A long left-associative chain counts too: n operands make n - 1 levels.
        func chain(_ operands: Int) -> String {
            sla("stage s when " + (0..<operands).map { "a\($0)" }.joined(separator: " + "))
        }
        #expect(rendered(parse(chain(limit + 1))) == [])
        #expect(parse(chain(limit + 2)).diagnostics.items.map(\.code) == ["nesting-too-deep"])
        #expect(parse(chain(50_000)).diagnostics.items.map(\.code) == ["nesting-too-deep"])

        // Unary chains, lists and calls.
        #expect(parse(sla("stage s when " + String(repeating: "- ", count: limit + 1) + "1")).diagnostics.items.map(\.code) == ["nesting-too-deep"])
        #expect(parse(sla("stage s when " + String(repeating: "not ", count: limit) + "a")).diagnostics.isEmpty)
        #expect(parse(sla("stage s when " + String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1))).diagnostics.items.map(\.code) == ["nesting-too-deep"])
        #expect(parse(sla("stage s when " + String(repeating: "len(", count: limit + 1) + "1" + String(repeating: ")", count: limit + 1))).diagnostics.items.map(\.code) == ["nesting-too-deep"])
    }

    @Test func identifierAndStringLengthLimits() {
        let longName = String(repeating: "a", count: Limits.maximumIdentifierBytes)
        #expect(parse(sla("team \(longName)")).diagnostics.isEmpty)
        #expect(parse(sla("team \(longName)b")).diagnostics.items.map(\.code) == ["token-too-long"])
        let longString = String(repeating: "x", count: Limits.maximumStringBytes)
        #expect(parse(sla("timezone \"\(longString)\"")).diagnostics.isEmpty)
        #expect(parse(sla("timezone \"\(longString)y\"")).diagnostics.items.map(\.code) == ["token-too-long"])
    }

    @Test func declarationLimit() {
        let limit = Limits.maximumDeclarations
        let body = String(repeating: "team t\n", count: limit + 2)
        let result = parse(sla(body))
        #expect(result.diagnostics.items.map(\.code) == ["too-many-declarations"])
        #expect(declarations(result).count == limit)
    }

    @Test func fiveThousandDeclarationsParseQuickly() {
        var body = ""
        for index in 0..<1_000 {
            body += """
            team t\(index)
            score s\(index) { +10 when lead.employees >= 200 and lead.country in ["SE", "NO"] }
            stage m\(index) when s\(index) >= 60
            deadline d\(index) { owner t\(index)
              starts at m\(index)
              met on call, email
              within 4h of office when lead.segment == "enterprise"
            }
            goal g\(index) { owner t\(index)
              rate d\(index) met >= 95% per month by lead.owner
            }

            """
        }
        let text = sla(body)
        let clock = ContinuousClock()
        var result: ParseResult?
        let elapsed = clock.measure { result = parse(text) }
        #expect(result!.diagnostics.isEmpty)
        #expect(declarations(result!).count == 5_000)
        // Generous for debug builds; release takes a few milliseconds.
        #expect(elapsed < .seconds(5))
    }

    // MARK: - Robustness

    @Test func arbitraryBytesNeverCrashOrHang() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("sla \"x\" { } ( ) [ ] , . : + - * / == < >= # \n 12 1h 30% 2bd 2026-01-02 08:00 score stage when on lead . a test expect events as of".utf8) + [0, 0xFF, 0xC3]
        for _ in 0..<300 {
            let length = Int.random(in: 0..<200, using: &generator)
            let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
            _ = Parser.parse(SourceFile(path: "random.sla", bytes: bytes))
        }
    }

    @Test func everyPrefixOfTheExampleParsesWithoutHanging() throws {
        let bytes = Array(try Data(contentsOf: fixturesDirectory.appendingPathComponent("parser/spec-example.sla")))
        for end in stride(from: 0, through: bytes.count, by: 7) {
            let result = Parser.parse(SourceFile(path: "prefix.sla", bytes: Array(bytes[..<end])))
            if end < bytes.count - 2 { #expect(result.diagnostics.hasErrors) }
        }
    }
}

/// The fixture file names, for the parameterized test.
private func syntaxFixtureNames() -> [String] {
    let directory = fixturesDirectory.appendingPathComponent("syntax")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    return names.filter { $0.hasSuffix(".sla") }.sorted()
}
