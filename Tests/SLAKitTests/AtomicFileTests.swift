import Foundation
import Testing
@testable import SLAKit

/// Files written whole (`fmt -w`, `eval --output`, `--rejects`) replace the old file
/// atomically, yet keep what a user set up around it: its permission bits, and a symbolic
/// link stays a link to the file, which is the one rewritten.
@Suite struct AtomicFileTests {
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
        let file = try AtomicFile(path: path)
        try file.write(Array("hello\n".utf8))
        try file.commit()
        let mask = umask(0)
        umask(mask)
        #expect(Self.mode(path) == 0o666 & ~mask)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello\n")
    }
}
