/// `sla eval --format html`: the page both teams read in their review meeting. One
/// self-contained HTML file (inline CSS and SVG, no scripts, no external resources), with a
/// section per period of the SLA's review cycle: the latest complete period first, then the
/// one in progress, then older ones (collapsed). Each section shows who delivered what per
/// team, every goal against its target with a trend chart, and every deadline's compliance,
/// elapsed-time distribution and worst open breaches.
///
/// Everything is aggregated per period, and tables are capped, so the page stays small for
/// any number of leads (no element is drawn per lead or per cycle).
public enum HTMLReport {
    /// Open breaches listed per deadline and period, worst first.
    static let breachesShown = 10
    /// Review periods given a section of their own (the most recent ones).
    static let periodSectionsShown = 12
    /// Periods a trend or compliance chart spans at most.
    static let chartPeriodsShown = 36
    /// Groups of a `by` goal listed per period.
    static let groupsShown = 25
    /// Goal periods listed per group in one review period's section (a daily goal reviewed
    /// yearly has 365): the most recent ones.
    static let periodRowsShown = 36

    public static func render(_ result: EvaluationResult) -> String {
        var page = Page(result: result)
        return page.render()
    }
}

/// A goal's group, compared as the specification does (strings by scalars, not by Swift's
/// canonical equivalence, so that differently normalized strings stay apart).
private struct ReportGroupKey: Hashable {
    var tag: Int
    var scalars: [UInt32]
    var number: Double

    init(_ value: Value) {
        switch value {
        case .null: (tag, scalars, number) = (0, [], 0)
        case .string(let text): (tag, scalars, number) = (1, text.unicodeScalars.map(\.value), 0)
        case .number(let value): (tag, scalars, number) = (2, [], value == 0 ? 0 : value)
        case .bool(let flag): (tag, scalars, number) = (3, [], flag ? 1 : 0)
        default: (tag, scalars, number) = (4, [], 0)
        }
    }
}

/// A goal's verdicts of one group, in period order.
private struct GoalSeries {
    var group: Value
    var verdicts: [GoalVerdict]
    /// The group as the page writes it (`Page.groupText`, or as in tests when two groups
    /// of the goal would read the same).
    var label = ""
}

/// Per deadline and review period: what the charts and tables of a section need.
private struct DeadlinePeriodSummary {
    var counts: [CycleStatus: Int] = [:]
    /// Elapsed and budget (milliseconds) of the decided cycles started in the period.
    var decided: [(elapsed: Int64, budget: Int64)] = []

    var total: Int { counts.values.reduce(0, +) }
    var decidedCount: Int { (counts[.met] ?? 0) + (counts[.late] ?? 0) + (counts[.overdue] ?? 0) }
}

/// What a review period is to the meeting.
private enum PeriodRole {
    case latestComplete, inProgress, earlier
}

private struct Page {
    let result: EvaluationResult
    let sla: CheckedSLA
    /// The most recent review periods (at most `periodsKept`) up to the as-of time's,
    /// oldest first: what the sections and charts show.
    var reviewPeriods: [Period] = []
    /// The first event's review period and how many periods run from it to the as-of
    /// time's (may be more than `reviewPeriods` holds).
    var firstReviewPeriod: Period?
    var reviewPeriodCount = 0
    /// Periods aggregated: a chart's span beyond the oldest section. Bounded so that a
    /// daily review over centuries of timestamps costs no more than a short one.
    static let periodsKept = HTMLReport.periodSectionsShown + HTMLReport.chartPeriodsShown
    /// Per goal: its series, one per group, in the order of `--format json`.
    var goalSeries: [[GoalSeries]] = []
    /// Per deadline, per review period (index into `reviewPeriods`).
    var deadlineSummaries: [[DeadlinePeriodSummary]] = []
    /// Per deadline: indices into `EvaluationResult.cycles` of its overdue cycles, most
    /// overdue (counted time beyond the budget) first.
    var overdueCycles: [[Int]] = []
    /// Per deadline: the one budget all its cycles share, nil when budgets differ (then
    /// elapsed time is drawn as a share of each cycle's budget).
    var commonBudget: [Int64?] = []
    var html = ""

    init(result: EvaluationResult) {
        self.result = result
        self.sla = result.sla
    }

    mutating func render() -> String {
        aggregate()
        html.reserveCapacity(64 * 1024)
        html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        html += "<title>SLA review: \(e(sla.name))</title>\n<style>\(Page.styleSheet)</style>\n</head>\n<body>\n"
        html += ChartStyle.definitions + "\n"
        header()
        if result.asOf == nil || reviewPeriods.isEmpty {
            html += "<main><p class=\"empty\">No events at or before the as-of time: nothing to evaluate.</p>\n"
            agreementOverview()
            html += "</main>\n"
        } else {
            navigation()
            html += "<main>\n"
            for (index, role) in sectionOrder() {
                periodSection(index, role: role)
            }
            let hidden = reviewPeriodCount - sectionOrder().count
            if hidden > 0 {
                html += "<p class=\"note\">\(hidden) earlier period\(hidden == 1 ? " has" : "s have") no section here (the charts show up to \(HTMLReport.chartPeriodsShown) periods); <code>--format json</code> has every value.</p>\n"
            }
            html += "</main>\n"
        }
        html += "<footer>Made by <code>sla eval --format html</code>. Values are those of <code>--format json</code>: "
        html += "rates as percentages, durations as <code>2h 30m</code>. Compliance (on time) is met ÷ (met + late + overdue).</footer>\n"
        html += "</body>\n</html>\n"
        return html
    }

    // MARK: Aggregation

    mutating func aggregate() {
        if let asOf = result.asOf, let first = result.firstEvent {
            let firstPeriod = Periods.period(containing: first, kind: sla.review, zone: sla.zone)
            let last = Periods.period(containing: asOf, kind: sla.review, zone: sla.zone)
            firstReviewPeriod = firstPeriod
            reviewPeriodCount = Int(last.index - firstPeriod.index + 1)
            let keptFrom = max(firstPeriod.index, last.index - Int64(Page.periodsKept) + 1)
            var period = keptFrom == firstPeriod.index ? firstPeriod : Periods.period(index: keptFrom, kind: sla.review, zone: sla.zone)
            reviewPeriods.append(period)
            while period.index < last.index {
                period = Periods.period(index: period.index + 1, kind: sla.review, zone: sla.zone)
                reviewPeriods.append(period)
            }
            // As the goals' periods: a day the time zone skipped is none. (Only a day can be
            // skipped whole; the days before the kept ones are counted one by one.)
            reviewPeriods.removeAll(where: \.isSkipped)
            if sla.review == .day {
                var index = firstPeriod.index
                while index <= last.index {
                    if sla.zone.skips(day: index) { reviewPeriodCount -= 1 }
                    index += 1
                }
            }
        }

        goalSeries = Array(repeating: [], count: sla.goals.count)
        var groupIndex: [[ReportGroupKey: Int]] = Array(repeating: [:], count: sla.goals.count)
        for verdict in result.goals {
            let key = ReportGroupKey(verdict.group)
            if let index = groupIndex[verdict.goal][key] {
                goalSeries[verdict.goal][index].verdicts.append(verdict)
            } else {
                groupIndex[verdict.goal][key] = goalSeries[verdict.goal].count
                goalSeries[verdict.goal].append(GoalSeries(group: verdict.group, verdicts: [verdict]))
            }
        }
        for goal in goalSeries.indices {
            let readAlike = TextFormatting.groupsReadAlike(goalSeries[goal].map(\.group), as: Page.groupText)
            for index in goalSeries[goal].indices {
                let group = goalSeries[goal][index].group
                goalSeries[goal][index].label = readAlike ? TextFormatting.groupLiteral(group) : Page.groupText(group)
            }
        }

        deadlineSummaries = Array(repeating: Array(repeating: DeadlinePeriodSummary(), count: reviewPeriods.count),
                                  count: sla.deadlines.count)
        overdueCycles = Array(repeating: [], count: sla.deadlines.count)
        var budgets: [Int64?] = Array(repeating: nil, count: sla.deadlines.count)
        var budgetsDiffer = Array(repeating: false, count: sla.deadlines.count)
        let starts = reviewPeriods.map(\.start)
        for (cycleIndex, cycle) in result.cycles.enumerated() {
            if let budget = budgets[cycle.deadline] {
                if budget != cycle.budget { budgetsDiffer[cycle.deadline] = true }
            } else {
                budgets[cycle.deadline] = cycle.budget
            }
            if cycle.status == .overdue { overdueCycles[cycle.deadline].append(cycleIndex) }
            // Cycles older than the kept periods count only as open breaches.
            guard let periodIndex = Page.periodIndex(of: cycle.started, starts: starts) else { continue }
            deadlineSummaries[cycle.deadline][periodIndex].counts[cycle.status, default: 0] += 1
            if cycle.isDecided {
                deadlineSummaries[cycle.deadline][periodIndex].decided.append((cycle.elapsed, cycle.budget))
            }
        }
        let cycles = result.cycles
        for deadline in overdueCycles.indices {
            overdueCycles[deadline].sort { left, right in
                let a = cycles[left].elapsed - cycles[left].budget, b = cycles[right].elapsed - cycles[right].budget
                return a != b ? a > b : left < right
            }
        }
        commonBudget = zip(budgets, budgetsDiffer).map { $1 ? nil : $0 }
    }

    /// The review period holding `instant` (by binary search over the period starts).
    static func periodIndex(of instant: Int64, starts: [Int64]) -> Int? {
        guard let first = starts.first, instant >= first else { return nil }
        var low = 0, high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= instant { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Sections in reading order: the latest complete period, the one in progress, then
    /// the earlier ones from newest to oldest.
    func sectionOrder() -> [(Int, PeriodRole)] {
        guard let asOf = result.asOf else { return [] }
        let last = reviewPeriods.count - 1
        var order: [(Int, PeriodRole)] = []
        let lastInProgress = reviewPeriods[last].end > asOf
        let latestComplete = lastInProgress ? last - 1 : last
        if latestComplete >= 0 { order.append((latestComplete, .latestComplete)) }
        if lastInProgress { order.append((last, .inProgress)) }
        var index = latestComplete - 1
        while index >= 0, order.count < HTMLReport.periodSectionsShown {
            order.append((index, .earlier))
            index -= 1
        }
        return order
    }

    // MARK: Header and navigation

    mutating func header() {
        html += "<header>\n<p class=\"kicker\">Service level agreement · \(e(sla.review.reviewWord)) review</p>\n"
        html += "<h1>\(e(sla.name))</h1>\n<dl class=\"facts\">\n"
        if let asOf = result.asOf {
            html += "<div><dt>As of</dt><dd>\(e(localTime(asOf))) \(e(sla.zone.identifier)) <span class=\"muted\">(\(CivilTime.formatUTC(asOf)))</span></dd></div>\n"
        } else {
            html += "<div><dt>As of</dt><dd>no events</dd></div>\n"
        }
        html += "<div><dt>Input</dt><dd>\(result.records) records, "
        html += result.rejected > 0 ? "<strong class=\"warn\">\(result.rejected) rejected</strong>" : "0 rejected"
        html += ", \(result.leads.count) leads</dd></div>\n"
        if let first = firstReviewPeriod, let last = reviewPeriods.last {
            html += "<div><dt>Periods</dt><dd>\(e(first.label)) to \(e(last.label)) (\(reviewPeriodCount))</dd></div>\n"
        }
        html += "<div><dt>Teams</dt><dd>\(sla.teams.map(e).joined(separator: ", "))</dd></div>\n"
        html += "</dl>\n"
        legend()
        html += "</header>\n"
    }

    mutating func legend() {
        func swatch(_ fill: String, _ label: String, dashed: Bool = false) -> String {
            let stroke = dashed ? " stroke=\"#222\" stroke-dasharray=\"2 2\"" : " stroke=\"#888\" stroke-width=\"0.5\""
            return "<span class=\"key\"><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect x=\"0.5\" y=\"0.5\" width=\"13\" height=\"13\" fill=\"\(fill)\"\(stroke)/></svg>\(label)</span>"
        }
        html += "<div class=\"legend\"><span class=\"legend-title\">Goals</span>"
        html += swatch(ChartStyle.fill(GoalStatus.met), "met") + swatch(ChartStyle.fill(GoalStatus.missed), "missed")
        html += swatch(ChartStyle.inProgressColour, "in progress", dashed: true)
        html += "<span class=\"key\"><svg width=\"22\" height=\"14\" aria-hidden=\"true\"><line x1=\"0\" y1=\"7\" x2=\"22\" y2=\"7\" stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/></svg>target</span>"
        html += "<span class=\"legend-title\">Deadlines</span>"
        for status in ChartStyle.stackOrder {
            html += swatch(ChartStyle.fill(status), status.rawValue.replacingOccurrences("_", " "))
        }
        html += "</div>\n"
    }

    mutating func navigation() {
        html += "<nav aria-label=\"Review periods\"><span class=\"muted\">Periods:</span>"
        for (index, role) in sectionOrder() {
            let period = reviewPeriods[index]
            let note = role == .inProgress ? " (in progress)" : role == .latestComplete ? " (latest complete)" : ""
            html += " <a href=\"#period-\(e(period.label))\">\(e(period.label))\(note)</a>"
        }
        html += "</nav>\n"
    }

    // MARK: A period's section

    mutating func periodSection(_ index: Int, role: PeriodRole) {
        let period = reviewPeriods[index]
        let state = role == .inProgress ? "in-progress" : role == .latestComplete ? "latest-complete" : "complete"
        html += "<section class=\"period \(state)\" id=\"period-\(e(period.label))\" data-period=\"\(e(period.label))\">\n"
        let badge: String
        switch role {
        case .latestComplete: badge = "<span class=\"badge complete\">latest complete \(e(period.kind.rawValue))</span>"
        case .inProgress: badge = "<span class=\"badge in-progress\">in progress: values so far, as of \(e(localTime(result.asOf ?? period.start)))</span>"
        case .earlier: badge = "<span class=\"badge complete\">complete</span>"
        }
        let heading = "<h2>\(e(Page.periodTitle(period, zone: sla.zone))) <span class=\"label\">\(e(period.label))</span> \(badge)</h2>\n"
        if role == .earlier {
            // Earlier periods are collapsed: the meeting reviews the latest one.
            html += "<details>\n<summary>\(heading)</summary>\n"
        } else {
            html += heading
        }
        obligations(period: index)
        goalsTable(period: index)
        for deadline in sla.deadlines.indices {
            deadlineCard(deadline, period: index)
        }
        if role == .earlier { html += "</details>\n" }
        html += "</section>\n"
    }

    /// The goal verdicts of one series that a review period shows: for a goal reviewed
    /// less often than the review cycle (a quarterly goal in a monthly review), the one
    /// goal period holding the review period's start (a week across two months shows the
    /// first); otherwise every goal period that overlaps the review period.
    func overlapping(_ series: GoalSeries, period: Period) -> [GoalVerdict] {
        series.verdicts.filter { shows($0.period, in: period) }
    }

    func shows(_ goalPeriod: Period, in period: Period) -> Bool {
        let kinds = PeriodKind.allCases
        if let goalRank = kinds.firstIndex(of: goalPeriod.kind), let reviewRank = kinds.firstIndex(of: period.kind), goalRank > reviewRank {
            return goalPeriod.start <= period.start && period.start < goalPeriod.end
        }
        return goalPeriod.start < period.end && goalPeriod.end > period.start
    }

    /// "Who delivered what": one column per team with its goals and deadlines.
    mutating func obligations(period index: Int) {
        let period = reviewPeriods[index]
        html += "<h3>Who delivered what</h3>\n<div class=\"teams\">\n"
        for team in sla.teams {
            let goals = sla.goals.indices.filter { sla.goals[$0].owner == team }
            let deadlines = sla.deadlines.indices.filter { sla.deadlines[$0].owner == team }
            var items = ""
            var goalsMet = 0, goalsDecided = 0
            for goal in goals {
                let verdicts = goalSeries[goal].flatMap { overlapping($0, period: period) }
                var statuses: [GoalStatus: Int] = [:]
                for verdict in verdicts { statuses[verdict.status, default: 0] += 1 }
                goalsMet += statuses[.met] ?? 0
                goalsDecided += (statuses[.met] ?? 0) + (statuses[.missed] ?? 0)
                let model = sla.goals[goal]
                var line = "<li><span class=\"name\">\(e(model.name))</span> "
                if verdicts.count == 1, let verdict = verdicts.first {
                    let shown = displayPair(verdict.value, target: model.target, measure: model.measure)
                    line += "\(e(shown.value)) against \(e(model.op.symbol)) \(e(shown.target)) "
                    line += statusBadge(verdict.status)
                } else if verdicts.isEmpty {
                    line += "<span class=\"muted\">no period</span>"
                } else {
                    let unit = model.groupBy == nil ? "period" : "group"
                    line += "\(statuses[.met] ?? 0) of \(verdicts.count) \(unit)\(verdicts.count == 1 ? "" : "s") met"
                    for status in [GoalStatus.missed, .inProgress, .noData] where (statuses[status] ?? 0) > 0 {
                        line += ", \(statuses[status] ?? 0) \(status.rawValue.replacingOccurrences("_", " "))"
                    }
                }
                items += line + "</li>\n"
            }
            var onTime = 0, decided = 0
            for deadline in deadlines {
                let summary = deadlineSummaries[deadline][index]
                onTime += summary.counts[.met] ?? 0
                decided += summary.decidedCount
                var line = "<li><span class=\"name\">\(e(sla.deadlines[deadline].name))</span> "
                if summary.total == 0 {
                    line += "<span class=\"muted\">no cycles started</span>"
                } else {
                    line += summary.decidedCount == 0 ? "nothing decided yet"
                        : "\(summary.counts[.met] ?? 0) of \(summary.decidedCount) on time (\(percent(summary.counts[.met] ?? 0, summary.decidedCount)))"
                    let open = (summary.counts[.pending] ?? 0) + (summary.counts[.atRisk] ?? 0)
                    if let overdue = summary.counts[.overdue], overdue > 0 { line += ", <strong>\(overdue) overdue</strong>" }
                    if open > 0 { line += ", \(open) open" }
                }
                items += line + "</li>\n"
            }
            html += "<div class=\"team\"><h4>\(e(team)) owes</h4>\n"
            var totals: [String] = []
            if goalsDecided > 0 { totals.append("goals met: \(goalsMet) of \(goalsDecided) decided") }
            if decided > 0 { totals.append("on time: \(percent(onTime, decided))") }
            if !totals.isEmpty { html += "<p class=\"totals\">\(totals.joined(separator: " · "))</p>\n" }
            html += items.isEmpty ? "<p class=\"muted\">no goals or deadlines</p>\n" : "<ul>\n\(items)</ul>\n"
            html += "</div>\n"
        }
        html += "</div>\n"
    }

    mutating func goalsTable(period index: Int) {
        guard !sla.goals.isEmpty else { return }
        let period = reviewPeriods[index]
        html += "<h3>Goals</h3>\n<table class=\"goals\">\n<thead><tr><th>Goal</th><th>Owner</th><th>Period</th><th>Group</th>"
        html += "<th class=\"number\">Value</th><th class=\"number\">Target</th><th>Status</th><th>Trend (all periods)</th></tr></thead>\n<tbody>\n"
        for (goalIndex, goal) in sla.goals.enumerated() {
            let series = goalSeries[goalIndex]
            let shown = series.prefix(HTMLReport.groupsShown)
            let unit = Page.unit(of: goal.measure, sla: sla)
            var firstRow = true
            html += "<tr class=\"goal-start\" data-goal=\"\(e(goal.name))\"><th colspan=\"8\" scope=\"rowgroup\"><span class=\"name\">\(e(goal.name))</span>"
            if let description = goal.description { html += " <span class=\"description\">\(e(description))</span>" }
            if let by = goal.groupBy { html += " <span class=\"muted\">by lead.\(e(by))</span>" }
            if goal.condition != nil { html += " <span class=\"muted\">(filtered)</span>" }
            html += "</th></tr>\n"
            if series.isEmpty {
                html += "<tr><td colspan=\"8\" class=\"muted\">no items yet</td></tr>\n"
            }
            for groupSeries in shown {
                let overlapped = overlapping(groupSeries, period: period)
                let verdicts = overlapped.suffix(HTMLReport.periodRowsShown)
                if overlapped.count > verdicts.count {
                    html += "<tr><td></td><td colspan=\"7\" class=\"muted\">\(overlapped.count - verdicts.count) earlier periods"
                    html += goal.groupBy == nil ? "" : " of \(e(groupSeries.label))"
                    html += ": see <code>--format json</code></td></tr>\n"
                }
                for (rowIndex, verdict) in verdicts.enumerated() {
                    html += "<tr>"
                    html += "<td></td><td>\(firstRow ? e(goal.owner) : "")</td><td>\(e(verdict.period.label))</td>"
                    html += "<td>\(goal.groupBy == nil ? "" : e(groupSeries.label))</td>"
                    let shown = displayPair(verdict.value, target: goal.target, measure: goal.measure)
                    html += "<td class=\"number\">\(e(shown.value))</td>"
                    html += "<td class=\"number\">\(e(goal.op.symbol)) \(e(shown.target))</td>"
                    html += "<td>\(statusBadge(verdict.status))</td><td>"
                    if rowIndex == 0 {
                        html += trendChart(goal: goal, series: groupSeries, unit: unit, period: period)
                    }
                    html += "</td></tr>\n"
                    firstRow = false
                }
            }
            if series.count > shown.count {
                html += "<tr><td></td><td colspan=\"7\" class=\"muted\">\(series.count - shown.count) more groups: see <code>--format json</code></td></tr>\n"
            }
        }
        html += "</tbody>\n</table>\n"
    }

    func trendChart(goal: GoalModel, series: GoalSeries, unit: ValueUnit, period: Period) -> String {
        let verdicts = series.verdicts
        let highlighted = verdicts.indices.filter { shows(verdicts[$0].period, in: period) }
        let limit = HTMLReport.chartPeriodsShown
        // A window of at most `limit` periods that holds the period under review.
        let end = min(verdicts.count, max((highlighted.last ?? verdicts.count - 1) + 1 + limit / 4, limit))
        let start = max(0, end - limit)
        let points = verdicts[start..<end].map { verdict in
            TrendPoint(label: verdict.period.label, value: verdict.value.flatMap { $0.isFinite ? $0 : nil }, status: verdict.status,
                       highlighted: shows(verdict.period, in: period))
        }
        var title = "\(goal.name) per \(goal.period.rawValue)"
        if goal.groupBy != nil { title += " for \(series.label)" }
        return GoalTrendChart(title: title, points: points, target: goal.target, op: goal.op, unit: unit).svg()
    }

    mutating func deadlineCard(_ deadlineIndex: Int, period index: Int) {
        let deadline = sla.deadlines[deadlineIndex]
        let summary = deadlineSummaries[deadlineIndex][index]
        html += "<article class=\"deadline\" data-deadline=\"\(e(deadline.name))\">\n"
        html += "<h3>Deadline <span class=\"name\">\(e(deadline.name))</span>"
        if let description = deadline.description { html += " <span class=\"description\">\(e(description))</span>" }
        html += "</h3>\n<p class=\"muted\">owner \(e(deadline.owner)) · budget \(e(budgetText(deadline)))"
        if let warnAt = deadline.warnAt { html += " · at risk from \(e(TextFormatting.percent(warnAt))) of the budget" }
        html += "</p>\n"

        // Counts of this period's cycles.
        html += "<table class=\"counts\"><thead><tr><th>cycles started</th>"
        for status in ChartStyle.stackOrder { html += "<th class=\"number\">\(e(status.rawValue.replacingOccurrences("_", " ")))</th>" }
        html += "<th class=\"number\">on time</th></tr></thead><tbody><tr><td class=\"number\">\(summary.total)</td>"
        for status in ChartStyle.stackOrder { html += "<td class=\"number\">\(summary.counts[status] ?? 0)</td>" }
        html += "<td class=\"number\">\(summary.decidedCount == 0 ? "—" : percent(summary.counts[.met] ?? 0, summary.decidedCount))</td></tr></tbody></table>\n"

        html += "<div class=\"charts\">\n<figure>\n"
        let end = min(reviewPeriods.count, max(index + 1 + HTMLReport.chartPeriodsShown / 4, HTMLReport.chartPeriodsShown))
        let start = max(0, end - HTMLReport.chartPeriodsShown)
        let bars = (start..<end).map { periodIndex in
            ComplianceBar(label: reviewPeriods[periodIndex].label, counts: deadlineSummaries[deadlineIndex][periodIndex].counts,
                          highlighted: periodIndex == index)
        }
        html += ComplianceChart(title: "\(deadline.name): status of cycles per \(sla.review.rawValue)", bars: bars).svg()
        html += "\n<figcaption>Status of the cycles started in each period, at the as-of time.</figcaption>\n</figure>\n"
        html += "<figure>\n"
        if summary.decided.isEmpty {
            html += "<p class=\"muted placeholder\">No decided cycles started in this period.</p>\n"
        } else {
            html += elapsedHistogram(deadline: deadline, deadlineIndex: deadlineIndex, summary: summary)
        }
        html += "</figure>\n</div>\n"
        breaches(deadlineIndex: deadlineIndex, period: index)
        html += "</article>\n"
    }

    func elapsedHistogram(deadline: DeadlineModel, deadlineIndex: Int, summary: DeadlinePeriodSummary) -> String {
        var text = ""
        let elapsed = summary.decided.map(\.elapsed).sorted()
        func rank(_ percentile: Int) -> Int64 {
            // Nearest rank, as the goals compute it.
            elapsed[max(0, (percentile * elapsed.count + 99) / 100 - 1)]
        }
        // Working time in hours at most: a "day" would read as a calendar day.
        let inDays = !TextFormatting.countsWorkingTime(deadline)
        if let budget = commonBudget[deadlineIndex] {
            text += ElapsedHistogram(title: "\(deadline.name): elapsed time of decided cycles against the \(TextFormatting.duration(budget, inDays: inDays)) budget",
                                     values: summary.decided.map { Double($0.elapsed) / 1000 },
                                     budget: Double(budget) / 1000, unit: inDays ? .seconds : .workingSeconds).svg()
        } else {
            text += ElapsedHistogram(title: "\(deadline.name): elapsed time of decided cycles as a share of each cycle's budget",
                                     values: summary.decided.map { $0.budget > 0 ? Double($0.elapsed) / Double($0.budget) : ($0.elapsed > 0 ? 10 : 0) },
                                     budget: 1, unit: .fraction).svg()
        }
        text += "\n<figcaption>Elapsed time of the \(elapsed.count) decided cycle\(elapsed.count == 1 ? "" : "s")"
        text += commonBudget[deadlineIndex] == nil ? " as a share of each one's budget (budgets differ)" : ""
        text += ": median \(TextFormatting.duration(rank(50), inDays: inDays)) · p90 \(TextFormatting.duration(rank(90), inDays: inDays))"
            + " · max \(TextFormatting.duration(elapsed[elapsed.count - 1], inDays: inDays)).</figcaption>\n"
        return text
    }

    /// The worst cycles overdue at the as-of time among those started by the end of the
    /// period: what is still open from this period or before it.
    mutating func breaches(deadlineIndex: Int, period index: Int) {
        let deadline = sla.deadlines[deadlineIndex]
        let periodEnd = reviewPeriods[index].end
        let cycles = result.cycles
        var worst: [Int] = []
        var total = 0
        for cycleIndex in overdueCycles[deadlineIndex] where cycles[cycleIndex].started < periodEnd {
            total += 1
            if worst.count < HTMLReport.breachesShown { worst.append(cycleIndex) }
        }
        guard total > 0 else {
            html += "<p class=\"muted\">No open breaches: no cycle started by the end of this period is overdue.</p>\n"
            return
        }
        html += "<h4>Worst open breaches <span class=\"muted\">(\(worst.count) of \(total) cycle\(total == 1 ? "" : "s") started by the end of this period and overdue at the as-of time)</span></h4>\n"
        html += "<table class=\"breaches\"><thead><tr><th>Lead</th><th>Owner</th><th>Started</th><th>Due</th>"
        html += "<th class=\"number\">Budget</th><th class=\"number\">Elapsed</th><th class=\"number\">Overdue by</th></tr></thead><tbody>\n"
        for index in worst {
            let cycle = cycles[index]
            html += "<tr><td class=\"lead\">\(e(cycle.lead))\(cycle.number > 1 ? " <span class=\"muted\">cycle \(cycle.number)</span>" : "")</td>"
            html += "<td>\(e(deadline.owner))</td><td>\(e(localTime(cycle.started)))</td>"
            html += "<td>\(cycle.due.map { e(localTime($0)) } ?? "—")\(cycle.paused ? " <span class=\"muted\">(paused)</span>" : "")</td>"
            // Exact, and working time in hours at most, as in the table.
            let inDays = deadline.budgets[cycle.withinIndex].calendar == nil
            html += "<td class=\"number\">\(e(TextFormatting.exactDuration(cycle.budget, inDays: inDays)))</td>"
            html += "<td class=\"number\">\(e(TextFormatting.exactDuration(cycle.elapsed, inDays: inDays)))</td>"
            html += "<td class=\"number\"><strong>\(e(TextFormatting.exactDuration(cycle.elapsed - cycle.budget, inDays: inDays)))</strong></td></tr>\n"
        }
        html += "</tbody></table>\n"
    }

    /// Shown when there is nothing to evaluate: what the agreement holds, per team.
    mutating func agreementOverview() {
        html += "<div class=\"teams\">\n"
        for team in sla.teams {
            html += "<div class=\"team\"><h4>\(e(team)) owes</h4><ul>\n"
            for goal in sla.goals where goal.owner == team {
                html += "<li><span class=\"name\">\(e(goal.name))</span> \(e(goal.op.symbol)) \(e(displayPair(nil, target: goal.target, measure: goal.measure).target)) per \(e(goal.period.rawValue))</li>\n"
            }
            for deadline in sla.deadlines where deadline.owner == team {
                html += "<li><span class=\"name\">\(e(deadline.name))</span> within \(e(budgetText(deadline)))</li>\n"
            }
            html += "</ul></div>\n"
        }
        html += "</div>\n"
    }

    // MARK: Text helpers

    func e(_ text: String) -> String { Markup.escapeVisible(text) }

    func localTime(_ instant: Int64) -> String {
        TextFormatting.localTime(instant, zone: sla.zone)
    }

    /// A goal value and its target for readers, as `--format table` shows them
    /// (`TextFormatting.goalValueAndTarget`: the target exact, the value never reading the
    /// same as a target it is not), counts and sums grouped by thousands.
    func displayPair(_ value: Double?, target: Double, measure: MeasureModel) -> (value: String, target: String) {
        let shown = TextFormatting.goalValueAndTarget(value, target: target, measure: measure,
                                                      inDays: TextFormatting.showsDays(measure, sla: sla))
        return (grouped(shown.value, measure: measure), grouped(shown.target, measure: measure))
    }

    /// Counts and sums grouped by thousands.
    private func grouped(_ text: String, measure: MeasureModel) -> String {
        switch measure {
        case .countStage, .countDeadline, .sum: SVGText.grouped(text)
        default: text
        }
    }

    func percent(_ part: Int, _ whole: Int) -> String {
        TextFormatting.percent(Double(part) / Double(whole))
    }

    func statusBadge(_ status: GoalStatus) -> String {
        let text: String
        switch status {
        case .met: text = "✓ met"
        case .missed: text = "✗ missed"
        case .inProgress: text = "… in progress"
        case .noData: text = "– no data"
        }
        return "<span class=\"status \(status.rawValue.replacingOccurrences("_", "-"))\">\(text)</span>"
    }

    /// The budgets of a deadline in words: `1h of office (when …), else 4h of office`.
    func budgetText(_ deadline: DeadlineModel) -> String {
        deadline.budgets.map { budget in
            var text: String
            switch budget.amount {
            case .milliseconds(let milliseconds): text = TextFormatting.duration(milliseconds, inDays: budget.calendar == nil)
            case .businessDays(let days): text = "\(days) business day\(days == 1 ? "" : "s")"
            }
            if let calendar = budget.calendar { text += " of " + sla.calendars[calendar].name }
            if budget.condition != nil { text += " (when its condition holds)" }
            return text
        }.joined(separator: ", else ")
    }

    static func unit(of measure: MeasureModel, sla: CheckedSLA) -> ValueUnit {
        switch measure {
        case .rateStages, .rateMet: .fraction
        case .statistic: TextFormatting.showsDays(measure, sla: sla) ? .seconds : .workingSeconds
        case .countStage, .countDeadline, .sum: .number
        }
    }

    static func groupText(_ value: Value) -> String {
        if case .null = value { return "(no value)" }
        return TextFormatting.group(value)
    }

    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]

    /// A period as people say it: `March 2026`, `Q1 2026`, `Week 10, 2026 (2 Mar – 8 Mar)`.
    static func periodTitle(_ period: Period, zone: ZoneRules) -> String {
        let firstDay = CivilTime.floorDivide(zone.local(period.start), CivilTime.millisecondsPerDay)
        let (year, month, day) = CivilTime.date(fromDays: firstDay)
        switch period.kind {
        case .day: return "\(day) \(monthNames[month - 1]) \(year)"
        case .week:
            let (_, lastMonth, lastDay) = CivilTime.date(fromDays: firstDay + 6)
            let week = period.label.split(separator: "W").last.map(String.init) ?? ""
            return "Week \(week) (\(day) \(monthNames[month - 1].prefix(3)) – \(lastDay) \(monthNames[lastMonth - 1].prefix(3)))"
        case .month: return "\(monthNames[month - 1]) \(year)"
        case .quarter: return "Q\((month - 1) / 3 + 1) \(year)"
        case .year: return String(year)
        }
    }

    static let styleSheet = """
    :root{--ink:#222;--muted:#666;--line:#ddd;--met:#009E73;--bad:#D55E00;--band:#f6f6f4}
    *{box-sizing:border-box}
    body{margin:0 auto;max-width:1180px;padding:24px 28px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:#fff}
    h1{font-size:26px;margin:2px 0 10px}
    h2{font-size:20px;margin:0 0 12px;display:flex;flex-wrap:wrap;gap:8px;align-items:baseline}
    h3{font-size:16px;margin:22px 0 8px}
    h4{font-size:14px;margin:10px 0 6px}
    .kicker{margin:0;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;font-size:12px}
    .facts{display:flex;flex-wrap:wrap;gap:6px 28px;margin:0 0 12px}
    .facts dt{font-size:12px;color:var(--muted)}.facts dd{margin:0}
    .muted{color:var(--muted)}.warn{color:var(--bad)}
    .legend{display:flex;flex-wrap:wrap;gap:4px 14px;align-items:center;font-size:12px;padding:8px 10px;background:var(--band);border-radius:6px}
    .legend-title{font-weight:700}.key{display:inline-flex;gap:5px;align-items:center}
    nav{margin:14px 0;font-size:13px}nav a{margin-left:6px;color:#0046a8}
    section.period{border-top:3px solid var(--ink);padding-top:14px;margin-top:26px}
    section.in-progress{border-top-style:dashed}
    details>summary{cursor:pointer;list-style:none}details>summary h2{display:inline-flex}
    details>summary::before{content:"▸ ";font-size:18px}details[open]>summary::before{content:"▾ "}
    .label{font-size:13px;color:var(--muted);font-weight:400}
    .badge{font-size:12px;font-weight:600;padding:2px 8px;border-radius:10px;border:1px solid var(--ink)}
    .badge.in-progress{border-style:dashed;background:#eee}
    .teams{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:12px}
    .team{border:1px solid var(--line);border-radius:6px;padding:4px 14px 8px;background:var(--band)}
    .team ul{margin:4px 0;padding-left:18px}.team li{margin:3px 0}
    .totals{margin:0;font-weight:600}
    h4 .muted{font-weight:400}
    .name{font-weight:700;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
    .description{font-weight:400;color:var(--muted)}
    table{border-collapse:collapse;margin:6px 0 10px}
    th,td{padding:3px 10px 3px 0;text-align:left;vertical-align:middle;border-bottom:1px solid var(--line)}
    thead th{font-size:12px;color:var(--muted);font-weight:600}
    .number{text-align:right;font-variant-numeric:tabular-nums}
    table.goals{width:100%}
    tr.goal-start th{padding-top:12px;border-bottom:none;font-weight:400}
    .status{display:inline-block;font-size:12px;font-weight:600;padding:1px 7px;border-radius:9px;white-space:nowrap;border:1px solid transparent}
    .status.met{background:#d5efe6;color:#00543c;border-color:#009E73}
    .status.missed{background:#fbe0d1;color:#7a2e00;border-color:#D55E00}
    .status.in-progress{background:#eee;border:1px dashed #444}
    .status.no-data{background:#fff;border:1px solid #bbb;color:var(--muted)}
    article.deadline{border:1px solid var(--line);border-radius:6px;padding:2px 14px 8px;margin:14px 0}
    article.deadline h3{margin-top:10px}
    .charts{display:flex;flex-wrap:wrap;gap:12px 24px}
    figure{margin:0;max-width:440px}
    figcaption{font-size:12px;color:var(--muted)}
    .placeholder{width:440px;padding:70px 0;text-align:center;border:1px dashed var(--line)}
    svg.chart{display:block;overflow:visible}
    td.lead{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
    .note,.empty{color:var(--muted)}
    footer{margin-top:36px;font-size:12px;color:var(--muted);border-top:1px solid var(--line);padding-top:8px}
    @media print{body{padding:0;max-width:none}section.period{break-before:page}article.deadline,.teams{break-inside:avoid}nav{display:none}}
    """
}
