import Dispatch
import Foundation
import Testing
@testable import SLAKit

/// The evaluator's passes: the two-core streaming pass over JSONL, the one-core pass, and
/// the buffered pass it starts over with when events are out of order. Whatever pass runs,
/// the verdicts and the rejected records must be the same.
@Suite struct StreamingTests {
    static let sla = """
    sla "streaming" {
      team sales
      stage mql on form_submit
      deadline touch {
        owner sales
        starts at mql
        met on call
        within 4h
      }
      goal volume {
        owner sales
        count mql >= 1
      }
    }
    """

    /// Lines of a JSONL export: leads L0...L(n-1), each a form and a call, time-sorted,
    /// with a broken line every 50 lines.
    static func lines(leads: Int) -> [String] {
        var lines: [String] = []
        for lead in 0..<leads {
            let minute = lead % 60, hour = 8 + lead / 60 % 10
            lines.append(#"{"lead": "L\#(lead)", "type": "form_submit", "at": "2026-03-02T\#(String(format: "%02d:%02d", hour, minute)):00Z"}"#)
        }
        for lead in 0..<leads {
            let minute = lead % 60, hour = 12 + lead / 60 % 10
            lines.append(#"{"lead": "L\#(lead)", "type": "call", "at": "2026-03-02T\#(String(format: "%02d:%02d", hour, minute)):30Z"}"#)
        }
        var withBroken: [String] = []
        for (index, line) in lines.enumerated() {
            if index % 50 == 7 { withBroken.append("{broken line \(index)") }
            withBroken.append(line)
        }
        return withBroken
    }

    func evaluate(_ text: String, in folder: TemporaryFolder, name: String) throws -> (json: String, rejects: String, exit: Int32) {
        let slaPath = try folder.write("s.sla", StreamingTests.sla)
        let events = try folder.write(name, text)
        let rejects = folder.url.appendingPathComponent(name + ".rejects").path
        let run = CommandRun.run(["eval", slaPath, "--events", events, "--format", "json", "--max-bad", "1000", "--rejects", rejects])
        return (run.output, (try? String(contentsOfFile: rejects, encoding: .utf8)) ?? "", run.exitCode)
    }

    /// Events out of order are buffered with their non-null attributes only: an SLA that
    /// reads forty attributes costs one value for an event that has one.
    @Test func bufferedEventsKeepOnlyTheirNonNullAttributes() throws {
        let names = (0..<40).map { "a\($0)" }
        let text = """
        sla "wide" {
          team sales
          stage mql when \(names.map { "lead.\($0) == \"x\"" }.joined(separator: " or "))
        }
        """
        let loaded = LoadedFile.analyse(SourceFile(path: "wide.sla", text: text))
        let program = Compiler.compile(try #require(loaded.check?.sla))
        #expect(program.attributeNames.count == 40)
        let leads = StreamingLeads(program: program)
        var row = [Value](repeating: .null, count: 40)
        // Lead L1's events without the list of present slots (as `Evaluator.run` buffers
        // them), L2's with it (as the readers give it).
        for (leadIndex, listsSlots) in [false, true].enumerated() {
            let lead = Array("L\(leadIndex + 1)".utf8)
            for event in 0..<100 {
                let slot = [UInt32(event % 40)]
                row[event % 40] = .string(event == 99 ? "x" : "y")
                row.withUnsafeBufferPointer { attributes in
                    lead.withUnsafeBufferPointer { id in
                        slot.withUnsafeBufferPointer { slot in
                            // Later events first: out of order, as a shuffled export.
                            leads.buffer(leadBytes: id.baseAddress!, leadLength: id.count, hash: ByteHash.hash(id.baseAddress!, id.count),
                                         typeId: -1, typeText: "", time: Int64(100 - event) * 60_000, attributes: attributes.baseAddress!,
                                         presentSlots: listsSlots ? slot.baseAddress! : nil, presentCount: listsSlots ? 1 : 0)
                        }
                    }
                }
                row[event % 40] = .null
            }
        }
        #expect(leads.bufferedValueCount == 200)
        leads.processBuffered()
        // Event 99 (the earliest) sets a99 % 40 = a19 to "x": the stage is entered at once.
        #expect(leads.states.stageEntries(0)[0] == 60_000)
        #expect(leads.states.stageEntries(1)[0] == 60_000)
    }

    /// The buffered pass numbers events in 32 bits and keeps the low 32 bits of where their
    /// values start; past 2^31 events it numbers them in 64 bits, past 2^32 values it adds
    /// the wraps. Both are reached here with narrow widths (no events numbered in 32 bits;
    /// values located in 2 and 3 bits): the verdicts are those of the default widths.
    @Test func widerNumberingGivesTheSameVerdicts() throws {
        let names = (0..<6).map { "a\($0)" }
        let text = """
        sla "wide" {
          team sales
          score hits {
            \(names.map { "+1 when event.\($0) == \"x\"" }.joined(separator: "\n    "))
          }
          stage mql when hits >= 3
          stage sql when lead.a5 == "y" and lead.a0 == "x"
        }
        """
        let loaded = LoadedFile.analyse(SourceFile(path: "wide.sla", text: text))
        let program = Compiler.compile(try #require(loaded.check?.sla, "\(loaded.diagnostics.map(\.message))"))
        var generator = SeededGenerator(seed: 0x51DE)
        // 40 leads of up to 60 events each, in random order, with 0 to 6 attributes each.
        var events: [(lead: [UInt8], time: Int64, attributes: [Value])] = []
        for lead in 0..<40 {
            for _ in 0..<Int.random(in: 1...60, using: &generator) {
                let attributes = names.map { _ in [Value.null, .string("x"), .string("y")].randomElement(using: &generator)! }
                events.append((Array("L\(lead)".utf8), Int64.random(in: 0..<500, using: &generator) * 60_000, attributes))
            }
        }
        events.shuffle(using: &generator)
        func verdicts(eventNumberLimit: Int = Int(Int32.max), valueStartBits: Int = 32) -> String {
            let leads = StreamingLeads(program: program, eventNumberLimit: eventNumberLimit, valueStartBits: valueStartBits)
            for event in events {
                event.attributes.withUnsafeBufferPointer { attributes in
                    event.lead.withUnsafeBufferPointer { id in
                        leads.buffer(leadBytes: id.baseAddress!, leadLength: id.count, hash: ByteHash.hash(id.baseAddress!, id.count),
                                     typeId: -1, typeText: "", time: event.time, attributes: attributes.baseAddress!)
                    }
                }
            }
            leads.processBuffered()
            let result = Evaluator(program: program).finish([leads], asOf: leads.latest, records: events.count, rejected: 0, rejections: [])
            return JSONReport.render(result)
        }
        let reference = verdicts()
        #expect(reference.contains("\"sql\": \""), "some leads enter the second stage (at a time, not null)")
        #expect(verdicts(eventNumberLimit: 0) == reference, "events numbered in 64 bits")
        #expect(verdicts(valueStartBits: 2) == reference, "value starts in 2 bits")
        #expect(verdicts(eventNumberLimit: 0, valueStartBits: 3) == reference, "both")
    }

    @Test func everyPassGivesTheSameVerdictsAndRejects() throws {
        let folder = try TemporaryFolder()
        let lines = StreamingTests.lines(leads: 3000) // several hundred kilobytes: more than one block pair
        let sorted = try evaluate(lines.joined(separator: "\n") + "\n", in: folder, name: "sorted.jsonl")
        #expect(sorted.exit == 0)
        // Out of order near the end: the passes start over after having handed out rejects.
        var late = lines
        late.append(#"{"lead": "L5", "type": "call", "at": "2026-03-01T00:00:00Z"}"#)
        let outOfOrder = try evaluate(late.joined(separator: "\n") + "\n", in: folder, name: "late.jsonl")
        #expect(outOfOrder.exit == 0)
        let expectedRejects = lines.filter { $0.hasPrefix("{broken") }.joined(separator: "\n") + "\n"
        #expect(sorted.rejects == expectedRejects)
        #expect(outOfOrder.rejects == expectedRejects, "each rejected record exactly once, in input order")
        // The extra call of L5 is before its form: it changes nothing but the record count.
        let recordsLine = #""records": \#(lines.count - lines.filter { $0.hasPrefix("{broken") }.count)"#
        #expect(sorted.json.contains(recordsLine))
        #expect(outOfOrder.json.replacingOccurrences(of: #""records": \#(lines.count - lines.filter { $0.hasPrefix("{broken") }.count + 1)"#, with: recordsLine) == sorted.json)
    }

    /// A lead going back in time a few lines after its event before, inside one run of
    /// the shards' lookups and processing: found there, the pass starts over buffered.
    @Test func outOfOrderWithinOneRunOfEvents() throws {
        let folder = try TemporaryFolder()
        let lines = StreamingTests.lines(leads: 3000)
        let sorted = try evaluate(lines.joined(separator: "\n") + "\n", in: folder, name: "sorted.jsonl")
        var early = lines
        let form = try #require(early.firstIndex { $0.contains(#""lead": "L5", "type": "form_submit""#) })
        early.insert(#"{"lead": "L5", "type": "call", "at": "2026-03-01T00:00:00Z"}"#, at: form + 3)
        let outOfOrder = try evaluate(early.joined(separator: "\n") + "\n", in: folder, name: "early.jsonl")
        #expect(outOfOrder.exit == 0)
        #expect(outOfOrder.rejects == sorted.rejects)
        let accepted = lines.count - lines.filter { $0.hasPrefix("{broken") }.count
        #expect(outOfOrder.json.replacingOccurrences(of: #""records": \#(accepted + 1)"#, with: #""records": \#(accepted)"#) == sorted.json)
    }

    /// Events from a pipe given by path (`--events <(zcat export.jsonl.gz)`, `/dev/fd/N`)
    /// are copied first: out of order, the evaluation reads its inputs again, and a pipe
    /// read again is empty.
    @Test func aPipeGivenByPathIsReadOnce() throws {
        let folder = try TemporaryFolder()
        var lines = StreamingTests.lines(leads: 3000)
        lines.append(#"{"lead": "L5", "type": "call", "at": "2026-03-01T00:00:00Z"}"#)
        let text = lines.joined(separator: "\n") + "\n"
        let fromFile = try evaluate(text, in: folder, name: "late.jsonl")
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let writer = ends[1]
        DispatchQueue.global().async {
            _ = Array(text.utf8).withUnsafeBytes { DescriptorWriter.writeAll(writer, $0) }
            close(writer)
        }
        defer { close(ends[0]) }
        let slaPath = try folder.write("s.sla", StreamingTests.sla)
        let run = CommandRun.run(["eval", slaPath, "--events", "/dev/fd/\(ends[0])", "--input-format", "jsonl",
                                  "--format", "json", "--max-bad", "1000"])
        #expect(run.exitCode == 0, "\(run.error)")
        #expect(run.output == fromFile.json)
    }

    @Test func blocksCutAtLineBoundariesKeepLineNumbers() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("lines.jsonl", (1...10).map { "line \($0)" }.joined(separator: "\n"))
        let blocks = try LineBlocks(path: path, blockBytes: 16)
        defer { blocks.close() }
        var seen: [(Int, String)] = []
        while let block = try blocks.next() {
            seen.append((block.firstLine, String(decoding: block.bytes, as: UTF8.self)))
        }
        #expect(seen.map(\.1).joined() == (1...10).map { "line \($0)" }.joined(separator: "\n"))
        for (firstLine, text) in seen {
            #expect(text.hasPrefix("line \(firstLine)\n") || text == "line \(firstLine)")
        }
    }

    @Test func aLineLongerThanABlockFallsBack() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("long.jsonl", String(repeating: "x", count: 40) + "\nshort\n")
        let blocks = try LineBlocks(path: path, blockBytes: 16)
        defer { blocks.close() }
        #expect(throws: ParallelStreaming.Fallback.self) { try blocks.next() }
    }
}

@Suite struct EvalCommandTests {
    @Test func unreadableEventsAreAUsageErrorNamedOnce() {
        let path = TestPaths.examples.appendingPathComponent("smarketing.sla").path
        for missing in ["/nonexistent/events.jsonl", "/nonexistent/events.csv"] {
            let run = CommandRun.run(["eval", path, "--events", missing])
            #expect(run.exitCode == 3)
            #expect(run.error == "sla: \(missing): cannot open: No such file or directory\n")
        }
    }

    /// `sla explain` over events out of order starts over buffered: the timeline is the one
    /// of the pass that completes (each event once, in time order), as for sorted input, and
    /// a lead without events is still an error, not an empty timeline.
    @Test func explainGivesTheSameTimelineWhateverTheOrder() throws {
        let sla = TestPaths.examples.appendingPathComponent("smarketing.sla").path
        let sorted = try String(contentsOfFile: TestPaths.examples.appendingPathComponent("smarketing.jsonl").path, encoding: .utf8)
        let folder = try TemporaryFolder()
        // The traced lead's own events in reverse (the first pass traces some, then meets
        // one out of order), then the whole file in reverse.
        var lines = sorted.split(separator: "\n").map(String.init)
        let traced = lines.indices.filter { lines[$0].contains(#""L-1004""#) }
        for (position, line) in zip(traced, traced.reversed().map { lines[$0] }) { lines[position] = line }
        let reversedLead = try folder.write("reversed-lead.jsonl", lines.joined(separator: "\n") + "\n")
        let reversed = try folder.write("reversed.jsonl", sorted.split(separator: "\n").reversed().joined(separator: "\n") + "\n")
        let inOrder = try folder.write("sorted.jsonl", sorted)
        let explainSorted = CommandRun.run(["explain", sla, "--events", inOrder, "--lead", "L-1004"])
        #expect(explainSorted.exitCode == 0)
        #expect(explainSorted.output.contains("stage mql entered"))
        #expect(traced.count > 2)
        for events in [reversedLead, reversed] {
            let explained = CommandRun.run(["explain", sla, "--events", events, "--lead", "L-1004"])
            #expect(explained.output == explainSorted.output, "\(events)")
        }
        for events in [inOrder, reversedLead, reversed] {
            let missing = CommandRun.run(["explain", sla, "--events", events, "--lead", "NO-SUCH-LEAD"])
            #expect(missing.exitCode == 3)
            #expect(missing.error == "sla: lead `NO-SUCH-LEAD` has no events at or before the as-of time\n")
        }
    }

    /// `explain` exits as `eval` does (SPEC.md section 7), `--fail-on` included: 1 exactly
    /// when `eval` with the same options gives 1.
    @Test func explainExitsAsEval() {
        let sla = TestPaths.examples.appendingPathComponent("smarketing.sla").path
        let events = TestPaths.examples.appendingPathComponent("smarketing.jsonl").path
        for statuses in ["late", "met,missed", "at_risk", "no_data", "pending"] {
            let evaluated = CommandRun.run(["eval", sla, "--events", events, "--format", "json", "--fail-on", statuses])
            let explained = CommandRun.run(["explain", sla, "--events", events, "--lead", "L-1004", "--fail-on", statuses])
            #expect(evaluated.exitCode == explained.exitCode, "\(statuses)")
            #expect(explained.output.contains("stage mql entered"))
        }
        #expect(CommandRun.run(["explain", sla, "--events", events, "--lead", "L-1004", "--fail-on", "late"]).exitCode == 1)
        #expect(CommandRun.run(["explain", sla, "--events", events, "--lead", "L-1004", "--fail-on", "lat"]).exitCode == 3)
    }

    /// A path that opens but cannot be read (a directory named like an event file) fails in
    /// the two-core pass's reads: still a usage error, and the message names the path.
    @Test func anEventPathThatCannotBeReadIsNamed() throws {
        let folder = try TemporaryFolder()
        for name in ["directory.jsonl", "directory.csv"] {
            let directory = folder.url.appendingPathComponent(name).path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let run = CommandRun.run(["eval", TestPaths.examples.appendingPathComponent("smarketing.sla").path, "--events", directory])
            #expect(run.exitCode == 3)
            #expect(run.error.hasPrefix("sla: \(directory): "), "\(run.error)")
            #expect(run.error.components(separatedBy: directory).count == 2, "the path once: \(run.error)")
        }
    }

    @Test func unknownExtensionIsAUsageError() {
        let path = TestPaths.examples.appendingPathComponent("smarketing.sla").path
        let run = CommandRun.run(["eval", path, "--events", "events.txt"])
        #expect(run.exitCode == 3)
        #expect(run.error.contains("--input-format"))
    }

    @Test func failOnExitsOneButStillReports() {
        let sla = TestPaths.examples.appendingPathComponent("smarketing.sla").path
        let events = TestPaths.examples.appendingPathComponent("smarketing.jsonl").path
        let run = CommandRun.run(["eval", sla, "--events", events, "--format", "json", "--fail-on", "breached"])
        #expect(run.exitCode == 1)
        #expect(run.output.contains("\"status\": \"late\""))
        let unknown = CommandRun.run(["eval", sla, "--events", events, "--fail-on", "breachd"])
        #expect(unknown.exitCode == 3)
        #expect(unknown.error.contains("did you mean `breached`?"))
    }
}
