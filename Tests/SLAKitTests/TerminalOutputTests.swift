import Testing
@testable import SLAKit

/// Text meant for a terminal (the eval table, explain, human diagnostics, rejection lines)
/// shows control characters from the input as control pictures: a lead id holding an
/// escape sequence or a line feed neither reaches the terminal nor breaks a row.
@Suite struct TerminalOutputTests {
    static let sla = """
    sla "terminal" {
      team sales
      stage mql on form_submit
      deadline touch {
        owner sales
        starts at mql
        met on call
        within 1h
      }
      goal volume {
        owner sales
        count mql >= 1 by lead.region
      }
    }

    """
    /// A lead id and a group value with an escape sequence and a line feed (JSON escapes).
    static let events = """
    {"lead": "L\\u001b[31m\\nX", "type": "form_submit", "at": "2026-03-02T10:00:00Z", "region": "N\\u001b]0;owned\\u0007"}

    """

    /// Whether `text` holds a control character other than the line feeds that end lines.
    static func holdsControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
    }

    @Test func evalTableAndExplain() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("case.sla", Self.sla)
        let events = try folder.write("events.jsonl", Self.events)
        let table = CommandRun.run(["eval", sla, "--events", events, "--format", "table", "--as-of", "2026-03-03T00:00:00Z"])
        #expect(table.exitCode == 0)
        #expect(!Self.holdsControls(table.output))
        #expect(table.output.contains("L␛[31m␊X"), "the breach row keeps the lead id, visibly: \(table.output)")
        #expect(table.output.contains("N␛]0;owned␇"))
        let explained = CommandRun.run(["explain", sla, "--events", events, "--lead", "L\u{1B}[31m\nX"])
        #expect(explained.exitCode == 0)
        #expect(!Self.holdsControls(explained.output))
        #expect(explained.output.hasPrefix("lead L␛[31m␊X — terminal\n"))
        // JSON escapes them instead, as JSON does.
        let json = CommandRun.run(["eval", sla, "--events", events, "--format", "json"])
        #expect(json.output.contains(#""lead":"L\u001b[31m\nX""#) || json.output.contains(#""lead": "L\u001b[31m\nX""#))
    }

    @Test func diagnosticsAndRejections() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("zone.sla", "sla \"z\" {\n  timezone \"Europe/\\u{1B}[2J\"\n}\n")
        let checked = CommandRun.run(["check", sla])
        #expect(checked.exitCode == 2)
        #expect(checked.error.contains("Europe/␛[2J"), "\(checked.error)")
        #expect(!Self.holdsControls(checked.error))
        let good = try folder.write("case.sla", Self.sla)
        let csv = try folder.write("events.csv", "lead,type,at\nL1,form_submit,not a time\u{1B}[2J\n")
        let rejected = CommandRun.run(["eval", good, "--events", csv, "--format", "json", "--max-bad", "1"])
        #expect(rejected.exitCode == 0)
        #expect(rejected.error.contains("␛[2J"), "\(rejected.error)")
        #expect(!Self.holdsControls(rejected.error))
    }
}
