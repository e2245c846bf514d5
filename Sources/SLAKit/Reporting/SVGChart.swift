// The HTML report's charts, drawn as inline SVG by hand (no packages, no scripts). Every
// chart is a pure function of its data, so the same input gives byte-identical SVG (the
// golden-file test relies on that). Coordinates are pixels of the chart's view box.

/// Colours and fills of the charts: the Okabe-Ito palette, which stays distinguishable for
/// the common forms of colour blindness, plus hatching and dots on the "bad" statuses so
/// that they also differ from their neighbours in grey print.
enum ChartStyle {
    static let metColour = "#009E73"       // bluish green
    static let lateColour = "#E69F00"      // orange
    static let overdueColour = "#D55E00"   // vermillion
    static let atRiskColour = "#F0E442"    // yellow
    static let pendingColour = "#56B4E9"   // sky blue
    static let inProgressColour = "#D9D9D9"
    static let ink = "#222"
    static let axisColour = "#767676"
    static let gridColour = "#E3E3E3"

    /// Font of chart text, pixels; labels are measured with `TextMetrics` at these sizes.
    static let fontSize = 10.0
    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

    /// The shared pattern definitions, included once per page: inline SVGs of one HTML
    /// document share ids, so every chart can refer to `url(#sla-…)`.
    static let definitions = """
    <svg width="0" height="0" style="position:absolute" aria-hidden="true" focusable="false"><defs>\
    <pattern id="sla-late" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
    <rect width="6" height="6" fill="\(lateColour)"/><line x1="1" y1="0" x2="1" y2="6" stroke="#000" stroke-opacity="0.55" stroke-width="1.6"/></pattern>\
    <pattern id="sla-overdue" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">\
    <rect width="5" height="5" fill="\(overdueColour)"/><path d="M1 0V5M0 1H5" stroke="#000" stroke-opacity="0.6" stroke-width="1.3"/></pattern>\
    <pattern id="sla-missed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">\
    <rect width="6" height="6" fill="\(overdueColour)"/><line x1="1" y1="0" x2="1" y2="6" stroke="#000" stroke-opacity="0.55" stroke-width="1.6"/></pattern>\
    <pattern id="sla-at-risk" width="5" height="5" patternUnits="userSpaceOnUse">\
    <rect width="5" height="5" fill="\(atRiskColour)"/><circle cx="2.5" cy="2.5" r="1.1" fill="#000" fill-opacity="0.6"/></pattern>\
    </defs></svg>
    """

    /// The fill of a deadline status.
    static func fill(_ status: CycleStatus) -> String {
        switch status {
        case .met: metColour
        case .late: "url(#sla-late)"
        case .overdue: "url(#sla-overdue)"
        case .atRisk: "url(#sla-at-risk)"
        case .pending: pendingColour
        }
    }

    /// The fill of a goal status (`no_data` draws no bar).
    static func fill(_ status: GoalStatus) -> String {
        switch status {
        case .met: metColour
        case .missed: "url(#sla-missed)"
        case .inProgress, .noData: inProgressColour
        }
    }

    /// Deadline statuses bottom to top in stacked bars: the good news at the base, open
    /// cycles (not yet decided) on top.
    static let stackOrder: [CycleStatus] = [.met, .late, .overdue, .atRisk, .pending]
}

/// Approximate text widths, so that labels can be thinned out before they overlap. The
/// widths (in ems) are those of DejaVu Sans, the widest of the common fallback sans-serif
/// fonts, so that labels that fit here also fit in the narrower system fonts.
enum TextMetrics {
    /// Width in pixels of `text` set in a sans-serif font of `fontSize` pixels; bold text
    /// is about a tenth wider.
    static func width(_ text: String, fontSize: Double = ChartStyle.fontSize, bold: Bool = false) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars {
            switch scalar {
            case "i", "l", "j", "I", "'", "|", ".", ",", ":", ";", "!": ems += 0.3
            case " ", "f", "t", "r", "(", ")", "[", "]", "-", "/": ems += 0.38
            case "m", "w", "M", "W", "%", "@": ems += 0.96
            case "A"..."Z": ems += 0.72
            case "0"..."9": ems += 0.64
            case "a"..."z": ems += 0.6
            default: ems += scalar.value >= 0x2E80 ? 1.0 : 0.7  // wide scripts take a full em
            }
        }
        return ems * fontSize * (bold ? 1.1 : 1)
    }
}

/// What a chart's values are, which decides tick steps and how labels read.
enum ValueUnit: Sendable {
    /// Counts and sums: `12`, `1.5k`, `2M`.
    case number
    /// Fractions shown as percentages: 0.3 reads `30%`.
    case fraction
    /// Durations in seconds, shown as `2h 30m`.
    case seconds
    /// Working time in seconds, shown in hours at most (`30h`): a "day" would read as a
    /// calendar day.
    case workingSeconds

    /// A value as a short axis or bar label.
    func label(_ value: Double) -> String {
        switch self {
        case .number:
            let magnitude = abs(value)
            if magnitude >= 1_000_000 { return SVGText.trimmed(value / 1_000_000, decimals: 1) + "M" }
            if magnitude >= 10_000 { return SVGText.trimmed(value / 1000, decimals: 1) + "k" }
            return SVGText.grouped(SVGText.trimmed(value, decimals: 2))
        case .fraction:
            return SVGText.trimmed(value * 100, decimals: 1) + "%"
        case .seconds, .workingSeconds:
            guard let milliseconds = Int64(exactly: (value * 1000).rounded()) else { return JSONWriter.number(value) + "s" }
            return TextFormatting.duration(milliseconds, inDays: self == .seconds)
        }
    }

    /// Tick spacing of an axis from 0 (or `low`) to about `high` with about `count` steps:
    /// 1-2-2.5-5 steps for numbers and fractions, clock-like steps for durations.
    func ticks(low: Double, high: Double, count: Int) -> (low: Double, high: Double, step: Double) {
        // Values near the largest double: `high - low` overflows, and the loops below would
        // not end on an infinite span. Two steps from `low` cover it.
        guard (high - low).isFinite else { return (low, high, max(high / 2 - low / 2, 1)) }
        let span = max(high - low, 0)
        let raw = span > 0 ? span / Double(max(count, 1)) : 0
        var step: Double
        switch self {
        case .seconds, .workingSeconds:
            let steps: [Double] = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600,
                                   43_200, 86_400, 172_800, 604_800, 1_209_600, 2_592_000, 7_776_000, 31_536_000]
            step = steps.first { $0 >= raw } ?? (raw / 31_536_000).rounded(.up) * 31_536_000
            if raw == 0 { step = 3600 }
        case .number, .fraction:
            if raw == 0 {
                step = self == .fraction ? 0.25 : 1
            } else {
                var magnitude = 1.0
                while magnitude * 10 <= raw { magnitude *= 10 }
                while magnitude > raw { magnitude /= 10 }
                step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw - raw * 1e-9 } ?? 10 * magnitude
                // Counts come in whole items.
                if self == .number, step < 1 { step = 1 }
            }
        }
        let bottom = (low / step).rounded(.down) * step
        var top = (high / step).rounded(.up) * step
        if top <= bottom { top = bottom + step }
        return (bottom, top, step)
    }
}

/// Number formatting of coordinates and labels.
enum SVGText {
    /// A coordinate with at most one decimal: `12`, `12.5`, `-3.2`.
    static func coordinate(_ value: Double) -> String {
        trimmed(value, decimals: 1)
    }

    /// A plain decimal number with its whole part grouped by thousands: `1,605,000.5`.
    static func grouped(_ number: String) -> String {
        let negative = number.hasPrefix("-")
        let unsigned = negative ? String(number.dropFirst()) : number
        let parts = unsigned.split(separator: ".", maxSplits: 1)
        // Only a plain decimal: `1e+16` (as JSONWriter writes large numbers) stays as it is.
        guard let whole = parts.first, whole.count > 3, whole.allSatisfy(\.isWholeNumber),
              parts.count == 1 || parts[1].allSatisfy(\.isWholeNumber) else { return number }
        var grouped = DigitGrouping.grouped(whole)
        if parts.count == 2 { grouped += "." + parts[1] }
        return negative ? "-" + grouped : grouped
    }

    /// `value` rounded to `decimals` places, without trailing zeros.
    static func trimmed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        if scaled == 0 { return "0" }
        // Beyond 64-bit integers (`1e25`) the value has no fraction worth showing.
        guard let whole = Int64(exactly: abs(scaled)) else { return JSONWriter.number(value.rounded()) }
        let negative = scaled < 0
        let unit = Int64(scale)
        var text = String(whole / unit)
        let fraction = whole % unit
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: decimals - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return negative ? "-" + text : text
    }
}

/// A small builder of one SVG element tree.
struct SVGCanvas {
    private(set) var body = ""
    let width: Double
    let height: Double

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// The finished `<svg>`; `title` is its accessible name (escaped here).
    func svg(title: String, className: String) -> String {
        let size = "width=\"\(SVGText.coordinate(width))\" height=\"\(SVGText.coordinate(height))\""
        return "<svg class=\"\(className)\" viewBox=\"0 0 \(SVGText.coordinate(width)) \(SVGText.coordinate(height))\" \(size)"
            + " role=\"img\" font-family=\"\(ChartStyle.fontFamily)\" font-size=\"\(SVGText.coordinate(ChartStyle.fontSize))\">"
            + "<title>\(Markup.escapeVisible(title))</title>" + body + "</svg>"
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, extra: String = "") {
        body += "<rect x=\"\(SVGText.coordinate(x))\" y=\"\(SVGText.coordinate(y))\" width=\"\(SVGText.coordinate(width))\" height=\"\(SVGText.coordinate(height))\" fill=\"\(fill)\"\(extra.isEmpty ? "" : " " + extra)/>"
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, extra: String = "") {
        body += "<line x1=\"\(SVGText.coordinate(x1))\" y1=\"\(SVGText.coordinate(y1))\" x2=\"\(SVGText.coordinate(x2))\" y2=\"\(SVGText.coordinate(y2))\" stroke=\"\(stroke)\"\(extra.isEmpty ? "" : " " + extra)/>"
    }

    enum Anchor: String { case start, middle, end }

    /// Text at a baseline point; `halo` draws a white outline behind it so it stays
    /// readable over bars and lines.
    mutating func text(_ content: String, x: Double, y: Double, anchor: Anchor = .start, bold: Bool = false,
                       halo: Bool = false, fill: String = ChartStyle.ink) {
        var attributes = "x=\"\(SVGText.coordinate(x))\" y=\"\(SVGText.coordinate(y))\""
        if anchor != .start { attributes += " text-anchor=\"\(anchor.rawValue)\"" }
        if bold { attributes += " font-weight=\"700\"" }
        if halo { attributes += " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\"" }
        if fill != ChartStyle.ink { attributes += " fill=\"\(fill)\"" } else { attributes += " fill=\"\(ChartStyle.ink)\"" }
        body += "<text \(attributes)>\(Markup.escapeVisible(content))</text>"
    }

    mutating func raw(_ markup: String) { body += markup }
}

extension ComparisonOperator {
    /// The operator as typeset for readers: `≥`, `>`, `≤`, `<`, `=`.
    var symbol: String {
        switch self {
        case .greaterEqual: "≥"
        case .greater: ">"
        case .lessEqual: "≤"
        case .less: "<"
        case .equal: "="
        }
    }
}

/// Which labels of `count` equally spaced slots to show so that none overlap: every k-th,
/// counted from `anchorIndex` (the highlighted or latest slot), which is always shown.
func thinnedLabelIndices(count: Int, slotWidth: Double, labelWidth: Double, anchorIndex: Int) -> [Int] {
    guard count > 0 else { return [] }
    let gap = 6.0
    let every = max(1, Int(((labelWidth + gap) / max(slotWidth, 0.1)).rounded(.up)))
    return (0..<count).filter { abs($0 - anchorIndex) % every == 0 }
}

/// A vertical value axis: grid lines and labels at the left of the plot.
private func drawValueAxis(_ canvas: inout SVGCanvas, unit: ValueUnit, ticks: (low: Double, high: Double, step: Double),
                           plotLeft: Double, plotRight: Double, y: (Double) -> Double) {
    var value = ticks.low
    var drawn = 0
    while value <= ticks.high + ticks.step * 1e-9, drawn < 12 {
        let position = y(value)
        canvas.line(x1: plotLeft, y1: position, x2: plotRight, y2: position,
                    stroke: value == 0 ? ChartStyle.axisColour : ChartStyle.gridColour)
        canvas.text(unit.label(value), x: plotLeft - 4, y: position + 3.5, anchor: .end, fill: ChartStyle.axisColour)
        value += ticks.step
        drawn += 1
    }
}

/// Left margin that fits the value axis labels.
private func valueAxisWidth(unit: ValueUnit, ticks: (low: Double, high: Double, step: Double)) -> Double {
    var widest = 0.0
    var value = ticks.low
    var drawn = 0
    while value <= ticks.high + ticks.step * 1e-9, drawn < 12 {
        widest = max(widest, TextMetrics.width(unit.label(value)))
        value += ticks.step
        drawn += 1
    }
    return widest + 8
}

// MARK: - Goal trend

/// One period of a goal trend chart.
struct TrendPoint: Sendable {
    var label: String
    /// The reported value (nil for no data).
    var value: Double?
    var status: GoalStatus
    /// Whether this is the period under review (drawn outlined, its label always shown).
    var highlighted: Bool
}

/// A goal's value over its periods as bars, coloured by status, with the target as a
/// dashed line: the small chart next to each goal row.
struct GoalTrendChart {
    var title: String
    var points: [TrendPoint]
    var target: Double
    var op: ComparisonOperator
    var unit: ValueUnit
    var width = 260.0
    var height = 96.0

    func svg() -> String {
        var canvas = SVGCanvas(width: width, height: height)
        let values = points.compactMap(\.value)
        var low = min(0, target, values.min() ?? 0)
        var high = max(0, target, values.max() ?? 0)
        // Headroom so that a bar at the target still shows the line above it (short of
        // infinity for values near the largest double).
        if high > 0 { high = min(high * 1.08, .greatestFiniteMagnitude) }
        if low < 0 { low = max(low * 1.08, -.greatestFiniteMagnitude) }
        if unit == .fraction { high = min(max(high, 0.01), 1) }
        let ticks = unit.ticks(low: low, high: high, count: 2)
        let top = 8.0, bottom = 16.0
        let left = valueAxisWidth(unit: unit, ticks: ticks), right = 6.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func y(_ value: Double) -> Double {
            top + plotHeight * (1 - (value - ticks.low) / (ticks.high - ticks.low))
        }
        drawValueAxis(&canvas, unit: unit, ticks: ticks, plotLeft: left, plotRight: width - right, y: y)

        let slot = plotWidth / Double(max(points.count, 1))
        let barWidth = min(max(slot * 0.72, 1.5), 26)
        let baseline = y(0)
        for (index, point) in points.enumerated() {
            let center = left + slot * (Double(index) + 0.5)
            guard let value = point.value else {
                // No data: a short dash on the baseline, so the gap reads as "nothing measured".
                canvas.line(x1: center - min(barWidth / 2, 4), y1: baseline - 2, x2: center + min(barWidth / 2, 4), y2: baseline - 2,
                            stroke: ChartStyle.axisColour, extra: "stroke-width=\"1.5\"")
                continue
            }
            let barTop = min(y(value), baseline), barHeight = max(abs(y(value) - baseline), value == 0 ? 0 : 1)
            var extra = point.status == .inProgress ? "stroke=\"\(ChartStyle.ink)\" stroke-dasharray=\"2 2\" stroke-width=\"1\"" : ""
            if point.highlighted { extra = "stroke=\"\(ChartStyle.ink)\" stroke-width=\"1.5\"" + (point.status == .inProgress ? " stroke-dasharray=\"2 2\"" : "") }
            canvas.rect(x: center - barWidth / 2, y: barTop, width: barWidth, height: barHeight, fill: ChartStyle.fill(point.status), extra: extra)
        }

        // The target line, labelled at its right end.
        let targetY = y(target)
        canvas.line(x1: left, y1: targetY, x2: width - right, y2: targetY, stroke: "#000", extra: "stroke-width=\"1.5\" stroke-dasharray=\"5 3\"")
        let targetText = "target \(op.symbol) \(unit.label(target))"
        let labelY = targetY - 3 < top + 6 ? targetY + 10 : targetY - 3
        canvas.text(targetText, x: width - right - 1, y: labelY, anchor: .end, halo: true)

        // Period labels, thinned out around the highlighted (or latest) period.
        let anchor = points.firstIndex(where: \.highlighted) ?? points.count - 1
        let widest = points.map { TextMetrics.width($0.label, bold: $0.highlighted) }.max() ?? 0
        for index in thinnedLabelIndices(count: points.count, slotWidth: slot, labelWidth: widest, anchorIndex: anchor) {
            let center = left + slot * (Double(index) + 0.5)
            let half = TextMetrics.width(points[index].label) / 2
            // Keep the first and last labels inside the chart.
            let x = min(max(center, half + 1), width - half - 1)
            canvas.text(points[index].label, x: x, y: height - 4, anchor: .middle, bold: points[index].highlighted)
        }
        let summary = points.map { point in
            let status = point.status.rawValue.replacingOccurrences("_", " ")
            // Without a value: no data, or a value the JSON writes null (a sum past the
            // largest double), whose status still says how it went.
            guard let value = point.value else { return "\(point.label): " + (point.status == .noData ? "no data" : "no value (\(status))") }
            return "\(point.label): \(unit.label(value)) (\(status))"
        }
        return canvas.svg(title: title + ". Target " + op.symbol + " " + unit.label(target) + ". " + summary.joined(separator: "; "),
                          className: "chart trend")
    }
}

// MARK: - Deadline compliance

/// One period of a deadline compliance chart: how many cycles started in it have each status.
struct ComplianceBar: Sendable {
    var label: String
    var counts: [CycleStatus: Int]
    var highlighted: Bool

    var total: Int { counts.values.reduce(0, +) }
    /// Met over decided (met, late, overdue), nil when nothing is decided.
    var compliance: Double? {
        let decided = (counts[.met] ?? 0) + (counts[.late] ?? 0) + (counts[.overdue] ?? 0)
        return decided == 0 ? nil : Double(counts[.met] ?? 0) / Double(decided)
    }
}

/// Shares of cycle statuses per period as 100% stacked bars, with the compliance rate
/// written above each bar and the counts inside the segments that have room.
struct ComplianceChart {
    var title: String
    var bars: [ComplianceBar]
    var width = 440.0
    var height = 180.0

    func svg() -> String {
        var canvas = SVGCanvas(width: width, height: height)
        let ticks = ValueUnit.fraction.ticks(low: 0, high: 1, count: 2)
        let top = 26.0, bottom = 18.0
        let left = valueAxisWidth(unit: .fraction, ticks: ticks), right = 6.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func y(_ share: Double) -> Double { top + plotHeight * (1 - share) }
        canvas.text("share of cycles started in the period · above: on time (met ÷ decided)", x: left, y: 10, fill: ChartStyle.axisColour)
        drawValueAxis(&canvas, unit: .fraction, ticks: ticks, plotLeft: left, plotRight: width - right, y: y)

        let slot = plotWidth / Double(max(bars.count, 1))
        let barWidth = min(max(slot * 0.72, 1.5), 44)
        let anchor = bars.firstIndex(where: \.highlighted) ?? bars.count - 1
        let rateWidth = TextMetrics.width("100%", bold: true)
        let rateIndices = Set(thinnedLabelIndices(count: bars.count, slotWidth: slot, labelWidth: rateWidth, anchorIndex: anchor))
        for (index, bar) in bars.enumerated() {
            let center = left + slot * (Double(index) + 0.5)
            let total = bar.total
            guard total > 0 else {
                canvas.text("–", x: center, y: y(0) - 3, anchor: .middle, fill: ChartStyle.axisColour)
                continue
            }
            var below = 0
            for status in ChartStyle.stackOrder {
                let count = bar.counts[status] ?? 0
                guard count > 0 else { continue }
                let y0 = y(Double(below) / Double(total)), y1 = y(Double(below + count) / Double(total))
                canvas.rect(x: center - barWidth / 2, y: y1, width: barWidth, height: y0 - y1, fill: ChartStyle.fill(status),
                            extra: "stroke=\"#fff\" stroke-width=\"0.5\"")
                let label = String(count)
                if y0 - y1 >= 12, TextMetrics.width(label) + 4 <= barWidth {
                    canvas.text(label, x: center, y: (y0 + y1) / 2 + 3.5, anchor: .middle, halo: true)
                }
                below += count
            }
            if bar.highlighted {
                canvas.rect(x: center - barWidth / 2, y: y(1), width: barWidth, height: y(0) - y(1), fill: "none",
                            extra: "stroke=\"\(ChartStyle.ink)\" stroke-width=\"2\"")
            }
            if rateIndices.contains(index) {
                canvas.text(bar.compliance.map(ValueUnit.fraction.label) ?? "–", x: center, y: top - 4, anchor: .middle, bold: bar.highlighted)
            }
        }
        let widest = bars.map { TextMetrics.width($0.label, bold: $0.highlighted) }.max() ?? 0
        for index in thinnedLabelIndices(count: bars.count, slotWidth: slot, labelWidth: widest, anchorIndex: anchor) {
            let center = left + slot * (Double(index) + 0.5)
            let half = TextMetrics.width(bars[index].label) / 2
            canvas.text(bars[index].label, x: min(max(center, half + 1), width - half - 1), y: height - 5, anchor: .middle,
                        bold: bars[index].highlighted)
        }
        let summary = bars.map { bar in
            bar.label + ": " + ChartStyle.stackOrder.compactMap { status in
                (bar.counts[status] ?? 0) > 0 ? "\(bar.counts[status] ?? 0) \(status.rawValue.replacingOccurrences("_", " "))" : nil
            }.joined(separator: ", ")
        }
        return canvas.svg(title: title + ". " + summary.joined(separator: "; "), className: "chart compliance")
    }
}

// MARK: - Elapsed time distribution

/// A histogram of elapsed times of decided cycles against their budget: bars split into
/// the part within budget and the part over it, with the budget as a vertical line.
struct ElapsedHistogram {
    var title: String
    /// Elapsed time of each cycle: seconds (`.seconds`) or a fraction of its own budget
    /// (`.fraction`, when budgets differ between cycles).
    var values: [Double]
    /// The budget in the same unit (1 for fractions).
    var budget: Double
    var unit: ValueUnit
    var width = 440.0
    var height = 180.0
    /// How many bins the range is cut into (an overflow bin may follow).
    var binCount = 12

    func svg() -> String {
        var canvas = SVGCanvas(width: width, height: height)
        // The range shows the budget and what lies beyond it, up to three budgets; slower
        // cycles are gathered in one overflow bar so a single outlier cannot squash the rest.
        let largest = values.max() ?? 0
        let xTicks = unit.ticks(low: 0, high: max(min(largest, budget * 3), budget * 1.1), count: 4)
        let rangeEnd = xTicks.high
        let binWidth = rangeEnd / Double(binCount)
        var within = Array(repeating: 0, count: binCount + 1)
        var over = Array(repeating: 0, count: binCount + 1)
        for value in values {
            let bin = value >= rangeEnd ? binCount : max(0, min(binCount - 1, Int(value / binWidth)))
            if value <= budget { within[bin] += 1 } else { over[bin] += 1 }
        }
        let hasOverflow = within[binCount] + over[binCount] > 0
        let maximumCount = zip(within, over).map { $0 + $1 }.max() ?? 0
        let yTicks = ValueUnit.number.ticks(low: 0, high: Double(max(maximumCount, 1)), count: 3)

        // The top margin holds the axis caption and, below it, the budget label.
        let top = 30.0, bottom = 18.0, right = 8.0
        let left = valueAxisWidth(unit: .number, ticks: yTicks)
        let overflowWidth = hasOverflow ? max(28.0, TextMetrics.width("> " + unit.label(rangeEnd)) + 6) : 0
        let plotWidth = width - left - right - overflowWidth, plotHeight = height - top - bottom
        func x(_ value: Double) -> Double { left + plotWidth * value / rangeEnd }
        func y(_ count: Double) -> Double { top + plotHeight * (1 - count / yTicks.high) }
        canvas.text("cycles (decided: met, late, overdue)", x: left, y: 10, fill: ChartStyle.axisColour)
        drawValueAxis(&canvas, unit: .number, ticks: yTicks, plotLeft: left, plotRight: width - right, y: y)

        func drawBar(x0: Double, x1: Double, bin: Int) {
            let gap = min(1, (x1 - x0) * 0.1)
            if within[bin] > 0 {
                canvas.rect(x: x0 + gap, y: y(Double(within[bin])), width: x1 - x0 - 2 * gap, height: y(0) - y(Double(within[bin])),
                            fill: ChartStyle.metColour)
            }
            if over[bin] > 0 {
                let base = Double(within[bin])
                canvas.rect(x: x0 + gap, y: y(base + Double(over[bin])), width: x1 - x0 - 2 * gap,
                            height: y(base) - y(base + Double(over[bin])), fill: "url(#sla-missed)")
            }
        }
        for bin in 0..<binCount {
            drawBar(x0: x(Double(bin) * binWidth), x1: x(Double(bin + 1) * binWidth), bin: bin)
        }
        if hasOverflow {
            let x0 = width - right - overflowWidth + 4
            drawBar(x0: x0, x1: width - right, bin: binCount)
            let count = within[binCount] + over[binCount]
            canvas.text(String(count), x: (x0 + width - right) / 2, y: y(Double(count)) - 3, anchor: .middle)
        }

        // Value ticks along the bottom, thinned by their measured width.
        var tickValues: [Double] = []
        var value = 0.0
        while value <= rangeEnd + xTicks.step * 1e-9, tickValues.count < 40 { tickValues.append(value); value += xTicks.step }
        var lastEnd = -Double.infinity
        for tick in tickValues {
            let label = unit.label(tick)
            let half = TextMetrics.width(label) / 2
            let position = x(tick)
            let center = min(max(position, left + half - 2), width - right - overflowWidth - half)
            guard center - half >= lastEnd + 6 else { continue }
            canvas.line(x1: position, y1: y(0), x2: position, y2: y(0) + 3, stroke: ChartStyle.axisColour)
            canvas.text(label, x: center, y: height - 5, anchor: .middle, fill: ChartStyle.axisColour)
            lastEnd = center + half
        }
        if hasOverflow {
            canvas.text("> " + unit.label(rangeEnd), x: width - right - overflowWidth / 2 + 2, y: height - 5, anchor: .middle,
                        fill: ChartStyle.axisColour)
        }

        // The budget line, labelled on the side with room.
        let budgetX = x(budget)
        canvas.line(x1: budgetX, y1: top - 12, x2: budgetX, y2: y(0), stroke: "#000", extra: "stroke-width=\"1.5\" stroke-dasharray=\"5 3\"")
        let budgetLabel = unit == .fraction ? "budget (100%)" : "budget " + unit.label(budget)
        let fitsRight = budgetX + 4 + TextMetrics.width(budgetLabel) <= width - right
        canvas.text(budgetLabel, x: fitsRight ? budgetX + 4 : budgetX - 4, y: top - 4, anchor: fitsRight ? .start : .end, halo: true)

        let withinTotal = within.reduce(0, +), overTotal = over.reduce(0, +)
        return canvas.svg(title: title + ". \(withinTotal) within budget, \(overTotal) over budget"
                          + (hasOverflow ? ", \(within[binCount] + over[binCount]) beyond \(unit.label(rangeEnd))" : ""),
                          className: "chart histogram")
    }
}
