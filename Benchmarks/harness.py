#!/usr/bin/env python3
"""The benchmark runs behind Benchmarks/run.sh (which builds sla and installs DuckDB first).

    python3 Benchmarks/harness.py --sla PATH [--events N] [--runs K] [--quick]
                                  [--scaling] [--no-smarketing] [--no-bench] [--formats jsonl,csv]
                                  [--orders sorted,shuffled]

1. bench.sla against DuckDB (bench.sql through duckdb_bench.py, 2 threads) on N events
   (default 1.2 M = 150,000 leads), JSONL and CSV, sorted and shuffled: each engine K times,
   alternating which goes first; wall time (median) and peak RSS (/usr/bin/time %M, max
   over runs); results checked with compare.py.
2. examples/smarketing.sla on N smarketing-profile events (JSONL, sorted): events/s, peak RSS.
3. --scaling: bench.sla alone on 0.1 M, 1 M and 10 M events (JSONL, sorted): seconds per
   event and the 10M/1M time ratio. The 10 M file is about 1 GB (plus ~0.5 GB of output).
Each input is read once before its timed runs (`count_records`), so that every run finds
it in the page cache.

Generated files are cached under Benchmarks/data/ (git-ignored), named by profile, size,
seed, format, order and a hash of generate_events.py, so changing the generator
regenerates them. Tables are printed and also written to Benchmarks/data/results.md.
"""

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
OUT = os.path.join(DATA, "out")
GENERATOR = os.path.join(HERE, "generate_events.py")
EVENTS_PER_LEAD = 8
SEED = 1


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def generator_hash():
    with open(GENERATOR, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()[:8]


def dataset(profile, events, fmt, order):
    """Path of a generated event file, generating it if it is not cached."""
    leads = max(1, events // EVENTS_PER_LEAD)
    name = "%s-%dleads-s%d-%s-%s.%s" % (profile, leads, SEED, order, generator_hash(), fmt)
    path = os.path.join(DATA, name)
    if not os.path.exists(path):
        os.makedirs(DATA, exist_ok=True)
        log("generating %s ..." % name)
        start = time.perf_counter()
        tmp = path + ".part"
        subprocess.run([sys.executable, GENERATOR, "--seed", str(SEED), "--leads", str(leads), "--format", fmt,
                        "--order", order, "--profile", profile, "--out", tmp], check=True)
        os.replace(tmp, path)
        log("  %.1f s, %.0f MB" % (time.perf_counter() - start, os.path.getsize(path) / 1e6))
    return path


def count_records(path):
    """The file's records (lines, less a CSV header). Called before an input's timed runs,
    it also reads the file once, so that every run finds it in the page cache (as the
    repeated runs of a small input do): a first run that reads from disk measures the
    disk, not the engine."""
    with open(path, "rb") as f:
        n = sum(buf.count(b"\n") for buf in iter(lambda: f.read(1 << 20), b""))
    return n - 1 if path.endswith(".csv") else n


def measure(cmd, stdout_path):
    """Runs cmd with stdout to a file; returns (wall s, peak RSS MB, exit code, CPU s = user + sys)."""
    fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
    os.close(fd)
    try:
        with open(stdout_path, "wb") as out:
            start = time.perf_counter()
            proc = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file] + cmd, stdout=out,
                                  stderr=subprocess.PIPE)
            wall = time.perf_counter() - start
        rss_mb, cpu = float("nan"), float("nan")
        with open(rss_file) as f:
            for line in f.read().splitlines():  # the last line is ours (a crash adds lines first)
                parts = line.split()
                if len(parts) == 3 and parts[0].isdigit():
                    rss_mb, cpu = int(parts[0]) / 1024, float(parts[1]) + float(parts[2])
        if proc.returncode != 0:
            log("  exit %d: %s\n  %s" % (proc.returncode, " ".join(cmd), proc.stderr.decode(errors="replace")[-2000:]))
        return wall, rss_mb, proc.returncode, cpu
    finally:
        os.unlink(rss_file)


def sla_cmd(sla, spec, path):
    return [sla, "eval", spec, "--events", path, "--format", "json"]


def duck_cmd(path, out):
    return [sys.executable, os.path.join(HERE, "duckdb_bench.py"), path, "--threads", "2", "--out", out]


def fmt_s(x):
    return "%.2f" % x


def emit(lines, results):
    text = "\n".join(lines)
    print(text, flush=True)
    results.append(text)


def bench_vs_duckdb(args, results):
    spec = os.path.join(HERE, "bench.sla")
    rows = []
    for fmt in args.formats:
        for order in args.orders:
            path = dataset("bench", args.events, fmt, order)
            tag = os.path.basename(path)
            sla_out = os.path.join(OUT, "sla-" + tag + ".json")
            duck_out = os.path.join(OUT, "duckdb-" + tag + ".json")
            duck_stdout = os.path.join(OUT, "duckdb-" + tag + ".stdout")
            sla_walls, sla_rss, duck_walls, duck_rss, duck_query = [], [], [], [], []
            sla_cpu, duck_cpu = [], []
            failed = False
            records = count_records(path)
            for run in range(args.runs):
                order_of_engines = ("sla", "duckdb") if run % 2 == 0 else ("duckdb", "sla")
                for engine in order_of_engines:
                    if engine == "sla":
                        wall, rss, rc, cpu = measure(sla_cmd(args.sla, spec, path), sla_out)
                        sla_cpu.append(cpu)
                        sla_walls.append(wall)
                        sla_rss.append(rss)
                    else:
                        wall, rss, rc, cpu = measure(duck_cmd(path, duck_out), duck_stdout)
                        duck_cpu.append(cpu)
                        duck_walls.append(wall)
                        duck_rss.append(rss)
                        if rc == 0:
                            with open(duck_out) as f:
                                duck_query.append(json.load(f)["query_seconds"])
                    failed |= rc != 0
                    log("  %s %s %s run %d: %.2f s wall, %.2f s CPU, %.0f MB" % (fmt, order, engine, run + 1, wall, cpu, rss))
            if failed:
                agree = "FAIL (exit code)"
            else:
                check = subprocess.run([sys.executable, os.path.join(HERE, "compare.py"), sla_out, duck_out],
                                       capture_output=True, text=True)
                agree = "OK" if check.returncode == 0 else "FAIL"
                if check.returncode != 0:
                    log(check.stdout)
            s, d = statistics.median(sla_walls), statistics.median(duck_walls)
            rows.append((records, fmt, order, s, d, s / d, max(sla_rss), max(duck_rss),
                         statistics.median(duck_query) if duck_query else float("nan"),
                         statistics.median(sla_cpu), statistics.median(duck_cpu), agree))

    lines = ["",
             "### bench.sla: sla vs DuckDB (%d runs each, alternating; DuckDB %s, 2 threads)" % (
                 args.runs, duckdb_version()),
             "",
             "| input (events) | format | order | sla median wall s | duckdb median wall s | ratio sla/duckdb "
             "| sla peak MB | duckdb peak MB | agreement | sla CPU s | duckdb CPU s | CPU ratio | duckdb query s |",
             "|---:|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for n, fmt, order, s, d, ratio, srss, drss, dq, scpu, dcpu, agree in rows:
        lines.append("| %s | %s | %s | %s | %s | %.2f | %.0f | %.0f | %s | %s | %s | %.2f | %s |" % (
            "{:,}".format(n), fmt, order, fmt_s(s), fmt_s(d), ratio, srss, drss, agree, fmt_s(scpu), fmt_s(dcpu),
            scpu / dcpu if dcpu else float("nan"), fmt_s(dq)))
    lines.append("")
    lines.append("Targets: ratio sla/duckdb <= 0.50 and sla peak MB <= duckdb peak MB. CPU s = user + system "
                 "(median; DuckDB's spans 2 threads). \"duckdb query s\" is the query alone, without Python "
                 "start-up and import.")
    emit(lines, results)
    return all(r[-1] == "OK" for r in rows)


def duckdb_version():
    try:
        out = subprocess.run([sys.executable, "-c", "import duckdb; print(duckdb.__version__)"],
                             capture_output=True, text=True)
        return out.stdout.strip() or "?"
    except OSError:
        return "?"


def smarketing(args, results):
    spec = os.path.join(ROOT, "examples", "smarketing.sla")
    path = dataset("smarketing", args.events, "jsonl", "sorted")
    out = os.path.join(OUT, "sla-" + os.path.basename(path) + ".json")
    walls, rsss, cpus = [], [], []
    n = count_records(path)
    for run in range(args.runs):
        wall, rss, rc, cpu = measure(sla_cmd(args.sla, spec, path), out)
        log("  smarketing run %d: %.2f s wall, %.2f s CPU, %.0f MB (exit %d)" % (run + 1, wall, cpu, rss, rc))
        cpus.append(cpu)
        walls.append(wall)
        rsss.append(rss)
        if rc != 0:
            break
    summary = ""
    try:
        with open(out) as f:
            doc = json.load(f)
        statuses = {}
        for c in doc["deadlines"]:
            key = c["deadline"] + ":" + c["status"] + (" (paused)" if c["paused"] else "")
            statuses[key] = statuses.get(key, 0) + 1
        goals = {}
        for g in doc["goals"]:
            goals[g["status"]] = goals.get(g["status"], 0) + 1
        stages = {}
        for lead in doc["leads"]:
            for k, v in lead["stages"].items():
                if v is not None:
                    stages[k] = stages.get(k, 0) + 1
        summary = "records %d, leads %d; stages entered %s; cycles %s; goal rows %s" % (
            doc["input"]["records"], doc["input"]["leads"], stages,
            dict(sorted(statuses.items())), dict(sorted(goals.items())))
    except (OSError, ValueError, KeyError) as e:
        summary = "output unreadable: %s" % e
    med = statistics.median(walls)
    lines = ["",
             "### examples/smarketing.sla (scores, calendar, pauses, goals by owner), sla alone, %d runs" % len(walls),
             "",
             "| input (events) | format | order | sla median wall s | events/s | sla peak MB | sla CPU s |",
             "|---:|---|---|---:|---:|---:|---:|",
             "| %s | jsonl | sorted | %s | %s | %.0f | %s |" % ("{:,}".format(n), fmt_s(med), "{:,.0f}".format(n / med),
                                                           max(rsss), fmt_s(statistics.median(cpus))),
             "",
             "Target: at least 2,000,000 events/s.",
             "",
             "Output: " + summary]
    emit(lines, results)


def scaling(args, results):
    spec = os.path.join(HERE, "bench.sla")
    rows = []
    for events in (100_000, 1_000_000, 10_000_000):
        path = dataset("bench", events, "jsonl", "sorted")
        out = os.path.join(OUT, "sla-" + os.path.basename(path) + ".json")
        runs = args.runs
        walls, rsss, cpus = [], [], []
        n = count_records(path)
        for run in range(runs):
            wall, rss, rc, cpu = measure(sla_cmd(args.sla, spec, path), out)
            log("  scaling %d run %d: %.2f s wall, %.2f s CPU, %.0f MB (exit %d)" % (events, run + 1, wall, cpu, rss, rc))
            cpus.append(cpu)
            walls.append(wall)
            rsss.append(rss)
        rows.append((n, statistics.median(walls), max(rsss), os.path.getsize(path), os.path.getsize(out), runs,
                     statistics.median(cpus)))
    lines = ["",
             "### Scaling: bench.sla, JSONL sorted, sla alone",
             "",
             "| input (events) | file MB | runs | sla median wall s | µs per event | sla CPU s | sla peak MB | output MB |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, wall, rss, size, osize, runs, cpu in rows:
        lines.append("| %s | %.0f | %d | %s | %.2f | %s | %.0f | %.0f |" % (
            "{:,}".format(n), size / 1e6, runs, fmt_s(wall), wall / n * 1e6, fmt_s(cpu), rss, osize / 1e6))
    ratio = rows[2][1] / rows[1][1]
    lines += ["", "Time ratio 10M/1M: %.2fx wall, %.2fx CPU, for %.2fx the events (target: at most 11x)." % (
        ratio, rows[2][6] / rows[1][6], rows[2][0] / rows[1][0]),
        "Disk: the 10 M-event JSONL is %.2f GB and its sla output %.2f GB (under Benchmarks/data/)." % (
            rows[2][3] / 1e9, rows[2][4] / 1e9)]
    emit(lines, results)


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--sla", required=True)
    p.add_argument("--events", type=int, default=1_200_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--quick", action="store_true", help="0.1 M events")
    p.add_argument("--scaling", action="store_true")
    p.add_argument("--scaling-only", action="store_true")
    p.add_argument("--no-smarketing", action="store_true")
    p.add_argument("--no-bench", action="store_true")
    p.add_argument("--formats", default="jsonl,csv")
    p.add_argument("--orders", default="sorted,shuffled")
    args = p.parse_args(argv)
    if args.quick:
        args.events = 100_000
    args.formats = [f for f in args.formats.split(",") if f]
    args.orders = [o for o in args.orders.split(",") if o]
    os.makedirs(OUT, exist_ok=True)
    results = ["## Benchmark run %s" % time.strftime("%Y-%m-%d %H:%M:%S %Z"),
               "", "Machine: %d cores, sla `%s`." % (os.cpu_count() or 0, args.sla)]
    ok = True
    if not args.scaling_only:
        if not args.no_bench:
            ok = bench_vs_duckdb(args, results)
        if not args.no_smarketing:
            smarketing(args, results)
    if args.scaling or args.scaling_only:
        scaling(args, results)
    with open(os.path.join(DATA, "results.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(results) + "\n")
    log("\n(tables also written to %s)" % os.path.join(DATA, "results.md"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
