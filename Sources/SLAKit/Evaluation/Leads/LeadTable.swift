#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers byte strings densely: the lead ids of one evaluation (or of one shard of it) densely, `0..<count` in
/// order of first appearance, keyed by the id's exact UTF-8 bytes (SPEC.md compares lead
/// ids exactly). Ids are kept as bytes, never as `String`s, until the verdicts
/// are written.
///
/// Open addressing with linear probing; each slot holds the upper 32 bits of the key's hash
/// beside its number. Each id's entry starts with three words (24 bytes): its length in
/// the first byte and its bytes after it when they fit (23 bytes, which covers CRM ids
/// such as Salesforce's 18 characters), so a lookup usually reads one slot and the start
/// of one entry, and those two reads do not depend on anything but the hash and the slot.
/// Longer ids are kept in `arena`; their entry holds a marker byte and the length, the
/// offset in `arena`, and their first 8 bytes.
///
/// An entry can carry `recordWords` more words for its owner (`record(_:)`): a lead's state
/// kept there shares the cache lines the lookup has just read, where a separate array
/// would cost one more miss per event. Entries start 64-byte aligned; unless the owner pads
/// its record to whole cache lines (`LeadStates.paddedRecordBytes`), the id words of some
/// cross a line, and the lines after them hold the record, which processing the event
/// reads anyway. (Three id words rather than four make the entry of a lead whose state is
/// five words, as for an SLA with a stage and a deadline, exactly one cache line.)
// An inline id's length is the low byte of its entry's first word, read as the entry's
// first byte: the layout assumes a little-endian machine (as every Swift platform on Linux
// and Apple silicon is).
#if _endian(big)
#error("LeadTable's entry layout assumes a little-endian machine")
#endif

final class LeadTable {
    /// Bytes of ids longer than `inlineBytes`, back to back.
    private let arena = FlatColumn<UInt8>(capacity: 1 << 16)
    /// `entryWords` per id: its length in the first byte and its bytes after it
    /// (zero-padded); or, when longer than `inlineBytes`, `longMarker` in the first byte and
    /// the length in the other seven, then its offset in `arena` and its first 8 bytes.
    /// Then its record.
    private let entries = FlatColumn<UInt64>(capacity: 4096, alignment: 64)
    private static let idWords = 3
    /// Bytes of an entry before its record.
    static let idBytes = 8 * idWords
    private let entryWords: Int
    /// The longest id kept in its entry only.
    private static let inlineBytes = 8 * idWords - 1
    /// The first byte of the entry of an id longer than `inlineBytes`.
    private static let longMarker: UInt64 = 0xFF
    private let hashes = FlatColumn<UInt64>(capacity: 1024)
    /// 0 for an empty slot, else the hash's upper half and the lead's number plus one.
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int

    /// A table whose entries carry `recordWords` words each (zero for a new id).
    init(recordWords: Int = 0) {
        entryWords = LeadTable.idWords + recordWords
        mask = 2047
        slots = .allocate(capacity: mask + 1)
        slots.initialize(repeating: 0, count: mask + 1)
    }

    deinit { slots.deallocate() }

    var count: Int { hashes.count }

    @inline(__always)
    private func entry(_ lead: Int) -> UnsafeMutablePointer<UInt64> { entries.base + lead * entryWords }

    /// Lead `lead`'s record: the `recordWords` words after its id. Valid until the next insert.
    @inline(__always)
    func record(_ lead: Int) -> UnsafeMutablePointer<UInt64> { entries.base + lead * entryWords + LeadTable.idWords }

    /// The length in bytes of lead `lead`'s id.
    @inline(__always)
    func length(_ lead: Int) -> Int { LeadTable.length(firstWord: entry(lead).pointee) }

    /// The length of the id whose entry starts with the word `word`.
    @inline(__always)
    private static func length(firstWord word: UInt64) -> Int {
        word & 0xFF == longMarker ? Int(truncatingIfNeeded: word >> 8) : Int(truncatingIfNeeded: word & 0xFF)
    }

    /// Lead `lead`'s id bytes (`length(lead)` of them); valid until the next insert.
    @inline(__always)
    func bytes(_ lead: Int) -> UnsafePointer<UInt8> {
        let entry = self.entry(lead)
        if entry.pointee & 0xFF != LeadTable.longMarker {
            return UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self) + 1
        }
        return UnsafePointer(arena.base + Int(truncatingIfNeeded: entry[1]))
    }

    /// Whether lead `lead`'s id is `bytes[0 ..< length]`.
    @inline(__always)
    private func matches(_ lead: Int, _ bytes: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let entry = self.entry(lead)
        if length <= LeadTable.inlineBytes {
            guard entry.pointee & 0xFF == UInt64(length) else { return false }
            return memoryEqual(UnsafeRawPointer(entry).assumingMemoryBound(to: UInt8.self) + 1, bytes, length)
        }
        guard entry.pointee == UInt64(length) << 8 | LeadTable.longMarker else { return false }
        // The first 8 bytes from the entry decide most mismatches without the arena.
        return memoryEqual(UnsafeRawPointer(entry + 2).assumingMemoryBound(to: UInt8.self), bytes, 8)
            && memoryEqual(arena.base + Int(truncatingIfNeeded: entry[1]) + 8, bytes + 8, length - 8)
    }

    /// The number of the id `bytes[0 ..< length]` whose `ByteHash` is `hash`, adding the id
    /// when it is new.
    @inline(__always)
    func insert(_ bytes: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> (lead: Int, inserted: Bool) {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let lead = lead(inEntry: entry, tag: tag, bytes, length)
            if lead >= 0 { return (lead, false) }
            slot = (slot + 1) & mask
        }
        let lead = count
        append(bytes, length)
        hashes.append(hash)
        slots[slot] = tag | UInt64(lead + 1)
        // Keep the load factor at most three quarters.
        if count * 4 > (mask + 1) * 3 { grow() }
        return (lead, true)
    }

    /// Adds the entry of a new id.
    private func append(_ bytes: UnsafePointer<UInt8>, _ length: Int) {
        // Before the entry is added: with none yet, the first id shares all of itself.
        sharedPrefix = count == 0 ? length : LeadTable.commonPrefix(self.bytes(0), bytes, min(sharedPrefix, length))
        let first = entries.append(0, times: entryWords)
        let entry = entries.base + first
        if length <= LeadTable.inlineBytes {
            entry[0] = UInt64(length)
            (UnsafeMutableRawPointer(entry) + 1).copyMemory(from: bytes, byteCount: length)
        } else {
            entry[0] = UInt64(length) << 8 | LeadTable.longMarker
            entry[1] = UInt64(arena.count)
            UnsafeMutableRawPointer(entry + 2).copyMemory(from: bytes, byteCount: 8)
            arena.append(contentsOf: bytes, length)
        }
    }

    /// The lead the non-empty slot entry `entry` names when it is the lead of
    /// `bytes[0 ..< length]`, whose hash's high half is `tag`; else -1.
    @inline(__always)
    private func lead(inEntry entry: UInt64, tag: UInt64, _ bytes: UnsafePointer<UInt8>, _ length: Int) -> Int {
        guard entry & 0xFFFF_FFFF_0000_0000 == tag else { return -1 }
        let lead = LeadTable.lead(inSlot: entry)
        return matches(lead, bytes, length) ? lead : -1
    }

    /// Reads what a lookup of `hash` reads first: its first slot. Returns the slot's entry
    /// (0 when empty). Called for a run of events before their lookups, which
    /// `lead(inFirstSlot:hash:_:_:)` then spares most of them.
    @inline(__always)
    func slotEntry(hash: UInt64) -> UInt64 { slots[Int(truncatingIfNeeded: hash) & mask] }

    /// The lead whose id is `bytes[0 ..< length]` (hash `hash`) when the entry of the
    /// lookup's first slot (`slotEntry(hash:)`, read since the last insert) names it; else
    /// -1, and only a lookup tells (the lead may be further on, or new).
    @inline(__always)
    func lead(inFirstSlot entry: UInt64, hash: UInt64, _ bytes: UnsafePointer<UInt8>, _ length: Int) -> Int {
        entry == 0 ? -1 : lead(inEntry: entry, tag: hash & 0xFFFF_FFFF_0000_0000, bytes, length)
    }

    /// The lead a slot entry names, -1 for an empty slot.
    @inline(__always)
    static func lead(inSlot entry: UInt64) -> Int { Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1 }

    /// Reads the start of lead `lead`'s entry (its id's length and first bytes), returning the value read so
    /// that the read happens. Called for runs of leads before their verdicts: these loads
    /// do not depend on each other, so their cache misses overlap.
    @inline(__always)
    func touch(lead: Int) -> UInt64 { entry(lead).pointee }

    /// The number of the id `bytes[0 ..< length]` whose `ByteHash` is `hash`, nil when the
    /// table does not hold it.
    @inline(__always)
    func find(_ bytes: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> Int? {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            let lead = lead(inEntry: entry, tag: tag, bytes, length)
            if lead >= 0 { return lead }
            slot = (slot + 1) & mask
        }
    }

    /// The number of a lead id given as a `String`, adding it when new.
    func insert(_ id: String) -> (lead: Int, inserted: Bool) {
        var id = id
        return id.withUTF8 { bytes in
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            return insert(base, bytes.count, hash: ByteHash.hash(base, bytes.count))
        }
    }

    /// The number of a lead id given as a `String`, nil when the table does not hold it.
    func find(_ id: String) -> Int? {
        var id = id
        return id.withUTF8 { bytes in
            let base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
            return find(base, bytes.count, hash: ByteHash.hash(base, bytes.count))
        }
    }

    /// The id of lead `lead`, as a string (the bytes were validated as UTF-8 when read).
    func id(_ lead: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: bytes(lead), count: length(lead)), as: UTF8.self)
    }

    /// memcmp-style order of lead `a` of this table and lead `b` of `other` by id bytes.
    @inline(__always)
    func compare(_ a: Int, _ other: LeadTable, _ b: Int) -> Int {
        let left = length(a), right = other.length(b)
        let common = min(left, right)
        if common > 0 {
            let order = memcmp(bytes(a), other.bytes(b), common)
            if order != 0 { return Int(order) }
        }
        return left - right
    }

    /// A lead's sort key (16 bytes): the twelve bytes of its id after the prefix every id
    /// of the evaluation shares (`sharedPrefix`), as two big-endian integers (zero-padded),
    /// so that most comparisons compare integers, and the lead's number.
    struct SortKey {
        /// Id bytes `[skip, skip + 8)`.
        var high: UInt64
        /// Id bytes `[skip + 8, skip + 12)`.
        var low: UInt32
        /// The lead's number in its table.
        var lead: Int32
    }

    /// The length in bytes of the prefix every id shares with the first one (the first
    /// id's length while it is the only one; 0 for an empty table). Kept as ids are added,
    /// for `sortedKeys(skipping:)`: ids often share a prefix (`L-000…`, `00Q5e0000…`),
    /// which orders nothing.
    private(set) var sharedPrefix = 0

    /// The length of the prefix every id of every table shares.
    static func sharedPrefix(of tables: [LeadTable]) -> Int {
        let filled = tables.filter { $0.count > 0 }
        guard let reference = filled.first else { return 0 }
        var shared = reference.sharedPrefix
        for table in filled.dropFirst() {
            shared = min(shared, table.sharedPrefix)
            shared = commonPrefix(reference.bytes(0), table.bytes(0), min(shared, table.length(0)))
        }
        return shared
    }

    /// How many of the first `limit` bytes of `a` and `b` are equal before the first that
    /// differs.
    @inline(__always)
    private static func commonPrefix(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ limit: Int) -> Int {
        var index = 0
        while index < limit, a[index] == b[index] { index += 1 }
        return index
    }

    /// Whether the lead of key `a` (of this table) comes before that of `b` (of `other`)
    /// in byte order of the ids; both keys made with the same `skip`.
    @inline(__always)
    func precedes(_ a: SortKey, _ other: LeadTable, _ b: SortKey) -> Bool {
        if a.high != b.high { return a.high < b.high }
        if a.low != b.low { return a.low < b.low }
        return compare(Int(a.lead), other, Int(b.lead)) < 0
    }

    /// Every lead's sort key, in byte order of the ids; `skip` is at most `sharedPrefix`
    /// (the same for tables whose keys are compared with each other, see
    /// `sharedPrefix(of:)`). Equal keys fall back to comparing the whole ids.
    ///
    /// A least-significant-digit radix sort on the keys' 12 bytes, skipping the bytes all
    /// keys share: a few linear passes instead of n log n comparisons. Runs of equal keys
    /// (ids that agree on their first `skip + 12` bytes, or differ only by trailing NUL
    /// bytes) are then sorted by comparing the whole ids.
    func sortedKeys(skipping skip: Int) -> [SortKey] {
        precondition(count == 0 || skip <= sharedPrefix, "the skipped bytes are shared by every id")
        precondition(count <= Int(Int32.max), "lead numbers fit in 32 bits")
        var keys = [SortKey]()
        keys.reserveCapacity(count)
        for lead in 0..<count {
            var padded: (UInt64, UInt32) = (0, 0)
            withUnsafeMutableBytes(of: &padded) { raw in
                raw.baseAddress!.copyMemory(from: bytes(lead) + skip, byteCount: min(12, length(lead) - skip))
            }
            keys.append(SortKey(high: UInt64(bigEndian: padded.0), low: UInt32(bigEndian: padded.1), lead: Int32(truncatingIfNeeded: lead)))
        }
        guard keys.count > 1 else { return keys }
        LeadTable.radixSort(&keys)
        // Equal keys, in lead order so far: ordered by their whole ids.
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count, keys[end].high == keys[start].high, keys[end].low == keys[start].low { end += 1 }
            if end - start > 1 { keys[start ..< end].sort { a, b in compare(Int(a.lead), self, Int(b.lead)) < 0 } }
            start = end
        }
        return keys
    }

    /// Every lead's sort key in byte order of the ids, skipping this table's shared prefix.
    func sortedKeys() -> [SortKey] { sortedKeys(skipping: sharedPrefix) }

    /// Byte `digit` of a key: 0-3 the bytes of `low`, least significant first, 4-11 those
    /// of `high`.
    @inline(__always)
    private static func byte(_ key: SortKey, _ digit: Int) -> Int {
        digit < 4 ? Int(truncatingIfNeeded: (key.low >> UInt32(8 * digit)) & 0xFF)
            : Int(truncatingIfNeeded: (key.high >> UInt64(8 * (digit - 4))) & 0xFF)
    }

    /// Sorts keys by their 12 bytes, stably: a least-significant-digit radix sort, one pass
    /// per byte that not every key shares, between `keys` and a scratch array.
    private static func radixSort(_ keys: inout [SortKey]) {
        let count = keys.count
        let digits = 12
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: digits * 256)
        counts.initialize(repeating: 0, count: digits * 256)
        defer { counts.deallocate() }
        var other = [SortKey](repeating: SortKey(high: 0, low: 0, lead: 0), count: count)
        var sourceIsKeys = true
        keys.withUnsafeMutableBufferPointer { keyBuffer in
            other.withUnsafeMutableBufferPointer { otherBuffer in
                let keys = keyBuffer.baseAddress!, others = otherBuffer.baseAddress!
                for index in 0..<count {
                    var low = keys[index].low, high = keys[index].high
                    for digit in 0..<4 {
                        counts[digit * 256 + Int(truncatingIfNeeded: low & 0xFF)] += 1
                        low >>= 8
                    }
                    for digit in 4..<digits {
                        counts[digit * 256 + Int(truncatingIfNeeded: high & 0xFF)] += 1
                        high >>= 8
                    }
                }
                for digit in 0..<digits {
                    let histogram = counts + digit * 256
                    // A byte every key shares orders nothing.
                    if histogram[byte(keys[0], digit)] == count { continue }
                    // The histogram becomes each byte value's next place.
                    var total = 0
                    for value in 0..<256 {
                        let number = histogram[value]
                        histogram[value] = total
                        total += number
                    }
                    let source = sourceIsKeys ? keys : others
                    let target = sourceIsKeys ? others : keys
                    for index in 0..<count {
                        let key = source[index]
                        let value = byte(key, digit)
                        target[histogram[value]] = key
                        histogram[value] += 1
                    }
                    sourceIsKeys.toggle()
                }
            }
        }
        if !sourceIsKeys { keys = other }
    }

    private func grow() {
        let size = (mask + 1) * 2
        slots.deallocate()
        slots = HugePages.allocate(byteCount: size * MemoryLayout<UInt64>.stride, alignment: MemoryLayout<UInt64>.alignment)
            .bindMemory(to: UInt64.self, capacity: size)
        slots.initialize(repeating: 0, count: size)
        mask = size - 1
        for lead in 0..<count {
            let hash = hashes[lead]
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(lead + 1)
        }
    }
}
