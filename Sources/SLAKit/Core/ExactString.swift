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

/// A string compared and hashed by its exact UTF-8 bytes, never by canonical equivalence:
/// lead ids are compared exactly (SPEC.md section 5).
struct ExactString: Hashable, Sendable {
    let string: String
    init(_ string: String) { self.string = string }

    static func == (lhs: ExactString, rhs: ExactString) -> Bool { ExactText.equal(lhs.string, rhs.string) }

    func hash(into hasher: inout Hasher) {
        if string.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
    }
}
