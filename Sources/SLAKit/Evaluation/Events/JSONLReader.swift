/// Why one record is rejected; thrown inside a record parser, caught by the reader.
struct RecordFailure: Error {
    var reason: String
}

/// Where a schema field's last occurrence in the current record sits, so that values are
/// turned into strings only once the whole record is known to be valid, and only for the
/// last of duplicate keys (SPEC.md 5: the last wins).
struct PendingValue {
    enum Kind: UInt8 {
        case absent, string, escapedString, number, trueValue, falseValue, null, object, array
    }
    var kind: Kind = .absent
    /// For strings the bytes between the quotes; for numbers the literal.
    var start = 0
    var end = 0
}

/// Owns the per-role scratch values of a `JSONLineParser`.
final class PendingStorage {
    let values: UnsafeMutablePointer<PendingValue>

    init(count: Int) {
        values = .allocate(capacity: max(1, count))
        values.initialize(repeating: PendingValue(), count: max(1, count))
    }

    deinit { values.deallocate() }
}

/// Parses one JSONL line (SPEC.md 5) into an `EventRecord`. Reused for every line of an
/// input: its scratch storage is allocated once.
struct JSONLineParser {
    private let fields: FieldTable
    private let zone: ZoneRules
    /// The last value of each role in the current record (raw storage owned by `storage`).
    private let pending: UnsafeMutablePointer<PendingValue>
    private let storage: PendingStorage
    /// Decoded bytes of a string with escapes (a key or a value).
    private var scratch: [UInt8] = []
    /// Open containers while skipping a nested value: true for an object, false for an array.
    private var containers: [Bool] = []
    /// Shares the strings that repeat from record to record.
    private var strings = StringCache()
    /// What the returned `RawRecord` points at.
    private let output: RawRecordStorage

    init(fields: FieldTable, zone: ZoneRules) {
        self.fields = fields
        self.zone = zone
        self.output = RawRecordStorage(attributeCount: fields.roleCount - FieldTable.firstAttributeRole)
        self.storage = PendingStorage(count: fields.roleCount)
        self.pending = storage.values
    }

    /// Parses the line `[start, end)` (no line break, valid UTF-8 checked by the caller).
    /// Returns nil for a blank line, else the record or throws why it is rejected.
    mutating func parse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, line: Int) throws(RecordFailure) -> RawRecord? {
        var index = skipWhitespace(base, start, end)
        if index == end { return nil }
        guard base[index] == 0x7B else { // `{`
            throw RecordFailure(reason: "not a JSON object")
        }
        for role in 0..<fields.roleCount { pending[role].kind = .absent }
        index = skipWhitespace(base, index + 1, end)
        if index < end, base[index] == 0x7D { // `}`: the empty object
            index += 1
        } else {
            while true {
                // A member: "key" : value
                guard index < end, base[index] == ByteScanning.quote else {
                    throw syntaxError(base, index, start, end, expected: "a field name")
                }
                let keyStart = index + 1
                let (keyEnd, keyEscaped) = try scanString(base, keyStart, end, lineStart: start)
                index = skipWhitespace(base, keyEnd + 1, end)
                guard index < end, base[index] == 0x3A else { // `:`
                    throw syntaxError(base, index, start, end, expected: "\":\"")
                }
                index = skipWhitespace(base, index + 1, end)
                guard index < end else { throw syntaxError(base, index, start, end, expected: "a value") }
                let valueStart = index
                var value = PendingValue()
                switch base[index] {
                case ByteScanning.quote:
                    let (stringEnd, escaped) = try scanString(base, index + 1, end, lineStart: start)
                    value = PendingValue(kind: escaped ? .escapedString : .string, start: index + 1, end: stringEnd)
                    index = stringEnd + 1
                case 0x7B, 0x5B: // `{` or `[`
                    value.kind = base[index] == 0x7B ? .object : .array
                    index = try skipNested(base, index, end, lineStart: start)
                case 0x74: // true
                    index = try literal(base, index, end, "true", lineStart: start)
                    value.kind = .trueValue
                case 0x66:
                    index = try literal(base, index, end, "false", lineStart: start)
                    value.kind = .falseValue
                case 0x6E:
                    index = try literal(base, index, end, "null", lineStart: start)
                    value.kind = .null
                default:
                    index = try number(base, index, end, lineStart: start)
                    value = PendingValue(kind: .number, start: valueStart, end: index)
                }
                assign(value, toKey: base, keyStart, keyEnd, escaped: keyEscaped, lineEnd: end)
                index = skipWhitespace(base, index, end)
                guard index < end else { throw syntaxError(base, index, start, end, expected: "\",\" or \"}\"") }
                if base[index] == ByteScanning.comma {
                    index = skipWhitespace(base, index + 1, end)
                    continue
                }
                guard base[index] == 0x7D else { throw syntaxError(base, index, start, end, expected: "\",\" or \"}\"") }
                index += 1
                break
            }
        }
        let trailing = skipWhitespace(base, index, end)
        if trailing != end {
            throw RecordFailure(reason: "trailing characters after the JSON object at column \(trailing - start + 1)")
        }
        return try makeRecord(base, line: line)
    }

    // MARK: Building the record

    private mutating func makeRecord(_ base: UnsafePointer<UInt8>, line: Int) throws(RecordFailure) -> RawRecord {
        let lead = try text(base, role: FieldTable.leadRole, numberAllowed: true, into: output.lead)
        let type = try text(base, role: FieldTable.typeRole, numberAllowed: false, into: output.type)
        let timeValue = pending[FieldTable.timeRole]
        let time: Int64
        switch timeValue.kind {
        case .string:
            if timeValue.start == timeValue.end { throw emptyField(FieldTable.timeRole) }
            let bytes = UnsafeBufferPointer(start: base + timeValue.start, count: timeValue.end - timeValue.start)
            guard let parsed = Timestamp.parse(bytes, zone: zone) else {
                throw RecordFailure(reason: "invalid timestamp \"\(ByteScanning.excerpt(bytes))\"")
            }
            time = parsed
        case .escapedString:
            let decoded = decodeString(base, timeValue.start, timeValue.end)
            if decoded.isEmpty { throw emptyField(FieldTable.timeRole) }
            guard let parsed = Timestamp.parse(decoded, zone: zone) else {
                throw RecordFailure(reason: "invalid timestamp \"\(decoded.count > 80 ? String(decoded.prefix(80)) + "…" : decoded)\"")
            }
            time = parsed
        default:
            throw wrongType(FieldTable.timeRole, timeValue.kind, expected: "a string")
        }
        let slotCount = fields.roleCount - FieldTable.firstAttributeRole
        let attributes = output.attributes.base
        for slot in 0..<slotCount {
            let value = pending[FieldTable.firstAttributeRole + slot]
            switch value.kind {
            case .absent, .null, .object, .array: attributes[slot] = .null // nested values are kept as null
            case .trueValue: attributes[slot] = .bool(true)
            case .falseValue: attributes[slot] = .bool(false)
            case .string: attributes[slot] = .string(strings.string(base, value.start, value.end))
            case .escapedString: attributes[slot] = .string(decodeString(base, value.start, value.end))
            case .number: attributes[slot] = .number(ByteScanning.numberValue(base, value.start, value.end))
            }
        }
        return RawRecord(lead: lead.bytes, leadLength: lead.length, type: type.bytes, typeLength: type.length, time: time,
                         attributes: UnsafePointer(attributes), attributeCount: slotCount, line: line)
    }

    /// The lead or type text as bytes; a number is allowed for the lead and kept as its
    /// literal. Text with escapes is decoded into `column`.
    private mutating func text(_ base: UnsafePointer<UInt8>, role: Int, numberAllowed: Bool,
                               into column: FlatColumn<UInt8>) throws(RecordFailure) -> (bytes: UnsafePointer<UInt8>, length: Int) {
        let value = pending[role]
        switch value.kind {
        case .string:
            if value.start == value.end { throw emptyField(role) }
            return (base + value.start, value.end - value.start)
        case .escapedString:
            decodeEscapes(base, value.start, value.end)
            if scratch.isEmpty { throw emptyField(role) }
            return (output.keep(scratch, in: column), scratch.count)
        case .number where numberAllowed:
            return (base + value.start, value.end - value.start)
        default:
            throw wrongType(role, value.kind, expected: numberAllowed ? "a string or a number" : "a string")
        }
    }

    private func emptyField(_ role: Int) -> RecordFailure {
        RecordFailure(reason: "empty \"\(fields.roleNames[role])\"")
    }

    private func wrongType(_ role: Int, _ kind: PendingValue.Kind, expected: String) -> RecordFailure {
        let name = fields.roleNames[role]
        let actual: String
        switch kind {
        case .absent: return RecordFailure(reason: "missing \"\(name)\"")
        case .string, .escapedString: actual = "a string"
        case .number: actual = "a number"
        case .trueValue: actual = "true"
        case .falseValue: actual = "false"
        case .null: actual = "null"
        case .object: actual = "an object"
        case .array: actual = "an array"
        }
        return RecordFailure(reason: "\"\(name)\" must be \(expected), not \(actual)")
    }

    /// Stores a value for every role the key names; keys with escapes are decoded first.
    @inline(__always)
    private mutating func assign(_ value: PendingValue, toKey base: UnsafePointer<UInt8>, _ keyStart: Int, _ keyEnd: Int, escaped: Bool, lineEnd: Int) {
        if !escaped {
            fields.assign(value, toKey: base, keyStart, keyEnd, readableEnd: lineEnd, in: pending)
        } else {
            decodeEscapes(base, keyStart, keyEnd)
            scratch.append(0) // gives even an empty key a valid address
            let pending = self.pending
            scratch.withUnsafeBufferPointer { bytes in
                fields.assign(value, toKey: bytes.baseAddress!, 0, bytes.count - 1, readableEnd: bytes.count, in: pending)
            }
        }
    }

    // MARK: Strings

    /// Scans a string body from `start` (after the opening quote). Returns the index of the
    /// closing quote and whether the body holds escapes. Rejects raw control characters,
    /// unknown escapes and unpaired surrogate escapes.
    @inline(__always)
    private func scanString(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, lineStart: Int) throws(RecordFailure) -> (Int, Bool) {
        var index = start
        var escaped = false
        let raw = UnsafeRawPointer(base)
        while index < end {
            // Eight bytes at a time while none is a quote, a backslash or a control
            // character (the usual has-zero-byte bit trick; exact for "any byte matches").
            if end - index >= 8 {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highBits: UInt64 = 0x8080_8080_8080_8080
                let quotes = word ^ (ones &* 0x22)
                let backslashes = word ^ (ones &* 0x5C)
                let special = ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes) | ((word &- ones &* 0x20) & ~word)
                let matches = special & highBits
                if matches == 0 {
                    index += 8
                    continue
                }
                // The lowest flagged byte is a true match (false positives only occur
                // above one): jump straight to it.
                index += matches.trailingZeroBitCount >> 3
            }
            let byte = base[index]
            if byte == ByteScanning.quote { return (index, escaped) }
            if byte == ByteScanning.backslash {
                escaped = true
                index = try scanEscape(base, index, end, lineStart: lineStart)
                continue
            }
            if byte < 0x20 {
                throw RecordFailure(reason: "invalid JSON: control character in a string at column \(index - lineStart + 1)")
            }
            index += 1
        }
        throw RecordFailure(reason: "invalid JSON: unterminated string")
    }

    /// Checks the escape at `index` (a backslash) and returns the index after it.
    private func scanEscape(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int, lineStart: Int) throws(RecordFailure) -> Int {
        guard index + 1 < end else { throw RecordFailure(reason: "invalid JSON: unterminated string") }
        switch base[index + 1] {
        case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74: // " \ / b f n r t
            return index + 2
        case 0x75: // u
            guard let unit = hexQuad(base, index + 2, end) else {
                throw RecordFailure(reason: "invalid JSON: bad \\u escape at column \(index - lineStart + 1)")
            }
            if unit >= 0xDC00 && unit <= 0xDFFF {
                throw RecordFailure(reason: "lone surrogate escape \\u\(hex(unit)) at column \(index - lineStart + 1)")
            }
            if unit >= 0xD800 && unit <= 0xDBFF {
                // A high surrogate must be followed at once by an escaped low surrogate.
                guard index + 7 < end, base[index + 6] == ByteScanning.backslash, base[index + 7] == 0x75,
                      let low = hexQuad(base, index + 8, end), low >= 0xDC00, low <= 0xDFFF else {
                    throw RecordFailure(reason: "lone surrogate escape \\u\(hex(unit)) at column \(index - lineStart + 1)")
                }
                return index + 12
            }
            return index + 6
        default:
            throw RecordFailure(reason: "invalid JSON: bad escape at column \(index - lineStart + 1)")
        }
    }

    private func hex(_ unit: UInt32) -> String {
        let digits = String(unit, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The value of four hex digits at `index`, or nil.
    @inline(__always)
    private func hexQuad(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> UInt32? {
        guard index + 4 <= end else { return nil }
        var value: UInt32 = 0
        for position in index..<(index + 4) {
            let byte = base[position]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Decodes a string body already checked by `scanString` into `scratch`.
    private mutating func decodeEscapes(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) {
        scratch.removeAll(keepingCapacity: true)
        var index = start
        while index < end {
            let byte = base[index]
            guard byte == ByteScanning.backslash else {
                scratch.append(byte)
                index += 1
                continue
            }
            let letter = base[index + 1]
            switch letter {
            case 0x62: scratch.append(0x08)
            case 0x66: scratch.append(0x0C)
            case 0x6E: scratch.append(0x0A)
            case 0x72: scratch.append(0x0D)
            case 0x74: scratch.append(0x09)
            case 0x75:
                var scalar = hexQuad(base, index + 2, end)!
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    let low = hexQuad(base, index + 8, end)!
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                appendUTF8(scalar)
                index += 6
                continue
            default: scratch.append(letter) // " \ /
            }
            index += 2
        }
    }

    private mutating func decodeString(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        decodeEscapes(base, start, end)
        return String(decoding: scratch, as: UTF8.self)
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Other values

    @inline(__always)
    private func skipWhitespace(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var index = start
        while index < end, ByteScanning.isBlank(base[index]) { index += 1 }
        return index
    }

    private func literal(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int, _ word: StaticString, lineStart: Int) throws(RecordFailure) -> Int {
        let length = word.utf8CodeUnitCount
        guard end - index >= length, memoryEqual(base + index, word.utf8Start, length) else {
            throw syntaxError(base, index, lineStart, end, expected: "a value")
        }
        return index + length
    }

    /// Checks a number and returns the index after it; a number beyond the double range
    /// (`1e999`) rejects the record.
    @inline(__always)
    private func number(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int, lineStart: Int) throws(RecordFailure) -> Int {
        guard let scanned = ByteScanning.scanNumber(base, index, end) else {
            throw syntaxError(base, index, lineStart, end, expected: "a value")
        }
        if scanned.mayOverflow, !ByteScanning.numberValue(base, index, scanned.end).isFinite {
            throw RecordFailure(reason: "number out of range at column \(index - lineStart + 1)")
        }
        return scanned.end
    }

    /// Skips a nested object or array starting at `index`, checking its syntax, without
    /// recursion (deep nesting costs one byte of stack storage per level). Returns the index
    /// after it.
    private mutating func skipNested(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, lineStart: Int) throws(RecordFailure) -> Int {
        containers.removeAll(keepingCapacity: true)
        var index = start
        while true {
            // At the start of a value.
            guard index < end else { throw syntaxError(base, index, lineStart, end, expected: "a value") }
            switch base[index] {
            case 0x7B, 0x5B:
                let isObject = base[index] == 0x7B
                containers.append(isObject)
                index = skipWhitespace(base, index + 1, end)
                if index < end, base[index] == (isObject ? 0x7D : 0x5D) {
                    // Empty container: it is the value just finished.
                    containers.removeLast()
                    index += 1
                    break
                }
                if isObject { index = try objectKey(base, index, end, lineStart: lineStart) }
                continue
            case ByteScanning.quote:
                let (stringEnd, _) = try scanString(base, index + 1, end, lineStart: lineStart)
                index = stringEnd + 1
            case 0x74: index = try literal(base, index, end, "true", lineStart: lineStart)
            case 0x66: index = try literal(base, index, end, "false", lineStart: lineStart)
            case 0x6E: index = try literal(base, index, end, "null", lineStart: lineStart)
            default: index = try number(base, index, end, lineStart: lineStart)
            }
            // After a value: close containers or move to the next element.
            while true {
                guard let isObject = containers.last else { return index }
                index = skipWhitespace(base, index, end)
                guard index < end else { throw syntaxError(base, index, lineStart, end, expected: isObject ? "\",\" or \"}\"" : "\",\" or \"]\"") }
                let byte = base[index]
                if byte == ByteScanning.comma {
                    index = skipWhitespace(base, index + 1, end)
                    if isObject { index = try objectKey(base, index, end, lineStart: lineStart) }
                    break
                }
                guard byte == (isObject ? 0x7D : 0x5D) else {
                    throw syntaxError(base, index, lineStart, end, expected: isObject ? "\",\" or \"}\"" : "\",\" or \"]\"")
                }
                containers.removeLast()
                index += 1
            }
        }
    }

    /// Inside a nested object: reads `"key" :` and returns the index of the value.
    private func objectKey(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, lineStart: Int) throws(RecordFailure) -> Int {
        guard start < end, base[start] == ByteScanning.quote else {
            throw syntaxError(base, start, lineStart, end, expected: "a field name")
        }
        let (keyEnd, _) = try scanString(base, start + 1, end, lineStart: lineStart)
        var index = skipWhitespace(base, keyEnd + 1, end)
        guard index < end, base[index] == 0x3A else { throw syntaxError(base, index, lineStart, end, expected: "\":\"") }
        index = skipWhitespace(base, index + 1, end)
        return index
    }

    /// A syntax error at `index`, naming what was expected; NaN and Infinity get their own
    /// message because exports from some tools write them.
    private func syntaxError(_ base: UnsafePointer<UInt8>, _ index: Int, _ lineStart: Int, _ end: Int, expected: String) -> RecordFailure {
        let column = index - lineStart + 1
        guard index < end else {
            return RecordFailure(reason: "invalid JSON: line ends where \(expected) was expected")
        }
        var word = index
        if base[word] == 0x2D { word += 1 } // `-Infinity`
        if word < end, base[word] == 0x4E || base[word] == 0x49 { // `N` or `I`
            let rest = UnsafeBufferPointer(start: base + word, count: min(end - word, 8))
            if rest.starts(with: "NaN".utf8) || rest.starts(with: "Infinity".utf8) {
                return RecordFailure(reason: "invalid JSON: NaN and Infinity are not JSON numbers (column \(column))")
            }
        }
        let found = base[index]
        let shown = found >= 0x20 && found < 0x7F ? "'\(Character(Unicode.Scalar(found)))'" : "byte 0x\(String(found, radix: 16))"
        return RecordFailure(reason: "invalid JSON: expected \(expected) at column \(column), found \(shown)")
    }
}
