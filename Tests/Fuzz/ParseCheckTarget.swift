// Fuzz target (a): lexer, parser and checker on arbitrary bytes, then the compiler and the
// diagnostic renderers. Nothing may crash, hang or recurse without bound; every
// diagnostic must point inside the file.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzParseCheck(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let source = SourceFile(path: "fuzz.sla", bytes: fuzzBytes(data, size))
    let loaded = LoadedFile.analyse(source)
    for diagnostic in loaded.diagnostics.prefix(50) {
        fuzzCheck(diagnostic.range.start >= 0 && diagnostic.range.end <= size,
                  "diagnostic \(diagnostic.code) range \(diagnostic.range) outside 0..<\(size)")
        _ = DiagnosticRenderer.human(diagnostic, color: false)
    }
    if let sla = loaded.check?.sla, !loaded.hasErrors {
        let program = Compiler.compile(sla)
        // Test blocks are checked and run against the SLA, as `sla test` does.
        let runner = TestBlockRunner(program: program, testFile: source)
        for test in loaded.parse.file.tests.prefix(4) where runner.check(test).isEmpty {
            _ = runner.run(test)
        }
    }
    return 0
}
