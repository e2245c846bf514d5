/// Renders diagnostics for `sla check --format human|json|github`.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
    case human, json, github
}

public enum DiagnosticRenderer {
    /// Human form, in the style of rustc and cedar:
    /// ```
    /// error: unknown team `salse`
    ///   --> smarketing.sla:31:11
    ///    |
    /// 31 |     owner salse
    ///    |           ^^^^^
    ///    = help: did you mean `sales`?
    /// ```
    public static func human(_ diagnostic: Diagnostic, color: Bool = false) -> String {
        let file = diagnostic.file
        let start = file.location(of: diagnostic.range.start)
        let (pieceText, cut) = shownLine(file, line: start.line, around: diagnostic.range.start)
        // Underline to the end of the range or of the line, whichever comes first.
        let endOffset = min(diagnostic.range.end, file.lineStarts.count > start.line ? file.lineStarts[start.line] - 1 : file.bytes.count)
        let end = file.location(of: max(endOffset, diagnostic.range.start))
        let width = max(1, (end.line == start.line ? end.column : start.column + 1) - start.column)
        let excerpt = lineExcerpt(pieceText, caretColumn: start.column - cut.scalarsBefore, caretWidth: width,
                                  cutBefore: cut.scalarsBefore > 0, cutAfter: cut.after)
        let gutter = String(repeating: " ", count: String(start.line).count)
        let severity = diagnostic.severity.rawValue
        let (on, off) = color ? (diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m", "\u{1B}[0m") : ("", "")
        // Names quoted in messages may hold control characters (`\u{1B}` in a string).
        var text = "\(on)\(severity)\(off): \(TextFormatting.visible(diagnostic.message))\n"
        text += "\(gutter)--> \(TextFormatting.visible(file.path)):\(start.line):\(start.column)\n"
        text += "\(gutter) |\n"
        text += "\(start.line) | \(excerpt.text)\n"
        text += "\(gutter) | \(String(repeating: " ", count: excerpt.caretOffset))\(on)\(String(repeating: "^", count: excerpt.caretWidth))\(off)\n"
        if let help = diagnostic.help { text += "\(gutter) = help: \(TextFormatting.visible(help))\n" }
        return text
    }

    /// Longest source line shown whole, in scalars; longer lines are shown as a window of
    /// this many scalars around the caret, so a 1 MB line prints a screenful, not a megabyte.
    static let maximumLineWidth = Limits.maximumSourceLineShown
    /// Scalars of context shown before the caret when a long line is cut.
    static let contextBeforeCaret = 40

    /// The part of `line` to print (tabs as single spaces and other control characters as
    /// their Control Pictures, `␀` for NUL, so the terminal shows them and each stays one
    /// column under the caret; cut with `…` when too long) and where
    /// the caret goes in it: `caretOffset` scalars from its start, `caretWidth` wide.
    /// `caretColumn` is 1-based in scalars of `line`. `cutBefore` and `cutAfter` say that
    /// `line` is itself a piece of a longer line (see `shownLine`).
    static func lineExcerpt(_ line: String, caretColumn: Int, caretWidth: Int, cutBefore: Bool = false,
                            cutAfter: Bool = false) -> (text: String, caretOffset: Int, caretWidth: Int) {
        var scalars = Array(line.unicodeScalars)
        for index in scalars.indices {
            // A tab is one column, like the one the caret's column counts for it.
            scalars[index] = scalars[index] == "\t" ? " " : TextFormatting.visible(scalars[index])
        }
        let caret = min(max(caretColumn - 1, 0), scalars.count)
        guard scalars.count > maximumLineWidth || cutBefore || cutAfter else {
            return (String(String.UnicodeScalarView(scalars)), caret, caretWidth)
        }
        let first = max(0, min(caret - contextBeforeCaret, scalars.count - maximumLineWidth))
        let last = min(scalars.count, first + maximumLineWidth)
        var text = first > 0 || cutBefore ? "…" : ""
        text += String(String.UnicodeScalarView(scalars[first..<last]))
        if last < scalars.count || cutAfter { text += "…" }
        let offset = caret - first + (first > 0 || cutBefore ? 1 : 0)
        return (text, offset, max(1, min(caretWidth, last - caret)))
    }

    /// The text of line `line`, or for a very long line only a piece
    /// around `offset`, so that rendering a diagnostic never costs time proportional to its
    /// line. `scalarsBefore` counts the scalars of the line left out before the piece;
    /// `after` says whether text was left out after it.
    static func shownLine(_ file: SourceFile, line: Int, around offset: Int) -> (text: String, cut: (scalarsBefore: Int, after: Bool)) {
        let lineStart = file.lineStarts[line - 1]
        let lineEnd = file.lineEnd(line)
        let reach = 4 * Limits.maximumSourceLineShown // bytes: at least that many scalars
        guard lineEnd - lineStart > 2 * reach else { return (file.lineText(line), (0, false)) }
        var pieceStart = max(lineStart, min(offset, lineEnd) - reach)
        var pieceEnd = min(lineEnd, max(offset, lineStart) + reach)
        // Cut at scalar boundaries.
        while pieceStart > lineStart, file.bytes[pieceStart] & 0xC0 == 0x80 { pieceStart -= 1 }
        while pieceEnd < lineEnd, file.bytes[pieceEnd] & 0xC0 == 0x80 { pieceEnd += 1 }
        let text = String(decoding: file.bytes[pieceStart..<pieceEnd], as: UTF8.self)
        let before = file.location(of: pieceStart).column - 1
        return (text, (before, pieceEnd < lineEnd))
    }

    /// GitHub workflow command: `::error file=F,line=L,col=C::message`.
    public static func github(_ diagnostic: Diagnostic) -> String {
        let location = diagnostic.location
        var message = diagnostic.message
        if let help = diagnostic.help { message += " (help: \(help))" }
        // Control characters as pictures, as in the human form (an escape sequence from a
        // string of the source would reach the CI log raw); line breaks are escaped below.
        let file = TextFormatting.visible(diagnostic.file.path, keepingLineBreaks: true)
        message = TextFormatting.visible(message, keepingLineBreaks: true)
        return "::\(diagnostic.severity.rawValue) file=\(escapeProperty(file)),line=\(location.line),col=\(location.column),title=\(diagnostic.code)::\(escapeData(message))"
    }

    /// A JSON array of diagnostics, one object each.
    public static func json(_ diagnostics: [Diagnostic]) -> String {
        var json = JSONWriter()
        json.beginArray()
        for diagnostic in diagnostics {
            let start = diagnostic.location
            let end = diagnostic.file.location(of: diagnostic.range.end)
            json.beginObject()
            json.key("file"); json.string(diagnostic.file.path)
            json.key("line"); json.integer(start.line)
            json.key("column"); json.integer(start.column)
            json.key("end_line"); json.integer(end.line)
            json.key("end_column"); json.integer(end.column)
            json.key("severity"); json.string(diagnostic.severity.rawValue)
            json.key("code"); json.string(diagnostic.code)
            json.key("message"); json.string(diagnostic.message)
            json.key("help"); json.string(diagnostic.help)
            json.endObject()
        }
        json.endArray()
        return json.output + "\n"
    }

    /// `N errors, M warnings` (or `no problems`).
    public static func summary(errors: Int, warnings: Int) -> String {
        if errors == 0, warnings == 0 { return "no problems" }
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        return [errors > 0 ? plural(errors, "error") : nil, warnings > 0 ? plural(warnings, "warning") : nil]
            .compactMap { $0 }.joined(separator: ", ")
    }

    private static func escapeData(_ text: String) -> String {
        text.replacingOccurrences("%", "%25").replacingOccurrences("\r", "%0D").replacingOccurrences("\n", "%0A")
    }

    private static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(":", "%3A").replacingOccurrences(",", "%2C")
    }
}

extension String {
    /// Replaces every occurrence of `target` (compared by scalars) with `replacement`.
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return self }
        let source = Array(unicodeScalars), pattern = Array(target.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < source.count {
            // Compares in place: no array is built per position, so long texts stay linear.
            if index + pattern.count <= source.count, source[index..<(index + pattern.count)].elementsEqual(pattern) {
                result.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
            } else {
                result.append(source[index])
                index += 1
            }
        }
        return String(result)
    }

}
