import Testing
@testable import SLAKit

/// `ByteHash` reads the bytes after the last whole word with overlapping loads; it must
/// hash every length exactly as reading them one by one does.
@Suite struct ByteHashTests {
    /// The hash with the tail read byte by byte.
    static func reference(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var index = 0
        while index + 8 <= bytes.count {
            var word: UInt64 = 0
            for position in 0..<8 { word |= UInt64(bytes[index + position]) << (8 * UInt64(position)) }
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            index += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
    }

    @Test func everyLengthHashesAsByteByByte() {
        var generator = SeededGenerator(seed: 7)
        for length in 0...40 {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                // Bytes around the id, so that reads outside it would show.
                let padded = [0xAA] + bytes + [0x55]
                let hash = padded.withUnsafeBufferPointer { ByteHash.hash($0.baseAddress! + 1, length) }
                #expect(hash == Self.reference(bytes), "length \(length)")
            }
        }
    }
}
