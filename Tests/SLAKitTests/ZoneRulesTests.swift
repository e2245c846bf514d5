import Foundation
import Testing
@testable import SLAKit

@Suite struct ZoneRulesTests {
    /// SPEC.md 3: any name of the tz database, links included (`Asia/Calcutta` and
    /// `Asia/Kolkata`, `Etc/GMT+5`, `EST5EDT`), each with its own offsets; not abbreviations,
    /// offsets or other spellings that Foundation also takes.
    @Test func acceptsEveryNameOfTheTimeZoneDatabaseAndNothingElse() throws {
        #expect(ZoneNames.iana.count >= 598)
        let unloadable = ZoneNames.iana.filter { ZoneRules.named($0) == nil }.sorted()
        #expect(unloadable.isEmpty)
        let june = CivilTime.days(year: 2026, month: 6, day: 1) * CivilTime.millisecondsPerDay
        for (name, offset) in [("Asia/Kolkata", 19_800), ("Asia/Calcutta", 19_800), ("Etc/GMT+5", -18_000), ("Etc/GMT-14", 50_400),
                               ("EST5EDT", -14_400), ("US/Pacific", -25_200), ("Zulu", 0), ("Etc/UTC", 0), ("CET", 7_200)] {
            let zone = try #require(ZoneRules.named(name), "\(name)")
            #expect(zone.offsetSeconds(at: june) == offset, "\(name)")
        }
        for name in ["PST", "GMT+1", "UTC+1", "asia/kolkata", "Utc", "Asia/Kolkata ", "", "Etc/GMT+13", "+05:30", "localtime", "posixrules"] {
            #expect(ZoneRules.named(name) == nil, "\(name)")
        }
    }

    @Test func stockholmOffsets() throws {
        let zone = try #require(ZoneRules.named("Europe/Stockholm"))
        // 2026-03-29 01:00Z is the spring-forward instant in the EU.
        let springForward = CivilTime.days(year: 2026, month: 3, day: 29) * CivilTime.millisecondsPerDay + CivilTime.millisecondsPerHour
        #expect(zone.offsetSeconds(at: springForward - 1) == 3600)
        #expect(zone.offsetSeconds(at: springForward) == 7200)
        // 02:30 local does not exist that day: read with the offset before the gap (+01:00).
        let gapLocal = CivilTime.days(year: 2026, month: 3, day: 29) * CivilTime.millisecondsPerDay + 150 * CivilTime.millisecondsPerMinute
        #expect(zone.instant(fromLocal: gapLocal) == gapLocal - CivilTime.millisecondsPerHour)
        // 2026-10-25 02:30 local happens twice: the first occurrence is at +02:00.
        let ambiguous = CivilTime.days(year: 2026, month: 10, day: 25) * CivilTime.millisecondsPerDay + 150 * CivilTime.millisecondsPerMinute
        #expect(zone.instant(fromLocal: ambiguous) == ambiguous - 2 * CivilTime.millisecondsPerHour)
    }

    /// The table lookup agrees with Foundation at random instants from 1800 to 2300 (in the
    /// table and beyond it) and at every transition of the table and a millisecond before.
    @Test(arguments: ["Europe/Stockholm", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo", "America/Sao_Paulo", "UTC"])
    func offsetsAgreeWithFoundation(_ name: String) throws {
        let zone = try #require(ZoneRules.named(name))
        let foundation = try #require(TimeZone(identifier: name))
        func expected(_ instant: Int64) -> Int { foundation.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant) / 1000)) }
        var generator = SeededGenerator(seed: 11)
        let from = CivilTime.days(year: 1800, month: 1, day: 1) * CivilTime.millisecondsPerDay
        let to = CivilTime.days(year: 2300, month: 1, day: 1) * CivilTime.millisecondsPerDay
        for _ in 0..<20_000 {
            let instant = Int64.random(in: from..<to, using: &generator)
            #expect(zone.offsetSeconds(at: instant) == expected(instant), "\(name) at \(instant)")
        }
        var checked = 0
        for transition in zone.transitions(from: CivilTime.days(year: 1900, month: 1, day: 2) * CivilTime.millisecondsPerDay,
                                           to: CivilTime.days(year: 2199, month: 12, day: 31) * CivilTime.millisecondsPerDay) {
            #expect(zone.offsetSeconds(at: transition) == expected(transition), "\(name) at \(transition)")
            #expect(zone.offsetSeconds(at: transition - 1) == expected(transition - 1), "\(name) before \(transition)")
            checked += 1
        }
        #expect(name == "UTC" || checked > 0)
    }

    @Test func unknownNamesAreRejected() {
        #expect(ZoneRules.named("Europe/Stockholmm") == nil)
        #expect(ZoneRules.named("europe/stockholm") == nil)
        #expect(ZoneRules.named("UTC") != nil)
    }

    @Test func civilRoundTrip() {
        for days in stride(from: Int64(-719_162), through: 2_932_896, by: 997) {
            let (y, m, d) = CivilTime.date(fromDays: days)
            #expect(CivilTime.days(year: y, month: m, day: d) == days)
        }
        #expect(CivilTime.formatUTC(0) == "1970-01-01T00:00:00Z")
        #expect(CivilTime.formatUTC(1_500) == "1970-01-01T00:00:01.500Z")
        #expect(CivilTime.weekdayIndex(fromDays: 0) == 3)
    }
}

@Suite struct StringIndexTests {
    @Test func numbersStringsByExactBytes() {
        var index = StringIndex()
        let keys = (0..<5000).map { "lead-\($0)" } + ["é", "e\u{301}", "", "a", "long key that spans several eight-byte words"]
        for (position, key) in keys.enumerated() {
            #expect(index.insert(key) == (position, true))
        }
        for (position, key) in keys.enumerated() {
            #expect(index.index(of: key) == position)
            #expect(index.insert(key) == (position, false))
        }
        // Canonically equivalent but different scalars stay different ids (SPEC.md 5).
        #expect(index.index(of: "é") != index.index(of: "e\u{301}"))
        #expect(index.index(of: "lead-5000") == nil)
        #expect(index.count == keys.count)
    }

    @Test func ordersByBytes() {
        #expect(ExactText.less("B", "a"))
        #expect(ExactText.less("a", "ab"))
        #expect(!ExactText.less("ab", "ab"))
        #expect(ExactText.less("z", "é"))
    }
}
