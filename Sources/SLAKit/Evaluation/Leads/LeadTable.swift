#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers byte strings densely: the lead ids of one evaluation (or of one shard of it) densely, `0..<count` in
/// order of first appearance, keyed by the id's exact UTF-8 bytes (SPEC.md compares lead
/// ids exactly). Ids are kept as bytes in one arena, never as `String`s, until the verdicts
/// are written.
///
/// Open addressing with linear probing; each slot holds the upper 32 bits of the key's hash
/// beside its number, so a lookup usually touches one slot and one arena position.
final class LeadTable {
    /// Every id's bytes, back to back.
    private let arena = FlatColumn<UInt8>(capacity: 1 << 16)
    /// Where id `i` is in `arena`: one entry, so a lookup touches one place for both.
    private struct Span {
        var offset: Int
        var length: Int
    }
    private let spans = FlatColumn<Span>(capacity: 1024)
    private let hashes = FlatColumn<UInt64>(capacity: 1024)
    /// 0 for an empty slot, else the hash's upper half and the lead's number plus one.
    private var slots: UnsafeMutablePointer<UInt64>
    private var mask: Int

    init() {
        mask = 2047
        slots = .allocate(capacity: mask + 1)
        slots.initialize(repeating: 0, count: mask + 1)
    }

    deinit { slots.deallocate() }

    var count: Int { spans.count }

    /// The number of the id `bytes[0 ..< length]` whose `ByteHash` is `hash`, adding the id
    /// when it is new.
    @inline(__always)
    func insert(_ bytes: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> (lead: Int, inserted: Bool) {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let lead = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if spans[lead].length == length, memoryEqual(arena.base + spans[lead].offset, bytes, length) {
                    return (lead, false)
                }
            }
            slot = (slot + 1) & mask
        }
        let lead = count
        spans.append(Span(offset: arena.count, length: length))
        hashes.append(hash)
        arena.append(contentsOf: bytes, length)
        slots[slot] = tag | UInt64(lead + 1)
        // Keep the load factor at most three quarters.
        if count * 4 > (mask + 1) * 3 { grow() }
        return (lead, true)
    }

    /// Reads what a lookup of `hash` reads first: its first slot and, when that holds a
    /// lead, the lead's span and the first byte of its id. Returns the lead in that slot
    /// (the lead of `hash` unless the slot is empty or taken by another hash), -1 for none,
    /// plus the byte read, so that the reads happen. Called for a run of events before
    /// their lookups: these loads do not depend on each other, so their cache misses
    /// overlap, and the lookups then find everything in cache.
    @inline(__always)
    func touch(hash: UInt64) -> (lead: Int, byte: UInt8) {
        let entry = slots[Int(truncatingIfNeeded: hash) & mask]
        guard entry != 0 else { return (-1, 0) }
        let lead = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
        return (lead, touch(lead: lead))
    }

    /// Reads the first byte of lead `lead`'s id (and so its span): see `touch(hash:)`.
    @inline(__always)
    func touch(lead: Int) -> UInt8 { arena.base[spans[lead].offset] }

    /// The number of the id `bytes[0 ..< length]` whose `ByteHash` is `hash`, nil when the
    /// table does not hold it.
    @inline(__always)
    func find(_ bytes: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> Int? {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let lead = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                if spans[lead].length == length, memoryEqual(arena.base + spans[lead].offset, bytes, length) { return lead }
            }
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
        String(decoding: UnsafeBufferPointer(start: arena.base + spans[lead].offset, count: spans[lead].length), as: UTF8.self)
    }

    /// memcmp-style order of lead `a` of this table and lead `b` of `other` by id bytes.
    @inline(__always)
    func compare(_ a: Int, _ other: LeadTable, _ b: Int) -> Int {
        let left = spans[a].length, right = other.spans[b].length
        let common = min(left, right)
        if common > 0 {
            let order = memcmp(arena.base + spans[a].offset, other.arena.base + other.spans[b].offset, common)
            if order != 0 { return Int(order) }
        }
        return left - right
    }

    /// A lead's sort key: the first sixteen bytes of its id as two big-endian integers
    /// (zero-padded), so that most comparisons compare integers.
    struct SortKey {
        var high: UInt64
        var low: UInt64
        var lead: Int32
    }

    /// Whether the lead of key `a` (of this table) comes before that of `b` (of `other`)
    /// in byte order of the ids.
    @inline(__always)
    func precedes(_ a: SortKey, _ other: LeadTable, _ b: SortKey) -> Bool {
        if a.high != b.high { return a.high < b.high }
        if a.low != b.low { return a.low < b.low }
        return compare(Int(a.lead), other, Int(b.lead)) < 0
    }

    /// Every lead's sort key, in byte order of the ids. Equal keys fall back to comparing
    /// the whole ids.
    func sortedKeys() -> [SortKey] {
        typealias Key = SortKey
        var keys = [Key]()
        keys.reserveCapacity(count)
        for lead in 0..<count {
            var padded: (UInt64, UInt64) = (0, 0)
            withUnsafeMutableBytes(of: &padded) { raw in
                raw.baseAddress!.copyMemory(from: arena.base + spans[lead].offset, byteCount: min(16, spans[lead].length))
            }
            keys.append(Key(high: UInt64(bigEndian: padded.0), low: UInt64(bigEndian: padded.1), lead: Int32(truncatingIfNeeded: lead)))
        }
        keys.sort { a, b in precedes(a, self, b) }
        return keys
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
