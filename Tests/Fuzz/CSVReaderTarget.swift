// Fuzz target (d): the CSV reader on arbitrary bytes. Invariants: after a valid header,
// every non-blank record is accepted or rejected exactly once; the outcome does not depend
// on the size of the reads; a header problem is an `invalid` input error, never a crash.

private let schema = EventSchema(attributes: ["partner", "amount", "note", "lead", ""])

private func readCSV(_ bytes: [UInt8], chunkBytes: Int, maximumRecordBytes: Int) -> Result<(accepted: [EventRecord], rejected: [RejectedRecord]), InputError> {
    let reader = EventReader(schema: schema, zone: .utc, chunkBytes: chunkBytes, maximumRecordBytes: maximumRecordBytes)
    do {
        return .success(try reader.readAll(.bytes(name: "fuzz.csv", bytes), format: .csv))
    } catch let error as InputError {
        fuzzCheck(error.kind == .invalid, "in-memory CSV unreadable: \(error)")
        return .failure(error)
    } catch {
        fuzzCheck(false, "CSV reading threw \(error)")
        return .failure(InputError(kind: .invalid, message: ""))
    }
}

/// Non-blank CSV records counted independently of the reader: line feeds end a record
/// except inside a quoted field; a quote opens a quoted field at the start of a field (or,
/// right after a closing quote, is an escaped quote); elsewhere it changes nothing.
private func nonBlankCSVRecords(_ bytes: [UInt8]) -> Int {
    var count = 0
    var sawContent = false
    var insideQuotes = false
    var atFieldStart = true
    var afterClosingQuote = false
    for byte in withoutByteOrderMark(bytes) {
        if insideQuotes {
            if byte == 0x22 { insideQuotes = false; afterClosingQuote = true }
            continue
        }
        if byte == 0x0A {
            if sawContent { count += 1 }
            sawContent = false
            atFieldStart = true
            afterClosingQuote = false
            continue
        }
        if isNonBlankByte(byte) { sawContent = true }
        if byte == 0x22, atFieldStart || afterClosingQuote {
            insideQuotes = true
        }
        atFieldStart = byte == 0x2C
        afterClosingQuote = false
    }
    return count + (sawContent ? 1 : 0)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSVReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = fuzzBytes(data, size)
    // A record limit above the input size: no record is over-long, so the count is exact.
    let whole = readCSV(bytes, chunkBytes: 1 << 16, maximumRecordBytes: 1 << 16)
    let small = readCSV(bytes, chunkBytes: 3, maximumRecordBytes: 1 << 16)
    switch (whole, small) {
    case (.success(let a), .success(let b)):
        fuzzCheck(a.accepted == b.accepted && a.rejected == b.rejected, "outcome depends on read size")
        let expected = max(0, nonBlankCSVRecords(bytes) - 1) // the header, when there is one
        fuzzCheck(a.accepted.count + a.rejected.count == expected,
                  "accepted \(a.accepted.count) + rejected \(a.rejected.count) != \(expected) non-blank records")
        let lines = a.accepted.map(\.line) + a.rejected.map(\.line)
        fuzzCheck(Set(lines).count == lines.count, "two records start on one line")
        for record in a.accepted {
            fuzzCheck(!record.lead.isEmpty && !record.type.isEmpty, "accepted record with an empty lead or type")
            for case .number(let number) in record.attributes { fuzzCheck(number.isFinite, "non-finite number accepted") }
        }
    case (.failure(let a), .failure(let b)):
        fuzzCheck(a == b, "different header errors: \(a) / \(b)")
    default:
        fuzzCheck(false, "read size decides whether the header is valid")
    }
    // A tiny record limit must still never crash, and never keep more than the limit.
    if case .success(let limited) = readCSV(bytes, chunkBytes: 2, maximumRecordBytes: 24) {
        for rejection in limited.rejected { fuzzCheck(rejection.raw.count <= 24, "rejected record keeps more than the limit") }
    }
    return 0
}
