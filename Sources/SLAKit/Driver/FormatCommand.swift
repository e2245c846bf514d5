/// `sla fmt` (being built: see issue 4).
enum FormatCommand {
    static func run(_ arguments: [String], console: Console) throws -> Int32 {
        throw UsageError(message: "`sla fmt` is not available in this build yet")
    }
}
