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

    /// JUnit XML, one `<testsuite>` per file.
    public static func junit(_ suites: [(file: SourceFile, outcomes: [TestOutcome])]) -> String {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        for suite in suites {
            let failures = suite.outcomes.filter { !$0.passed }.count
            let time = suite.outcomes.reduce(0) { $0 + $1.duration }
            xml += "  <testsuite name=\"\(Markup.escape(suite.file.path))\" tests=\"\(suite.outcomes.count)\" failures=\"\(failures)\" time=\"\(time)\">\n"
            for outcome in suite.outcomes {
                xml += "    <testcase name=\"\(Markup.escape(outcome.name))\" classname=\"\(Markup.escape(suite.file.path))\" time=\"\(outcome.duration)\""
                if outcome.passed {
                    xml += "/>\n"
                    continue
                }
                xml += ">\n"
                for failure in outcome.failures {
                    let location = suite.file.location(of: failure.range.start)
                    let message = "\(failure.subject): expected \(failure.expected), found \(failure.actual)"
                    xml += "      <failure message=\"\(Markup.escape(message))\">\(Markup.escape("\(suite.file.path):\(location.line):\(location.column): \(message)"))</failure>\n"
                }
                xml += "    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }
}
