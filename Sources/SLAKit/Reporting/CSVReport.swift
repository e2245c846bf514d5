/// `sla eval --format csv`: one row per deadline cycle; `--goals-csv FILE`: one row per
/// goal, period and group. Times are UTC in the JSON form; durations in seconds.
public enum CSVReport {
    public static func cycles(_ result: EvaluationResult) -> String {
        var text = "lead,deadline,owner,cycle,status,started,stopped,due,elapsed_seconds,budget_seconds,paused\n"
        for cycle in result.cycles {
            let deadline = result.sla.deadlines[cycle.deadline]
            text += [field(cycle.lead), field(deadline.name), field(deadline.owner), String(cycle.number), cycle.status.rawValue,
                     CivilTime.formatUTC(cycle.started), cycle.stopped.map(CivilTime.formatUTC) ?? "",
                     cycle.due.map(CivilTime.formatUTC) ?? "", number(Double(cycle.elapsed) / 1000),
                     number(Double(cycle.budget) / 1000), cycle.paused ? "true" : "false"].joined(separator: ",") + "\n"
        }
        return text
    }

    public static func goals(_ result: EvaluationResult) -> String {
        // `group_type` tells groups apart that read the same as text: null and "", the
        // number 7 and the string "7", true and "true" (SPEC.md 6.4: values are equal by `==`).
        var text = "goal,owner,period,group,value,op,target,status,group_type\n"
        for verdict in result.goals {
            let goal = result.sla.goals[verdict.goal]
            let group: String, groupType: String
            switch verdict.group {
            case .null: (group, groupType) = ("", "null")
            case .string(let value): (group, groupType) = (field(value), "string")
            case .number: (group, groupType) = (TextFormatting.group(verdict.group), "number")
            default: (group, groupType) = (TextFormatting.group(verdict.group), "bool")
            }
            text += [field(goal.name), field(goal.owner), verdict.period.label, group,
                     verdict.value.map(number) ?? "", goal.op.rawValue, number(goal.target),
                     verdict.status.rawValue, groupType].joined(separator: ",") + "\n"
        }
        return text
    }

    /// A number as the JSON writes it; a value the JSON writes as null (not finite: a sum
    /// past the largest double) is an empty cell, as a goal's value without data is.
    static func number(_ value: Double) -> String {
        value.isFinite ? JSONWriter.number(value) : ""
    }

    /// RFC 4180 quoting: fields holding a comma, quote or line break are quoted, quotes doubled.
    static func field(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else {
            return text
        }
        return "\"" + text.replacingOccurrences("\"", "\"\"") + "\""
    }
}
