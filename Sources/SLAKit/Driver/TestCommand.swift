/// `sla test` (being built: see issue 4).
enum TestCommand {
    static func run(_ arguments: [String], console: Console) throws -> Int32 {
        throw UsageError(message: "`sla test` is not available in this build yet")
    }
}
