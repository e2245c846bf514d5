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
        var passed = 0, failed = 0
        var invalid = false
        var suites: [(file: SourceFile, outcomes: [TestOutcome])] = []

        for path in options.positionals {
            let loaded = try LoadedFile.load(path)
            let errors = loaded.diagnostics.filter { $0.severity == .error }
            guard errors.isEmpty else {
                console.report(errors)
                invalid = true
                continue
            }
            // The SLA under test: the file's own, or the one it `use`s.
            var program: Program
            if let use = loaded.parse.file.use, loaded.parse.file.sla == nil {
                let target = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(use.value).path
                let slaFile: LoadedFile
                do {
                    slaFile = try LoadedFile.load(target)
                } catch let error as UsageError {
                    console.report([Diagnostic(Catalog.unreadableUse(use.value, error.message), at: use.range, in: loaded.source)])
                    invalid = true
                    continue
                }
                guard let sla = slaFile.check?.sla, !slaFile.hasErrors else {
                    console.report(slaFile.diagnostics.filter { $0.severity == .error })
                    invalid = true
                    continue
                }
                program = Compiler.compile(sla)
            } else if let sla = loaded.check?.sla {
                program = Compiler.compile(sla)
            } else {
                console.report([Diagnostic(Catalog.testFileWithoutSLA(), at: SourceRange.at(0), in: loaded.source)])
                invalid = true
                continue
            }

            let tests = loaded.parse.file.tests.filter { test in
                guard let pattern else { return true }
                return pattern.contains("*") || pattern.contains("?")
                    ? Operations.matches(.string(test.name.value), .string(pattern))
                    : test.name.value.contains(pattern)
            }
            if loaded.parse.file.tests.isEmpty {
                console.out("FAIL  \(path): no tests in this file\n")
                failed += 1
                continue
            }
            let runner = TestBlockRunner(program: program, testFile: loaded.source)
            let problems = tests.flatMap { runner.check($0) }
            guard problems.isEmpty else {
                console.report(problems)
                invalid = true
                continue
            }
            if options.positionals.count > 1 { console.out("\(path)\n") }
            var outcomes: [TestOutcome] = []
            for test in tests {
                let outcome = runner.run(test)
                outcomes.append(outcome)
                console.out(TestReport.line(outcome, file: loaded.source))
                if outcome.passed {
                    passed += 1
                } else {
                    failed += 1
                    if options.flag("-v"), let result = outcome.result {
                        for (lead, trace) in outcome.traces.sorted(by: { $0.key < $1.key }) {
                            let timeline = ExplainReport.render(lead: lead, trace: trace, result: result, program: program,
                                                                source: loaded.source)
                            console.out(timeline.split(separator: "\n", omittingEmptySubsequences: false).map { "      | " + $0 }.joined(separator: "\n") + "\n")
                        }
                    }
                }
            }
            suites.append((loaded.source, outcomes))
        }
        if let junit = options.value("--junit") {
            try Files.writeAtomically(Array(TestReport.junit(suites).utf8), to: junit)
        }
        console.out("\(passed) passed, \(failed) failed\n")
        if invalid { return ExitCode.invalid }
        return failed > 0 ? ExitCode.failure : ExitCode.success
    }
}
