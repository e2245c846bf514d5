import Testing
@testable import SLAKit

/// How the table, the HTML page and `sla test` failures write goal values and targets.
@Suite struct TextFormattingTests {
    /// Targets are shown as written; a value is rounded unless it would then read the same
    /// as a target it is not, so that a row never contradicts its own status.
    @Test(arguments: [
        (2 * 3600 + 30.0, 7200.0, MeasureModel.statistic(.p90, deadline: 0), "2h 30s", "2h"),
        (2 * 3600 + 1800.0, 7200.0, .statistic(.p90, deadline: 0), "2h 30m", "2h"),
        (7200.0, 5430.0, .statistic(.max, deadline: 0), "2h", "1h 30m 30s"),
        (20_000.0, 59.9, .statistic(.avg, deadline: 0), "5h 33m", "59s 900ms"),
        (1.0 / 3, 0.3334, .rateMet(deadline: 0), "33.333333%", "33.34%"),
        (0.5, 0.3, .rateMet(deadline: 0), "50%", "30%"),
        (1.0, 0.9999, .rateStages(numerator: 0, denominator: 1), "100%", "99.99%"),
        (412.0, 400.0, .countStage(0), "412", "400"),
    ] as [(Double, Double, MeasureModel, String, String)])
    func valueAndTarget(value: Double, target: Double, measure: MeasureModel, shownValue: String, shownTarget: String) {
        let shown = TextFormatting.goalValueAndTarget(value, target: target, measure: measure)
        #expect(shown.value == shownValue)
        #expect(shown.target == shownTarget)
    }

    @Test func missingAndNonFiniteValuesShowAsNoValue() {
        #expect(TextFormatting.goalValueAndTarget(nil, target: 1, measure: .countStage(0)).value == "—")
        #expect(TextFormatting.goalValueAndTarget(.infinity, target: 1, measure: .countStage(0)).value == "—")
    }

    /// Groups of one goal that would read the same (7 and "7") are written as in tests in
    /// the table and on the page; groups that differ in text stay plain.
    @Test func groupsThatReadAlikeAreWrittenAsLiterals() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("g.sla", "sla \"x\" {\n  team t\n  stage s on a\n  goal alike {\n    owner t\n    count s >= 1 by lead.v\n  }\n  goal plain {\n    owner t\n    count s >= 1 by lead.w\n  }\n}\n")
        let events = try folder.write("e.jsonl", [#"{"lead":"A","type":"a","at":"2026-01-05T00:00:00Z","v":7,"w":"ann"}"#,
                                                   #"{"lead":"B","type":"a","at":"2026-01-05T00:00:00Z","v":"7","w":"bo"}"#].joined(separator: "\n") + "\n")
        let table = CommandRun.run(["eval", sla, "--events", events, "--format", "table"]).output
        #expect(table.contains("alike  t      2026-01  \"7\""))
        #expect(table.contains("alike  t      2026-01  7 "))
        #expect(table.contains("plain  t      2026-01  ann"))
        let html = CommandRun.run(["eval", sla, "--events", events, "--format", "html"]).output
        #expect(html.contains("<td>&quot;7&quot;</td>") || html.contains("<td>\"7\"</td>"))
        #expect(html.contains("<td>ann</td>"))
        #expect(TextFormatting.groupsReadAlike([.number(7), .string("7")], as: TextFormatting.group))
        #expect(!TextFormatting.groupsReadAlike([.number(7), .number(7), .string("8")], as: TextFormatting.group))
    }

    @Test func exactDurationsKeepEveryUnit() {
        #expect(TextFormatting.exactDuration(0) == "0s")
        #expect(TextFormatting.exactDuration(93_784_250) == "1d 2h 3m 4s 250ms")
        #expect(TextFormatting.exactDuration(-1500) == "-1s 500ms")
        #expect(TextFormatting.exactDuration(93_784_250, inDays: false) == "26h 3m 4s 250ms")
    }

    /// The worst breaches are exact: 621,000 s is 7d 4h 30m, not "7d 4h".
    @Test func breachesAreExact() {
        let table = CommandRun.run(["eval", TestPaths.examples.appendingPathComponent("smarketing.sla").path, "--events",
                                    TestPaths.examples.appendingPathComponent("smarketing.jsonl").path, "--format", "table"]).output
        #expect(table.contains("L-9006  recycle      marketing  overdue  2026-04-07 11:00  7d 4h 30m            2d  5d 4h 30m"), "\(table)")
    }

    /// Working time is never shown in days, which would read as calendar days.
    @Test func workingTimeIsShownInHours() throws {
        #expect(TextFormatting.duration(151 * 3_600_000, inDays: false) == "151h")
        #expect(TextFormatting.duration(151 * 3_600_000) == "6d 7h")
        let folder = try TemporaryFolder()
        let sla = try folder.write("w.sla", """
        sla "x" {
          calendar office {
            mon-fri 09:00-17:00
          }
          team t
          deadline d {
            owner t
            starts on go
            met on done
            within 2bd of office
          }
          goal slow {
            owner t
            max d <= 30h per quarter
          }
        }

        """)
        let events = try folder.write("e.jsonl", #"{"lead":"A","type":"go","at":"2026-03-02T09:00:00Z"}"# + "\n"
                                      + #"{"lead":"A","type":"done","at":"2026-03-10T09:00:00Z"}"# + "\n")
        let asOf = ["--as-of", "2026-03-10T00:00:00Z"]
        let table = CommandRun.run(["eval", sla, "--events", events, "--format", "table"] + asOf).output
        // Six working days of 8 hours by the as-of time (Monday 2 to Monday 9), against two.
        #expect(table.contains("overdue  2026-03-02 09:00      48h  16h of office      32h"), "\(table)")
        let html = CommandRun.run(["eval", sla, "--events", events, "--format", "html"] + asOf).output
        #expect(html.contains("<td class=\"number\">16h</td><td class=\"number\">48h</td>"), "\(html)")
        // Stopped on the 10th at 09:00, when working time had reached 48h: a value and a
        // target of working time, in hours.
        let stopped = CommandRun.run(["eval", sla, "--events", events, "--format", "table", "--as-of", "2026-04-01T00:00:00Z"]).output
        #expect(stopped.contains("slow  t      2026-Q1           48h  <= 30h  missed"), "\(stopped)")
    }
}
