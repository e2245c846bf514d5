/// A run-time value of the expression language (SPEC.md section 4), and the value of an
/// event attribute (only `null`, `bool`, `number` and `string` come from input).
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A 64-bit float.
    case number(Double)
    /// A string; compared by Unicode scalars, never normalized.
    case string(String)
    /// A duration in milliseconds.
    case duration(Int64)
    /// An instant in milliseconds since the epoch.
    case time(Int64)
    case list([Value])
}

extension Value {
    /// True for strings and lists, whose storage is reference-counted: the other values
    /// need no work to destroy.
    @inline(__always)
    var holdsReference: Bool {
        switch self {
        case .string, .list: return true
        default: return false
        }
    }

    /// True for `.null`.
    @inline(__always)
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
