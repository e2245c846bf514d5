import Foundation
import Testing
@testable import SLAKit

/// The checker fixtures: every `.sla` file in `Tests/Fixtures/check` is a small broken SLA
/// that states, in comments after it, exactly the diagnostics `sla check` must give, in
/// order:
///
/// ```
/// # expect: LINE:COLUMN SEVERITY: MESSAGE
/// # span: the source text the caret underlines
/// # help: the help line, when there is one
/// ```
///
/// `# span:` lines are optional per file (a file without any is compared without spans);
/// `# help:` lines are required where the diagnostic has help, so a new help line shows up
/// as a difference.
@Suite struct CheckerTests {
    static let folder = TestPaths.fixtures.appendingPathComponent("check")
    static let fixtures = TestPaths.entries(folder).filter { $0.hasSuffix(".sla") }

    @Test func fixturesArePresent() {
        #expect(CheckerTests.fixtures.count >= 50)
    }

    @Test(arguments: CheckerTests.fixtures)
    func fixture(_ name: String) throws {
        let bytes = Array(try Data(contentsOf: CheckerTests.folder.appendingPathComponent(name)))
        let source = SourceFile(path: name, bytes: bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let expected = text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
            for prefix in ["# expect: ", "# span: ", "# help: "] where line.hasPrefix(prefix) {
                return String(line.dropFirst(2))
            }
            return nil
        }
        #expect(!expected.isEmpty, "fixture \(name) states no expected diagnostics")
        let withSpans = expected.contains { $0.hasPrefix("span: ") }
        let actual = LoadedFile.analyse(source).diagnostics.flatMap { fixtureLines($0, withSpan: withSpans) }
        #expect(actual == expected, "fixture \(name); actual:\n\(actual.map { "# " + $0 }.joined(separator: "\n"))")
    }

    /// A diagnostic in the fixture notation (without the leading `# `).
    private func fixtureLines(_ diagnostic: Diagnostic, withSpan: Bool) -> [String] {
        let location = diagnostic.location
        var lines = ["expect: \(location.line):\(location.column) \(diagnostic.severity.rawValue): \(diagnostic.message)"]
        if withSpan { lines.append("span: " + diagnostic.file.text(diagnostic.range)) }
        if let help = diagnostic.help { lines.append("help: " + help) }
        return lines
    }

    // MARK: - Clean input

    /// Checks `text` and returns its diagnostics as `code@line:column`.
    private func codes(_ text: String) -> [String] {
        LoadedFile.analyse(SourceFile(path: "t.sla", text: text)).diagnostics.map {
            "\($0.code)@\($0.location.line):\($0.location.column)"
        }
    }

    @Test func specExampleChecksClean() throws {
        let bytes = Array(try Data(contentsOf: TestPaths.fixtures.appendingPathComponent("parser/spec-example.sla")))
        let result = LoadedFile.analyse(SourceFile(path: "spec-example.sla", bytes: bytes))
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.message))")
        #expect(result.check?.sla != nil)
    }

    @Test func everyFixtureParsesCleanly() throws {
        // The fixtures test the checker: a syntax error would hide every checker diagnostic.
        for name in CheckerTests.fixtures {
            let bytes = Array(try Data(contentsOf: CheckerTests.folder.appendingPathComponent(name)))
            let parse = Parser.parse(SourceFile(path: name, bytes: bytes))
            #expect(!parse.diagnostics.hasErrors, "\(name) has syntax errors")
        }
    }

    // MARK: - Rules pinned down outside the fixtures

    @Test func typesThatFitAreAccepted() {
        let body = """
        sla "x" {
          team sales
          score fit { +10 when lead.n >= 2 }
          stage a when fit + 10 >= 20 and lead.x in [1, "a"] and lower(lead.y) contains "b"
          stage b when event.at - event.at > 1h and 2h / 1h == 2 and len([1, 2]) < 3 and a != null
          stage c when -fit < 0 and -(1h) < 0s and not a and event.type matches "form_*" and [1] contains 1
          goal g { owner sales  count c >= 1 where a or b }
        }
        """
        #expect(codes(body) == [])
    }

    @Test func nullComparesWithAnything() {
        #expect(codes("sla \"x\" {\n team t\n stage a when lead.x == null\n stage b when a != null\n goal g { owner t count b >= 1 }\n}") == [])
    }

    @Test func duplicateNameIsReportedOnceWhateverItIsUsedAs() {
        // `sales` is a team and a stage: the duplicate is one error, and neither `owner sales`
        // nor `starts at sales` adds a wrong-kind error.
        let body = """
        sla "x" {
          team sales
          stage sales on form_submit
          deadline d { owner sales  starts at sales  met on call  within 1h }
        }
        """
        #expect(codes(body) == ["duplicate-name@3:9"])
    }

    @Test func suggestionsAreDeterministic() {
        // `ab` and `ba` are equally close to `aa`; the alphabetically first one is offered.
        #expect(closestName(to: "aa", among: ["ba", "ab"]) == "ab")
        #expect(closestName(to: "aa", among: ["ab", "ba"]) == "ab")
        #expect(closestName(to: "salse", among: ["sales", "marketing"]) == "sales")
        #expect(closestName(to: "xyz", among: ["sales"]) == nil)
    }

    @Test func editDistanceCountsTranspositionsAsOneEdit() {
        var measure = EditDistance(to: "sales")
        #expect(measure.distance(from: "salse") == 1)
        #expect(measure.distance(from: "sales") == 0)
        #expect(measure.distance(from: "") == 5)
        #expect(measure.distance(from: "marketing", limit: 3) == nil)
        var kitten = EditDistance(to: "kitten")
        #expect(kitten.distance(from: "sitting") == 3)
        #expect(kitten.distance(from: "sitting", limit: 2) == nil)
    }

    @Test func editDistanceAgreesWithTheTextbookTable() {
        // The full optimal-string-alignment table, without reuse or early exit.
        func reference(_ a: [Character], _ b: [Character]) -> Int {
            var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in 0...a.count { table[i][0] = i }
            for j in 0...b.count { table[0][j] = j }
            for i in stride(from: 1, through: a.count, by: 1) {
                for j in stride(from: 1, through: b.count, by: 1) {
                    table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                        table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                    }
                }
            }
            return table[a.count][b.count]
        }
        var state: UInt64 = 7
        func word() -> String {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let length = Int(state >> 60) % 7
            return String((0..<length).map { index in Array("abc")[Int((state >> UInt64(8 + 2 * index)) % 3)] })
        }
        for _ in 0..<2_000 {
            let target = word(), candidate = word()
            var measure = EditDistance(to: target)
            let expected = reference(Array(candidate), Array(target))
            #expect(measure.distance(from: candidate) == expected, "\(candidate) → \(target)")
            for limit in 0...3 {
                #expect(measure.distance(from: candidate, limit: limit) == (expected <= limit ? expected : nil), "\(candidate) → \(target) within \(limit)")
            }
        }
        // Longer names, one measure reused for many candidates (as `closestName` does), so
        // that the band of the diagonal a limited measure computes meets rows left over
        // from the candidates before.
        var random = SeededGenerator(seed: 11)
        func longWord() -> String {
            String((0..<Int.random(in: 0...30, using: &random)).map { _ in Array("abc")[Int.random(in: 0..<3, using: &random)] })
        }
        for _ in 0..<100 {
            let target = longWord()
            var measure = EditDistance(to: target)
            for _ in 0..<20 {
                // Near the target half of the time: a few edits of it.
                var candidate = Array(target)
                if Bool.random(using: &random) {
                    candidate = Array(longWord())
                } else {
                    for _ in 0..<Int.random(in: 0...4, using: &random) where !candidate.isEmpty {
                        candidate[Int.random(in: 0..<candidate.count, using: &random)] = Array("abc")[Int.random(in: 0..<3, using: &random)]
                    }
                }
                let expected = reference(candidate, Array(target))
                for limit in [0, 1, 2, 3, 5, Int.max] {
                    let actual = measure.distance(from: String(candidate), limit: limit)
                    #expect(actual == (expected <= limit ? expected : nil), "\(String(candidate)) → \(target) within \(limit)")
                }
            }
        }
    }

    /// Suggestions among long similar names cost length × limit per pair, not length²:
    /// 100 misspelt names among 2,000 names of 240 letters took 23 s.
    @Test func suggestionsAmongLongSimilarNamesAreQuick() {
        let prefix = String(repeating: "a", count: 240)
        let names = (0..<2_000).map { prefix + "n\($0)" }
        let started = Date()
        for index in 0..<100 {
            #expect(closestName(to: prefix + "n\(index)x", among: names) == prefix + "n\(index)")
        }
        #expect(Date().timeIntervalSince(started) < 10, "took \(Date().timeIntervalSince(started)) s")
    }

    @Test func unusedWarningsNeedACleanResolution() {
        // Without unresolved references, an unused team is reported …
        #expect(codes("sla \"x\" {\n team a\n team b\n stage s on x\n goal g { owner a count s >= 1 }\n}") == ["unused@3:7"])
        // … with one, it is not: the broken reference probably meant it.
        #expect(codes("sla \"x\" {\n team a\n team b\n stage s on x\n goal g { owner c count s >= 1 }\n}") == ["unknown-name@5:17"])
    }

    @Test func rateAboveHundredWithLessIsAlwaysMet() {
        let body = "sla \"x\" {\n team t\n stage a on x\n stage b on y\n goal g { owner t rate a / b <= 150% }\n}"
        let diagnostics = LoadedFile.analyse(SourceFile(path: "t.sla", text: body)).diagnostics
        #expect(diagnostics.map(\.message) == ["rate target is above 100%: `<= 150%` is always met"])
    }

    @Test func overlapsAreFoundWhateverTheOrderOfRanges() {
        // A long range written first overlaps a later short one that does not touch its
        // neighbour.
        let body = """
        sla "x" {
          team t
          calendar c { mon 08:00-17:00, 09:00-10:00, 11:00-12:00 }
          stage s on x
          deadline d { owner t  starts at s  met on y  within 1h of c }
        }
        """
        #expect(codes(body) == ["overlapping-time-ranges@3:33", "overlapping-time-ranges@3:46"])
    }

    // MARK: - Many names and ranges

    /// 50,000 conditions naming unknown scores or stages among 50,000 stages. The candidates
    /// of a did-you-mean were copied at every unknown name: quadratic, 17 s in a debug build
    /// (about 3 s now, most of it the 100 suggestions still made).
    @Test func fiftyThousandUnknownNamesAreCheckedInLinearTime() {
        let count = 50_000
        let text = "sla \"x\" {\n" + (0..<count).map { "  stage s\($0) when u\($0)\n" }.joined() + "}\n"
        let source = SourceFile(path: "names.sla", text: text)
        let clock = ContinuousClock()
        var diagnostics: [Diagnostic] = []
        let elapsed = clock.measure { diagnostics = LoadedFile.analyse(source).diagnostics }
        #expect(diagnostics.count == Limits.maximumDiagnosticsShown + 1)
        for (index, diagnostic) in diagnostics.dropLast().enumerated() {
            #expect(diagnostic.message == "unknown score or stage `u\(index)`")
            // The first `Limits.maximumSuggestions` unknown names get a did-you-mean.
            let help = index < Limits.maximumSuggestions ? "did you mean `s\(index)`?" : "attributes are read as `lead.u\(index)` or `event.u\(index)`"
            #expect(diagnostic.help == help)
        }
        #expect(diagnostics.last?.message == "\(count - Limits.maximumDiagnosticsShown) more diagnostics in this file not shown")
        // Against checking as many stages whose conditions read attributes (no unknown
        // name), which a debug build or a sanitizer slows alike: in a debug build that takes
        // 1.4 s, the unknown names 3 s, and 17 s when quadratic. (6x leaves room for a burst
        // of load during one of the two measurements.)
        let known = "sla \"x\" {\n" + (0..<count).map { "  stage s\($0) when lead.u\($0)\n" }.joined() + "}\n"
        let baseline = clock.measure { #expect(LoadedFile.analyse(SourceFile(path: "known.sla", text: known)).diagnostics.isEmpty) }
        #expect(elapsed < baseline * 6, "\(elapsed) against \(baseline) without unknown names")
    }

    /// 20,000 copies of one working range on three weekdays: each overlaps the first, once
    /// for the three days. Pairs were looked up by a scan of those found so far: quadratic,
    /// 80 s in a debug build (5 minutes for 40,000).
    @Test func twentyThousandOverlappingRangesAreCheckedInLinearTime() {
        let count = 20_000
        let ranges = Array(repeating: "08:00-09:00", count: count).joined(separator: ", ")
        let text = """
        sla "x" {
          team t
          calendar c {
            mon, wed-thu \(ranges)
            tue 08:00-12:00, 11:00-13:00
          }
          stage s on x
          deadline d { owner t  starts at s  met on y  within 1h of c }
        }
        """
        let source = SourceFile(path: "calendar.sla", text: text)
        let clock = ContinuousClock()
        var diagnostics: [Diagnostic] = []
        let elapsed = clock.measure { diagnostics = LoadedFile.analyse(source).diagnostics }
        #expect(diagnostics.count == Limits.maximumDiagnosticsShown + 1)
        let lineStart = "    mon, wed-thu ".utf8.count
        for (index, diagnostic) in diagnostics.dropLast().enumerated() {
            #expect(diagnostic.message == "time ranges `08:00-09:00` and `08:00-09:00` overlap on `mon, wed-thu`")
            #expect(diagnostic.location == SourceLocation(line: 4, column: lineStart + 1 + 13 * (index + 1)))
        }
        // 19,999 overlaps on the long line and one on the other, which comes last.
        #expect(diagnostics.last?.message == "\(count - Limits.maximumDiagnosticsShown) more diagnostics in this file not shown")
        #expect(elapsed < .seconds(10))
    }
}
