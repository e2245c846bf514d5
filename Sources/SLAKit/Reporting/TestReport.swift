/// Renders `sla test` results: a line per test, failures as expected against actual with
/// the expectation's file:line:col, and JUnit XML for CI.
public enum TestReport {
    public static func line(_ outcome: TestOutcome, file: SourceFile) -> String {
        let milliseconds = (outcome.duration * 10_000).rounded() / 10
        // Names, ids and values come from the files: shown, never sent raw to the terminal.
        let visible: (String) -> String = TextFormatting.visible
        var text = "\(outcome.passed ? "PASS" : "FAIL")  \(visible(outcome.name)) (\(TextFormatting.number(milliseconds)) ms)\n"
        for failure in outcome.failures {
            let location = file.location(of: failure.range.start)
            text += "      \(visible(file.path)):\(location.line):\(location.column): \(visible(failure.subject))\n"
            text += "        expected: \(visible(failure.expected))\n"
            text += "        actual:   \(visible(failure.actual))\n"
        }
        return text
    }

    /// What `sla test` did with one file, for the JUnit report.
    public enum FileResult {
        /// The tests ran (a `--run` pattern may have selected none).
        case ran([TestOutcome])
        /// The file holds no tests: a failure (grammar.md 5.7).
        case noTests
        /// The `--run` pattern selected no test in any file: a failure (a typo must not
        /// show green).
        case noMatch(pattern: String)
        /// The tests could not run: the file (or the SLA it uses) is invalid. The
        /// diagnostics, rendered.
        case invalid([String])
    }

    /// JUnit XML, one `<testsuite>` per file: a `<testcase>` per test, with one `<failure>`
    /// listing its failed expectations; a file without tests is one failed testcase, and a
    /// file whose tests cannot run one testcase with an `<error>`, so that CI shows every
    /// way the run went wrong.
    public static func junit(_ suites: [(file: SourceFile, result: FileResult)]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        for (file, result) in suites {
            let path = Markup.escape(file.path)
            switch result {
            case .invalid(let problems):
                let first = problems.first.map { $0.split(separator: "\n").first.map(String.init) ?? $0 } ?? "invalid file"
                xml += "  <testsuite name=\"\(path)\" tests=\"1\" failures=\"0\" errors=\"1\" time=\"0\">\n"
                xml += "    <testcase name=\"\(path)\" classname=\"\(path)\" time=\"0\">\n"
                xml += "      <error message=\"\(Markup.escape("the tests cannot run: " + first))\">\(Markup.escape(problems.joined(separator: "\n")))</error>\n"
                xml += "    </testcase>\n  </testsuite>\n"
            case .noTests:
                xml += "  <testsuite name=\"\(path)\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0\">\n"
                xml += "    <testcase name=\"no tests\" classname=\"\(path)\" time=\"0\">\n"
                xml += "      <failure message=\"no tests in this file\"/>\n"
                xml += "    </testcase>\n  </testsuite>\n"
            case .noMatch(let pattern):
                xml += "  <testsuite name=\"\(path)\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0\">\n"
                xml += "    <testcase name=\"no test matches\" classname=\"\(path)\" time=\"0\">\n"
                xml += "      <failure message=\"\(Markup.escape("no test matches `--run \(pattern)`"))\"/>\n"
                xml += "    </testcase>\n  </testsuite>\n"
            case .ran(let outcomes):
                let failures = outcomes.filter { !$0.passed }.count
                let time = outcomes.reduce(0) { $0 + $1.duration }
                xml += "  <testsuite name=\"\(path)\" tests=\"\(outcomes.count)\" failures=\"\(failures)\" errors=\"0\" time=\"\(time)\">\n"
                for outcome in outcomes {
                    xml += "    <testcase name=\"\(Markup.escape(outcome.name))\" classname=\"\(path)\" time=\"\(outcome.duration)\""
                    guard !outcome.passed else {
                        xml += "/>\n"
                        continue
                    }
                    // One failure element (JUnit readers show the first only), naming every
                    // unmet expectation in its text.
                    let messages = outcome.failures.map { "\($0.subject): expected \($0.expected), found \($0.actual)" }
                    let lines = zip(outcome.failures, messages).map { failure, message in
                        let location = file.location(of: failure.range.start)
                        return "\(file.path):\(location.line):\(location.column): \(message)"
                    }
                    let summary = messages.count == 1 ? messages[0] : "\(messages.count) expectations failed; first: \(messages[0])"
                    xml += ">\n      <failure message=\"\(Markup.escape(summary))\">\(Markup.escape(lines.joined(separator: "\n")))</failure>\n"
                    xml += "    </testcase>\n"
                }
                xml += "  </testsuite>\n"
            }
        }
        return xml + "</testsuites>\n"
    }
}
