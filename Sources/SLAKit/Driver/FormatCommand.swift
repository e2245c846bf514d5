/// `sla fmt FILE...|- [-w | --check | --diff]`: canonical formatting (grammar.md section 6).
///
/// Without a mode, the formatted text of one file goes to standard output. `-w` rewrites
/// the files that change, atomically; `--check` lists the files that are not formatted;
/// `--diff` prints what formatting would change. `-` is standard input. Every file is
/// formatted and proven safe (`Formatter.formatVerified`) before anything is written; a file
/// with syntax errors, or whose formatting fails a safety check, is left untouched.
///
/// Exit codes: 0; 1 when `--check` or `--diff` found unformatted files; 2 when a file has
/// syntax errors (or formatting it failed a safety check); 3 for usage errors and unreadable
/// files. With several files, the highest code wins.
enum FormatCommand {
    static let usage = "usage: sla fmt FILE...|- [-w | --check | --diff]"

    /// What to do with the formatted text.
    private enum Mode {
        case print, write, check, diff
    }

    static func run(_ arguments: [String], console: Console) throws -> Int32 {
        if Driver.wantsHelp(arguments) {
            console.out("""
            \(usage)

              (no option)  print the formatted file on standard output (one file only)
              -w           rewrite the files in place when formatting changes them
              --check      list the files that are not formatted; exit 1 if any
              --diff       print a unified diff of what formatting would change; exit 1 if any
              -            read standard input and write to standard output

            """)
            return ExitCode.success
        }
        let options = try Arguments(arguments, options: [
            .init(names: ["-w", "--write"], arity: .flag),
            .init(names: ["--check"], arity: .flag),
            .init(names: ["--diff"], arity: .flag),
        ])
        let chosen: [(Mode, Bool)] = [(.write, options.flag("-w")), (.check, options.flag("--check")), (.diff, options.flag("--diff"))]
        let modes = chosen.filter(\.1).map(\.0)
        guard modes.count <= 1 else { throw UsageError(message: "fmt takes only one of -w, --check and --diff") }
        let mode = modes.first ?? .print
        let paths = options.positionals
        guard !paths.isEmpty else { throw UsageError(message: "fmt needs at least one file (or `-` for standard input)") }
        try Driver.requireStandardInputOnce(paths)
        if mode == .write, paths.contains("-") { throw UsageError(message: "-w cannot rewrite standard input") }
        if mode == .print, paths.count > 1 {
            throw UsageError(message: "fmt prints one file; use -w, --check or --diff for several")
        }

        var exitCode = ExitCode.success
        for path in paths {
            exitCode = max(exitCode, formatFile(path, mode: mode, console: console))
        }
        return exitCode
    }

    /// Formats one file (or standard input for `-`) and acts on it; returns its exit code.
    private static func formatFile(_ path: String, mode: Mode, console: Console) -> Int32 {
        let isStandardInput = path == "-"
        let displayPath = isStandardInput ? "<stdin>" : path
        let bytes: [UInt8]
        do {
            bytes = isStandardInput ? try Files.readSource(from: console) : try Files.read(path)
        } catch let error as UsageError {
            console.error("sla: \(error.message)\n")
            return ExitCode.usage
        } catch {
            console.error("sla: cannot read `\(path)`\n")
            return ExitCode.usage
        }
        let source = SourceFile(path: displayPath, bytes: bytes)
        switch Formatter.formatVerified(source) {
        case .syntaxErrors(let diagnostics):
            // As `sla check` shows them: the first hundred, and a note for the rest.
            CheckCommand.reportHuman(diagnostics, console: console, fullListing: "`sla check --format json`")
            let summary = DiagnosticRenderer.summary(errors: diagnostics.errorCount, warnings: diagnostics.warningCount)
            console.error("\(displayPath): not formatted: \(summary)\n")
            return ExitCode.invalid
        case .beyondLimits(let reason):
            console.error("sla: `\(displayPath)` cannot be formatted: \(reason); it is left untouched\n")
            return ExitCode.invalid
        case .unsafe(let reason):
            console.error("sla: internal error: \(reason); `\(displayPath)` is left untouched (please report this)\n")
            return ExitCode.invalid
        case .formatted(let text):
            let changed = Array(text.utf8) != bytes
            switch mode {
            case .print:
                console.out(text)
                return ExitCode.success
            case .write:
                guard changed else { return ExitCode.success }
                do {
                    try Files.writeWhole(Array(text.utf8), to: path)
                } catch let error as UsageError {
                    console.error("sla: \(error.message)\n")
                    return ExitCode.usage
                } catch {
                    console.error("sla: cannot write `\(path)`\n")
                    return ExitCode.usage
                }
                return ExitCode.success
            case .check:
                guard changed else { return ExitCode.success }
                console.out(displayPath + "\n")
                return ExitCode.failure
            case .diff:
                guard changed else { return ExitCode.success }
                console.out(LineDiff.unified(old: String(decoding: bytes, as: UTF8.self), new: text, path: displayPath))
                return ExitCode.failure
            }
        }
    }
}
