import Foundation
import Testing
@testable import SLAKit

/// A fresh folder for one test's files, removed when the value is released.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("sla-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` in the folder and returns the file's path.
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }

    func write(_ name: String, _ text: String) throws -> String {
        try write(name, bytes: Array(text.utf8))
    }
}

/// An SLA without problems.
private let cleanSLA = """
sla "clean" {
  team sales
  stage mql on form_submit
  goal volume {
    owner sales
    count mql >= 10
  }
}

"""

/// An SLA whose only problem is a warning (an unused team).
private let warningSLA = """
sla "warning" {
  team sales
  team partners
  stage mql on form_submit
  goal volume {
    owner sales
    count mql >= 10
  }
}

"""

/// An SLA with one error (a misspelt team) and nothing else.
private let errorSLA = """
sla "error" {
  team sales
  stage mql on form_submit
  goal volume {
    owner salse
    count mql >= 10
  }
}

"""

/// `sla check` as a command: exit codes, the three output formats, several files.
@Suite struct CheckCommandTests {
    // MARK: - Exit codes

    @Test func cleanFileExitsZero() throws {
        let folder = try TemporaryFolder()
        let run = CommandRun.run(["check", try folder.write("clean.sla", cleanSLA)])
        #expect(run.exitCode == 0)
        #expect(run.output == "")
        #expect(run.error.hasSuffix("clean.sla: no problems\n"))
    }

    @Test func warningsAloneExitZero() throws {
        let folder = try TemporaryFolder()
        let run = CommandRun.run(["check", try folder.write("warning.sla", warningSLA)])
        #expect(run.exitCode == 0)
        #expect(run.error.contains("warning: team `partners` is never used"))
        #expect(run.error.hasSuffix("warning.sla: 1 warning\n"))
    }

    @Test func warningsWithStrictExitOne() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("warning.sla", warningSLA)
        #expect(CommandRun.run(["check", "--strict", path]).exitCode == 1)
        #expect(CommandRun.run(["check", path, "--strict", "--format", "json"]).exitCode == 1)
        // A clean file stays clean under `--strict`.
        #expect(CommandRun.run(["check", "--strict", try folder.write("clean.sla", cleanSLA)]).exitCode == 0)
    }

    /// `-` is standard input, as for `sla fmt`.
    @Test func dashChecksStandardInput() {
        let clean = CommandRun.run(["check", "-"], input: Array(cleanSLA.utf8))
        #expect(clean.exitCode == 0)
        #expect(clean.error == "<stdin>: no problems\n")
        let broken = CommandRun.run(["check", "-"], input: Array(errorSLA.utf8))
        #expect(broken.exitCode == 2)
        #expect(broken.error.contains("--> <stdin>:"))
    }

    @Test func errorsExitTwoWithOrWithoutStrict() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("error.sla", errorSLA)
        #expect(CommandRun.run(["check", path]).exitCode == 2)
        #expect(CommandRun.run(["check", "--strict", path]).exitCode == 2)
        // A syntax error is an error like any other.
        #expect(CommandRun.run(["check", try folder.write("syntax.sla", "sla \"x\" { team }\n")]).exitCode == 2)
    }

    @Test func unreadableFilesAndUsageErrorsExitThree() throws {
        let folder = try TemporaryFolder()
        let missing = folder.url.appendingPathComponent("missing.sla").path
        let run = CommandRun.run(["check", missing])
        #expect(run.exitCode == 3)
        #expect(run.error == "sla: cannot read `\(missing)`: no such file or not readable\n")
        #expect(run.output == "")

        let directory = CommandRun.run(["check", folder.url.path])
        #expect(directory.exitCode == 3)
        #expect(directory.error.contains("it is a directory"))

        let clean = try folder.write("clean.sla", cleanSLA)
        for arguments in [["check"], ["check", clean, "--format", "xml"], ["check", clean, "--stric"], ["check", clean, "--format"]] {
            let usage = CommandRun.run(arguments)
            #expect(usage.exitCode == 3, "\(arguments)")
            // One line on stderr.
            #expect(usage.error.hasPrefix("sla: ") && usage.error.filter { $0 == "\n" }.count == 1, "\(arguments): \(usage.error)")
        }
        #expect(CommandRun.run(["check", clean, "--stric"]).error.contains("did you mean `--strict`?"))
    }

    // MARK: - Human format

    @Test func humanRenderingIsPinned() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("error.sla", errorSLA)
        let run = CommandRun.run(["check", path])
        let expected = """
        error: unknown team `salse`
         --> \(path):5:11
          |
        5 |     owner salse
          |           ^^^^^
          = help: did you mean `sales`?

        \(path): 1 error

        """
        #expect(run.error == expected)
        #expect(run.output == "")
    }

    @Test func humanCaretUnderlinesTheSpanAndLinesUpAfterUnicodeAndTabs() throws {
        let folder = try TemporaryFolder()
        let text = "sla \"x\" {\n\tteam sales\n\tstage s when lead.name == \"Ålö\" and fitt > 1\n\tgoal g { owner sales  count s >= 1 }\n}\n"
        let run = CommandRun.run(["check", try folder.write("unicode.sla", text)])
        let lines = run.error.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let source = try #require(lines.firstIndex { $0.hasPrefix("3 | ") })
        #expect(lines[source] == "3 |  stage s when lead.name == \"Ålö\" and fitt > 1")
        // One column per scalar: the tab is one space, `Å` and `ö` one column each.
        #expect(lines[source + 1] == "  | " + String(repeating: " ", count: 37) + "^^^^")
    }

    @Test func humanShowsAWindowOfALongLine() throws {
        let folder = try TemporaryFolder()
        // A long list is long without being deep.
        let list = "[" + Array(repeating: "\"abcdefgh\"", count: 10_000).joined(separator: ", ") + "]"
        let text = "sla \"x\" {\n  team t\n  stage s when lead.x in \(list) and nope\n  goal g { owner t  count s >= 1 }\n}\n"
        let run = CommandRun.run(["check", try folder.write("long.sla", text)])
        #expect(run.exitCode == 2)
        let lines = run.error.split(separator: "\n").map(String.init)
        let source = try #require(lines.first { $0.hasPrefix("3 | ") })
        let caret = try #require(lines.first { $0.hasSuffix("^^^^") })
        #expect(source.hasPrefix("3 | …") && source.hasSuffix("nope"))
        #expect(source.unicodeScalars.count < 140)
        // The caret stands under `nope`.
        #expect(caret.unicodeScalars.count == source.unicodeScalars.count)
    }

    // MARK: - JSON and GitHub formats

    @Test func jsonFormatHasEveryField() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("error.sla", errorSLA)
        let run = CommandRun.run(["check", path, "--format", "json"])
        #expect(run.exitCode == 2)
        #expect(run.error == "")
        let document = try #require(JSON.parse(run.output))
        let expected = JSON.array([.object([
            "file": .string(path), "line": .number(5), "column": .number(11), "end_line": .number(5),
            "end_column": .number(16), "severity": .string("error"), "code": .string("unknown-name"),
            "message": .string("unknown team `salse`"), "help": .string("did you mean `sales`?"),
        ])])
        #expect(jsonDifference(expected, document) == nil, "\(run.output)")
    }

    @Test func jsonFormatOfACleanFileIsAnEmptyArray() throws {
        let folder = try TemporaryFolder()
        let run = CommandRun.run(["check", try folder.write("clean.sla", cleanSLA), "--format", "json"])
        #expect(JSON.parse(run.output) == .array([]))
        #expect(run.exitCode == 0)
    }

    @Test func jsonHelpIsNullWithoutHelp() throws {
        let folder = try TemporaryFolder()
        let run = CommandRun.run(["check", try folder.write("warning.sla", warningSLA), "--format", "json"])
        guard case .array(let items)? = JSON.parse(run.output), case .object(let first)? = items.first else {
            Issue.record("not a JSON array: \(run.output)"); return
        }
        #expect(first["help"] == .null)
        #expect(first["severity"] == .string("warning"))
        #expect(first["code"] == .string("unused"))
    }

    @Test func githubFormatWritesWorkflowCommands() throws {
        let folder = try TemporaryFolder()
        let error = try folder.write("error.sla", errorSLA)
        let warning = try folder.write("warning.sla", warningSLA)
        let run = CommandRun.run(["check", "--format", "github", error, warning])
        #expect(run.exitCode == 2)
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines == [
            "::error file=\(error),line=5,col=11,title=unknown-name::unknown team `salse` (help: did you mean `sales`?)",
            "::warning file=\(warning),line=3,col=8,title=unused::team `partners` is never used",
        ])
    }

    /// A test file whose `use`d SLA is broken shows that SLA's errors; checked together
    /// with that SLA, they are shown once, not once per file.
    @Test func aUsedSLACheckedTooIsReportedOnce() throws {
        let folder = try TemporaryFolder()
        let broken = try folder.write("broken.sla", "sla \"x\" {\n  stage s on\n}\n")
        let tests = try folder.write("broken.test.sla", "use \"broken.sla\"\n\ntest \"t\" {\n  expect L1 stage s never\n}\n")
        let alone = CommandRun.run(["check", tests])
        #expect(alone.exitCode == 2)
        #expect(alone.error.hasSuffix("\(tests): 1 error\n"))
        let together = CommandRun.run(["check", tests, broken])
        #expect(together.exitCode == 2)
        #expect(together.error.hasSuffix("2 files: 1 error\n"), "\(together.error)")
        #expect(together.error.components(separatedBy: "error: ").count == 2)
    }

    @Test func githubFormatEscapesPropertiesAndData() {
        let file = SourceFile(path: "a,b:c.sla", text: "x")
        let diagnostic = Diagnostic(code: "c", severity: .error, message: "100% sure\nreally",
                                    range: SourceRange.at(0), file: file)
        #expect(DiagnosticRenderer.github(diagnostic) == "::error file=a%2Cb%3Ac.sla,line=1,col=1,title=c::100%25 sure%0Areally")
        // An escape sequence (from a string of the source) does not reach the CI log raw.
        let escape = Diagnostic(code: "c", severity: .error, message: "unknown time zone `\u{1B}[31m`",
                                range: SourceRange.at(0), file: SourceFile(path: "t\u{1B}.sla", text: "x"))
        #expect(DiagnosticRenderer.github(escape) == "::error file=t\u{241B}.sla,line=1,col=1,title=c::unknown time zone `\u{241B}[31m`")
    }

    // MARK: - Several files

    @Test func severalFilesAreAllChecked() throws {
        let folder = try TemporaryFolder()
        let error = try folder.write("error.sla", errorSLA)
        let warning = try folder.write("warning.sla", warningSLA)
        let clean = try folder.write("clean.sla", cleanSLA)
        let run = CommandRun.run(["check", clean, error, warning])
        #expect(run.exitCode == 2)
        #expect(run.error.contains("--> \(error):5:11"))
        #expect(run.error.contains("--> \(warning):3:8"))
        #expect(run.error.hasSuffix("3 files: 1 error, 1 warning\n"))

        // Warnings in one file and none in the other: still exit 0, 1 with `--strict`.
        #expect(CommandRun.run(["check", clean, warning]).exitCode == 0)
        #expect(CommandRun.run(["check", "--strict", clean, warning]).exitCode == 1)
    }

    @Test func jsonListsTheDiagnosticsOfEveryFile() throws {
        let folder = try TemporaryFolder()
        let error = try folder.write("error.sla", errorSLA)
        let warning = try folder.write("warning.sla", warningSLA)
        guard case .array(let items)? = JSON.parse(CommandRun.run(["check", error, warning, "--format", "json"]).output) else {
            Issue.record("not a JSON array"); return
        }
        #expect(items.compactMap { item -> String? in
            if case .object(let fields) = item, case .string(let file)? = fields["file"] { return file }
            return nil
        } == [error, warning])
    }

    // MARK: - The examples

    @Test(arguments: TestPaths.entries(TestPaths.examples).filter { $0.hasSuffix(".sla") })
    func examplesCheckCleanWithoutWarnings(_ name: String) {
        let path = TestPaths.examples.appendingPathComponent(name).path
        let run = CommandRun.run(["check", "--strict", "--format", "json", path])
        #expect(run.exitCode == 0, "\(name): \(run.output)")
        #expect(JSON.parse(run.output) == .array([]), "\(name): \(run.output)")
    }
}

/// Inputs that must never crash or hang `sla check`: each gives a diagnostic and exit 2.
@Suite struct CheckRobustnessTests {
    /// Runs `sla check` on `bytes` written to a temporary file; returns the run and the
    /// diagnostic codes of its JSON output.
    private func check(_ bytes: [UInt8]) throws -> (run: CommandRun, codes: [String]) {
        let folder = try TemporaryFolder()
        let path = try folder.write("input.sla", bytes: bytes)
        let human = CommandRun.run(["check", path])
        let run = CommandRun.run(["check", path, "--format", "json"])
        #expect(human.exitCode == run.exitCode)
        guard case .array(let items)? = JSON.parse(run.output) else {
            Issue.record("output is not a JSON array: \(run.output.prefix(300))")
            return (run, [])
        }
        let codes = items.compactMap { item -> String? in
            if case .object(let fields) = item, case .string(let code)? = fields["code"] { return code }
            return nil
        }
        return (run, codes)
    }

    @Test func emptyFile() throws {
        let result = try check([])
        #expect(result.run.exitCode == 2)
        #expect(result.codes == ["missing-sla"])
    }

    @Test func binaryGarbage() throws {
        // A fixed linear congruential sequence: the same "random" bytes on every run.
        var state: UInt64 = 0x5EED
        let bytes = (0..<4_000).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let result = try check(bytes)
        #expect(result.run.exitCode == 2)
        #expect(!result.codes.isEmpty)
    }

    @Test func invalidUTF8() throws {
        let bytes = Array("sla \"x\" {\n  team sa".utf8) + [0xC3, 0x28, 0xFF] + Array("les\n}\n".utf8)
        let result = try check(bytes)
        #expect(result.run.exitCode == 2)
        #expect(result.codes.first == "invalid-utf8")
    }

    @Test func overlongEncodingIsInvalidUTF8() throws {
        // `/` encoded in two bytes.
        let result = try check(Array("sla \"x\" { timezone \"Europe".utf8) + [0xC0, 0xAF] + Array("Oslo\" }\n".utf8))
        #expect(result.run.exitCode == 2)
        #expect(result.codes == ["invalid-utf8"])
    }

    @Test func oneMegabyteLine() throws {
        let text = "sla \"x\" {\n  team t\n  stage s when lead.x == \"" + String(repeating: "a", count: 1_000_000) + "\"\n}\n"
        let result = try check(Array(text.utf8))
        #expect(result.run.exitCode == 2)
        #expect(result.codes == ["token-too-long"])
        // The human rendering shows a window of the line, not all of it.
        let folder = try TemporaryFolder()
        let human = CommandRun.run(["check", try folder.write("long.sla", text)])
        #expect(human.error.utf8.count < 2_000)
    }

    @Test func oneMegabyteLineOfExpression() throws {
        let text = "sla \"x\" {\n  stage s when " + String(repeating: "lead.x == 1 or ", count: 70_000) + "true\n}\n"
        let result = try check(Array(text.utf8))
        #expect(result.run.exitCode == 2)
        #expect(result.codes == ["nesting-too-deep"])
    }

    @Test func tenThousandNestedParentheses() throws {
        let text = "sla \"x\" {\n  stage s when " + String(repeating: "(", count: 10_000) + "true" + String(repeating: ")", count: 10_000) + "\n}\n"
        let result = try check(Array(text.utf8))
        #expect(result.run.exitCode == 2)
        #expect(result.codes == ["nesting-too-deep"])
    }

    @Test func tenThousandUnclosedBrackets() throws {
        let text = "sla \"x\" {\n  stage s when " + String(repeating: "[", count: 10_000) + "\n}\n"
        let result = try check(Array(text.utf8))
        #expect(result.run.exitCode == 2)
        #expect(!result.codes.isEmpty)
    }

    @Test func nulBytes() throws {
        let bytes = Array("sla \"x\" {\n  team a".utf8) + [0, 0, 0] + Array("b\n}\n".utf8)
        let result = try check(bytes)
        #expect(result.run.exitCode == 2)
        #expect(result.codes.contains("nul-byte"))
        // The NUL is shown as `␀`, never written raw to the terminal.
        let folder = try TemporaryFolder()
        let human = CommandRun.run(["check", try folder.write("nul.sla", bytes: bytes)])
        #expect(!human.error.unicodeScalars.contains("\u{0}"))
        #expect(human.error.contains("team a␀␀␀b"))
    }

    @Test func humanOutputShowsTheFirstHundredDiagnosticsOfAFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("many.sla", "sla \"x\" {\n" + (0..<150).map { "  stage s\($0) when nope\n" }.joined() + "}\n")
        let run = CommandRun.run(["check", path])
        #expect(run.exitCode == 2)
        #expect(run.error.components(separatedBy: "error: ").count - 1 == CheckCommand.maximumShownPerFile)
        #expect(run.error.hasSuffix("note: \(150 - CheckCommand.maximumShownPerFile) more in \(path) not shown (`--format json` lists all)\n\n\(path): 150 errors\n"))
    }

    /// Past the diagnostics a file shows, the summary and the note count every one: they
    /// counted those kept ("601 errors, 400 warnings" and "901 more" for these 5,000).
    @Test func summaryCountsEveryDiagnosticPastTheCap() throws {
        // 3,000 unknown names (errors) and 2,000 state rules reading `event.` (warnings),
        // interleaved. (Names far from every declared one make the did-you-means quick.)
        var text = "sla \"x\" {\n  team sales\n"
        for group in 0..<1_000 {
            for index in (3 * group)..<(3 * group + 3) { text += "  stage s\(index) on e where undeclared_name_\(index)\n" }
            for index in (2 * group)..<(2 * group + 2) { text += "  score w\(index) { +1 when event.x == 1 }\n" }
        }
        text += "}\n"
        let folder = try TemporaryFolder()
        let path = try folder.write("many.sla", text)
        let human = CommandRun.run(["check", path])
        #expect(human.exitCode == 2)
        #expect(human.error.components(separatedBy: "--> ").count - 1 == CheckCommand.maximumShownPerFile)
        #expect(human.error.hasSuffix("""
            note: 4900 more in \(path) not shown (`--format json` lists the first 1000)

            \(path): 3000 errors, 2000 warnings

            """), "\(human.error.suffix(300))")
        // Two files: the totals of both.
        let twice = CommandRun.run(["check", path, path])
        #expect(twice.error.hasSuffix("2 files: 6000 errors, 4000 warnings\n"))

        let json = CommandRun.run(["check", "--format", "json", path])
        guard case .array(let items)? = JSON.parse(json.output), case .object(let last)? = items.last else {
            Issue.record("no JSON array"); return
        }
        #expect(items.count == Limits.maximumDiagnosticsShown + 1)
        #expect(last["message"] == .string("4000 more diagnostics in this file not shown"))
        #expect(last["severity"] == .string("error"))
    }

    @Test func onlyNulBytes() throws {
        let result = try check([UInt8](repeating: 0, count: 4_096))
        #expect(result.run.exitCode == 2)
        #expect(!result.codes.isEmpty)
    }
}
