/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable {
    case warning
    case error

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs == .warning && rhs == .error
    }
}

/// One problem found in a source file. Messages come from `DiagnosticCatalog`: lowercase,
/// the offending name in backticks, no trailing period.
public struct Diagnostic: Sendable, Hashable {
    /// Stable identifier of the catalog entry, e.g. `unknown-name` (used by `--format json`
    /// and by fixtures).
    public var code: String
    public var severity: Severity
    public var message: String
    /// The span the caret underlines.
    public var range: SourceRange
    /// An optional `help:` line, e.g. a did-you-mean.
    public var help: String?
    /// The file the range refers to.
    public var file: SourceFile

    public init(code: String, severity: Severity, message: String, range: SourceRange,
                help: String? = nil, file: SourceFile) {
        self.code = code
        self.severity = severity
        self.message = message
        self.range = range
        self.help = help
        self.file = file
    }

    public static func == (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        lhs.code == rhs.code && lhs.severity == rhs.severity && lhs.message == rhs.message
            && lhs.range == rhs.range && lhs.help == rhs.help && lhs.file === rhs.file
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(message)
        hasher.combine(range)
    }

    /// 1-based line and column of the start of the range.
    public var location: SourceLocation { file.location(of: range.start) }
}

/// An ordered collection of diagnostics, in the spirit of starlark-go's `ErrorList`.
public struct DiagnosticList: Sendable {
    public private(set) var items: [Diagnostic] = []

    public init() {}

    public mutating func append(_ diagnostic: Diagnostic) { items.append(diagnostic) }
    public mutating func append(contentsOf other: DiagnosticList) { items.append(contentsOf: other.items) }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    public var hasWarnings: Bool { items.contains { $0.severity == .warning } }
    public var isEmpty: Bool { items.isEmpty }

    /// Diagnostics ordered by file position, errors before warnings at the same place.
    public var sorted: [Diagnostic] {
        items.enumerated().sorted { a, b in
            if a.element.file.path != b.element.file.path { return a.element.file.path < b.element.file.path }
            if a.element.range.start != b.element.range.start { return a.element.range.start < b.element.range.start }
            return a.offset < b.offset
        }.map(\.element)
    }
}

/// Suggests the closest candidate to a misspelt name (Levenshtein distance on scalars),
/// or nil when nothing is close enough to be a plausible typo.
public func closestName(to name: String, among candidates: some Sequence<String>) -> String? {
    let target = Array(name.unicodeScalars)
    let allowed = max(1, min(3, (target.count + 2) / 4))
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != name {
        let scalars = Array(candidate.unicodeScalars)
        // The distance is at least the difference in length: skip the quadratic-time
        // comparison when that alone is too far.
        if abs(scalars.count - target.count) > allowed { continue }
        let distance = editDistance(target, scalars)
        if distance <= allowed, best == nil || distance < best!.distance {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// Levenshtein distance between two scalar arrays.
func editDistance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
