#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A source of bytes read in pieces: a file or standard input through POSIX `read`, or an
/// array in memory. Never holds more than the caller's buffer.
final class ByteInput {
    private enum Source {
        case descriptor(Int32, closeWhenDone: Bool)
        case memory([UInt8], position: Int)
    }

    private var source: Source
    let name: String

    /// Opens the input; a file that cannot be opened throws `InputError.Kind.unreadable`.
    init(_ input: EventInput) throws {
        name = input.name
        switch input {
        case .file(let path):
            let descriptor = open(path, O_RDONLY)
            guard descriptor >= 0 else {
                throw InputError(kind: .unreadable, message: "\(path): cannot open: \(Self.errorText(errno))")
            }
            source = .descriptor(descriptor, closeWhenDone: true)
        case .standardInput:
            source = .descriptor(0, closeWhenDone: false)
        case .bytes(_, let bytes):
            source = .memory(bytes, position: 0)
        }
    }

    deinit { close() }

    /// Reads up to `count` bytes into `destination`; returns how many, 0 at the end of input.
    /// A read error (for example a directory given as a file) throws `.unreadable`.
    func read(into destination: UnsafeMutablePointer<UInt8>, count: Int) throws -> Int {
        switch source {
        case .descriptor(let descriptor, _):
            while true {
                #if canImport(Darwin)
                let result = Darwin.read(descriptor, destination, count)
                #elseif canImport(Musl)
                let result = Musl.read(descriptor, destination, count)
                #else
                let result = Glibc.read(descriptor, destination, count)
                #endif
                if result >= 0 { return result }
                let error = errno
                // A signal interrupted the call before any byte arrived: just try again.
                if error == EINTR { continue }
                throw InputError(kind: .unreadable, message: "\(name): cannot read: \(Self.errorText(error))")
            }
        case .memory(let bytes, let position):
            let length = min(count, bytes.count - position)
            if length > 0 {
                bytes.withUnsafeBufferPointer { all in
                    destination.update(from: all.baseAddress! + position, count: length)
                }
                source = .memory(bytes, position: position + length)
            }
            return length
        }
    }

    /// Releases the file descriptor (standard input stays open).
    func close() {
        if case .descriptor(let descriptor, true) = source {
            #if canImport(Darwin)
            _ = Darwin.close(descriptor)
            #elseif canImport(Musl)
            _ = Musl.close(descriptor)
            #else
            _ = Glibc.close(descriptor)
            #endif
            source = .descriptor(-1, closeWhenDone: false)
        }
    }

    private static func errorText(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
