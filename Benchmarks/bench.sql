-- Benchmarks/bench.sla as ONE DuckDB query (SPEC.md sections 6.1-6.4, no calendar, no pauses).
-- `{events}` is replaced by the driver (duckdb_bench.py) with the file reader, e.g.
--   read_json('F.jsonl', format='newline_delimited', columns={'lead': 'VARCHAR', 'type': 'VARCHAR', 'at': 'VARCHAR'})
--   read_csv('F.csv', header=true, all_varchar=true)
-- The session time zone must be UTC (the SLA's) for the month of a timestamp.
WITH ev AS (
    -- Input position: row_number() OVER () keeps the file's row order (DuckDB guarantees
    -- the original order through a window with an empty OVER clause).
    SELECT "lead", "type", CAST("at" AS TIMESTAMPTZ) AS t, row_number() OVER () AS pos
    FROM {events}
),
horizon AS (
    -- As-of time T: the latest event; periods run from the earliest event's month to T's.
    SELECT max(t) AS t_asof, min(t) AS t_first FROM ev
),
mql AS (
    -- Stage mql: the lead's first form_submit in (time, position) order; it opens the cycle.
    SELECT "lead", min({'t': t, 'pos': pos}) AS s
    FROM ev WHERE "type" = 'form_submit'
    GROUP BY "lead"
),
stop AS (
    -- The first met event strictly after the opening event in (time, position) order:
    -- the event that opens the cycle never stops it, a later one at the same instant does.
    SELECT e."lead", min({'t': e.t, 'pos': e.pos}) AS m
    FROM ev e JOIN mql USING ("lead")
    WHERE e."type" IN ('call', 'email_sent', 'meeting_booked')
      AND {'t': e.t, 'pos': e.pos} > mql.s
    GROUP BY e."lead"
),
cycle AS (
    SELECT strftime(mql.s.t, '%Y-%m') AS month,
           CASE
             WHEN stop.m IS NOT NULL THEN
               CASE WHEN epoch_ms(stop.m.t) - epoch_ms(mql.s.t) <= 14400000 THEN 'met' ELSE 'late' END
             ELSE
               CASE WHEN epoch_ms(h.t_asof) - epoch_ms(mql.s.t) > 14400000 THEN 'overdue' ELSE 'pending' END
           END AS status
    FROM mql LEFT JOIN stop USING ("lead") CROSS JOIN horizon h
),
months AS (
    SELECT strftime(m, '%Y-%m') AS month
    FROM horizon h, range(date_trunc('month', h.t_first), date_trunc('month', h.t_asof) + INTERVAL 1 MONTH, INTERVAL 1 MONTH) r(m)
),
per_month AS (
    SELECT month,
           count(*) AS mql,
           count(*) FILTER (WHERE status = 'met') AS met,
           count(*) FILTER (WHERE status = 'late') AS late,
           count(*) FILTER (WHERE status = 'overdue') AS overdue,
           count(*) FILTER (WHERE status = 'pending') AS pending
    FROM cycle GROUP BY month
)
SELECT months.month,
       coalesce(mql, 0) AS mql,
       coalesce(met, 0) AS met,
       coalesce(late, 0) AS late,
       coalesce(overdue, 0) AS overdue,
       coalesce(pending, 0) AS pending,
       CASE WHEN coalesce(met + late + overdue, 0) = 0 THEN NULL
            ELSE met / (met + late + overdue) END AS rate
FROM months LEFT JOIN per_month USING (month)
ORDER BY months.month
