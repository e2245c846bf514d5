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
        compare(a, b) == 0
    }

    /// True when `a` sorts before `b` by UTF-8 bytes.
    @inline(__always)
    public static func less(_ a: String, _ b: String) -> Bool {
        compare(a, b) < 0
    }

    /// memcmp-style three-way comparison of the UTF-8 bytes.
    public static func compare(_ a: String, _ b: String) -> Int {
        if let result = a.utf8.withContiguousStorageIfAvailable({ left in
            b.utf8.withContiguousStorageIfAvailable { right -> Int in
                let common = min(left.count, right.count)
                if common > 0 {
                    let order = memcmp(left.baseAddress!, right.baseAddress!, common)
                    if order != 0 { return Int(order) }
                }
                return left.count - right.count
            }
        }), let result {
            return result
        }
        // Bridged or lazily stored strings: compare through the views.
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }
}
