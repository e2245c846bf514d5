import Foundation

/// The entry point the `sla` executable calls: parses the argument vector and runs a
/// command. Returns the process exit code (SPEC.md section 7).
public enum Driver {
    public static let version = "0.1.0"

    static let usage = """
    usage: sla <command> [options]

    commands:
      check FILE...                      parse and check SLA files
            [--format human|json|github] [--strict]
      fmt FILE...|-                      format files canonically
            [--check] [-w] [--diff]
      test FILE...                       run the test blocks in SLA and test files
            [--run PATTERN] [--junit FILE] [-v]
      eval FILE --events PATH...         evaluate an SLA over lead events
            [--format table|json|csv|html] [--as-of TIMESTAMP] [--fail-on STATUS,...]
            [--max-bad N] [--rejects FILE] [--output FILE] [--goals-csv FILE]
            [--input-format jsonl|ndjson|csv] [--lead-field NAME] [--type-field NAME] [--time-field NAME]
      explain FILE --events PATH... --lead ID
                                         a lead's timeline, event by event
            [--as-of TIMESTAMP] [--fail-on STATUS,...] and eval's input options

    exit codes: 0 success, 1 warnings (--strict), unformatted files, failed tests or
    --fail-on verdicts, 2 invalid SLA or events, 3 usage errors and unreadable files
    """

    public static func main(arguments: [String]) -> Int32 {
        exitsAfterRun = true
        let console = Console.standard()
        return complete(run(arguments, console: console), console: console)
    }

    /// The exit code once standard output is written out: a report that could not be
    /// written whole (a full disk) is a failure to say, exit 3, not a success with half a
    /// file. A closed pipe (`sla eval ... | head`) is not: the reader wanted no more (and
    /// `SIGPIPE` usually ends the process first).
    static func complete(_ code: Int32, console: Console) -> Int32 {
        console.flush()
        guard let failure = console.outputFailure, failure != EPIPE else { return code }
        console.error("sla: cannot write standard output: \(String(cString: strerror(failure)))\n")
        return code == ExitCode.success || code == ExitCode.failure ? ExitCode.usage : code
    }

    /// Whether the process exits as soon as the command returns (set by `main`, for the
    /// executable; tests call `run` and leave it off).
    nonisolated(unsafe) private static var exitsAfterRun = false
    /// What `keepUntilExit` kept.
    nonisolated(unsafe) private static var kept: [Any] = []

    /// Keeps `value` alive until the process exits when it exits right after the command:
    /// freeing a large result object by object (hundreds of thousands of rows) only delays
    /// the exit, as the system reclaims the memory at once (compilers skip freeing for the
    /// same reason). Otherwise `value` is freed as usual.
    static func keepUntilExit(_ value: Any) {
        if exitsAfterRun { kept.append(value) }
    }

    /// Runs one command with its output going to `console`.
    public static func run(_ arguments: [String], console: Console) -> Int32 {
        guard let command = arguments.first else {
            // A usage error: one line (SPEC.md section 7); `sla help` prints the usage.
            console.error("sla: missing command: check, fmt, test, eval or explain (`sla help` shows how to use them)\n")
            return ExitCode.usage
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch command {
            case "check": return try CheckCommand.run(rest, console: console)
            case "eval": return try EvalCommand.run(rest, console: console, explain: false)
            case "explain": return try EvalCommand.run(rest, console: console, explain: true)
            case "fmt": return try FormatCommand.run(rest, console: console)
            case "test": return try TestCommand.run(rest, console: console)
            case "help", "--help", "-h":
                console.out(usage + "\n")
                return ExitCode.success
            case "--version", "version":
                console.out("sla \(version)\n")
                return ExitCode.success
            default:
                let commands = ["check", "fmt", "test", "eval", "explain", "help"]
                let hint = closestName(to: command, among: commands).map { " (did you mean `\($0)`?)" } ?? ""
                throw UsageError(message: "unknown command `\(command)`\(hint)")
            }
        } catch let error as UsageError {
            console.error("sla: \(error.message)\n")
            return ExitCode.usage
        } catch {
            console.error("sla: \(error)\n")
            return ExitCode.usage
        }
    }

    /// Prints a command's help when `--help` is among its arguments.
    static func wantsHelp(_ arguments: [String]) -> Bool {
        arguments.contains("--help") || arguments.contains("-h")
    }

    /// Refuses source paths that name standard input (`-`) more than once (`check`, `fmt`):
    /// it can be read only once, and a second `-` would read nothing, an empty source.
    static func requireStandardInputOnce(_ paths: [String]) throws {
        if paths.filter({ $0 == "-" }).count > 1 { throw UsageError(message: "standard input (`-`) can be read only once") }
    }
}

/// A source file read, parsed and (when it holds an `sla` block) checked.
struct LoadedFile {
    var source: SourceFile
    var parse: ParseResult
    var check: CheckResult?

    /// Parse diagnostics, then (when parsing was clean) checker diagnostics: every one
    /// counted, the first `Limits.maximumDiagnosticsShown` in file order kept.
    var diagnosticList: DiagnosticList {
        var list = parse.diagnostics
        if let check { list.append(contentsOf: check.diagnostics) }
        return list
    }

    /// The diagnostics to show, in file order: at most `Limits.maximumDiagnosticsShown`,
    /// then one `too-many-diagnostics` (an error when an error was left out): rendering one
    /// costs time proportional to its line, so a long line full of mistakes would otherwise
    /// take quadratic time and output.
    var diagnostics: [Diagnostic] { diagnosticList.shown }

    var hasErrors: Bool { parse.diagnostics.hasErrors || check?.diagnostics.hasErrors == true }

    /// Reads and analyses `path`. The checker runs only on a cleanly parsed `sla` block,
    /// so one syntax error does not cascade into unknown-name errors.
    static func load(_ path: String) throws -> LoadedFile {
        let source = SourceFile(path: path, bytes: try Files.read(path))
        return analyse(source)
    }

    /// Reads and analyses `path` for `eval` and `explain`, which ignore test blocks
    /// (SPEC.md 3): their syntax errors, and what follows them up to the next block, do not
    /// make the SLA invalid there (`sla check` and `sla test` still report them).
    static func loadIgnoringTests(_ path: String) throws -> LoadedFile {
        let source = SourceFile(path: path, bytes: try Files.read(path))
        var parse = Parser.parse(source)
        // A test block's own extent, from `test` to its `}`; one left open runs to the end
        // of the file, where its "expected `}`" stands. What follows a closed test block (a
        // second `sla` block, a stray line) is the file's, and an error of it stops `eval`
        // as `check` is stopped.
        let testRegions = parse.file.tests.map { test in
            let end = test.range.end
            let closed = end > test.range.start && end <= source.bytes.count && source.bytes[end - 1] == UInt8(ascii: "}")
            return test.range.start ..< (closed ? end : source.bytes.count + 1)
        }
        // At the `test` keyword itself stands the `sla` block's missing `}` ("expected `}`,
        // found `test`"), an error of the SLA; only where the test block stands is not.
        let inTest: @Sendable (Diagnostic) -> Bool = { diagnostic in
            testRegions.contains { region in
                region.contains(diagnostic.range.start)
                    && (diagnostic.range.start > region.lowerBound || diagnostic.code == "test-before-sla")
            }
        }
        if parse.diagnostics.items.count < parse.diagnostics.count {
            // Only the first diagnostics were kept, so those of the SLA among the rest are
            // not known: parse again, leaving out those of the test blocks as they come.
            parse.diagnostics = Parser.parse(source, ignoring: inTest).diagnostics
        } else {
            var kept = DiagnosticList(limit: Limits.maximumDiagnosticsShown)
            for diagnostic in parse.diagnostics.items where !inTest(diagnostic) { kept.append(diagnostic) }
            parse.diagnostics = kept
        }
        parse.file.tests = []
        return analyse(source, parsed: parse)
    }

    static func analyse(_ source: SourceFile, parsed: ParseResult? = nil) -> LoadedFile {
        let parse = parsed ?? Parser.parse(source)
        var check: CheckResult?
        if !parse.diagnostics.hasErrors, parse.file.sla != nil || parse.file.use == nil {
            check = Checker.check(parse.file, source: source)
        }
        return LoadedFile(source: source, parse: parse, check: check)
    }
}

extension Console {
    /// Writes diagnostics in human form to standard error.
    func report(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            error(DiagnosticRenderer.human(diagnostic, color: colorsErrors) + "\n")
        }
    }
}
