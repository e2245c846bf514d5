import Foundation
import Testing
@testable import SLAKit

/// The conformance suite: each folder under Tests/Conformance/cases holds `case.sla`, event
/// files (`events*.jsonl|csv`, read in name order), an optional `args` line, and the
/// expected `expected.json` and/or `exit` code. See Tests/Conformance/README.md.
@Suite struct ConformanceTests {
    static let cases = TestPaths.entries(TestPaths.conformance)

    @Test func suiteIsPresent() {
        #expect(ConformanceTests.cases.count >= 60)
    }

    @Test(arguments: ConformanceTests.cases)
    func conformance(_ name: String) throws {
        let folder = TestPaths.conformance.appendingPathComponent(name)
        let files = TestPaths.entries(folder)
        let events = files.filter { $0.hasPrefix("events") }.map { folder.appendingPathComponent($0).path }
        var arguments = ["eval", folder.appendingPathComponent("case.sla").path, "--events"] + events + ["--format", "json"]
        if let extra = try? String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8) {
            arguments += extra.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        }
        let expectedExit = (try? String(contentsOf: folder.appendingPathComponent("exit"), encoding: .utf8))
            .flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        let run = CommandRun.run(arguments)
        #expect(run.exitCode == expectedExit, "exit code; stderr: \(run.error)")
        let expectedURL = folder.appendingPathComponent("expected.json")
        guard FileManager.default.fileExists(atPath: expectedURL.path) else {
            if expectedExit == 2 { #expect(run.output.isEmpty, "no verdicts on failure") }
            return
        }
        let expected = try #require(JSON.parse(String(contentsOf: expectedURL, encoding: .utf8)), "expected.json is not JSON")
        guard let actual = JSON.parse(run.output) else {
            Issue.record("output is not JSON: \(run.output.prefix(500)) stderr: \(run.error)")
            return
        }
        if let difference = jsonDifference(expected, actual) {
            Issue.record("\(name): \(difference)\n--- actual:\n\(run.output)")
        }
    }

    /// `sla fmt` keeps the meaning: every case evaluated from its formatted SLA gives the
    /// same report, byte for byte, as from the SLA as written.
    @Test(arguments: ConformanceTests.cases)
    func formattingKeepsTheResult(_ name: String) throws {
        let folder = TestPaths.conformance.appendingPathComponent(name)
        let slaPath = folder.appendingPathComponent("case.sla").path
        let source = SourceFile(path: slaPath, bytes: Array(try Data(contentsOf: URL(fileURLWithPath: slaPath))))
        let parsed = Parser.parse(source)
        guard !parsed.diagnostics.hasErrors else { return } // cases of invalid SLAs
        let formatted = try TemporaryFolder()
        let formattedPath = try formatted.write("case.sla", Formatter.format(parsed.file, source: source))
        let events = TestPaths.entries(folder).filter { $0.hasPrefix("events") }.map { folder.appendingPathComponent($0).path }
        var options = ["--events"] + events + ["--format", "json"]
        if let extra = try? String(contentsOf: folder.appendingPathComponent("args"), encoding: .utf8) {
            options += extra.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        }
        let original = CommandRun.run(["eval", slaPath] + options)
        let reformatted = CommandRun.run(["eval", formattedPath] + options)
        #expect(reformatted.exitCode == original.exitCode)
        #expect(reformatted.output == original.output)
    }
}
