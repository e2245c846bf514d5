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

/// An ordered collection of diagnostics, in the spirit of starlark-go's `ErrorList`, that
/// counts every diagnostic appended but keeps only the first `limit` in file order (and the
/// one after them, where the `too-many-diagnostics` line of `shown` points). Arbitrary binary
/// data gives a diagnostic every few bytes (1 MB of random bytes, about 336,000; runs of one
/// bad byte are one each): kept, they would take gigabytes for a large file; a capped list
/// holds about `2 × limit`.
public struct DiagnosticList: Sendable {
    /// How many diagnostics `shown` lists before its `too-many-diagnostics` line (unlimited
    /// by default).
    public let limit: Int
    /// Diagnostics for which this returns true are left out, neither kept nor counted
    /// (`sla eval` ignores the syntax errors of test blocks). It judges the diagnostics
    /// appended one by one: those another list counted but did not keep
    /// (`append(contentsOf:)`) are counted as they are.
    private let ignored: (@Sendable (Diagnostic) -> Bool)?
    /// How many of the first diagnostics in file order are kept: `limit`, and the next one
    /// for where the rest start.
    private let keep: Int

    /// A diagnostic and when it was appended (0 for the first): equal positions keep that
    /// order.
    private struct Entry: Sendable {
        var order: Int
        var diagnostic: Diagnostic
    }
    /// The kept diagnostics; up to `2 × keep` of them between compactions, in append order
    /// until the first compaction and in file order after each.
    private var kept: [Entry] = []
    /// The last of the kept entries at the latest compaction: an entry after it in file order
    /// cannot be among the first `keep`, so it is counted and dropped at once.
    private var cutoff: Entry?
    private var appended = 0

    /// How many errors were appended, kept or not.
    public private(set) var errorCount = 0
    /// How many warnings were appended, kept or not.
    public private(set) var warningCount = 0
    /// The diagnostic appended last, kept or not (the parser reports one mistake once).
    public private(set) var lastAppended: Diagnostic?

    /// A list that keeps the first `limit` diagnostics in file order, leaving out those
    /// `ignored` says to.
    public init(limit: Int = .max, ignoring ignored: (@Sendable (Diagnostic) -> Bool)? = nil) {
        self.limit = max(0, limit)
        self.ignored = ignored
        // An unlimited list keeps everything and never compacts (`2 × keep` would overflow).
        keep = self.limit < Int.max / 4 ? self.limit + 1 : Int.max
    }

    /// Counts `diagnostic`, and keeps it while it can be among the first `limit + 1` in file
    /// order.
    public mutating func append(_ diagnostic: Diagnostic) {
        lastAppended = diagnostic
        if let ignored, ignored(diagnostic) { return }
        if diagnostic.severity == .error { errorCount += 1 } else { warningCount += 1 }
        let entry = Entry(order: appended, diagnostic: diagnostic)
        appended += 1
        if let cutoff, !Self.precedes(entry, cutoff) { return }
        kept.append(entry)
        // Sorting `2 × keep` entries every `keep` appends: a few comparisons per diagnostic.
        if keep != Int.max, kept.count >= 2 * keep { compact() }
    }

    /// Appends `other`'s diagnostics after these (at equal positions, after them), counting
    /// those `other` counted but did not keep.
    public mutating func append(contentsOf other: DiagnosticList) {
        let items = other.items
        let keptErrors = items.filter { $0.severity == .error }.count
        for diagnostic in items { append(diagnostic) }
        errorCount += other.errorCount - keptErrors
        warningCount += other.warningCount - (items.count - keptErrors)
        if let last = other.lastAppended { lastAppended = last }
    }

    /// Keeps the first `keep` entries in file order.
    private mutating func compact() {
        kept.sort(by: Self.precedes)
        kept.removeSubrange(keep...)
        cutoff = kept.last
    }

    /// File order: by path, then position, then order of appending.
    private static func precedes(_ a: Entry, _ b: Entry) -> Bool {
        let left = a.diagnostic, right = b.diagnostic
        if left.file !== right.file, left.file.path != right.file.path { return left.file.path < right.file.path }
        if left.range.start != right.range.start { return left.range.start < right.range.start }
        return a.order < b.order
    }

    /// The kept entries (at most `keep`), in file order.
    private var keptInFileOrder: [Entry] {
        let sorted = kept.sorted(by: Self.precedes)
        return sorted.count > keep ? Array(sorted.prefix(keep)) : sorted
    }

    /// The kept diagnostics in the order they were appended: every one while no more than
    /// `limit` were appended; past it, those of the first `limit + 1` in file order.
    public var items: [Diagnostic] {
        if cutoff == nil, kept.count <= keep { return kept.map(\.diagnostic) }
        return keptInFileOrder.sorted { $0.order < $1.order }.map(\.diagnostic)
    }

    /// Makes the order of appending the file order, so that `items` lists the kept
    /// diagnostics by position (at equal positions, in the order they were appended).
    public mutating func sortByPosition() {
        kept = keptInFileOrder
        for index in kept.indices { kept[index].order = index }
        appended = kept.count
        cutoff = kept.count >= keep ? kept.last : nil
    }

    /// How many diagnostics were appended, kept or not.
    public var count: Int { errorCount + warningCount }
    public var hasErrors: Bool { errorCount > 0 }
    public var hasWarnings: Bool { warningCount > 0 }
    public var isEmpty: Bool { count == 0 }

    /// The kept diagnostics ordered by file position (at equal positions, in the order they
    /// were appended): every one while no more than `limit` were appended.
    public var sorted: [Diagnostic] { keptInFileOrder.map(\.diagnostic) }

    /// What a command shows: the first `limit` diagnostics in file order and, when there were
    /// more, one `too-many-diagnostics` that counts the rest (an error when any of them is
    /// one), at the first of them (at the last one shown in a list of `errors`, whose rest
    /// may not be kept).
    public var shown: [Diagnostic] {
        let ordered = sorted
        let first = ordered.prefix(limit)
        guard count > first.count, let anchor = ordered.dropFirst(first.count).first ?? ordered.last else {
            return Array(first)
        }
        let errorsLeft = errorCount - first.filter { $0.severity == .error }.count
        let more = Catalog.tooManyDiagnostics(more: count - first.count, severity: errorsLeft > 0 ? .error : .warning)
        return Array(first) + [Diagnostic(more, at: anchor.range, in: anchor.file)]
    }

    /// The errors alone: the kept ones, and the count of all.
    public var errors: DiagnosticList {
        var list = DiagnosticList(limit: limit)
        for diagnostic in items where diagnostic.severity == .error { list.append(diagnostic) }
        list.errorCount = errorCount
        return list
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
        // Equal characters at both ends are matched as they stand (an optimal alignment
        // can always keep them): only the middles are measured. Names sharing a long
        // prefix (`territory_north_east_…`) then cost little.
        let shorter = min(candidate.count, target.count)
        var prefix = 0
        while prefix < shorter, candidate[prefix] == target[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < shorter - prefix, candidate[candidate.count - 1 - suffix] == target[target.count - 1 - suffix] { suffix += 1 }
        let rows = candidate.count - prefix - suffix, columns = target.count - prefix - suffix
        if rows == 0 || columns == 0 {
            let distance = max(rows, columns)
            return distance <= limit ? distance : nil
        }
        // Only cells within `band` of the diagonal can hold a distance within the limit
        // (a cell is at least |i - j|): each row computes those, so a pair of long names
        // costs length × band, not length² (1,000 names of 240 letters, 100 misspelt:
        // 23 s with full rows). Cells just outside the band read as `outside`.
        let band = min(limit, max(rows, columns))
        let outside = band + 1
        for j in 0...columns { previous[j] = j }
        var previousMinimum = 0
        for i in 1...rows {
            let low = max(1, i - band), high = min(columns, i + band)
            current[low - 1] = low == 1 ? i : outside
            if high < columns { current[high + 1] = outside }
            var rowMinimum = low == 1 ? i : outside
            let here = candidate[prefix + i - 1]
            if low <= high {
                for j in low...high {
                    let cost = here == target[prefix + j - 1] ? 0 : 1
                    var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                    if i > 1, j > 1, here == target[prefix + j - 2], candidate[prefix + i - 2] == target[prefix + j - 1] {
                        value = min(value, beforePrevious[j - 2] + 1)
                    }
                    current[j] = value
                    rowMinimum = min(rowMinimum, value)
                }
            }
            // A later row is never below the smaller minimum of the last two rows (a
            // transposition reaches back two rows): past the limit, give up.
            if min(rowMinimum, previousMinimum) > limit { return nil }
            previousMinimum = rowMinimum
            swap(&beforePrevious, &previous)
            swap(&previous, &current)
        }
        let distance = previous[columns]
        return distance <= limit ? distance : nil
    }
}
