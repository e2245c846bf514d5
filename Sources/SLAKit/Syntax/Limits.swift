/// Hard limits on the size of `.sla` sources (grammar.md section 4). They keep every later
/// pass (checker, evaluator, formatter) safe from stack overflow and unbounded memory, whatever
/// the input: exceeding one is a diagnostic, never a crash.
public enum Limits {
    /// The deepest expression tree the parser builds, counted in levels of nodes above a
    /// leaf: every parenthesis, list, call, unary operator and binary operator adds one
    /// (so `a + b + c` is 2 deep, `((x))` is 2 deep). Deeper expressions get one
    /// `nesting-too-deep` diagnostic and the parser stops descending.
    public static let maximumExpressionDepth = 100

    /// The longest identifier, in UTF-8 bytes (identifiers are ASCII, so also characters).
    public static let maximumIdentifierBytes = 256

    /// The longest string literal, in source bytes between its quotes (escapes counted as
    /// written).
    public static let maximumStringBytes = 65_536

    /// The largest business-day budget (`within Nbd of CALENDAR`): about 270 years of
    /// working days, so that computing a budget day by day stays quick.
    public static let businessDays = 100_000

    /// The largest `.sla` source read, in bytes (16 MiB). Sources are read whole; a real
    /// agreement is a few kilobytes, and events belong in event files (`events from`), so
    /// a larger file is refused rather than held in memory.
    public static let maximumSourceBytes = 16 << 20

    /// The most declarations an `sla` block may hold (test blocks are not counted).
    public static let maximumDeclarations = 100_000

    /// How many did-you-mean suggestions the checker computes per file; later unknown names
    /// get none. Each suggestion compares the name with every declared name, so without a
    /// cap a file of n declarations referring to unknown names would take O(n²) time.
    public static let maximumSuggestions = 100

    /// The most diagnostics `sla check` (and every command that reports an invalid file)
    /// shows per file; one `too-many-diagnostics` line stands for the rest.
    public static let maximumDiagnosticsShown = 1_000

    /// The widest part of a source line a diagnostic shows, in Unicode scalars: longer lines
    /// are cut around the caret, with `…` where text was left out.
    public static let maximumSourceLineShown = 120
}
