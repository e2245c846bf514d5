/// A fast 64-bit hash of a few bytes (lead ids, event types): eight bytes at a time,
/// multiply-xorshift mixing. Not built to resist adversarial keys, but lead ids come from
/// the user's own export, and probing stays short in the common case.
enum ByteHash {
    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
        var index = 0
        let raw = UnsafeRawPointer(bytes)
        while index + 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            index += 8
        }
        // The last `count - index` bytes as a little-endian integer, read with loads that
        // may overlap bytes already hashed (shifted out) rather than byte by byte.
        let rest = count - index
        var tail: UInt64 = 0
        if rest > 0 {
            if count >= 8 {
                tail = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)) >> (64 - 8 * UInt64(rest))
            } else if count >= 4 {
                let low = UInt64(UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)))
                let high = UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
                tail = low | high << (8 * UInt64(count - 4))
            } else {
                for position in 0..<count { tail |= UInt64(bytes[position]) << (8 * UInt64(position)) }
            }
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
    }

    /// The hash of a string's UTF-8 bytes.
    @inline(__always)
    static func hash(_ string: String) -> UInt64 {
        var string = string
        return string.withUTF8 { hash($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
    }
}
