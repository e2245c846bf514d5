import Foundation

/// The UTC-offset rules of one IANA time zone, precomputed into a table of transitions so
/// that the hot path (offset-less timestamps, calendars, periods) is a table lookup, not a
/// Foundation call. Instants are milliseconds since the epoch; offsets are seconds east
/// of UTC; "local" values are wall-clock milliseconds since 1970-01-01T00:00 local.
public final class ZoneRules: Sendable {
    public let identifier: String
    /// Instants at which the offset changes, ascending.
    private let transitions: [Int64]
    /// `offsets[i]` is in force from `transitions[i - 1]` (or the beginning) up to
    /// `transitions[i]`; so there is one more offset than transitions.
    private let offsets: [Int32]
    /// Table range; outside it Foundation is asked directly (rare: years before 1900 or after 2200).
    private let tableStart: Int64
    private let tableEnd: Int64
    private let foundationZone: TimeZone?
    /// By bucket of `1 << bucketShift` milliseconds (about 199 days) from `tableStart`: the
    /// number of transitions before the bucket starts. A lookup starts there and steps over
    /// the bucket's few transitions (zones change at most a few times a year), instead of a
    /// binary search over the whole table (about 600 transitions for a zone with DST).
    private let bucketStarts: [Int32]
    private static let bucketShift: Int64 = 34

    /// UTC.
    public static let utc = ZoneRules(identifier: "UTC", transitions: [], offsets: [0], zone: nil)

    private init(identifier: String, transitions: [Int64], offsets: [Int32], zone: TimeZone?) {
        self.identifier = identifier
        self.transitions = transitions
        self.offsets = offsets
        self.foundationZone = zone
        let tableStart = CivilTime.days(year: 1900, month: 1, day: 1) * CivilTime.millisecondsPerDay
        let tableEnd = CivilTime.days(year: 2200, month: 1, day: 1) * CivilTime.millisecondsPerDay
        self.tableStart = tableStart
        self.tableEnd = tableEnd
        let bucketCount = Int((tableEnd - tableStart) >> ZoneRules.bucketShift) + 1
        var bucketStarts = [Int32](repeating: 0, count: bucketCount)
        var before = 0
        for bucket in 0..<bucketCount {
            let start = tableStart + Int64(bucket) << ZoneRules.bucketShift
            while before < transitions.count, transitions[before] < start { before += 1 }
            bucketStarts[bucket] = Int32(before)
        }
        self.bucketStarts = bucketStarts
    }

    private static let cache = ZoneCache()

    /// The rules of an IANA zone name (case-sensitive), or nil when the name is unknown.
    public static func named(_ identifier: String) -> ZoneRules? {
        if identifier == "UTC" { return utc }
        return cache.rules(for: identifier)
    }

    fileprivate static func build(_ identifier: String) -> ZoneRules? {
        // Foundation also accepts abbreviations that are not tz names (`PST`) and offsets
        // (`GMT+1`): insist on a name of the tz database.
        guard ZoneNames.iana.contains(identifier) || TimeZone.knownTimeZoneIdentifiers.contains(identifier),
              let zone = TimeZone(identifier: identifier) else { return nil }
        let start = Date(timeIntervalSince1970: -2_208_988_800) // 1900-01-01
        let end = Date(timeIntervalSince1970: 7_258_118_400) // 2200-01-01
        var transitions: [Int64] = []
        var offsets: [Int32] = [Int32(zone.secondsFromGMT(for: start))]
        var cursor = start
        var guardCount = 0
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end, guardCount < 5000 {
            guardCount += 1
            let instant = Int64((next.timeIntervalSince1970 * 1000).rounded())
            let offset = Int32(zone.secondsFromGMT(for: next))
            if offset != offsets.last! {
                transitions.append(instant)
                offsets.append(offset)
            }
            if next <= cursor { break }
            cursor = next
        }
        return ZoneRules(identifier: identifier, transitions: transitions, offsets: offsets, zone: zone)
    }

    /// Seconds east of UTC in force at `instant`.
    public func offsetSeconds(at instant: Int64) -> Int {
        guard instant >= tableStart && instant < tableEnd else {
            if let zone = foundationZone { return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant) / 1000)) }
            return Int(offsets[instant < tableStart ? 0 : offsets.count - 1])
        }
        // Offset `i` is in force after `i` transitions: those at or before `instant`.
        return Int(offsets[firstTableTransition(atOrAfter: instant + 1)])
    }

    /// Whether local date `day` (`CivilTime.days`) holds no instant: the zone skipped it
    /// (Samoa's 2011-12-30, crossing the date line), so its midnight and the next convert
    /// to the same instant.
    public func skips(day: Int64) -> Bool {
        instant(fromLocal: (day + 1) * CivilTime.millisecondsPerDay) <= instant(fromLocal: day * CivilTime.millisecondsPerDay)
    }

    /// Local wall-clock milliseconds of an instant.
    @inline(__always)
    public func local(_ instant: Int64) -> Int64 {
        instant + Int64(offsetSeconds(at: instant)) * 1000
    }

    /// The instant of a local wall-clock time. In a gap (spring forward) the offset in force
    /// before the gap is used; an ambiguous time (fall back) is its first occurrence.
    public func instant(fromLocal local: Int64) -> Int64 {
        let before = Int64(offsetSeconds(at: local - CivilTime.millisecondsPerDay)) * 1000
        let after = Int64(offsetSeconds(at: local + CivilTime.millisecondsPerDay)) * 1000
        if before == after {
            // No transition nearby (the common case); or a transition and back within two
            // days, handled by the check below.
            let candidate = local - before
            if Int64(offsetSeconds(at: candidate)) * 1000 == before { return candidate }
        }
        let first = local - max(before, after) // the earlier instant of the two readings
        let second = local - min(before, after)
        let firstValid = Int64(offsetSeconds(at: first)) * 1000 == max(before, after)
        let secondValid = Int64(offsetSeconds(at: second)) * 1000 == min(before, after)
        if firstValid { return first }
        if secondValid { return second }
        // A gap: read with the offset in force before it.
        return local - before
    }

    /// Whether an offset change falls inside `[from, to)` (`transitions(from:to:)` is not
    /// empty), without building the list.
    public func hasTransition(from: Int64, to: Int64) -> Bool {
        guard from < to else { return false }
        guard from >= tableStart, to <= tableEnd else { return !transitions(from: from, to: to).isEmpty }
        let first = firstTableTransition(atOrAfter: from)
        return first < transitions.count && transitions[first] < to
    }

    /// The index of the table's first transition at or after `instant` (the count when
    /// none), that is the number before it; `instant` is in `tableStart ... tableEnd`.
    /// From the instant's bucket, which counts those before it, over the bucket's few.
    @inline(__always)
    private func firstTableTransition(atOrAfter instant: Int64) -> Int {
        var index = Int(bucketStarts[Int((instant - tableStart) >> ZoneRules.bucketShift)])
        while index < transitions.count, transitions[index] < instant { index += 1 }
        return index
    }

    /// All transitions inside `[from, to)`, ascending, for calendar arithmetic that must split
    /// at them. Outside the table's years the offsets come from Foundation, and so do the
    /// transitions there (Foundation keeps applying the zone's current DST rule past 2200).
    public func transitions(from: Int64, to: Int64) -> [Int64] {
        guard from < to else { return [] }
        var result: [Int64] = []
        if from < tableStart {
            result += foundationTransitions(from: from, to: min(to, tableStart))
        }
        if to > tableStart && from < tableEnd {
            result += tableTransitions(from: max(from, tableStart), to: min(to, tableEnd))
        }
        if to > tableEnd {
            result += foundationTransitions(from: max(from, tableEnd), to: to)
        }
        return result
    }

    /// The table's transitions inside `[from, to)`.
    private func tableTransitions(from: Int64, to: Int64) -> [Int64] {
        var result: [Int64] = []
        var index = firstTableTransition(atOrAfter: from)
        while index < transitions.count, transitions[index] < to {
            result.append(transitions[index])
            index += 1
        }
        return result
    }

    /// Offset changes inside `[from, to)` as Foundation reports them (outside the table).
    private func foundationTransitions(from: Int64, to: Int64) -> [Int64] {
        guard let zone = foundationZone else { return [] }
        var result: [Int64] = []
        // `nextDaylightSavingTimeTransition(after:)` is strictly after its argument.
        var cursor = Date(timeIntervalSince1970: Double(from - 1) / 1000)
        let end = Date(timeIntervalSince1970: Double(to) / 1000)
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end, next > cursor {
            let instant = Int64((next.timeIntervalSince1970 * 1000).rounded())
            // Keep only real offset changes, as the table does.
            if instant >= from, instant < to, offsetSeconds(at: instant - 1) != offsetSeconds(at: instant) {
                result.append(instant)
            }
            cursor = next
        }
        return result
    }
}

/// A lock-protected cache of zone tables; building one costs a few milliseconds.
private final class ZoneCache: @unchecked Sendable {
    private let lock = NSLock()
    private var zones: [String: ZoneRules?] = [:]

    func rules(for identifier: String) -> ZoneRules? {
        lock.lock()
        defer { lock.unlock() }
        if let cached = zones[identifier] { return cached }
        let built = ZoneRules.build(identifier)
        zones[identifier] = built
        return built
    }
}
