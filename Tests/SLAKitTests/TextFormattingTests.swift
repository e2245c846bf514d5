import Testing
@testable import SLAKit

/// How the table, the HTML page and `sla test` failures write goal values and targets.
@Suite struct TextFormattingTests {
    /// Targets are shown as written; a value is rounded unless it would then read the same
    /// as a target it is not, so that a row never contradicts its own status.
    @Test(arguments: [
        (2 * 3600 + 30.0, 7200.0, MeasureModel.statistic(.p90, deadline: 0), "2h 30s", "2h"),
        (2 * 3600 + 1800.0, 7200.0, .statistic(.p90, deadline: 0), "2h 30m", "2h"),
        (7200.0, 5430.0, .statistic(.max, deadline: 0), "2h", "1h 30m 30s"),
        (20_000.0, 59.9, .statistic(.avg, deadline: 0), "5h 33m", "59s 900ms"),
        (1.0 / 3, 0.3334, .rateMet(deadline: 0), "33.333333%", "33.34%"),
        (0.5, 0.3, .rateMet(deadline: 0), "50%", "30%"),
        (1.0, 0.9999, .rateStages(numerator: 0, denominator: 1), "100%", "99.99%"),
        (412.0, 400.0, .countStage(0), "412", "400"),
    ] as [(Double, Double, MeasureModel, String, String)])
    func valueAndTarget(value: Double, target: Double, measure: MeasureModel, shownValue: String, shownTarget: String) {
        let shown = TextFormatting.goalValueAndTarget(value, target: target, measure: measure)
        #expect(shown.value == shownValue)
        #expect(shown.target == shownTarget)
    }

    @Test func missingAndNonFiniteValuesShowAsNoValue() {
        #expect(TextFormatting.goalValueAndTarget(nil, target: 1, measure: .countStage(0)).value == "—")
        #expect(TextFormatting.goalValueAndTarget(.infinity, target: 1, measure: .countStage(0)).value == "—")
    }

    @Test func exactDurationsKeepEveryUnit() {
        #expect(TextFormatting.exactDuration(0) == "0s")
        #expect(TextFormatting.exactDuration(93_784_250) == "1d 2h 3m 4s 250ms")
        #expect(TextFormatting.exactDuration(-1500) == "-1s 500ms")
    }
}
