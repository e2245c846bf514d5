import Foundation
@testable import SLAKit

/// Paths of the repository's test data, found from this file's location.
enum TestPaths {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let repository = tests.deletingLastPathComponent()
    static let conformance = tests.appendingPathComponent("Conformance/cases")
    static let fixtures = tests.appendingPathComponent("Fixtures")
    static let examples = repository.appendingPathComponent("examples")

    /// Sorted names of the entries of a folder (empty when it does not exist).
    static func entries(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }
}

/// Runs the driver in-process, capturing what it writes.
struct CommandRun {
    var exitCode: Int32
    var output: String
    var error: String

    static func run(_ arguments: [String], input: [UInt8] = []) -> CommandRun {
        final class Buffer: @unchecked Sendable { var out = ""; var error = "" }
        let buffer = Buffer()
        let console = Console(out: { buffer.out += $0 }, error: { buffer.error += $0 }, input: { input })
        let code = Driver.run(arguments, console: console)
        return CommandRun(exitCode: code, output: buffer.out, error: buffer.error)
    }
}

/// Compares two parsed JSON documents: objects by keys, arrays in order, numbers
/// numerically. Returns a description of the first difference, or nil when equal.
func jsonDifference(_ expected: Any, _ actual: Any, path: String = "$") -> String? {
    switch (expected, actual) {
    case (let a as [String: Any], let b as [String: Any]):
        for key in Set(a.keys).union(b.keys).sorted() {
            guard let left = a[key] else { return "\(path).\(key): unexpected key" }
            guard let right = b[key] else { return "\(path).\(key): missing" }
            if let difference = jsonDifference(left, right, path: "\(path).\(key)") { return difference }
        }
        return nil
    case (let a as [Any], let b as [Any]):
        guard a.count == b.count else { return "\(path): expected \(a.count) elements, found \(b.count)" }
        for index in a.indices {
            if let difference = jsonDifference(a[index], b[index], path: "\(path)[\(index)]") { return difference }
        }
        return nil
    case (is NSNull, is NSNull):
        return nil
    case (let a as NSNumber, let b as NSNumber):
        let aIsBool = CFGetTypeID(a) == CFBooleanGetTypeID(), bIsBool = CFGetTypeID(b) == CFBooleanGetTypeID()
        if aIsBool != bIsBool || a.doubleValue != b.doubleValue { return "\(path): expected \(a), found \(b)" }
        return nil
    case (let a as String, let b as String):
        return a == b ? nil : "\(path): expected \"\(a)\", found \"\(b)\""
    default:
        return "\(path): expected \(expected), found \(actual)"
    }
}
