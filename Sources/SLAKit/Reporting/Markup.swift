/// Escaping of text taken from the input (lead ids, names, attribute values) for HTML, SVG
/// and the JUnit XML of `sla test`, valid both as element content and inside a double- or
/// single-quoted attribute.
enum Markup {
    /// `escape` of text as the terminal reports show it (`TextFormatting.visible`): control
    /// characters as control pictures (`␛`, `␊`), for the HTML page and its charts, so that
    /// an id reads there as in the table. (JUnit XML keeps line feeds: `escape` alone.)
    static func escapeVisible(_ text: String) -> String {
        escape(TextFormatting.visible(text))
    }

    static func escape(_ text: String) -> String {
        // Fast path: most names and ids need nothing.
        if !text.unicodeScalars.contains(where: { needsEscape($0) }) { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default:
                // Control characters are not allowed in HTML text (and NUL ends some readers),
                // nor U+FFFE and U+FFFF in XML: show them as the replacement character
                // instead of passing them through.
                escaped.unicodeScalars.append(needsEscape(scalar) ? "\u{FFFD}" : scalar)
            }
        }
        return escaped
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x26, 0x3C, 0x3E, 0x22, 0x27: true
        case 0x09, 0x0A: false
        case 0..<0x20, 0x7F...0x9F, 0xFFFE, 0xFFFF: true
        // Bidirectional overrides and isolates would reverse the rest of a cell or title.
        case 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
