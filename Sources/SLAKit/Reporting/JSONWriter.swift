/// A minimal streaming JSON writer: the caller emits structure, the writer handles
/// escaping, number formatting (SPEC.md 7.1) and indentation.
struct JSONWriter {
    /// The document so far, as UTF-8 bytes (reports of millions of rows are built as bytes,
    /// never as `String` appends).
    private(set) var bytes: [UInt8] = []
    private let indentWidth: Int
    /// Containers nested deeper than this are written on one line (`{"a": 1, "b": 2}`), so
    /// a report has one line per lead, cycle and goal row: readable, and a third the size.
    private let lineDepth: Int
    private var depth = 0
    /// Whether the current container already holds an element (a comma is due).
    private var hasElement: [Bool] = [false]
    private var afterKey = false

    /// `indent` spaces per level; 0 writes compact one-line JSON. Containers deeper than
    /// `lineDepth` levels stay on one line.
    init(indent: Int = 2, lineDepth: Int = Int.max) {
        indentWidth = indent
        self.lineDepth = lineDepth
        bytes.reserveCapacity(1 << 16)
    }

    /// The document as a string.
    var output: String { String(decoding: bytes, as: UTF8.self) }

    /// Hands the bytes written so far to `sink` once they exceed `threshold`, and forgets
    /// them, so a large report streams out in bounded memory.
    mutating func drain(threshold: Int = 1 << 20, into sink: ([UInt8]) -> Void) {
        guard bytes.count >= threshold else { return }
        sink(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Forgets the bytes written so far (they were handed out), keeping the state.
    mutating func clearBytes() { bytes.removeAll(keepingCapacity: true) }

    /// A writer with no bytes that continues this one's document where it stands, with
    /// `hasElement` telling whether the current container already holds an element: it
    /// renders a chunk of an array's rows on another core.
    func continuation(hasElement: Bool) -> JSONWriter {
        var writer = self
        writer.bytes = []
        writer.bytes.reserveCapacity(1 << 20)
        writer.hasElement[writer.hasElement.count - 1] = hasElement
        return writer
    }

    /// The bytes the writer puts before a value in the current container, with `hasElement`
    /// telling whether the container already holds one (a comma is due).
    func separator(hasElement: Bool) -> [UInt8] {
        var writer = self
        writer.bytes = []
        writer.hasElement[writer.hasElement.count - 1] = hasElement
        writer.beforeValue()
        return writer.bytes
    }

    private mutating func beforeValue() {
        if afterKey { afterKey = false; return }
        if hasElement[hasElement.count - 1] {
            bytes.append(UInt8(ascii: ","))
            if depth > lineDepth { bytes.append(32) }
        }
        hasElement[hasElement.count - 1] = true
        newline()
    }

    private mutating func newline() {
        guard indentWidth > 0, depth > 0, depth <= lineDepth else { return }
        bytes.append(10)
        for _ in 0..<(depth * indentWidth) { bytes.append(32) }
    }

    mutating func beginObject() { beforeValue(); bytes.append(UInt8(ascii: "{")); depth += 1; hasElement.append(false) }
    mutating func beginArray() { beforeValue(); bytes.append(UInt8(ascii: "[")); depth += 1; hasElement.append(false) }

    mutating func endObject() { end(UInt8(ascii: "}")) }
    mutating func endArray() { end(UInt8(ascii: "]")) }

    private mutating func end(_ bracket: UInt8) {
        depth -= 1
        if hasElement.removeLast(), indentWidth > 0, depth < lineDepth {
            bytes.append(10)
            for _ in 0..<(depth * indentWidth) { bytes.append(32) }
        }
        bytes.append(bracket)
    }

    mutating func key(_ name: String) {
        beforeValue()
        JSONWriter.appendQuoted(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        if indentWidth > 0 { bytes.append(32) }
        afterKey = true
    }

    mutating func string(_ value: String) { beforeValue(); JSONWriter.appendQuoted(value, to: &bytes) }
    mutating func number(_ value: Double) { beforeValue(); JSONWriter.appendNumber(value, to: &bytes) }
    mutating func integer(_ value: Int) { beforeValue(); JSONWriter.appendInteger(Int64(value), to: &bytes) }
    mutating func bool(_ value: Bool) { beforeValue(); bytes.append(contentsOf: value ? JSONWriter.trueBytes : JSONWriter.falseBytes) }
    mutating func null() { beforeValue(); bytes.append(contentsOf: JSONWriter.nullBytes) }

    mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    mutating func number(_ value: Double?) { if let value { number(value) } else { null() } }

    /// An instant as a quoted SPEC.md 7.1 timestamp, or null.
    mutating func timestamp(_ instant: Int64?) {
        beforeValue()
        JSONWriter.appendTimestamp(instant, to: &bytes)
    }

    /// Appends an instant as a quoted SPEC.md 7.1 timestamp, or null.
    static func appendTimestamp(_ instant: Int64?, to bytes: inout [UInt8]) {
        guard let instant else { bytes.append(contentsOf: JSONWriter.nullBytes); return }
        CivilTime.appendUTC(instant, to: &bytes, quoted: true)
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)

    /// A run-time value as JSON (durations in seconds, times as UTC timestamps).
    mutating func value(_ value: Value) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .duration(let milliseconds): number(Double(milliseconds) / 1000)
        case .time(let instant): timestamp(instant)
        case .list(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        }
    }

    static func appendInteger(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 {
            bytes.append(UInt8(ascii: "-"))
            if value == Int64.min { bytes.append(contentsOf: Array("9223372036854775808".utf8)); return }
            appendInteger(-value, to: &bytes)
            return
        }
        if value < 10 { bytes.append(UInt8(48 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[19 - count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        guard value.isFinite else { bytes.append(contentsOf: nullBytes); return }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 {
            appendInteger(Int64(value), to: &bytes)
            return
        }
        bytes.append(contentsOf: "\(value)".utf8)
    }

    /// Appends `text` as a JSON string literal; ASCII without escapes is copied as is.
    static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            if isPlain(utf8) {
                bytes.append(contentsOf: utf8)
            } else {
                bytes.append(contentsOf: quoted(String(decoding: utf8, as: UTF8.self)).utf8.dropFirst().dropLast())
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether UTF-8 text can be put between quotes as it is: no control character, quote
    /// or backslash, and no 0xE2 lead byte (which starts U+2028 and U+2029, escaped too).
    @inline(__always)
    static func isPlain(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0xE2 {
            return false
        }
        return true
    }

    /// SPEC.md 7.1: integral values below 2^53 in magnitude without fraction or exponent;
    /// non-finite values are null; others in the shortest form that reads back exactly.
    static func number(_ value: Double) -> String {
        var bytes: [UInt8] = []
        appendNumber(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
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
