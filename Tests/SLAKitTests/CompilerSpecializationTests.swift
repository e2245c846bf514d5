import Testing
@testable import SLAKit

/// The compiler's specialized comparisons (an attribute against a literal, read in place;
/// numbers against numbers as `Double`s) must decide every condition as the general path
/// does. Random comparisons the checker accepts are compiled both ways and evaluated on
/// random lead and event states.
@Suite struct CompilerSpecializationTests {
    static let operands = [
        "lead.a", "lead.b", "event.a", "event.c", "(lead.a)", "fit", "eng", "fit + eng", "fit - 2", "fit * eng",
        "eng / fit", "-fit", "(fit + 1) / 0", "0", "2", "-1.5", "10%", "\"SE\"", "\"\"", "\"é\"", "\"/pricing\"",
        "\"SE*\"", "null", "true", "1h", "[\"SE\", \"NO\"]", "[1, \"a\", null]", "[]",
        "\"@gmail.com\"", "\"pricing\"", "[\"SE\", \"é\", \"\"]", "200", "-0", "1e308",
        // No slot: these must take the general path.
        "lead.id", "lead.type", "event.type", "event.lead", "event.at",
    ]
    static let operators = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "startsWith", "endsWith", "matches"]
    static let values: [Value] = [
        .null, .bool(true), .bool(false), .number(0), .number(-0.0), .number(2), .number(-1.5), .number(.nan),
        .number(.infinity), .string("SE"), .string(""), .string("é"), .string("/pricing/teams"), .string("/pricing"),
        .string("NO"), .string("a"), .string("x@gmail.com"), .string("@gmail.com"), .string("gmail.com"),
        .number(200), .number(1e308), .number(-.infinity),
    ]
    static let scores: [Double] = [0, 2, -1.5, 0.1, .nan, 60, -0.0]

    @Test func specializedComparisonsAgreeWithTheGeneralPath() {
        var random = SeededGenerator(seed: 5)
        var compared = 0
        for _ in 0..<2_500 {
            let left = Self.operands.randomElement(using: &random)!
            let right = Self.operands.randomElement(using: &random)!
            let op = Self.operators.randomElement(using: &random)!
            let condition = "\(left) \(op) \(right)"
            let text = """
            sla "x" {
              score fit { +1 when lead.a == 1 }
              score eng { +1 on e }
              stage s when \(condition)
            }
            """
            let source = SourceFile(path: "case.sla", bytes: Array(text.utf8))
            let parse = Parser.parse(source)
            guard !parse.diagnostics.hasErrors, let sla = Checker.check(parse.file, source: source).sla else { continue }
            let special = Compiler.compile(sla, specializing: true)
            let general = Compiler.compile(sla, specializing: false)
            #expect(special.attributeNames == general.attributeNames, "slots are numbered alike: \(condition)")
            #expect(special.leadSlots == general.leadSlots, "the same slots are kept by the lead: \(condition)")
            let count = special.attributeNames.count
            let lead = UnsafeMutablePointer<Value>.allocate(capacity: max(1, count))
            let event = UnsafeMutablePointer<Value>.allocate(capacity: max(1, count))
            let scores = UnsafeMutablePointer<Double>.allocate(capacity: 2)
            let stages = UnsafeMutablePointer<Int64>.allocate(capacity: 1)
            lead.initialize(repeating: .null, count: max(1, count))
            event.initialize(repeating: .null, count: max(1, count))
            stages.initialize(to: LeadStates.notEntered)
            for _ in 0..<40 {
                for slot in 0..<count {
                    lead[slot] = Self.values.randomElement(using: &random)!
                    event[slot] = Self.values.randomElement(using: &random)!
                }
                scores[0] = Self.scores.randomElement(using: &random)!
                scores[1] = Self.scores.randomElement(using: &random)!
                let results = [special, general].map { program in
                    let frame = program.makeFrame()
                    frame.leadAttributes = lead
                    frame.eventAttributes = UnsafePointer(event)
                    frame.scores = scores
                    frame.stageEntries = stages
                    return program.stages[0].condition!(frame)
                }
                compared += 1
                if results[0] != results[1] {
                    let state = (0..<count).map { "lead.\(special.attributeNames[$0])=\(lead[$0]) event.\(special.attributeNames[$0])=\(event[$0])" }
                    Issue.record("`\(condition)` with \(state) fit=\(scores[0]) eng=\(scores[1]): specialized \(results[0]), general \(results[1])")
                    break
                }
            }
            lead.deinitialize(count: max(1, count))
            event.deinitialize(count: max(1, count))
            lead.deallocate()
            event.deallocate()
            scores.deallocate()
            stages.deallocate()
        }
        // Enough accepted conditions to mean something (the checker rejects mixed types).
        #expect(compared > 10_000)
    }
}

/// Sets of event type ids, as rules test them at every event.
@Suite struct TypeSetTests {
    @Test func agreesWithASetOfIds() {
        var random = SeededGenerator(seed: 3)
        for _ in 0..<2_000 {
            let ids = (0..<Int.random(in: 0...6, using: &random)).map { _ in Int.random(in: 0...300, using: &random) }
            let set = TypeSet(ids)
            let reference = Set(ids)
            for probe in [-1, Int.min, Int.max] + Array(0...330) where set.contains(probe) != reference.contains(probe) {
                Issue.record("\(ids) contains \(probe): expected \(reference.contains(probe))")
                return
            }
        }
    }

    /// A rule naming one type among 40,000 holds one word, not a flag per type id below it.
    @Test func spansOnlyItsMembers() {
        #expect(TypeSet([39_999]).wordCount == 1)
        #expect(TypeSet([39_999, 40_062]).wordCount == 1)
        #expect(TypeSet([39_999, 40_063]).wordCount == 2)
        #expect(TypeSet([]).wordCount == 0)
    }
}
