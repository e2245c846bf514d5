#!/usr/bin/env bash
# Builds and runs a libFuzzer target of sla for a number of seconds.
#
#   Tests/Fuzz/run.sh TARGET SECONDS [LIBFUZZER OPTIONS...]
#   Tests/Fuzz/run.sh all SECONDS        # every target, one after the other
#
# TARGET is parse-check, format, jsonl-reader, csv-reader or evaluation. Each target is one Swift
# file here, compiled together with every file of Sources/SLAKit into one module (so the
# target sees internal declarations) with `-sanitize=fuzzer,address`. Binaries are cached
# in .build-fuzz/ (git-ignored) and rebuilt when a source is newer. The seed corpus is
# copied from examples/ and Tests/Conformance/cases/ into a fresh temporary directory,
# which is deleted afterwards; crash inputs are kept in .build-fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() { echo "usage: Tests/Fuzz/run.sh parse-check|format|jsonl-reader|csv-reader|evaluation|all SECONDS [libFuzzer options]" >&2; exit 3; }
[[ $# -ge 2 ]] || usage
target=$1; seconds=$2; shift 2
[[ $seconds =~ ^[0-9]+$ ]] || usage
targets=(parse-check format jsonl-reader csv-reader evaluation)

if [[ $target == all ]]; then
    failed=()
    for name in "${targets[@]}"; do "$0" "$name" "$seconds" "$@" || failed+=("$name"); done
    if [[ ${#failed[@]} -gt 0 ]]; then echo "failed: ${failed[*]}" >&2; exit 1; fi
    exit 0
fi

case $target in
    parse-check) file=ParseCheckTarget.swift; seeds=(examples/*.sla Tests/Conformance/cases/*/*.sla) ;;
    format) file=FormatTarget.swift; seeds=(examples/*.sla Tests/Conformance/cases/*/*.sla Tests/Fixtures/format/*.sla) ;;
    jsonl-reader) file=JSONLReaderTarget.swift; seeds=(examples/*.jsonl Tests/Conformance/cases/*/*.jsonl) ;;
    csv-reader) file=CSVReaderTarget.swift; seeds=(examples/*.csv Tests/Conformance/cases/*/*.csv) ;;
    evaluation) file=EvaluationTarget.swift; seeds=(examples/*.jsonl Tests/Conformance/cases/*/*.jsonl) ;;
    *) usage ;;
esac

swiftc=${SWIFTC:-swiftc}
build=.build-fuzz
binary=$build/$target
mkdir -p "$build"
sources=()
while IFS= read -r -d '' path; do sources+=("$path"); done < <(find Sources/SLAKit -name '*.swift' -print0 | sort -z)
inputs=("${sources[@]}" Tests/Fuzz/FuzzSupport.swift "Tests/Fuzz/$file")
stale=0
[[ -x $binary ]] || stale=1
for path in "${inputs[@]}"; do [[ $path -nt $binary ]] && stale=1; done
if [[ $stale == 1 ]]; then
    echo "building $binary" >&2
    # Compile a snapshot, so that editing the sources during the (minutes long) build
    # cannot fail it; the snapshot keeps the layout, so the targets find examples/.
    snapshot=$build/snapshot-$target
    started=$(date +%s)
    rm -rf "$snapshot"
    mkdir -p "$snapshot/Tests"
    cp -R Sources examples "$snapshot/"
    cp -R Tests/Fuzz "$snapshot/Tests/"
    (cd "$snapshot" && "$swiftc" -sanitize=fuzzer,address -parse-as-library -O -g -module-name SLAKit \
        -o "../$target.new" "${inputs[@]}")
    mv "$build/$target.new" "$binary"
    # Dated from the snapshot, so that a source edited during the build is newer.
    touch -d "@$started" "$binary"
fi

corpus=$(mktemp -d "${TMPDIR:-/tmp}/sla-fuzz-$target.XXXXXX")
trap 'rm -rf "$corpus"' EXIT
index=0
for seed in "${seeds[@]}"; do
    [[ -f $seed ]] || continue
    if [[ $target == evaluation ]]; then
        # The first byte picks the example SLA: one copy of each seed per SLA.
        for pick in 0 1 2; do
            { printf "\\x3$pick"; cat "$seed"; } > "$corpus/seed-$index-$pick"
        done
    else
        cp "$seed" "$corpus/seed-$index"
    fi
    index=$((index + 1))
done
artifacts=$build/artifacts/$target
mkdir -p "$artifacts"
# -max_len: big enough for the example files, small enough to keep runs fast. The Swift
# runtime's own backtracer is turned off: it confuses AddressSanitizer after a crash.
export SWIFT_BACKTRACE=enable=no
# The evaluation target compiles the example SLAs once, at start-up, and keeps them for
# every input. LeakSanitizer cannot follow Swift's pointers that carry enum tag bits, so at
# exit it reports those syntax trees (about 9.7 KB, the same every run) as leaked and turns
# a clean run into a failure. Leak detection (libFuzzer's per-input check and the
# sanitizer's check at exit) is off for that target only.
extra=()
if [[ $target == evaluation ]]; then
    extra=(-detect_leaks=0)
    export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
fi
exec "$binary" "$corpus" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "${extra[@]}" "$@"
