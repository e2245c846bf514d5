import Foundation

/// `sla test FILE... [--run PATTERN] [--junit FILE] [-v]`: runs the `test` blocks of SLA
/// files and of test files that `use` one.
enum TestCommand {
    static func run(_ arguments: [String], console: Console) throws -> Int32 {
        if Driver.wantsHelp(arguments) {
            console.out("usage: sla test FILE... [--run PATTERN] [--junit FILE] [-v]\n")
            return ExitCode.success
        }
        let options = try Arguments(arguments, options: [
            .init(names: ["--run"], arity: .single),
            .init(names: ["--junit"], arity: .single),
            .init(names: ["-v", "--verbose"], arity: .flag),
        ])
        guard !options.positionals.isEmpty else { throw UsageError(message: "test needs at least one file") }
        let pattern = options.value("--run")
        if pattern?.isEmpty == true { throw UsageError(message: "`--run` takes a non-empty pattern") }
        // With the JUnit report on standard output (`--junit -`), the lines for people go to
        // standard error, so that standard output is the XML alone.
        let junitPath = options.value("--junit")
        let toError = junitPath == "-"
        let say: (String) -> Void = { text in toError ? console.error(text) : console.out(text) }
        var passed = 0, failed = 0
        /// Tests that `--run` selected (all without it).
        var selected = 0
        var invalid = false
        var suites: [(file: SourceFile, result: TestReport.FileResult)] = []
        /// Reports why a file's tests cannot run, on standard error and in the JUnit report.
        func reject(_ file: SourceFile, _ diagnostics: [Diagnostic]) {
            console.report(diagnostics)
            suites.append((file, .invalid(diagnostics.map { DiagnosticRenderer.human($0) })))
            invalid = true
        }

        for path in options.positionals {
            let loaded = try LoadedFile.load(path)
            let errors = loaded.diagnostics.filter { $0.severity == .error }
            guard errors.isEmpty else {
                reject(loaded.source, errors)
                continue
            }
            let program: Program
            /// The file the SLA is in (the `use`d one, or this one): `-v` quotes its clauses.
            let slaSource: SourceFile
            switch loaded.programUnderTest() {
            case .success(let underTest):
                (program, slaSource) = underTest
            case .failure(let problems):
                reject(loaded.source, problems.diagnostics.shown)
                continue
            }

            let tests = loaded.parse.file.tests.filter { test in
                guard let pattern else { return true }
                return pattern.contains("*") || pattern.contains("?")
                    ? Operations.matches(.string(test.name.value), .string(pattern))
                    : test.name.value.contains(pattern)
            }
            if loaded.parse.file.tests.isEmpty {
                say("FAIL  \(TextFormatting.visible(path)): no tests in this file\n")
                suites.append((loaded.source, .noTests))
                failed += 1
                continue
            }
            let runner = TestBlockRunner(program: program, testFile: loaded.source)
            let problems = runner.check(loaded.parse.file.tests, selected: tests)
            guard problems.isEmpty else {
                reject(loaded.source, problems.shown)
                continue
            }
            if options.positionals.count > 1 { say("\(TextFormatting.visible(path))\n") }
            selected += tests.count
            var outcomes: [TestOutcome] = []
            for test in tests {
                let outcome = runner.run(test, traces: options.flag("-v"))
                outcomes.append(outcome)
                say(TestReport.line(outcome, file: loaded.source))
                if outcome.passed {
                    passed += 1
                } else {
                    failed += 1
                    if options.flag("-v"), let result = outcome.result {
                        for (lead, trace) in outcome.traces.sorted(by: { $0.key < $1.key }) {
                            let timeline = ExplainReport.render(lead: lead, trace: trace, result: result, program: program,
                                                                source: slaSource)
                            say(timeline.split(separator: "\n", omittingEmptySubsequences: false).map { "      | " + $0 }.joined(separator: "\n") + "\n")
                        }
                    }
                }
            }
            suites.append((loaded.source, .ran(outcomes)))
        }
        // A pattern that selects nothing is a mistake (a typo), not a passing run; so says
        // the JUnit report too, where each file ran none.
        let noMatch = pattern != nil && selected == 0 && !invalid
        if let pattern, noMatch {
            suites = suites.map { suite in
                if case .ran(let outcomes) = suite.result, outcomes.isEmpty { return (suite.file, .noMatch(pattern: pattern)) }
                return suite
            }
        }
        let junit = try junitPath.map { try OutputSink(path: $0, console: console) }
        junit?.write(Array(TestReport.junit(suites).utf8))
        say("\(passed) passed, \(failed) failed\n")
        // The report replaces an old one only once standard output is written too.
        try OutputSink.complete([junit].compactMap { $0 }, console: console)
        if invalid { return ExitCode.invalid }
        if let pattern, noMatch {
            console.error("sla: no test matches `--run \(TextFormatting.visible(pattern))`\n")
            return ExitCode.failure
        }
        return failed > 0 ? ExitCode.failure : ExitCode.success
    }
}

/// Diagnostics that stop a file's tests from running.
struct TestSetupProblems: Error {
    var diagnostics: DiagnosticList

    init(_ diagnostics: DiagnosticList) { self.diagnostics = diagnostics }

    init(_ diagnostic: Diagnostic) {
        diagnostics = DiagnosticList()
        diagnostics.append(diagnostic)
    }
}

extension LoadedFile {
    /// The SLA a file's tests run against, compiled, and the file it is in: the file's own
    /// `sla` block, or the one its `use "FILE.sla"` names (relative to the file unless
    /// absolute).
    func programUnderTest() -> Result<(program: Program, source: SourceFile), TestSetupProblems> {
        if let use = parse.file.use, parse.file.sla == nil {
            let target = TestBlockRunner.path(use.value, besides: source.path)
            let slaFile: LoadedFile
            do {
                slaFile = try LoadedFile.load(target)
            } catch let error as UsageError {
                return .failure(TestSetupProblems(Diagnostic(Catalog.unreadableUse(use.value, error.message), at: use.range, in: source)))
            } catch {
                return .failure(TestSetupProblems(Diagnostic(Catalog.unreadableUse(use.value, "\(error)"), at: use.range, in: source)))
            }
            guard let sla = slaFile.check?.sla, !slaFile.hasErrors else {
                return .failure(TestSetupProblems(slaFile.diagnosticList.errors))
            }
            return .success((Compiler.compile(sla), slaFile.source))
        }
        if let sla = check?.sla { return .success((Compiler.compile(sla), source)) }
        return .failure(TestSetupProblems(Diagnostic(Catalog.testFileWithoutSLA(), at: SourceRange.at(0), in: source)))
    }

    /// Problems in the file's test blocks: names the SLA under test does not declare, bad
    /// timestamps, or an SLA that cannot be used (the first `Limits.maximumDiagnosticsShown`
    /// kept, all counted). Empty for a file without tests.
    func testDiagnostics() -> DiagnosticList {
        guard !parse.file.tests.isEmpty, !hasErrors else { return DiagnosticList(limit: Limits.maximumDiagnosticsShown) }
        switch programUnderTest() {
        case .success(let (program, _)):
            let runner = TestBlockRunner(program: program, testFile: source)
            return runner.check(parse.file.tests, selected: parse.file.tests)
        case .failure(let problems):
            return problems.diagnostics
        }
    }
}

