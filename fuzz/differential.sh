#!/bin/sh
# fuzz/differential.sh [seconds]: differential fuzzing against lwIP 2.1.3.
#
#  1. builds the lwIP twin of fuzz_ip_input (make lwip: lwIP compiled from
#     LWIP_SRC with ASan+UBSan, exact-size input buffers) and tern's
#     standalone replayer, and the seeds (make seeds: make_seeds' packets
#     plus every packet the conformance suite injects);
#  2. replays every seed through lwIP, one process per seed;
#  3. fuzzes lwIP for the given time (default 60 s) with libFuzzer in fork
#     mode, which keeps going after a crash (-ignore_crashes), over its own
#     corpus, the seeds and tern's fuzz_ip_input corpus;
#  4. replays every lwIP crash input against tern (fuzz_ip_input_standalone);
#  5. prints a report, one row per distinct lwIP finding (deduplicated by
#     kind and top frame inside lwIP: function and file:line), with whether
#     tern handled every one of those inputs cleanly.  The report is also
#     written to work/differential.md; one reproducer per finding (the
#     smallest input) is kept in work/lwip-findings/.
#
# Exits non-zero when tern failed on any of the inputs (they are copied
# to work/crashes/tern-from-lwip-*).
# Environment: LWIP_SRC (see Makefile), CONFORMANCE (conformance build dir).
set -eu
cd "$(dirname "$0")"
SECS=${1:-60}
T=fuzz_lwip_ip_input
W=work/differential
CR=$W/crashes
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

make -s lwip build/fuzz_ip_input_standalone >/dev/null
make -s seeds ${CONFORMANCE:+CONFORMANCE=$CONFORMANCE} | grep -v '^make_seeds' || true
rm -rf "$W" work/lwip-findings
mkdir -p "$CR" "$W/logs" work/corpus/$T work/corpus/fuzz_ip_input work/crashes work/lwip-findings

# ---- 2. the seeds, one process each ----
nseeds=0
for f in work/seeds/fuzz_ip_input/*; do
    nseeds=$((nseeds + 1))
    if ! timeout 30 ./build/${T}_standalone "$f" >/dev/null 2>&1; then
        cp "$f" "$CR/seed-$(basename "$f")"
    fi
done
seedcrashes=$(ls "$CR" | wc -l)
echo "lwIP: $seedcrashes of $nseeds seeds crash it"

# ---- 3. fuzzing, fork mode ----
# Seeds that crash lwIP stay out of the fuzzer's corpus (fork mode would
# stumble over them again and again); they are findings already.
mkdir -p "$W/seeds"
for f in work/seeds/fuzz_ip_input/*; do
    [ -e "$CR/seed-$(basename "$f")" ] || cp "$f" "$W/seeds/"
done
rc=0
./build/$T -fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1 \
    -max_total_time="$SECS" -max_len=4096 -timeout=20 -rss_limit_mb=2048 \
    -artifact_prefix="$CR/" work/corpus/$T "$W/seeds" work/corpus/fuzz_ip_input \
    >"$W/fuzz.log" 2>&1 || rc=$?
execs=$(grep -o '^#[0-9]*' "$W/fuzz.log" | tail -1 | tr -d '#')
cov=$(grep -o 'cov: [0-9]*' "$W/fuzz.log" | tail -1)
ncr=$(ls "$CR" | wc -l)
echo "lwIP: fuzzed ${SECS}s, ${execs:-?} execs, $cov, exit $rc, $((ncr - seedcrashes)) crash inputs saved"

# ---- signature of a sanitizer/assertion log: "kind<TAB>frame" ----
sig() {
    awk '
    function base(p) { sub(/.*\//, "", p); return p }
    function done(k, f) { if (!printed) printf "%s\t%s\n", k, f; printed = 1; exit }
    /lwIP assertion ".*" failed at line/ {
        m = $0; sub(/^.*lwIP assertion "/, "", m); sub(/" failed.*/, "", m)
        l = $0; sub(/.* failed at line /, "", l); split(l, a, " in ")
        done("lwIP assertion", base(a[2]) ":" a[1] " \"" m "\"")
    }
    /runtime error:/ && !ub {
        ub = 1; loc = $1; sub(/:$/, "", loc); n = split(loc, a, ":")
        ubloc = base(a[1]) ":" a[2]
        msg = $0; sub(/^.*runtime error: /, "", msg); gsub(/-?[0-9]+/, "N", msg); gsub(/0xN[0-9a-f]*/, "ADDR", msg)
        kind = "UBSan: " msg
    }
    /ERROR: AddressSanitizer:/ && !kind {
        k = $0; sub(/^.*AddressSanitizer: /, "", k); sub(/ on .*/, "", k); kind = "ASan " k
    }
    /ERROR: LeakSanitizer:/ && !kind { kind = "leak"; leak = 1 }
    /^(READ|WRITE) of size/ && kind ~ /^ASan/ { kind = kind " (" $1 " " $4 ")" }
    /^ *#[0-9]+ 0x[0-9a-f]+ in / && kind && !frame {
        fn = $4; loc = $5
        if (loc ~ /compiler-rt|sanitizer_common|libc|\/usr\/lib/ || fn ~ /^(malloc|calloc|realloc|__interceptor|abort|raise|__)/) next
        if (loc ~ /fuzz_common.h|libFuzzer|FuzzerLoop/) next
        if (leak && loc ~ /lwip_drivers.c/) next
        n = split(loc, a, ":")
        if (n >= 2) { frame = fn " " base(a[1]) ":" a[2]; next }
        frame = fn " " base(a[1]); want_caller = 1; next
    }
    # a frame without a line number (inlined): its caller names the place
    /^ *#[0-9]+ 0x[0-9a-f]+ in / && want_caller {
        want_caller = 0; n = split($5, a, ":")
        frame = frame " (from " $4 " " base(a[1]) (n >= 2 ? ":" a[2] : "") ")"
    }
    /^(fuzz_lwip_ip_input|fuzz_ip_input): / && !kind { m = $0; sub(/^[a-z_]*: /, "", m); gsub(/[0-9]+/, "N", m); done("harness", m) }
    END {
        if (printed) exit
        if (kind ~ /^UBSan/) { if (!frame) frame = ubloc; else frame = frame " (" ubloc ")" }
        if (kind) print kind "\t" (frame ? frame : "?")
        else print "unknown\t?"
    }' "$1"
}

# ---- 4. every crash input, on lwIP (signature) and on tern ----
: >"$W/rows.tsv"
tern_bad=0
for f in "$CR"/*; do
    [ -e "$f" ] || continue
    b=$(basename "$f")
    timeout 60 ./build/${T}_standalone "$f" >"$W/logs/$b.lwip" 2>&1 && continue # flaky: passes alone
    s=$(sig "$W/logs/$b.lwip")
    if timeout 60 ./build/fuzz_ip_input_standalone "$f" >"$W/logs/$b.tern" 2>&1; then
        t=clean
    else
        t="FAILED: $(sig "$W/logs/$b.tern" | tr '\t' ' ')"
        tern_bad=1
        cp "$f" "work/crashes/tern-from-lwip-$b"
    fi
    printf '%s\t%s\t%s\t%s\n' "$s" "$(wc -c <"$f" | tr -d ' ')" "$b" "$t" >>"$W/rows.tsv"
done

# ---- 5. the report ----
nin=$(wc -l <"$W/rows.tsv" | tr -d ' ')
{
    echo "## lwIP 2.1.3 differential run: $(date -u +%Y-%m-%d)"
    echo
    echo "* fuzzing: ${SECS} s, ${execs:-?} executions ($cov), libFuzzer fork mode, seeds: $nseeds"
    echo "* lwIP crash inputs: $nin ($seedcrashes from the seeds); all replayed on tern's fuzz_ip_input"
    echo
    echo "| # | kind | top lwIP frame | inputs | smallest (bytes) | tern on the same bytes |"
    echo "| --- | --- | --- | --- | --- | --- |"
    sort -t '	' -k1,2 -k3,3n "$W/rows.tsv" | awk -F'\t' -v dir=work/lwip-findings -v cr="$CR" '
        { key = $1 "\t" $2
          if (!(key in n)) { order[++k] = key; small[key] = $4; sz[key] = $3 }
          n[key]++
          if ($5 != "clean") bad[key] = bad[key] (bad[key] ? "; " : "") $4 ": " $5 }
        END {
          for (i = 1; i <= k; i++) {
              key = order[i]; split(key, a, "\t")
              slug = sprintf("%02d", i)
              system("cp \"" cr "/" small[key] "\" \"" dir "/finding-" slug "\"")
              t = (key in bad) ? bad[key] : "clean (all " n[key] ")"
              gsub(/\|/, "\\|", a[2])
              printf "| %d | %s | `%s` | %d | %d (`finding-%s`) | %s |\n", i, a[1], a[2], n[key], sz[key], slug, t
          }
        }'
} >"$W/report.md"
cp "$W/report.md" work/differential.md
cat work/differential.md
if [ "$tern_bad" = 1 ]; then
    echo "tern FAILED on some lwIP crash inputs: work/crashes/tern-from-lwip-*"
    exit 1
fi
