import Foundation
import Testing
@testable import SLAKit

/// `sla eval --format html`: the page's structure, its self-containment, escaping of input
/// text, bounded size, and one chart pinned byte for byte.
@Suite struct HTMLReportTests {
    static let htmlFixtures = TestPaths.fixtures.appendingPathComponent("html")

    /// The report of the bundled smarketing example (as of its latest event, 2026-04-14).
    static func exampleReport() -> CommandRun {
        CommandRun.run(["eval", TestPaths.examples.appendingPathComponent("smarketing.sla").path,
                        "--events", TestPaths.examples.appendingPathComponent("smarketing.jsonl").path, "--format", "html"])
    }

    /// Values of `attribute="…"` in document order.
    static func attributeValues(_ attribute: String, in html: String) -> [String] {
        var values: [String] = []
        var rest = Substring(html)
        let marker = " \(attribute)=\""
        while let range = rest.range(of: marker) {
            rest = rest[range.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            values.append(String(rest[..<end]))
            rest = rest[end...]
        }
        return values
    }

    /// Writes an SLA and JSONL events into a fresh folder; returns their paths.
    static func writeCase(sla: String, events: String) throws -> (sla: String, events: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sla-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let slaURL = folder.appendingPathComponent("case.sla"), eventsURL = folder.appendingPathComponent("events.jsonl")
        try sla.write(to: slaURL, atomically: true, encoding: .utf8)
        try events.write(to: eventsURL, atomically: true, encoding: .utf8)
        return (slaURL.path, eventsURL.path)
    }

    @Test func exampleIsOneSelfContainedPage() {
        let run = HTMLReportTests.exampleReport()
        #expect(run.exitCode == 0, "stderr: \(run.error)")
        let html = run.output
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(html.contains("<title>SLA review: Acme Nordic Smarketing</title>"))
        // Nothing fetched: no scripts, no links to elsewhere, fills only from the page's own patterns.
        for forbidden in ["<script", "<link", "<img", "<iframe", "src=", "http://", "https://", "@import", "@font-face"] {
            #expect(!html.contains(forbidden), "found \(forbidden)")
        }
        #expect(!html.replacingOccurrences(of: "url(#", with: "").contains("url("))
    }

    @Test func headerSummarizesTheInput() {
        let html = HTMLReportTests.exampleReport().output
        #expect(html.contains("<h1>Acme Nordic Smarketing</h1>"))
        #expect(html.contains("2026-04-14 15:30 Europe/Stockholm"))
        #expect(html.contains("302 records, 0 rejected, 63 leads"))
    }

    @Test func periodsComeLatestCompleteFirstThenInProgressThenOlder() {
        let html = HTMLReportTests.exampleReport().output
        #expect(HTMLReportTests.attributeValues("data-period", in: html) == ["2026-03", "2026-04", "2026-02", "2026-01"])
        #expect(html.contains("<section class=\"period latest-complete\" id=\"period-2026-03\""))
        #expect(html.contains("<section class=\"period in-progress\" id=\"period-2026-04\""))
        #expect(html.contains("in progress: values so far"))
        // Earlier periods are collapsed, the two under review are not.
        #expect(html.components(separatedBy: "<details>").count - 1 == 2)
    }

    @Test func everyGoalAndDeadlineIsInEverySection() {
        let html = HTMLReportTests.exampleReport().output
        let goals = ["mql_volume", "conversion", "touch_compliance", "response_speed", "revenue"]
        let deadlines = ["first_touch", "recycle"]
        let goalRows = HTMLReportTests.attributeValues("data-goal", in: html)
        let deadlineCards = HTMLReportTests.attributeValues("data-deadline", in: html)
        #expect(goalRows == Array(repeating: goals, count: 4).flatMap { $0 })
        #expect(deadlineCards == Array(repeating: deadlines, count: 4).flatMap { $0 })
        // A trend chart per goal group in each section: 1 + 1 + 4 owners (and no owner) + 1 + 1.
        let firstSection = html.components(separatedBy: "id=\"period-2026-03\"")[1].components(separatedBy: "<section")[0]
        #expect(firstSection.components(separatedBy: "class=\"chart trend\"").count - 1 == 8)
        #expect(firstSection.components(separatedBy: "class=\"chart compliance\"").count - 1 == 2)
        // Each team's obligations side by side.
        #expect(firstSection.contains("<h4>marketing owes</h4>"))
        #expect(firstSection.contains("<h4>sales owes</h4>"))
    }

    @Test func openBreachesAreListedWithHowLongOverdue() {
        let html = HTMLReportTests.exampleReport().output
        let inProgress = html.components(separatedBy: "id=\"period-2026-04\"")[1].components(separatedBy: "<section")[0]
        // As of 2026-04-14, L-9004's first touch and L-9006's recycle are overdue.
        #expect(inProgress.contains("<td class=\"lead\">L-9004</td>"))
        #expect(inProgress.contains("<td class=\"lead\">L-9006</td>"))
        // Exact: 621,000 s elapsed of a 2-day budget.
        #expect(inProgress.contains("<td class=\"number\">2d</td><td class=\"number\">7d 4h 30m</td><td class=\"number\"><strong>5d 4h 30m</strong>"))
    }

    @Test func inputTextIsEscapedEverywhere() throws {
        let paths = try HTMLReportTests.writeCase(sla: """
            sla "Tom & Jerry <b>Inc</b> \\"quoted\\"" {
              team sales
              stage lead_in on created
              deadline respond "Answer <i>fast</i> & well" {
                owner sales
                starts at lead_in
                met on replied
                within 1h
              }
              goal replies "<script>alert(2)</script>" {
                owner sales
                rate respond met >= 90% by lead.owner
              }
            }
            """, events: """
            {"lead": "<script>alert(1)</script>", "type": "created", "at": "2026-03-02T09:00:00Z", "owner": "<img src=x onerror=alert(3)>"}
            {"lead": "a&b'c\\"d", "type": "created", "at": "2026-03-02T10:00:00Z", "owner": "O'Brien & <Co>"}
            {"lead": "a&b'c\\"d", "type": "replied", "at": "2026-03-02T12:00:00Z"}
            {"lead": "later", "type": "created", "at": "2026-04-03T10:00:00Z"}
            {"lead": "esc\\u001b[2Jline\\nbreak", "type": "created", "at": "2026-04-03T07:00:00Z", "owner": "tab\\there"}
            """)
        let run = CommandRun.run(["eval", paths.sla, "--events", paths.events, "--format", "html"])
        #expect(run.exitCode == 0, "stderr: \(run.error)")
        let html = run.output
        for raw in ["<script", "<b>", "<i>", "<img", "<Co>", "alert(1)</script>"] {
            #expect(!html.contains(raw), "unescaped \(raw)")
        }
        #expect(html.contains("<td class=\"lead\">&lt;script&gt;alert(1)&lt;/script&gt;</td>"))
        #expect(html.contains("Tom &amp; Jerry &lt;b&gt;Inc&lt;/b&gt; &quot;quoted&quot;"))
        #expect(html.contains("&lt;img src=x onerror=alert(3)&gt;"))
        #expect(html.contains("O&#39;Brien &amp; &lt;Co&gt;"))
        // Also inside the SVG: the trend chart's accessible title names the group.
        let titles = html.components(separatedBy: "<title>").dropFirst().map { $0.components(separatedBy: "</title>")[0] }
        #expect(titles.contains { $0.contains("for &lt;img src=x onerror=alert(3)&gt;") })
        // Control characters read as in the table: control pictures, in cells and charts.
        #expect(html.contains("esc␛[2Jline␊break"), "\(html)")
        #expect(html.contains("tab␉here"))
        #expect(!html.contains("\u{1B}"))
    }

    @Test func noEventsGivesAPageThatListsTheAgreement() {
        let run = CommandRun.run(["eval", TestPaths.examples.appendingPathComponent("smarketing.sla").path,
                                  "--events", TestPaths.examples.appendingPathComponent("smarketing.jsonl").path,
                                  "--format", "html", "--as-of", "2020-01-01T00:00:00Z"])
        #expect(run.exitCode == 0)
        #expect(run.output.contains("nothing to evaluate"))
        for name in ["mql_volume", "conversion", "touch_compliance", "response_speed", "revenue", "first_touch", "recycle"] {
            #expect(run.output.contains(">\(name)</span>"), "missing \(name)")
        }
    }

    /// Values near or past the largest double (a sum that overflows to infinity, a target of
    /// 1e26) neither hang nor crash the page (SPEC.md 7), and numbers written with an
    /// exponent are not grouped by thousands (`1e+16`, not `1e,+16`). Non-finite values
    /// show as no value, as JSON writes them null.
    @Test(arguments: [
        (#"{"lead":"a","type":"big","at":"2026-01-05T00:00:00Z","amount":1e308}"# + "\n"
            + #"{"lead":"a","type":"big","at":"2026-01-06T00:00:00Z","amount":1e308}"#, ">= 10"),
        (#"{"lead":"a","type":"big","at":"2026-01-05T00:00:00Z","amount":1e16}"#, ">= 10"),
        (#"{"lead":"a","type":"big","at":"2026-01-05T00:00:00Z","amount":-1e25}"#, ">= 100000000000000000000000000"),
        (#"{"lead":"a","type":"big","at":"2026-01-05T00:00:00Z","amount":-1e308}"# + "\n"
            + #"{"lead":"b","type":"big","at":"2026-02-05T00:00:00Z","amount":1e308}"#, "<= 1"),
    ] as [(String, String)])
    func extremeValuesRender(events: String, comparison: String) throws {
        let files = try Self.writeCase(sla: "sla \"x\" {\n  team t\n  goal big {\n    owner t\n    sum big.amount \(comparison)\n  }\n}\n",
                                       events: events + "\n")
        for format in ["html", "table"] {
            let run = CommandRun.run(["eval", files.sla, "--events", files.events, "--format", format])
            #expect(run.exitCode == 0, "\(format): \(run.error)")
            for pattern in ["[0-9]e,[+-]", "[ >]null[ <]", "[ >]-?inf"] {
                #expect(run.output.range(of: pattern, options: .regularExpression) == nil, "\(format): \(pattern)")
            }
        }
    }

    /// A daily goal reviewed yearly has 365 periods in a section: the latest 36 are listed,
    /// with a line saying how many earlier ones are left to the JSON report.
    @Test func goalPeriodRowsAreCappedPerSection() throws {
        let events = (0..<400).map { day in
            #"{"lead":"L\#(day)","type":"a","at":"\#(CivilTime.formatUTC(CivilTime.days(year: 2025, month: 1, day: 1) * CivilTime.millisecondsPerDay + Int64(day) * CivilTime.millisecondsPerDay))"}"#
        }
        let files = try Self.writeCase(sla: "sla \"x\" {\n  review yearly\n  team t\n  stage s on a\n  goal daily {\n    owner t\n    count s >= 1 per day\n  }\n}\n",
                                       events: events.joined(separator: "\n") + "\n")
        let run = CommandRun.run(["eval", files.sla, "--events", files.events, "--format", "html"])
        #expect(run.exitCode == 0, "\(run.error)")
        // 2025: 365 days, 36 shown; 2026: 35 days, all shown.
        #expect(run.output.contains("329 earlier periods: see <code>--format json</code>"))
        #expect(run.output.components(separatedBy: "<td>2025-").count - 1 == 36)
        #expect(run.output.components(separatedBy: "<td>2026-").count - 1 == 35)
    }

    /// Samoa skipped 2011-12-30: reviewed daily, the page has no section for it, as the
    /// goals have no period for it.
    @Test func aSkippedLocalDayHasNoSection() throws {
        let files = try Self.writeCase(sla: "sla \"x\" {\n  timezone \"Pacific/Apia\"\n  review daily\n  team t\n  stage s on a\n  goal daily {\n    owner t\n    count s >= 1 per day\n  }\n}\n",
                                       events: #"{"lead":"A","type":"a","at":"2011-12-29T10:00:00Z"}"# + "\n"
                                           + #"{"lead":"B","type":"a","at":"2011-12-30T12:00:00Z"}"# + "\n")
        let run = CommandRun.run(["eval", files.sla, "--events", files.events, "--format", "html", "--as-of", "2011-12-31T13:00:00"])
        #expect(run.exitCode == 0, "\(run.error)")
        #expect(run.output.contains("2011-12-29"))
        #expect(run.output.contains("2011-12-31"))
        // Only the as-of time's UTC form names the 30th; two periods, not three.
        #expect(run.output.components(separatedBy: "2011-12-30").count - 1 == 1, "\(run.output)")
        #expect(run.output.contains("<dd>2011-12-29 to 2011-12-31 (2)</dd>"), "\(run.output)")
    }

    /// A sum past the largest double has no value to draw, but it is missed, not "no data".
    @Test func anOverflowedSumIsNotNoData() throws {
        let files = try Self.writeCase(sla: "sla \"x\" {\n  team t\n  goal revenue {\n    owner t\n    sum deal.amount >= 1\n  }\n}\n",
                                       events: #"{"lead":"A","type":"deal","at":"2026-01-05T10:00:00Z","amount":1.7e308}"# + "\n"
                                           + #"{"lead":"B","type":"deal","at":"2026-01-06T10:00:00Z","amount":1.7e308}"# + "\n"
                                           + #"{"lead":"C","type":"deal","at":"2026-02-06T10:00:00Z","amount":5}"# + "\n")
        let run = CommandRun.run(["eval", files.sla, "--events", files.events, "--format", "html"])
        #expect(run.exitCode == 0, "\(run.error)")
        #expect(run.output.contains("2026-01: no value (missed); 2026-02: 5 (in progress)"), "\(run.output)")
    }

    @Test func largeInputsStaySmallAndTablesAreCapped() throws {
        // 4,000 leads in 14 owner groups, a third of them overdue at the as-of time.
        var events = ""
        for index in 0..<4000 {
            let day = 1 + index % 28, month = 1 + (index / 28) % 3
            let at = "2026-0\(month)-\(day < 10 ? "0" : "")\(day)T09:00:00Z"
            events += "{\"lead\": \"L\(index)\", \"type\": \"created\", \"at\": \"\(at)\", \"owner\": \"rep\(index % 14)\"}\n"
            if index % 3 != 0 {
                events += "{\"lead\": \"L\(index)\", \"type\": \"replied\", \"at\": \"2026-0\(month)-\(day < 10 ? "0" : "")\(day)T\(index % 2 == 0 ? "09:30" : "11:00"):00Z\"}\n"
            }
        }
        events += "{\"lead\": \"last\", \"type\": \"created\", \"at\": \"2026-04-02T00:00:00Z\"}\n"
        let paths = try HTMLReportTests.writeCase(sla: """
            sla "Volume" {
              team sales
              stage lead_in on created
              deadline respond { owner sales starts at lead_in met on replied within 1h }
              goal replies { owner sales rate respond met >= 90% by lead.owner }
              goal speed { owner sales p90 respond <= 1h }
            }
            """, events: events)
        let run = CommandRun.run(["eval", paths.sla, "--events", paths.events, "--format", "html"])
        #expect(run.exitCode == 0, "stderr: \(run.error)")
        let html = run.output
        #expect(html.utf8.count < 400_000, "report of \(html.utf8.count) bytes")
        for table in html.components(separatedBy: "<table class=\"breaches\">").dropFirst() {
            let rows = table.components(separatedBy: "</table>")[0].components(separatedBy: "<tr>").count - 1
            #expect(rows <= HTMLReport.breachesShown + 1)
        }
        #expect(html.contains("of 1334 cycles started by the end of this period"))
    }

    // MARK: Charts

    /// The golden chart: a monthly rate goal with one period of each status.
    static func goldenChart() -> String {
        GoalTrendChart(title: "touch_compliance per month for erik.holm", points: [
            TrendPoint(label: "2026-01", value: nil, status: .noData, highlighted: false),
            TrendPoint(label: "2026-02", value: 1, status: .met, highlighted: false),
            TrendPoint(label: "2026-03", value: 1.0 / 3, status: .missed, highlighted: true),
            TrendPoint(label: "2026-04", value: 0.4, status: .inProgress, highlighted: false),
        ], target: 0.95, op: .greaterEqual, unit: .fraction).svg()
    }

    /// Set `SLA_UPDATE_GOLDEN=1` to rewrite the golden file after an intended change.
    @Test func trendChartMatchesTheGoldenFile() throws {
        let url = HTMLReportTests.htmlFixtures.appendingPathComponent("goal-trend.svg")
        let actual = HTMLReportTests.goldenChart() + "\n"
        if ProcessInfo.processInfo.environment["SLA_UPDATE_GOLDEN"] == "1" {
            try actual.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(actual == expected, "the chart differs from Tests/Fixtures/html/goal-trend.svg:\n\(actual)")
    }

    @Test func tickLabelsAreThinnedSoTheyDoNotOverlap() {
        let labels = (0..<40).map { "2026-W\($0 < 10 ? "0" : "")\($0)" }
        let slot = 220.0 / 40
        let width = labels.map { TextMetrics.width($0) }.max() ?? 0
        let shown = thinnedLabelIndices(count: 40, slotWidth: slot, labelWidth: width, anchorIndex: 37)
        #expect(shown.contains(37))
        for (left, right) in zip(shown, shown.dropFirst()) {
            #expect(Double(right - left) * slot >= width, "labels \(left) and \(right) overlap")
        }
        // With room to spare every label shows.
        #expect(thinnedLabelIndices(count: 4, slotWidth: 60, labelWidth: 40, anchorIndex: 3) == [0, 1, 2, 3])
    }

    @Test func axisLabelsCarryUnits() {
        #expect(ValueUnit.seconds.label(9000) == "2h 30m")
        #expect(ValueUnit.fraction.label(0.3) == "30%")
        #expect(ValueUnit.fraction.label(0.975) == "97.5%")
        #expect(ValueUnit.number.label(1_605_000) == "1.6M")
        #expect(ValueUnit.number.label(2500) == "2,500")
        #expect(ValueUnit.number.label(25_000) == "25k")
        let ticks = ValueUnit.seconds.ticks(low: 0, high: 5 * 3600, count: 2)
        #expect(ticks.step == 10_800 && ticks.high == 21_600)
        let fractions = ValueUnit.fraction.ticks(low: 0, high: 0.95, count: 2)
        #expect(fractions.low == 0 && fractions.high == 1 && fractions.step == 0.5)
    }

    @Test func markupEscapesEverythingThatMatters() {
        #expect(Markup.escape("plain") == "plain")
        #expect(Markup.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(Markup.escape("nul\u{0}bell\u{7}") == "nul\u{FFFD}bell\u{FFFD}")
        #expect(Markup.escape("Göta Finans 日本") == "Göta Finans 日本")
        // Not characters of XML 1.0 (a JUnit report with them does not parse), and the C1
        // controls HTML rejects; tab and line feed stay.
        #expect(Markup.escape("a\u{FFFE}b\u{FFFF}c\u{85}d\u{9F}e\tf\ng\u{FFFD}\u{10FFFD}") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\tf\ng\u{FFFD}\u{10FFFD}")
        // A right-to-left override or isolate would reverse the rest of a cell or a title.
        #expect(Markup.escape("L\u{202E}1-dI\u{2066}x\u{2069}\u{200F}") == "L\u{FFFD}1-dI\u{FFFD}x\u{FFFD}\u{200F}")
        #expect(TextFormatting.visible("L\u{202E}1\u{202A}\u{2067}") == "L\u{FFFD}1\u{FFFD}\u{FFFD}")
    }
}
