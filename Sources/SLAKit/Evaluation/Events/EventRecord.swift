/// The format of an event input (SPEC.md section 5).
public enum InputFormat: String, Sendable, CaseIterable {
    /// One JSON object per line (`.jsonl`, `.ndjson`).
    case jsonl
    /// RFC 4180 comma-separated values with a header row (`.csv`).
    case csv

    /// The format a file's extension names (any case), nil for another extension
    /// (SPEC.md section 5: then only `--input-format` tells).
    public init?(extensionOf path: String) {
        let lowered = path.lowercased()
        if lowered.hasSuffix(".jsonl") || lowered.hasSuffix(".ndjson") { self = .jsonl }
        else if lowered.hasSuffix(".csv") { self = .csv }
        else { return nil }
    }
}

/// What the reader extracts from each record: the names of the lead, type and time fields
/// (renamable by `--lead-field`, `--type-field`, `--time-field`) and the attribute names the
/// SLA reads. Fields and columns not named here are skipped without building strings.
public struct EventSchema: Sendable, Equatable {
    /// Name of the field holding the lead id.
    public var leadField: String
    /// Name of the field holding the event type.
    public var typeField: String
    /// Name of the field holding the event time.
    public var timeField: String
    /// The attribute names the SLA reads; slot `i` of `EventRecord.attributes` holds
    /// `attributes[i]`. A name equal to the lead, type or time field never gets a value:
    /// those fields are not attributes (SPEC.md section 4, `event.lead` is null).
    public var attributes: [String]

    public init(leadField: String = "lead", typeField: String = "type", timeField: String = "at", attributes: [String] = []) {
        self.leadField = leadField
        self.typeField = typeField
        self.timeField = timeField
        self.attributes = attributes
    }
}

/// One accepted event.
public struct EventRecord: Sendable, Equatable {
    /// The lead id: a JSON string's value, or for a JSON number its literal source text
    /// (`42` and `"42"` are one lead, `4.20` stays `4.20`); never trimmed or case-folded.
    public var lead: String
    /// The event type, never empty.
    public var type: String
    /// The event time in milliseconds since the Unix epoch.
    public var time: Int64
    /// One value per `EventSchema.attributes` slot, `.null` when absent; only `.null`,
    /// `.bool`, `.number` and `.string` occur.
    public var attributes: [Value]
    /// The 1-based line of the input where the record starts.
    public var line: Int

    public init(lead: String, type: String, time: Int64, attributes: [Value], line: Int) {
        self.lead = lead
        self.type = type
        self.time = time
        self.attributes = attributes
        self.line = line
    }
}

/// A parsed record whose lead id and type are still UTF-8 bytes, as the evaluator reads
/// them: no `String` is built per record. The pointers are valid only while the record is
/// handed to the reader's `accept` closure.
struct RawRecord {
    var lead: UnsafePointer<UInt8>
    /// Bytes in the lead id (never 0).
    var leadLength: Int
    var type: UnsafePointer<UInt8>
    /// Bytes in the type (never 0).
    var typeLength: Int
    /// Milliseconds since the Unix epoch.
    var time: Int64
    /// One value per `EventSchema.attributes` slot, `.null` when absent. The `accept`
    /// closure may move the values out, leaving `.null`: parsers clear every slot the
    /// previous record filled.
    var attributes: UnsafePointer<Value>
    var attributeCount: Int
    /// The slots of `attributes` that are not null, ascending: `presentCount` of them.
    var presentSlots: UnsafePointer<UInt32>
    var presentCount: Int
    /// The 1-based line of the input where the record starts.
    var line: Int

    /// The event type as a string (the bytes are valid UTF-8).
    var typeText: String { String(decoding: UnsafeBufferPointer(start: type, count: typeLength), as: UTF8.self) }

    /// The record with its texts as strings.
    var record: EventRecord {
        EventRecord(lead: String(decoding: UnsafeBufferPointer(start: lead, count: leadLength), as: UTF8.self),
                    type: typeText, time: time, attributes: Array(UnsafeBufferPointer(start: attributes, count: attributeCount)),
                    line: line)
    }
}

/// Where a record parser keeps what a `RawRecord` points at: decoded copies of a lead id
/// and a type that held escapes, and the attribute values. Reused for every record.
final class RawRecordStorage {
    let lead = FlatColumn<UInt8>(capacity: 64)
    let type = FlatColumn<UInt8>(capacity: 64)
    let attributes: FlatColumn<Value>
    /// The slots `set` filled since the last `clearAttributes`, ascending.
    let presentSlots: UnsafeMutablePointer<UInt32>
    private(set) var presentCount = 0

    init(attributeCount: Int) {
        attributes = FlatColumn(capacity: max(1, attributeCount))
        attributes.append(.null, times: attributeCount)
        presentSlots = .allocate(capacity: max(1, attributeCount))
    }

    deinit { presentSlots.deallocate() }

    /// Makes every attribute slot null again. Only the slots the last record filled can
    /// hold a value (unless the reader's `accept` moved it out), so only those are looked at.
    @inline(__always)
    func clearAttributes() {
        let base = attributes.base
        for index in 0..<presentCount {
            let target = base + Int(presentSlots[index])
            if !target.pointee.isNull { target.pointee = .null }
        }
        presentCount = 0
    }

    /// The record of `lead` and `type` (bytes this storage or the input holds) with the
    /// attribute values `set` since `clearAttributes`.
    @inline(__always)
    func record(lead: (bytes: UnsafePointer<UInt8>, length: Int), type: (bytes: UnsafePointer<UInt8>, length: Int),
                time: Int64, line: Int) -> RawRecord {
        RawRecord(lead: lead.bytes, leadLength: lead.length, type: type.bytes, typeLength: type.length, time: time,
                  attributes: UnsafePointer(attributes.base), attributeCount: attributes.count,
                  presentSlots: UnsafePointer(presentSlots), presentCount: presentCount, line: line)
    }

    /// Stores `value`, not null, in `slot`, null since `clearAttributes`; slots are set in
    /// ascending order.
    @inline(__always)
    func set(_ value: Value, slot: Int) {
        (attributes.base + slot).initialize(to: value)
        presentSlots[presentCount] = UInt32(truncatingIfNeeded: slot)
        presentCount += 1
    }

    /// Copies `bytes`, the decoded text of the lead or the type (`role`), into that role's
    /// column, replacing what it held; returns where they now are. (Readers pass the role
    /// rather than the column: passing the column retains and releases it at every record,
    /// though only text with escapes is kept here.)
    func keep(_ bytes: [UInt8], role: Int) -> UnsafePointer<UInt8> {
        let column = role == FieldTable.leadRole ? lead : type
        column.removeAll()
        bytes.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { column.append(contentsOf: base, buffer.count) }
        }
        return UnsafePointer(column.base)
    }
}

/// A record that is not a valid event: reported with its line and reason, and its raw
/// bytes kept for `--rejects FILE`.
public struct RejectedRecord: Sendable, Equatable {
    /// The 1-based line of the input where the record starts.
    public var line: Int
    /// Why the record was rejected, e.g. `missing "lead"` or `invalid timestamp "2026-13-01"`.
    public var reason: String
    /// The record's bytes without its final line break (LF or CRLF). For a record longer
    /// than `EventReader.maximumRecordBytes` only its first `maximumRecordBytes` bytes are
    /// kept (then `truncated` is true), so that memory stays bounded.
    public var raw: [UInt8]
    /// True when `raw` is only the beginning of an over-long record.
    public var truncated: Bool

    public init(line: Int, reason: String, raw: [UInt8], truncated: Bool = false) {
        self.line = line
        self.reason = reason
        self.raw = raw
        self.truncated = truncated
    }
}

/// Where events come from.
public enum EventInput: Sendable {
    /// A file, read in chunks.
    case file(path: String)
    /// The process's standard input, read in chunks.
    case standardInput
    /// Bytes in memory (tests, `sla test` inline events), named for messages.
    case bytes(name: String, [UInt8])

    /// The name used in messages: the path, `<stdin>` or the given name.
    public var name: String {
        switch self {
        case .file(let path): path
        case .standardInput: "<stdin>"
        case .bytes(let name, _): name
        }
    }
}

/// A failure of a whole input, as opposed to a rejected record.
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input cannot be opened or read: a usage-level failure, exit code 3.
        case unreadable
        /// The input is readable but unusable as a whole, e.g. a CSV header without a
        /// required column: invalid events, exit code 2.
        case invalid
    }

    public var kind: Kind
    /// A one-line message that starts with the input's name.
    public var message: String

    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
