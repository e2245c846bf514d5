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
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while index < count {
            tail |= UInt64(bytes[index]) << shift
            shift += 8
            index += 1
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
