// A small unified diff over lines, for `sla fmt --diff`: Myers' shortest edit script
// (E. Myers, "An O(ND) difference algorithm and its variations", 1986) after stripping the
// common head and tail, printed as `@@` hunks with three lines of context.

/// Unified diffs of two texts.
enum LineDiff {
    /// Lines of context around each change.
    static let contextLines = 3
    /// Above this many differing lines the minimal script is not searched for (its cost
    /// grows with the square of the difference): the differing middle is shown as removed
    /// and added whole, which is still a correct diff.
    static let maximumEditDistance = 2_000

    /// One line of a diff.
    private enum Edit: Equatable {
        case same(old: Int, new: Int)
        case removed(old: Int)
        case added(new: Int)
    }

    /// The unified diff that turns `old` into `new`, with `--- a/PATH` and `+++ b/PATH`
    /// headers; empty when the texts are equal. A last line without a line break is marked
    /// `\ No newline at end of file`, as `diff -u` does.
    static func unified(old: String, new: String, path: String) -> String {
        let oldLines = lines(old)
        let newLines = lines(new)
        if oldLines == newLines { return "" }
        let edits = script(oldLines, newLines)
        var output = "--- a/\(path)\n+++ b/\(path)\n"
        for hunk in hunks(edits) {
            output += header(hunk, edits: edits)
            for edit in edits[hunk] {
                switch edit {
                case .same(let index, _): output += " " + printable(oldLines[index])
                case .removed(let index): output += "-" + printable(oldLines[index])
                case .added(let index): output += "+" + printable(newLines[index])
                }
            }
        }
        return output
    }

    /// The lines of a text, each with its line break (the last one may have none).
    private static func lines(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == "\n" || text[index] == "\r\n" {
                result.append(text[start..<next])
                start = next
            }
            index = next
        }
        if start < text.endIndex { result.append(text[start...]) }
        return result
    }

    /// A line as printed in the diff: with its line break, or followed by the marker.
    private static func printable(_ line: Substring) -> String {
        // By scalar: a line ending in CRLF ends in the one Character "\r\n", which
        // `hasSuffix("\n")` does not match.
        line.unicodeScalars.last == "\n" ? String(line) : String(line) + "\n\\ No newline at end of file\n"
    }

    /// The edit script: every line of both texts, in order, as kept, removed or added.
    private static func script(_ old: [Substring], _ new: [Substring]) -> [Edit] {
        var head = 0
        while head < old.count, head < new.count, old[head] == new[head] { head += 1 }
        var tail = 0
        while tail < old.count - head, tail < new.count - head, old[old.count - 1 - tail] == new[new.count - 1 - tail] {
            tail += 1
        }
        var edits: [Edit] = (0..<head).map { .same(old: $0, new: $0) }
        let oldMiddle = head..<(old.count - tail)
        let newMiddle = head..<(new.count - tail)
        edits += middleScript(old, oldMiddle, new, newMiddle)
        edits += (0..<tail).map { .same(old: old.count - tail + $0, new: new.count - tail + $0) }
        return edits
    }

    /// Myers' greedy algorithm over the differing middle parts, keeping each round's
    /// frontier to walk the path back.
    private static func middleScript(_ old: [Substring], _ oldRange: Range<Int>,
                                     _ new: [Substring], _ newRange: Range<Int>) -> [Edit] {
        // n and m are the lengths of the two parts, x and y positions in them (Myers' names).
        let n = oldRange.count, m = newRange.count
        let wholesale: [Edit] = oldRange.map { .removed(old: $0) } + newRange.map { .added(new: $0) }
        if n == 0 || m == 0 { return wholesale }
        let limit = min(n + m, maximumEditDistance)
        let offset = limit + 1
        // frontier[k + offset]: the furthest x reached on diagonal k = x - y.
        var frontier = [Int](repeating: 0, count: 2 * limit + 3)
        // trace[d]: the frontier before round d, diagonals -d-1 ... d+1 (all round d reads).
        var trace: [[Int]] = []
        var found = false
        search: for distance in 0...limit {
            trace.append(Array(frontier[(offset - distance - 1)...(offset + distance + 1)]))
            for k in stride(from: -distance, through: distance, by: 2) {
                var x: Int
                if k == -distance || (k != distance && frontier[k - 1 + offset] < frontier[k + 1 + offset]) {
                    x = frontier[k + 1 + offset]
                } else {
                    x = frontier[k - 1 + offset] + 1
                }
                var y = x - k
                while x < n, y < m, old[oldRange.lowerBound + x] == new[newRange.lowerBound + y] {
                    x += 1
                    y += 1
                }
                frontier[k + offset] = x
                if x >= n, y >= m { found = true; break search }
            }
        }
        guard found else { return wholesale }
        // Walk back from (n, m) through the recorded frontiers.
        var edits: [Edit] = []
        var x = n, y = m
        for distance in stride(from: trace.count - 1, through: 0, by: -1) {
            let slice = trace[distance]
            func previous(_ diagonal: Int) -> Int { slice[diagonal + distance + 1] }
            let k = x - y
            let previousK: Int
            if k == -distance || (k != distance && previous(k - 1) < previous(k + 1)) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = distance == 0 ? 0 : previous(previousK)
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                edits.append(.same(old: oldRange.lowerBound + x, new: newRange.lowerBound + y))
            }
            if distance > 0 {
                if x == previousX {
                    y -= 1
                    edits.append(.added(new: newRange.lowerBound + y))
                } else {
                    x -= 1
                    edits.append(.removed(old: oldRange.lowerBound + x))
                }
            }
        }
        return edits.reversed()
    }

    /// Ranges of the script shown as hunks: each change with up to three kept lines around
    /// it; changes closer than twice that share a hunk.
    private static func hunks(_ edits: [Edit]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var index = 0
        while index < edits.count {
            guard case .same = edits[index] else {
                var end = index
                // Extend over changes and short runs of kept lines between them.
                while end < edits.count {
                    if case .same = edits[end] {
                        var run = end
                        while run < edits.count, case .same = edits[run] { run += 1 }
                        if run == edits.count || run - end > 2 * contextLines { break }
                        end = run
                    } else {
                        end += 1
                    }
                }
                let start = max(0, index - contextLines)
                let stop = min(edits.count, end + contextLines)
                if let last = result.last, last.upperBound >= start {
                    result[result.count - 1] = last.lowerBound..<stop
                } else {
                    result.append(start..<stop)
                }
                index = end
                continue
            }
            index += 1
        }
        return result
    }

    /// `@@ -START,COUNT +START,COUNT @@` for a hunk (1-based starts; a count of 1 is left
    /// out and an empty side starts at the line before, as `diff -u` writes them).
    private static func header(_ hunk: Range<Int>, edits: [Edit]) -> String {
        var oldStart: Int?, newStart: Int?
        var oldCount = 0, newCount = 0
        var oldBefore = 0, newBefore = 0
        // Lines of each side before the hunk.
        for edit in edits[..<hunk.lowerBound] {
            switch edit {
            case .same: oldBefore += 1; newBefore += 1
            case .removed: oldBefore += 1
            case .added: newBefore += 1
            }
        }
        for edit in edits[hunk] {
            switch edit {
            case .same(let old, let new):
                oldStart = oldStart ?? old; newStart = newStart ?? new
                oldCount += 1; newCount += 1
            case .removed(let old):
                oldStart = oldStart ?? old
                oldCount += 1
            case .added(let new):
                newStart = newStart ?? new
                newCount += 1
            }
        }
        func side(_ start: Int?, _ before: Int, _ count: Int) -> String {
            let first = count == 0 ? before : (start ?? before) + 1
            return count == 1 ? "\(first)" : "\(first),\(count)"
        }
        return "@@ -\(side(oldStart, oldBefore, oldCount)) +\(side(newStart, newBefore, newCount)) @@\n"
    }
}
