// Fuzz target (e): the whole evaluation of the example SLAs over fuzzed JSONL events,
// report rendering included. The first byte picks the SLA, the rest are the events.
// Invariants: no crash; records + rejected == non-blank lines; the JSON report is
// produced for every input.

import Foundation

/// The example SLAs, compiled once. Found from this file's path (the target is built from
/// the repository, see run.sh).
private let programs: [(program: Program, source: SourceFile)] = {
    let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: examples.path)) ?? [])
        .filter { $0.hasSuffix(".sla") && !$0.hasSuffix(".test.sla") }.sorted()
    let compiled = names.compactMap { name -> (program: Program, source: SourceFile)? in
        let path = examples.appendingPathComponent(name).path
        guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
        let source = SourceFile(path: path, bytes: Array(bytes))
        let loaded = LoadedFile.analyse(source)
        guard let sla = loaded.check?.sla, !loaded.hasErrors else { return nil }
        return (Compiler.compile(sla), source)
    }
    precondition(!compiled.isEmpty, "no example SLA found under \(examples.path)")
    return compiled
}()

/// Where the two-core pass reads the events from: one file per fuzzing process.
private let fuzzFilePath = NSTemporaryDirectory() + "sla-fuzz-\(ProcessInfo.processInfo.processIdentifier).jsonl"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvaluation(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let (program, slaSource) = programs[Int(data[0]) % programs.count]
    let events = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    var options = EvaluationOptions()
    options.sources = [EventSource(input: .bytes(name: "fuzz.jsonl", events), format: .jsonl, displayName: "fuzz.jsonl")]
    options.maxBad = Int.max
    var traced: [TraceEntry] = []
    let result: EvaluationResult
    do {
        let evaluator = Evaluator(program: program)
        let store = try evaluator.read(options)
        // Every period from the earliest event to the as-of time is reported (SPEC.md 6.4):
        // events centuries apart legitimately make millions of goal rows, and would only
        // trip libFuzzer's timeout. Inputs spanning more than 400 days are read, not run.
        let times = store.eventsByLead.joined().map(\.time)
        if let first = times.min(), let last = times.max(), last - first > 400 * 86_400_000 { return 0 }
        // Trace the first lead, as `sla explain` does.
        options.traceLead = store.leadIds.first
        result = evaluator.run(store, asOf: nil, traceLead: options.traceLead, trace: { traced.append($0) })
    } catch {
        fuzzCheck(false, "evaluation threw \(error)")
        return 0
    }
    let expected = nonBlankJSONLines(events)
    fuzzCheck(result.records + result.rejected == expected,
              "records \(result.records) + rejected \(result.rejected) != \(expected) non-blank lines")
    let json = JSONReport.render(result)
    fuzzCheck(json.hasPrefix("{") && json.contains("\"input\""), "JSON report malformed")
    // What `sla eval` runs (streaming into per-lead state, starting over buffered when events
    // are out of order) must give exactly the buffered pass's verdicts.
    var streamingOptions = options
    streamingOptions.traceLead = nil
    do {
        let streamed = try Evaluator(program: program).evaluate(streamingOptions)
        fuzzCheck(JSONReport.render(streamed) == json, "streaming and buffered evaluations differ")
    } catch {
        fuzzCheck(false, "streaming evaluation threw \(error)")
    }
    // The two-core pass over a file, cut into blocks of a size taken from the input, must
    // give the same report too.
    let path = fuzzFilePath
    if FileManager.default.createFile(atPath: path, contents: Data(events)) {
        var fileOptions = streamingOptions
        fileOptions.sources = [EventSource(input: .file(path: path), format: .jsonl, displayName: "fuzz.jsonl")]
        fileOptions.blockBytes = 16 + Int(data[0]) * 4
        do {
            let parallel = try Evaluator(program: program).evaluate(fileOptions)
            fuzzCheck(JSONReport.render(parallel) == json, "two-core and buffered evaluations differ")
        } catch {
            fuzzCheck(false, "two-core evaluation threw \(error)")
        }
    }
    _ = TableReport.render(result)
    _ = CSVReport.cycles(result)
    _ = CSVReport.goals(result)
    if let lead = options.traceLead, result.leads.contains(where: { $0.lead == lead }) {
        _ = ExplainReport.render(lead: lead, trace: traced, result: result, program: program, source: slaSource)
    }
    return 0
}
