/// An open-addressing hash table that numbers strings, compared by their exact UTF-8
/// bytes, with dense indices `0..<count` in insertion order. It is the evaluator's interner
/// for lead ids and event types: cheaper than `Dictionary<String, Int>` (one multiplicative
/// hash over the bytes, a memcmp to confirm, no Unicode normalization) and exact in the
/// way SPEC.md compares ids.
public struct StringIndex: Sendable {
    /// The strings, by index.
    public private(set) var keys: [String] = []
    private var keyHashes: [UInt64] = []
    /// Slot -> index + 1 (0 is an empty slot).
    private var slots: [Int32]
    private var mask: Int

    public init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    public var count: Int { keys.count }

    /// The index of `key`, or nil when it was never inserted.
    @inline(__always)
    public func index(of key: String) -> Int? {
        let hash = StringIndex.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { return nil }
            if keyHashes[entry - 1] == hash, ExactText.equal(keys[entry - 1], key) { return entry - 1 }
            slot = (slot + 1) & mask
        }
    }

    /// The index of `key`, inserting it first when new.
    @inline(__always)
    public mutating func insert(_ key: String) -> (index: Int, inserted: Bool) {
        let hash = StringIndex.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = Int(slots[slot])
            if entry == 0 { break }
            if keyHashes[entry - 1] == hash, ExactText.equal(keys[entry - 1], key) { return (entry - 1, false) }
            slot = (slot + 1) & mask
        }
        keys.append(key)
        keyHashes.append(hash)
        slots[slot] = Int32(keys.count)
        // Keep the load factor at most one half.
        if keys.count * 2 > slots.count { grow() }
        return (keys.count - 1, true)
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: 0, count: size)
        mask = size - 1
        for (index, hash) in keyHashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }

    /// A 64-bit hash of the UTF-8 bytes: eight bytes at a time, multiply-xorshift mixing.
    /// Not for untrusted adversarial keys' worst case, but lead ids come from the user's own
    /// export, and probing stays linear-time per lookup in the common case.
    @inline(__always)
    static func hash(_ key: String) -> UInt64 {
        let seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        if let result = key.utf8.withContiguousStorageIfAvailable({ bytes -> UInt64 in
            var hash = seed ^ UInt64(bytes.count)
            var index = 0
            let raw = UnsafeRawBufferPointer(bytes)
            while index + 8 <= bytes.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
                hash ^= hash >> 32
                index += 8
            }
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count {
                tail |= UInt64(bytes[index]) << shift
                shift += 8
                index += 1
            }
            hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
            return hash ^ (hash >> 29)
        }) {
            return result
        }
        var hash = seed
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return hash ^ (hash >> 29)
    }
}
