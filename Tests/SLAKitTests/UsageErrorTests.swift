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

    @Test func helpGoesToStandardOutput() {
        let run = CommandRun.run(["help"])
        #expect(run.exitCode == 0)
        #expect(run.output.contains("eval FILE --events"))
        #expect(run.error.isEmpty)
    }
}
