#!/usr/bin/env python3
"""Checks that `sla eval Benchmarks/bench.sla --format json` and the DuckDB query agree.

    python3 Benchmarks/compare.py SLA.json DUCKDB.json [--quiet]

Per month (the SLA's reported periods against DuckDB's months): the number of MQL entries
(goal `mql_volume`), the numbers of met / late / overdue / pending cycles of `first_touch`
started in the month (from sla's `deadlines`), and the rate met / (met + late + overdue)
(goal `touch_compliance`, compared to 1e-12). sla's own rate is also checked against its
own cycle counts. When DUCKDB.json holds per-lead `cycles` (duckdb_bench.py --detail), the
first differing leads are listed.

Prints `OK` or `FAIL` lines; exit code 0 when they agree, 1 otherwise.
"""

import argparse
import json
import sys

STATUSES = ("met", "late", "overdue", "pending")


def sla_months(doc, deadline, count_goal, rate_goal):
    months = {}

    def month(m):
        return months.setdefault(m, {"mql": None, "rate": None, **{s: 0 for s in STATUSES}, "other": 0})

    for g in doc["goals"]:
        if g["goal"] == count_goal:
            month(g["period"])["mql"] = g["value"]
        elif g["goal"] == rate_goal:
            month(g["period"])["rate"] = g["value"]
    for c in doc["deadlines"]:
        if c["deadline"] != deadline:
            continue
        m = month(c["started"][:7])
        if c["status"] in STATUSES:
            m[c["status"]] += 1
        else:
            m["other"] += 1
    return months


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("sla_json")
    p.add_argument("duckdb_json")
    p.add_argument("--deadline", default="first_touch")
    p.add_argument("--count-goal", default="mql_volume")
    p.add_argument("--rate-goal", default="touch_compliance")
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--show", type=int, default=10, help="differing leads to list with --detail data")
    args = p.parse_args(argv)

    with open(args.sla_json, encoding="utf-8") as f:
        sla = json.load(f)
    with open(args.duckdb_json, encoding="utf-8") as f:
        duck = json.load(f)

    problems = []
    ours = sla_months(sla, args.deadline, args.count_goal, args.rate_goal)
    theirs = {m["month"]: m for m in duck["months"]}
    if sorted(ours) != sorted(theirs):
        problems.append("months differ: sla %s, duckdb %s" % (sorted(ours), sorted(theirs)))
    for month in sorted(set(ours) | set(theirs)):
        a, b = ours.get(month), theirs.get(month)
        if a is None or b is None:
            continue
        for key in ("mql",) + STATUSES:
            if a[key] != b[key]:
                problems.append("%s %s: sla %s, duckdb %s" % (month, key, a[key], b[key]))
        if a["other"]:
            problems.append("%s: sla has %d cycles with other statuses" % (month, a["other"]))
        ra, rb = a["rate"], b["rate"]
        if (ra is None) != (rb is None) or (ra is not None and abs(ra - rb) > 1e-12):
            problems.append("%s rate: sla %r, duckdb %r" % (month, ra, rb))
        decided = a["met"] + a["late"] + a["overdue"]
        own = a["met"] / decided if decided else None
        if (own is None) != (ra is None) or (own is not None and abs(own - ra) > 1e-12):
            problems.append("%s: sla's rate %r is not its met / decided = %r" % (month, ra, own))

    if "cycles" in duck:
        mine = {c["lead"]: c for c in sla["deadlines"] if c["deadline"] == args.deadline}
        other = {c["lead"]: c for c in duck["cycles"]}
        shown = 0
        for lead in sorted(set(mine) | set(other)):
            x, y = mine.get(lead), other.get(lead)
            same = x is not None and y is not None and (x["status"], x["started"], x["stopped"]) == \
                (y["status"], y["started"], y["stopped"])
            if not same:
                if shown < args.show:
                    problems.append("lead %s: sla %s, duckdb %s" % (
                        lead, x and (x["status"], x["started"], x["stopped"]), y and (y["status"], y["started"], y["stopped"])))
                shown += 1
        if shown > args.show:
            problems.append("... %d differing leads in all" % shown)

    if problems:
        for line in problems:
            print("FAIL " + line)
        return 1
    if not args.quiet:
        total = sum(m["mql"] or 0 for m in ours.values())
        print("OK %d months, %d MQL entries, %d cycles agree" % (
            len(ours), total, sum(sum(m[s] for s in STATUSES) for m in ours.values())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
