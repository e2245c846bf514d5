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
    }

    /// Entries sorted by name length; those of length `n` are `entries[firstEntry[n] ..< firstEntry[n + 1]]`.
    let entries: [Entry]
    private let firstEntry: [Int]
    /// All names' bytes, back to back.
    let names: [UInt8]
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
        var entries: [Entry] = []
        var names: [UInt8] = []
        for (role, bytes) in named {
            entries.append(Entry(role: role, offset: names.count, length: bytes.count, firstByte: bytes.first ?? 0))
            names.append(contentsOf: bytes)
        }
        let longest = named.last?.bytes.count ?? 0
        var firstEntry = [Int](repeating: entries.count, count: longest + 2)
        for length in stride(from: longest, through: 0, by: -1) {
            // The first entry of this length, or the start of the next longer length.
            firstEntry[length] = entries.firstIndex { $0.length >= length } ?? entries.count
        }
        self.entries = entries
        self.firstEntry = firstEntry
        self.names = names
        self.roleCount = FieldTable.firstAttributeRole + schema.attributes.count
        self.roleNames = special + schema.attributes
    }

    /// Calls `body` with each role whose name equals the bytes `[start, end)`.
    @inline(__always)
    func forEachRole(matching base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ body: (Int) -> Void) {
        let length = end - start
        guard length + 1 < firstEntry.count else { return }
        var index = firstEntry[length]
        let stop = firstEntry[length + 1]
        guard index < stop else { return }
        let first = length > 0 ? base[start] : 0
        names.withUnsafeBufferPointer { nameBytes in
            while index < stop {
                let entry = entries[index]
                if entry.firstByte == first,
                   length == 0 || memoryEqual(base + start, nameBytes.baseAddress! + entry.offset, length) {
                    body(entry.role)
                }
                index += 1
            }
        }
    }

    /// Role of every column of a CSV header: `columnsByRole[role]` is the last column with
    /// that role's name (duplicate header names: the last wins), or -1.
    func columns(forHeader header: [[UInt8]]) -> [Int] {
        var columnsByRole = [Int](repeating: -1, count: roleCount)
        for (column, name) in header.enumerated() {
            name.withUnsafeBufferPointer { bytes in
                guard let base = bytes.baseAddress else {
                    // An empty header name can only match an empty field name.
                    let empty: [UInt8] = [0]
                    empty.withUnsafeBufferPointer { forEachRole(matching: $0.baseAddress!, 0, 0) { columnsByRole[$0] = column } }
                    return
                }
                forEachRole(matching: base, 0, bytes.count) { columnsByRole[$0] = column }
            }
        }
        return columnsByRole
    }
}

/// Byte equality of two ranges of `count` bytes.
@inline(__always)
func memoryEqual(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
    var index = 0
    // Eight bytes at a time, then the rest.
    while count - index >= 8 {
        let a = UnsafeRawPointer(left).loadUnaligned(fromByteOffset: index, as: UInt64.self)
        let b = UnsafeRawPointer(right).loadUnaligned(fromByteOffset: index, as: UInt64.self)
        if a != b { return false }
        index += 8
    }
    while index < count {
        if left[index] != right[index] { return false }
        index += 1
    }
    return true
}
