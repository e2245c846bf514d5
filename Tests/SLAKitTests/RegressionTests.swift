import Foundation
import Testing
@testable import SLAKit

/// Output files (`--output`, `--rejects`, `--goals-csv`, `--junit`) are written atomically:
/// a temporary file beside the target, renamed over it only when complete. A failed run or
/// write leaves the old file as it was and no temporary file behind.
@Suite struct AtomicOutputTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sla-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func contents(_ url: URL) -> String? {
        (try? Data(contentsOf: url)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The folder's entries other than `keep` (temporary files would show up here).
    static func leftovers(_ folder: URL, keeping keep: Set<String>) -> [String] {
        TestPaths.entries(folder).filter { !keep.contains($0) } + ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasPrefix(".") }
    }

    @Test func successfulWriteReplacesTheFile() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("out.json")
        try Data("old".utf8).write(to: target)
        try Files.writeWhole(Array("new".utf8), to: target.path)
        #expect(Self.contents(target) == "new")
        #expect(Self.leftovers(folder, keeping: ["out.json"]).isEmpty)
    }

    @Test func failedWriteLeavesTheOldFile() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("out.json")
        try Data("old".utf8).write(to: target)
        // Written in part, then abandoned (as when a later step of the run fails).
        do {
            let file = try OutputFile(path: target.path)
            try file.write(Array(repeating: UInt8(ascii: "x"), count: 200_000))
            file.discard()
        }
        #expect(Self.contents(target) == "old")
        // Released without commit: the same.
        do {
            let file = try OutputFile(path: target.path)
            try file.write(Array("half".utf8))
        }
        #expect(Self.contents(target) == "old")
        #expect(Self.leftovers(folder, keeping: ["out.json"]).isEmpty)
        // A directory stands in the way (it cannot be opened for writing): it is untouched.
        let blocked = folder.appendingPathComponent("blocked")
        try FileManager.default.createDirectory(at: blocked.appendingPathComponent("inside"), withIntermediateDirectories: true)
        #expect(throws: UsageError.self) { try Files.writeWhole(Array("new".utf8), to: blocked.path) }
        #expect(FileManager.default.fileExists(atPath: blocked.appendingPathComponent("inside").path))
        #expect(Self.leftovers(folder, keeping: ["out.json", "blocked"]).isEmpty)
        // No such directory: nothing is created.
        #expect(throws: UsageError.self) { try Files.writeWhole([1], to: folder.appendingPathComponent("no/such/file").path) }
    }

    @Test func failedEvaluationKeepsOldOutputs() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sla = folder.appendingPathComponent("case.sla")
        try "sla \"x\" {\n  team a\n  score s {\n    +1 on t\n  }\n  stage hot when s > 0\n}\n".write(to: sla, atomically: true, encoding: .utf8)
        let events = folder.appendingPathComponent("events.jsonl")
        try Data("{\"lead\":\"L1\",\"type\":\"t\",\"at\":\"2026-03-02\"}\nnot json\n".utf8).write(to: events)
        let output = folder.appendingPathComponent("report.json"), goals = folder.appendingPathComponent("goals.csv")
        try Data("old report".utf8).write(to: output)
        try Data("old goals".utf8).write(to: goals)
        // One record rejected, none allowed: exit 2, no verdicts written; the rejected
        // record, the one to look at, is (README, Output files).
        let failedRejects = folder.appendingPathComponent("failed-rejects.jsonl")
        try Data("old rejects".utf8).write(to: failedRejects)
        let failed = CommandRun.run(["eval", sla.path, "--events", events.path, "--output", output.path, "--goals-csv", goals.path,
                                     "--rejects", failedRejects.path])
        #expect(failed.exitCode == 2)
        #expect(failed.output.isEmpty)
        #expect(Self.contents(output) == "old report")
        #expect(Self.contents(goals) == "old goals")
        #expect(Self.contents(failedRejects) == "not json\n")
        try FileManager.default.removeItem(at: failedRejects)
        // An input that cannot be opened, before any record was rejected: exit 3, and
        // `--rejects` keeps its old content (there is nothing new to look at).
        try Data("old rejects".utf8).write(to: failedRejects)
        let missing = CommandRun.run(["eval", sla.path, "--events", folder.appendingPathComponent("missing.jsonl").path,
                                      "--rejects", failedRejects.path])
        #expect(missing.exitCode == 3)
        #expect(Self.contents(failedRejects) == "old rejects")
        try FileManager.default.removeItem(at: failedRejects)
        // `--output` naming a directory: exit 3, the directory untouched, the goals file too.
        let directory = CommandRun.run(["eval", sla.path, "--events", events.path, "--max-bad", "1", "--output", folder.path])
        #expect(directory.exitCode == 3)
        // `--rejects` in a missing folder: exit 3 before anything is written.
        let rejects = CommandRun.run(["eval", sla.path, "--events", events.path, "--max-bad", "1", "--output", output.path,
                                      "--rejects", folder.appendingPathComponent("missing/rejects.jsonl").path])
        #expect(rejects.exitCode == 3)
        #expect(Self.contents(output) == "old report")
        // A successful run replaces them all.
        let run = CommandRun.run(["eval", sla.path, "--events", events.path, "--max-bad", "1", "--output", output.path,
                                  "--goals-csv", goals.path, "--rejects", folder.appendingPathComponent("rejects.jsonl").path])
        #expect(run.exitCode == 0, "\(run.error)")
        #expect(Self.contents(output)?.hasPrefix("{") == true)
        #expect(Self.contents(folder.appendingPathComponent("rejects.jsonl")) == "not json\n")
        #expect(Self.leftovers(folder, keeping: ["case.sla", "events.jsonl", "report.json", "goals.csv", "rejects.jsonl"]).isEmpty)
    }
}

/// Regressions found by fuzzing and by the limits and scaling work (Tests/Fuzz/README.md).
@Suite struct RegressionTests {
    @Test func invalidUTF8RunInAStringIsOneDiagnostic() {
        // A UTF-16 surrogate encoded in UTF-8 (three bad bytes) used to give three.
        let bytes = Array("sla \"x".utf8) + [0xED, 0xA0, 0x80] + Array("\" {\n}\n".utf8)
        let codes = LoadedFile.analyse(SourceFile(path: "r.sla", bytes: bytes)).diagnostics.map(\.code)
        #expect(codes == ["invalid-utf8"])
    }

    @Test func csvWithoutHeaderHasNoRecords() throws {
        // Empty and blank-only CSV inputs: no header, no records, no error.
        for input in ["", "\n\n", " \r\n\t\n", "\u{FEFF}"] {
            let result = try readEvents(input, format: .csv)
            #expect(result.accepted.isEmpty && result.rejected.isEmpty, "\(Array(input.utf8))")
        }
    }

    @Test func longLiteralsAreShortenedInMessages() {
        let digits = String(repeating: "7", count: 100_000)
        let text = "sla \"x\" {\n  score s {\n    +1 when lead.n > \(digits)x\n  }\n}\n"
        let diagnostics = LoadedFile.analyse(SourceFile(path: "r.sla", text: text)).diagnostics
        #expect(diagnostics.first?.code == "invalid-number")
        #expect((diagnostics.first?.message.count ?? .max) < 80)
        let rendered = diagnostics.first.map { DiagnosticRenderer.human($0) } ?? ""
        #expect(rendered.count < 1_000)
    }

    @Test func goalsOverManyCyclesInOnePeriod() throws {
        // Percentile goals keep every elapsed time of a period; they used to be copied at
        // each new cycle. The verdict itself is checked here; the time in ScalingTests.
        let loaded = LoadedFile.analyse(SourceFile(path: "r.sla", text: """
        sla "x" {
          team a
          deadline d {
            owner a
            starts on every open
            met on close
            within 1h
          }
          goal speed {
            owner a
            p50 d <= 30m per year
          }
        }
        """))
        let program = Compiler.compile(try #require(loaded.check?.sla))
        var store = EventStore()
        for index in 0..<2_000 {
            let base = 1_772_409_600_000 + Int64(index) * 7_200_000
            store.add(lead: "L1", time: base, type: "open", attributes: [])
            // Elapsed: index minutes (mod 60), so the median is about 30 minutes.
            store.add(lead: "L1", time: base + Int64(index % 60) * 60_000, type: "close", attributes: [])
        }
        let result = Evaluator(program: program).run(store, asOf: nil)
        #expect(result.cycles.count == 2_000)
        #expect(result.goals.first?.value == 1_740.0) // 29 minutes, in seconds
    }
}

/// Found by the `csv-reader` fuzz target: a record whose length was a multiple of 32 (the
/// UTF-8 check's widest step) had the byte after it checked too, so a read cut there could
/// turn a valid record into "invalid UTF-8" depending on what followed in the buffer.
@Suite struct ByteScanningTests {
    @Test func firstInvalidUTF8StopsAtTheEnd() {
        for length in 0...100 {
            let bytes = [UInt8](repeating: 0x61, count: length) + [0xFF, 0xFF]
            bytes.withUnsafeBufferPointer { buffer in
                #expect(ByteScanning.firstInvalidUTF8(buffer.baseAddress!, 0, length) == nil, "length \(length)")
                #expect(ByteScanning.firstInvalidUTF8(buffer.baseAddress!, 0, length + 1) == length, "length \(length)")
            }
        }
    }
}

/// Goal cells of the null group are kept in a list by period; periods too far apart for
/// one list (more than 65,536 periods) fall back to keyed cells. Both kinds of cell must
/// add up to the same verdicts.
@Suite struct GoalCellTests {
    static let source = """
    sla "x" {
      team a
      stage s on hit
      stage t on win
      goal daily_hits {
        owner a
        count s >= 1 per day
      }
      goal daily_wins {
        owner a
        rate t / s >= 50% per day
      }
    }
    """

    @Test func periodsTwoHundredYearsApartAreAllCounted() throws {
        let loaded = LoadedFile.analyse(SourceFile(path: "r.sla", text: Self.source))
        let program = Compiler.compile(try #require(loaded.check?.sla))
        var store = EventStore()
        // 1990-01-01, 1990-01-02 and 2190-01-01 (73,049 days later), all at noon UTC.
        let day: Int64 = 86_400_000
        let early: Int64 = 631_195_200_000
        let late = early + 73_049 * day
        store.add(lead: "L1", time: early, type: "hit", attributes: [])
        store.add(lead: "L1", time: early + 1_000, type: "win", attributes: [])
        store.add(lead: "L2", time: early + day, type: "hit", attributes: [])
        store.add(lead: "L3", time: late, type: "hit", attributes: [])
        store.add(lead: "L4", time: late + 1_000, type: "hit", attributes: [])
        store.add(lead: "L4", time: late + 2_000, type: "win", attributes: [])
        let result = Evaluator(program: program).run(store, asOf: nil)
        let hits = result.goals.filter { $0.goal == 0 }
        let wins = result.goals.filter { $0.goal == 1 }
        #expect(hits.count == 73_050)
        #expect(wins.count == 73_050)
        #expect(hits.first?.value == 1)
        #expect(hits[1].value == 1)
        #expect(hits[2].value == 0)
        #expect(hits.last?.value == 2)
        #expect(wins.first?.value == 1)
        #expect(wins[1].value == 0)
        #expect(wins[2].value == nil)
        #expect(wins.last?.value == 0.5)
        #expect(hits.reduce(0) { $0 + ($1.value ?? 0) } == 4)
    }
}
