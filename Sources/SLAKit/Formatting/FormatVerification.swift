// The safety checks `sla fmt` runs on every file before writing anything: the formatted
// text must parse to the same tree (ignoring ranges), keep every comment in order, and be
// left unchanged by formatting it again.

/// What formatting one source gave.
public enum FormatOutcome: Sendable {
    /// The canonical text, proven safe.
    case formatted(String)
    /// The source has syntax errors: it is not formatted. The parser's diagnostics (all
    /// counted, the first `Limits.maximumDiagnosticsShown` kept).
    case syntaxErrors(DiagnosticList)
    /// The formatter's output failed a safety check (a bug of the formatter): the reason.
    case unsafe(String)
    /// The canonical text would pass a limit of `Limits` (a string literal that grows past
    /// 65,536 bytes as its tabs are written `\t`, a file past 16 MiB): why. The source is
    /// valid; its canonical form could not be read back.
    case beyondLimits(String)
}

extension Formatter {
    /// Parses `source`, formats it, and verifies the result.
    public static func formatVerified(_ source: SourceFile) -> FormatOutcome {
        let parse = Parser.parse(source)
        if parse.diagnostics.hasErrors {
            return .syntaxErrors(parse.diagnostics)
        }
        let formatted = format(parse.file, source: source)
        if formatted.utf8.count > Limits.maximumSourceBytes {
            return .beyondLimits("its canonical form would be \(formatted.utf8.count) bytes, over the \(Limits.maximumSourceBytes >> 20) MiB a source may hold")
        }
        // Parsed once, for the limits and for `verify`.
        let output = SourceFile(path: source.path, text: formatted)
        let reparsed = Parser.parse(output)
        if let tooLong = reparsed.diagnostics.sorted.first(where: { $0.code == "token-too-long" }) {
            let location = tooLong.location
            return .beyondLimits("its canonical form would break a limit at line \(location.line), column \(location.column) (\(tooLong.message))")
        }
        if let problem = verify(parse.file, source: source, formatted: formatted, output: output, reparsed: reparsed) {
            return .unsafe(problem)
        }
        return .formatted(formatted)
    }

    /// Checks that `formatted`, the formatter's output for `file` (parsed from `source`),
    /// means the same: it parses without errors to the same tree, holds the same comments in
    /// the same order, and formats to itself. Returns what is wrong, or nil.
    public static func verify(_ file: SLAFile, source: SourceFile, formatted: String) -> String? {
        let output = SourceFile(path: source.path, text: formatted)
        return verify(file, source: source, formatted: formatted, output: output, reparsed: Parser.parse(output))
    }

    /// `verify` with the formatted text as a source (`output`) already parsed (`reparsed`).
    static func verify(_ file: SLAFile, source: SourceFile, formatted: String, output: SourceFile, reparsed: ParseResult) -> String? {
        if let error = reparsed.diagnostics.sorted.first(where: { $0.severity == .error }) {
            let location = error.location
            return "the formatted text does not parse (line \(location.line), column \(location.column): \(error.message))"
        }
        let before = ASTPrinter.print(file)
        let after = ASTPrinter.print(reparsed.file)
        if before != after {
            return "the formatted text parses to a different tree (\(firstDifference(before, after)))"
        }
        let commentsBefore = file.comments.map { LayoutWriter.commentText($0, in: source.bytes) }
        let commentsAfter = reparsed.file.comments.map { LayoutWriter.commentText($0, in: output.bytes) }
        if commentsBefore != commentsAfter {
            return "the formatted text does not keep the comments (\(commentsBefore.count) before, \(commentsAfter.count) after)"
        }
        if format(reparsed.file, source: output) != formatted {
            return "formatting is not idempotent on this file"
        }
        return nil
    }

    /// The first line where two dumps differ, for the message.
    private static func firstDifference(_ before: String, _ after: String) -> String {
        let left = before.split(separator: "\n", omittingEmptySubsequences: false)
        let right = after.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? String(left[index]) : "(nothing)"
            let b = index < right.count ? String(right[index]) : "(nothing)"
            if a != b {
                return "`\(a.trimmingLeadingSpaces)` became `\(b.trimmingLeadingSpaces)`"
            }
        }
        return "no line differs"
    }
}

private extension String {
    var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
