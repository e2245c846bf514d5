import Foundation
import Testing
@testable import SLAKit

/// `--goals-csv`: one row per goal, period and group, RFC 4180 quoting, and a `group_type`
/// column that keeps apart groups whose text is the same.
@Suite struct CSVReportTests {
    @Test func goalRowsKeepGroupsApartAndQuoteText() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("groups.sla", """
        sla "x" {
          team t
          stage s on a
          goal g {
            owner t
            count s >= 1 by lead.v
          }
        }

        """)
        let values = [#""""#, "null", #""7""#, "7", #""true""#, "true", #""a, \"b\"""#]
        let lines = values.enumerated().map { index, value in
            #"{"lead":"L\#(index)","type":"a","at":"2026-01-0\#(index + 1)T00:00:00Z","v":\#(value)}"#
        }
        let events = try folder.write("events.jsonl", lines.joined(separator: "\n") + "\n")
        let goals = folder.url.appendingPathComponent("goals.csv").path
        let run = CommandRun.run(["eval", sla, "--events", events, "--goals-csv", goals, "--format", "json"])
        #expect(run.exitCode == 0, "\(run.error)")
        let csv = try String(contentsOfFile: goals, encoding: .utf8)
        // Groups in report order: null, strings by bytes, numbers, false, true (SPEC.md 7.1);
        // "" is a string group of its own, the missing value the null group.
        #expect(csv == #"""
        goal,owner,period,group,value,op,target,status,group_type
        g,t,2026-01,,1,>=,1,in_progress,null
        g,t,2026-01,,1,>=,1,in_progress,string
        g,t,2026-01,7,1,>=,1,in_progress,string
        g,t,2026-01,"a, ""b""",1,>=,1,in_progress,string
        g,t,2026-01,true,1,>=,1,in_progress,string
        g,t,2026-01,7,1,>=,1,in_progress,number
        g,t,2026-01,true,1,>=,1,in_progress,bool

        """#)
    }

    /// A value the JSON writes as null is an empty cell, whatever made it null: nothing to
    /// measure (a rate of nothing), or a sum past the largest double.
    @Test func nullValuesAreEmptyCells() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("nulls.sla", """
        sla "x" {
          team t
          stage s on a
          stage q on b
          goal big {
            owner t
            sum a.v >= 1 per day
          }
          goal share {
            owner t
            rate q / s >= 50% per day
          }
        }

        """)
        let events = try folder.write("events.jsonl", """
        {"lead":"L1","type":"a","at":"2026-01-01T00:00:00Z","v":1e308}
        {"lead":"L2","type":"a","at":"2026-01-01T01:00:00Z","v":1e308}
        {"lead":"L3","type":"z","at":"2026-01-02T01:00:00Z"}

        """)
        let goals = folder.url.appendingPathComponent("goals.csv").path
        let run = CommandRun.run(["eval", sla, "--events", events, "--goals-csv", goals, "--format", "json"])
        #expect(run.exitCode == 0, "\(run.error)")
        #expect(try String(contentsOfFile: goals, encoding: .utf8) == """
        goal,owner,period,group,value,op,target,status,group_type
        big,t,2026-01-01,,,>=,1,missed,null
        big,t,2026-01-02,,0,>=,1,in_progress,null
        share,t,2026-01-01,,0,>=,0.5,missed,null
        share,t,2026-01-02,,,>=,0.5,in_progress,null

        """)
    }
}
