/// `sla eval FILE --events PATH...` and `sla explain FILE --events PATH... --lead ID`.
enum EvalCommand {
    enum OutputFormat: String, CaseIterable { case table, json, csv, html }

    /// Status names `--fail-on` accepts: deadline and goal statuses, and `breached`.
    static let failOnStatuses: Set<String> = ["met", "late", "overdue", "breached", "pending", "at_risk",
                                              "missed", "in_progress", "no_data"]
    /// How many rejected records are listed on stderr before the total.
    static let rejectionsShown = 10

    static func run(_ arguments: [String], console: Console, explain: Bool) throws -> Int32 {
        if Driver.wantsHelp(arguments) {
            console.out(explain
                ? "usage: sla explain FILE --events PATH... --lead ID [--as-of TIMESTAMP] [--fail-on STATUS,...] [--max-bad N] [--rejects FILE] [--input-format jsonl|ndjson|csv] [--lead-field NAME] [--type-field NAME] [--time-field NAME]\n"
                : "usage: sla eval FILE --events PATH... [--format table|json|csv|html] [--as-of TIMESTAMP] [--fail-on STATUS,...] [--max-bad N] [--rejects FILE] [--output FILE] [--goals-csv FILE] [--input-format jsonl|ndjson|csv] [--lead-field NAME] [--type-field NAME] [--time-field NAME]\n")
            return ExitCode.success
        }
        var specification: [Arguments.Option] = [
            .init(names: ["--events", "-e"], arity: .multiple),
            .init(names: ["--as-of"], arity: .single),
            .init(names: ["--max-bad"], arity: .single),
            .init(names: ["--rejects"], arity: .single),
            .init(names: ["--input-format"], arity: .single),
            .init(names: ["--lead-field"], arity: .single),
            .init(names: ["--type-field"], arity: .single),
            .init(names: ["--time-field"], arity: .single),
            // Also for `explain`, whose exit codes are those of `eval` (SPEC.md section 7).
            .init(names: ["--fail-on"], arity: .single),
        ]
        if explain {
            specification.append(.init(names: ["--lead"], arity: .single))
        } else {
            specification += [
                .init(names: ["--format"], arity: .single),
                .init(names: ["--output", "-o"], arity: .single),
                .init(names: ["--goals-csv"], arity: .single),
            ]
        }
        let options = try Arguments(arguments, options: specification)
        guard options.positionals.count == 1 else {
            throw UsageError(message: options.positionals.isEmpty ? "missing the SLA file" : "expected one SLA file, found \(options.positionals.count) arguments")
        }
        let eventPaths = options.values("--events")
        guard !eventPaths.isEmpty else { throw UsageError(message: "missing `--events PATH`") }
        // Standard input can be read only once: a second `-` would read nothing, or the
        // same records again.
        if eventPaths.filter({ $0 == "-" }).count > 1 {
            throw UsageError(message: "`--events` names standard input (`-`) more than once")
        }
        // `ndjson` names the same format as `jsonl`, as the `.ndjson` extension does.
        let inputFormat = try options.value("--input-format") == "ndjson"
            ? .jsonl : options.choice("--input-format", as: InputFormat.self, extra: ["ndjson"])
        let format = try options.choice("--format", as: OutputFormat.self) ?? (console.outputIsTerminal ? .table : .json)
        // Every `--fail-on` counts: a second one adds its statuses (as `--events` adds paths).
        var failOn: Set<String> = []
        for list in options.values("--fail-on") {
            for name in list.split(separator: ",", omittingEmptySubsequences: false).map({ String($0).trimmingSpaces() }) {
                guard !name.isEmpty else {
                    throw UsageError(message: "`--fail-on` takes status names separated by commas, found `\(list)`")
                }
                guard failOnStatuses.contains(name) else {
                    let hint = closestName(to: name, among: failOnStatuses).map { " (did you mean `\($0)`?)" }
                        ?? " (expected one of \(failOnStatuses.sorted().joined(separator: ", ")))"
                    throw UsageError(message: "unknown status `\(name)` in `--fail-on`\(hint)")
                }
                failOn.insert(name)
            }
        }
        let lead = options.value("--lead")
        if explain, lead == nil { throw UsageError(message: "missing `--lead ID`") }

        // The SLA.
        let loaded = try LoadedFile.loadIgnoringTests(options.positionals[0])
        guard let check = loaded.check, let sla = check.sla, !loaded.hasErrors else {
            let diagnostics = loaded.diagnostics.filter { $0.severity == .error }
            if loaded.parse.file.sla == nil, diagnostics.isEmpty {
                console.error("sla: `\(loaded.source.path)` holds no `sla` block\n")
            }
            console.report(diagnostics)
            return ExitCode.invalid
        }
        let program = Compiler.compile(sla)

        var evaluation = EvaluationOptions()
        for path in eventPaths {
            evaluation.sources.append(try source(for: path, format: inputFormat))
        }
        if let text = options.value("--as-of") {
            guard let instant = Timestamp.parse(text, zone: sla.zone) else {
                throw UsageError(message: "invalid `--as-of` timestamp `\(text)`")
            }
            evaluation.asOf = instant
        }
        evaluation.maxBad = try options.count("--max-bad") ?? 0
        evaluation.leadField = try options.name("--lead-field") ?? "lead"
        evaluation.typeField = try options.name("--type-field") ?? "type"
        evaluation.timeField = try options.name("--time-field") ?? "at"
        if Set([evaluation.leadField, evaluation.typeField, evaluation.timeField]).count < 3 {
            throw UsageError(message: "the lead, type and time fields must be three different fields, found `\(evaluation.leadField)`, `\(evaluation.typeField)` and `\(evaluation.timeField)`")
        }
        evaluation.traceLead = lead
        // Goal rows are shown by the table, JSON and HTML reports and `--goals-csv`, and
        // judged by `--fail-on` with a goal status; not by `explain` or the cycles CSV.
        let judgesGoals = !failOn.isDisjoint(with: ["met", "missed", "in_progress", "no_data"])
        evaluation.reportsGoals = judgesGoals || options.value("--goals-csv") != nil || (!explain && format != .csv)

        // Two options naming one file would each replace it, and one output would be lost;
        // an output naming an input (the export, the SLA) would replace what was read.
        var named: [String: String] = [:]
        if let identity = try OutputSink.identity(of: options.positionals[0]) { named[identity] = "the SLA file" }
        for path in eventPaths {
            if let identity = try OutputSink.identity(of: path) { named[identity] = "`--events`" }
        }
        for option in ["--output", "--goals-csv", "--rejects"] {
            guard let path = options.value(option), let identity = try OutputSink.identity(of: path) else { continue }
            if let other = named[identity] {
                throw UsageError(message: "\(other) and `\(option)` name the same file `\(path)`")
            }
            named[identity] = "`\(option)`"
        }

        // Rejected records are streamed to a temporary file (a gigabyte of bad input must
        // not be held in memory), which replaces `--rejects FILE` once the run is done.
        let rejects = try options.value("--rejects").map { try OutputSink(path: $0, console: console) }
        var rejectedWritten = 0
        /// The records rejected before an input turned out unreadable, for its message
        /// (the result, which lists them otherwise, never comes).
        var rejectedBeforeFailure: [Rejection] = []
        var rejectedCount = 0
        var trace: [TraceEntry] = []
        let result: EvaluationResult
        do {
            result = try Evaluator(program: program).evaluate(evaluation, onReject: { record, file in
                rejectedCount += 1
                if rejectedBeforeFailure.count < rejectionsShown {
                    rejectedBeforeFailure.append(Rejection(file: file, line: record.line, reason: record.reason))
                }
                if let rejects {
                    try rejects.append(record.raw)
                    try rejects.append([10])
                    rejectedWritten += 1
                }
            }, trace: { trace.append($0) })
        } catch EvaluationError.input(let error, let file) {
            // The records rejected before an input failed are what to look at; with none,
            // the run failed before reading anything worth keeping: the old file stays.
            if rejectedWritten > 0 { try rejects?.finish() } else { rejects?.discard() }
            // The reader's messages start with the input's name.
            let message = error.message.hasPrefix(file) || file == "-" ? error.message : "\(file): \(error.message)"
            // An unreadable file is a one-line message (SPEC.md 7); invalid events list the
            // records rejected before, as a run that ends normally does.
            if error.kind == .unreadable { throw UsageError(message: message) }
            reportRejections(rejectedBeforeFailure, total: rejectedCount, console: console)
            console.error("sla: \(message)\n")
            return ExitCode.invalid
        } catch EvaluationError.tooManyRejected(let rejected, let maxBad, let rejections) {
            try rejects?.finish()
            reportRejections(rejections, total: rejected, console: console)
            console.error("sla: \(rejected) record\(rejected == 1 ? "" : "s") rejected, more than `--max-bad \(maxBad)` allows: no verdicts written\n")
            return ExitCode.invalid
        } catch EvaluationError.tooManyGoalRows(let count, let result) {
            // The events are fine; what is wrong is the span of time they (or `--as-of`) cover.
            if rejectedWritten > 0 { try rejects?.finish() } else { rejects?.discard() }
            reportRejections(result.rejections, total: result.rejected, console: console)
            let message = count.message(sla: result.sla, firstEvent: result.firstEvent ?? 0, asOf: result.asOf ?? 0)
            console.error("sla: \(message.summary): no verdicts written\n  help: \(message.help)\n")
            return ExitCode.invalid
        }
        reportRejections(result.rejections, total: result.rejected, console: console)
        let code = failed(result, on: failOn) ? ExitCode.failure : ExitCode.success

        if explain, let lead {
            guard result.leads.contains(where: { $0.lead.utf8.elementsEqual(lead.utf8) }) else {
                rejects?.discard()
                throw UsageError(message: "lead `\(lead)` has no events at or before the as-of time")
            }
            console.out(ExplainReport.render(lead: lead, trace: trace, result: result, program: program, source: loaded.source))
            try OutputSink.complete([rejects].compactMap { $0 }, console: console)
            return code
        }

        let sink = try options.value("--output").map { try OutputSink(path: $0, console: console) } ?? OutputSink(console: console)
        switch format {
        case .json: JSONReport.render(result, to: sink.write)
        case .table: sink.write(Array(TableReport.render(result).utf8))
        case .csv: sink.write(Array(CSVReport.cycles(result).utf8))
        case .html: sink.write(Array(HTMLReport.render(result).utf8))
        }
        let goals = try options.value("--goals-csv").map { try OutputSink(path: $0, console: console) }
        goals?.write(Array(CSVReport.goals(result).utf8))
        try OutputSink.complete([rejects, sink, goals].compactMap { $0 }, console: console)
        Driver.keepUntilExit(result)
        return code
    }

    /// An input's format: `--input-format` wins; otherwise the extension (any case);
    /// standard input is JSONL.
    static func source(for path: String, format: InputFormat?) throws -> EventSource {
        if path == "-" {
            return EventSource(input: .standardInput, format: format ?? .jsonl, displayName: "-")
        }
        guard let resolved = format ?? InputFormat(extensionOf: path) else {
            throw UsageError(message: "cannot tell the format of `\(path)` from its extension: use `.jsonl`, `.ndjson`, `.csv` or `--input-format`")
        }
        return EventSource(input: .file(path: path), format: resolved, displayName: path)
    }

    static func reportRejections(_ rejections: [Rejection], total: Int, console: Console) {
        guard total > 0 else { return }
        for rejection in rejections.prefix(rejectionsShown) {
            console.error("sla: rejected \(TextFormatting.visible(rejection.file)):\(rejection.line): \(TextFormatting.visible(rejection.reason))\n")
        }
        let shown = min(rejections.count, rejectionsShown)
        console.error("sla: \(total) record\(total == 1 ? "" : "s") rejected" + (shown < total ? " (first \(shown) shown)" : "") + "\n")
    }

    /// Whether any verdict has a status named in `--fail-on`.
    static func failed(_ result: EvaluationResult, on statuses: Set<String>) -> Bool {
        guard !statuses.isEmpty else { return false }
        for cycle in result.cycles {
            if statuses.contains(cycle.status.rawValue) { return true }
            if statuses.contains("breached"), cycle.status == .late || cycle.status == .overdue { return true }
        }
        return result.goals.contains { statuses.contains($0.status.rawValue) }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
