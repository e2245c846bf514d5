#!/usr/bin/env bash
# Benchmarks: sla against DuckDB on the same SLA, plus the full example SLA and scaling.
#
#   Benchmarks/run.sh [--events N] [--runs K] [--quick] [--scaling] [--scaling-only]
#                     [--no-smarketing] [--no-bench] [--formats jsonl,csv] [--orders sorted,shuffled]
#                     [--no-build] [--sla PATH]
#
# Defaults: 1.2 M events (150,000 leads), 3 runs each, JSONL and CSV, sorted and shuffled.
# --quick: 0.1 M events. --scaling: also 0.1 M / 1 M / 10 M events (the 10 M file is ~1 GB).
# Generated data is cached in Benchmarks/data/ (git-ignored). See Benchmarks/README.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
cd "$root"

build=1
sla=""
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0; shift ;;
    --sla) sla="$2"; build=0; shift 2 ;;
    --events|--runs|--formats|--orders) pass+=("$1" "$2"); shift 2 ;;
    --quick|--scaling|--scaling-only|--no-smarketing|--no-bench) pass+=("$1"); shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 3 ;;
  esac
done

# 1. sla, release mode, in its own scratch path. On Linux with the Swift runtime and
#    Foundation linked statically, as for a binary shipped on its own (it starts in 5 ms
#    instead of 14, and calls the runtime directly); where that link fails (it needs
#    libuuid's development files), with the shared runtime.
static=()
[ "$(uname -s)" = Linux ] && static=(--static-swift-stdlib)
if [ "$build" = 1 ]; then
  echo "building sla (release${static[@]+, static runtime}) ..." >&2
  if ! swift build -c release --scratch-path .build-release ${static[@]+"${static[@]}"} >&2; then
    [ ${#static[@]} -gt 0 ] || exit 1
    echo "run.sh: the static link failed; building with the shared runtime" >&2
    static=()
    swift build -c release --scratch-path .build-release >&2
  fi
fi
if [ -z "$sla" ]; then
  sla="$(swift build -c release --scratch-path .build-release ${static[@]+"${static[@]}"} --show-bin-path)/sla"
fi
[ -x "$sla" ] || { echo "run.sh: no sla binary at $sla" >&2; exit 3; }

# 2. DuckDB (Python package) and GNU time.
if ! python3 -c "import duckdb" 2>/dev/null; then
  echo "installing duckdb (pip) ..." >&2
  python3 -m pip install --quiet duckdb >&2
fi
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (apt-get) ..." >&2
  apt-get install -y -qq time >&2 || { apt-get update -qq >&2 && apt-get install -y -qq time >&2; }
fi

# 3. Data, runs, checks and tables.
exec python3 "$here/harness.py" --sla "$sla" ${pass[@]+"${pass[@]}"}
