#!/bin/sh
# fuzz/run.sh [seconds]: builds the fuzz targets, runs each for the given
# time (default 60 s) over its corpus (work/corpus/<target>, seeded from
# make_seeds), then replays the corpus once.  Prints the executions of each
# target; exits non-zero when any target crashed, leaked or hung (the
# reproducer is left in work/crashes/).
#
# Environment: TERN_FUZZ_RAW=1 leaves lengths and checksums broken after
# mutation; FUZZ_TARGETS narrows the list; FUZZ_JOBS runs that many
# targets at once (default 1).
set -eu
cd "$(dirname "$0")"
SECS=${1:-60}
TARGETS=${FUZZ_TARGETS:-"fuzz_ip_input fuzz_tcp_stateful fuzz_pbuf"}
JOBS=${FUZZ_JOBS:-1}

make -s all seeds >/dev/null
mkdir -p work/crashes

run_one() {
    t=$1
    mkdir -p "work/corpus/$t"
    case $t in
        fuzz_ip_input) max=4096 ;;
        fuzz_tcp_stateful) max=16384 ;;
        *) max=2048 ;;
    esac
    # Inputs that once crashed the target (regressions/<target>/, kept
    # in the repository) run first, every time.
    if [ -d "regressions/$t" ] &&
        ! ./build/"$t" -runs=0 -timeout=20 "regressions/$t" >"work/$t.regressions.log" 2>&1; then
        echo "$t: a regression input FAILED; see fuzz/work/$t.regressions.log"
        return 1
    fi
    rc=0
    ./build/"$t" -max_total_time="$SECS" -max_len="$max" -timeout=20 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="work/crashes/$t-" \
        "work/corpus/$t" "work/seeds/$t" >"work/$t.log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "work/$t.log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "work/$t.log" | tail -1)
    corpus=$(ls "work/corpus/$t" | wc -l)
    if [ "$rc" -ne 0 ]; then
        echo "$t: FAILED (exit $rc) after ${execs:-?} execs; see fuzz/work/$t.log and fuzz/work/crashes/"
        return 1
    fi
    # Replay every corpus input once (-runs=0: load, run, exit).
    if ! ./build/"$t" -runs=0 -timeout=20 "work/corpus/$t" "work/seeds/$t" >"work/$t.replay.log" 2>&1; then
        echo "$t: corpus replay FAILED; see fuzz/work/$t.replay.log"
        return 1
    fi
    echo "$t: ${execs:-?} execs in ${SECS}s, $cov, corpus $corpus, replay ok"
}

status=0
if [ "$JOBS" -gt 1 ]; then
    pids=""
    for t in $TARGETS; do
        (run_one "$t" >"work/$t.summary" 2>&1) &
        pids="$pids $!"
    done
    for p in $pids; do wait "$p" || status=1; done
    for t in $TARGETS; do cat "work/$t.summary"; done
else
    for t in $TARGETS; do run_one "$t" || status=1; done
fi
exit $status
