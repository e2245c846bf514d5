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

    /// A 64-bit hash of the UTF-8 bytes (`ByteHash`).
    @inline(__always)
    static func hash(_ key: String) -> UInt64 { ByteHash.hash(key) }
}
