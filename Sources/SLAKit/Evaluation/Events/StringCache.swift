/// A small direct-mapped cache from UTF-8 bytes to `String`, so that the values that repeat
/// across records (event types, lead ids of active leads, attribute values like countries
/// or pages) are built once and then shared, instead of being validated and copied again
/// for every record. Bounded: `slotCount` entries, a colliding string replaces the old one.
/// Only strings of at most `maximumBytes` bytes are cached; longer ones rarely repeat.
struct StringCache {
    static let slotCount = 4096
    static let maximumBytes = 48

    private struct Slot {
        var hash: UInt64 = 0
        var string: String? = nil
    }

    private var slots = [Slot](repeating: Slot(), count: StringCache.slotCount)

    /// The string of the valid UTF-8 bytes `[start, end)`.
    @inline(__always)
    mutating func string(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let length = end - start
        guard length <= StringCache.maximumBytes else { return ByteScanning.string(base, start, end) }
        let hash = ByteHash.hash(base + start, length)
        let index = Int(truncatingIfNeeded: hash >> 52) & (StringCache.slotCount - 1)
        return slots.withUnsafeMutableBufferPointer { slots in
            if slots[index].hash == hash, var cached = slots[index].string {
                // Equal hashes almost always mean equal bytes; compare to be sure.
                let equal = cached.withUTF8 { bytes in
                    bytes.count == length && memoryEqual(bytes.baseAddress!, base + start, length)
                }
                if equal { return cached }
            }
            let created = ByteScanning.string(base, start, end)
            slots[index] = Slot(hash: hash, string: created)
            return created
        }
    }
}
