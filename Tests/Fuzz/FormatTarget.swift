// Fuzz target (b): `sla fmt` on arbitrary bytes. Whatever parses must format to text that
// re-parses to the same tree, keeps every comment, and formats to itself
// (`Formatter.formatVerified` runs exactly the checks `sla fmt` runs before writing).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFormat(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let source = SourceFile(path: "fuzz.sla", bytes: fuzzBytes(data, size))
    switch Formatter.formatVerified(source) {
    // A canonical form past a limit (a string of tabs growing as `\t`s) is reported, not written.
    case .formatted, .syntaxErrors, .beyondLimits:
        break
    case .unsafe(let reason):
        fuzzCheck(false, "sla fmt would change the meaning: \(reason)")
    }
    return 0
}
