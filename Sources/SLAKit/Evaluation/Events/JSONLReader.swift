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

/// Owns the scratch storage of a `JSONLineParser`: the per-role values, the quote
/// positions of a simple line, and the shapes of the simple lines seen.
final class PendingStorage {
    let values: UnsafeMutablePointer<PendingValue>
    /// Byte offsets of a line's quotes, `JSONLineParser.simpleLineLimit` at most.
    let quotes: UnsafeMutablePointer<Int>
    let shapes = LineShapes()
    /// The steps of the line `scanSimpleLine` reads, learned if the line is valid.
    let notedSteps: UnsafeMutablePointer<NotedStep>
    /// The most members of a line whose shape is learned.
    static let notedStepLimit = 1024
    /// Scratch of learning a key's roles: one entry per role.
    let roleMarks: UnsafeMutablePointer<Bool>

    init(count: Int) {
        values = .allocate(capacity: max(1, count))
        values.initialize(repeating: PendingValue(), count: max(1, count))
        quotes = .allocate(capacity: JSONLineParser.simpleLineLimit)
        notedSteps = .allocate(capacity: PendingStorage.notedStepLimit)
        roleMarks = .allocate(capacity: max(1, count))
        roleMarks.initialize(repeating: false, count: max(1, count))
    }

    deinit {
        values.deallocate()
        quotes.deallocate()
        roleMarks.deallocate()
        notedSteps.deallocate()
    }
}

/// A member of a line being read by `JSONLineParser.scanSimpleLine`: its step's bytes
/// `[start, end)`, its key `[keyStart, keyEnd)` and the kind of its value.
struct NotedStep {
    var start: Int
    var end: Int
    var keyStart: Int
    var keyEnd: Int
    var kind: LineShapes.Kind
}

/// The shapes of the simple lines seen so far (flat objects without escapes), as a tree of
/// steps: a step is the bytes between two values (the previous value's closing quote, a
/// comma, spaces, the key, the colon and a string value's opening quote), the kind of the
/// value after it, and the roles its key names; a path from the root to a closing step
/// is one shape. Exports repeat a few shapes (the same keys, some optional); a line of a
/// known shape is read by comparing the bytes between its values and scanning only the
/// values, with no key lookups.
final class LineShapes {
    enum Kind: UInt8 {
        /// A string value follows (the step ends after its opening quote).
        case string
        /// A number or literal follows.
        case scalar
        /// The line ends after the step's bytes.
        case closing
    }

    struct Step {
        /// The step's bytes in `bytes`.
        var offset: Int
        var length: Int
        var kind: Kind
        /// The roles the step's key names, in `roles`.
        var firstRole: Int
        var roleCount: Int
        /// The first step after this one, and the next alternative to this one; -1 for none.
        var firstChild: Int
        var nextSibling: Int
    }

    /// Limits on what is learned; past them, known shapes are still read fast.
    static let stepLimit = 1024
    static let byteLimit = 1 << 16
    static let roleLimit = 4096
    static let childLimit = 8

    /// Raw storage, allocated once at the limits, so that reading a line retains nothing.
    let steps: UnsafeMutablePointer<Step>
    let bytes: UnsafeMutablePointer<UInt8>
    let roles: UnsafeMutablePointer<Int>
    private(set) var stepCount = 1
    private var byteCount = 0
    private var roleCount = 0
    /// The root: its children are the possible first steps of a line.
    static let root = 0

    init() {
        steps = .allocate(capacity: LineShapes.stepLimit)
        steps.initialize(to: Step(offset: 0, length: 0, kind: .scalar, firstRole: 0, roleCount: 0, firstChild: -1, nextSibling: -1))
        bytes = .allocate(capacity: LineShapes.byteLimit)
        roles = .allocate(capacity: LineShapes.roleLimit)
    }

    deinit {
        steps.deallocate()
        bytes.deallocate()
        roles.deallocate()
    }

    /// The child of `parent` with the bytes `line[start ..< end]` and `kind`, added (with
    /// `roles`, computed only then) when missing; nil when a limit stops learning.
    ///
    /// Alternatives are kept longest first: where a field is a string on some lines and
    /// `null` on others, the string's step (which ends with the opening quote) is longer
    /// than the scalar's and must be tried first, or the scalar's would match the start of
    /// a string line and fail on its value.
    func child(of parent: Int, _ line: UnsafePointer<UInt8>, _ start: Int, _ end: Int, kind: Kind, roles keyRoles: () -> [Int]) -> Int? {
        var child = steps[parent].firstChild
        var children = 0
        /// The last alternative at least as long as the new step: it goes after that one.
        var insertAfter = -1
        let length = end - start
        while child >= 0 {
            let step = steps[child]
            if step.kind == kind, step.length == length, memoryEqual(bytes + step.offset, line + start, length) {
                return child
            }
            children += 1
            if step.length >= length { insertAfter = child }
            child = step.nextSibling
        }
        let newRoles = keyRoles()
        guard children < LineShapes.childLimit, stepCount < LineShapes.stepLimit, byteCount + length <= LineShapes.byteLimit,
              roleCount + newRoles.count <= LineShapes.roleLimit else {
            return nil
        }
        let added = stepCount
        let next = insertAfter >= 0 ? steps[insertAfter].nextSibling : steps[parent].firstChild
        (steps + added).initialize(to: Step(offset: byteCount, length: length, kind: kind, firstRole: roleCount,
                                            roleCount: newRoles.count, firstChild: -1, nextSibling: next))
        stepCount += 1
        (bytes + byteCount).initialize(from: line + start, count: length)
        byteCount += length
        for role in newRoles {
            roles[roleCount] = role
            roleCount += 1
        }
        if insertAfter >= 0 { steps[insertAfter].nextSibling = added } else { steps[parent].firstChild = added }
        return added
    }
}

/// Parses one JSONL line (SPEC.md 5) into an `EventRecord`. Reused for every line of an
/// input: its scratch storage is allocated once.
struct JSONLineParser {
    private let fields: FieldTable
    /// The last value of each role in the current record (raw storage owned by `storage`).
    private let pending: UnsafeMutablePointer<PendingValue>
    private let storage: PendingStorage
    /// The shapes of the simple lines seen (owned by `storage`).
    private let shapes: LineShapes
    /// Decoded bytes of a string with escapes (a key or a value).
    private var scratch: [UInt8] = []
    /// Open containers while skipping a nested value: true for an object, false for an array.
    private var containers: [Bool] = []
    /// Shares the strings that repeat from record to record.
    private var strings = StringCache()
    /// Reads the time field, reusing the day counts of the dates it read.
    private var timestamps: TimestampParser
    /// What the returned `RawRecord` points at.
    private let output: RawRecordStorage

    /// Whether lines may take the fast paths (`matchShape`, `scanSimpleLine`); off only in
    /// tests that compare them with the general path.
    private let fastPaths: Bool
    /// Lines read by `matchShape` so far (for tests).
    private(set) var shapeMatches = 0

    init(fields: FieldTable, zone: ZoneRules, fastPaths: Bool = true) {
        self.fields = fields
        self.fastPaths = fastPaths
        self.timestamps = TimestampParser(zone: zone)
        self.output = RawRecordStorage(attributeCount: fields.roleCount - FieldTable.firstAttributeRole)
        self.storage = PendingStorage(count: fields.roleCount)
        self.pending = storage.values
        self.shapes = storage.shapes
    }

    /// Parses the line `[start, end)` (no line break, valid UTF-8 checked by the caller).
    /// Returns nil for a blank line, else the record or throws why it is rejected.
    mutating func parse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, line: Int) throws(RecordFailure) -> RawRecord? {
        // Most lines of an export are flat objects of plain strings, numbers and literals:
        // those take the fast path; anything else (and every invalid line, for its message)
        // takes the general one.
        if fastPaths, end - start <= JSONLineParser.simpleLineLimit {
            if matchShape(base, start, end) {
                shapeMatches &+= 1
                return try makeRecord(base, line: line)
            }
            if scanSimpleLine(base, start, end) { return try makeRecord(base, line: line) }
        }
        return try parseGeneral(base, start, end, line: line)
    }

    // MARK: The fast path

    /// The longest line tried on the fast path, in bytes.
    static let simpleLineLimit = 4096

    /// Records the line's quote positions in `storage.quotes`; returns how many, or nil when
    /// the line holds a backslash or a control character (which only the general path
    /// handles). Eight bytes at a time, with exact per-byte tests (no false positives).
    @inline(__always)
    private func indexQuotes(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        let quotes = storage.quotes
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        var count = 0
        var special: UInt64 = 0
        var index = start
        while index < end {
            let (word, valid) = ByteScanning.word(base, index, end)
            // A control byte is below 0x20: bit 7 clear, and its low bits plus 0x60 stay below 0x80.
            let control = ~(((word & low7) &+ 0x6060_6060_6060_6060) | word) & ~low7
            special |= (ByteScanning.matchingBytes(word, ByteScanning.backslash) | control) & valid
            var bits = ByteScanning.matchingBytes(word, ByteScanning.quote) & valid
            while bits != 0 {
                quotes[count] = index + bits.trailingZeroBitCount >> 3
                count += 1
                bits &= bits &- 1
            }
            index += 8
        }
        return special == 0 ? count : nil
    }

    /// The fast path: fills `pending` from a line that is a flat JSON object whose strings
    /// hold no escapes and no control characters, and whose numbers are in range. Returns
    /// false, leaving the line to `parseGeneral`, for any other line: nested values,
    /// escapes, invalid JSON.
    private func scanSimpleLine(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard let quoteCount = indexQuotes(base, start, end) else { return false }
        let quotes = storage.quotes
        // The line's shape, for `matchShape` on the lines after it: its members' steps are
        // noted on the way and learned once the whole line is known to be valid.
        let noted = storage.notedSteps
        var notedCount = 0
        /// Where the previous value (or the line) ended: the next separator starts there.
        var separatorStart = start
        // Without escapes every quote delimits a string: strings are consecutive pairs.
        var nextQuote = 0
        var index = skipWhitespace(base, start, end)
        guard index < end, base[index] == 0x7B else { return false } // `{`
        for role in 0..<fields.roleCount { pending[role].kind = .absent }
        index = skipWhitespace(base, index + 1, end)
        if index < end, base[index] == 0x7D { // `}`: the empty object
            return skipWhitespace(base, index + 1, end) == end
        }
        while true {
            // A member: "key" : value
            guard nextQuote + 1 < quoteCount, quotes[nextQuote] == index else { return false }
            let keyStart = index + 1
            let keyEnd = quotes[nextQuote + 1]
            nextQuote += 2
            index = skipWhitespace(base, keyEnd + 1, end)
            guard index < end, base[index] == 0x3A else { return false } // `:`
            index = skipWhitespace(base, index + 1, end)
            guard index < end else { return false }
            let value: PendingValue
            let isString = base[index] == ByteScanning.quote
            if notedCount < PendingStorage.notedStepLimit {
                noted[notedCount] = NotedStep(start: separatorStart, end: isString ? index + 1 : index, keyStart: keyStart, keyEnd: keyEnd,
                                              kind: isString ? .string : .scalar)
            }
            notedCount += 1
            if isString {
                guard nextQuote + 1 < quoteCount, quotes[nextQuote] == index else { return false }
                value = PendingValue(kind: .string, start: index + 1, end: quotes[nextQuote + 1])
                // The closing quote starts the next separator.
                separatorStart = quotes[nextQuote + 1]
                index = quotes[nextQuote + 1] + 1
                nextQuote += 2
            } else {
                guard let scalar = plainScalar(base, index, end) else { return false }
                value = scalar.value
                index = scalar.end
                separatorStart = index
            }
            fields.assign(value, toKey: base, keyStart, keyEnd, readableEnd: end, in: pending)
            index = skipWhitespace(base, index, end)
            guard index < end else { return false }
            if base[index] == ByteScanning.comma {
                index = skipWhitespace(base, index + 1, end)
                continue
            }
            guard base[index] == 0x7D else { return false }
            guard nextQuote == quoteCount, skipWhitespace(base, index + 1, end) == end else { return false }
            if notedCount <= PendingStorage.notedStepLimit { learnShape(base, steps: notedCount, closing: separatorStart, end) }
            return true
        }
    }

    /// Adds the path of a valid line's noted steps and its closing bytes `[closing, end)` to
    /// the shapes (as far as the limits allow).
    private func learnShape(_ base: UnsafePointer<UInt8>, steps count: Int, closing: Int, _ end: Int) {
        let noted = storage.notedSteps
        var parent = LineShapes.root
        for index in 0..<count {
            let step = noted[index]
            guard let child = shapes.child(of: parent, base, step.start, step.end, kind: step.kind, roles: {
                roles(ofKey: base, step.keyStart, step.keyEnd, lineEnd: end)
            }) else { return }
            parent = child
        }
        _ = shapes.child(of: parent, base, closing, end, kind: .closing) { [] }
    }

    /// The roles the key `base[start ..< end]` names.
    private func roles(ofKey base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, lineEnd: Int) -> [Int] {
        let marks = storage.roleMarks
        for role in 0..<fields.roleCount { marks[role] = false }
        fields.assign(true, toKey: base, start, end, readableEnd: lineEnd, in: marks)
        return (0..<fields.roleCount).filter { marks[$0] }
    }

    /// The fast path for a line of a known shape (`LineShapes`): follows the steps whose
    /// bytes the line holds, scanning each value, and fills `pending` by the steps' roles.
    /// False (with `pending` undecided) when the line's shape is not known, or a value is
    /// not plain (an escape, a control character, a number out of range); such a line goes
    /// to `scanSimpleLine`, which learns its shape.
    @inline(__always)
    private func matchShape(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let steps = shapes.steps, stepBytes = shapes.bytes, roles = shapes.roles
        for role in 0..<fields.roleCount { pending[role].kind = .absent }
        var index = start
        var node = steps[LineShapes.root]
        while true {
            // The alternative whose bytes come next.
            var child = node.firstChild
            while child >= 0 {
                let step = steps[child]
                if step.kind == .closing {
                    if end - index == step.length, memoryEqual(base + index, stepBytes + step.offset, step.length) {
                        return true
                    }
                } else if end - index >= step.length, memoryEqual(base + index, stepBytes + step.offset, step.length) {
                    break
                }
                child = step.nextSibling
            }
            guard child >= 0 else { return false }
            node = steps[child]
            index += node.length
            let value: PendingValue
            if node.kind == .string {
                guard let close = plainStringEnd(base, index, end) else { return false }
                value = PendingValue(kind: .string, start: index, end: close)
                index = close
            } else {
                guard let scalar = plainScalar(base, index, end) else { return false }
                value = scalar.value
                index = scalar.end
            }
            // Duplicate keys: the later step overwrites (the last wins).
            for position in node.firstRole ..< node.firstRole + node.roleCount {
                pending[roles[position]] = value
            }
        }
    }

    /// The index of the quote that ends a plain string body starting at `start`, or nil when
    /// a backslash or a control character comes first, or no quote does.
    @inline(__always)
    private func plainStringEnd(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
        var index = start
        let raw = UnsafeRawPointer(base)
        while end - index >= 8 {
            let matches = ByteScanning.stringStopBytes(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            if matches != 0 {
                let found = index + matches.trailingZeroBitCount >> 3
                return base[found] == ByteScanning.quote ? found : nil
            }
            index += 8
        }
        while index < end {
            let byte = base[index]
            if byte == ByteScanning.quote { return index }
            if byte == ByteScanning.backslash || byte < 0x20 { return nil }
            index += 1
        }
        return nil
    }

    /// The literal or number at `index`, as the fast paths read it: its value and the index
    /// after it; nil when there is neither, or for a number that may be out of range (left
    /// to the general path, which rejects it with its own message).
    @inline(__always)
    private func plainScalar(_ base: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> (value: PendingValue, end: Int)? {
        guard index < end else { return nil }
        switch base[index] {
        case 0x74: // true
            guard end - index >= 4, fourBytes(base, index) == 0x6575_7274 else { return nil }
            return (PendingValue(kind: .trueValue), index + 4)
        case 0x66: // false
            guard end - index >= 5, fourBytes(base, index) == 0x736C_6166, base[index + 4] == 0x65 else { return nil }
            return (PendingValue(kind: .falseValue), index + 5)
        case 0x6E: // null
            guard end - index >= 4, fourBytes(base, index) == 0x6C6C_756E else { return nil }
            return (PendingValue(kind: .null), index + 4)
        default:
            guard let scanned = ByteScanning.scanNumber(base, index, end), !scanned.mayOverflow else { return nil }
            return (PendingValue(kind: .number, start: index, end: scanned.end), scanned.end)
        }
    }

    /// The four bytes at `index` as a little-endian integer.
    @inline(__always)
    private func fourBytes(_ base: UnsafePointer<UInt8>, _ index: Int) -> UInt32 {
        UInt32(littleEndian: UnsafeRawPointer(base).loadUnaligned(fromByteOffset: index, as: UInt32.self))
    }

    // MARK: The general path

    /// Parses any line, valid or not (see `parse`).
    private mutating func parseGeneral(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, line: Int) throws(RecordFailure) -> RawRecord? {
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
        let lead = try text(base, role: FieldTable.leadRole, numberAllowed: true)
        let type = try text(base, role: FieldTable.typeRole, numberAllowed: false)
        let timeValue = pending[FieldTable.timeRole]
        let time: Int64
        switch timeValue.kind {
        case .string:
            if timeValue.start == timeValue.end { throw emptyField(FieldTable.timeRole) }
            let bytes = UnsafeBufferPointer(start: base + timeValue.start, count: timeValue.end - timeValue.start)
            guard let parsed = timestamps.parse(bytes) else {
                throw RecordFailure(reason: "invalid timestamp \"\(ByteScanning.excerpt(bytes))\"")
            }
            time = parsed
        case .escapedString:
            let decoded = decodeString(base, timeValue.start, timeValue.end)
            if decoded.isEmpty { throw emptyField(FieldTable.timeRole) }
            guard let parsed = Timestamp.parse(decoded, zone: timestamps.zone) else {
                throw RecordFailure(reason: "invalid timestamp \"\(decoded.count > 80 ? String(decoded.prefix(80)) + "…" : decoded)\"")
            }
            time = parsed
        default:
            throw wrongType(FieldTable.timeRole, timeValue.kind, expected: "a string")
        }
        let slotCount = fields.roleCount - FieldTable.firstAttributeRole
        let output = self.output
        output.clearAttributes()
        for slot in 0..<slotCount {
            let value = pending[FieldTable.firstAttributeRole + slot]
            switch value.kind {
            case .absent, .null, .object, .array: continue // nested values are kept as null
            case .trueValue: output.set(.bool(true), slot: slot)
            case .falseValue: output.set(.bool(false), slot: slot)
            case .string: output.set(.string(strings.string(base, value.start, value.end)), slot: slot)
            case .escapedString: output.set(.string(decodeString(base, value.start, value.end)), slot: slot)
            case .number: output.set(.number(ByteScanning.numberValue(base, value.start, value.end)), slot: slot)
            }
        }
        return output.record(lead: lead, type: type, time: time, line: line)
    }

    /// The lead or type text (`role`) as bytes; a number is allowed for the lead and kept
    /// as its literal. Text with escapes is decoded into `output`.
    @inline(__always)
    private mutating func text(_ base: UnsafePointer<UInt8>, role: Int,
                               numberAllowed: Bool) throws(RecordFailure) -> (bytes: UnsafePointer<UInt8>, length: Int) {
        let value = pending[role]
        switch value.kind {
        case .string:
            if value.start == value.end { throw emptyField(role) }
            return (base + value.start, value.end - value.start)
        case .escapedString:
            decodeEscapes(base, value.start, value.end)
            if scratch.isEmpty { throw emptyField(role) }
            return (output.keep(scratch, role: role), scratch.count)
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
            // character.
            if end - index >= 8 {
                let matches = ByteScanning.stringStopBytes(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
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
