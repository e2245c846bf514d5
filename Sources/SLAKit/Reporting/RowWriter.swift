/// Writes the rows of a report straight into memory reserved for them: the caller adds up
/// the rows' `…Bound`s and reserves that many bytes, so that no write checks for room. The
/// bytes are those of `JSONWriter`'s static `append…` functions (SPEC.md 7.1); a row of a
/// million-row report costs a few hundred instructions instead of thousands.
///
/// The date of the last timestamp is kept: the timestamps of a row, and of rows near each
/// other, often fall on one day.
struct RowWriter {
    /// Where the next byte goes.
    private var cursor: UnsafeMutablePointer<UInt8>
    private let start: UnsafeMutablePointer<UInt8>
    /// The day (since 1970-01-01) of the last timestamp written, and its `YYYY-MM-DD`.
    private var lastDay = Int64.min
    private var lastDate: (UInt64, UInt16) = (0, 0)

    /// Most bytes of `timestamp`: a quoted timestamp with milliseconds.
    static let timestampBound = 26
    /// Most bytes of `integer`.
    static let integerBound = 20
    /// Most bytes of `number` (the shortest round-trip form of a double is at most 24).
    static let numberBound = 32

    /// Most bytes of `quoted(text)`: every byte escaped as `\u00XX`, and the quotes.
    @inline(__always)
    static func quotedBound(_ text: String) -> Int { text.utf8.count * 6 + 2 }

    init(_ start: UnsafeMutablePointer<UInt8>) {
        self.start = start
        cursor = start
    }

    /// Bytes written so far.
    var count: Int { cursor - start }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        cursor.initialize(to: value)
        cursor += 1
    }

    @inline(__always)
    mutating func bytes(_ fragment: UnsafeBufferPointer<UInt8>) {
        guard let source = fragment.baseAddress else { return }
        cursor.initialize(from: source, count: fragment.count)
        cursor += fragment.count
    }

    /// `JSONWriter.appendInteger`.
    @inline(__always)
    mutating func integer(_ value: Int64) {
        if value >= 0, value < 10 {
            byte(UInt8(truncatingIfNeeded: 48 + value))
            return
        }
        if value < 0 { byte(UInt8(ascii: "-")) }
        // Most integers of a report (cycle numbers, seconds) fit 32 bits, where the
        // divisions by 10 are cheaper.
        if value.magnitude < 1 << 32 {
            digits(UInt32(truncatingIfNeeded: value.magnitude))
        } else {
            digits(value.magnitude)
        }
    }

    /// Writes the decimal digits of `magnitude`, most significant first.
    @inline(__always)
    private mutating func digits<Magnitude: FixedWidthInteger & UnsignedInteger>(_ magnitude: Magnitude) {
        // Counted by comparisons, not divisions. (The largest magnitude, of `Int64.min`, has
        // 19 digits: `limit` stops at 10^19, below `UInt64.max`.)
        var count = 1
        var limit: UInt64 = 10
        while UInt64(magnitude) >= limit {
            count += 1
            limit *= 10
        }
        var rest = magnitude
        var position = count - 1
        repeat {
            let quotient = rest / 10
            cursor[position] = UInt8(truncatingIfNeeded: 48 + (rest - quotient * 10))
            rest = quotient
            position -= 1
        } while position >= 0
        cursor += count
    }

    /// `JSONWriter.appendNumber`: integral values below 2^53 in magnitude as integers, others
    /// in the shortest form that reads back exactly, non-finite ones as null.
    @inline(__always)
    mutating func number(_ value: Double) {
        // Integral and below 2^53 in magnitude (NaN fails the first test): compared through
        // `Int64`, which rounds toward zero, rather than a call of `rounded()`.
        if abs(value) < 9_007_199_254_740_992, Double(Int64(value)) == value {
            integer(Int64(value))
            return
        }
        var text: [UInt8] = []
        JSONWriter.appendNumber(value, to: &text)
        text.withUnsafeBufferPointer { bytes($0) }
    }

    /// `JSONWriter.appendTimestamp`: a quoted `YYYY-MM-DDTHH:MM:SS[.sss]Z`, or null.
    @inline(__always)
    mutating func timestamp(_ instant: Int64?) {
        guard let instant else {
            for letter in "null".utf8 { byte(letter) }
            return
        }
        let days = CivilTime.floorDivide(instant, CivilTime.millisecondsPerDay)
        let withinDay = Int(instant - days * CivilTime.millisecondsPerDay)
        if days != lastDay {
            lastDay = days
            let (year, month, day) = CivilTime.date(fromDays: days)
            var date: (UInt64, UInt16) = (0, 0)
            withUnsafeMutableBytes(of: &date) { raw in
                CivilTime.writeDate(year: year, month: month, day: day, to: raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            lastDate = date
        }
        byte(UInt8(ascii: "\""))
        withUnsafeBytes(of: lastDate) { cursor.initialize(from: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count: 10) }
        cursor += 10
        cursor += CivilTime.writeTimeOfDay(withinDay, to: cursor)
        byte(UInt8(ascii: "\""))
    }

    /// `JSONWriter.appendQuoted`: ASCII without characters to escape is copied as is.
    @inline(__always)
    mutating func quoted(_ text: String) {
        let copied: Bool? = text.utf8.withContiguousStorageIfAvailable { utf8 in
            guard JSONWriter.isPlain(utf8) else { return false }
            self.byte(UInt8(ascii: "\""))
            bytes(utf8)
            self.byte(UInt8(ascii: "\""))
            return true
        }
        if copied == true { return }
        var escaped: [UInt8] = []
        JSONWriter.appendQuoted(text, to: &escaped)
        escaped.withUnsafeBufferPointer { bytes($0) }
    }
}
