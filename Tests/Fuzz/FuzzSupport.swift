// Shared by every fuzz target (compiled into each, inside the SLAKit module, so internal
// declarations are visible). Not part of the Swift package: see README.md.

/// Stops the fuzzer with a readable message when an invariant does not hold. libFuzzer
/// treats the resulting trap as a crash and saves the input.
func fuzzCheck(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        print("fuzz invariant failed: \(message())")
        fatalError(message())
    }
}

/// The fuzzer's input as an array.
func fuzzBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}

/// True for a byte that makes a line non-blank (blank lines hold only spaces, tabs and CRs).
@inline(__always)
func isNonBlankByte(_ byte: UInt8) -> Bool {
    byte != 0x20 && byte != 0x09 && byte != 0x0D
}

/// The input without a leading UTF-8 byte order mark.
func withoutByteOrderMark(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
    bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
}

/// Non-blank lines of a JSONL input, counted independently of the reader: split at every
/// line feed after dropping a leading byte order mark.
func nonBlankJSONLines(_ bytes: [UInt8]) -> Int {
    var count = 0
    var sawContent = false
    for byte in withoutByteOrderMark(bytes) {
        if byte == 0x0A {
            if sawContent { count += 1 }
            sawContent = false
        } else if isNonBlankByte(byte) {
            sawContent = true
        }
    }
    return count + (sawContent ? 1 : 0)
}
