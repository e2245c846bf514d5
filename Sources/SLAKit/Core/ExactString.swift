#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-wise comparisons of strings. SPEC.md compares lead ids exactly and orders them by
/// UTF-8 bytes; Swift's own `==` and `<` use canonical equivalence, which is both slower
/// and not what the contract says.
public enum ExactText {
    /// True when both strings have the same UTF-8 bytes.
    @inline(__always)
    public static func equal(_ a: String, _ b: String) -> Bool {
        withBytes(a, b) { equal($0, $1) } ?? a.utf8.elementsEqual(b.utf8)
    }

    /// True when both buffers hold the same bytes.
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// True when `a` sorts before `b` by UTF-8 bytes.
    @inline(__always)
    public static func less(_ a: String, _ b: String) -> Bool {
        compare(a, b) < 0
    }

    /// True when the UTF-8 bytes of `text` begin with those of `prefix`.
    public static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        withBytes(text, prefix) { hasPrefix($0, $1) } ?? text.utf8.starts(with: prefix.utf8)
    }

    /// True when the bytes of `text` begin with those of `prefix`.
    @inline(__always)
    static func hasPrefix(_ text: UnsafeBufferPointer<UInt8>, _ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        prefix.count <= text.count && (prefix.isEmpty || memcmp(text.baseAddress!, prefix.baseAddress!, prefix.count) == 0)
    }

    /// True when the UTF-8 bytes of `text` end with those of `suffix`.
    public static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        withBytes(text, suffix) { hasSuffix($0, $1) } ?? text.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    /// True when the bytes of `text` end with those of `suffix`.
    @inline(__always)
    static func hasSuffix(_ text: UnsafeBufferPointer<UInt8>, _ suffix: UnsafeBufferPointer<UInt8>) -> Bool {
        suffix.count <= text.count
            && (suffix.isEmpty || memcmp(text.baseAddress! + (text.count - suffix.count), suffix.baseAddress!, suffix.count) == 0)
    }

    /// Runs `body` on the UTF-8 bytes of `text`: in place, or copied out of a bridged string.
    @inline(__always)
    static func withBytes<Result>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// Runs `body` on the contiguous UTF-8 bytes of both strings; nil when either has none
    /// (a bridged string), for the caller's slower path.
    @inline(__always)
    static func withBytes<Result>(_ a: String, _ b: String,
                                          _ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        a.utf8.withContiguousStorageIfAvailable { left in
            b.utf8.withContiguousStorageIfAvailable { right in body(left, right) }
        } ?? nil
    }

    /// memcmp-style three-way comparison of the UTF-8 bytes.
    public static func compare(_ a: String, _ b: String) -> Int {
        if let result = withBytes(a, b, { left, right -> Int in
            let common = min(left.count, right.count)
            if common > 0 {
                let order = memcmp(left.baseAddress!, right.baseAddress!, common)
                if order != 0 { return Int(order) }
            }
            return left.count - right.count
        }) {
            return result
        }
        // Bridged or lazily stored strings: compare through the views.
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }
}
