#!/usr/bin/env python3
"""Runs Benchmarks/bench.sql in DuckDB over one event file and writes the per-month result.

    python3 Benchmarks/duckdb_bench.py EVENTS.jsonl|EVENTS.csv [--threads 2] [--out result.json]
                                       [--sql Benchmarks/bench.sql] [--detail]

The result is JSON: {"engine": "duckdb", "query_seconds": ..., "months": [{"month": "2026-01",
"mql": ..., "met": ..., "late": ..., "overdue": ..., "pending": ..., "rate": ...}, ...]}.
`--detail` also writes each lead's cycle ({"lead", "started", "stopped", "status"}) to
find the leads where sla and DuckDB disagree (slower; not for timing).
"""

import argparse
import json
import os
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))

DETAIL_SQL = """
WITH ev AS (
    SELECT "lead", "type", CAST("at" AS TIMESTAMPTZ) AS t, row_number() OVER () AS pos FROM {events}
),
horizon AS (SELECT max(t) AS t_asof FROM ev),
mql AS (SELECT "lead", min({{'t': t, 'pos': pos}}) AS s FROM ev WHERE "type" = 'form_submit' GROUP BY "lead"),
stop AS (
    SELECT e."lead", min({{'t': e.t, 'pos': e.pos}}) AS m FROM ev e JOIN mql USING ("lead")
    WHERE e."type" IN ('call', 'email_sent', 'meeting_booked') AND {{'t': e.t, 'pos': e.pos}} > mql.s
    GROUP BY e."lead"
)
SELECT "lead", strftime(mql.s.t, '%Y-%m-%dT%H:%M:%SZ') AS started, strftime(stop.m.t, '%Y-%m-%dT%H:%M:%SZ') AS stopped,
       CASE WHEN stop.m IS NOT NULL THEN
              CASE WHEN epoch_ms(stop.m.t) - epoch_ms(mql.s.t) <= 14400000 THEN 'met' ELSE 'late' END
            ELSE CASE WHEN epoch_ms(h.t_asof) - epoch_ms(mql.s.t) > 14400000 THEN 'overdue' ELSE 'pending' END
       END AS status
FROM mql LEFT JOIN stop USING ("lead") CROSS JOIN horizon h ORDER BY "lead"
"""


def reader(path, fmt):
    quoted = "'" + path.replace("'", "''") + "'"
    if fmt == "jsonl":
        return ("read_json(%s, format='newline_delimited', "
                "columns={'lead': 'VARCHAR', 'type': 'VARCHAR', 'at': 'VARCHAR'})" % quoted)
    return "read_csv(%s, header=true, all_varchar=true)" % quoted


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("events")
    p.add_argument("--format", choices=["jsonl", "csv"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--sql", default=os.path.join(HERE, "bench.sql"))
    p.add_argument("--out", default="-")
    p.add_argument("--detail", action="store_true")
    args = p.parse_args(argv)
    fmt = args.format or ("csv" if args.events.lower().endswith(".csv") else "jsonl")

    con = duckdb.connect()
    con.execute("SET threads = %d" % args.threads)
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET preserve_insertion_order = true")
    with open(args.sql, encoding="utf-8") as f:
        sql = f.read().replace("{events}", reader(args.events, fmt))

    start = time.perf_counter()
    rows = con.execute(sql).fetchall()
    seconds = time.perf_counter() - start
    result = {
        "engine": "duckdb",
        "version": duckdb.__version__,
        "threads": args.threads,
        "query_seconds": round(seconds, 4),
        "months": [
            {"month": r[0], "mql": int(r[1]), "met": int(r[2]), "late": int(r[3]), "overdue": int(r[4]),
             "pending": int(r[5]), "rate": None if r[6] is None else float(r[6])}
            for r in rows
        ],
    }
    if args.detail:
        detail = con.execute(DETAIL_SQL.format(events=reader(args.events, fmt))).fetchall()
        result["cycles"] = [{"lead": r[0], "started": r[1], "stopped": r[2], "status": r[3]} for r in detail]

    text = json.dumps(result, indent=1)
    if args.out == "-":
        sys.stdout.write(text + "\n")
    else:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
