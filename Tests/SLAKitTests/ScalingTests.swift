import Foundation
import Testing
@testable import SLAKit

/// Evaluation and checking cost time linear in their input (SPEC.md section 4, "its cost is
/// linear in the expression's size"; section 7, no input makes the tool hang). Each test
/// times the same work at size N and 4N and requires a ratio well below the 16 of a
/// quadratic algorithm: no fixed wall-clock limit, so a slow or busy machine cannot fail
/// them. Each size is timed three times and the fastest run counts, to damp noise; a ratio
/// at or over the limit is measured again, up to three times in all (see `ratios`).
@Suite(.serialized) struct ScalingTests {
    /// Seconds taken by the fastest of three runs of `body`.
    static func fastest(_ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<3 {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    /// The time ratios of `work(4N)` to `work(N)` measured (see `ratios`): about 4 when
    /// linear, 16 when quadratic.
    static func ratios(_ size: Int, _ work: (Int) -> Void) -> [Double] {
        work(size / 4) // warm up caches and lazy globals
        return ratios {
            let single = fastest { work(size) }
            let quadruple = fastest { work(4 * size) }
            return quadruple / max(single, 1e-6)
        }
    }

    /// Every ratio `measure` returned: measured once, and again while at or over `limit`,
    /// three times at most. Other tests run on the same cores meanwhile, and one of them
    /// once slowed a linear case to 8.008 (of 3,000 and 12,000 events: 0.048 and 0.385 s);
    /// such a burst rarely spans three measurements, while a quadratic algorithm fails
    /// every one. The last ratio is the verdict.
    static func ratios(_ measure: () -> Double) -> [Double] {
        var ratios = [measure()]
        while ratios[ratios.count - 1] >= limit && ratios.count < 3 { ratios.append(measure()) }
        return ratios
    }

    /// Twice the linear ratio, to absorb noise on a busy machine; half the quadratic one.
    static let limit = 8.0

    static func program(_ source: String) throws -> Program {
        let loaded = LoadedFile.analyse(SourceFile(path: "scaling.sla", text: source))
        let sla = try #require(loaded.check?.sla, "\(loaded.diagnostics.map(\.message))")
        return Compiler.compile(sla)
    }

    /// One lead with `count` events: requests and replies (cycles of an `every` deadline,
    /// with a p50 over all of them in one period), pauses toggling, visits.
    static func oneLeadEvents(_ count: Int) -> EventStore {
        var store = EventStore()
        let start: Int64 = 1_772_409_600_000 // 2026-03-02T00:00:00Z
        let types = ["request", "hold", "visit", "reply", "release", "complaint"]
        for index in 0..<count {
            let type = types[index % types.count]
            let hold: Value = type == "hold" ? .string("yes") : (type == "release" ? .string("no") : .null)
            store.add(lead: "L1", time: start + Int64(index) * 1000, type: type,
                      attributes: [hold, .string("EMEA-\(index % 3)"), .string("gold")])
        }
        return store
    }

    @Test func oneLeadWithManyEventsIsLinear() throws {
        let program = try Self.program("""
        sla "scaling" {
          calendar office {
            mon-fri 09:00-17:00
          }
          team sales
          score heat {
            +1 on visit
          }
          stage hot when heat >= 3
          deadline reply {
            owner sales
            starts on every request
            met on reply
            within 1h of office
            paused while lead.hold == "yes"
          }
          deadline escalation {
            owner sales
            starts on every complaint where lead.region matches "EMEA-*"
            met on reply
            within 2bd of office
            paused while lead.hold == "yes"
          }
          goal speed {
            owner sales
            p90 reply <= 1h per year
          }
          goal compliance {
            owner sales
            rate reply met >= 90% by lead.region per year
          }
        }
        """)
        let slots = program.attributeNames
        func events(_ count: Int) -> EventStore {
            var store = Self.oneLeadEvents(count)
            // Match the generated attribute order to the program's slots.
            let order = ["hold", "region", "tier"]
            store.eventsByLead = store.eventsByLead.map { lead in
                lead.map { event in
                    var event = event
                    event.attributes = slots.map { name in order.firstIndex(of: name).map { event.attributes[$0] } ?? .null }
                    return event
                }
            }
            return store
        }
        let small = events(3_000), large = events(12_000)
        let evaluator = Evaluator(program: program)
        let check = evaluator.run(small, asOf: nil)
        #expect(check.cycles.count >= 900)
        var times: [String] = []
        let ratios = Self.ratios {
            let single = Self.fastest { _ = evaluator.run(small, asOf: nil) }
            let quadruple = Self.fastest { _ = evaluator.run(large, asOf: nil) }
            times.append("3,000 events: \(single) s, 12,000 events: \(quadruple) s")
            return quadruple / max(single, 1e-6)
        }
        #expect(ratios[ratios.count - 1] < Self.limit, "\(times)")
    }

    /// Runs the test of `testFile(4_000)` (an SLA and one test, all of whose expectations
    /// are met) against that of `testFile(1_000)`: the time ratio must be below `limit`.
    /// Returns the larger test's evaluation.
    static func testBlockRatio(_ testFile: (Int) -> String, label: String) throws -> EvaluationResult? {
        func prepared(_ size: Int) throws -> (runner: TestBlockRunner, test: TestBlock) {
            let loaded = LoadedFile.analyse(SourceFile(path: "scaling.test.sla", text: testFile(size)))
            #expect(loaded.diagnostics.count == 0, "\(loaded.diagnostics.prefix(3).map(\.message))")
            let program = try loaded.programUnderTest().get().program
            return (TestBlockRunner(program: program, testFile: loaded.source), try #require(loaded.parse.file.tests.first))
        }
        let small = try prepared(1_000), large = try prepared(4_000)
        let outcome = large.runner.run(large.test)
        #expect(outcome.passed, "\(outcome.failures.prefix(3).map { "\($0.subject): \($0.expected) / \($0.actual)" })")
        var times: [String] = []
        let ratios = Self.ratios {
            let single = Self.fastest { _ = small.runner.run(small.test) }
            let quadruple = Self.fastest { _ = large.runner.run(large.test) }
            times.append("1,000 \(label): \(single) s, 4,000: \(quadruple) s")
            return quadruple / max(single, 1e-6)
        }
        #expect(ratios[ratios.count - 1] < Self.limit, "\(times)")
        return outcome.result
    }

    /// A test block's goal expectations are each a lookup among the goal rows, not a scan
    /// of them: one expectation per day of a daily goal by two groups was days × 2 days.
    @Test func manyGoalExpectationsAreLinear() throws {
        /// An SLA and one test of two leads `days` days apart (a daily goal of two groups:
        /// 2 × `days` rows), with one expectation per day, every one of them met.
        func testFile(_ days: Int) -> String {
            let first = CivilTime.days(year: 2020, month: 1, day: 1)
            func date(_ day: Int) -> String {
                let (year, month, dayOfMonth) = CivilTime.date(fromDays: first + Int64(day))
                return CivilTime.pad(year, 4) + "-" + CivilTime.pad(month, 2) + "-" + CivilTime.pad(dayOfMonth, 2)
            }
            var text = """
            sla "scaling" {
              team t
              stage s on e
              goal daily {
                owner t
                count s >= 1 per day by lead.owner
              }
            }

            test "every day" {
              events {
                \(date(0)) 00:00  A  e  owner: "ann"
                \(date(days - 1)) 00:00  B  e  owner: "bob"
              }

            """
            for day in 0..<days {
                text += "  expect goal daily \"\(date(day))\" group \"\(day % 2 == 0 ? "ann" : "bob")\" value \(day == 0 || day == days - 1 ? 1 : 0)\n"
            }
            return text + "}\n"
        }
        let outcome = try Self.testBlockRatio(testFile, label: "expectations")
        #expect(outcome?.goals.count == 8_000)
    }

    /// A test block's expectations about leads find the lead and its cycles by a binary
    /// search among the lead-ordered verdicts, not a scan of them: one expectation of each
    /// kind per lead was leads × leads.
    @Test func manyLeadExpectationsAreLinear() throws {
        /// An SLA and one test of `leads` leads, each with one event that enters a stage and
        /// opens a deadline's cycle, and an expectation of each kind about every lead, all met.
        func testFile(_ leads: Int) -> String {
            var text = """
            sla "scaling" {
              team t
              score seen {
                +1 on e
              }
              stage s when seen >= 1
              deadline d {
                owner t
                starts at s
                met on reply
                within 1h
              }
              deadline never_opened {
                owner t
                starts on request
                met on reply
                within 1h
              }
            }

            test "every lead" {
              as of 2026-03-02 12:00
              events {

            """
            for lead in 0..<leads { text += "    2026-03-02 09:00  L\(lead)  e\n" }
            text += "  }\n"
            for lead in 0..<leads {
                text += """
                  expect L\(lead) score seen 1
                  expect L\(lead) stage s at 2026-03-02 09:00
                  expect L\(lead) deadline d overdue
                  expect L\(lead) deadline never_opened none

                """
            }
            return text + "}\n"
        }
        let outcome = try Self.testBlockRatio(testFile, label: "leads")
        #expect(outcome?.leads.count == 4_000)
    }

    @Test func largeExpressionsCostLinearTime() throws {
        // A list of n strings: checking, compiling and evaluating it over fixed events.
        var store = EventStore()
        for index in 0..<100 {
            store.add(lead: "L\(index % 20)", time: 1_772_409_600_000 + Int64(index) * 60_000, type: "visit",
                      attributes: [.string("value-\(index)")])
        }
        let ratios = Self.ratios(1_000) { count in
            let list = (0..<count).map { "\"value-\($0 * 7)\"" }.joined(separator: ", ")
            let source = "sla \"scaling\" {\n  score s {\n    +1 on visit where event.page in [\(list)] or event.page matches \"*-1?\"\n  }\n  stage hot when s > 2\n}\n"
            guard let program = try? Self.program(source) else { return }
            _ = Evaluator(program: program).run(store, asOf: nil)
        }
        #expect(ratios[ratios.count - 1] < Self.limit, "ratios \(ratios)")
    }

    @Test func matchesAndContainsAreLinear() {
        // The classic worst case of backtracking globs: a text of `a`s and a pattern that
        // almost matches everywhere.
        let ratios = Self.ratios(20_000) { size in
            let text = Value.string(String(repeating: "a", count: size))
            let pattern = Value.string("*" + String(repeating: "a", count: size / 2) + "b*")
            _ = Operations.matches(text, pattern)
            _ = Operations.contains(text, .string(String(repeating: "a", count: size / 2) + "b"))
        }
        #expect(ratios[ratios.count - 1] < Self.limit, "ratios \(ratios)")
    }

    @Test func checkingManyUnknownNamesIsLinear() {
        // Every stage refers to an unknown name: each would look for a did-you-mean among
        // all declarations.
        let ratios = Self.ratios(500) { count in
            var source = "sla \"scaling\" {\n"
            for index in 0..<count { source += "  stage s\(index) when missing\(index) > 1\n" }
            source += "}\n"
            _ = LoadedFile.analyse(SourceFile(path: "scaling.sla", text: source)).diagnostics
        }
        #expect(ratios[ratios.count - 1] < Self.limit, "ratios \(ratios)")
    }

    @Test func diagnosticsOnOneLongLineAreLinear() throws {
        // One line full of mistakes: every diagnostic quotes the line.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sla-scaling-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ratios = Self.ratios(20_000) { count in
            let path = folder.appendingPathComponent("line-\(count).sla").path
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: Data(("sla \"x\" { " + String(repeating: "=", count: count) + " }\n").utf8))
            }
            for format in ["human", "json", "github"] { _ = CommandRun.run(["check", path, "--format", format]) }
        }
        #expect(ratios[ratios.count - 1] < Self.limit, "ratios \(ratios)")
    }
}
