import Foundation
import Testing
@testable import SLAKit

/// Whatever pass evaluates an input — one core from memory, two cores over a file cut into
/// blocks of any size, streaming or buffered (out of order) — the JSON report and the
/// rejected records are the same. Each example SLA runs over its own events, and over the
/// same lines shuffled.
@Suite struct PassEquivalenceTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var sla: String
        var events: String
        var testDescription: String { events }
    }

    static let cases = [
        Case(sla: "smarketing.sla", events: "smarketing.jsonl"),
        Case(sla: "smarketing.sla", events: "smarketing-dirty.jsonl"),
        Case(sla: "inbound_saas.sla", events: "inbound_saas.jsonl"),
        Case(sla: "partner_referrals.sla", events: "partner_referrals.csv"),
    ]

    static func program(_ name: String) throws -> Program {
        let path = TestPaths.examples.appendingPathComponent(name).path
        let loaded = LoadedFile.analyse(SourceFile(path: path, text: try String(contentsOfFile: path, encoding: .utf8)))
        return Compiler.compile(try #require(loaded.check?.sla))
    }

    /// The report and the rejected records (`file:line: reason`, in the order reported) of one
    /// evaluation of `sources`.
    static func evaluate(_ program: Program, _ sources: [EventSource], blockBytes: Int = ParallelStreaming.blockBytes) throws -> (json: String, rejected: [String]) {
        var options = EvaluationOptions()
        options.sources = sources
        options.maxBad = 1_000_000
        options.blockBytes = blockBytes
        var rejected: [String] = []
        let result = try Evaluator(program: program).evaluate(options, onReject: { record, file in rejected.append("\(file):\(record.line): \(record.reason)") })
        return (JSONReport.render(result), rejected)
    }

    static func evaluateResult(_ program: Program, _ source: EventSource) throws -> EvaluationResult {
        var options = EvaluationOptions()
        options.sources = [source]
        options.maxBad = 1_000_000
        return try Evaluator(program: program).evaluate(options)
    }

    /// The lines of `bytes` in a seeded random order (a CSV header stays first).
    static func shuffled(_ text: String, keepFirst: Bool) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let head = keepFirst ? [lines.removeFirst()] : []
        var generator = SeededGenerator(seed: 7)
        lines.shuffle(using: &generator)
        return (head + lines).joined(separator: "\n") + "\n"
    }

    /// The lines of `text` with the first event moved to the end: in order until the last
    /// line, where its lead goes back in time (a CSV header stays first). Blocks cut small,
    /// the two-core pass meets it after processing others and starts over buffered; in one
    /// block, it meets it in the first blocks it processes and buffers them in place.
    static func lateOutOfOrder(_ text: String, keepFirst: Bool) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let head = keepFirst ? [lines.removeFirst()] : []
        lines.append(lines.removeFirst())
        return (head + lines).joined(separator: "\n") + "\n"
    }

    @Test(arguments: cases)
    func everyPassAgrees(_ example: Case) throws {
        let program = try PassEquivalenceTests.program(example.sla)
        let original = try String(contentsOfFile: TestPaths.examples.appendingPathComponent(example.events).path, encoding: .utf8)
        let format: InputFormat = example.events.hasSuffix(".csv") ? .csv : .jsonl
        let folder = try TemporaryFolder()
        for (label, text) in [("sorted", original), ("shuffled", PassEquivalenceTests.shuffled(original, keepFirst: format == .csv)),
                              ("late out of order", PassEquivalenceTests.lateOutOfOrder(original, keepFirst: format == .csv))] {
            let inMemory = try PassEquivalenceTests.evaluate(program, [EventSource(input: .bytes(name: "events", Array(text.utf8)), format: format, displayName: "events")])
            let path = try folder.write("\(label).\(format.rawValue)", text)
            for blockBytes in [200, 1_000, 7_000, ParallelStreaming.blockBytes] {
                let file = try PassEquivalenceTests.evaluate(program, [EventSource(input: .file(path: path), format: format, displayName: "events")],
                                                             blockBytes: blockBytes)
                #expect(file.json == inMemory.json, "\(label), blocks of \(blockBytes) bytes")
                #expect(file.rejected == inMemory.rejected, "\(label), blocks of \(blockBytes) bytes")
            }
        }
    }

    /// Several event files in one evaluation: the two-core pass goes from one file to the
    /// next without losing a block or misnumbering a rejected line, and agrees with the
    /// one-core pass over the same parts in memory.
    @Test(arguments: [cases[1], cases[3]])
    func severalFilesAgree(_ example: Case) throws {
        let program = try PassEquivalenceTests.program(example.sla)
        let original = try String(contentsOfFile: TestPaths.examples.appendingPathComponent(example.events).path, encoding: .utf8)
        let format: InputFormat = example.events.hasSuffix(".csv") ? .csv : .jsonl
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let header = format == .csv ? [lines.removeFirst()] : []
        // Three parts of unequal sizes, each a whole file (a CSV part with its header).
        let cuts = [0, lines.count / 5, lines.count * 3 / 5, lines.count]
        let parts = (0..<3).map { (header + lines[cuts[$0] ..< cuts[$0 + 1]]).joined(separator: "\n") + "\n" }
        let folder = try TemporaryFolder()
        var inMemory: [EventSource] = [], files: [EventSource] = []
        for (index, part) in parts.enumerated() {
            let name = "part\(index).\(format.rawValue)"
            inMemory.append(EventSource(input: .bytes(name: name, Array(part.utf8)), format: format, displayName: name))
            files.append(EventSource(input: .file(path: try folder.write(name, part)), format: format, displayName: name))
        }
        let expected = try PassEquivalenceTests.evaluate(program, inMemory)
        #expect(example.events.contains("dirty") ? !expected.rejected.isEmpty : true, "the dirty events have rejected lines")
        for blockBytes in [300, 2_000, ParallelStreaming.blockBytes] {
            let actual = try PassEquivalenceTests.evaluate(program, files, blockBytes: blockBytes)
            #expect(actual.json == expected.json, "blocks of \(blockBytes) bytes")
            #expect(actual.rejected == expected.rejected, "blocks of \(blockBytes) bytes")
        }
    }

    /// The partner-referrals example: its program, its CSV export's text, the export's
    /// header line, its records (one line each) and its number of columns.
    static func partnerReferrals() throws -> (program: Program, original: String, header: String, records: [String], columns: Int) {
        let program = try PassEquivalenceTests.program("partner_referrals.sla")
        let original = try String(contentsOfFile: TestPaths.examples.appendingPathComponent("partner_referrals.csv").path, encoding: .utf8)
        var lines = original.split(separator: "\n").map(String.init)
        let header = lines.removeFirst()
        return (program, original, header, lines, header.split(separator: ",", omittingEmptySubsequences: false).count)
    }

    /// A CSV record over the 1 MiB limit whose quoted cell holds line feeds is rejected
    /// whole, in every pass, with the same message, and the records after it are read. It
    /// starts 2.2 MiB into the file: with 1 MiB blocks, a block ends inside the cell and the
    /// two-core pass starts over on one core, which follows the quoting; with 2 MiB blocks
    /// the record lies inside the second block, whose lines are numbered from its start.
    @Test func overlongQuotedCellIsRejectedAloneInEveryPass() throws {
        let (program, original, header, lines, columns) = try PassEquivalenceTests.partnerReferrals()
        // The first record again, its last cell replaced by 1.5 MiB of quoted lines.
        var fields = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[columns - 1] = "\"" + String(repeating: "note, \"\"quoted\"\"\n", count: 90_000) + "\""
        let long = fields.joined(separator: ",")
        let copies = (22 << 20) / 10 / original.utf8.count + 1
        let before = Array([[String]](repeating: lines, count: copies).joined())
        let text = ([header] + before + [long] + lines).joined(separator: "\n") + "\n"
        let folder = try TemporaryFolder()
        let path = try folder.write("long.csv", text)
        let inMemory = try PassEquivalenceTests.evaluate(program, [EventSource(input: .bytes(name: "long.csv", Array(text.utf8)), format: .csv, displayName: "long.csv")])
        #expect(inMemory.rejected == ["long.csv:\(before.count + 2): record longer than 1048576 bytes (over 90001 lines, cut inside a quoted field)"])
        func records(_ json: String) -> JSON? {
            guard case .object(let report)? = JSON.parse(json), case .object(let input)? = report["input"] else { return nil }
            return input["records"]
        }
        // Every record of every copy is read.
        let once = try PassEquivalenceTests.evaluate(program, [EventSource(input: .bytes(name: "once.csv", Array(original.utf8)), format: .csv, displayName: "once.csv")])
        guard case .number(let count)? = records(once.json) else { Issue.record("no record count"); return }
        #expect(records(inMemory.json) == .number(Double(copies + 1) * count))
        for blockBytes in [1 << 20, ParallelStreaming.blockBytes, 3 << 20] {
            let file = try PassEquivalenceTests.evaluate(program, [EventSource(input: .file(path: path), format: .csv, displayName: "long.csv")],
                                                         blockBytes: blockBytes)
            #expect(file.json == inMemory.json, "blocks of \(blockBytes) bytes")
            #expect(file.rejected == inMemory.rejected, "blocks of \(blockBytes) bytes")
        }
    }

    /// A CSV record over the 1 MiB limit is cut after 1 MiB + 2 bytes (room for a CRLF).
    /// Cut between the two quotes of a `""` in its quoted cell, or one byte before or after
    /// them, it is cut inside the quoted field, and says so in every pass: in memory on one
    /// core, from a file on two cores (the record lies inside the first 2 MiB block) and on
    /// one core again (1 MiB blocks: the record's first line fills a block, too long for it).
    @Test func overlongRecordCutAtAnEscapedQuoteIsCutInsideTheFieldInEveryPass() throws {
        let (program, original, header, lines, columns) = try PassEquivalenceTests.partnerReferrals()
        // The first record again, its last cell quoted and long, holding `""` and a line feed.
        let fields = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let opening = fields.prefix(columns - 1).joined(separator: ",") + ",\""
        let cut = EventReader.defaultMaximumRecordBytes + 2
        let after = Array([[String]](repeating: lines, count: (3 << 20) / 2 / original.utf8.count + 1).joined())
        for offset in cut - 2 ... cut {
            let long = opening + String(repeating: "x", count: offset - opening.utf8.count) + "\"\"quoted\"\"\nnote\""
            let text = ([header, long] + after).joined(separator: "\n") + "\n"
            let folder = try TemporaryFolder()
            let path = try folder.write("long.csv", text)
            let inMemory = try PassEquivalenceTests.evaluate(program, [EventSource(input: .bytes(name: "long.csv", Array(text.utf8)), format: .csv, displayName: "long.csv")])
            #expect(inMemory.rejected == ["long.csv:2: record longer than 1048576 bytes (over 2 lines, cut inside a quoted field)"],
                    "the `\"\"` \(offset - cut) bytes from the cut")
            for blockBytes in [1 << 20, ParallelStreaming.blockBytes] {
                let file = try PassEquivalenceTests.evaluate(program, [EventSource(input: .file(path: path), format: .csv, displayName: "long.csv")],
                                                             blockBytes: blockBytes)
                #expect(file.json == inMemory.json, "blocks of \(blockBytes) bytes, the `\"\"` \(offset - cut) bytes from the cut")
                #expect(file.rejected == inMemory.rejected, "blocks of \(blockBytes) bytes, the `\"\"` \(offset - cut) bytes from the cut")
            }
        }
    }

    /// A CSV header after a few blocks of blank lines is parsed in a later block, alone: its
    /// errors name its own line, as in the one-core pass.
    @Test func headerErrorsAfterBlankBlocksNameTheirLine() throws {
        let program = try PassEquivalenceTests.program("partner_referrals.sla")
        let text = String(repeating: "\n", count: 600) + "leed,type,at\nDR-1,deal_registered,2026-01-13T17:05:00Z\n"
        let folder = try TemporaryFolder()
        let path = try folder.write("blank.csv", text)
        func message(_ input: EventInput, blockBytes: Int) -> String {
            do {
                _ = try PassEquivalenceTests.evaluate(program, [EventSource(input: input, format: .csv, displayName: "blank.csv")], blockBytes: blockBytes)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let expected = message(.bytes(name: "blank.csv", Array(text.utf8)), blockBytes: ParallelStreaming.blockBytes)
        #expect(expected.contains("601"), "the one-core pass names line 601: \(expected)")
        for blockBytes in [200, 1_000] {
            #expect(message(.file(path: path), blockBytes: blockBytes) == expected, "blocks of \(blockBytes) bytes")
        }
    }

    /// A CSV field holding line feeds may straddle a block boundary: the two-core pass gives
    /// up and the one-core pass, which follows the quoting from the start, gives the result.
    @Test func quotedLineFeedsAcrossBlocks() throws {
        let program = try PassEquivalenceTests.program("partner_referrals.sla")
        let original = try String(contentsOfFile: TestPaths.examples.appendingPathComponent("partner_referrals.csv").path, encoding: .utf8)
        // Every note becomes a quoted field of three lines.
        var lines = original.split(separator: "\n").map(String.init)
        for index in 1..<lines.count where lines[index].hasSuffix(",") {
            lines[index] += "\"first line\nsecond, line\n\"\"third\"\" line\""
        }
        let text = lines.joined(separator: "\n") + "\n"
        let inMemory = try PassEquivalenceTests.evaluate(program, [EventSource(input: .bytes(name: "events", Array(text.utf8)), format: .csv, displayName: "events")])
        let folder = try TemporaryFolder()
        let path = try folder.write("notes.csv", text)
        for blockBytes in [150, 400, 3_000] {
            let file = try PassEquivalenceTests.evaluate(program, [EventSource(input: .file(path: path), format: .csv, displayName: "events")],
                                                         blockBytes: blockBytes)
            #expect(file.json == inMemory.json, "blocks of \(blockBytes) bytes")
            #expect(file.rejected == inMemory.rejected)
        }
    }
}


/// The JSON report renders large arrays in chunks on two cores; the bytes must be those of
/// rendering row after row, whatever the chunk size and however the rows divide into chunks.
@Suite struct ChunkedReportTests {
    @Test func chunkedRenderingEqualsRowByRow() throws {
        let program = try PassEquivalenceTests.program("smarketing.sla")
        let path = TestPaths.examples.appendingPathComponent("smarketing.jsonl").path
        let result = try PassEquivalenceTests.evaluateResult(program, EventSource(input: .file(path: path), format: .jsonl, displayName: path))
        #expect(result.leads.count > 20 && result.cycles.count > 20, "enough rows for several chunks")
        var whole: [UInt8] = []
        JSONReport.render(result, chunkRows: Int.max) { whole += $0 }
        for chunkRows in [1, 2, 3, 7, result.leads.count / 2, result.leads.count - 1] {
            var chunked: [UInt8] = []
            JSONReport.render(result, chunkRows: chunkRows) { chunked += $0 }
            #expect(chunked.elementsEqual(whole), "chunks of \(chunkRows) rows")
        }
    }
}
