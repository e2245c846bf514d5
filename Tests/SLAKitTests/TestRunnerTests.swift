import Foundation
import Testing
@testable import SLAKit

/// Tests of `sla test` itself: each `Tests/Fixtures/sla-test/*.test.sla` states its exit
/// code in a `# exit: N` line, and text standard error must hold in `# stderr: TEXT` lines;
/// where `NAME.out` exists, standard output must equal it with the file path written as
/// `FILE` and durations as `(TIME)`.
@Suite struct TestRunnerTests {
    static let folder = TestPaths.fixtures.appendingPathComponent("sla-test")
    static let files = TestPaths.entries(folder).filter { $0.hasSuffix(".test.sla") }

    @Test func fixturesArePresent() {
        #expect(TestRunnerTests.files.count >= 4)
    }

    @Test(arguments: TestRunnerTests.files)
    func fixture(_ name: String) throws {
        let url = TestRunnerTests.folder.appendingPathComponent(name)
        let text = try String(contentsOf: url, encoding: .utf8)
        let exitLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("# exit: ") }, "no `# exit:` line")
        let expectedExit = try #require(Int32(exitLine.dropFirst("# exit: ".count)))
        let run = CommandRun.run(["test", url.path])
        #expect(run.exitCode == expectedExit, "stdout: \(run.output)\nstderr: \(run.error)")
        for line in text.split(separator: "\n") where line.hasPrefix("# stderr: ") {
            let expected = String(line.dropFirst("# stderr: ".count))
            #expect(run.error.contains(expected), "stderr lacks \(expected): \(run.error)")
        }
        let outURL = TestRunnerTests.folder.appendingPathComponent(name.replacingOccurrences(of: ".test.sla", with: ".out"))
        if let expected = try? String(contentsOf: outURL, encoding: .utf8) {
            let masked = run.output.replacingOccurrences(of: url.path, with: "FILE")
                .replacingOccurrences(of: #"\([0-9.]+ ms\)"#, with: "(TIME)", options: .regularExpression)
            #expect(masked == expected)
        }
    }

    /// A file a test file names keeps the test file's relative path: diagnostics in a
    /// `use`d SLA then read as `sla check` of it would (`--format github` needs paths
    /// relative to the repository).
    @Test func namedFilesStayRelative() {
        #expect(TestBlockRunner.path("office.sla", besides: "examples/x.test.sla") == "examples/office.sla")
        #expect(TestBlockRunner.path("office.sla", besides: "x.test.sla") == "office.sla")
        #expect(TestBlockRunner.path("../f/e.jsonl", besides: "a/b/x.test.sla") == "a/b/../f/e.jsonl")
        #expect(TestBlockRunner.path("/abs/e.jsonl", besides: "a/x.test.sla") == "/abs/e.jsonl")
        #expect(TestBlockRunner.path("e.jsonl", besides: "/abs/x.test.sla") == "/abs/e.jsonl")
    }

    /// A failed test gets its leads' timelines (one evaluation per lead) only for `-v`:
    /// without it, a failure in a test of many leads costs one evaluation, as a pass does.
    @Test func timelinesAreBuiltOnlyForVerbose() throws {
        let url = TestRunnerTests.folder.appendingPathComponent("wrong-expectations.test.sla")
        let loaded = try LoadedFile.load(url.path)
        let (program, _) = try loaded.programUnderTest().get()
        let runner = TestBlockRunner(program: program, testFile: loaded.source)
        let failing = try #require(loaded.parse.file.tests.first { !runner.run($0).passed })
        #expect(runner.run(failing).traces.isEmpty)
        #expect(!runner.run(failing, traces: true).traces.isEmpty)
    }

    /// The index of goal rows a test's goal expectations look up finds what a scan of the
    /// rows found: the first row, in report order, of the goal whose period label is `==`
    /// and whose group `Operations.equals` the one asked (`-0` is `0`, NaN is nothing, the
    /// string "7" is not the number 7, strings compare by bytes, not canonically), the rows
    /// of a period in order, and the periods reported, for the failure messages.
    @Test func goalVerdictIndexFindsWhatAScanFinds() {
        let groups: [Value] = [.null, .bool(true), .bool(false), .number(0), .number(-0.0), .number(7), .number(.nan),
                               .string("7"), .string("\u{E9}"), .string("e\u{301}"), .string(""), .duration(7), .time(7),
                               .list([]), .list([.number(0), .string("7")]), .list([.number(-0.0), .string("7")]), .list([.number(.nan)])]
        let labels = ["2026-03", "2026-04", "2026-Q1", "\u{E9}", "e\u{301}"]
        var random = SeededGenerator(seed: 5)
        for _ in 0..<200 {
            let rows = (0..<Int.random(in: 0...30, using: &random)).map { offset in
                GoalVerdict(goal: Int.random(in: 0...2, using: &random),
                            period: Period(kind: .month, index: 0, start: 0, end: 1, label: labels.randomElement(using: &random)!),
                            group: groups.randomElement(using: &random)!, value: Double(offset), status: .met)
            }
            let index = GoalVerdictIndex(rows)
            for goal in 0...3 {
                let ofGoal = rows.filter { $0.goal == goal }
                #expect(Set(index.periods(goal: goal)).sorted() == Set(ofGoal.map(\.period.label)).sorted())
                for label in labels {
                    let inPeriod = ofGoal.filter { $0.period.label == label }
                    #expect(index.verdicts(goal: goal, period: label).map(\.value) == inPeriod.map(\.value))
                    for group in groups {
                        let scanned = inPeriod.first { Operations.equals($0.group, group) }
                        #expect(index.verdict(goal: goal, period: label, group: group)?.value == scanned?.value,
                                "goal \(goal) \(label.debugDescription) group \(group)")
                    }
                }
            }
        }
    }

    @Test func invalidFilesExplainThemselves() {
        let run = CommandRun.run(["test", TestRunnerTests.folder.appendingPathComponent("unknown-names.test.sla").path])
        #expect(run.error.contains("unknown stage `mqll`"))
        #expect(run.error.contains("did you mean `first_touch`?"))
    }

    @Test func runSelectsTestsByPattern() {
        let path = TestRunnerTests.folder.appendingPathComponent("wrong-expectations.test.sla").path
        let run = CommandRun.run(["test", path, "--run", "passes"])
        #expect(run.exitCode == 0)
        #expect(run.output.hasSuffix("1 passed, 0 failed\n"))
        let glob = CommandRun.run(["test", path, "--run", "*lunch*"])
        #expect(glob.exitCode == 1)
        #expect(glob.output.hasSuffix("0 passed, 1 failed\n"))
        // A pattern that selects nothing is a failure (a typo must not pass CI); an empty
        // one is a usage error.
        let none = CommandRun.run(["test", path, "--run", "no such test"])
        #expect(none.exitCode == 1)
        #expect(none.error == "sla: no test matches `--run no such test`\n")
        let noneReported = CommandRun.run(["test", path, "--run", "no such test", "--junit", "-"])
        #expect(noneReported.exitCode == 1)
        #expect(noneReported.output.contains("<failure message=\"no test matches `--run no such test`\"/>"), "\(noneReported.output)")
        #expect(CommandRun.run(["test", path, "--run", ""]).exitCode == 3)
    }

    /// `--junit -`: standard output is the XML alone; the lines for people go to standard error.
    @Test func junitOnStandardOutputIsAloneThere() {
        let path = TestRunnerTests.folder.appendingPathComponent("wrong-expectations.test.sla").path
        let run = CommandRun.run(["test", path, "--junit", "-"])
        #expect(run.exitCode == 1)
        #expect(run.output.hasPrefix("<?xml"))
        #expect(run.output.hasSuffix("</testsuites>\n"))
        #expect(run.error.hasSuffix("1 passed, 1 failed\n"))
    }

    @Test func junitReportListsFailures() throws {
        let path = TestRunnerTests.folder.appendingPathComponent("wrong-expectations.test.sla").path
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("sla-junit-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: junit) }
        let run = CommandRun.run(["test", path, "--junit", junit.path])
        #expect(run.exitCode == 1)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"\(path)\" tests=\"2\" failures=\"1\" errors=\"0\""))
        // One failure per failed test, naming the first unmet expectation; its text lists all.
        #expect(xml.components(separatedBy: "<failure ").count == 2)
        #expect(xml.contains("<failure message=\"8 expectations failed; first: L1 stage mql: expected entered at 2026-03-02 11:30, found entered at 2026-03-02 11:00\">"))
        #expect(xml.contains("\(path):16:3: L1x deadline first_touch: expected no cycle, found no events for lead `L1x` at or before the as-of time</failure>"))
        #expect(xml.contains("<testcase name=\"this one passes\""))
    }

    /// A run that fails because a file is invalid (exit 2), or holds no tests, still writes
    /// the report, with that file as an error or a failure: CI must not show green.
    @Test func junitReportListsInvalidFilesAndFilesWithoutTests() throws {
        let passing = TestRunnerTests.folder.appendingPathComponent("passing.test.sla").path
        let invalid = TestRunnerTests.folder.appendingPathComponent("unknown-names.test.sla").path
        let noTests = TestRunnerTests.folder.appendingPathComponent("office.sla").path
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("sla-junit-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: junit) }
        try Data("old report".utf8).write(to: junit)
        let run = CommandRun.run(["test", passing, invalid, noTests, "--junit", junit.path])
        #expect(run.exitCode == 2)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("<testsuite name=\"\(passing)\" tests=\"1\" failures=\"0\" errors=\"0\""))
        #expect(xml.contains("<testsuite name=\"\(invalid)\" tests=\"1\" failures=\"0\" errors=\"1\""))
        #expect(xml.contains("<error message=\"the tests cannot run: error: unknown stage `mqll`\">"))
        #expect(xml.contains("<testsuite name=\"\(noTests)\" tests=\"1\" failures=\"1\" errors=\"0\""))
        #expect(xml.contains("<failure message=\"no tests in this file\"/>"))
    }

    @Test func verboseShowsTheTimelineOfFailingTests() {
        let path = TestRunnerTests.folder.appendingPathComponent("wrong-expectations.test.sla").path
        let run = CommandRun.run(["test", path, "-v"])
        #expect(run.output.contains("      | lead L1"))
        // Quoted from the file the SLA is in (office.sla, which the test file uses), not
        // from the test file at the SLA's offsets.
        #expect(run.output.contains("first_touch #1 opened: budget 4h of office, from `within 4h of office`"))
    }

    @Test func examplesPass() {
        let files = TestPaths.entries(TestPaths.examples).filter { $0.hasSuffix(".test.sla") }
            .map { TestPaths.examples.appendingPathComponent($0).path }
        #expect(files.count >= 3)
        let run = CommandRun.run(["test"] + files)
        #expect(run.exitCode == 0, "\(run.output)\(run.error)")
    }
}

@Suite struct CheckingTestFilesTests {
    @Test func checkResolvesTestExpectationsAgainstTheSLAUnderTest() {
        let path = TestRunnerTests.folder.appendingPathComponent("unknown-names.test.sla").path
        let run = CommandRun.run(["check", path])
        #expect(run.exitCode == 2)
        #expect(run.error.contains("unknown stage `mqll`"))
        #expect(run.error.contains("unknown deadline `first_tuch`"))
    }

    /// 10,000 expectations naming unknown stages among 10,000 stages: each did-you-mean
    /// gathered its candidates anew and every unknown name got one, quadratic (160 s in a
    /// debug build). Now the first `Limits.maximumSuggestions` of a file get one, as in the
    /// `sla` block, and `sla test` shows the diagnostics `sla check` shows.
    @Test func tenThousandUnknownNamesInTestsAreCheckedInLinearTime() throws {
        let count = 10_000
        let text = "sla \"x\" {\n" + (0..<count).map { "  stage s\($0) on e\n" }.joined() + "}\n\n"
            + "test \"many\" {\n  as of 2026-03-09 10:30\n" + (0..<count).map { "  expect L stage u\($0) never\n" }.joined() + "}\n"
        let folder = try TemporaryFolder()
        let path = try folder.write("names.sla", text)
        let clock = ContinuousClock()
        var check = CommandRun(exitCode: 0, output: "", error: "")
        let elapsed = clock.measure { check = CommandRun.run(["check", "--format", "json", path]) }
        #expect(check.exitCode == 2)
        guard case .array(let items)? = JSON.parse(check.output) else { Issue.record("no JSON array"); return }
        #expect(items.count == Limits.maximumDiagnosticsShown + 1)
        for (index, item) in items.dropLast().enumerated() {
            guard case .object(let fields) = item else { continue }
            #expect(fields["message"] == .string("unknown stage `u\(index)`"))
            #expect(fields["help"] == (index < Limits.maximumSuggestions ? .string("did you mean `s\(index)`?") : .null))
        }
        #expect(CommandRun.run(["check", path]).error.hasSuffix("\(path): \(count) errors\n"))
        let test = CommandRun.run(["test", path])
        #expect(test.exitCode == 2)
        let headers = test.error.split(separator: "\n").filter { $0.hasPrefix("error: ") }
        #expect(headers.count == Limits.maximumDiagnosticsShown + 1)
        #expect(headers.last == "error: \(count - Limits.maximumDiagnosticsShown) more diagnostics in this file not shown")
        #expect(elapsed < .seconds(10))
    }

    @Test func checkReportsAnUnreadableUse() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sla-use-\(UUID().uuidString).test.sla")
        try "use \"missing.sla\"\n\ntest \"x\" {\n  expect goal g \"2026\" met\n}\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = CommandRun.run(["check", file.path])
        #expect(run.exitCode == 2)
        #expect(run.error.contains("cannot use `missing.sla`"))
    }

    /// Absolute paths in `use` and `events from` are used as written, not appended to the
    /// test file's directory.
    @Test func absolutePathsAreUsedAsWritten() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sla-absolute-\(UUID().uuidString)")
        let elsewhere = directory.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["office.sla", "office-march.jsonl"] {
            try FileManager.default.copyItem(at: TestRunnerTests.folder.appendingPathComponent(name), to: elsewhere.appendingPathComponent(name))
        }
        let test = directory.appendingPathComponent("absolute.test.sla")
        try """
        use "\(elsewhere.appendingPathComponent("office.sla").path)"

        test "fixtures named by absolute paths" {
          events from "\(elsewhere.appendingPathComponent("office-march.jsonl").path)"
          expect L1 deadline first_touch met elapsed 1h
        }

        """.write(to: test, atomically: true, encoding: .utf8)
        let run = CommandRun.run(["test", test.path])
        #expect(run.exitCode == 0, "stdout: \(run.output)\nstderr: \(run.error)")
    }

    /// SPEC.md 3: `sla eval` ignores test blocks, so a test block it cannot parse does not
    /// stop it (nor `explain`); `sla check` and `sla test` still report it. A mistake in the
    /// `sla` block is still an error for eval.
    @Test func evalIgnoresTestBlocksEvenBrokenOnes() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("tests.sla", """
        sla "x" {
          team t
          stage s on a
        }

        test "in another grammar" {
          assert lead("L1").stage(s) == true
        }

        test "unclosed" { expect (

        """)
        let events = try folder.write("events.jsonl", #"{"lead":"L1","type":"a","at":"2026-03-02T10:00:00Z"}"# + "\n")
        let eval = CommandRun.run(["eval", sla, "--events", events, "--format", "json"])
        #expect(eval.exitCode == 0, "\(eval.error)")
        #expect(eval.output.contains(#""s": "2026-03-02T10:00:00Z""#))
        #expect(CommandRun.run(["explain", sla, "--events", events, "--lead", "L1"]).exitCode == 0)
        #expect(CommandRun.run(["check", sla]).exitCode == 2)
        #expect(CommandRun.run(["test", sla]).exitCode == 2)
        let broken = try folder.write("broken.sla", "sla \"x\" {\n  stage s on\n}\n\ntest \"t\" {\n}\n")
        #expect(CommandRun.run(["eval", broken, "--events", events]).exitCode == 2)
        // The `sla` block's missing `}` is reported at the `test` that follows: still the SLA's.
        let unclosed = try folder.write("unclosed.sla", "sla \"x\" {\n  team t\n  stage s on a\n\ntest \"t\" {\n  expect L1 stage s\n}\n")
        let run = CommandRun.run(["eval", unclosed, "--events", events])
        #expect(run.exitCode == 2)
        #expect(run.error.contains("expected `}`"))
        // More mistakes in a test block than a file keeps: alone they stop nothing, and a
        // mistake of the SLA after them is still found.
        let junk = "test \"t\" {\n" + String(repeating: "  = \n", count: 1_500) + "}\n\n"
        let clean = try folder.write("junk.sla", junk + "sla \"x\" {\n  team t\n  stage s on a\n}\n")
        #expect(CommandRun.run(["eval", clean, "--events", events]).exitCode == 0)
        let late = CommandRun.run(["eval", try folder.write("late.sla", junk + "sla \"x\" {\n  stage s on\n}\n"), "--events", events])
        #expect(late.exitCode == 2)
        #expect(late.error.hasPrefix("error: expected an event type (a name or a string), found `}`\n"))
        // What follows a closed test block is not the test's: a second `sla` block or a
        // stray line stop `eval` as they stop `check`.
        let valid = "sla \"x\" {\n  team t\n  stage s on a\n}\n\ntest \"t\" {\n  expect L1 stage s\n}\n"
        for (name, after) in [("second", "\nsla \"y\" {\n  team u\n}\n"), ("stray", "\n= oops\n"), ("between", "\n= oops\n\ntest \"u\" {\n}\n")] {
            let path = try folder.write("\(name).sla", valid + after)
            #expect(CommandRun.run(["check", path]).exitCode == 2, "\(name)")
            #expect(CommandRun.run(["eval", path, "--events", events]).exitCode == 2, "\(name)")
            #expect(CommandRun.run(["explain", path, "--events", events, "--lead", "L1"]).exitCode == 2, "\(name)")
        }
    }
}
