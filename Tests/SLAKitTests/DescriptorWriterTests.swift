import Foundation
import Testing
@testable import SLAKit

/// `DescriptorWriter` puts the bytes where writing them one after the other would, whether
/// it defers the large ones (a regular file) or writes everything in place (a file opened
/// for appending, a pipe), and leaves the descriptor's offset after them.
@Suite struct DescriptorWriterTests {
    /// Writes of sizes around `DescriptorWriter.deferredBytes`, each filled with its own byte.
    static func pieces() -> [[UInt8]] {
        let large = DescriptorWriter.deferredBytes
        let sizes = [10, large, 3, large * 3 + 7, large - 1, large + 1, 1, large * 2, 5]
        return sizes.enumerated().map { index, size in [UInt8](repeating: UInt8(65 + index), count: size) }
    }

    static func temporaryPath() -> String {
        NSTemporaryDirectory() + "descriptor-writer-\(UInt64.random(in: 0 ... .max)).bin"
    }

    static func contents(_ path: String) throws -> [UInt8] {
        Array(try #require(FileManager.default.contents(atPath: path)))
    }

    static func writeDirectly(_ descriptor: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        #expect(write(descriptor, bytes, bytes.count) == bytes.count)
    }

    @Test func regularFileGetsTheBytesInOrderAfterWhatItHeld() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        // Written before: the writer starts at the descriptor's offset, not at 0.
        Self.writeDirectly(descriptor, "head\n")
        let writer = DescriptorWriter(descriptor: descriptor)
        #expect(writer.defers)
        for piece in Self.pieces() { writer.write(piece) }
        writer.flush()
        // Written after the flush: lands after the writer's bytes, not over them.
        Self.writeDirectly(descriptor, "tail\n")
        #expect(writer.error == nil)
        #expect(try Self.contents(path) == Array("head\n".utf8) + Self.pieces().flatMap { $0 } + Array("tail\n".utf8))
    }

    /// Another descriptor of the same open file (standard error sent there with `2>&1`)
    /// writes between the writer's pieces, deferred or not: its bytes land between them, as
    /// with sequential writes, and none is written over.
    @Test func writesThroughTheSameOpenFileKeepTheirPlace() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let other = dup(descriptor)
        try #require(other >= 0)
        defer { close(other) }
        let writer = DescriptorWriter(descriptor: descriptor)
        #expect(writer.defers)
        var expected: [UInt8] = []
        for (index, piece) in Self.pieces().enumerated() {
            let note = "note \(index)\n"
            Self.writeDirectly(other, note)
            expected += Array(note.utf8)
            writer.write(piece)
            expected += piece
        }
        Self.writeDirectly(other, "end\n")
        writer.flush()
        #expect(writer.error == nil)
        #expect(try Self.contents(path) == expected + Array("end\n".utf8))
    }

    @Test func appendedFileIsWrittenInPlace() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        try #require(FileManager.default.createFile(atPath: path, contents: Data("before\n".utf8)))
        // With O_APPEND, pwrite would append whatever offset it is given: nothing is deferred.
        let descriptor = open(path, O_WRONLY | O_APPEND)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let writer = DescriptorWriter(descriptor: descriptor)
        #expect(!writer.defers)
        for piece in Self.pieces() { writer.write(piece) }
        writer.flush()
        #expect(try Self.contents(path) == Array("before\n".utf8) + Self.pieces().flatMap { $0 })
    }

    @Test func pipeIsWrittenInPlace() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let writer = DescriptorWriter(descriptor: ends[1])
        #expect(!writer.defers)
        // Read on another thread: the pieces are larger than a pipe holds.
        final class Received: @unchecked Sendable { var bytes: [UInt8] = [] }
        let received = Received()
        let readEnd = ends[0]
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = read(readEnd, &buffer, buffer.count)
                if count <= 0 { break }
                received.bytes += buffer[0 ..< count]
            }
            done.signal()
        }
        for piece in Self.pieces() { writer.write(piece) }
        writer.flush()
        close(ends[1])
        done.wait()
        close(readEnd)
        #expect(received.bytes == Self.pieces().flatMap { $0 })
    }

    @Test func failedWriteIsReported() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        try #require(FileManager.default.createFile(atPath: path, contents: Data()))
        // Open for reading only: fstat says regular file, every write fails.
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let writer = DescriptorWriter(descriptor: descriptor)
        writer.write([UInt8](repeating: 1, count: DescriptorWriter.deferredBytes * 2))
        writer.flush()
        #expect(writer.error == EBADF)
    }

    @Test func atomicFileKeepsTheOrderOfBufferedAndDeferredPieces() throws {
        let path = Self.temporaryPath()
        defer { unlink(path) }
        let file = try OutputFile(path: path)
        // Small pieces are buffered, large ones go to the writer after what was buffered.
        for piece in Self.pieces() + Self.pieces().reversed() { try file.write(piece) }
        try file.commit()
        #expect(try Self.contents(path) == (Self.pieces() + Self.pieces().reversed()).flatMap { $0 })
    }

    /// A report that cannot be written (here to `/dev/full`, a full disk) is an error the
    /// run reports, exit 3, not a success with a truncated output.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func unwritableReportIsAnError() throws {
        let output = open("/dev/full", O_WRONLY)
        try #require(output >= 0)
        defer { close(output) }
        let errorPath = Self.temporaryPath()
        defer { unlink(errorPath) }
        let error = open(errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(error >= 0)
        defer { close(error) }
        let console = Console.standard(output: output, error: error)
        let examples = TestPaths.examples
        let code = Driver.run(["eval", examples.appendingPathComponent("smarketing.sla").path,
                               "--events", examples.appendingPathComponent("smarketing.jsonl").path, "--format", "json"], console: console)
        #expect(code == ExitCode.success, "the evaluation itself succeeds")
        #expect(Driver.complete(code, console: console) == ExitCode.usage)
        let message = String(decoding: try Self.contents(errorPath), as: UTF8.self)
        #expect(message == "sla: cannot write standard output: \(String(cString: strerror(ENOSPC)))\n")
    }
}
