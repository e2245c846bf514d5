/// The schema's field names encoded once as UTF-8, so that a JSON key is matched by
/// comparing bytes, never by building a `String`.
///
/// Roles number the things a record can supply: `leadRole`, `typeRole`, `timeRole`, then
/// `firstAttributeRole + i` for attribute slot `i`. One key can serve several roles (when
/// `--lead-field` and `--type-field` name the same field); an attribute named like the lead,
/// type or time field gets no role, so its slot stays null.
final class FieldTable: @unchecked Sendable {
    static let leadRole = 0
    static let typeRole = 1
    static let timeRole = 2
    static let firstAttributeRole = 3

    /// One name: its bytes at `names[offset ..< offset + length]`.
    struct Entry {
        var role: Int
        var offset: Int
        var length: Int
        var firstByte: UInt8
        /// The name's first eight bytes (fewer for a shorter name, zero-padded), little-endian,
        /// and the mask of the bytes that count: most names are compared in one step.
        var prefix: UInt64
        var prefixMask: UInt64
    }

    /// Entries sorted by name length; those of length `n` are
    /// `entries[firstEntry[n] ..< firstEntry[n + 1]]`. Raw storage, owned by this table, so
    /// that the per-key lookup does no bounds or uniqueness checks.
    private let entries: UnsafeMutablePointer<Entry>
    private let firstEntry: UnsafeMutablePointer<Int>
    /// Number of `firstEntry` slots: the longest name's length plus two.
    private let firstEntryCount: Int
    /// All names' bytes, back to back.
    private let names: UnsafeMutablePointer<UInt8>
    /// Total number of roles, three plus the attribute slots.
    let roleCount: Int
    /// Field names by role, for messages.
    let roleNames: [String]

    init(schema: EventSchema) {
        let special = [schema.leadField, schema.typeField, schema.timeField]
        var named: [(role: Int, bytes: [UInt8])] = special.enumerated().map { ($0.offset, Array($0.element.utf8)) }
        for (slot, attribute) in schema.attributes.enumerated() where !special.contains(attribute) {
            named.append((FieldTable.firstAttributeRole + slot, Array(attribute.utf8)))
        }
        named.sort { $0.bytes.count < $1.bytes.count }
        var entryList: [Entry] = []
        var nameBytes: [UInt8] = []
        for (role, bytes) in named {
            var prefix: UInt64 = 0
            for (position, byte) in bytes.prefix(8).enumerated() { prefix |= UInt64(byte) << (8 * position) }
            let prefixMask: UInt64 = bytes.count >= 8 ? ~0 : (1 << (8 * UInt64(bytes.count))) - 1
            entryList.append(Entry(role: role, offset: nameBytes.count, length: bytes.count, firstByte: bytes.first ?? 0,
                                   prefix: prefix, prefixMask: prefixMask))
            nameBytes.append(contentsOf: bytes)
        }
        let longest = named.last?.bytes.count ?? 0
        firstEntryCount = longest + 2
        firstEntry = .allocate(capacity: firstEntryCount)
        for length in 0..<firstEntryCount {
            // The first entry of this length, or the start of the next longer length.
            firstEntry[length] = entryList.firstIndex { $0.length >= length } ?? entryList.count
        }
        entries = .allocate(capacity: max(1, entryList.count))
        entries.initialize(from: entryList, count: entryList.count)
        names = .allocate(capacity: max(1, nameBytes.count))
        names.initialize(from: nameBytes, count: nameBytes.count)
        roleCount = FieldTable.firstAttributeRole + schema.attributes.count
        roleNames = special + schema.attributes
    }

    deinit {
        entries.deallocate()
        firstEntry.deallocate()
        names.deallocate()
    }

    /// Stores `value` in `pending[role]` for each role whose name equals the bytes
    /// `[start, end)`. Bytes up to `readableEnd` may be read (past `end`) to compare eight
    /// bytes at once.
    @inline(__always)
    func assign<Pending>(_ value: Pending, toKey base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, readableEnd: Int, in pending: UnsafeMutablePointer<Pending>) {
        let length = end - start
        guard length + 1 < firstEntryCount else { return }
        var index = firstEntry[length]
        let stop = firstEntry[length + 1]
        guard index < stop else { return }
        if readableEnd - start >= 8 {
            let word = UnsafeRawPointer(base).loadUnaligned(fromByteOffset: start, as: UInt64.self).littleEndian
            while index < stop {
                let entry = entries[index]
                if word & entry.prefixMask == entry.prefix,
                   length <= 8 || memoryEqual(base + start + 8, names + entry.offset + 8, length - 8) {
                    pending[entry.role] = value
                }
                index += 1
            }
        } else {
            let first = length > 0 ? base[start] : 0
            while index < stop {
                let entry = entries[index]
                if entry.firstByte == first, memoryEqual(base + start, names + entry.offset, length) {
                    pending[entry.role] = value
                }
                index += 1
            }
        }
    }

    /// Role of every column of a CSV header: `columnsByRole[role]` is the last column with
    /// that role's name (duplicate header names: the last wins), or -1.
    func columns(forHeader header: [[UInt8]]) -> [Int] {
        let columnsByRole = UnsafeMutablePointer<Int>.allocate(capacity: roleCount)
        defer { columnsByRole.deallocate() }
        columnsByRole.initialize(repeating: -1, count: roleCount)
        for (column, name) in header.enumerated() {
            // A trailing zero byte gives even an empty name a valid address.
            (name + [0]).withUnsafeBufferPointer { bytes in
                assign(column, toKey: bytes.baseAddress!, 0, name.count, readableEnd: bytes.count, in: columnsByRole)
            }
        }
        return Array(UnsafeBufferPointer(start: columnsByRole, count: roleCount))
    }
}

/// Byte equality of two ranges of `count` bytes, compared a word at a time; the last
/// word (or, below eight bytes, the last four) may overlap the one before, so that no
/// byte is compared alone unless `count` is below four. Reads only inside both ranges.
@inline(__always)
func memoryEqual(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    let a = UnsafeRawPointer(left), b = UnsafeRawPointer(right)
    if count >= 8 {
        var offset = 0
        while offset < count - 8 {
            if a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) != b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
            offset += 8
        }
        return a.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }
    if count >= 4 {
        return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
            && a.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) == b.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    }
    var offset = 0
    while offset < count {
        if left[offset] != right[offset] { return false }
        offset += 1
    }
    return true
}
