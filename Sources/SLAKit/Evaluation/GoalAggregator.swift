/// A group value compared as SPEC.md wants (`==`: strings by scalars, numbers numerically),
/// with the report's sort order: null, strings by UTF-8 bytes, numbers, false, true.
struct GroupKey: Hashable, Comparable {
    enum Kind: Int { case null = 0, string, number, boolFalse, boolTrue }
    var kind: Kind
    var bytes: [UInt8] = []
    var number: Double = 0

    init(_ value: Value) {
        switch value {
        case .string(let text): kind = .string; bytes = Array(text.utf8)
        case .number(let value): kind = .number; number = value == 0 ? 0 : value // -0 == 0
        case .bool(let flag): kind = flag ? .boolTrue : .boolFalse
        default: kind = .null
        }
    }

    /// The key of `value` when it is a kind a group can hold (null, string, number, bool);
    /// nil for a duration, a time or a list, which `init` would take as null.
    init?(exactly value: Value) {
        switch value {
        case .null, .string, .number, .bool: self.init(value)
        case .duration, .time, .list: return nil
        }
    }

    var value: Value {
        switch kind {
        case .null: .null
        case .string: .string(String(decoding: bytes, as: UTF8.self))
        case .number: .number(number)
        case .boolFalse: .bool(false)
        case .boolTrue: .bool(true)
        }
    }

    static func < (lhs: GroupKey, rhs: GroupKey) -> Bool {
        if lhs.kind != rhs.kind { return lhs.kind.rawValue < rhs.kind.rawValue }
        switch lhs.kind {
        case .string: return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
        case .number: return lhs.number < rhs.number
        default: return false
        }
    }
}

/// Accumulates resolved goal items per goal, period and group, then computes the
/// verdicts of SPEC.md 6.4.
struct GoalAggregator {
    struct Cell {
        var count = 0
        /// For rates: cohort size / decided cycles.
        var denominator = 0
        /// For rates: converted / met.
        var numerator = 0
        var sum = 0.0
        /// Elapsed milliseconds of decided cycles, for the statistics.
        var elapsed: [Int64] = []
    }

    struct CellKey: Hashable {
        var period: Int64
        var group: GroupKey
    }

    let sla: CheckedSLA
    private var cells: [[CellKey: Cell]]
    private var groups: [Set<GroupKey>]
    /// Cells of the null group (every goal without `by`, and the null group of those with
    /// one), by goal, indexed by period ordinal minus `nullBase`: most items land here
    /// without hashing. Not for `sum` goals (whose items must add up in one cell, in
    /// order), nor for periods that would stretch a goal's list past `nullSpanLimit` cells
    /// (those stay in `cells`).
    private var nullCells: [[Cell]]
    private var nullBase: [Int64]
    private static let nullSpanLimit = 1 << 16
    /// Whether each goal's null-group items may use `nullCells`.
    private let usesNullCells: [Bool]

    /// How each goal's items count: its measure without the names a `sum` carries, a
    /// trivial value (copying a `MeasureModel` per item retained and released them).
    private let tallies: [Tally]

    /// What `apply` needs of a goal's measure.
    private enum Tally {
        case countStage, countDeadline(StatusFilter), rateStages, rateMet, statistic, sum

        init(_ measure: MeasureModel) {
            switch measure {
            case .countStage: self = .countStage
            case .countDeadline(_, let filter): self = .countDeadline(filter)
            case .rateStages: self = .rateStages
            case .rateMet: self = .rateMet
            case .statistic: self = .statistic
            case .sum: self = .sum
            }
        }
    }
    /// Whether the null group is already in `groups`, by goal.
    private var nullGroupSeen: [Bool]

    init(sla: CheckedSLA) {
        self.sla = sla
        tallies = sla.goals.map { Tally($0.measure) }
        nullGroupSeen = Array(repeating: false, count: sla.goals.count)
        cells = Array(repeating: [:], count: sla.goals.count)
        groups = Array(repeating: [], count: sla.goals.count)
        nullCells = Array(repeating: [], count: sla.goals.count)
        nullBase = Array(repeating: 0, count: sla.goals.count)
        usesNullCells = tallies.map { tally in
            if case .sum = tally { return false }
            return true
        }
    }

    /// Adds one item, in the period its `period` names (found by a `PeriodFinder`).
    mutating func add(_ item: ResolvedGoalItem) {
        if case .null = item.group {
            if !nullGroupSeen[item.goal] {
                groups[item.goal].insert(GroupKey(.null))
                nullGroupSeen[item.goal] = true
            }
            if let index = nullCellIndex(goal: item.goal, period: item.period) {
                GoalAggregator.apply(item.contribution, of: tallies[item.goal], to: &nullCells[item.goal][index])
                return
            }
        }
        let group = GroupKey(item.group)
        let key = CellKey(period: item.period, group: group)
        // Mutated in place: copying the cell out and back would copy its `elapsed` array
        // at every item, making a period with n decided cycles cost O(n²). The key is
        // hashed once for a cell that exists (most items), and the group noted only for a
        // new cell (a group is known once it has one).
        if let index = cells[item.goal].index(forKey: key) {
            GoalAggregator.apply(item.contribution, of: tallies[item.goal], to: &cells[item.goal].values[index])
            return
        }
        if case .null = item.group {} else { groups[item.goal].insert(group) }
        GoalAggregator.apply(item.contribution, of: tallies[item.goal], to: &cells[item.goal][key, default: Cell()])
    }

    /// The index in `nullCells[goal]` of period `period`'s null-group cell, the list grown
    /// to hold it; nil when the goal does not use the list or the period is too far from
    /// those in it.
    @inline(__always)
    private mutating func nullCellIndex(goal: Int, period: Int64) -> Int? {
        guard usesNullCells[goal] else { return nil }
        let count = nullCells[goal].count
        if count == 0 {
            nullBase[goal] = period
            nullCells[goal].append(Cell())
            return 0
        }
        let base = nullBase[goal]
        if period >= base, period - base < Int64(count) { return Int(period - base) }
        // Grow to hold the period, within the limit.
        let low = min(base, period), high = max(base + Int64(count) - 1, period)
        guard high - low < Int64(GoalAggregator.nullSpanLimit) else { return nil }
        if period < base {
            nullCells[goal].insert(contentsOf: repeatElement(Cell(), count: Int(base - period)), at: 0)
            nullBase[goal] = period
            return 0
        }
        nullCells[goal].append(contentsOf: repeatElement(Cell(), count: Int(period - base) - count + 1))
        return Int(period - base)
    }

    /// Period `period`'s null-group cell in `nullCells`, nil when there is none.
    private func nullCell(goal: Int, period: Int64) -> Cell? {
        let index = period - nullBase[goal]
        guard !nullCells[goal].isEmpty, index >= 0, index < Int64(nullCells[goal].count) else { return nil }
        return nullCells[goal][Int(index)]
    }

    /// Adds `other`'s counts to `cell`: counts and rates add up; elapsed times are
    /// concatenated, which statistics do not mind (they sort them).
    private static func combine(_ other: Cell, into cell: inout Cell) {
        cell.count += other.count
        cell.denominator += other.denominator
        cell.numerator += other.numerator
        cell.sum += other.sum
        cell.elapsed += other.elapsed
    }

    /// Adds everything `other` (of the same SLA) has aggregated. Counts and rates add up;
    /// elapsed times are concatenated, which statistics do not mind (they sort them); sums
    /// would depend on the order, so `sum` items are never aggregated in two parts.
    mutating func merge(_ other: GoalAggregator) {
        for goal in cells.indices {
            groups[goal].formUnion(other.groups[goal])
            nullGroupSeen[goal] = nullGroupSeen[goal] || other.nullGroupSeen[goal]
            for (key, cell) in other.cells[goal] {
                GoalAggregator.combine(cell, into: &cells[goal][key, default: Cell()])
            }
            for (offset, cell) in other.nullCells[goal].enumerated() {
                let period = other.nullBase[goal] + Int64(offset)
                if let index = nullCellIndex(goal: goal, period: period) {
                    GoalAggregator.combine(cell, into: &nullCells[goal][index])
                } else {
                    GoalAggregator.combine(cell, into: &cells[goal][CellKey(period: period, group: GroupKey(.null)), default: Cell()])
                }
            }
        }
    }

    /// Adds one item's contribution to a cell.
    private static func apply(_ contribution: ResolvedGoalItem.Contribution, of tally: Tally, to cell: inout Cell) {
        switch (tally, contribution) {
        case (.countStage, .count):
            cell.count += 1
        case (.countDeadline(let filter), .cycle(let status, _)):
            if filter.matches(status) { cell.count += 1 }
        case (.rateStages, .cohort(let converted)):
            cell.denominator += 1
            if converted { cell.numerator += 1 }
        case (.rateMet, .cycle(let status, _)):
            if status == .met || status == .late || status == .overdue {
                cell.denominator += 1
                if status == .met { cell.numerator += 1 }
            }
        case (.statistic, .cycle(let status, let elapsed)):
            if status == .met || status == .late || status == .overdue { cell.elapsed.append(elapsed) }
        case (.sum, .amount(let amount)):
            if let amount { cell.sum += amount }
        default:
            break
        }
    }

    /// How many rows `verdicts` would return, counted without building them (periods times
    /// groups, per goal; a day the zone skipped counted too), saturating at `Int.max`; and
    /// the goal with the most.
    func rowCount(firstEvent: Int64, asOf: Int64) -> GoalRowCount {
        var count = GoalRowCount(rows: 0, goal: 0, periods: 0, groups: 0)
        var largest = -1
        for (goalIndex, goal) in sla.goals.enumerated() {
            let first = Periods.bounds(containing: firstEvent, kind: goal.period, zone: sla.zone).index
            let last = Periods.bounds(containing: asOf, kind: goal.period, zone: sla.zone).index
            let periods = Int(max(0, last - first + 1))
            let groups = goal.groupBy == nil ? 1 : groups[goalIndex].count
            let (rows, overflow) = periods.multipliedReportingOverflow(by: groups)
            let goalRows = overflow ? Int.max : rows
            let (total, totalOverflow) = count.rows.addingReportingOverflow(goalRows)
            count.rows = totalOverflow ? Int.max : total
            if goalRows > largest {
                largest = goalRows
                count.goal = goalIndex
                count.periods = periods
                count.groups = groups
            }
        }
        return count
    }

    /// Verdicts for every goal, every period from `firstPeriodInstant`'s to `asOf`'s, and
    /// every group, sorted by goal, period and group.
    func verdicts(firstEvent: Int64, asOf: Int64) -> [GoalVerdict] {
        var result: [GoalVerdict] = []
        for (goalIndex, goal) in sla.goals.enumerated() {
            let first = Periods.period(containing: firstEvent, kind: goal.period, zone: sla.zone)
            let last = Periods.period(containing: asOf, kind: goal.period, zone: sla.zone)
            let groupKeys: [GroupKey] = goal.groupBy == nil ? [GroupKey(.null)] : groups[goalIndex].sorted()
            var index = first.index
            while index <= last.index {
                let period = index == first.index ? first : Periods.period(index: index, kind: goal.period, zone: sla.zone)
                if period.isSkipped {
                    index += 1
                    continue
                }
                for group in groupKeys {
                    var cell = cells[goalIndex][CellKey(period: index, group: group)] ?? Cell()
                    if group.kind == .null, let listed = nullCell(goal: goalIndex, period: index) {
                        GoalAggregator.combine(listed, into: &cell)
                    }
                    let value = GoalAggregator.value(of: goal.measure, cell)
                    let status: GoalStatus
                    if period.end > asOf {
                        status = .inProgress
                    } else if let value {
                        // SPEC.md 6.4 compares "value and target as reported": a sum past the
                        // largest double is reported as null (7.1), and null compares false.
                        status = value.isFinite && GoalAggregator.compare(value, goal.op, goal.target) ? .met : .missed
                    } else {
                        status = .noData
                    }
                    result.append(GoalVerdict(goal: goalIndex, period: period, group: group.value, value: value, status: status))
                }
                index += 1
            }
        }
        return result
    }

    static func value(of measure: MeasureModel, _ cell: Cell) -> Double? {
        switch measure {
        case .countStage, .countDeadline:
            return Double(cell.count)
        case .sum:
            return cell.sum
        case .rateStages, .rateMet:
            return cell.denominator == 0 ? nil : Double(cell.numerator) / Double(cell.denominator)
        case .statistic(let statistic, _):
            guard !cell.elapsed.isEmpty else { return nil }
            let sorted = cell.elapsed.sorted()
            let milliseconds: Double
            switch statistic {
            case .min: milliseconds = Double(sorted[0])
            case .max: milliseconds = Double(sorted[sorted.count - 1])
            case .avg:
                let total = sorted.reduce(Int128(0)) { $0 + Int128($1) }
                // One rounding: exact integer total over the count in milliseconds.
                return Double(total) / (Double(sorted.count) * 1000)
            default:
                // Nearest rank: the ⌈P·n/100⌉-th smallest, computed in integers.
                let rank = (statistic.percentile! * sorted.count + 99) / 100
                milliseconds = Double(sorted[max(rank, 1) - 1])
            }
            return milliseconds / 1000
        }
    }

    static func compare(_ value: Double, _ op: ComparisonOperator, _ target: Double) -> Bool {
        switch op {
        case .greaterEqual: value >= target
        case .greater: value > target
        case .lessEqual: value <= target
        case .less: value < target
        case .equal: value == target
        }
    }
}

/// Finds the period ordinal (`Periods`) holding an instant, for each goal. Every period met
/// is remembered, sorted by start, so items in any time order (they come lead by lead)
/// rarely recompute calendar bounds: a binary search finds the period.
struct PeriodFinder {
    private let sla: CheckedSLA
    /// Known periods by goal, sorted by start (milliseconds since the epoch).
    private var known: [[(start: Int64, end: Int64, index: Int64)]]

    init(sla: CheckedSLA) {
        self.sla = sla
        known = Array(repeating: [], count: sla.goals.count)
    }

    mutating func period(goal: Int, time: Int64) -> Int64 {
        // The first known period starting after `time`; the one before it may hold `time`.
        let (low, held): (Int, Int64?) = known[goal].withUnsafeBufferPointer { periods in
            var low = 0, high = periods.count
            while low < high {
                let middle = (low + high) / 2
                if periods[middle].start <= time { low = middle + 1 } else { high = middle }
            }
            return (low, low > 0 && time < periods[low - 1].end ? periods[low - 1].index : nil)
        }
        if let held { return held }
        let found = Periods.bounds(containing: time, kind: sla.goals[goal].period, zone: sla.zone)
        known[goal].insert((start: found.start, end: found.end, index: found.index), at: low)
        return found.index
    }
}
