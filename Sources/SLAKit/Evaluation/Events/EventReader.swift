#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads event inputs (SPEC.md section 5) in bounded memory and hands out one
/// `EventRecord` per valid record and one `RejectedRecord` per invalid one, in input order.
///
/// Memory: one buffer of `chunkBytes + maximumRecordBytes + 2` bytes, allocated once per
/// reader, plus the records handed out. A file is read `chunkBytes` at a time; the partial
/// record at the end of a chunk is moved to the front of the buffer before the next read.
/// A record whose bytes (without its line break) exceed `maximumRecordBytes` is rejected as
/// `record longer than N bytes` with only its first `maximumRecordBytes` bytes kept, and
/// the reader skips the rest of the record without buffering it, so a 100 MB line costs no
/// more memory than a short one. In CSV the record ends at the first line feed outside
/// quotes, as for any record: a long quoted cell holding line feeds is skipped whole (a
/// quoted field never closed takes the rest of the input, rejected as one record).
///
/// Every non-blank record is either accepted or rejected: nothing is dropped silently.
/// Lines holding only spaces, tabs and carriage returns are blank, in both formats.
/// A UTF-8 byte order mark at the very start of an input is skipped.
public final class EventReader {
    /// Default bytes per read: 1 MiB.
    public static let defaultChunkBytes = 1 << 20
    /// Default longest accepted record: 1 MiB.
    public static let defaultMaximumRecordBytes = 1 << 20

    public let schema: EventSchema
    public let zone: ZoneRules
    /// Bytes requested per read.
    public let chunkBytes: Int
    /// Longest record, in bytes without its line break, that is parsed; longer ones are rejected.
    public let maximumRecordBytes: Int

    private let fields: FieldTable
    private let capacity: Int
    private let buffer: UnsafeMutablePointer<UInt8>

    /// - Parameters:
    ///   - zone: the SLA's time zone, for timestamps without an offset.
    ///   - chunkBytes: bytes per read (at least 1); small values exercise chunk boundaries in tests.
    ///   - maximumRecordBytes: the record length limit in bytes (at least 1).
    public init(schema: EventSchema, zone: ZoneRules, chunkBytes: Int = EventReader.defaultChunkBytes, maximumRecordBytes: Int = EventReader.defaultMaximumRecordBytes) {
        self.schema = schema
        self.zone = zone
        self.chunkBytes = max(1, chunkBytes)
        self.maximumRecordBytes = max(1, maximumRecordBytes)
        self.fields = FieldTable(schema: schema)
        // The partial record kept between reads is at most maximumRecordBytes + 1 bytes
        // (a CR may follow the last kept byte), and a whole chunk must fit after it; the
        // first reads also need room for the three bytes of a byte order mark.
        self.capacity = self.chunkBytes + self.maximumRecordBytes + 4
        self.buffer = HugePages.allocate(byteCount: capacity, alignment: 1).bindMemory(to: UInt8.self, capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Streams one input: calls `accept` for each valid record and `reject` for each
    /// rejected one, in input order. Errors thrown by either closure end the read and are
    /// rethrown. Throws `InputError` when the input cannot be read (`.unreadable`) or is
    /// unusable as a whole, such as a CSV header without a required column (`.invalid`).
    public func read(_ input: EventInput, format: InputFormat, accept: (EventRecord) throws -> Void, reject: (RejectedRecord) throws -> Void) throws {
        try read(input, format: format, firstLine: 1, skipsByteOrderMark: true, accept: accept, reject: reject)
    }

    /// Reads a part of a larger input: its first record is on line `firstLine` of the whole
    /// input, and a byte order mark is skipped only where `skipsByteOrderMark` says the part
    /// is the input's beginning. Used to parse blocks of a JSONL file in parallel.
    func read(_ input: EventInput, format: InputFormat, firstLine: Int, skipsByteOrderMark: Bool,
              accept: (EventRecord) throws -> Void, reject: (RejectedRecord) throws -> Void) throws {
        try readRaw(input, format: format, firstLine: firstLine, skipsByteOrderMark: skipsByteOrderMark,
                    accept: { try accept($0.record) }, reject: reject)
    }

    /// `read`, handing out records whose lead and type are bytes (valid during `accept`).
    func readRaw(_ input: EventInput, format: InputFormat, firstLine: Int = 1, skipsByteOrderMark: Bool = true,
                 accept: (RawRecord) throws -> Void, reject: (RejectedRecord) throws -> Void) throws {
        var header: CSVHeader?
        try readRaw(input, format: format, firstLine: firstLine, skipsByteOrderMark: skipsByteOrderMark, block: nil,
                    csvHeader: &header, accept: accept, reject: reject)
    }

    /// Where the reader's own buffer starts: a block for `readRaw(block:)` is put there, at
    /// most `chunkBytes` bytes.
    var blockBuffer: UnsafeMutablePointer<UInt8> { buffer }

    /// The general form of `readRaw`. With `block`, the input is the `block.length` bytes
    /// already in `blockBuffer` (a block of a larger file, cut after a line feed); if the
    /// block is not the file's last, a record still open at its end means the cut fell
    /// inside a quoted CSV field, and the read throws `ParallelStreaming.Fallback`.
    /// `csvHeader` gives the header of a CSV input whose header was in an earlier block,
    /// and returns the header once read. Returns the number of line feeds read.
    @discardableResult
    func readRaw(_ input: EventInput, format: InputFormat, firstLine: Int, skipsByteOrderMark: Bool, block: LineBlocks.Cut?,
                 csvHeader: inout CSVHeader?, accept: (RawRecord) throws -> Void, reject: (RejectedRecord) throws -> Void) throws -> Int {
        let source = try ByteInput(block == nil ? input : .bytes(name: input.name, []))
        defer { source.close() }
        switch format {
        case .jsonl:
            var parser = JSONLineParser(fields: fields, zone: zone)
            return try split(source, quoteAware: false, firstLine: firstLine, skipsByteOrderMark: skipsByteOrderMark, block: block,
                             parser: &parser, accept: accept, reject: reject)
        case .csv:
            var parser = CSVRecordParser(fields: fields, zone: zone, inputName: source.name)
            parser.header = csvHeader
            defer { csvHeader = parser.header }
            return try split(source, quoteAware: true, firstLine: firstLine, skipsByteOrderMark: skipsByteOrderMark, block: block,
                             parser: &parser, accept: accept, reject: reject)
        }
    }

    /// Reads a whole input into arrays: for tests and small inline inputs only.
    public func readAll(_ input: EventInput, format: InputFormat) throws -> (accepted: [EventRecord], rejected: [RejectedRecord]) {
        var accepted: [EventRecord] = []
        var rejected: [RejectedRecord] = []
        try read(input, format: format, accept: { accepted.append($0) }, reject: { rejected.append($0) })
        return (accepted, rejected)
    }

    // MARK: Splitting the byte stream into records

    /// The main loop: finds record boundaries (line feeds; for CSV only those outside
    /// quoted fields), keeps partial records across reads and hands each record to `parser`.
    /// Returns the number of line feeds read.
    @discardableResult
    private func split<Parser: RecordParsing>(_ source: ByteInput, quoteAware: Bool, firstLine: Int, skipsByteOrderMark: Bool,
                                              block: LineBlocks.Cut?,
                                              parser: inout Parser, accept: (RawRecord) throws -> Void, reject: (RejectedRecord) throws -> Void) throws -> Int {
        let base = buffer
        // The unconsumed bytes are `[start, end)`; boundary search resumes at `scan`.
        var start = 0
        var end = 0
        var scan = 0
        var atEnd = false
        /// The line on which the record at `start` begins.
        var line = firstLine
        var quoting = CSVQuoting()

        /// Whether every record is valid UTF-8 already: a block checked whole. (A line feed
        /// is never part of a multi-byte sequence, so a valid block has valid lines.)
        var knownValid = false
        if let block {
            precondition(block.length <= chunkBytes, "a block fits the reader's buffer")
            end = block.length
            atEnd = true
            knownValid = ByteScanning.firstInvalidUTF8(base, 0, end) == nil
        }
        // Read at least three bytes (or all there is) to recognize a byte order mark.
        while end < 3 && !atEnd {
            let count = try source.read(into: base + end, count: chunkBytes)
            if count == 0 { atEnd = true } else { end += count }
        }
        if skipsByteOrderMark && end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF {
            start = 3
            scan = 3
        }

        while true {
            // A record must end (with its line feed) before `limit`: its bytes without a
            // CRLF are then at most maximumRecordBytes. Searching no further than that
            // makes the outcome independent of where reads happen to end.
            let limit = start + maximumRecordBytes + 2
            let searchEnd = min(end, limit)
            if let lineFeed = EventReader.recordEnd(base, scan, searchEnd, quoteAware: quoteAware, quoting: &quoting) {
                var recordEnd = lineFeed
                // CRLF: the carriage return belongs to the line break.
                if recordEnd > start && base[recordEnd - 1] == ByteScanning.carriageReturn { recordEnd -= 1 }
                try deliver(base, start, recordEnd, line: line, insideQuotes: false, knownValid: knownValid, parser: &parser, accept: accept, reject: reject)
                line += 1 + quoting.lineFeeds
                quoting = CSVQuoting()
                start = lineFeed + 1
                scan = start
                continue
            }
            scan = searchEnd
            if searchEnd == limit {
                // Too long: reject, and discard the rest of the record without buffering
                // it, reading on as needed. In JSONL the record ends at the first line
                // feed; in CSV at the first one outside quotes, so that a long quoted cell
                // holding line feeds is skipped whole and the records after it stay records.
                let prefix = Array(UnsafeBufferPointer(start: base + start, count: maximumRecordBytes))
                var blank = ByteScanning.isBlank(base, start, limit)
                let recordLine = line
                var cutInsideQuotes = quoting.insideQuotes
                /// The cut came right after a quote inside a quoted field: the byte after the
                /// cut decides whether it closed the field or began a `""` escape (the cut
                /// then lies between its two quotes, inside the field). Decided at the first
                /// byte past the cut, which may come only with the next read.
                var quoteBeforeCut = quoting.afterQuoteInQuotedField
                start = limit
                /// Whether the last byte skipped is a line feed (one inside a quoted field
                /// that the input ends in ends the record's last line, not a line of it).
                var endsWithLineFeed = false
                while true {
                    if quoteBeforeCut, start < end {
                        cutInsideQuotes = base[start] == ByteScanning.quote
                        quoteBeforeCut = false
                    }
                    if let lineFeed = EventReader.recordEnd(base, start, end, quoteAware: quoteAware, quoting: &quoting) {
                        blank = blank && ByteScanning.isBlank(base, start, lineFeed)
                        start = lineFeed + 1
                        line += 1
                        break
                    }
                    blank = blank && ByteScanning.isBlank(base, start, end)
                    if end > start { endsWithLineFeed = base[end - 1] == ByteScanning.lineFeed }
                    if atEnd {
                        // A block is cut after a line feed: one not ending the record lies
                        // inside a quoted field, which goes on in the next block.
                        if let block, !block.isLast { throw ParallelStreaming.Fallback.recordCrossesBlock }
                        start = end
                        break
                    }
                    start = 0
                    end = try source.read(into: base, count: capacity)
                    if end == 0 { atEnd = true }
                }
                // `line` moved past the line feed that ended the record, if one did.
                line += quoting.lineFeeds
                let unclosed = quoting.insideQuotes
                let lineCount = 1 + quoting.lineFeeds - (unclosed && endsWithLineFeed ? 1 : 0)
                quoting = CSVQuoting()
                scan = start
                if !blank {
                    try overlong(prefix: prefix, line: recordLine, lineCount: lineCount, cutInsideQuotes: cutInsideQuotes,
                                 unclosed: unclosed, parser: parser, reject: reject)
                }
                continue
            }
            if atEnd {
                if start < end, let block, !block.isLast, !ByteScanning.isBlank(base, start, end) {
                    // The block was cut inside a quoted field: its end is not a record's.
                    throw ParallelStreaming.Fallback.recordCrossesBlock
                }
                if start < end {
                    // A last record without a line break.
                    var recordEnd = end
                    // A final CR ends the line as a CRLF would, unless a quoted CSV field holds it.
                    if base[recordEnd - 1] == ByteScanning.carriageReturn && !quoting.insideQuotes { recordEnd -= 1 }
                    try deliver(base, start, recordEnd, line: line, insideQuotes: quoting.insideQuotes, knownValid: knownValid, parser: &parser, accept: accept, reject: reject)
                    line += quoting.lineFeeds
                }
                return line - firstLine
            }
            // Keep the partial record (shorter than `limit - start`): move it to the front,
            // then read the next chunk after it.
            if start > 0 {
                memmove(base, base + start, end - start)
                end -= start
                scan -= start
                start = 0
            }
            let count = try source.read(into: base + end, count: min(chunkBytes, capacity - end))
            if count == 0 { atEnd = true } else { end += count }
        }
    }

    /// The line feed in `[from, to)` that ends the record: the first one in JSONL, the first
    /// outside quotes in CSV (`quoteAware`, with `quoting` carried across calls); nil when
    /// it is not there yet.
    @inline(__always)
    private static func recordEnd(_ base: UnsafeMutablePointer<UInt8>, _ from: Int, _ to: Int, quoteAware: Bool,
                                  quoting: inout CSVQuoting) -> Int? {
        if quoteAware { return quoting.findRecordEnd(base, from, to) }
        guard from < to, let found = memchr(base + from, Int32(ByteScanning.lineFeed), to - from) else { return nil }
        return found.assumingMemoryBound(to: UInt8.self) - base
    }

    /// Validates and parses one complete record, then accepts or rejects it.
    @inline(__always)
    private func deliver<Parser: RecordParsing>(_ base: UnsafeMutablePointer<UInt8>, _ start: Int, _ end: Int, line: Int, insideQuotes: Bool,
                                                knownValid: Bool, parser: inout Parser, accept: (RawRecord) throws -> Void, reject: (RejectedRecord) throws -> Void) throws {
        if end - start > maximumRecordBytes {
            // The line feed came right at the limit without a CR before it, or the input
            // ended there: one byte too many.
            if ByteScanning.isBlank(base, start, end) { return }
            let prefix = Array(UnsafeBufferPointer(start: base + start, count: maximumRecordBytes))
            var lineCount = 1
            for index in start..<end where base[index] == ByteScanning.lineFeed { lineCount += 1 }
            // A line feed the input ends in, inside an unclosed quoted field, ends the last line.
            if insideQuotes, base[end - 1] == ByteScanning.lineFeed { lineCount -= 1 }
            try overlong(prefix: prefix, line: line, lineCount: lineCount, cutInsideQuotes: insideQuotes, unclosed: insideQuotes,
                         parser: parser, reject: reject)
            return
        }
        if !knownValid, let invalid = ByteScanning.firstInvalidUTF8(base, start, end) {
            let reason = "invalid UTF-8 at column \(invalid - start + 1)"
            if parser.expectsHeader {
                throw InputError(kind: .invalid, message: "\(parser.inputName):\(line): invalid CSV header: \(reason)")
            }
            try reject(RejectedRecord(line: line, reason: reason, raw: Array(UnsafeBufferPointer(start: base + start, count: end - start))))
            return
        }
        let record: RawRecord?
        do {
            record = try parser.parse(base, start, end, line: line)
        } catch let failure as RecordFailure {
            try reject(RejectedRecord(line: line, reason: failure.reason, raw: Array(UnsafeBufferPointer(start: base + start, count: end - start))))
            return
        }
        if let record { try accept(record) }
    }

    /// Rejects a record longer than `maximumRecordBytes` that starts on `line` and spans
    /// `lineCount` lines (more than one when quoted fields hold line feeds), keeping its
    /// first bytes. The span is given as a count, not as a last line: a block of a file
    /// read on two cores numbers its lines from the block's start, and only the record's
    /// own line is moved to the file's numbering afterwards.
    /// `cutInsideQuotes`: the limit fell inside a quoted field; `unclosed`: a quoted field
    /// was still open at the end of the input, so the record took the rest of it.
    private func overlong<Parser: RecordParsing>(prefix: [UInt8], line: Int, lineCount: Int, cutInsideQuotes: Bool, unclosed: Bool,
                                                 parser: Parser, reject: (RejectedRecord) throws -> Void) throws {
        if parser.expectsHeader {
            throw InputError(kind: .invalid, message: "\(parser.inputName):\(line): CSV header longer than \(maximumRecordBytes) bytes")
        }
        var notes: [String] = []
        if lineCount > 1 { notes.append("over \(lineCount) lines") }
        if unclosed {
            notes.append("a quoted field is not closed before the end of the input")
        } else if cutInsideQuotes {
            notes.append("cut inside a quoted field")
        }
        let reason = "record longer than \(maximumRecordBytes) bytes" + (notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))")
        try reject(RejectedRecord(line: line, reason: reason, raw: prefix, truncated: true))
    }
}

/// What the splitting loop needs from a format's record parser.
protocol RecordParsing {
    /// Parses a record without its line break: nil for a blank line (or a CSV header),
    /// the record, or throws `RecordFailure` (reject it) or `InputError` (stop).
    mutating func parse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, line: Int) throws -> RawRecord?
    /// True while a problem concerns the whole input rather than one record (a CSV header).
    var expectsHeader: Bool { get }
    var inputName: String { get }
}

extension JSONLineParser: RecordParsing {
    var expectsHeader: Bool { false }
    var inputName: String { "" }
}

extension CSVRecordParser: RecordParsing {}

/// The CSV quoting state while looking for the line feed that ends a record (RFC 4180): a
/// quote opens a quoted field only at the start of a field; inside, `""` is a quote and a
/// single quote closes the field. Malformed quoting is left to the field parser; this
/// only decides where records end, resumably across reads.
struct CSVQuoting {
    private enum State { case fieldStart, unquoted, quoted, quoteSeen }
    private var state = State.fieldStart
    /// Line feeds inside quoted fields so far: the record spans that many more lines.
    private(set) var lineFeeds = 0

    var insideQuotes: Bool { state == .quoted }
    /// Right after a quote in a quoted field: the quote closed the field unless the next
    /// byte is a quote too (`""`, an escaped quote, and the field goes on).
    var afterQuoteInQuotedField: Bool { state == .quoteSeen }

    /// The index of the line feed in `[from, to)` that ends the record, or nil when it is
    /// not there yet (the state is kept for the next call).
    @inline(__always)
    mutating func findRecordEnd(_ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Int? {
        // Fast path: outside quotes, when no quote comes before the next line feed, that
        // line feed ends the record (the states other than `quoted` all end on it). The
        // state is left as it was: callers start a fresh `CSVQuoting` after a record end.
        if state != .quoted, from < to, let found = memchr(base + from, Int32(ByteScanning.lineFeed), to - from) {
            let lineFeed = UnsafePointer(found.assumingMemoryBound(to: UInt8.self)) - base
            if memchr(base + from, Int32(ByteScanning.quote), lineFeed - from) == nil { return lineFeed }
        }
        var index = from
        while index < to {
            let byte = base[index]
            switch state {
            case .fieldStart, .unquoted, .quoteSeen:
                if byte == ByteScanning.lineFeed { return index }
                if byte == ByteScanning.comma {
                    state = .fieldStart
                } else if byte == ByteScanning.quote {
                    // Opens a field at its start; after a closing quote it is an escaped
                    // quote (`""`); elsewhere it is malformed and changes nothing.
                    if state == .fieldStart || state == .quoteSeen { state = .quoted }
                } else {
                    state = .unquoted
                }
            case .quoted:
                if byte == ByteScanning.quote {
                    state = .quoteSeen
                } else if byte == ByteScanning.lineFeed {
                    lineFeeds += 1
                }
            }
            index += 1
        }
        return nil
    }
}
