// Fuzz target (c): the JSONL reader on arbitrary bytes. Invariants: every non-blank line is
// accepted or rejected exactly once, in line order; the outcome does not depend on the
// size of the reads; over-long lines are rejected with a bounded prefix; the line parser's
// fast paths (known shapes, flat lines) decide every line as its general path does.

private let schema = EventSchema(attributes: ["page", "amount", "lead", "status", ""])

private func readJSONL(_ bytes: [UInt8], chunkBytes: Int, maximumRecordBytes: Int) -> (accepted: [EventRecord], rejected: [RejectedRecord]) {
    let reader = EventReader(schema: schema, zone: .utc, chunkBytes: chunkBytes, maximumRecordBytes: maximumRecordBytes)
    do {
        return try reader.readAll(.bytes(name: "fuzz.jsonl", bytes), format: .jsonl)
    } catch {
        fuzzCheck(false, "JSONL reading threw \(error)")
        return ([], [])
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONLReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    let whole = readJSONL(bytes, chunkBytes: 1 << 16, maximumRecordBytes: 1 << 16)
    let expected = nonBlankJSONLines(bytes)
    fuzzCheck(whole.accepted.count + whole.rejected.count == expected,
              "accepted \(whole.accepted.count) + rejected \(whole.rejected.count) != \(expected) non-blank lines")
    var lines = (whole.accepted.map(\.line) + whole.rejected.map(\.line)).sorted()
    fuzzCheck(Set(lines).count == lines.count, "two records on one line")
    for record in whole.accepted {
        fuzzCheck(!record.lead.isEmpty && !record.type.isEmpty, "accepted record with an empty lead or type")
        fuzzCheck(record.time >= CivilTime.minimumInstant && record.time <= CivilTime.maximumInstant, "time out of range")
        for case .number(let number) in record.attributes {
            fuzzCheck(number.isFinite, "non-finite number accepted")
        }
    }
    // Small reads and a small record limit: the same records, the long ones rejected.
    let small = readJSONL(bytes, chunkBytes: 7, maximumRecordBytes: 1 << 16)
    fuzzCheck(small.accepted == whole.accepted && small.rejected == whole.rejected, "outcome depends on read size")
    let limited = readJSONL(bytes, chunkBytes: 5, maximumRecordBytes: 40)
    lines = (limited.accepted.map(\.line) + limited.rejected.map(\.line)).sorted()
    fuzzCheck(limited.accepted.count + limited.rejected.count == expected, "record limit changes the record count")
    for rejection in limited.rejected { fuzzCheck(rejection.raw.count <= 40, "rejected record keeps more than the limit") }
    checkFastPaths(bytes)
    return 0
}

/// Parses each valid UTF-8 line with and without the fast paths, one parser each for the
/// whole input (so that shapes learned on earlier lines are used on later ones), and checks
/// that both give the same record or the same reason.
private func checkFastPaths(_ bytes: [UInt8]) {
    let fields = FieldTable(schema: schema)
    var fast = JSONLineParser(fields: fields, zone: .utc)
    var general = JSONLineParser(fields: fields, zone: .utc, fastPaths: false)
    func outcome(_ parser: inout JSONLineParser, _ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        do {
            guard let record = try parser.parse(base, start, end, line: 1) else { return "blank" }
            let event = record.record
            return "\(event.lead)|\(event.type)|\(event.time)|\(event.attributes)"
        } catch {
            return "rejected: \(error.reason)"
        }
    }
    bytes.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        var start = 0
        while start < buffer.count {
            var end = start
            while end < buffer.count, base[end] != 0x0A { end += 1 }
            if ByteScanning.firstInvalidUTF8(base, start, end) == nil {
                let general = outcome(&general, base, start, end)
                fuzzCheck(outcome(&fast, base, start, end) == general, "fast and general JSONL paths differ: \(general)")
            }
            start = end + 1
        }
    }
}
