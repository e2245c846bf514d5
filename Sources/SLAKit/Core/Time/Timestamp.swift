/// Event timestamps (SPEC.md section 5), read straight from bytes without allocating.
///
/// Accepted forms, all in one token without surrounding spaces:
///
///     2026-03-02                       bare date: local midnight in the given zone
///     2026-03-02T09:05                 seconds optional
///     2026-03-02 09:05:00              a space instead of `T`
///     2026-03-02T09:05:00.123456Z      any number of fraction digits, truncated to the millisecond
///     2026-03-02T09:05:00+01:00        offsets `Z`, `±HH:MM`, `±HHMM`, `±HH`
///
/// Decisions where SPEC.md leaves room (documented in the README too):
/// - The date is exactly `YYYY-MM-DD` with a four-digit year 0001-9999; the time is
///   `HH:MM[:SS[.F...]]` with two digits per field. The fraction separator is `.` only.
/// - Lowercase `t` and `z` are accepted as RFC 3339 allows.
/// - Hour 24 (`24:00`) and leap seconds (`:60`) are rejected: an event is an instant,
///   and `23:59:60` has no millisecond of its own in Unix time.
/// - Offset hours are 00-23 and offset minutes 00-59; `-00:00` reads as UTC.
/// - An offset needs a time: `2026-03-02Z` is rejected.
/// - The resulting instant must lie in 0001-01-01T00:00:00Z ... 9999-12-31T23:59:59.999Z,
///   so `0001-01-01T00:00+01:00` (a moment of year 0 in UTC) is rejected.
/// - Without an offset the zone's rules apply through `ZoneRules.instant(fromLocal:)`: a
///   local time in a DST gap is read with the offset in force before the gap, an ambiguous
///   one is its first occurrence.
public enum Timestamp {
    /// Parses a timestamp and returns milliseconds since the Unix epoch, or nil when the
    /// bytes are not a valid timestamp.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, zone: ZoneRules) -> Int64? {
        guard let base = bytes.baseAddress else { return nil }
        let count = bytes.count
        // The form exports use most, `YYYY-MM-DDTHH:MM:SSZ`, checked in one pass of byte
        // tests without loops; anything else (or an invalid date) takes the general path.
        if count == 20, base[19] == 0x5A, let instant = parseUTCSeconds(base) { return instant }
        // Shortest form is the bare date, 10 bytes.
        guard count >= 10,
              let year = digits(base, 0, 4), base[4] == 0x2D,
              let month = digits(base, 5, 2), base[7] == 0x2D,
              let day = digits(base, 8, 2),
              CivilTime.isValidDate(year: year, month: month, day: day)
        else { return nil }
        let dayStart = CivilTime.days(year: year, month: month, day: day) * CivilTime.millisecondsPerDay
        if count == 10 {
            return checkedRange(zone.instant(fromLocal: dayStart))
        }
        // Separator `T`, `t` or a space, then `HH:MM`.
        let separator = base[10]
        guard separator == 0x54 || separator == 0x74 || separator == 0x20, count >= 16,
              let hour = digits(base, 11, 2), base[13] == 0x3A,
              let minute = digits(base, 14, 2),
              hour <= 23, minute <= 59
        else { return nil }
        var millisecondOfDay = Int64(hour) * CivilTime.millisecondsPerHour + Int64(minute) * CivilTime.millisecondsPerMinute
        var index = 16
        // Optional `:SS` and then an optional fraction, which needs the seconds.
        if index < count, base[index] == 0x3A {
            guard index + 3 <= count, let second = digits(base, index + 1, 2), second <= 59 else { return nil }
            millisecondOfDay += Int64(second) * CivilTime.millisecondsPerSecond
            index += 3
            if index < count, base[index] == 0x2E {
                index += 1
                let fractionStart = index
                var milliseconds: Int64 = 0
                while index < count, isDigit(base[index]) {
                    // Only the first three digits count: the fraction is truncated, not rounded.
                    if index - fractionStart < 3 { milliseconds = milliseconds * 10 + Int64(base[index] &- 0x30) }
                    index += 1
                }
                let fractionDigits = index - fractionStart
                guard fractionDigits > 0 else { return nil }
                if fractionDigits == 1 { milliseconds *= 100 } else if fractionDigits == 2 { milliseconds *= 10 }
                millisecondOfDay += milliseconds
            }
        }
        let local = dayStart + millisecondOfDay
        if index == count {
            return checkedRange(zone.instant(fromLocal: local))
        }
        // An explicit offset: `Z`, or a sign with `HH`, `HHMM` or `HH:MM`, then the end.
        let marker = base[index]
        if marker == 0x5A || marker == 0x7A {
            return index + 1 == count ? checkedRange(local) : nil
        }
        guard marker == 0x2B || marker == 0x2D else { return nil }
        let remaining = count - index - 1
        let offsetHours: Int
        var offsetMinutes = 0
        switch remaining {
        case 2:
            guard let hours = digits(base, index + 1, 2) else { return nil }
            offsetHours = hours
        case 4:
            guard let hours = digits(base, index + 1, 2), let minutes = digits(base, index + 3, 2) else { return nil }
            offsetHours = hours
            offsetMinutes = minutes
        case 5:
            guard let hours = digits(base, index + 1, 2), base[index + 3] == 0x3A,
                  let minutes = digits(base, index + 4, 2) else { return nil }
            offsetHours = hours
            offsetMinutes = minutes
        default:
            return nil
        }
        guard offsetHours <= 23, offsetMinutes <= 59 else { return nil }
        let offsetMilliseconds = Int64(offsetHours) * CivilTime.millisecondsPerHour + Int64(offsetMinutes) * CivilTime.millisecondsPerMinute
        // Local time = UTC + offset, so UTC = local - offset.
        return checkedRange(marker == 0x2B ? local - offsetMilliseconds : local + offsetMilliseconds)
    }

    /// Parses the UTF-8 text of a timestamp; see `parse(_:zone:)` on bytes.
    public static func parse(_ text: String, zone: ZoneRules) -> Int64? {
        var text = text
        return text.withUTF8 { parse($0, zone: zone) }
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

    /// `YYYY-MM-DDTHH:MM:SS` at `base` (the `Z` after it checked by the caller) in
    /// milliseconds since the epoch, or nil when any part is not as in that form, or the
    /// date or time is invalid.
    @inline(__always)
    private static func parseUTCSeconds(_ base: UnsafePointer<UInt8>) -> Int64? {
        var invalid = false
        let year = digit(base, 0, &invalid) * 1000 + digit(base, 1, &invalid) * 100 + digit(base, 2, &invalid) * 10 + digit(base, 3, &invalid)
        let month = digit(base, 5, &invalid) * 10 + digit(base, 6, &invalid)
        let day = digit(base, 8, &invalid) * 10 + digit(base, 9, &invalid)
        guard !invalid, base[4] == 0x2D, base[7] == 0x2D, CivilTime.isValidDate(year: year, month: month, day: day),
              let second = utcSecondOfDay(base) else { return nil }
        return CivilTime.days(year: year, month: month, day: day) * CivilTime.millisecondsPerDay + second * CivilTime.millisecondsPerSecond
    }

    /// The seconds since midnight of the `THH:MM:SS` at `base + 10` (in the `...Z` form), or
    /// nil when a byte or a field is not as in that form.
    @inline(__always)
    fileprivate static func utcSecondOfDay(_ base: UnsafePointer<UInt8>) -> Int64? {
        var invalid = false
        let hour = digit(base, 11, &invalid) * 10 + digit(base, 12, &invalid)
        let minute = digit(base, 14, &invalid) * 10 + digit(base, 15, &invalid)
        let second = digit(base, 17, &invalid) * 10 + digit(base, 18, &invalid)
        guard !invalid, base[10] == 0x54, base[13] == 0x3A, base[16] == 0x3A, hour <= 23, minute <= 59, second <= 59 else { return nil }
        return Int64(hour * 3600 + minute * 60 + second)
    }

    /// The ASCII digit at `base + offset`, without a branch: a byte that is not a digit sets
    /// `invalid` (and its value is then meaningless).
    @inline(__always)
    private static func digit(_ base: UnsafePointer<UInt8>, _ offset: Int, _ invalid: inout Bool) -> Int {
        let value = base[offset] &- 0x30
        invalid = invalid || value >= 10
        return Int(value)
    }

    /// The value of `length` ASCII digits at `offset`, or nil if any is not a digit. The
    /// caller guarantees the bytes exist.
    @inline(__always)
    private static func digits(_ base: UnsafePointer<UInt8>, _ offset: Int, _ length: Int) -> Int? {
        var value = 0
        for position in offset..<(offset + length) {
            let digit = base[position] &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
        }
        return value
    }

    @inline(__always)
    private static func checkedRange(_ instant: Int64) -> Int64? {
        instant >= CivilTime.minimumInstant && instant <= CivilTime.maximumInstant ? instant : nil
    }
}

/// `Timestamp.parse` that remembers the dates of the `YYYY-MM-DDTHH:MM:SSZ` timestamps it
/// read: an export's events fall on a few hundred dates, whose validation and day count
/// are then reused and only the time of day is read (in time-sorted input and shuffled
/// alike). Decides every input exactly as `Timestamp.parse` does. One per reader; not
/// shared between threads.
struct TimestampParser {
    let zone: ZoneRules
    /// A remembered date: bytes 0-7 and 8-9 of its `YYYY-MM-DD` and its midnight in UTC,
    /// milliseconds since the epoch. A fresh entry holds 1970-01-01, a real date, so that
    /// no input can match an empty one (ten NUL bytes would match zeros).
    private struct Entry {
        /// `1970-01-` and `01` read as little-endian words.
        var head: UInt64 = 0x2D31_302D_3037_3931
        var tail: UInt16 = 0x3130
        var midnight: Int64 = 0
    }
    /// Timestamps read from a remembered date (for tests).
    private(set) var remembered = 0
    /// Dates by a hash of their bytes; a date replaces the one in its entry.
    private var entries: [Entry]
    /// `entries.count - 1` (the count is a power of two).
    private let mask: Int

    /// - Parameter entryCount: how many dates are remembered, a power of two (fewer only
    ///   in tests, where dates then share entries often).
    init(zone: ZoneRules, entryCount: Int = 512) {
        precondition(entryCount > 0 && entryCount & (entryCount - 1) == 0, "a power of two")
        self.zone = zone
        entries = Array(repeating: Entry(), count: entryCount)
        mask = entryCount - 1
    }

    /// Milliseconds since the epoch, or nil when the bytes are not a valid timestamp.
    @inline(__always)
    mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count == 20, let base = bytes.baseAddress, base[19] == 0x5A else { return Timestamp.parse(bytes, zone: zone) }
        let raw = UnsafeRawPointer(base)
        let head = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        let tail = UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self))
        // The date's digits sit in bytes 2-3, 5-6 and 8-9: mixed twice so that they all
        // reach the top bits the index is taken from.
        var mixed = (head ^ UInt64(tail)) &* 0x9E37_79B9_7F4A_7C15
        mixed ^= mixed >> 32
        let index = Int(truncatingIfNeeded: (mixed &* 0x9E37_79B9_7F4A_7C15) >> 48) & mask
        let entry = entries[index]
        if entry.head == head, entry.tail == tail, let second = Timestamp.utcSecondOfDay(base) {
            remembered &+= 1
            return entry.midnight + second * CivilTime.millisecondsPerSecond
        }
        guard let instant = Timestamp.parse(bytes, zone: zone) else { return nil }
        // A valid `...Z` timestamp is its date's UTC midnight plus its time of day.
        entries[index] = Entry(head: head, tail: tail,
                               midnight: CivilTime.floorDivide(instant, CivilTime.millisecondsPerDay) * CivilTime.millisecondsPerDay)
        return instant
    }
}
