import Foundation

/// `sla check FILE... [--format human|json|github] [--strict]`.
enum CheckCommand {
    /// Most diagnostics of one file printed by `--format human` (the summary counts all;
    /// `--format json` and `github` list up to `Limits.maximumDiagnosticsShown`).
    static let maximumShownPerFile = 100

    static func run(_ arguments: [String], console: Console) throws -> Int32 {
        if Driver.wantsHelp(arguments) {
            console.out("usage: sla check FILE... [--format human|json|github] [--strict]\n")
            return ExitCode.success
        }
        let options = try Arguments(arguments, options: [
            .init(names: ["--format"], arity: .single),
            .init(names: ["--strict"], arity: .flag),
        ])
        let format = try options.choice("--format", as: DiagnosticFormat.self) ?? .human
        guard !options.positionals.isEmpty else { throw UsageError(message: "check needs at least one file") }
        try Driver.requireStandardInputOnce(options.positionals)
        /// Each file's diagnostics: all counted, the first `Limits.maximumDiagnosticsShown` kept.
        var perFile: [DiagnosticList] = []
        /// The files' paths as diagnostics show them (`<stdin>` for `-`).
        var shownPaths: [String] = []
        /// The files checked in this run, to show a `use`d SLA's diagnostics once.
        let checkedFiles = Set(options.positionals.filter { $0 != "-" }.map(CheckCommand.identity))
        for path in options.positionals {
            // `-` is standard input, as for `sla fmt` (an editor checking unsaved text).
            let loaded = path == "-" ? LoadedFile.analyse(SourceFile(path: "<stdin>", bytes: try Files.readSource(from: console))) : try LoadedFile.load(path)
            // Test blocks are checked against the SLA they test, so CI catches a misspelt
            // expectation before `sla test` runs. When that SLA is broken, its errors stand
            // for the tests'; they are shown once when it is checked in this run too.
            var diagnostics = loaded.diagnosticList
            let testDiagnostics = loaded.testDiagnostics()
            let ownIdentity = CheckCommand.identity(path)
            let shownElsewhere = !testDiagnostics.isEmpty && testDiagnostics.items.allSatisfy { diagnostic in
                let identity = CheckCommand.identity(diagnostic.file.path)
                return identity != ownIdentity && checkedFiles.contains(identity)
            }
            if !shownElsewhere { diagnostics.append(contentsOf: testDiagnostics) }
            perFile.append(diagnostics)
            shownPaths.append(loaded.source.path)
        }
        let errors = perFile.reduce(0) { $0 + $1.errorCount }
        let warnings = perFile.reduce(0) { $0 + $1.warningCount }
        let all = perFile.flatMap(\.shown)
        switch format {
        case .human:
            for list in perFile { reportHuman(list, console: console, fullListing: "`--format json`") }
            let files = shownPaths.count == 1 ? shownPaths[0] : "\(shownPaths.count) files"
            console.error("\(files): \(DiagnosticRenderer.summary(errors: errors, warnings: warnings))\n")
        case .json:
            console.out(DiagnosticRenderer.json(all))
        case .github:
            for diagnostic in all { console.out(DiagnosticRenderer.github(diagnostic) + "\n") }
        }
        if errors > 0 { return ExitCode.invalid }
        if warnings > 0, options.flag("--strict") { return ExitCode.failure }
        return ExitCode.success
    }

    /// A path as an absolute, standardized one: two spellings of one file compare equal.
    private static func identity(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// Shows a file's diagnostics on a terminal: the first `maximumShownPerFile` (a binary
    /// file gives thousands of errors; a terminal needs the first few), then a note counting
    /// the rest and naming `fullListing`, the command that lists more.
    static func reportHuman(_ list: DiagnosticList, console: Console, fullListing: String) {
        let diagnostics = list.shown
        console.report(Array(diagnostics.prefix(maximumShownPerFile)))
        guard list.count > maximumShownPerFile, let file = diagnostics.first?.file.path else { return }
        let listed = list.count > Limits.maximumDiagnosticsShown ? "the first \(Limits.maximumDiagnosticsShown)" : "all"
        console.error("note: \(list.count - maximumShownPerFile) more in \(file) not shown (\(fullListing) lists \(listed))\n\n")
    }
}
