import Testing
@testable import SLAKit

@Suite struct TimestampTests {
    /// 2026-03-02T09:05:00Z: 20_514 days after 1970-01-01 (56 years with 14 leap days
    /// give 20_454 days to 2026-01-01, then 31 + 28 + 1), plus 9 h 5 min.
    static let reference: Int64 = (20_514 * 86_400 + 9 * 3_600 + 5 * 60) * 1_000

    static let stockholm = ZoneRules.named("Europe/Stockholm")!

    @Test func referenceInstant() {
        #expect(Timestamp.parse("2026-03-02T09:05:00Z", zone: .utc) == Self.reference)
        #expect(Self.reference == 1_772_442_300_000)
    }

    @Test(arguments: [
        // Separators and optional parts.
        ("2026-03-02T09:05:00Z", 0),
        ("2026-03-02 09:05:00Z", 0),
        ("2026-03-02t09:05:00z", 0),
        ("2026-03-02T09:05Z", 0),
        ("2026-03-02T09:05", 0), // no offset: the zone (UTC here)
        ("2026-03-02 09:05", 0),
        // Fractions are truncated to the millisecond, any number of digits.
        ("2026-03-02T09:05:00.5Z", 500),
        ("2026-03-02T09:05:00.12Z", 120),
        ("2026-03-02T09:05:00.123Z", 123),
        ("2026-03-02T09:05:00.1239Z", 123),
        ("2026-03-02T09:05:00.999999999999Z", 999),
        ("2026-03-02T09:05:07.000Z", 7_000),
        // Offsets: local = UTC + offset.
        ("2026-03-02T10:05:00+01:00", 0),
        ("2026-03-02T10:05:00+0100", 0),
        ("2026-03-02T10:05:00+01", 0),
        ("2026-03-02T10:05+01", 0),
        ("2026-03-02T04:05:00-05:00", 0),
        ("2026-03-02T04:05:00-0500", 0),
        ("2026-03-02T09:05:00+00:00", 0),
        ("2026-03-02T09:05:00+0000", 0), // Salesforce style
        ("2026-03-02T09:05:00-00:00", 0),
        ("2026-03-02T14:35:00+05:30", 0),
        ("2026-03-02T09:05:00.250+00", 250),
    ] as [(String, Int64)])
    func validForms(text: String, offsetFromReference: Int64) {
        #expect(Timestamp.parse(text, zone: .utc) == Self.reference + offsetFromReference)
    }

    @Test func bareDateIsLocalMidnight() {
        let midnightUTC: Int64 = 20_514 * 86_400_000
        #expect(Timestamp.parse("2026-03-02", zone: .utc) == midnightUTC)
        // Stockholm is at +01:00 in March before the switch: midnight is 23:00Z the day before.
        #expect(Timestamp.parse("2026-03-02", zone: Self.stockholm) == midnightUTC - 3_600_000)
        // In summer (+02:00).
        let julyFirst: Int64 = (20_454 + 181) * 86_400_000 // 2026-07-01: 31+28+31+30+31+30 = 181 days in
        #expect(Timestamp.parse("2026-07-01", zone: Self.stockholm) == julyFirst - 7_200_000)
    }

    @Test func offsetLessTimesUseTheZoneWithDSTRules() {
        let march29: Int64 = (20_454 + 31 + 28 + 28) * 86_400_000 // 2026-03-29
        // 02:30 does not exist (clocks go 02:00 -> 03:00): read with +01:00, the offset before the gap.
        #expect(Timestamp.parse("2026-03-29T02:30", zone: Self.stockholm) == march29 + 90 * 60_000)
        // 03:30 is after the switch, at +02:00.
        #expect(Timestamp.parse("2026-03-29 03:30:00", zone: Self.stockholm) == march29 + 90 * 60_000)
        let october25: Int64 = (20_454 + 297) * 86_400_000 // 2026-10-25, day 298 of the year
        // 02:30 happens twice; the first occurrence is at +02:00, i.e. 00:30Z.
        #expect(Timestamp.parse("2026-10-25T02:30:00", zone: Self.stockholm) == october25 + 30 * 60_000)
        // An explicit offset ignores the zone.
        #expect(Timestamp.parse("2026-10-25T02:30:00+01:00", zone: Self.stockholm) == october25 + 90 * 60_000)
    }

    @Test func yearRange() {
        #expect(Timestamp.parse("0001-01-01T00:00:00Z", zone: .utc) == CivilTime.minimumInstant)
        #expect(Timestamp.parse("9999-12-31T23:59:59.999Z", zone: .utc) == CivilTime.maximumInstant)
        #expect(Timestamp.parse("0001-01-01", zone: .utc) == CivilTime.minimumInstant)
        #expect(Timestamp.parse("0000-01-01", zone: .utc) == nil)
        #expect(Timestamp.parse("0000-12-31T23:00:00Z", zone: .utc) == nil)
        // Valid text, but the instant falls in year 0 or 10000 in UTC.
        #expect(Timestamp.parse("0001-01-01T00:30:00+01:00", zone: .utc) == nil)
        #expect(Timestamp.parse("9999-12-31T23:30:00-01:00", zone: .utc) == nil)
        #expect(Timestamp.parse("10000-01-01", zone: .utc) == nil)
    }

    @Test func leapDays() {
        #expect(Timestamp.parse("2024-02-29", zone: .utc) == Int64(20_454 - 365 - 366 + 31 + 28) * 86_400_000)
        #expect(Timestamp.parse("2026-02-29", zone: .utc) == nil)
        #expect(Timestamp.parse("2000-02-29", zone: .utc) != nil)
        #expect(Timestamp.parse("1900-02-29", zone: .utc) == nil)
    }

    @Test(arguments: [
        "", "2026", "2026-03", "2026-3-02", "2026-03-2", "26-03-02", "2026/03/02",
        "2026-13-01", "2026-00-10", "2026-04-31", "2026-03-00", "2026-03-32",
        "2026-03-02T", "2026-03-02T09", "2026-03-02T9:05", "2026-03-02T09:5",
        "2026-03-02T24:00", "2026-03-02T24:00:00Z", "2026-03-02T23:60", "2026-03-02T23:59:60Z",
        "2026-03-02T09:05:00.", "2026-03-02T09:05:00.Z", "2026-03-02T09:05.5Z", "2026-03-02T09:05:00,5Z",
        "2026-03-02T09:05:0Z", "2026-03-02X09:05", "2026-03-02_09:05", "2026-03-02  09:05",
        "2026-03-02Z", "2026-03-02+01:00",
        "2026-03-02T09:05:00+1", "2026-03-02T09:05:00+01:0", "2026-03-02T09:05:00+010", "2026-03-02T09:05:00+01:000",
        "2026-03-02T09:05:00+24:00", "2026-03-02T09:05:00+01:60", "2026-03-02T09:05:00 +01:00",
        "2026-03-02T09:05:00ZZ", "2026-03-02T09:05:00Z ", " 2026-03-02T09:05:00Z", "2026-03-02 ",
        "2026-03-02T09:05:00UTC", "2026-03-02T09:05:00GMT", "+2026-03-02", "-2026-03-02",
        "２０２６-03-02", "2026-03-02T09:05:00\u{0}",
    ])
    func invalidForms(text: String) {
        #expect(Timestamp.parse(text, zone: .utc) == nil)
    }

    @Test func parsesFromBytesWithoutSurroundingContext() {
        // A slice in the middle of a larger buffer, as the readers pass it.
        let line = Array("xx2026-03-02T09:05:00Zyy".utf8)
        line.withUnsafeBufferPointer { all in
            let slice = UnsafeBufferPointer(rebasing: all[2..<22])
            #expect(Timestamp.parse(slice, zone: .utc) == Self.reference)
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` takes a fast path: it must decide as the general path does
    /// for the same time written with `+00:00`, valid or not (bad dates, hours, digits).
    @Test(arguments: [1, 2, 3] as [UInt64])
    func utcSecondsFastPathAgreesWithTheGeneralPath(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let characters = Array("0123456789012345678901234567890123456789-:T Zx/".utf8)
        for _ in 0..<5_000 {
            var bytes = Array("\(Int.random(in: 1...9999, using: &generator))".utf8)
            bytes = Array(repeating: UInt8(ascii: "0"), count: 4 - bytes.count) + bytes
            func two(_ range: ClosedRange<Int>) -> [UInt8] { Array(String(format: "%02d", Int.random(in: range, using: &generator)).utf8) }
            bytes += [UInt8(ascii: "-")] + two(0...13) + [UInt8(ascii: "-")] + two(0...32) + [UInt8(ascii: "T")]
                + two(0...25) + [UInt8(ascii: ":")] + two(0...61) + [UInt8(ascii: ":")] + two(0...61)
            // Now and then one byte changed to anything.
            if Int.random(in: 0..<4, using: &generator) == 0 {
                bytes[Int.random(in: 0..<19, using: &generator)] = characters.randomElement(using: &generator)!
            }
            let fast = (bytes + [UInt8(ascii: "Z")]).withUnsafeBufferPointer { Timestamp.parse($0, zone: .utc) }
            let general = (bytes + Array("+00:00".utf8)).withUnsafeBufferPointer { Timestamp.parse($0, zone: .utc) }
            #expect(fast == general, "\(String(decoding: bytes, as: UTF8.self))Z")
        }
    }

    /// `TimestampParser` reuses the day counts of dates it read: over timestamps that share
    /// dates (valid or not, with bytes changed now and then, in other forms too, with more
    /// dates than its table holds) it must decide every input as `Timestamp.parse` does.
    @Test(arguments: [512, 2])
    func parserWithDateMemoryAgreesWithParse(entryCount: Int) {
        var generator = SeededGenerator(seed: 11)
        let zone = ZoneRules.named("Europe/Stockholm")!
        var parser = TimestampParser(zone: zone, entryCount: entryCount)
        let characters = Array("0123456789-:T Zzt+.\0".utf8)
        let dates = ["2026-03-29", "2026-02-29", "2024-02-29", "2026-13-01", "0001-01-01", "9999-12-31", "2026-1O-05", "2026-10-25"]
        var hits = 0
        for _ in 0..<20_000 {
            func two(_ range: ClosedRange<Int>) -> String { String(format: "%02d", Int.random(in: range, using: &generator)) }
            var date = dates[Int.random(in: 0..<(Int.random(in: 0..<4, using: &generator) == 0 ? dates.count : 2), using: &generator)]
            if Int.random(in: 0..<3, using: &generator) == 0 {
                // Any of about 4,000 dates (more than the parser keeps), valid or not.
                date = "20\(two(20...30))-\(two(1...12))-\(two(1...31))"
            }
            var bytes = Array("\(date)T\(two(0...25)):\(two(0...61)):\(two(0...61))Z".utf8)
            switch Int.random(in: 0..<8, using: &generator) {
            case 0: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = characters.randomElement(using: &generator)!
            case 1: bytes.removeLast()
            case 2: bytes.insert(characters.randomElement(using: &generator)!, at: Int.random(in: 0...bytes.count, using: &generator))
            default: break
            }
            let expected = bytes.withUnsafeBufferPointer { Timestamp.parse($0, zone: zone) }
            let actual = bytes.withUnsafeBufferPointer { parser.parse($0) }
            if expected != nil, bytes.count == 20 { hits += 1 }
            #expect(actual == expected, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(hits > 5_000, "most inputs are valid timestamps of the remembered form")
        #expect(parser.remembered > hits / (entryCount == 2 ? 8 : 2), "dates are remembered")
        // Not a date: ten NUL bytes (a CSV field may hold them) must not match a fresh entry.
        var fresh = TimestampParser(zone: zone, entryCount: entryCount)
        for date in [Array(repeating: UInt8(0), count: 10), Array("1970-01-01".utf8), Array("1970-01-0\0".utf8)] {
            let bytes = date + Array("T09:00:00Z".utf8)
            let expected = bytes.withUnsafeBufferPointer { Timestamp.parse($0, zone: zone) }
            #expect(bytes.withUnsafeBufferPointer { fresh.parse($0) } == expected, "\(bytes)")
        }
    }
}
