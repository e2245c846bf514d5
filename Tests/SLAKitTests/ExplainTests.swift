import Foundation
import Testing
@testable import SLAKit

/// `sla explain` timelines: each `Tests/Fixtures/explain/NAME.sla` names its arguments in
/// a `# explain: ARGS` line (split on spaces; a token in double quotes may hold spaces), its
/// events are `NAME.jsonl`, and standard output must equal `NAME.out`.
@Suite struct ExplainTests {
    static let folder = TestPaths.fixtures.appendingPathComponent("explain")
    static let files = TestPaths.entries(folder).filter { $0.hasSuffix(".sla") }

    @Test func fixturesArePresent() {
        #expect(ExplainTests.files.count >= 4)
    }

    /// An id is quoted when it would not read as itself: spaces at its ends, empty, or a
    /// quote in it (`"q"` would read as the lead `q` quoted).
    @Test func leadIdsThatWouldMisleadAreQuoted() {
        #expect(ExplainReport.leadText("L-1") == "L-1")
        #expect(ExplainReport.leadText(" sp ") == "\" sp \"")
        #expect(ExplainReport.leadText("") == "\"\"")
        #expect(ExplainReport.leadText("\"q\"") == "\"\\\"q\\\"\"")
    }

    /// The `# explain:` line's arguments.
    static func arguments(_ line: Substring) -> [String] {
        var tokens: [String] = []
        var rest = line.drop { $0 == " " }
        while !rest.isEmpty {
            if rest.first == "\"", let close = rest.dropFirst().firstIndex(of: "\"") {
                tokens.append(String(rest[rest.index(after: rest.startIndex) ..< close]))
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                tokens.append(String(rest[..<end]))
                rest = rest[end...]
            }
            rest = rest.drop { $0 == " " }
        }
        return tokens
    }

    @Test(arguments: ExplainTests.files)
    func fixture(_ name: String) throws {
        let sla = ExplainTests.folder.appendingPathComponent(name)
        let text = try String(contentsOf: sla, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("# explain: ") }, "no `# explain:` line")
        let stem = String(name.dropLast(".sla".count))
        let events = ExplainTests.folder.appendingPathComponent(stem + ".jsonl").path
        let run = CommandRun.run(["explain", sla.path, "--events", events] + Self.arguments(line.dropFirst("# explain: ".count)))
        #expect(run.exitCode == 0, "\(run.error)")
        let expected = try String(contentsOf: ExplainTests.folder.appendingPathComponent(stem + ".out"), encoding: .utf8)
        #expect(run.output == expected)
    }
}
