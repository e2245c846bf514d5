import Foundation
import Testing
@testable import SLAKit

// `SeededGenerator` (SplitMix64, in WorkCalendarTests.swift) makes every property deterministic.

/// One generated event: the fixed fields and the attributes (strings and numbers only, so
/// that the JSONL and CSV forms mean the same: a CSV cell `true` would be a string).
struct GeneratedEvent {
    enum Attribute { case string(String), number(Double) }
    var lead: String
    var type: String
    /// Milliseconds since the epoch; unique within the event set (as generated), so any
    /// input order processes each lead's events in the same order.
    var time: Int64
    var attributes: [(name: String, value: Attribute)]

    var json: String {
        var fields = [#""lead":\#(PropertyTests.jsonString(lead))"#, #""type":\#(PropertyTests.jsonString(type))"#,
                      #""at":"\#(CivilTime.formatUTC(time))""#]
        for (name, value) in attributes {
            switch value {
            case .string(let text): fields.append("\(PropertyTests.jsonString(name)):\(PropertyTests.jsonString(text))")
            case .number(let number): fields.append("\(PropertyTests.jsonString(name)):\(PropertyTests.numberText(number))")
            }
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    func csv(columns: [String]) -> String {
        var cells = [PropertyTests.csvField(lead), PropertyTests.csvField(type), CivilTime.formatUTC(time)]
        for column in columns {
            switch attributes.last(where: { $0.name == column })?.value {
            case .string(let text)?: cells.append(PropertyTests.csvField(text))
            case .number(let number)?: cells.append(PropertyTests.numberText(number))
            case nil: cells.append("")
            }
        }
        return cells.joined(separator: ",")
    }
}

/// A kind of SLA the generator knows how to feed: its source and its event vocabulary.
struct GeneratorProfile {
    var name: String
    var source: String
    /// Event types with their weights.
    var types: [(type: String, weight: Int)]
    /// Possible attribute values; each event sets a random few of them.
    var attributes: [(name: String, values: [GeneratedEvent.Attribute])]
    /// Attributes set on some event types only (`deal_won` carries an `amount`).
    var typeAttributes: [String: [(name: String, values: [GeneratedEvent.Attribute])]]
}

/// Properties of evaluation that must hold for any valid input (SPEC.md sections 5-7.1):
/// the verdicts do not depend on the order of the input lines (each lead's events have
/// distinct times), on how they are split into files, or on JSONL versus CSV; and every
/// non-blank record is either counted or rejected.
@Suite(.serialized) struct PropertyTests {
    // MARK: Profiles

    static let smarketing = GeneratorProfile(
        name: "smarketing",
        source: (try? String(contentsOf: TestPaths.examples.appendingPathComponent("smarketing.sla"), encoding: .utf8)) ?? "",
        types: [("page_view", 6), ("email_open", 4), ("form_submit", 3), ("unsubscribe", 1), ("sales_accepted", 2),
                ("call", 2), ("email_sent", 2), ("meeting_booked", 1), ("sales_rejected", 2), ("nurture_enrolled", 2),
                ("deal_won", 1), ("note", 2)],
        attributes: [
            ("title", [.string("VP"), .string("Director"), .string("Head"), .string("Intern, \"junior\"")]),
            ("employees", [.number(50), .number(200), .number(1200.5)]),
            ("email", [.string("a@gmail.com"), .string("b@acme.se"), .string("c@corp.fi")]),
            ("country", [.string("SE"), .string("NO"), .string("DE"), .string("FI")]),
            ("segment", [.string("enterprise"), .string("smb")]),
            ("status", [.string("on_hold"), .string("active")]),
            ("owner", [.string("anna"), .string("björn"), .string("Ola\nNordmann")]),
            ("page", [.string("/pricing"), .string("/pricing/eu"), .string("/blog")]),
        ],
        typeAttributes: ["deal_won": [("amount", [.number(1000), .number(25000.75), .number(-5)])]])

    static let pausesAndEvery = GeneratorProfile(
        name: "pauses-and-every",
        source: """
        # Property tests: `every` deadlines, pauses, a calendar and every kind of goal.
        sla "Property" {
          timezone "Europe/Stockholm"
          review weekly
          calendar office {
            mon-fri 09:00-12:00, 13:00-17:00
            holiday 2026-04-03
          }
          team sales
          score heat {
            +5 on visit max 40
            +3 when lead.tier == "gold"
            -2 on complaint
            limit 60
          }
          stage hot when heat >= 20
          stage won on deal where hot
          deadline reply "Every request is answered" {
            owner sales
            starts on every request
            met on reply
            within 2h of office when lead.tier == "gold"
            within 1bd of office
            warn at 50%
            paused while lead.hold == "yes"
          }
          deadline callback {
            owner sales
            starts at hot
            met on call where event.outcome != "no_answer"
            within 30m
            paused while lead.hold == "yes"
          }
          deadline escalation {
            owner sales
            starts on every complaint where lead.region matches "E*"
            met on call, reply
            within 1d
          }
          goal replies {
            owner sales
            rate reply met >= 90% by lead.region
          }
          goal speed {
            owner sales
            p50 reply <= 1h per day
          }
          goal deals {
            owner sales
            sum deal.amount >= 100 per month
          }
          goal hot_leads {
            owner sales
            count hot >= 1 where lead.tier != "bronze"
          }
          goal late_callbacks {
            owner sales
            count callback breached <= 2
          }
        }
        """,
        types: [("visit", 5), ("request", 4), ("reply", 3), ("call", 2), ("complaint", 1), ("deal", 1), ("hold", 2)],
        attributes: [
            ("tier", [.string("gold"), .string("silver"), .string("bronze")]),
            ("hold", [.string("yes"), .string("no")]),
            ("region", [.string("EMEA"), .string("EU-North"), .string("AMER"), .number(7)]),
            ("outcome", [.string("no_answer"), .string("reached")]),
        ],
        typeAttributes: ["deal": [("amount", [.number(10), .number(99.5), .number(250)])]])

    // MARK: Generation

    /// A random valid event set: `leads` leads, about `eventsPerLead` events each, over
    /// about six weeks of March-April 2026 (DST change included), all times distinct.
    static func events(_ profile: GeneratorProfile, seed: UInt64, leads: Int = 12, eventsPerLead: Int = 25) -> [GeneratedEvent] {
        var random = SeededGenerator(seed: seed)
        let start: Int64 = 1_772_409_600_000 // 2026-03-02T00:00:00Z
        var usedTimes = Set<Int64>()
        let totalWeight = profile.types.reduce(0) { $0 + $1.weight }
        var events: [GeneratedEvent] = []
        for leadNumber in 1...leads {
            // Lead ids of several shapes: numeric-looking, non-ASCII, with a comma.
            let lead = ["L\(leadNumber)", "\(1000 + leadNumber)", "Å-\(leadNumber)", "L,\(leadNumber)"][leadNumber % 4]
            for _ in 0..<Int.random(in: eventsPerLead / 2...eventsPerLead * 3 / 2, using: &random) {
                var time: Int64
                repeat {
                    // Whole seconds, sometimes with milliseconds.
                    time = start + Int64.random(in: 0..<(42 * 86_400), using: &random) * 1000
                        + (Bool.random(using: &random) ? 0 : Int64.random(in: 1..<1000, using: &random))
                } while !usedTimes.insert(time).inserted
                var pick = Int.random(in: 0..<totalWeight, using: &random)
                var type = profile.types[0].type
                for candidate in profile.types {
                    if pick < candidate.weight { type = candidate.type; break }
                    pick -= candidate.weight
                }
                var attributes: [(name: String, value: GeneratedEvent.Attribute)] = []
                for attribute in profile.attributes where Int.random(in: 0..<3, using: &random) == 0 {
                    attributes.append((attribute.name, attribute.values.randomElement(using: &random)!))
                }
                for attribute in profile.typeAttributes[type] ?? [] {
                    attributes.append((attribute.name, attribute.values.randomElement(using: &random)!))
                }
                events.append(GeneratedEvent(lead: lead, type: type, time: time, attributes: attributes))
            }
        }
        return events
    }

    static func columns(_ profile: GeneratorProfile) -> [String] {
        var names = profile.attributes.map(\.name)
        for extra in profile.typeAttributes.values.flatMap({ $0.map(\.name) }) where !names.contains(extra) { names.append(extra) }
        return names
    }

    static func jsonl(_ events: [GeneratedEvent]) -> String { events.map(\.json).map { $0 + "\n" }.joined() }

    static func csv(_ events: [GeneratedEvent], columns: [String]) -> String {
        // CRLF line breaks, as spreadsheet exports write them.
        (["lead,type,at," + columns.joined(separator: ",")] + events.map { $0.csv(columns: columns) })
            .map { $0 + "\r\n" }.joined()
    }

    // MARK: Running

    /// A fresh temporary folder holding the SLA; removed by the caller.
    static func workspace(_ profile: GeneratorProfile) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sla-property-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try profile.source.write(to: folder.appendingPathComponent("case.sla"), atomically: true, encoding: .utf8)
        return folder
    }

    /// `sla eval --format json` over the given event files (names inside `folder`).
    static func evaluate(_ folder: URL, _ files: [String], extra: [String] = []) -> CommandRun {
        var arguments = ["eval", folder.appendingPathComponent("case.sla").path, "--format", "json"]
        for file in files { arguments += ["--events", folder.appendingPathComponent(file).path] }
        return CommandRun.run(arguments + extra)
    }

    static func write(_ text: String, _ name: String, in folder: URL) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }

    static let seeds: [UInt64] = [1, 2, 3, 0xC0FFEE, 20_260_302]

    // MARK: Properties

    @Test(arguments: [smarketing, pausesAndEvery].map(\.name), seeds)
    func verdictsDoNotDependOnInputOrderFilesOrFormat(profileName: String, seed: UInt64) throws {
        let profile = profileName == Self.smarketing.name ? Self.smarketing : Self.pausesAndEvery
        let folder = try Self.workspace(profile)
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SeededGenerator(seed: seed ^ 0x5EED)
        let generated = Self.events(profile, seed: seed)

        let sorted = generated.sorted { $0.time < $1.time }
        try Self.write(Self.jsonl(sorted), "sorted.jsonl", in: folder)
        let reference = Self.evaluate(folder, ["sorted.jsonl"])
        #expect(reference.exitCode == 0, "\(reference.error)")
        let json = try #require(JSON.parse(reference.output))
        guard case .object(let document) = json, case .object(let input)? = document["input"] else {
            Issue.record("no input object"); return
        }
        #expect(input["records"] == .number(Double(generated.count)))
        guard case .array(let cycles)? = document["deadlines"] else { Issue.record("no deadlines"); return }
        #expect(!cycles.isEmpty, "the generator should open some cycles")

        // Shuffled lines.
        try Self.write(Self.jsonl(generated.shuffled(using: &random)), "shuffled.jsonl", in: folder)
        #expect(Self.evaluate(folder, ["shuffled.jsonl"]).output == reference.output, "shuffled input")

        // Grouped by lead, leads in random order, each lead's events in time order.
        let byLead = Dictionary(grouping: generated, by: \.lead)
        let grouped = byLead.keys.sorted().shuffled(using: &random).flatMap { byLead[$0]!.sorted { $0.time < $1.time } }
        try Self.write(Self.jsonl(grouped), "grouped.jsonl", in: folder)
        #expect(Self.evaluate(folder, ["grouped.jsonl"]).output == reference.output, "input grouped by lead")

        // Split at random into three files (one may be empty), in a random file order.
        var parts: [[GeneratedEvent]] = [[], [], []]
        for event in generated.shuffled(using: &random) { parts[Int.random(in: 0..<3, using: &random)].append(event) }
        for (index, part) in parts.enumerated() { try Self.write(Self.jsonl(part), "part\(index).jsonl", in: folder) }
        #expect(Self.evaluate(folder, ["part2.jsonl", "part0.jsonl", "part1.jsonl"]).output == reference.output, "input split into files")

        // The same events as CSV, and as a mix of CSV and JSONL files.
        let columns = Self.columns(profile)
        try Self.write(Self.csv(generated.shuffled(using: &random), columns: columns), "all.csv", in: folder)
        #expect(Self.evaluate(folder, ["all.csv"]).output == reference.output, "CSV input")
        try Self.write(Self.csv(parts[0], columns: columns.reversed()), "part0.csv", in: folder)
        #expect(Self.evaluate(folder, ["part1.jsonl", "part0.csv", "part2.jsonl"]).output == reference.output, "CSV and JSONL mixed")
    }

    /// Out-of-order input in which many events share a time: each lead's events are
    /// processed in (time, input position) order (SPEC.md 6.1), as in the same input
    /// stably sorted by time. Leads of 25 to 75 events take both sorts of the buffered pass
    /// (an insertion sort up to 32 events, the standard sort beyond).
    @Test(arguments: [smarketing, pausesAndEvery].map(\.name), seeds)
    func equalTimesKeepTheirInputOrderInOutOfOrderInput(profileName: String, seed: UInt64) throws {
        let profile = profileName == Self.smarketing.name ? Self.smarketing : Self.pausesAndEvery
        let folder = try Self.workspace(profile)
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SeededGenerator(seed: seed ^ 0x71E5)
        // Times rounded down to whole 3-day spans: most events share their time with others
        // of their lead.
        let span: Int64 = 3 * 86_400_000
        let generated = Self.events(profile, seed: seed, leads: 8, eventsPerLead: 50).map { event in
            var event = event
            event.time -= event.time % span
            return event
        }
        let shuffled = generated.shuffled(using: &random)
        // Sorted by (time, position): the standard sort is not guaranteed to be stable.
        let stable = shuffled.enumerated()
            .sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element)
        try Self.write(Self.jsonl(stable), "sorted.jsonl", in: folder)
        try Self.write(Self.jsonl(shuffled), "shuffled.jsonl", in: folder)
        let reference = Self.evaluate(folder, ["sorted.jsonl"])
        #expect(reference.exitCode == 0, "\(reference.error)")
        #expect(Self.evaluate(folder, ["shuffled.jsonl"]).output == reference.output, "shuffled input with equal times")
    }

    @Test(arguments: [smarketing, pausesAndEvery].map(\.name), seeds)
    func everyNonBlankRecordIsCountedOrRejected(profileName: String, seed: UInt64) throws {
        let profile = profileName == Self.smarketing.name ? Self.smarketing : Self.pausesAndEvery
        let folder = try Self.workspace(profile)
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SeededGenerator(seed: seed &* 31)
        let generated = Self.events(profile, seed: seed, leads: 6, eventsPerLead: 20)

        for format in ["jsonl", "csv"] {
            var lines: [[UInt8]] = format == "jsonl"
                ? generated.map { Array($0.json.utf8) }
                : generated.map { Array($0.csv(columns: Self.columns(profile)).utf8) }
            // Corrupt about a quarter of the lines at random, and add blank and junk lines.
            var certainlyBad = 0
            for index in lines.indices where Int.random(in: 0..<4, using: &random) == 0 {
                let (corrupted, certain) = Self.corrupt(lines[index], format: format, using: &random)
                lines[index] = corrupted
                if certain { certainlyBad += 1 }
            }
            for _ in 0..<5 {
                let junk: [UInt8] = [[], [0x20, 0x09], [0x0D], [0xFF, 0xFE], [0x00], Array("{}".utf8), Array("not,a,record".utf8)]
                    .randomElement(using: &random)!
                lines.insert(junk, at: Int.random(in: 0...lines.count, using: &random))
            }
            var bytes: [UInt8] = format == "csv" ? Array("lead,type,at,\(Self.columns(profile).joined(separator: ","))\n".utf8) : []
            for line in lines { bytes += line + [0x0A] }
            let name = "corrupted.\(format)"
            try Data(bytes).write(to: folder.appendingPathComponent(name))

            let run = Self.evaluate(folder, [name], extra: ["--max-bad", "1000000", "--rejects", folder.appendingPathComponent("rejects").path])
            #expect(run.exitCode == 0, "\(run.error)")
            guard case .object(let document)? = JSON.parse(run.output), case .object(let input)? = document["input"],
                  case .number(let records)? = input["records"], case .number(let rejected)? = input["rejected"] else {
                Issue.record("\(format): no JSON report: \(run.error)"); continue
            }
            let expected = Self.nonBlankRecords(bytes, format: format)
            #expect(Int(records) + Int(rejected) == expected, "\(format): \(records) + \(rejected) != \(expected)")
            #expect(Int(rejected) >= certainlyBad, "\(format): corrupted lines must be rejected")
            // --rejects holds one line per rejected record (rejected CSV records hold no line feed here).
            let rejects = try Data(contentsOf: folder.appendingPathComponent("rejects"))
            #expect(rejects.filter { $0 == 0x0A }.count >= Int(rejected), "\(format): rejects file")
        }
    }

    /// Non-blank records counted independently of the reader: lines holding anything but
    /// spaces, tabs and CRs, less the CSV header. In CSV a line feed inside a quoted field
    /// does not end the record; a quote opens a quoted field only at the start of a field
    /// (right after a closing quote it is an escaped quote), elsewhere it is just malformed.
    static func nonBlankRecords(_ bytes: [UInt8], format: String) -> Int {
        var count = 0, content = false
        var quoted = false, atFieldStart = true, afterClosingQuote = false
        for byte in bytes {
            if quoted {
                if byte == 0x22 { quoted = false; afterClosingQuote = true }
                continue
            }
            if byte == 0x0A {
                if content { count += 1 }
                content = false
                atFieldStart = true
                afterClosingQuote = false
                continue
            }
            if byte != 0x20, byte != 0x09, byte != 0x0D { content = true }
            if format == "csv", byte == 0x22, atFieldStart || afterClosingQuote { quoted = true }
            atFieldStart = byte == 0x2C
            afterClosingQuote = false
        }
        if content { count += 1 }
        return format == "csv" ? count - 1 : count
    }

    /// Damages a record. Returns the bytes and whether the result is certainly invalid.
    static func corrupt(_ line: [UInt8], format: String, using random: inout SeededGenerator) -> ([UInt8], Bool) {
        var line = line
        switch Int.random(in: 0..<6, using: &random) {
        case 0: // an invalid UTF-8 byte anywhere
            line.insert(0xC3, at: line.count)
            line.append(0x28)
            return (line, true)
        case 1: // cut short (a JSON object loses its closing brace)
            return (Array(line.prefix(max(1, line.count / 2))), format == "jsonl")
        case 2: // a bad timestamp: the year 0
            let text = String(decoding: line, as: UTF8.self)
            guard let range = text.range(of: "2026-") else { return (line, false) }
            return (Array(text.replacingCharacters(in: range, with: "0000-").utf8), true)
        case 3: // a number beyond the double range
            return (format == "jsonl" ? Array(String(decoding: line.dropLast(), as: UTF8.self).utf8) + Array(#","huge":1e999}"#.utf8)
                    : line + Array(",1e999".utf8), format == "jsonl")
        case 4: // a NUL byte in the middle
            line.insert(0, at: line.count / 2)
            return (line, format == "jsonl")
        default: // a random byte changed
            let index = Int.random(in: 0..<line.count, using: &random)
            line[index] = UInt8.random(in: 0x20...0x7E, using: &random)
            return (line, false)
        }
    }

    // MARK: Helpers for the generated text

    static func jsonString(_ text: String) -> String {
        JSONWriter.quoted(text)
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func numberText(_ number: Double) -> String {
        number == number.rounded() ? String(Int64(number)) : String(number)
    }

    // MARK: The glob matcher against a reference

    /// The backtracking glob matcher the linear one replaced: slow on adversarial input but
    /// obviously right, so it serves as the reference.
    static func referenceGlob(_ text: [Unicode.Scalar], _ pattern: [Unicode.Scalar]) -> Bool {
        var t = 0, p = 0, starPattern = -1, starText = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t]) {
                t += 1; p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starPattern = p; starText = t; p += 1
            } else if starPattern >= 0 {
                p = starPattern + 1; starText += 1; t = starText
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    @Test func globMatchesAgreesWithTheBacktrackingReference() {
        var random = SeededGenerator(seed: 42)
        let alphabet: [Unicode.Scalar] = ["a", "b", "é"]
        let patternAlphabet: [Unicode.Scalar] = ["a", "b", "é", "*", "?"]
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 0...8, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            let pattern = (0..<Int.random(in: 0...7, using: &random)).map { _ in patternAlphabet.randomElement(using: &random)! }
            let expected = Self.referenceGlob(text, pattern)
            let actual = Operations.globMatches(text, pattern)
            if actual != expected {
                Issue.record("`\(String(String.UnicodeScalarView(text)))` matches `\(String(String.UnicodeScalarView(pattern)))`: expected \(expected)")
                return
            }
        }
    }

    /// Long patterns, whose `?`-holding runs span several 64-bit words of the shift-and
    /// automaton: cut from the text itself (scalars turned into `?`, pieces into `*`), then
    /// sometimes changed in one place, so that both outcomes occur.
    @Test func longWildcardRunsAgreeWithTheReference() {
        var random = SeededGenerator(seed: 9)
        let alphabet: [Unicode.Scalar] = ["a", "b", "é"]
        var outcomes: Set<Bool> = []
        for _ in 0..<400 {
            let text = (0..<Int.random(in: 60...400, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            var pattern: [Unicode.Scalar] = []
            var index = Int.random(in: 0...10, using: &random)
            if index > 0 { pattern.append("*") }
            while index < text.count {
                switch Int.random(in: 0..<100, using: &random) {
                case 0..<2:
                    pattern.append("*")
                    index += Int.random(in: 1...20, using: &random)
                case 2..<40: pattern.append("?"); index += 1
                default: pattern.append(text[index]); index += 1
                }
            }
            if Bool.random(using: &random), !pattern.isEmpty {
                pattern[Int.random(in: 0..<pattern.count, using: &random)] = alphabet.randomElement(using: &random)!
            }
            let expected = Self.referenceGlob(text, pattern)
            outcomes.insert(expected)
            if Operations.globMatches(text, pattern) != expected {
                Issue.record("`\(String(String.UnicodeScalarView(text)))` matches `\(String(String.UnicodeScalarView(pattern)))`: expected \(expected)")
                return
            }
        }
        #expect(outcomes == [true, false])
    }

    /// A 900 KB value against a pattern whose middle run is 2,000 scalars with `?`s: one
    /// pass over the value, not one try per offset (which took minutes).
    @Test func longWildcardRunOverALongValueIsQuick() {
        let text = Array(String(repeating: "ab", count: 450_000).unicodeScalars)
        let run = Array(String(repeating: "a?", count: 1_000).unicodeScalars)
        let started = Date()
        #expect(!Operations.globMatches(text, ["*"] + run + ["c", "*"]))
        #expect(Operations.globMatches(text, ["*"] + run + ["*"]))
        #expect(Date().timeIntervalSince(started) < 20, "took \(Date().timeIntervalSince(started)) s")
    }

    @Test func containsAgreesWithNaiveSearch() {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<20_000 {
            // Needles up to 40 bytes: both the short-needle scan and Knuth-Morris-Pratt.
            let haystack = (0..<Int.random(in: 0...90, using: &random)).map { _ in UInt8.random(in: 97...98, using: &random) }
            let needle = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 97...98, using: &random) }
            let expected = needle.isEmpty || (needle.count <= haystack.count
                && (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle })
            #expect(Operations.containsBytes(haystack, needle) == expected, "\(haystack) contains \(needle)")
        }
    }

    /// `contains`, `startsWith`, `endsWith` and `==` on strings (byte comparisons) against
    /// naive searches over Unicode scalars, with one- to four-byte scalars.
    @Test func stringOperatorsAgreeWithNaiveScalarSearch() {
        var random = SeededGenerator(seed: 7)
        let alphabet: [Unicode.Scalar] = ["a", "b", "é", "€", "😀"]
        func text(_ maximum: Int) -> [Unicode.Scalar] {
            (0..<Int.random(in: 0...maximum, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
        }
        func string(_ scalars: [Unicode.Scalar]) -> Value { .string(String(String.UnicodeScalarView(scalars))) }
        for _ in 0..<20_000 {
            let haystack = text(10)
            let needle = text(3)
            let fits = needle.count <= haystack.count
            let contains = needle.isEmpty || (fits && (0...(haystack.count - needle.count)).contains {
                Array(haystack[$0..<($0 + needle.count)]) == needle
            })
            let starts = fits && Array(haystack.prefix(needle.count)) == needle
            let ends = fits && Array(haystack.suffix(needle.count)) == needle
            let label = "`\(String(String.UnicodeScalarView(haystack)))` and `\(String(String.UnicodeScalarView(needle)))`"
            #expect(Operations.contains(string(haystack), string(needle)) == contains, "contains: \(label)")
            #expect(Operations.startsWith(string(haystack), string(needle)) == starts, "startsWith: \(label)")
            #expect(Operations.endsWith(string(haystack), string(needle)) == ends, "endsWith: \(label)")
            #expect(Operations.equals(string(haystack), string(needle)) == (haystack == needle), "==: \(label)")
            #expect(Operations.isMember(string(needle), of: .list([.number(1), string(haystack), .null])) == (haystack == needle),
                    "in: \(label)")
        }
    }
}
