import Testing
@testable import SLAKit

/// `TypeIdCache` answers what `Program.typeId` answers, whatever the order of the types:
/// types the SLA names and types it does not, types that share a place in the cache (same
/// length, first and last byte), and types too long to be remembered.
@Suite struct TypeIdCacheTests {
    static func program() throws -> Program {
        let text = """
        sla "x" {
          score heat {
            +1 on page_view
            +2 on email_open
            +3 on form_submit
            +4 on pAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAw
          }
          stage hot on call where heat > 1
          stage warm on cAll where heat > 2
          stage cold on cBll where heat > 3
        }
        """
        let source = SourceFile(path: "case.sla", bytes: Array(text.utf8))
        let parse = Parser.parse(source)
        return Compiler.compile(try #require(Checker.check(parse.file, source: source).sla))
    }

    @Test func agreesWithTheProgram() throws {
        let program = try Self.program()
        let cache = TypeIdCache(program: program)
        // `call`, `cAll`, `cBll`, `cxll` and `c--l` share a place (length 4, `c` ... `l`);
        // `p...w` types of 40 bytes are longer than the cache keeps.
        let types = ["page_view", "email_open", "form_submit", "call", "cAll", "cBll", "cxll", "c--l", "deal_won",
                     "pAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAw", "pAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABw", "x",
                     "page_vie", "page_viewx", String(repeating: "y", count: TypeIdCache.maximumBytes)]
        var generator = SystemRandomNumberGenerator()
        var mismatches: [String] = []
        for _ in 0..<5_000 {
            var type = types[Int.random(in: 0..<types.count, using: &generator)]
            let expected = program.typeId(type)
            let found = type.withUTF8 { cache.typeId($0.baseAddress!, $0.count) }
            if found != expected { mismatches.append("\(type): \(found), expected \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        // The SLA's types have ids; the others are -1.
        #expect(program.typeId("cAll") >= 0 && program.typeId("cxll") == -1)
    }
}
