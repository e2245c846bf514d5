/// Digits grouped by thousands with commas, for numbers people read: `1,605,000`.
public enum DigitGrouping {
    /// `digits` (decimal digits only, no sign) with a comma before each group of three
    /// from the right: `"7304118"` → `"7,304,118"`.
    public static func grouped(_ digits: some StringProtocol) -> String {
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return grouped
    }

    /// A whole number grouped: `-1234` → `-1,234`.
    public static func grouped(_ number: Int) -> String {
        number < 0 ? "-" + grouped(String(number.magnitude)) : grouped(String(number))
    }
}
