import Dispatch
import Foundation
import Testing
@testable import SLAKit

/// Files written whole (`fmt -w`, `eval --output`, `--rejects`) replace the old file
/// atomically, yet keep what a user set up around it: its permission bits, and a symbolic
/// link stays a link to the file, which is the one rewritten.
@Suite struct OutputFileTests {
    static func mode(_ path: String) -> mode_t {
        var status = stat()
        return stat(path, &status) == 0 ? status.st_mode & 0o7777 : 0
    }

    static func isLink(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFLNK
    }

    @Test func keepsPermissionsAndLinks() throws {
        let folder = try TemporaryFolder()
        let target = try folder.write("real.sla", "sla \"x\" {\n    team   sales\n}\n")
        #expect(chmod(target, 0o640) == 0)
        let link = folder.url.appendingPathComponent("link.sla").path
        #expect(symlink(target, link) == 0)

        let formatted = CommandRun.run(["fmt", "-w", link])
        #expect(formatted.exitCode == 0, "\(formatted.error)")
        #expect(Self.isLink(link), "the link is still a link")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "sla \"x\" {\n  team sales\n}\n")
        #expect(Self.mode(target) == 0o640)
        #expect(CommandRun.run(["fmt", "--check", target]).exitCode == 0)

        let events = try folder.write("events.jsonl", "{\"lead\": \"a\", \"type\": \"t\", \"at\": \"2026-03-02T10:00:00Z\"}\n")
        let report = try folder.write("report.json", "old")
        #expect(chmod(report, 0o600) == 0)
        let reportLink = folder.url.appendingPathComponent("latest.json").path
        #expect(symlink(report, reportLink) == 0)
        let evaluated = CommandRun.run(["eval", target, "--events", events, "--format", "json", "--output", reportLink])
        #expect(evaluated.exitCode == 0, "\(evaluated.error)")
        #expect(Self.isLink(reportLink))
        #expect(try String(contentsOfFile: report, encoding: .utf8).hasPrefix("{"))
        #expect(Self.mode(report) == 0o600)
    }

    /// A new file gets the usual mode (0666 less the umask), not a temporary file's.
    @Test func newFilesGetTheUsualMode() throws {
        let folder = try TemporaryFolder()
        let path = folder.url.appendingPathComponent("new.txt").path
        let file = try OutputFile(path: path)
        try file.write(Array("hello\n".utf8))
        try file.commit()
        let mask = umask(0)
        umask(mask)
        #expect(Self.mode(path) == 0o666 & ~mask)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
    }
}

/// What cannot be replaced is written in place: a named pipe (as a device would be), and
/// the file standard output already goes to; `-` is standard output.
@Suite struct InPlaceOutputTests {
    static let sla = "sla \"x\" {\n  team a\n  stage s on t\n  goal g {\n    owner a\n    count s >= 1\n  }\n}\n"
    static let events = "{\"lead\": \"a\", \"type\": \"t\", \"at\": \"2026-03-02T10:00:00Z\"}\nnot json\n"

    @Test func aNamedPipeIsWrittenNotReplaced() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("case.sla", Self.sla)
        let events = try folder.write("events.jsonl", Self.events)
        let pipe = folder.url.appendingPathComponent("rejects.pipe").path
        #expect(mkfifo(pipe, 0o600) == 0)
        final class Received: @unchecked Sendable { var bytes: [UInt8] = [] }
        let received = Received()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            // Blocks until the run opens the pipe for writing; reads until it closes it.
            let reader = open(pipe, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while reader >= 0 {
                let count = read(reader, &buffer, buffer.count)
                if count <= 0 { break }
                received.bytes += buffer[0 ..< count]
            }
            close(reader)
            done.signal()
        }
        let run = CommandRun.run(["eval", sla, "--events", events, "--max-bad", "1", "--format", "json", "--rejects", pipe])
        #expect(run.exitCode == 0, "\(run.error)")
        if done.wait(timeout: .now() + 10) == .timedOut {
            // The run never opened the pipe: let the reader go.
            let writer = open(pipe, O_WRONLY | O_NONBLOCK)
            close(writer)
            done.wait()
            Issue.record("the run did not write the pipe")
        }
        #expect(String(decoding: received.bytes, as: UTF8.self) == "not json\n")
        var status = stat()
        #expect(lstat(pipe, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO, "the pipe is still a pipe")
    }

    /// A pipe whose reader leaves early (`--output /dev/stdout | head -1`) ends the output
    /// quietly, as standard output does: no error.
    @Test func aPipeClosedByItsReaderIsNoError() throws {
        signal(SIGPIPE, SIG_IGN)
        let folder = try TemporaryFolder()
        let pipe = folder.url.appendingPathComponent("early.pipe").path
        #expect(mkfifo(pipe, 0o600) == 0)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let reader = open(pipe, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 16)
            _ = read(reader, &buffer, buffer.count)
            close(reader)
            done.signal()
        }
        let file = try OutputFile(path: pipe)
        let line = Array(repeating: UInt8(ascii: "x"), count: 1023) + [10]
        for _ in 0..<1024 { try file.write(line) }
        try file.commit()
        done.wait()
    }

    /// `--goals-csv /dev/stdout > all.csv`: the goals follow what standard output holds, in
    /// the same file, which is not replaced.
    @Test func theFileStandardOutputGoesToIsAppendedTo() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("all.csv", "")
        let standard = open(path, O_WRONLY | O_TRUNC)
        #expect(standard >= 0)
        defer { close(standard) }
        _ = write(standard, "deadlines\n", 10)
        var before = stat()
        stat(path, &before)
        let file = try OutputFile(path: path, standardDescriptors: [standard])
        try file.write(Array("goals\n".utf8))
        try file.commit()
        _ = write(standard, "after\n", 6)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "deadlines\ngoals\nafter\n")
        var after = stat()
        stat(path, &after)
        #expect(after.st_ino == before.st_ino, "the same file, not a replacement")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["all.csv"], "no temporary file")
    }

    /// A link to a file not written yet (a report's first run) stays a link: the file is
    /// created where it points, as a shell's `>` would; a loop of links is an error.
    @Test func aLinkToAMissingFileIsFollowed() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("case.sla", Self.sla)
        let events = try folder.write("events.jsonl", Self.events)
        let link = folder.url.appendingPathComponent("latest.csv").path
        #expect(symlink("march.csv", link) == 0)
        let run = CommandRun.run(["eval", sla, "--events", events, "--max-bad", "1", "--format", "csv", "--output", link])
        #expect(run.exitCode == 0, "\(run.error)")
        #expect(OutputFileTests.isLink(link))
        #expect(try String(contentsOfFile: folder.url.appendingPathComponent("march.csv").path, encoding: .utf8).hasPrefix("lead,"))
        let loop = folder.url.appendingPathComponent("loop").path
        #expect(symlink("loop", loop) == 0)
        let looped = CommandRun.run(["eval", sla, "--events", events, "--max-bad", "1", "--output", loop])
        #expect(looped.exitCode == 3)
        #expect(OutputFileTests.isLink(loop))
    }

    /// Two options naming one file would each replace it: a usage error, before anything
    /// is read. A second output that cannot be written leaves the first's old file.
    @Test func outputsAreCompletedTogether() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("case.sla", Self.sla)
        let events = try folder.write("events.jsonl", Self.events)
        let report = try folder.write("report.csv", "old report")
        let same = CommandRun.run(["eval", sla, "--events", events, "--max-bad", "1", "--format", "csv", "--output", report,
                                   "--goals-csv", folder.url.appendingPathComponent("./report.csv").path])
        #expect(same.exitCode == 3)
        #expect(same.error.contains("`--output` and `--goals-csv` name the same file"), "\(same.error)")
        // An output naming an input would replace what was read: the export, the SLA.
        let overInput = CommandRun.run(["eval", sla, "--events", events, "--max-bad", "1", "--rejects", events])
        #expect(overInput.exitCode == 3)
        #expect(overInput.error.contains("`--events` and `--rejects` name the same file"), "\(overInput.error)")
        #expect(try String(contentsOfFile: events, encoding: .utf8) == Self.events)
        let overSLA = CommandRun.run(["eval", sla, "--events", events, "--max-bad", "1", "--output", sla])
        #expect(overSLA.exitCode == 3)
        #expect(overSLA.error.contains("the SLA file and `--output` name the same file"), "\(overSLA.error)")
        let missing = CommandRun.run(["eval", sla, "--events", events, "--max-bad", "1", "--format", "csv", "--output", report,
                                      "--goals-csv", folder.url.appendingPathComponent("no/such/goals.csv").path])
        #expect(missing.exitCode == 3)
        #expect(try String(contentsOfFile: report, encoding: .utf8) == "old report")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted() == ["case.sla", "events.jsonl", "report.csv"])
    }

    @Test func aDashIsStandardOutput() throws {
        let folder = try TemporaryFolder()
        let sla = try folder.write("case.sla", Self.sla)
        let events = try folder.write("events.jsonl", Self.events)
        let run = CommandRun.run(["eval", sla, "--events", events, "--max-bad", "1", "--format", "csv", "--goals-csv", "-",
                                  "--rejects", "-"])
        #expect(run.exitCode == 0, "\(run.error)")
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "not json", "rejected records are written as they are read")
        #expect(run.output.contains("\ngoal,owner,period,group,value,op,target,status,group_type\ng,a,2026-03,"))
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("-").path))
        #expect(!FileManager.default.fileExists(atPath: FileManager.default.currentDirectoryPath + "/-"))
    }
}
