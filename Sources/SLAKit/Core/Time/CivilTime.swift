/// Proleptic Gregorian calendar arithmetic on integers (after Howard Hinnant's
/// `days_from_civil`). Days are counted from 1970-01-01 (day 0); times are milliseconds
/// since the Unix epoch, UTC, unless a name says "local".
public enum CivilTime {
    public static let millisecondsPerSecond: Int64 = 1000
    public static let millisecondsPerMinute: Int64 = 60_000
    public static let millisecondsPerHour: Int64 = 3_600_000
    public static let millisecondsPerDay: Int64 = 86_400_000

    /// Days since 1970-01-01 of a proleptic Gregorian date (month and day 1-based).
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day count since 1970-01-01.
    public static func date(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    /// Weekday of a day count, Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday).
    public static func weekdayIndex(fromDays days: Int64) -> Int {
        Int(((days % 7) + 7 + 3) % 7)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// True for a valid date in years 1-9999.
    public static func isValidDate(year: Int, month: Int, day: Int) -> Bool {
        (1...9999).contains(year) && (1...12).contains(month) && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Floor division for possibly negative millisecond counts.
    @inline(__always)
    public static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }

    /// The earliest representable instant (0001-01-01T00:00:00Z) and the latest
    /// (9999-12-31T23:59:59.999Z), in milliseconds since the epoch.
    public static let minimumInstant: Int64 = days(year: 1, month: 1, day: 1) * millisecondsPerDay
    public static let maximumInstant: Int64 = days(year: 10000, month: 1, day: 1) * millisecondsPerDay - 1
    /// Marks a missing instant where an optional would take more room (`Int64?` takes 9
    /// bytes, and 16 in an array or struct): `Int64.min`, not an instant of years 1-9999.
    static let noInstant = Int64.min

    /// Formats an instant as SPEC.md 7.1 wants: `YYYY-MM-DDTHH:MM:SSZ`, with `.sss` only when
    /// the milliseconds are not zero.
    public static func formatUTC(_ instant: Int64) -> String {
        var bytes: [UInt8] = []
        appendUTC(instant, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `formatUTC(instant)` as UTF-8 bytes (in double quotes with `quoted`), without
    /// building a string.
    public static func appendUTC(_ instant: Int64, to bytes: inout [UInt8], quoted: Bool = false) {
        let days = floorDivide(instant, millisecondsPerDay)
        let withinDay = Int(instant - days * millisecondsPerDay)
        let (year, month, day) = date(fromDays: days)
        // Formatted on the stack, then appended at once: `"YYYY-MM-DDTHH:MM:SS.sssZ"`.
        var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            let out = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var count = 0
            if quoted {
                out[0] = UInt8(ascii: "\"")
                count = 1
            }
            writeDate(year: year, month: month, day: day, to: out + count)
            count += 10
            count += writeTimeOfDay(withinDay, to: out + count)
            if quoted {
                out[count] = UInt8(ascii: "\"")
                count += 1
            }
            bytes.append(contentsOf: UnsafeBufferPointer(start: out, count: count))
        }
    }

    /// Writes `YYYY-MM-DD` (10 bytes) at `out`; years outside 0-9999 give the same bytes as
    /// they always have (two digits per hundred, not padded or signed).
    @inline(__always)
    static func writeDate(year: Int, month: Int, day: Int, to out: UnsafeMutablePointer<UInt8>) {
        writeTwoDigits(year / 100, to: out)
        writeTwoDigits(year % 100, to: out + 2)
        out[4] = UInt8(ascii: "-")
        writeTwoDigits(month, to: out + 5)
        out[7] = UInt8(ascii: "-")
        writeTwoDigits(day, to: out + 8)
    }

    /// Writes `THH:MM:SS` of `withinDay` milliseconds since midnight, then `.sss` when the
    /// milliseconds are not zero, then `Z`, at `out`; returns the bytes written (10 or 14).
    /// (`withinDay` is in `0 ..< millisecondsPerDay`: the divisions are on 32 bits, and each
    /// field is found from the one before.)
    @inline(__always)
    static func writeTimeOfDay(_ withinDay: Int, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let milliseconds = UInt32(truncatingIfNeeded: withinDay)
        let seconds = milliseconds / 1000
        let millisecond = milliseconds - seconds * 1000
        let hour = seconds / 3600
        let secondsOfHour = seconds - hour * 3600
        let minute = secondsOfHour / 60
        out[0] = UInt8(ascii: "T")
        writeTwoDigits(hour, to: out + 1)
        out[3] = UInt8(ascii: ":")
        writeTwoDigits(minute, to: out + 4)
        out[6] = UInt8(ascii: ":")
        writeTwoDigits(secondsOfHour - minute * 60, to: out + 7)
        guard millisecond != 0 else {
            out[9] = UInt8(ascii: "Z")
            return 10
        }
        out[9] = UInt8(ascii: ".")
        let hundreds = millisecond / 100
        out[10] = UInt8(truncatingIfNeeded: 48 + hundreds)
        writeTwoDigits(millisecond - hundreds * 100, to: out + 11)
        out[13] = UInt8(ascii: "Z")
        return 14
    }

    @inline(__always)
    private static func writeTwoDigits(_ value: Int, to out: UnsafeMutablePointer<UInt8>) {
        out[0] = UInt8(truncatingIfNeeded: 48 + value / 10)
        out[1] = UInt8(truncatingIfNeeded: 48 + value % 10)
    }

    /// Two digits of `value` (`0 ..< 100`): its tens as `(value * 205) >> 11`, exact up to
    /// 1028, rather than a division.
    @inline(__always)
    private static func writeTwoDigits(_ value: UInt32, to out: UnsafeMutablePointer<UInt8>) {
        let tens = (value &* 205) >> 11
        out[0] = UInt8(truncatingIfNeeded: 48 + tens)
        out[1] = UInt8(truncatingIfNeeded: 48 + (value - tens * 10))
    }

    /// Formats local wall-clock milliseconds (as from `ZoneRules.local(_:)`) as
    /// `YYYY-MM-DD HH:MM` (with `:SS` and `.sss` only when non-zero).
    public static func formatLocal(_ local: Int64) -> String {
        let days = floorDivide(local, millisecondsPerDay)
        let withinDay = local - days * millisecondsPerDay
        let (year, month, day) = date(fromDays: days)
        let hour = withinDay / millisecondsPerHour
        let minute = (withinDay / millisecondsPerMinute) % 60
        let second = (withinDay / 1000) % 60
        let millisecond = withinDay % 1000
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + " " + pad(Int(hour), 2) + ":" + pad(Int(minute), 2)
        if second != 0 || millisecond != 0 { text += ":" + pad(Int(second), 2) }
        if millisecond != 0 { text += "." + pad(Int(millisecond), 3) }
        return text
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
