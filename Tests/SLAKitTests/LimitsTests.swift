import Foundation
import Testing
@testable import SLAKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The limits of Tests/Fuzz/README.md ("Limits and bad input"): each is enforced with a
/// diagnostic (SLA files) or a rejected record (event files), never a crash, a hang or
/// unbounded memory.
@Suite struct LimitsTests {
    // MARK: Helpers

    /// Every diagnostic `sla check` would show for `bytes`.
    static func diagnostics(_ bytes: [UInt8]) -> [Diagnostic] {
        LoadedFile.analyse(SourceFile(path: "limits.sla", bytes: bytes)).diagnostics
    }

    static func diagnostics(_ text: String) -> [Diagnostic] { diagnostics(Array(text.utf8)) }

    static func codes(_ text: String) -> [String] { diagnostics(text).map(\.code) }

    /// An SLA whose one score rule has `condition`.
    static func sla(condition: String) -> String {
        "sla \"limits\" {\n  score s {\n    +1 when \(condition)\n  }\n  stage hot when s > 0\n}\n"
    }

    /// A temporary folder, removed by the caller.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sla-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let slaText = "sla \"limits\" {\n  score s {\n    +1 when lead.n > 1\n  }\n}\n"

    /// `sla eval --format json` of `slaText` over an event file with `bytes`; returns the run and
    /// the report's `input` object.
    static func evaluate(_ bytes: [UInt8], name: String, extra: [String] = []) throws -> (run: CommandRun, input: [String: JSON]) {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try slaText.write(to: folder.appendingPathComponent("limits.sla"), atomically: true, encoding: .utf8)
        try Data(bytes).write(to: folder.appendingPathComponent(name))
        let run = CommandRun.run(["eval", folder.appendingPathComponent("limits.sla").path, "--events",
                                  folder.appendingPathComponent(name).path, "--format", "json", "--max-bad", "100"] + extra)
        guard case .object(let document)? = JSON.parse(run.output), case .object(let input)? = document["input"] else {
            return (run, [:])
        }
        return (run, input)
    }

    static let at = #""at":"2026-03-02T09:05:00Z""#

    // MARK: SLA files

    @Test func expressionNestingIsLimited() {
        // 99 parentheses inside a comparison: 100 levels, the limit.
        let atLimit = Self.sla(condition: "lead.n > " + String(repeating: "(", count: 99) + "1" + String(repeating: ")", count: 99))
        #expect(Self.codes(atLimit) == [])
        let over = Self.sla(condition: "lead.n > " + String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100))
        #expect(Self.codes(over) == ["nesting-too-deep"])
        // Far deeper nestings of every kind: one diagnostic, no stack overflow.
        for (open, close) in [("(", ")"), ("[", "]"), ("- ", ""), ("len(", ")")] {
            let deep = Self.sla(condition: "lead.n > " + String(repeating: open, count: 50_000) + "1" + String(repeating: close, count: 50_000))
            #expect(Self.codes(deep) == ["nesting-too-deep"], "nesting of `\(open)`")
        }
        #expect(Self.codes(Self.sla(condition: String(repeating: "not ", count: 50_000) + "lead.n > 1")) == ["nesting-too-deep"])
        let chain = (0..<50_000).map { "lead.n == \($0)" }.joined(separator: " or ")
        #expect(Self.codes(Self.sla(condition: chain)) == ["nesting-too-deep"])
    }

    @Test func identifierLengthIsLimited() {
        let longest = String(repeating: "a", count: Limits.maximumIdentifierBytes)
        #expect(Self.codes("sla \"x\" {\n  team \(longest)\n  deadline d { owner \(longest) starts on a met on b within 1h }\n}\n") == [])
        let tooLong = longest + "b"
        #expect(Self.codes("sla \"x\" {\n  team \(tooLong)\n}\n").contains("token-too-long"))
    }

    @Test func stringLengthIsLimited() {
        let longest = String(repeating: "s", count: Limits.maximumStringBytes)
        #expect(Self.codes("sla \"\(longest)\" {\n}\n") == [])
        #expect(Self.codes("sla \"\(longest)x\" {\n}\n") == ["token-too-long"])
    }

    @Test func declarationCountIsLimited() {
        var text = "sla \"many\" {\n"
        for index in 0...Limits.maximumDeclarations { text += "team t\(index)\n" }
        text += "}\n"
        let found = Self.diagnostics(text)
        #expect(found.contains { $0.code == "too-many-declarations" })
        // 100,000 unused teams are as many warnings: shown up to the cap, then one line.
        #expect(found.count <= Limits.maximumDiagnosticsShown + 1)
    }

    @Test func diagnosticsPerFileAreCapped() {
        let line = "sla \"x\" { " + String(repeating: "= ", count: 5_000) + "}\n"
        let found = Self.diagnostics(line)
        #expect(found.count == Limits.maximumDiagnosticsShown + 1)
        #expect(found.last?.code == "too-many-diagnostics")
        #expect(found.last?.severity == .error)
        #expect(found.last?.message.hasPrefix("\(5_000 - Limits.maximumDiagnosticsShown) more diagnostics") == true)
        // Each shown diagnostic quotes at most a window of its (10,000-scalar) line.
        let rendered = DiagnosticRenderer.human(found[900])
        let sourceLine = rendered.split(separator: "\n")[3]
        #expect(sourceLine.unicodeScalars.count <= Limits.maximumSourceLineShown + 8)
        let caretLine = rendered.split(separator: "\n")[4]
        // The caret still points at the `=` it is about.
        let caretColumn = caretLine.unicodeScalars.firstIndex(of: "^").map { caretLine.unicodeScalars.distance(from: caretLine.unicodeScalars.startIndex, to: $0) }
        let equalsColumn = Array(sourceLine.unicodeScalars).indices.filter { Array(sourceLine.unicodeScalars)[$0] == "=" }
        #expect(caretColumn.map { equalsColumn.contains($0) } == true)
    }

    /// A binary file can give a diagnostic per few bytes (a run of bad bytes is one, but NUL
    /// bytes between spaces are one each). The lexer, the parser and the checker count every
    /// one but keep only the first `Limits.maximumDiagnosticsShown` in file order and the next
    /// (where the `too-many-diagnostics` line goes): 16 MiB of NUL bytes, one diagnostic per
    /// byte then, once held 16 million diagnostics, 4.4 GB.
    @Test func diagnosticsPastTheCapAreCountedNotKept() {
        let kept = Limits.maximumDiagnosticsShown + 1
        let nul = [[UInt8]](repeating: [0, 0x20], count: 150_000).flatMap { $0 }
        #expect(Lexer(source: SourceFile(path: "nul.sla", bytes: nul)).diagnostics.items.count == kept)
        // The first in the file: the parser's missing `sla` at the start, then NUL bytes.
        let parse = Parser.parse(SourceFile(path: "nul.sla", bytes: nul))
        #expect(parse.diagnostics.items.count == kept)
        #expect(parse.diagnostics.items.filter { $0.code == "missing-sla" }.count == 1)
        #expect(parse.diagnostics.items.last?.range.start == 2 * (kept - 2))
        // One per NUL byte and the missing `sla`, all counted.
        let run = CommandRun.run(["check", "-"], input: nul)
        #expect(run.error.hasSuffix("""
            note: 149901 more in <stdin> not shown (`--format json` lists the first 1000)

            <stdin>: 150001 errors

            """), "\(run.error.suffix(300))")

        let names = "sla \"x\" {\n" + (0..<5_000).map { "  stage s\($0) when nope\($0)\n" }.joined() + "}\n"
        let source = SourceFile(path: "names.sla", text: names)
        let checked = Checker.check(Parser.parse(source).file, source: source)
        #expect(checked.diagnostics.items.count == kept)
        #expect(checked.diagnostics.items.last?.message == "unknown score or stage `nope1000`")
    }

    /// A capped list gives what keeping every diagnostic would: random positions (many
    /// equal), files and severities, appended one by one, from another capped list and
    /// around `sortByPosition`; `shown` is the first `limit` of all in file order, then one
    /// line counting the rest at the first of them.
    @Test func cappedDiagnosticListsAgreeWithKeepingAll() {
        var random = SeededGenerator(seed: 11)
        let files = [SourceFile(path: "a.sla", text: String(repeating: "x", count: 16)),
                     SourceFile(path: "b.sla", text: String(repeating: "y", count: 16))]
        for _ in 0..<500 {
            let limit = Int.random(in: 0...5, using: &random)
            var capped = DiagnosticList(limit: limit), other = DiagnosticList(limit: limit)
            var own: [Diagnostic] = [], others: [Diagnostic] = []
            for index in 0..<Int.random(in: 0...40, using: &random) {
                let start = Int.random(in: 0..<8, using: &random)
                let diagnostic = Diagnostic(code: "c", severity: Bool.random(using: &random) ? .error : .warning,
                                            message: "m\(index)", range: SourceRange(start: start, end: start + 1),
                                            file: files[Int.random(in: 0...1, using: &random)])
                if Bool.random(using: &random) {
                    capped.append(diagnostic)
                    own.append(diagnostic)
                } else {
                    other.append(diagnostic)
                    others.append(diagnostic)
                }
                if Int.random(in: 0..<10, using: &random) == 0 { capped.sortByPosition() }
            }
            capped.append(contentsOf: other)
            if Bool.random(using: &random) { capped.sortByPosition() }
            // Every diagnostic in file order: by path, position, then order of appending.
            let all = (own + others).enumerated().sorted { a, b in
                (a.element.file.path, a.element.range.start, a.offset) < (b.element.file.path, b.element.range.start, b.offset)
            }.map(\.element)
            #expect(capped.errorCount == all.filter { $0.severity == .error }.count)
            #expect(capped.warningCount == all.filter { $0.severity == .warning }.count)
            #expect(capped.items.count == min(all.count, limit + 1))
            #expect(capped.sorted == Array(all.prefix(limit + 1)))
            var shown = Array(all.prefix(limit))
            if all.count > limit {
                let rest = all[limit...]
                let severity: Severity = rest.contains { $0.severity == .error } ? .error : .warning
                shown.append(Diagnostic(Catalog.tooManyDiagnostics(more: rest.count, severity: severity),
                                        at: rest.first!.range, in: rest.first!.file))
            }
            #expect(capped.shown == shown)
            let errors = capped.errors
            #expect(errors.errorCount == capped.errorCount && errors.warningCount == 0)
            #expect(errors.items == capped.items.filter { $0.severity == .error })
        }
    }

    /// `sla fmt` on a file with syntax errors shows them as `sla check` does: the first
    /// `Limits.maximumDiagnosticsShown`, then one line for the rest (it printed every one:
    /// 180 MB for 1 MB of bad bytes), and counts them all.
    @Test func fmtShowsTheDiagnosticsCheckShows() throws {
        let folder = try TemporaryFolder()
        let text = "sla \"x\" { " + String(repeating: "= ", count: 5_000) + "}\n"
        let path = try folder.write("bad.sla", text)
        // `check`'s human form: the first hundred diagnostics, then a note counting the rest.
        let check = CommandRun.run(["check", path])
        let checkHeaders = check.error.split(separator: "\n").filter { $0.hasPrefix("error: ") }.map(String.init)
        #expect(checkHeaders.count == CheckCommand.maximumShownPerFile)
        for mode in [[], ["--check"], ["--diff"], ["-w"]] {
            let run = CommandRun.run(["fmt", path] + mode)
            #expect(run.exitCode == 2)
            #expect(run.output.isEmpty)
            let headers = run.error.split(separator: "\n").filter { $0.hasPrefix("error: ") }.map(String.init)
            #expect(headers == checkHeaders)
            #expect(run.error.contains("note: 4900 more in \(path) not shown (`sla check --format json` lists the first 1000)"))
            #expect(run.error.hasSuffix("\(path): not formatted: 5000 errors\n"))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    /// Sources are read whole, so their size is capped (`Limits.maximumSourceBytes`): a file
    /// or standard input one byte larger is refused in one line (exit 3); a source of
    /// exactly the limit is read. (That no more than one byte past the limit is read is
    /// `Files.read`'s `read(upToCount:)`; this test sees only the outcome.)
    @Test func sourceSizeIsLimited() throws {
        let folder = try TemporaryFolder()
        let block = Array("sla \"x\" {\n  team t\n}\n".utf8)
        let atLimit = block + [UInt8](repeating: UInt8(ascii: " "), count: Limits.maximumSourceBytes - block.count)
        let fits = try folder.write("fits.sla", bytes: atLimit)
        let tooLarge = try folder.write("large.sla", bytes: atLimit + [UInt8(ascii: "\n")])
        #expect(CommandRun.run(["check", fits]).exitCode == 0)
        for run in [CommandRun.run(["check", tooLarge]), CommandRun.run(["fmt", tooLarge]),
                    CommandRun.run(["eval", tooLarge, "--events", "-"]), CommandRun.run(["check", "-"], input: atLimit + [0x0A]),
                    CommandRun.run(["fmt", "-"], input: atLimit + [0x0A])] {
            #expect(run.exitCode == 3)
            #expect(run.output.isEmpty)
            #expect(run.error.hasSuffix("an SLA source holds at most 16 MiB\n") && run.error.filter { $0 == "\n" }.count == 1, "\(run.error)")
        }
    }

    @Test func numbersBeyondDoubleAreDiagnostics() {
        let huge = String(repeating: "9", count: 400)
        #expect(Self.codes(Self.sla(condition: "lead.n > \(huge)")) == ["number-too-large"])
        #expect(Self.codes(Self.sla(condition: "lead.n > \(huge).5")) == ["number-too-large"])
        #expect(Self.codes(Self.sla(condition: "lead.n > \(huge)%")) == ["number-too-large"])
        #expect(Self.codes(Self.sla(condition: "lead.d > 99999999999999999999h")) == ["number-too-large"])
        // The message quotes only the start of the literal.
        let message = Self.diagnostics(Self.sla(condition: "lead.n > \(huge)"))[0].message
        #expect(message.count < 80)
    }

    @Test func invalidUTF8AndNULInSLAFilesAreDiagnostics() {
        func codes(_ bytes: [UInt8]) -> [String] { Self.diagnostics(bytes).map(\.code) }
        let prefix = Array("sla \"x\" {\n  team a\n".utf8), suffix = Array("}\n".utf8)
        #expect(codes(prefix + [0xFF, 0xFE, 0x0A] + suffix) == ["invalid-utf8"])
        #expect(codes(prefix + Array("  # comment \u{1}".utf8) + [0xC3, 0x28, 0x0A] + suffix) == ["invalid-utf8"])
        #expect(codes(Array("sla \"x".utf8) + [0xED, 0xA0, 0x80] + Array("\" {\n}\n".utf8)) == ["invalid-utf8"])
        #expect(codes(prefix + [0x00, 0x0A] + suffix) == ["nul-byte"])
        #expect(codes(Array("sla \"a".utf8) + [0x00] + Array("b\" {\n}\n".utf8)) == ["nul-byte"])
        // Binary junk: no crash, some diagnostics, bounded in number.
        var random = SeededGenerator(seed: 99)
        let junk = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let found = Self.diagnostics(junk)
        #expect(!found.isEmpty && found.count <= Limits.maximumDiagnosticsShown + 1)
    }

    // MARK: Event files

    @Test func overlongEventLineIsRejectedInBoundedMemory() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.slaText.write(to: folder.appendingPathComponent("limits.sla"), atomically: true, encoding: .utf8)
        // A valid record, a 100 MB record (a valid JSON object, just too long), a valid record.
        let path = folder.appendingPathComponent("huge.jsonl").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.write(Data(#"{"lead":"L1","type":"t",\#(Self.at),"n":2}"#.utf8 + [0x0A]))
        handle.write(Data(#"{"lead":"L2","type":"t",\#(Self.at),"pad":""#.utf8))
        let block = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<100 { handle.write(block) }
        handle.write(Data("\"}\n".utf8))
        handle.write(Data(#"{"lead":"L3","type":"t",\#(Self.at)}"#.utf8 + [0x0A]))
        try handle.close()

        let before = Self.peakResidentBytes()
        let rejects = folder.appendingPathComponent("rejects.jsonl").path
        let run = CommandRun.run(["eval", folder.appendingPathComponent("limits.sla").path, "--events", path,
                                  "--format", "json", "--max-bad", "1", "--rejects", rejects])
        let growth = Self.peakResidentBytes() - before
        #expect(run.exitCode == 0, "\(run.error)")
        #expect(run.error.contains("huge.jsonl:2: record longer than 1048576 bytes"))
        guard case .object(let document)? = JSON.parse(run.output), case .object(let input)? = document["input"] else {
            Issue.record("no report"); return
        }
        #expect(input["records"] == .number(2))
        #expect(input["rejected"] == .number(1))
        // The rejects file keeps the record's first 1 MiB only.
        let kept = try FileManager.default.attributesOfItem(atPath: rejects)[.size] as? Int
        #expect(kept == EventReader.defaultMaximumRecordBytes + 1)
        // The reader holds about 2 MiB of buffer; reading the line whole would take 100 MB.
        // (The peak of the whole test process only grows, so this cannot fail spuriously.)
        #expect(growth < 48 << 20, "peak resident memory grew by \(growth >> 20) MiB")
    }

    /// Goal rows are not bounded by the input: a placeholder date in year 1 and an as-of
    /// time in 9999 make 3.65 million days per daily goal and group. Past the limit the
    /// evaluation fails at once with the span and where it comes from, building no rows.
    @Test func goalRowsPastTheLimitFailWithTheirSpan() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sla = folder.appendingPathComponent("span.sla").path
        try """
        sla "Span" {
          team marketing
          stage mql on form_submit
          goal daily_mqls {
            owner marketing
            count mql >= 1 per day by lead.owner
          }
          goal monthly_mqls {
            owner marketing
            count mql >= 1
          }
        }
        """.write(toFile: sla, atomically: true, encoding: .utf8)
        let events = folder.appendingPathComponent("events.jsonl").path
        try """
        {"lead":"A","type":"form_submit","at":"0001-01-01","owner":"ann"}
        {"lead":"B","type":"form_submit","at":"2026-03-01","owner":"bob"}

        """.write(toFile: events, atomically: true, encoding: .utf8)
        let before = Self.peakResidentBytes()
        let started = Date()
        let run = CommandRun.run(["eval", sla, "--events", events, "--as-of", "9999-12-31", "--format", "json"])
        let growth = Self.peakResidentBytes() - before
        // Building the 7.4 million rows would take far longer (and the memory bound below
        // cannot fail once an earlier test raised the process's peak).
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(run.exitCode == 2)
        #expect(run.output.isEmpty)
        #expect(run.error == """
            sla: goal `daily_mqls` would report 3,652,059 daily periods × 2 groups (0001-01-01 to 9999-12-31): \
            7,424,106 goal rows in all, more than the 5,000,000 a report holds: no verdicts written
              help: periods run from the first event (0001-01-01T00:00:00Z) to the as-of time (9999-12-31T00:00:00Z): \
            look for a placeholder date among the events, or a mistyped `--as-of`

            """)
        #expect(growth < 100 << 20, "peak resident memory grew by \(growth >> 20) MiB")
        // What shows no goal row is not stopped: the timeline that finds the placeholder
        // date, and the cycles CSV (unless goals are judged or written).
        let explain = CommandRun.run(["explain", sla, "--events", events, "--as-of", "9999-12-31", "--lead", "A"])
        #expect(explain.exitCode == 0, "\(explain.error)")
        #expect(explain.output.contains("0001-01-01"))
        #expect(CommandRun.run(["eval", sla, "--events", events, "--as-of", "9999-12-31", "--format", "csv"]).exitCode == 0)
        #expect(CommandRun.run(["eval", sla, "--events", events, "--as-of", "9999-12-31", "--format", "csv", "--fail-on", "missed"]).exitCode == 2)
    }

    /// The process's peak resident set size in bytes (`getrusage`; Linux reports KiB).
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        #if canImport(Darwin)
        getrusage(RUSAGE_SELF, &usage)
        return Int(usage.ru_maxrss)
        #else
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
        #endif
    }

    @Test func numbersBeyondDoubleRejectTheRecord() throws {
        let lines = [
            #"{"lead":"L1","type":"t",\#(Self.at),"n":1e999}"#,
            #"{"lead":"L1","type":"t",\#(Self.at),"n":-1e999}"#,
            #"{"lead":"L1","type":"t",\#(Self.at),"n":\#(String(repeating: "9", count: 400))}"#,
            #"{"lead":"L1","type":"t",\#(Self.at),"other":{"deep":[1e999]}}"#,
            #"{"lead":"L1","type":"t",\#(Self.at),"n":1.7976931348623157e308}"#,
            #"{"lead":"L1","type":"t",\#(Self.at),"n":1e-999}"#,
        ]
        let json = try Self.evaluate(Array(lines.joined(separator: "\n").utf8), name: "n.jsonl")
        #expect(json.input["records"] == .number(2))
        #expect(json.input["rejected"] == .number(4))
        #expect(json.run.error.contains("number out of range"))
        let csv = try Self.evaluate(Array("lead,type,at,n\nL1,t,2026-03-02,1e999\nL1,t,2026-03-02,-1E+400\nL1,t,2026-03-02,1e308\n".utf8), name: "n.csv")
        #expect(csv.input["records"] == .number(1))
        #expect(csv.input["rejected"] == .number(2))
    }

    @Test func timestampsOutsideYears1To9999AreRejected() throws {
        let accepted = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "0001-01-01", "9999-12-31T22:00:00-01:00"]
        let rejected = ["0000-12-31T23:59:59Z", "10000-01-01T00:00:00Z", "0001-01-01T00:30:00+01:00",
                        "9999-12-31T23:30:00-01:00", "-0001-01-01T00:00:00Z", "99999999999999999999-01-01"]
        let lines = (accepted + rejected).map { #"{"lead":"L1","type":"t","at":"\#($0)"}"# }
        let result = try Self.evaluate(Array(lines.joined(separator: "\n").utf8), name: "t.jsonl")
        #expect(result.input["records"] == .number(Double(accepted.count)))
        #expect(result.input["rejected"] == .number(Double(rejected.count)))
        let csv = try Self.evaluate(Array(("lead,type,at\n" + (accepted + rejected).map { "L1,t,\($0)" }.joined(separator: "\n")).utf8), name: "t.csv")
        #expect(csv.input["records"] == .number(Double(accepted.count)))
        #expect(csv.input["rejected"] == .number(Double(rejected.count)))
    }

    @Test func invalidUTF8InEventsRejectsTheRecord() throws {
        let good = Array(#"{"lead":"L1","type":"t",\#(Self.at)}"#.utf8)
        var bytes = good + [0x0A]
        bytes += Array(#"{"lead":"L"#.utf8) + [0xC3, 0x28] + Array(#"","type":"t",\#(Self.at)}"#.utf8) + [0x0A]
        bytes += Array(#"{"lead":"L1","type":"t",\#(Self.at),"x":""#.utf8) + [0xED, 0xA0, 0x80] + Array("\"}".utf8) + [0x0A]
        bytes += Array(#"{"lead":"L1","type":"t",\#(Self.at),"\#u{1F600}":"ok"}"#.utf8) + [0x0A]
        bytes += [0xFF] + good + [0x0A]
        let result = try Self.evaluate(bytes, name: "u.jsonl")
        #expect(result.input["records"] == .number(2))
        #expect(result.input["rejected"] == .number(3))
        #expect(result.run.error.contains("invalid UTF-8 at column"))

        let csv = Array("lead,type,at\nL1,t,2026-03-02\nL".utf8) + [0xF4, 0x90, 0x80, 0x80] + Array(",t,2026-03-02\n".utf8)
        let csvResult = try Self.evaluate(csv, name: "u.csv")
        #expect(csvResult.input["records"] == .number(1))
        #expect(csvResult.input["rejected"] == .number(1))
        // Invalid UTF-8 in the header makes the whole input invalid.
        let header = try Self.evaluate(Array("lead,type,at,".utf8) + [0xFF] + Array("\nL1,t,2026-03-02\n".utf8), name: "h.csv")
        #expect(header.run.exitCode == 2)
        #expect(header.run.error.contains("invalid CSV header"))
    }

    @Test func nulBytesInEvents() throws {
        var bytes = Array(#"{"lead":"L1","type":"t",\#(Self.at)}"#.utf8) + [0x0A]
        bytes += Array(#"{"lead":"L"#.utf8) + [0x00] + Array(#"","type":"t",\#(Self.at)}"#.utf8) + [0x0A] // raw, in a string
        bytes += [0x00] + Array(#"{"lead":"L1","type":"t",\#(Self.at)}"#.utf8) + [0x0A] // raw, outside
        bytes += Array(#"{"lead":"L\u0000","type":"t",\#(Self.at)}"#.utf8) + [0x0A] // escaped: valid JSON
        let result = try Self.evaluate(bytes, name: "nul.jsonl")
        #expect(result.input["records"] == .number(2))
        #expect(result.input["rejected"] == .number(2))
        #expect(result.run.output.contains(#""lead": "L\u0000""#))
        // In CSV a NUL is an ordinary character of a cell.
        let csv = try Self.evaluate(Array("lead,type,at\nL".utf8) + [0x00] + Array(",t,2026-03-02\n".utf8), name: "nul.csv")
        #expect(csv.input["records"] == .number(1))
        #expect(csv.run.output.contains(#""lead": "L\u0000""#))
    }

    @Test func deeplyNestedJSONValuesAreSkippedWithoutRecursion() throws {
        let depth = 400_000
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let unbalanced = String(repeating: "{\"a\":[", count: 100_000)
        let lines = [#"{"lead":"L1","type":"t",\#(Self.at),"deep":\#(nested)}"#,
                     #"{"lead":"L1","type":"t",\#(Self.at),"deep":\#(unbalanced)}"#]
        let result = try Self.evaluate(Array(lines.joined(separator: "\n").utf8), name: "deep.jsonl")
        #expect(result.input["records"] == .number(1))
        #expect(result.input["rejected"] == .number(1))
    }
}
