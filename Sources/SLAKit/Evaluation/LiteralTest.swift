/// A comparison of an attribute with a literal (`lead.country in ["SE", "NO"]`, `lead.email
/// endsWith "@gmail.com"`, `lead.employees >= 200`), decided on the attribute's value alone:
/// the literal's bytes are prepared once, and a string or number attribute is tested
/// without the general comparison's dispatch on both operands; a null attribute's result is
/// computed once. Any other attribute value (a bool, or a number against a text literal)
/// takes `Operations.compare`, so the result is always the general path's.
final class LiteralTest {
    private enum Kind {
        /// `==`, `!=`, `in` and `not in` against text literals: `negated` for `!=` and `not in`.
        case textAmong(negated: Bool)
        case textPrefix
        case textSuffix
        case textContains
        /// `<`, `<=`, `>`, `>=` and `==`, `!=` against a number literal, on number attributes.
        case number
    }

    private let kind: Kind
    private let op: BinaryOperator
    private let literal: Value
    /// The text literals' UTF-8 bytes, one after the other; literal `i` is
    /// `bytes[starts[i] ..< starts[i + 1]]`. Owned by this test.
    private let bytes: UnsafeMutablePointer<UInt8>
    private let starts: [Int]
    private let number: Double
    /// The result for a null attribute (an attribute the lead or event does not have).
    private let whenNull: Bool

    /// The test of `attribute op literal`; nil when the pair has no fast path (a list
    /// holding anything but text, `matches`, a duration literal).
    init?(_ op: BinaryOperator, _ literal: Value) {
        var texts: [String] = []
        var number = 0.0
        switch (op, literal) {
        case (.equal, .string(let text)), (.notEqual, .string(let text)):
            kind = .textAmong(negated: op == .notEqual)
            texts = [text]
        case (.in, .list(let elements)), (.notIn, .list(let elements)):
            for element in elements {
                guard case .string(let text) = element else { return nil }
                texts.append(text)
            }
            kind = .textAmong(negated: op == .notIn)
        case (.startsWith, .string(let text)):
            kind = .textPrefix
            texts = [text]
        case (.endsWith, .string(let text)):
            kind = .textSuffix
            texts = [text]
        case (.contains, .string(let text)):
            kind = .textContains
            texts = [text]
        case (.equal, .number(let value)), (.notEqual, .number(let value)), (.less, .number(let value)),
             (.lessEqual, .number(let value)), (.greater, .number(let value)), (.greaterEqual, .number(let value)):
            kind = .number
            number = value
        default:
            return nil
        }
        self.op = op
        self.literal = literal
        self.number = number
        whenNull = Operations.compare(op, .null, literal)
        let all = texts.flatMap { Array($0.utf8) }
        bytes = .allocate(capacity: max(1, all.count))
        bytes.initialize(from: all, count: all.count)
        var starts = [0]
        for text in texts { starts.append(starts.last! + text.utf8.count) }
        self.starts = starts
    }

    deinit { bytes.deallocate() }

    /// Whether `attribute op literal` holds, as `Operations.compare` decides it.
    @inline(__always)
    func holds(_ attribute: Value) -> Bool {
        switch (kind, attribute) {
        case (.textAmong(let negated), .string(let text)):
            return ExactText.withBytes(text) { among($0) } != negated
        case (.textPrefix, .string(let text)):
            return ExactText.withBytes(text) { ExactText.hasPrefix($0, literalBytes(0)) }
        case (.textSuffix, .string(let text)):
            return ExactText.withBytes(text) { ExactText.hasSuffix($0, literalBytes(0)) }
        case (.textContains, .string(let text)):
            return ExactText.withBytes(text) { Operations.containsBytes($0, literalBytes(0)) }
        case (.number, .number(let value)):
            // As `Operations.order`: NaN compares with nothing, and Double's operators agree.
            switch op {
            case .equal: return value == number
            case .notEqual: return value != number
            case .less: return value < number
            case .lessEqual: return value <= number
            case .greater: return value > number
            default: return value >= number
            }
        case (_, .null):
            return whenNull
        default:
            return Operations.compare(op, attribute, literal)
        }
    }

    /// Whether `text` is one of the literals.
    @inline(__always)
    private func among(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        for index in 0 ..< starts.count - 1 where ExactText.equal(text, literalBytes(index)) { return true }
        return false
    }

    /// The UTF-8 bytes of text literal `index`.
    @inline(__always)
    private func literalBytes(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: bytes + starts[index], count: starts[index + 1] - starts[index])
    }
}
