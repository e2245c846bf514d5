import Testing
@testable import SLAKit

/// SPEC.md section 7: usage errors exit 3 "with a one-line message on stderr", whatever
/// the command, and print nothing on standard output.
@Suite struct UsageErrorTests {
    @Test(arguments: [
        [], ["nope"], ["evl"], ["check"], ["check", "--format", "xml", "a.sla"], ["fmt"], ["test"], ["eval"],
        ["eval", "a.sla"], ["eval", "a.sla", "--events"], ["explain", "a.sla", "--events", "e.jsonl"],
        ["eval", "missing.sla", "--events", "e.jsonl"],
        // A line feed or an escape in an argument is shown, not written (`␊`).
        ["check", "a\nb.sla"], ["eval", "a.sla", "--events", "e.jsonl", "--fail-on", "x\ny"], ["ev\u{1B}[2Jal"],
    ])
    func usageErrorsAreOneLine(_ arguments: [String]) {
        let run = CommandRun.run(arguments)
        #expect(run.exitCode == 3)
        #expect(run.output.isEmpty)
        #expect(run.error.hasPrefix("sla: ") && run.error.hasSuffix("\n"))
        #expect(run.error.filter { $0 == "\n" }.count == 1, "\(arguments): \(run.error)")
    }

    /// An unreadable second input after rejected records stays a one-line message (exit 3);
    /// an invalid one (a CSV header without the lead column) lists the records rejected
    /// before it, as a run that ends normally does (exit 2).
    @Test func inputFailingAfterRejectionsLeavesTheRightMessage() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("s.sla", "sla \"s\" {\n  team t\n  stage s on a\n}\n")
        let first = try folder.write("a.jsonl", #"{"lead":"L1","type":"a","at":"2026-03-02T09:00:00Z"}"# + "\n{bad\n")
        let invalid = try folder.write("b.csv", "leed,type,at\nL1,a,2026-03-02\n")
        let missing = folder.url.appendingPathComponent("missing.jsonl").path
        let unreadable = CommandRun.run(["eval", sla, "--events", first, "--events", missing, "--max-bad", "5"])
        #expect(unreadable.exitCode == 3)
        #expect(unreadable.error.filter { $0 == "\n" }.count == 1, "\(unreadable.error)")
        let run = CommandRun.run(["eval", sla, "--events", first, "--events", invalid, "--max-bad", "5"])
        #expect(run.exitCode == 2)
        #expect(run.error == """
            sla: rejected \(first):2: invalid JSON: expected a field name at column 2, found 'b'
            sla: 1 record rejected
            sla: \(invalid):1: CSV header has no "lead" column

            """)
    }

    /// Standard input can be read only once: `check` and `fmt` refuse a second `-` before
    /// reading anything, as `eval` refuses `--events - --events -` (a second read would
    /// give an empty source: "no `sla` block").
    @Test(arguments: [
        ["check", "-", "-"], ["check", "--format", "json", "missing.sla", "-", "-"], ["check", "-", "--strict", "-"],
        ["fmt", "-", "-"], ["fmt", "--check", "-", "-"],
    ])
    func sourcesNameStandardInputOnce(_ arguments: [String]) {
        let run = CommandRun.run(arguments, input: Array("sla \"x\" {\n  team t\n}\n".utf8))
        #expect(run.exitCode == 3)
        #expect(run.output.isEmpty)
        #expect(run.error == "sla: standard input (`-`) can be read only once\n")
    }

    @Test func helpGoesToStandardOutput() {
        let run = CommandRun.run(["help"])
        #expect(run.exitCode == 0)
        #expect(run.output.contains("eval FILE --events"))
        #expect(run.error.isEmpty)
    }
}

/// `eval`'s options that take lists or names: what a second one or an empty one means.
@Suite struct EvalOptionTests {
    static let sla = "sla \"x\" {\n  team a\n  deadline d {\n    owner a\n    starts on every open\n    met on close\n    within 1h\n  }\n}\n"
    /// Lead A: one late cycle, then one pending.
    static let events = """
    {"lead": "A", "type": "open", "at": "2026-03-02T10:00:00Z"}
    {"lead": "A", "type": "close", "at": "2026-03-02T12:00:00Z"}
    {"lead": "A", "type": "open", "at": "2026-03-02T12:30:00Z"}

    """

    static func run(_ options: [String], input: [UInt8] = []) throws -> CommandRun {
        let folder = try TemporaryFolder()
        let sla = try folder.write("case.sla", sla)
        let events = try folder.write("events.jsonl", events)
        return CommandRun.run(["eval", sla, "--events", events, "--format", "json"] + options, input: input)
    }

    @Test func failOnGivenTwiceCountsBoth() throws {
        #expect(try Self.run(["--fail-on", "late"]).exitCode == 1)
        #expect(try Self.run(["--fail-on", "missed"]).exitCode == 0)
        #expect(try Self.run(["--fail-on", "late", "--fail-on", "missed"]).exitCode == 1)
        #expect(try Self.run(["--fail-on", "missed", "--fail-on=late"]).exitCode == 1)
        // explain exits as eval does.
        let folder = try TemporaryFolder()
        let sla = try folder.write("case.sla", Self.sla)
        let events = try folder.write("events.jsonl", Self.events)
        let explained = CommandRun.run(["explain", sla, "--events", events, "--lead", "A", "--fail-on", "missed", "--fail-on", "late"])
        #expect(explained.exitCode == 1)
    }

    @Test(arguments: [
        (["--fail-on", ""], "`--fail-on` takes status names separated by commas, found ``"),
        (["--fail-on", "late,"], "`--fail-on` takes status names separated by commas, found `late,`"),
        (["--fail-on", "late,,met"], "`--fail-on` takes status names separated by commas, found `late,,met`"),
        (["--lead-field", ""], "`--lead-field` takes a field name, found an empty one"),
        (["--time-field", "lead"], "the lead, type and time fields must be three different fields, found `lead`, `type` and `lead`"),
        (["--max-bad", "-1"], "`--max-bad` takes a whole number, found `-1`"),
        (["--max-bad", "1e3"], "`--max-bad` takes a whole number, found `1e3`"),
        (["--fail-on", "bogus"], "unknown status `bogus` in `--fail-on` (expected one of at_risk, breached, in_progress, late, met, missed, no_data, overdue, pending)"),
        (["--format", "xml"], "invalid value `xml` for `--format` (expected table, json, csv or html)"),
    ])
    func emptyOrClashingValuesAreUsageErrors(options: [String], message: String) throws {
        let run = try Self.run(options)
        #expect(run.exitCode == 3)
        #expect(run.error == "sla: \(message)\n")
    }

    @Test func standardInputIsReadOnce() throws {
        let run = try Self.run(["--events", "-", "-"], input: Array(Self.events.utf8))
        #expect(run.exitCode == 3)
        #expect(run.error == "sla: `--events` names standard input (`-`) more than once\n")
    }

    @Test func ndjsonNamesTheJSONLFormat() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("case.sla", Self.sla)
        let events = try folder.write("events.txt", Self.events)
        let run = CommandRun.run(["eval", sla, "--events", events, "--input-format", "ndjson", "--format", "json"])
        #expect(run.exitCode == 0, "\(run.error)")
        #expect(run.output.contains("\"records\": 3"))
    }

    /// A limit past `Int.max` is no limit, not a malformed number.
    @Test func aHugeMaxBadIsNoLimit() throws {
        let run = try Self.run(["--max-bad", "99999999999999999999999"])
        #expect(run.exitCode == 0, "\(run.error)")
    }
}
