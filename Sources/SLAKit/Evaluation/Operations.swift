#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The run-time semantics of the expression language's operators (SPEC.md section 4).
// Strings are compared as sequences of Unicode scalars: for valid UTF-8 that is exactly
// byte-wise comparison of their UTF-8 encodings, which is also the fast path.

public enum Operations {
    /// `==`: true iff same type and equal (numbers numerically, lists element-wise,
    /// strings by scalars); `null == null`.
    public static func equals(_ left: Value, _ right: Value) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return sameScalars(a, b)
        case (.duration(let a), .duration(let b)): return a == b
        case (.time(let a), .time(let b)): return a == b
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            for index in a.indices where !equals(a[index], b[index]) { return false }
            return true
        default: return false
        }
    }

    /// A comparison operator (`BinaryOperator.isComparison`) applied to two values; false
    /// for any other operator.
    public static func compare(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Bool {
        switch op {
        case .equal: return equals(left, right)
        case .notEqual: return !equals(left, right)
        case .less: return order(left, right).map { $0 < 0 } ?? false
        case .lessEqual: return order(left, right).map { $0 <= 0 } ?? false
        case .greater: return order(left, right).map { $0 > 0 } ?? false
        case .greaterEqual: return order(left, right).map { $0 >= 0 } ?? false
        case .in: return isMember(left, of: right)
        case .notIn: return !isMember(left, of: right)
        case .contains: return contains(left, right)
        case .startsWith: return startsWith(left, right)
        case .endsWith: return endsWith(left, right)
        case .matches: return matches(left, right)
        default: return false
        }
    }

    /// Scalar-wise string equality (never canonical equivalence).
    @inline(__always)
    public static func sameScalars(_ a: String, _ b: String) -> Bool {
        ExactText.equal(a, b)
    }

    /// Orders number/number, string/string (by scalars), duration/duration and time/time;
    /// nil for any other pairing (whose comparisons are false).
    public static func order(_ left: Value, _ right: Value) -> Int? {
        switch (left, right) {
        case (.number(let a), .number(let b)):
            if a < b { return -1 }
            if a > b { return 1 }
            return a == b ? 0 : nil // NaN compares with nothing
        case (.string(let a), .string(let b)):
            let order = ExactText.compare(a, b)
            return order < 0 ? -1 : (order > 0 ? 1 : 0)
        case (.duration(let a), .duration(let b)), (.time(let a), .time(let b)):
            return a < b ? -1 : (a > b ? 1 : 0)
        default:
            return nil
        }
    }

    /// `x in Y`: Y is a list with some element `== x`.
    public static func isMember(_ value: Value, of list: Value) -> Bool {
        guard case .list(let elements) = list else { return false }
        // The common `lead.country in ["SE", "NO"]`: strings against strings, without the
        // general comparison's dispatch per element.
        if case .string(let text) = value {
            for element in elements {
                if case .string(let candidate) = element, ExactText.equal(text, candidate) { return true }
            }
            return false
        }
        for element in elements where equals(value, element) { return true }
        return false
    }

    /// `contains`: substring for strings, membership for lists; false otherwise.
    public static func contains(_ container: Value, _ element: Value) -> Bool {
        switch (container, element) {
        case (.string(let haystack), .string(let needle)):
            return ExactText.withBytes(haystack, needle) { containsBytes($0, $1) }
                ?? containsBytes(Array(haystack.utf8), Array(needle.utf8))
        case (.list, _):
            return isMember(element, of: container)
        default:
            return false
        }
    }

    public static func startsWith(_ value: Value, _ prefix: Value) -> Bool {
        guard case .string(let text) = value, case .string(let start) = prefix else { return false }
        return ExactText.hasPrefix(text, start)
    }

    public static func endsWith(_ value: Value, _ suffix: Value) -> Bool {
        guard case .string(let text) = value, case .string(let end) = suffix else { return false }
        return ExactText.hasSuffix(text, end)
    }

    /// `matches`: a glob over the whole string, `*` any run of scalars, `?` one scalar.
    public static func matches(_ value: Value, _ pattern: Value) -> Bool {
        guard case .string(let text) = value, case .string(let glob) = pattern else { return false }
        return globMatches(Array(text.unicodeScalars), Array(glob.unicodeScalars))
    }

    /// Glob matching in time linear in the text for patterns without `?`, and in
    /// O(text × ⌈longest `?`-holding run between stars / 64⌉) otherwise: never exponential,
    /// and not the O(text × pattern) of backtracking matchers.
    ///
    /// A pattern is `S0 * S1 * ... * Sk` with runs `Si` free of `*`; it matches iff the text
    /// starts with S0, ends with Sk, and S1 ... S(k-1) occur in order, without overlapping,
    /// in between. Taking each middle run at its leftmost occurrence is optimal (it leaves
    /// the most text for the runs after it), so no backtracking is needed.
    static func globMatches(_ text: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        let runs = pattern.split(separator: "*", omittingEmptySubsequences: false).map(Array.init)
        if runs.count == 1 {
            return text.count == pattern.count && runMatches(runs[0], text, at: 0)
        }
        let first = runs[0], last = runs[runs.count - 1]
        guard first.count + last.count <= text.count,
              runMatches(first, text, at: 0),
              runMatches(last, text, at: text.count - last.count) else { return false }
        var cursor = first.count
        let end = text.count - last.count
        for run in runs[1..<(runs.count - 1)] where !run.isEmpty {
            guard let found = firstOccurrence(of: run, in: text, from: cursor, to: end) else { return false }
            cursor = found + run.count
        }
        return true
    }

    /// Whether `run` (where `?` stands for any one scalar) matches `text` at `offset`.
    private static func runMatches(_ run: [Unicode.Scalar], _ text: [Unicode.Scalar], at offset: Int) -> Bool {
        for index in run.indices where run[index] != "?" && run[index] != text[offset + index] { return false }
        return true
    }

    /// The first offset in `from ..< to - run.count + 1` where `run` matches, or nil. Runs
    /// without `?` use Knuth-Morris-Pratt (linear); others the shift-and automaton.
    private static func firstOccurrence(of run: [Unicode.Scalar], in text: [Unicode.Scalar], from: Int, to: Int) -> Int? {
        guard to - from >= run.count else { return nil }
        if run.contains("?") { return firstWildcardMatch(of: run, in: text, from: from, to: to) }
        return firstMatch(of: run, in: text, from: from, to: to)
    }

    /// `firstOccurrence` for a run holding `?`, by the shift-and (bitap) automaton: bit `j`
    /// of the state says whether the run's first `j + 1` scalars match the text ending at
    /// the current scalar. One pass over the text, ⌈run / 64⌉ words a scalar: trying the
    /// run at each offset instead cost text × run (minutes for a 900 KB value and a long
    /// pattern).
    private static func firstWildcardMatch(of run: [Unicode.Scalar], in text: [Unicode.Scalar], from: Int, to: Int) -> Int? {
        let words = (run.count + 63) / 64
        // Where a scalar may stand: `?` positions for any scalar, plus its own positions.
        var anyScalar = [UInt64](repeating: 0, count: words)
        for (index, scalar) in run.enumerated() where scalar == "?" { anyScalar[index >> 6] |= 1 << UInt64(index & 63) }
        var masks: [Unicode.Scalar: [UInt64]] = [:]
        for (index, scalar) in run.enumerated() where scalar != "?" {
            masks[scalar, default: anyScalar][index >> 6] |= 1 << UInt64(index & 63)
        }
        let lastWord = (run.count - 1) >> 6, lastBit: UInt64 = 1 << UInt64((run.count - 1) & 63)
        var state = [UInt64](repeating: 0, count: words)
        for position in from..<to {
            let mask = masks[text[position]] ?? anyScalar
            // state = ((state << 1) | 1) & mask, over all the words.
            var carry: UInt64 = 1
            for word in 0..<words {
                let shifted = state[word] << 1 | carry
                carry = state[word] >> 63
                state[word] = shifted & mask[word]
            }
            if state[lastWord] & lastBit != 0 { return position - run.count + 1 }
        }
        return nil
    }

    /// Substring search in time linear in the haystack, so `contains` on a long attribute
    /// cannot cost O(haystack × needle). For valid UTF-8 a byte match starts and ends on
    /// scalar boundaries, so this is also substring search by scalars.
    static func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.withUnsafeBufferPointer { haystack in needle.withUnsafeBufferPointer { containsBytes(haystack, $0) } }
    }

    /// `containsBytes` on buffers: a short needle (the usual literal) is looked for at each
    /// occurrence of its first byte, at most 32 byte comparisons each; a longer one by
    /// Knuth-Morris-Pratt.
    static func containsBytes(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>) -> Bool {
        if needle.isEmpty { return true }
        guard needle.count <= haystack.count else { return false }
        guard needle.count <= 32 else {
            return firstMatch(of: Array(needle), in: Array(haystack), from: 0, to: haystack.count) != nil
        }
        let text = haystack.baseAddress!, pattern = needle.baseAddress!
        let lastStart = haystack.count - needle.count
        var index = 0
        while index <= lastStart {
            guard let found = memchr(text + index, Int32(pattern[0]), lastStart - index + 1) else { return false }
            let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - text
            if memcmp(text + position, pattern, needle.count) == 0 { return true }
            index = position + 1
        }
        return false
    }

    /// The first offset in `[from, to)` of `text` where `pattern` occurs, by Knuth-Morris-Pratt
    /// (linear in `to - from` plus the pattern); `from` for an empty pattern.
    static func firstMatch<Element: Equatable>(of pattern: [Element], in text: [Element], from: Int, to: Int) -> Int? {
        if pattern.isEmpty { return from }
        guard to - from >= pattern.count else { return nil }
        // failure[i]: the length of the longest proper border of pattern[0...i].
        var failure = [Int](repeating: 0, count: pattern.count)
        var border = 0
        for index in 1..<max(1, pattern.count) {
            while border > 0, pattern[index] != pattern[border] { border = failure[border - 1] }
            if pattern[index] == pattern[border] { border += 1 }
            failure[index] = border
        }
        var matched = 0
        for index in from..<to {
            while matched > 0, text[index] != pattern[matched] { matched = failure[matched - 1] }
            if text[index] == pattern[matched] { matched += 1 }
            if matched == pattern.count { return index - pattern.count + 1 }
        }
        return nil
    }

    /// `lower(x)` / `upper(x)`: scalar-wise case mapping; null for non-strings.
    public static func changeCase(_ value: Value, upper: Bool) -> Value {
        guard case .string(let text) = value else { return .null }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                let byte = UInt8(scalar.value)
                if upper, byte >= 97, byte <= 122 { result.append(Unicode.Scalar(byte - 32)) }
                else if !upper, byte >= 65, byte <= 90 { result.append(Unicode.Scalar(byte + 32)) }
                else { result.append(scalar) }
            } else {
                let mapped = upper ? scalar.properties.uppercaseMapping : scalar.properties.lowercaseMapping
                result.append(contentsOf: mapped.unicodeScalars)
            }
        }
        return .string(String(result))
    }

    /// `len(x)`: scalars of a string, elements of a list; null otherwise.
    public static func length(_ value: Value) -> Value {
        switch value {
        case .string(let text): return .number(Double(text.unicodeScalars.count))
        case .list(let elements): return .number(Double(elements.count))
        default: return .null
        }
    }

    /// Arithmetic per SPEC.md section 4; null for anything else and for division by zero.
    public static func arithmetic(_ op: BinaryOperator, _ left: Value, _ right: Value) -> Value {
        switch (op, left, right) {
        case (.add, .number(let a), .number(let b)): return .number(a + b)
        case (.subtract, .number(let a), .number(let b)): return .number(a - b)
        case (.multiply, .number(let a), .number(let b)): return .number(a * b)
        case (.divide, .number(let a), .number(let b)): return b == 0 ? .null : .number(a / b)
        case (.add, .duration(let a), .duration(let b)): return duration(a.addingReportingOverflow(b))
        case (.subtract, .duration(let a), .duration(let b)): return duration(a.subtractingReportingOverflow(b))
        case (.add, .time(let a), .duration(let b)), (.add, .duration(let b), .time(let a)):
            return time(a.addingReportingOverflow(b))
        case (.subtract, .time(let a), .duration(let b)): return time(a.subtractingReportingOverflow(b))
        case (.subtract, .time(let a), .time(let b)): return duration(a.subtractingReportingOverflow(b))
        case (.multiply, .number(let n), .duration(let d)), (.multiply, .duration(let d), .number(let n)):
            return scaledDuration(Double(d) * n)
        case (.divide, .duration(let d), .number(let n)):
            return n == 0 ? .null : scaledDuration(Double(d) / n)
        case (.divide, .duration(let a), .duration(let b)):
            return b == 0 ? .null : .number(Double(a) / Double(b))
        default:
            return .null
        }
    }

    /// Unary `-` on numbers and durations; null otherwise.
    public static func negate(_ value: Value) -> Value {
        switch value {
        case .number(let a): return .number(-a)
        case .duration(let a): return a == Int64.min ? .null : .duration(-a)
        default: return .null
        }
    }

    private static func duration(_ result: (partialValue: Int64, overflow: Bool)) -> Value {
        result.overflow ? .null : .duration(result.partialValue)
    }

    private static func time(_ result: (partialValue: Int64, overflow: Bool)) -> Value {
        guard !result.overflow, result.partialValue >= CivilTime.minimumInstant,
              result.partialValue <= CivilTime.maximumInstant else { return .null }
        return .time(result.partialValue)
    }

    /// A duration from a floating product, rounded to the millisecond; null when not finite
    /// or out of range.
    private static func scaledDuration(_ milliseconds: Double) -> Value {
        let rounded = milliseconds.rounded()
        guard rounded.isFinite, abs(rounded) < 9.0e18 else { return .null }
        return .duration(Int64(rounded))
    }

    /// A condition holds iff it evaluates to `true`.
    @inline(__always)
    public static func holds(_ value: Value) -> Bool {
        if case .bool(true) = value { return true }
        return false
    }
}
