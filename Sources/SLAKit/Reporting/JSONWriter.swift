/// A minimal streaming JSON writer: the caller emits structure, the writer handles
/// escaping, number formatting (SPEC.md 7.1) and indentation.
struct JSONWriter {
    private(set) var output = ""
    private let indentUnit: String
    private var depth = 0
    /// Whether the current container already holds an element (a comma is due).
    private var hasElement: [Bool] = [false]
    private var afterKey = false

    /// `indent` spaces per level; 0 writes compact one-line JSON.
    init(indent: Int = 2) {
        indentUnit = String(repeating: " ", count: indent)
    }

    private mutating func beforeValue() {
        if afterKey { afterKey = false; return }
        if hasElement[hasElement.count - 1] { output += "," }
        hasElement[hasElement.count - 1] = true
        newline()
    }

    private mutating func newline() {
        guard !indentUnit.isEmpty, depth > 0 else { return }
        output += "\n" + String(repeating: indentUnit, count: depth)
    }

    mutating func beginObject() { beforeValue(); output += "{"; depth += 1; hasElement.append(false) }
    mutating func beginArray() { beforeValue(); output += "["; depth += 1; hasElement.append(false) }

    mutating func endObject() { end("}") }
    mutating func endArray() { end("]") }

    private mutating func end(_ bracket: String) {
        depth -= 1
        if hasElement.removeLast(), !indentUnit.isEmpty {
            output += "\n" + String(repeating: indentUnit, count: depth)
        }
        output += bracket
    }

    mutating func key(_ name: String) {
        beforeValue()
        output += JSONWriter.quoted(name) + (indentUnit.isEmpty ? ":" : ": ")
        afterKey = true
    }

    mutating func string(_ value: String) { beforeValue(); output += JSONWriter.quoted(value) }
    mutating func number(_ value: Double) { beforeValue(); output += JSONWriter.number(value) }
    mutating func integer(_ value: Int) { beforeValue(); output += String(value) }
    mutating func bool(_ value: Bool) { beforeValue(); output += value ? "true" : "false" }
    mutating func null() { beforeValue(); output += "null" }

    mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    mutating func number(_ value: Double?) { if let value { number(value) } else { null() } }

    /// A run-time value as JSON (durations in seconds, times as UTC timestamps).
    mutating func value(_ value: Value) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .duration(let milliseconds): number(Double(milliseconds) / 1000)
        case .time(let instant): string(CivilTime.formatUTC(instant))
        case .list(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        }
    }

    /// SPEC.md 7.1: integral values below 2^53 in magnitude without fraction or exponent;
    /// non-finite values are null; others in the shortest form that reads back exactly.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
