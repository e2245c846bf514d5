/// Byte-level helpers shared by the JSONL and CSV readers: UTF-8 validation, the JSON number
/// grammar and its conversion to a double, and ASCII classes. All work on raw pointers into
/// the reader's buffer with half-open index ranges, and allocate nothing on the common path.
enum ByteScanning {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let quote: UInt8 = 0x22
    static let comma: UInt8 = 0x2C
    static let backslash: UInt8 = 0x5C

    /// JSON whitespace other than the line feed (which ends a line before this is asked).
    @inline(__always)
    static func isBlank(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == carriageReturn
    }

    /// True when `[start, end)` holds only spaces, tabs and carriage returns.
    static func isBlank(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var index = start
        while index < end {
            if !isBlank(base[index]) { return false }
            index += 1
        }
        return true
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// The high bit of each byte of `word` that equals `byte`, exactly (no false positives,
    /// unlike the usual has-zero-byte test): `(x & 0x7F) + 0x7F` carries into bit 7 unless
    /// the low bits of `x` are zero, and `| x` adds bytes with bit 7 set.
    @inline(__always)
    static func matchingBytes(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let x = word ^ (0x0101_0101_0101_0101 &* UInt64(byte))
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The high bit of the bytes of `word` (little-endian) that may end or interrupt a JSON
    /// string body: a quote, a backslash or a control byte. The has-zero-byte test: false
    /// positives occur only above a true match, so the lowest flagged byte is always one.
    @inline(__always)
    static func stringStopBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let quotes = word ^ (ones &* UInt64(quote))
        let backslashes = word ^ (ones &* UInt64(backslash))
        return (((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | ((word &- ones &* 0x20) & ~word))
            & 0x8080_8080_8080_8080
    }

    /// The eight bytes at `index` as a little-endian word when that many remain before
    /// `end`, else the remaining ones zero-padded; `valid` masks the bytes that are real.
    @inline(__always)
    static func word(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> (word: UInt64, valid: UInt64) {
        if end - index >= 8 {
            return (UInt64(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt64.self)), ~0)
        }
        var partial: UInt64 = 0
        withUnsafeMutableBytes(of: &partial) { $0.baseAddress!.copyMemory(from: base + index, byteCount: end - index) }
        return (UInt64(littleEndian: partial), (1 << (8 * UInt64(end - index))) - 1)
    }

    // MARK: UTF-8

    /// The index of the first byte that is not part of well-formed UTF-8 (Unicode table
    /// 3-7: no overlong forms, no surrogates, nothing above U+10FFFF) in `[start, end)`, or
    /// nil when the whole range is valid. ASCII runs are checked 32, then eight bytes at a time.
    /// Never reads at or past `end`.
    static func firstInvalidUTF8(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var index = start
        let raw = UnsafeRawPointer(base)
        while index < end {
            // Fast paths: 32, then eight ASCII bytes at once.
            while end - index >= 32 {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: index + 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: index + 16, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: index + 24, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                index += 32
            }
            if index == end { break }
            if end - index >= 8 {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
            }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The allowed range of the second byte depends on the lead byte.
            let length: Int
            var secondLow: UInt8 = 0x80
            var secondHigh: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; secondLow = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; secondHigh = 0x9F // excludes UTF-16 surrogates
            case 0xF0: length = 4; secondLow = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; secondHigh = 0x8F // nothing above U+10FFFF
            default: return index
            }
            guard end - index >= length else { return index }
            let second = base[index + 1]
            guard second >= secondLow, second <= secondHigh else { return index }
            var continuation = 2
            while continuation < length {
                guard base[index + continuation] & 0xC0 == 0x80 else { return index }
                continuation += 1
            }
            index += length
        }
        return nil
    }

    // MARK: Numbers

    /// Scans JSON's number grammar `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` at
    /// `start`, not looking past `end`. Returns the index after the number, or nil when no
    /// valid number starts there (the caller checks what follows). `mayOverflow` is true
    /// when the decimal magnitude could reach 10^308, so that only those numbers need an
    /// exact conversion to check that they fit a double.
    @inline(__always)
    static func scanNumber(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (end: Int, mayOverflow: Bool)? {
        var index = start
        if index < end, base[index] == 0x2D { index += 1 }
        guard index < end, isDigit(base[index]) else { return nil }
        var integerDigits = 0
        if base[index] == 0x30 {
            index += 1 // a leading zero stands alone
        } else {
            while index < end, isDigit(base[index]) {
                index += 1
                integerDigits += 1
            }
        }
        if index < end, base[index] == 0x2E {
            index += 1
            let fractionStart = index
            while index < end, isDigit(base[index]) { index += 1 }
            guard index > fractionStart else { return nil }
        }
        var exponent = 0
        if index < end, base[index] | 0x20 == 0x65 { // `e` or `E`
            index += 1
            var negative = false
            if index < end, base[index] == 0x2B || base[index] == 0x2D {
                negative = base[index] == 0x2D
                index += 1
            }
            let exponentStart = index
            while index < end, isDigit(base[index]) {
                // Clamp: only "huge" matters, and the clamp keeps the sum from overflowing.
                if exponent < 1_000_000 { exponent = exponent * 10 + Int(base[index] &- 0x30) }
                index += 1
            }
            guard index > exponentStart else { return nil }
            if negative { exponent = -exponent }
        }
        return (index, integerDigits + exponent >= 308)
    }

    /// Powers of ten exactly representable as doubles.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The correctly rounded double of a number already known to match JSON's grammar in
    /// `[start, end)`: infinite when it is outside the double range. Numbers of at most 15
    /// significant digits with a decimal exponent within ±22 are computed exactly with one
    /// multiplication or division of exact doubles (Clinger's fast path); others go through
    /// the standard library's correctly rounded, locale-independent parser.
    static func numberValue(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Double {
        var index = start
        let negative = base[index] == 0x2D
        if negative { index += 1 }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var fractionDigits = 0
        var inFraction = false
        var exponent = 0
        while index < end {
            let byte = base[index]
            if isDigit(byte) {
                if significantDigits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(byte &- 0x30)
                }
                if mantissa != 0 { significantDigits += 1 }
                if inFraction { fractionDigits += 1 }
            } else if byte == 0x2E {
                inFraction = true
            } else {
                // The exponent: `e`/`E`, an optional sign, digits.
                index += 1
                var exponentNegative = false
                if base[index] == 0x2B || base[index] == 0x2D {
                    exponentNegative = base[index] == 0x2D
                    index += 1
                }
                while index < end {
                    if exponent < 1_000_000 { exponent = exponent * 10 + Int(base[index] &- 0x30) }
                    index += 1
                }
                if exponentNegative { exponent = -exponent }
                break
            }
            index += 1
        }
        if mantissa == 0 && significantDigits == 0 { return negative ? -0.0 : 0.0 }
        let decimalExponent = exponent - fractionDigits
        if significantDigits <= 15, decimalExponent >= -22, decimalExponent <= 22 {
            let magnitude = Double(mantissa)
            let value = decimalExponent >= 0
                ? magnitude * exactPowersOfTen[decimalExponent]
                : magnitude / exactPowersOfTen[-decimalExponent]
            return negative ? -value : value
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
        // The grammar was checked, so the parse cannot fail; overflow gives ±infinity.
        return Double(text) ?? .nan
    }

    /// True when `[start, end)` is exactly a JSON number.
    static func isJSONNumber(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard let scanned = scanNumber(base, start, end) else { return false }
        return scanned.end == end
    }

    /// A string from bytes already validated as UTF-8.
    @inline(__always)
    static func string(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
    }

    /// The bytes of a field value for a message: at most `limit` bytes, cut at a
    /// character boundary, with `…` when cut.
    static func excerpt(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int = 80) -> String {
        if bytes.count <= limit { return String(decoding: bytes, as: UTF8.self) }
        var cut = limit
        // Do not split a multi-byte character: back up over continuation bytes.
        while cut > 0, bytes[cut] & 0xC0 == 0x80 { cut -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[0..<cut]), as: UTF8.self) + "…"
    }
}
