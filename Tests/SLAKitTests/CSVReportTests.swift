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
}
