import Foundation
import Testing
@testable import SLAKit

/// An interrupted run removes its temporary files: the copy of standard input and the
/// files outputs are written to before they replace their targets.
@Suite struct InterruptTests {
    @Test func outputTemporaryFilesAreRegisteredUntilCommittedOrDiscarded() throws {
        let folder = try TemporaryFolder()
        let committed = try OutputFile(path: folder.url.appendingPathComponent("a.json").path)
        let discarded = try OutputFile(path: folder.url.appendingPathComponent("b.json").path)
        // The temporary files are hidden (`.a.json.PID-N.tmp`).
        let pending = Set(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).map { folder.url.appendingPathComponent($0).path })
        #expect(pending.count == 2)
        #expect(pending.isSubset(of: TemporaryFiles.registered))
        try committed.write(Array("{}".utf8))
        try committed.commit()
        discarded.discard()
        #expect(pending.isDisjoint(with: TemporaryFiles.registered))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["a.json"])
    }

    /// The `sla` executable built with the tests (beside the test bundle).
    static var executable: String? {
        let candidates = [CommandLine.arguments.first, Bundle.main.executablePath].compactMap { $0 }.map {
            URL(fileURLWithPath: $0).deletingLastPathComponent()
        } + [Bundle.main.bundleURL.deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("sla").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `sla eval --events -` copies standard input to a temporary file; SIGTERM while it
    /// copies (the writer has not finished) removes the copy, and the process ends by the
    /// signal. (SIGTERM: the test runner may ignore SIGINT, and a signal ignored at start
    /// stays ignored in `sla`, as a background job's SIGINT must.)
    @Test func terminationRemovesTheCopyOfStandardInput() throws {
        guard let executable = Self.executable else {
            Issue.record("no sla executable beside \(CommandLine.arguments.first ?? "?")")
            return
        }
        let folder = try TemporaryFolder()
        let temporary = folder.url.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        let sla = try folder.write("s.sla", "sla \"s\" {\n  team t\n  stage s on a\n}\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["eval", sla, "--events", "-"]
        process.environment = ["TMPDIR": temporary.path + "/"]
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data(#"{"lead":"L1","type":"a","at":"2026-03-02T09:00:00Z"}"#.utf8 + [10]))
        // Wait (at most 20 s) until the copy exists, then interrupt.
        var waited = 0
        while TestPaths.entries(temporary).isEmpty, waited < 2_000 {
            usleep(10_000)
            waited += 1
        }
        #expect(TestPaths.entries(temporary).count == 1, "the copy of standard input")
        process.terminate()
        // A process that ignores the signal would wait for the rest of standard input: end it, so that the test fails
        // rather than hangs.
        waited = 0
        while process.isRunning, waited < 1_000 {
            usleep(10_000)
            waited += 1
        }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGTERM)
        #expect(TestPaths.entries(temporary).isEmpty)
    }

    /// A reader of standard output that goes away (`sla eval ... | head -c1`) ends the run
    /// by SIGPIPE, as before, and the unfinished `--rejects` file goes with it. (Started
    /// through `env --default-signal=PIPE`: the test runner may ignore SIGPIPE, and `sla`
    /// keeps a signal ignored at start ignored.)
    @Test func brokenPipeRemovesUnfinishedOutputs() throws {
        guard let executable = Self.executable else {
            Issue.record("no sla executable beside \(CommandLine.arguments.first ?? "?")")
            return
        }
        let folder = try TemporaryFolder()
        let sla = try folder.write("s.sla", "sla \"s\" {\n  team t\n  stage s on a\n}\n")
        // A report of a few megabytes, more than a pipe holds, and one rejected record.
        var events = ""
        for lead in 0..<30_000 { events += #"{"lead":"L\#(lead)","type":"a","at":"2026-03-02T09:00:00Z"}"# + "\n" }
        events += "{bad\n"
        let eventsPath = try folder.write("e.jsonl", events)
        let outputs = folder.url.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=PIPE", executable, "eval", sla, "--events", eventsPath, "--format", "json",
                             "--max-bad", "1", "--rejects", outputs.appendingPathComponent("rejects.jsonl").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try output.fileHandleForReading.close()
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGPIPE)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs.path).isEmpty)
    }
}
