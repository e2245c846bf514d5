#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a CSV header says: how many columns records have, and which column holds each
/// role (`FieldTable`), -1 for none.
struct CSVHeader: Sendable {
    var columnCount: Int
    var columnsByRole: [Int]
}

/// Parses CSV records (RFC 4180, SPEC.md 5) into `EventRecord`s. The first non-blank record
/// is the header; it names the columns, matched exactly (case-sensitive, no trimming)
/// against the schema. Duplicate header names: the last such column wins, the earlier ones
/// are ignored like any unused column.
struct CSVRecordParser {
    /// One field of the current record: its text is `[start, end)`, inside the quotes for a
    /// quoted field; `escaped` when it holds `""` pairs to turn into `"`.
    struct Field {
        var start: Int
        var end: Int
        var escaped: Bool
    }

    private let fields: FieldTable
    let inputName: String
    /// Header columns; nil until the header has been read.
    private var columnCount: Int?
    /// `columnsByRole[role]`: the column holding that role, or -1.
    private var columnsByRole: [Int] = []
    /// The fields of the record being parsed, reused from record to record: all of them
    /// for the header and records with quotes, else the first `storedFields`.
    private let current = FlatColumn<Field>(capacity: 32)
    /// The number of fields of the record being parsed.
    private var fieldCount = 0
    /// How many leading fields a record without quotes needs stored: up to the last column
    /// the schema reads (the others are only counted); all until the header is known.
    private var storedFields = Int.max
    private var scratch: [UInt8] = []
    /// Shares the strings that repeat from record to record.
    private var strings = StringCache()
    /// Reads the time field, reusing the day counts of the dates it read.
    private var timestamps: TimestampParser
    /// What the returned `RawRecord` points at.
    private let output: RawRecordStorage

    /// True until the header has been read: problems then concern the whole input.
    var expectsHeader: Bool { columnCount == nil }

    /// The header once read (or given).
    var header: CSVHeader? {
        get { columnCount.map { CSVHeader(columnCount: $0, columnsByRole: columnsByRole) } }
        set {
            columnCount = newValue?.columnCount
            columnsByRole = newValue?.columnsByRole ?? []
            storedFields = newValue == nil ? Int.max : (columnsByRole.max() ?? -1) + 1
        }
    }

    init(fields: FieldTable, zone: ZoneRules, inputName: String) {
        self.fields = fields
        self.inputName = inputName
        self.timestamps = TimestampParser(zone: zone)
        self.output = RawRecordStorage(attributeCount: fields.roleCount - FieldTable.firstAttributeRole)
    }

    /// Parses the record `[start, end)` (without its final line break; valid UTF-8 checked
    /// by the caller) that starts on `line`. Returns nil for a blank line or the header.
    /// A malformed header throws `InputError` (invalid input), a bad record `RecordFailure`.
    mutating func parse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, line: Int) throws -> RawRecord? {
        if ByteScanning.isBlank(base, start, end) { return nil }
        do {
            try split(base, start, end)
        } catch {
            if columnCount == nil {
                throw InputError(kind: .invalid, message: "\(inputName):\(line): invalid CSV header: \(error.reason)")
            }
            throw error
        }
        guard let columnCount else {
            readHeader(base)
            try checkHeader(line: line)
            return nil
        }
        guard fieldCount == columnCount else {
            throw RecordFailure(reason: "expected \(columnCount) fields as in the header, found \(fieldCount)")
        }
        let lead = try text(base, role: FieldTable.leadRole)
        let type = try text(base, role: FieldTable.typeRole)
        let timeField = current[columnsByRole[FieldTable.timeRole]]
        if timeField.start == timeField.end { throw emptyField(FieldTable.timeRole) }
        let time: Int64?
        let timeText: String?
        if timeField.escaped {
            // A quote makes it invalid anyway; decode it for the message.
            timeText = unescape(base, timeField)
            time = nil
        } else {
            time = timestamps.parse(UnsafeBufferPointer(start: base + timeField.start, count: timeField.end - timeField.start))
            timeText = nil
        }
        guard let time else {
            let shown = timeText.map { $0.count > 80 ? String($0.prefix(80)) + "…" : $0 }
                ?? ByteScanning.excerpt(UnsafeBufferPointer(start: base + timeField.start, count: timeField.end - timeField.start))
            throw RecordFailure(reason: "invalid timestamp \"\(shown)\"")
        }
        let slotCount = fields.roleCount - FieldTable.firstAttributeRole
        var outOfRange: Int?
        let output = self.output
        output.clearAttributes()
        for slot in 0..<slotCount {
            let column = columnsByRole[FieldTable.firstAttributeRole + slot]
            var attribute = Value.null
            if column >= 0 {
                let field = current[column]
                if field.start == field.end {
                    // An empty cell is null.
                } else if field.escaped {
                    // Holds a quote, so it cannot be a number.
                    attribute = .string(unescape(base, field))
                } else if ByteScanning.isJSONNumber(base, field.start, field.end) {
                    let number = ByteScanning.numberValue(base, field.start, field.end)
                    if !number.isFinite { outOfRange = outOfRange ?? column }
                    attribute = .number(number)
                } else {
                    attribute = .string(strings.string(base, field.start, field.end))
                }
            }
            if !attribute.isNull { output.set(attribute, slot: slot) }
        }
        if let outOfRange { throw RecordFailure(reason: "number out of range in column \(outOfRange + 1)") }
        return output.record(lead: lead, type: type, time: time, line: line)
    }

    /// Splits a record into `current`, checking the quoting.
    private mutating func split(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) throws(RecordFailure) {
        current.removeAll()
        if splitPlain(base, start, end) { return }
        current.removeAll()
        // Every field is stored here; `fieldCount` follows when the record is complete.
        defer { fieldCount = current.count }
        var index = start
        while true {
            if index < end, base[index] == ByteScanning.quote {
                // Quoted: runs to the next quote not doubled; `""` stands for one quote.
                var cursor = index + 1
                var escaped = false
                while true {
                    guard cursor < end else { throw RecordFailure(reason: "unterminated quoted field") }
                    if base[cursor] == ByteScanning.quote {
                        if cursor + 1 < end, base[cursor + 1] == ByteScanning.quote {
                            escaped = true
                            cursor += 2
                            continue
                        }
                        break
                    }
                    cursor += 1
                }
                current.append(Field(start: index + 1, end: cursor, escaped: escaped))
                index = cursor + 1
                if index < end, base[index] != ByteScanning.comma {
                    throw RecordFailure(reason: "text after a closing quote in field \(current.count)")
                }
            } else {
                var cursor = index
                while cursor < end, base[cursor] != ByteScanning.comma {
                    if base[cursor] == ByteScanning.quote {
                        throw RecordFailure(reason: "quote inside an unquoted field \(current.count + 1)")
                    }
                    if base[cursor] == ByteScanning.carriageReturn {
                        throw RecordFailure(reason: "carriage return inside an unquoted field \(current.count + 1) (lines must end with LF or CRLF; quote a field that holds one)")
                    }
                    cursor += 1
                }
                current.append(Field(start: index, end: cursor, escaped: false))
                index = cursor
            }
            guard index < end else { return }
            index += 1 // the comma; a comma at the very end starts one more, empty field
        }
    }

    /// Splits a record without quotes (most records) into `current`: the fields are the
    /// runs between commas, found eight bytes at a time, and there is no quoting to check.
    /// False, with `current` partly filled, at the first quote.
    @inline(__always)
    private mutating func splitPlain(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var fieldStart = start
        var index = start
        var count = 0
        let stored = storedFields
        while index < end {
            let (word, valid) = ByteScanning.word(base, index, end)
            // A quote, or a carriage return (not a line ending here: SPEC.md 5 allows LF or
            // CRLF, RFC 4180 a CR only inside quotes), leaves the record to `split`.
            if (ByteScanning.matchingBytes(word, ByteScanning.quote) | ByteScanning.matchingBytes(word, ByteScanning.carriageReturn)) & valid != 0 {
                return false
            }
            var commas = ByteScanning.matchingBytes(word, ByteScanning.comma) & valid
            while commas != 0, count < stored {
                let comma = index + commas.trailingZeroBitCount >> 3
                current.append(Field(start: fieldStart, end: comma, escaped: false))
                fieldStart = comma + 1
                count += 1
                commas &= commas &- 1
            }
            // Past the stored fields, commas are only counted.
            count += commas.nonzeroBitCount
            index += 8
        }
        if count < stored { current.append(Field(start: fieldStart, end: end, escaped: false)) }
        fieldCount = count + 1
        return true
    }

    private mutating func readHeader(_ base: UnsafePointer<UInt8>) {
        let names: [[UInt8]] = (0..<current.count).map { index in
            let field = current[index]
            return field.escaped ? Array(unescape(base, field).utf8) : Array(UnsafeBufferPointer(start: base + field.start, count: field.end - field.start))
        }
        columnsByRole = fields.columns(forHeader: names)
        columnCount = names.count
        storedFields = (columnsByRole.max() ?? -1) + 1
    }

    private func checkHeader(line: Int) throws {
        for role in [FieldTable.leadRole, FieldTable.typeRole, FieldTable.timeRole] where columnsByRole[role] < 0 {
            throw InputError(kind: .invalid, message: "\(inputName):\(line): CSV header has no \"\(fields.roleNames[role])\" column")
        }
    }

    /// The lead or type text (`role`) as bytes; a quoted field with `""` pairs is decoded
    /// into `output`.
    private mutating func text(_ base: UnsafePointer<UInt8>, role: Int) throws(RecordFailure) -> (bytes: UnsafePointer<UInt8>, length: Int) {
        let field = current[columnsByRole[role]]
        if field.start == field.end { throw emptyField(role) }
        guard field.escaped else { return (base + field.start, field.end - field.start) }
        unescapeBytes(base, field)
        return (output.keep(scratch, role: role), scratch.count)
    }

    private func emptyField(_ role: Int) -> RecordFailure {
        RecordFailure(reason: "empty \"\(fields.roleNames[role])\"")
    }

    /// The text of a quoted field with each `""` turned into `"`.
    private mutating func unescape(_ base: UnsafePointer<UInt8>, _ field: Field) -> String {
        unescapeBytes(base, field)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// The bytes of a quoted field with each `""` turned into `"`, in `scratch`.
    private mutating func unescapeBytes(_ base: UnsafePointer<UInt8>, _ field: Field) {
        scratch.removeAll(keepingCapacity: true)
        var index = field.start
        while index < field.end {
            scratch.append(base[index])
            // The second quote of a pair is dropped.
            index += base[index] == ByteScanning.quote ? 2 : 1
        }
    }
}
