import Foundation
import Testing
@testable import SLAKit

/// Every `.sla` file of the repository that parses without errors: the examples, the
/// conformance cases and the fixtures (searched recursively), as absolute paths.
private let formattableFiles: [String] = {
    var paths: [String] = []
    for name in TestPaths.entries(TestPaths.examples) where name.hasSuffix(".sla") {
        paths.append(TestPaths.examples.appendingPathComponent(name).path)
    }
    for name in TestPaths.entries(TestPaths.conformance) {
        let path = TestPaths.conformance.appendingPathComponent(name).appendingPathComponent("case.sla").path
        if FileManager.default.fileExists(atPath: path) { paths.append(path) }
    }
    let enumerator = FileManager.default.enumerator(atPath: TestPaths.fixtures.path)
    var fixtures: [String] = []
    while let relative = enumerator?.nextObject() as? String {
        if relative.hasSuffix(".sla") { fixtures.append(TestPaths.fixtures.appendingPathComponent(relative).path) }
    }
    paths += fixtures.sorted()
    return paths.filter { path in
        guard let data = FileManager.default.contents(atPath: path) else { return false }
        return !Parser.parse(SourceFile(path: path, bytes: Array(data))).diagnostics.hasErrors
    }
}()

/// The examples and conformance cases (what CI and users format).
private let examplesAndCases: [String] = formattableFiles.filter {
    $0.hasPrefix(TestPaths.examples.path) || $0.hasPrefix(TestPaths.conformance.path)
}

/// The folder of the data-driven formatting fixtures: `NAME.input.sla` / `NAME.expected.sla`.
private let formatFixtures = TestPaths.fixtures.appendingPathComponent("format")

private let formatFixtureNames: [String] = TestPaths.entries(formatFixtures)
    .filter { $0.hasSuffix(".input.sla") }
    .map { String($0.dropLast(".input.sla".count)) }

/// The path relative to the repository, for readable test names and messages.
private func relative(_ path: String) -> String {
    path.hasPrefix(TestPaths.repository.path + "/") ? String(path.dropFirst(TestPaths.repository.path.count + 1)) : path
}

private func source(_ path: String) throws -> SourceFile {
    SourceFile(path: path, bytes: Array(try #require(FileManager.default.contents(atPath: path))))
}

private func formatText(_ text: String) -> String {
    let source = SourceFile(path: "input.sla", text: text)
    return Formatter.format(Parser.parse(source).file, source: source)
}

/// A fresh temporary folder, removed by the caller.
private func temporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sla-fmt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

private func write(_ text: String, to url: URL) throws {
    try Data(text.utf8).write(to: url)
}

private func read(_ url: URL) throws -> String {
    String(decoding: try Data(contentsOf: url), as: UTF8.self)
}

@Suite struct FormatterTests {
    // MARK: - Safety over the whole corpus

    @Test func corpusHoldsExamplesCasesAndFixtures() {
        #expect(examplesAndCases.count >= 10)
        #expect(formattableFiles.contains { $0.hasSuffix("format/comments-in-lists.input.sla") })
        #expect(formatFixtureNames.count >= 10)
    }

    /// format(x) parses to the same tree and comments as x, and format(format(x)) == format(x).
    @Test(arguments: formattableFiles.map(relative))
    func formattingIsSafeAndIdempotent(_ path: String) throws {
        let source = try source(TestPaths.repository.appendingPathComponent(path).path)
        let parse = Parser.parse(source)
        let formatted = Formatter.format(parse.file, source: source)

        let output = SourceFile(path: path, text: formatted)
        let reparsed = Parser.parse(output)
        #expect(!reparsed.diagnostics.hasErrors, "formatted text of \(path) does not parse")
        #expect(ASTPrinter.print(reparsed.file) == ASTPrinter.print(parse.file))
        let before = parse.file.comments.map { LayoutWriter.commentText($0, in: source.bytes) }
        let after = reparsed.file.comments.map { LayoutWriter.commentText($0, in: output.bytes) }
        #expect(after == before)
        #expect(Formatter.format(reparsed.file, source: output) == formatted)
        #expect(formatted.hasSuffix("\n") && !formatted.hasSuffix("\n\n"))
        #expect(Formatter.verify(parse.file, source: source, formatted: formatted) == nil)
    }

    /// What CI runs: after one `sla fmt -w`, `sla fmt --check` passes and `-w` changes
    /// nothing more.
    @Test func examplesAndCasesRoundTripThroughTheCommand() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var copies: [String] = []
        for (index, path) in examplesAndCases.enumerated() {
            let copy = folder.appendingPathComponent("\(index).sla")
            try FileManager.default.copyItem(atPath: path, toPath: copy.path)
            copies.append(copy.path)
        }
        let first = CommandRun.run(["fmt", "-w"] + copies)
        #expect(first.exitCode == 0, "\(first.error)")
        let once = try copies.map { try read(URL(fileURLWithPath: $0)) }
        let check = CommandRun.run(["fmt", "--check"] + copies)
        #expect(check.exitCode == 0)
        #expect(check.output == "")
        #expect(CommandRun.run(["fmt", "-w"] + copies).exitCode == 0)
        #expect(try copies.map { try read(URL(fileURLWithPath: $0)) } == once)
    }

    /// The repository's examples are committed formatted (CI runs `sla fmt --check`).
    @Test func examplesAreFormatted() {
        let examples = examplesAndCases.filter { $0.hasPrefix(TestPaths.examples.path) }
        let run = CommandRun.run(["fmt", "--check"] + examples)
        #expect(run.exitCode == 0, "unformatted: \(run.output)")
    }

    // MARK: - Fixtures

    /// `format/NAME.input.sla` formats to `format/NAME.expected.sla`, which is a fixed point.
    @Test(arguments: formatFixtureNames)
    func fixture(_ name: String) throws {
        let input = try source(formatFixtures.appendingPathComponent("\(name).input.sla").path)
        let expected = try read(formatFixtures.appendingPathComponent("\(name).expected.sla"))
        let parse = Parser.parse(input)
        let formatted = Formatter.format(parse.file, source: input)
        #expect(formatted == expected)
        #expect(formatText(expected) == expected)
        if !parse.diagnostics.hasErrors {
            #expect(Formatter.verify(parse.file, source: input, formatted: formatted) == nil)
        }
    }

    @Test func onlyCommentsFixtureIsTheOneThatDoesNotParse() throws {
        let input = try source(formatFixtures.appendingPathComponent("only-comments.input.sla").path)
        let codes = Parser.parse(input).diagnostics.items.map(\.code)
        #expect(codes == ["missing-sla"])
    }

    // MARK: - Layout details

    @Test func literalSpellingsAreKept() {
        let text = """
        sla "x" {
          calendar c {
            mon-fri 8:00-9:30
          }
          stage a when lead.n == 1_000_000 and lead.d < 1h30m and lead.r >= 97.5% and lead.z == 007
        }
        """
        let formatted = formatText(text)
        #expect(formatted.contains("mon-fri 08:00-09:30\n"))
        #expect(formatted.contains("lead.n == 1_000_000 and lead.d < 1h30m and lead.r >= 97.5% and lead.z == 007\n"))
    }

    @Test func stringsAreReEscapedCanonically() {
        #expect(formatText(#"sla "caf\u{E9} \"q\" \\ \u{9}" {}"#) == "sla \"café \\\"q\\\" \\\\ \\t\" {\n}\n")
        // Invisible or combining scalars stay escaped; a combining mark after a letter
        // that is not ASCII stays as it is.
        #expect(formatText(#"sla "\u{200B}\u{301}e\u{301}\u{E9}\u{301}" {}"#) == "sla \"\\u{200B}\\u{301}e\\u{301}é\u{301}\" {\n}\n")
        // A zero-width joiner is itself only between two emoji (`👩‍💻`): `a‍b` would read `ab`.
        #expect(formatText(#"sla "a\u{200D}b \u{1F469}\u{200D}\u{1F4BB} \u{1F469}\u{200D}" {}"#)
                == "sla \"a\\u{200D}b \u{1F469}\u{200D}\u{1F4BB} \u{1F469}\\u{200D}\" {\n}\n")
    }

    @Test func goalSuffixesGoInCanonicalOrder() {
        let text = """
        sla "x" {
          goal g {
            count mql >= 4 where lead.a == 1 by lead.owner per week
          }
        }
        """
        #expect(formatText(text).contains("    count mql >= 4 per week by lead.owner where lead.a == 1\n"))
    }

    @Test func eventRowsAreNotAligned() {
        let text = """
        sla "x" {}
        test "t" {
          events {
            2026-03-02 09:00   L1     form_submit   a: 1
            2026-03-02 09:10   L200   call
          }
        }
        """
        let formatted = formatText(text)
        #expect(formatted.contains("    2026-03-02 09:00 L1 form_submit a: 1\n    2026-03-02 09:10 L200 call\n"))
    }

    @Test func blankLinesCollapseAndNeverFollowAnOpeningBrace() {
        let text = "sla \"x\" {\n\n\n  team a\n\n\n\n  team b\n\n}\n\n\n"
        #expect(formatText(text) == "sla \"x\" {\n  team a\n\n  team b\n}\n")
    }

    @Test func windowsLineBreaksBecomeLineFeeds() {
        let text = "sla \"x\" {\r\n  team a   # owner team \r\n\r\n  team b\r\n}\r\n"
        #expect(formatText(text) == "sla \"x\" {\n  team a # owner team\n\n  team b\n}\n")
    }

    @Test func commentsInsideAStatementBreakIt() {
        let text = "sla \"x\" {\n  stage a when lead.a == 1 and # first\n lead.b == 2\n}\n"
        #expect(formatText(text) == "sla \"x\" {\n  stage a when lead.a == 1 and # first\n    lead.b == 2\n}\n")
    }

    // MARK: - ASTPrinter

    @Test func astPrinterIgnoresRangesAndLayout() {
        let a = Parser.parse(SourceFile(path: "a", text: "sla \"x\" { stage s when lead.a==1 }")).file
        let b = Parser.parse(SourceFile(path: "b", text: "# c\nsla \"x\" {\n  stage s when lead.a == 1 # d\n}\n")).file
        #expect(ASTPrinter.print(a) == ASTPrinter.print(b))
    }

    @Test func astPrinterSeesParenthesesAndValues() {
        func dump(_ text: String) -> String { ASTPrinter.print(Parser.parse(SourceFile(path: "a", text: text)).file) }
        #expect(dump("sla \"x\" { stage s when (lead.a == 1) }") != dump("sla \"x\" { stage s when lead.a == 1 }"))
        #expect(dump("sla \"x\" { stage s when lead.a == 1 }") != dump("sla \"x\" { stage s when lead.a == 2 }"))
        #expect(dump("sla \"x\" { stage s on \"a\" }") != dump("sla \"x\" { stage s on a }"))
        #expect(dump("sla \"x\" { stage s when lead.a == 1_000 }") == dump("sla \"x\" { stage s when lead.a == 1000 }"))
    }

    // MARK: - Diff

    @Test func unifiedDiffHasHeadersHunksAndContext() {
        let old = (1...12).map { "line \($0)\n" }.joined()
        var lines = (1...12).map { "line \($0)\n" }
        lines[1] = "LINE 2\n"
        lines[10] = "LINE 11\n"
        let new = lines.joined()
        let expected = """
        --- a/f.sla
        +++ b/f.sla
        @@ -1,5 +1,5 @@
         line 1
        -line 2
        +LINE 2
         line 3
         line 4
         line 5
        @@ -8,5 +8,5 @@
         line 8
         line 9
         line 10
        -line 11
        +LINE 11
         line 12

        """
        #expect(LineDiff.unified(old: old, new: new, path: "f.sla") == expected)
        #expect(LineDiff.unified(old: old, new: old, path: "f.sla") == "")
    }

    @Test func unifiedDiffMergesCloseChangesAndMarksMissingNewline() {
        let diff = LineDiff.unified(old: "a\nb\nc\nd", new: "a\nB\nc\nd\n", path: "f")
        #expect(diff == "--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n-d\n\\ No newline at end of file\n+d\n")
        #expect(LineDiff.unified(old: "", new: "x\n", path: "f") == "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n")
        #expect(LineDiff.unified(old: "x\ny\n", new: "y\n", path: "f") == "--- a/f\n+++ b/f\n@@ -1,2 +1 @@\n-x\n y\n")
        // A CRLF line ends with its line break (a CRLF is one Character): no marker.
        #expect(LineDiff.unified(old: "x\r\ny\r\n", new: "x\ny\n", path: "f")
                == "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n-x\r\n-y\r\n+x\n+y\n")
    }

    // MARK: - The command

    private static let unformatted = "sla \"x\" {\n    team   sales\n}\n"
    private static let formatted = "sla \"x\" {\n  team sales\n}\n"

    @Test func printsOneFileToStandardOutput() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a.sla")
        try write(Self.unformatted, to: file)
        let run = CommandRun.run(["fmt", file.path])
        #expect(run.exitCode == 0)
        #expect(run.output == Self.formatted)
        #expect(try read(file) == Self.unformatted)
    }

    @Test func checkListsUnformattedFilesAndExitsOne() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.sla")
        let bad = folder.appendingPathComponent("bad.sla")
        try write(Self.formatted, to: good)
        try write(Self.unformatted, to: bad)
        let clean = CommandRun.run(["fmt", "--check", good.path])
        #expect(clean.exitCode == 0)
        #expect(clean.output == "")
        let run = CommandRun.run(["fmt", "--check", good.path, bad.path])
        #expect(run.exitCode == 1)
        #expect(run.output == bad.path + "\n")
        #expect(try read(bad) == Self.unformatted)
    }

    @Test func writeRewritesOnlyChangedFiles() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.sla")
        let bad = folder.appendingPathComponent("bad.sla")
        try write(Self.formatted, to: good)
        try write(Self.unformatted, to: bad)
        func fileNumber(_ url: URL) throws -> Int? {
            try FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? Int
        }
        let goodBefore = try fileNumber(good)
        let run = CommandRun.run(["fmt", "-w", good.path, bad.path])
        #expect(run.exitCode == 0)
        #expect(run.output == "")
        #expect(try read(bad) == Self.formatted)
        #expect(try read(good) == Self.formatted)
        // An atomic rewrite renames a new file into place; the formatted file was not.
        #expect(try fileNumber(good) == goodBefore)
        #expect(TestPaths.entries(folder) == ["bad.sla", "good.sla"])
    }

    @Test func diffPrintsUnifiedDiffAndExitsOne() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = folder.appendingPathComponent("bad.sla")
        try write(Self.unformatted, to: bad)
        let run = CommandRun.run(["fmt", "--diff", bad.path])
        #expect(run.exitCode == 1)
        #expect(run.output == """
        --- a/\(bad.path)
        +++ b/\(bad.path)
        @@ -1,3 +1,3 @@
         sla "x" {
        -    team   sales
        +  team sales
         }

        """)
        #expect(try read(bad) == Self.unformatted)
        try write(Self.formatted, to: bad)
        let clean = CommandRun.run(["fmt", "--diff", bad.path])
        #expect(clean.exitCode == 0)
        #expect(clean.output == "")
    }

    @Test func dashReadsStandardInput() {
        let run = CommandRun.run(["fmt", "-"], input: Array(Self.unformatted.utf8))
        #expect(run.exitCode == 0)
        #expect(run.output == Self.formatted)
        let check = CommandRun.run(["fmt", "--check", "-"], input: Array(Self.unformatted.utf8))
        #expect(check.exitCode == 1)
        #expect(check.output == "<stdin>\n")
    }

    @Test func parseErrorsLeaveTheFileUntouched() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let broken = folder.appendingPathComponent("broken.sla")
        let text = "sla \"x\" {\n    team\n    stage s when lead.a ==\n}\n"
        try write(text, to: broken)
        for mode in [[], ["-w"], ["--check"], ["--diff"]] {
            let run = CommandRun.run(["fmt"] + mode + [broken.path])
            #expect(run.exitCode == 2)
            #expect(run.output == "")
            #expect(run.error.contains("error:"))
            #expect(run.error.contains("broken.sla:3:5"))
        }
        #expect(try read(broken) == text)
        let stdin = CommandRun.run(["fmt", "-"], input: Array(text.utf8))
        #expect(stdin.exitCode == 2)
        #expect(stdin.output == "")
    }

    /// A file with runs of bad bytes is refused as any file with syntax errors is, and its
    /// diagnostics shown as `sla check` shows them: one per run, the caret under the run.
    @Test func runsOfBadBytesAreRefusedWithOneDiagnosticEach() throws {
        let folder = try TemporaryFolder()
        let bytes = Array(try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("syntax/byte-runs.sla")))
        let path = try folder.write("runs.sla", bytes: bytes)
        for mode in [[], ["-w"], ["--check"], ["--diff"]] {
            let run = CommandRun.run(["fmt"] + mode + [path])
            #expect(run.exitCode == 2)
            #expect(run.output == "")
            #expect(run.error.hasPrefix("""
                error: source contains 3 NUL bytes in a row
                 --> \(path):2:9
                  |
                2 |   team a\u{2400}\u{2400}\u{2400}
                  |         ^^^

                error: unexpected character `\\u{1}`, 4 in a row
                 --> \(path):3:9
                  |
                3 |   team b\u{2401}\u{2401}\u{2401}\u{2401}
                  |         ^^^^

                """), "\(run.error)")
            #expect(run.error.hasSuffix("\(path): not formatted: 14 errors\n"))
        }
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        // A megabyte of NUL bytes on standard input: one diagnostic for them.
        let stdin = CommandRun.run(["fmt", "-"], input: Array("sla \"x\" {\n  team a ".utf8) + [UInt8](repeating: 0, count: 1 << 20) + Array("\n}\n".utf8))
        #expect(stdin.exitCode == 2)
        #expect(stdin.output == "")
        #expect(stdin.error.hasPrefix("error: source contains 1048576 NUL bytes in a row\n --> <stdin>:2:10\n"), "\(stdin.error.prefix(300))")
        #expect(stdin.error.hasSuffix("<stdin>: not formatted: 1 error\n"))
    }

    @Test func usageErrorsExitThree() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("a.sla")
        try write(Self.formatted, to: file)
        #expect(CommandRun.run(["fmt"]).exitCode == 3)
        #expect(CommandRun.run(["fmt", file.path, file.path]).exitCode == 3)
        #expect(CommandRun.run(["fmt", "-w", "--check", file.path]).exitCode == 3)
        #expect(CommandRun.run(["fmt", "-w", "-"]).exitCode == 3)
        #expect(CommandRun.run(["fmt", "--nope", file.path]).exitCode == 3)
        let missing = CommandRun.run(["fmt", "--check", folder.appendingPathComponent("missing.sla").path])
        #expect(missing.exitCode == 3)
        #expect(missing.error.contains("cannot read"))
    }

    @Test func internalErrorsAreReportedForUnsafeOutput() throws {
        // The check itself: output that changes the tree is refused.
        let source = SourceFile(path: "a.sla", text: "sla \"x\" {\n  team a\n}\n")
        let file = Parser.parse(source).file
        #expect(Formatter.verify(file, source: source, formatted: "sla \"x\" {\n  team b\n}\n") != nil)
        #expect(Formatter.verify(file, source: source, formatted: "sla \"x\" {\n  team a # new\n}\n") != nil)
        #expect(Formatter.verify(file, source: source, formatted: "sla \"x\" {\n  team a\n") != nil)
        #expect(Formatter.verify(file, source: source, formatted: "sla \"x\" {\n    team a\n}\n") != nil)
        #expect(Formatter.verify(file, source: source, formatted: "sla \"x\" {\n  team a\n}\n") == nil)
    }

    /// A valid string of 40,000 tabs is written `\t` by the formatter: 80,000 bytes between
    /// the quotes, past the 65,536 a literal may hold. `fmt` says so (exit 2), leaves the
    /// file alone, and calls it no internal error.
    @Test func aCanonicalFormPastTheLimitsIsReported() throws {
        let folder = try TemporaryFolder()
        let text = "sla \"" + String(repeating: "\t", count: 40_000) + "\" {\n  team a\n}\n"
        let path = try folder.write("tabs.sla", text)
        let run = CommandRun.run(["fmt", "-w", path])
        #expect(run.exitCode == 2)
        #expect(run.error.hasPrefix("sla: `\(path)` cannot be formatted: its canonical form would break a limit at line 1, column 5 (token is longer than 65536 bytes)"), "\(run.error)")
        #expect(!run.error.contains("internal error"))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }
}
