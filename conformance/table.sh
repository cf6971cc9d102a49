#!/bin/sh
# table.sh: runs the conformance scenarios on lwIP and on tern and prints one
# table, scenario x {lwIP, tern}, with the first difference between the two
# traces of each scenario, then one summary line:
#
#   conformance: N scenarios; tern P passed, F failed; lwIP P2 passed, F2 failed
#
# usage: conformance/table.sh [--build DIR | DIR] [--no-build] [--require-tern]
#                             [--pcap] [--keep DIR] [NAME-FILTER...]
#
#   --build DIR     the CMake build directory (the top-level one or its
#                   conformance/ subdirectory; a first argument that is such a
#                   directory counts as --build); default: the repository's
#                   build/ if configured, else a standalone build of the
#                   harness alone in ${TMPDIR:-/tmp}/tern-conformance-build
#   --no-build      use the binaries as they are (default: bring the
#                   conformance targets up to date first, incrementally)
#   --require-tern  a missing conformance-tern is an error (default: shown n/a)
#   --pcap          also capture what each stack sent and have tshark check it
#                   (malformed packets and bad checksums are reported as notes
#                   and count as failures)
#   --keep DIR      keep traces, logs and results in DIR (default: a temp dir)
#
# Exit status: 1 if a tern scenario failed, an lwIP scenario failed without an
# "lwIP deviates" mark, tshark flagged a packet, or --require-tern was given and
# there is no tern binary; 2 on usage or build errors; 0 otherwise.
set -u

here=$(cd "$(dirname "$0")" && pwd)
build=
no_build=0
require_tern=0
pcap=0
keep=
filters=

usage() {
    sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case $1 in
    --build) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    --no-build) no_build=1; shift ;;
    --require-tern) require_tern=1; shift ;;
    --pcap) pcap=1; shift ;;
    --keep) [ $# -ge 2 ] || usage; keep=$2; shift 2 ;;
    -h | --help) usage ;;
    -*) usage ;;
    *)
        if [ -z "$build$filters" ] && [ -d "$1" ]; then
            build=$1 # `table.sh BUILD_DIR`, as the Makefile calls it
        else
            filters="$filters $1"
        fi
        shift
        ;;
    esac
done

# first DIR or DIR/conformance holding an executable $1
find_in() {
    name=$1
    shift
    for d in "$@"; do
        [ -n "$d" ] || continue
        for c in "$d/$name" "$d/conformance/$name"; do
            if [ -x "$c" ] && [ -f "$c" ]; then
                echo "$c"
                return 0
            fi
        done
    done
    return 1
}

# the CMake build tree above or at DIR (the one holding CMakeCache.txt)
build_root() {
    for c in "$1" "$1/.."; do
        if [ -f "$c/CMakeCache.txt" ]; then
            (cd "$c" && pwd)
            return 0
        fi
    done
    return 1
}

# does the build tree at $1 define target $2?
has_target() {
    [ -n "$(find "$1" -maxdepth 3 -type d -name "$2.dir" -print -quit 2>/dev/null)" ]
}

repo_build=$here/../build
if [ -z "$build" ] && [ -f "$repo_build/CMakeCache.txt" ] && has_target "$repo_build" conformance-lwip; then
    build=$repo_build
fi
tern_note=
if [ -n "$build" ]; then
    root=$(build_root "$build") || root=
    if [ "$no_build" = 0 ] && [ -n "$root" ]; then
        if ! cmake --build "$root" --target conformance-lwip -j 2 >"${TMPDIR:-/tmp}/conformance-build.log" 2>&1; then
            echo "table.sh: building conformance-lwip failed, see ${TMPDIR:-/tmp}/conformance-build.log" >&2
            tail -20 "${TMPDIR:-/tmp}/conformance-build.log" >&2
            exit 2
        fi
        if has_target "$root" conformance-tern &&
            ! cmake --build "$root" --target conformance-tern -j 2 >>"${TMPDIR:-/tmp}/conformance-build.log" 2>&1; then
            # never compare against a stale tern binary
            tern_note="conformance-tern: build failed (see ${TMPDIR:-/tmp}/conformance-build.log), tern column n/a"
        fi
    fi
    lwip=$(find_in conformance-lwip "$build") || {
        echo "table.sh: no conformance-lwip under $build" >&2
        exit 2
    }
else
    # standalone build of the harness alone, incremental after the first time
    sb=${TMPDIR:-/tmp}/tern-conformance-build
    if ! { cmake -S "$here" -B "$sb" >"$sb.log" 2>&1 &&
        cmake --build "$sb" -j 2 >>"$sb.log" 2>&1; }; then
        echo "table.sh: building the harness failed, see $sb.log" >&2
        tail -20 "$sb.log" >&2
        exit 2
    fi
    lwip=$sb/conformance-lwip
fi
tern=
if [ -z "$tern_note" ]; then
    tern=$(find_in conformance-tern "$(dirname "$lwip")") || tern=
fi

if [ -n "$keep" ]; then
    work=$keep
    mkdir -p "$work"
else
    work=$(mktemp -d "${TMPDIR:-/tmp}/conformance-table.XXXXXX")
fi
rm -rf "$work/lwip" "$work/tern"

pcap_flag=
[ "$pcap" = 1 ] && pcap_flag=--pcap
# shellcheck disable=SC2086 # filters are separate words on purpose
"$lwip" --trace "$work/lwip" $pcap_flag $filters >"$work/lwip.out" 2>&1
if [ -n "$tern" ]; then
    # shellcheck disable=SC2086
    "$tern" --trace "$work/tern" $pcap_flag $filters >"$work/tern.out" 2>&1
fi

# tshark's verdict per backend: scenario <TAB> number of flagged packets <TAB> first message.
# Flagged: malformed packets and bad checksums (expert groups Malformed and
# Checksum).  Protocol-level remarks are left out because tshark also makes
# them about the packet quoted inside an ICMP error, which a scenario may
# have broken on purpose; reassembly is off because the capture
# concatenates unrelated scenarios whose IP IDs repeat.
check_pcap() {
    dir=$1
    : >"$dir/tshark.tsv"
    [ -f "$dir/all.pcap" ] || return 0
    tshark -r "$dir/all.pcap" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
        -o tcp.check_checksum:TRUE -o ip.defragment:FALSE -o ipv6.defragment:FALSE \
        -Y '_ws.malformed || _ws.expert.group == 0x01000000 || _ws.expert.group == 0x07000000' \
        -T fields -e frame.number -e _ws.expert.message 2>/dev/null |
        awk -F'\t' -v index_file="$dir/pcap-index.tsv" '
            BEGIN { while ((getline l < index_file) > 0) { split(l, f, "\t"); n++; nm[n] = f[1]; lo[n] = f[2]; hi[n] = f[3] } }
            { for (i = 1; i <= n; i++) if ($1 >= lo[i] && $1 <= hi[i]) { c[nm[i]]++; if (!(nm[i] in m)) m[nm[i]] = $2 } }
            END { for (s in c) printf "%s\t%d\t%s\n", s, c[s], m[s] }' >"$dir/tshark.tsv"
}
if [ "$pcap" = 1 ]; then
    if command -v tshark >/dev/null 2>&1; then
        check_pcap "$work/lwip"
        [ -n "$tern" ] && check_pcap "$work/tern"
    else
        echo "table.sh: tshark not found, --pcap checks skipped" >&2
    fi
fi

echo "traces and logs: $work"
if [ -n "$tern_note" ]; then
    echo "$tern_note"
elif [ -z "$tern" ]; then
    echo "conformance-tern: not built (tern column n/a)"
fi

awk -F'\t' -v work="$work" -v have_tern="$([ -n "$tern" ] && echo 1 || echo 0)" \
    -v require_tern="$require_tern" '
function clip(s, n) { return length(s) > n ? substr(s, 1, n - 3) "..." : s }

# first line where the two traces differ, shown around the first differing character
function first_diff(a_file, b_file,    la, lb, ra, rb, i, p, from) {
    for (i = 1; ; i++) {
        ra = (getline la < a_file) > 0
        rb = (getline lb < b_file) > 0
        if (!ra && !rb) { close(a_file); close(b_file); return "" }
        if (!ra || !rb || la != lb) break
    }
    close(a_file); close(b_file)
    if (!ra) return "trace line " i ": lwIP trace ends, tern has \"" clip(lb, 70) "\""
    if (!rb) return "trace line " i ": tern trace ends, lwIP has \"" clip(la, 70) "\""
    for (p = 1; p <= length(la) && substr(la, p, 1) == substr(lb, p, 1); p++) ;
    from = p > 25 ? p - 25 : 1
    return "trace line " i ": lwIP \"" (from > 1 ? "..." : "") clip(substr(la, from), 60) \
           "\" vs tern \"" (from > 1 ? "..." : "") clip(substr(lb, from), 60) "\""
}

function load(file, key,    line, f, ok) {
    ok = 0
    while ((getline line < file) > 0) {
        if (line ~ /^name\t/) { ok = 1; continue }
        split(line, f, "\t")
        if (!((f[1]) in seen)) { seen[f[1]] = 1; order[++n] = f[1] }
        res[key, f[1]] = f[2]; msg[key, f[1]] = f[5]
        if (key == "lwip") dev[f[1]] = f[4]
    }
    close(file)
    return ok
}

function load_tshark(file, key,    line, f) {
    while ((getline line < file) > 0) {
        split(line, f, "\t")
        tsh[key, f[1]] = f[2] " packet(s) flagged by tshark: " f[3]
    }
    close(file)
}

BEGIN {
    lwip_ok = load(work "/lwip/results.tsv", "lwip")
    tern_ok = have_tern ? load(work "/tern/results.tsv", "tern") : 0
    load_tshark(work "/lwip/tshark.tsv", "lwip")
    load_tshark(work "/tern/tshark.tsv", "tern")
    if (!lwip_ok) { print "conformance-lwip produced no results, see " work "/lwip.out"; bad = 1 }
    if (have_tern && !tern_ok) { print "conformance-tern produced no results, see " work "/tern.out"; bad = 1 }

    w = length("scenario")
    for (i = 1; i <= n; i++) if (length(order[i]) > w) w = length(order[i])
    printf "%-" w "s  %-5s  %-5s  %s\n", "scenario", "lwIP", "tern", "notes"

    for (i = 1; i <= n; i++) {
        s = order[i]; note = ""
        l = ((("lwip", s) in res)) ? res["lwip", s] : "n/a"
        t = ((("tern", s) in res)) ? res["tern", s] : "n/a"
        marked = (s in dev) && dev[s] != "-"
        if (l == "pass") lp++
        else if (l == "FAIL") {
            lf++
            if (marked) { l = "XFAIL"; note = note " | lwIP deviates: " dev[s] }
            else { note = note " | lwIP: " msg["lwip", s]; bad = 1 }
        }
        if (l == "pass" && marked) note = note " | lwIP deviation not seen in this build: " dev[s]
        if (t == "pass") tp++
        else if (t == "FAIL") { tf++; bad = 1; note = note " | tern: " msg["tern", s] }
        if (("lwip", s) in tsh) { note = note " | lwIP " tsh["lwip", s]; bad = 1 }
        if (("tern", s) in tsh) { note = note " | tern " tsh["tern", s]; bad = 1 }
        if (l != "n/a" && t != "n/a") {
            d = first_diff(work "/lwip/" s ".trace", work "/tern/" s ".trace")
            if (d != "") note = note " | " d
        }
        sub(/^ \| /, "", note)
        printf "%-" w "s  %-5s  %-5s  %s\n", s, l, t, note
    }
    if (require_tern && !have_tern) bad = 1
    printf "conformance: %d scenarios; tern %d passed, %d failed; lwIP %d passed, %d failed\n", \
           n, tp, tf, lp, lf
    exit bad ? 1 : 0
}'
