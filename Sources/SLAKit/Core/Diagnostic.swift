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

/// Suggests the closest candidate to a misspelt name (edit distance on scalars),
/// or nil when nothing is close enough to be a plausible typo (see `EditDistance`).
/// Candidates whose length differs too much are skipped without measuring, and the
/// measuring allocates nothing per candidate, so a file with thousands of misspelt names and
/// thousands of declarations is still checked quickly.
public func closestName(to name: String, among candidates: some Sequence<String>) -> String? {
    var measure = EditDistance(to: name)
    let allowed = max(1, min(3, (measure.target.count + 2) / 4))
    var best: (name: String, distance: Int)?
    for candidate in candidates where candidate != name {
        let limit = best.map { min($0.distance, allowed) } ?? allowed
        guard let distance = measure.distance(from: candidate, limit: limit) else { continue }
        // Ties go to the alphabetically first name, so suggestions do not depend on the order
        // of `candidates` (often a dictionary's keys).
        if best == nil || distance < best!.distance || (distance == best!.distance && candidate < best!.name) {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// Edit distance from many candidates to one target: insertions, deletions, substitutions
/// and transpositions of two neighbours each cost 1 (optimal string alignment), so the
/// common typo `salse` is one edit from `sales`. Keeps its rows between calls.
struct EditDistance {
    let target: [Unicode.Scalar]
    private var candidate: [Unicode.Scalar] = []
    // Three rows of the dynamic-programming table, indexed by target position: the row
    // before the previous one is needed for transpositions.
    private var beforePrevious: [Int]
    private var previous: [Int]
    private var current: [Int]

    init(to target: String) {
        self.target = Array(target.unicodeScalars)
        beforePrevious = Array(repeating: 0, count: self.target.count + 1)
        previous = beforePrevious
        current = beforePrevious
    }

    /// The distance from `text` to the target, or nil as soon as it is known to exceed
    /// `limit`.
    mutating func distance(from text: String, limit: Int = .max) -> Int? {
        // The distance is at least the difference in length.
        let length = text.unicodeScalars.count
        guard abs(length - target.count) <= limit else { return nil }
        candidate.removeAll(keepingCapacity: true)
        candidate.append(contentsOf: text.unicodeScalars)
        if candidate.isEmpty || target.isEmpty { return max(candidate.count, target.count) }
        for j in 0...target.count { previous[j] = j }
        var previousMinimum = 0
        for i in 1...candidate.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...target.count {
                let cost = candidate[i - 1] == target[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, candidate[i - 1] == target[j - 2], candidate[i - 2] == target[j - 1] {
                    value = min(value, beforePrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            // A later row is never below the smaller minimum of the last two rows (a
            // transposition reaches back two rows): past the limit, give up.
            if min(rowMinimum, previousMinimum) > limit { return nil }
            previousMinimum = rowMinimum
            swap(&beforePrevious, &previous)
            swap(&previous, &current)
        }
        let distance = previous[target.count]
        return distance <= limit ? distance : nil
    }
}
