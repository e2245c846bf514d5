/// The entry point the `sla` executable calls: parses the argument vector and runs a
/// command. Returns the process exit code (SPEC.md section 7).
public enum Driver {
    public static func main(arguments: [String]) -> Int32 {
        3
    }
}
