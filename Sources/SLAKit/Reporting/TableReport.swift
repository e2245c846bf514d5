/// `sla eval --format table`: the report an ops lead pastes into the monthly review —
/// goals per period, deadline compliance per deadline (with its owner), and the worst breaches.
public enum TableReport {
    /// How many breaches the "worst breaches" section lists.
    static let worstBreachesShown = 10

    public static func render(_ result: EvaluationResult) -> String {
        let sla = result.sla
        var text = "\(TextFormatting.visible(sla.name))\n"
        if let asOf = result.asOf {
            text += "as of \(CivilTime.formatLocal(sla.zone.local(asOf))) \(sla.zone.identifier) (\(CivilTime.formatUTC(asOf)))\n"
        } else {
            text += "no events: nothing to evaluate\n"
        }
        text += "input: \(result.records) records, \(result.rejected) rejected, \(result.leads.count) leads\n"

        if !result.goals.isEmpty {
            text += "\nGOALS\n"
            var rows = [["goal", "owner", "period", "group", "value", "target", "status"]]
            let readAlike = sla.goals.indices.map { index in
                TextFormatting.groupsReadAlike(result.goals.filter { $0.goal == index }.map(\.group), as: TextFormatting.group)
            }
            for verdict in result.goals {
                let goal = sla.goals[verdict.goal]
                let shown = TextFormatting.goalValueAndTarget(verdict.value, target: goal.target, measure: goal.measure,
                                                              inDays: TextFormatting.showsDays(goal.measure, sla: sla))
                rows.append([goal.name, goal.owner, verdict.period.label,
                             goal.groupBy == nil ? "" : readAlike[verdict.goal] ? TextFormatting.groupLiteral(verdict.group) : TextFormatting.group(verdict.group),
                             shown.value, goal.op.rawValue + " " + shown.target,
                             verdict.status.rawValue.replacingOccurrences("_", " ")])
            }
            text += TextFormatting.table(rows, rightAligned: [4])
        }

        if !sla.deadlines.isEmpty {
            text += "\nDEADLINES\n"
            var rows = [["deadline", "owner", "cycles", "met", "late", "overdue", "pending", "at risk", "compliance"]]
            for (index, deadline) in sla.deadlines.enumerated() {
                let cycles = result.cycles.filter { $0.deadline == index }
                func count(_ status: CycleStatus) -> Int { cycles.filter { $0.status == status }.count }
                let decided = cycles.filter(\.isDecided).count
                let compliance = decided == 0 ? "—" : TextFormatting.percent(Double(count(.met)) / Double(decided))
                rows.append([deadline.name, deadline.owner, String(cycles.count), String(count(.met)), String(count(.late)),
                             String(count(.overdue)), String(count(.pending)), String(count(.atRisk)), compliance])
            }
            text += TextFormatting.table(rows, rightAligned: [2, 3, 4, 5, 6, 7, 8])
            text += "compliance: met / (met + late + overdue)\n"

            let breaches = result.cycles.filter { $0.status == .late || $0.status == .overdue }
                .sorted { ($0.elapsed - $0.budget) > ($1.elapsed - $1.budget) }
            if !breaches.isEmpty {
                text += "\nWORST BREACHES (\(min(breaches.count, worstBreachesShown)) of \(breaches.count))\n"
                var rows = [["lead", "deadline", "owner", "status", "started", "elapsed", "budget", "over by"]]
                for cycle in breaches.prefix(worstBreachesShown) {
                    let deadline = sla.deadlines[cycle.deadline]
                    // Exact (a row "1m of 1m, late" for 60.999 s would contradict itself), and
                    // working time in hours at most, its calendar named: a "day" would read
                    // as a calendar day.
                    let calendar = deadline.budgets[cycle.withinIndex].calendar
                    func shown(_ milliseconds: Int64) -> String { TextFormatting.exactDuration(milliseconds, inDays: calendar == nil) }
                    rows.append([cycle.lead, deadline.name + (cycle.number > 1 ? " #\(cycle.number)" : ""), deadline.owner,
                                 cycle.status.rawValue, TextFormatting.localTime(cycle.started, zone: sla.zone),
                                 shown(cycle.elapsed), shown(cycle.budget) + (calendar.map { " of \(sla.calendars[$0].name)" } ?? ""),
                                 shown(cycle.elapsed - cycle.budget)])
                }
                text += TextFormatting.table(rows, rightAligned: [5, 6, 7])
            }
        }
        return text
    }
}
