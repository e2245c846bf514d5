import Testing
@testable import SLAKit

/// The report's row writer must give the bytes of `JSONWriter`'s append functions, within
/// the bounds its callers reserve.
@Suite struct RowWriterTests {
    /// Runs `write` on a row writer with `bound` bytes of room (and a guard byte after them)
    /// and returns what it wrote.
    static func written(bound: Int, _ write: (inout RowWriter) -> Void) -> [UInt8] {
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bound + 1)
        defer { buffer.deallocate() }
        buffer[bound] = 0xA5
        var writer = RowWriter(buffer)
        write(&writer)
        #expect(writer.count <= bound)
        #expect(buffer[bound] == 0xA5)
        return Array(UnsafeBufferPointer(start: buffer, count: writer.count))
    }

    static func expected(_ append: (inout [UInt8]) -> Void) -> [UInt8] {
        var bytes: [UInt8] = []
        append(&bytes)
        return bytes
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func timestampsMatch(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        // One writer for many timestamps: its remembered date must never leak into the next.
        let instants: [Int64?] = (0..<2_000).map { index in
            switch index % 5 {
            case 0: return nil
            case 1: return Int64.random(in: CivilTime.minimumInstant...CivilTime.maximumInstant, using: &generator)
            case 2: return 1_772_442_300_000 + Int64.random(in: -86_400_000...86_400_000, using: &generator)
            case 3: return Int64.random(in: -5...5, using: &generator) * CivilTime.millisecondsPerDay
            default: return 1_772_442_300_000 + Int64.random(in: 0...3, using: &generator) * 1_000
            }
        }
        let bytes = Self.written(bound: instants.count * RowWriter.timestampBound) { writer in
            for instant in instants { writer.timestamp(instant) }
        }
        let expected = Self.expected { bytes in
            for instant in instants { JSONWriter.appendTimestamp(instant, to: &bytes) }
        }
        #expect(bytes == expected)
    }

    @Test(arguments: [
        0, 1, -1, 9, 10, -10, 99, 100, 12_345, -98_765, Int64.max, Int64.min, Int64.min + 1, 1_000_000_000_000,
        // Around the 32-bit path's digit counts and its limit.
        999, 1_000, 99_999, 100_000, 999_999_999, 1_000_000_000, 4_294_967_295, 4_294_967_296,
    ] as [Int64])
    func integersMatch(value: Int64) {
        let bytes = Self.written(bound: RowWriter.integerBound) { $0.integer(value) }
        #expect(bytes == Self.expected { JSONWriter.appendInteger(value, to: &$0) })
    }

    /// Every second of a day, and milliseconds from each hundred, against the fields
    /// computed one by one: the time of day is written without going through the date.
    @Test func timeOfDayMatchesItsFields() {
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 16)
        defer { out.deallocate() }
        var withinDays = Array(stride(from: 0, to: 86_400_000, by: 1000))
        withinDays += [1, 9, 10, 99, 100, 101, 999, 86_399_999, 43_200_007, 3_599_990]
        for withinDay in withinDays {
            let count = CivilTime.writeTimeOfDay(withinDay, to: out)
            let (hour, minute, second, millisecond) = (withinDay / 3_600_000, withinDay / 60_000 % 60, withinDay / 1000 % 60, withinDay % 1000)
            func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            var expected = "T\(two(hour)):\(two(minute)):\(two(second))"
            if millisecond != 0 { expected += "." + String(String(millisecond + 1000).dropFirst()) }
            expected += "Z"
            #expect(String(decoding: UnsafeBufferPointer(start: out, count: count), as: UTF8.self) == expected, "\(withinDay)")
        }
    }

    @Test(arguments: [
        0, -0.0, 1, -1, 0.5, 17_056.5, 14_400, 1e15, 9_007_199_254_740_991, 9_007_199_254_740_992, -9_007_199_254_740_992,
        1e300, -1.7976931348623157e308, 2.2250738585072014e-308, .leastNonzeroMagnitude, 0.1 + 0.2, .nan, .infinity, -.infinity,
        -4.5, -0.5, 1e-7, 4_294_967_296, -9_007_199_254_740_991, 4_503_599_627_370_495.5,
    ] as [Double])
    func numbersMatch(value: Double) {
        let bytes = Self.written(bound: RowWriter.numberBound) { $0.number(value) }
        #expect(bytes == Self.expected { JSONWriter.appendNumber(value, to: &$0) })
    }

    @Test(arguments: [
        "", "L-0000001", "00Q5g00000ABCDEFG1", "a\"b", "back\\slash", "tab\there", "new\nline", "\u{1}", "café",
        "line\u{2028}separator", "para\u{2029}graph", "emoji 🎉", "\u{7F}", "ends with \\",
    ])
    func quotedStringsMatch(text: String) {
        let bytes = Self.written(bound: RowWriter.quotedBound(text)) { $0.quoted(text) }
        #expect(bytes == Self.expected { JSONWriter.appendQuoted(text, to: &$0) })
    }
}
