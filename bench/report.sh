# bench/report.sh: sourced by scripts/bench once every figure is measured.
# Reads $TPUT and $COST (tab-separated records of this run), prints the
# tables, writes $RESULTS/latest.json and $RESULTS/latest.png, and prints
# the summary line last.  Only figures measured in this run appear; a cell
# without a successful run says "failed" and why.

ALL_ROWS="kernel socat lwip lwip-tuned lwip-big tern tern-big"
TSUM=$LOGS/throughput-summary.tsv # row dir streams gbps cpu n_ok n_runs reason runs
: >"$TSUM"
for row in $ALL_ROWS; do
    [ "$DO_TPUT" = 1 ] || break
    case ",$ROWS," in *",$row,"*) ;; *) continue ;; esac
    for cell in $CELLS; do
        dir=${cell%:*} streams=${cell#*:}
        recs=$(awk -F'\t' -v r="$row" -v d="$dir" -v s="$streams" '$1 == r && $2 == d && $3 == s' "$TPUT")
        nruns=$(printf '%s\n' "$recs" | grep -c .)
        okrecs=$(printf '%s\n' "$recs" | awk -F'\t' '$7 == "ok"')
        nok=$(printf '%s\n' "$okrecs" | grep -c .)
        if [ "$nok" -gt 0 ]; then
            gbps=$(printf '%s\n' "$okrecs" | cut -f5 | median)
            cpu=$(printf '%s\n' "$okrecs" | cut -f6 | grep -v '^-$' | median)
            runs=$(printf '%s\n' "$okrecs" | cut -f5 | paste -sd, -)
            reason=$(printf '%s\n' "$recs" | awk -F'\t' '$7 != "ok" {print $7; exit}')
        else
            gbps=n/a cpu=n/a runs=
            reason=$(printf '%s\n' "$recs" | awk -F'\t' '$7 != "ok" {print $7; exit}')
            [ -n "$reason" ] || reason="failed: not run"
        fi
        [ "$row" = kernel ] && cpu=-
        # read with IFS=tab merges empty fields: none may be empty
        reason=${reason:--} runs=${runs:--}
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$row" "$dir" "$streams" "$gbps" "$cpu" "$nok" "$nruns" "$reason" "$runs" >>"$TSUM"
    done
done
# The loss section's cells, summarised the same way (KEY = the cell name).
LSUM=$LOGS/loss-summary.tsv # row dir cell gbps cpu n_ok n_runs reason runs bridge-cpu
: >"$LSUM"
if [ "$DO_LOSS" = 1 ]; then
    for cell in $LOSS_CELLS; do
        for dir in $LOSS_DIRS; do
            for row in $LOSS_ROWS; do
                recs=$(awk -F'\t' -v r="$row" -v d="$dir" -v c="$cell" '$1 == r && $2 == d && $3 == c' "$LOSS")
                nruns=$(printf '%s\n' "$recs" | grep -c .)
                okrecs=$(printf '%s\n' "$recs" | awk -F'\t' '$7 == "ok"')
                nok=$(printf '%s\n' "$okrecs" | grep -c .)
                reason=$(printf '%s\n' "$recs" | awk -F'\t' '$7 != "ok" {print $7; exit}')
                if [ "$nok" -gt 0 ]; then
                    gbps=$(printf '%s\n' "$okrecs" | cut -f5 | median)
                    cpu=$(printf '%s\n' "$okrecs" | cut -f6 | grep -v '^-$' | median)
                    runs=$(printf '%s\n' "$okrecs" | cut -f5 | paste -sd, -)
                    bcpu=$(printf '%s\n' "$okrecs" | cut -f8 | grep . | median)
                else
                    gbps=n/a cpu=n/a runs= bcpu=n/a
                    [ -n "$reason" ] || reason="failed: not run"
                fi
                case $row in kernel*) cpu=- ;; esac
                reason=${reason:--} runs=${runs:--}
                printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$row" "$dir" "$cell" "$gbps" "$cpu" "$nok" "$nruns" "$reason" "$runs" "$bcpu" >>"$LSUM"
            done
        done
    done
fi
# UDP: per row and direction, the step with < 1% loss that delivered the
# most (USUM: row dir offered gbps cpu loss packets status sender-cpu sent-gbps).
USUM=$LOGS/udp-summary.tsv
: >"$USUM"
if [ "$DO_UDP" = 1 ]; then
    for dir in $UDP_DIRS; do
        for row in $UDP_ROWS; do
            # the step under 1% loss that delivered most (a loaded sender
            # may offer less than asked)
            best=$(awk -F'\t' -v r="$row" -v d="$dir" '$1 == r && $2 == d && $7 == "ok" && $8 < 1 && $5 + 0 > m {m = $5 + 0; line = $0} END {print line}' "$UDPT")
            if [ -n "$best" ]; then
                printf '%s\n' "$best" | awk -F'\t' -v OFS='\t' '{print $1, $2, $3, $5, $6, $8, $9, "ok", ($10 == "" ? "-" : $10), ($11 == "" ? "-" : $11)}' >>"$USUM"
                continue
            fi
            why=$(awk -F'\t' -v r="$row" -v d="$dir" '$1 == r && $2 == d && $7 != "ok" {print $7; exit}' "$UDPT")
            first=$(awk -F'\t' -v r="$row" -v d="$dir" '$1 == r && $2 == d && $7 == "ok" {print $3 " Mbit/s offered: " $8 "% lost"; exit}' "$UDPT")
            [ -n "$first" ] && why="no step under 1% loss (lowest, $first)"
            printf '%s\t%s\t-\tn/a\tn/a\t-\t-\t%s\t-\t-\n' "$row" "$dir" "${why:-failed: not run}" >>"$USUM"
        done
    done
fi
uget() { # ROW DIR FIELD(3=offered 4=gbps 5=cpu 6=loss 7=packets 8=status)
    awk -F'\t' -v r="$1" -v d="$2" -v f="$3" '$1 == r && $2 == d {print $f; found = 1} END {if (!found) print "n/a"}' "$USUM"
}
lget() { # ROW DIR CELL FIELD(4=gbps 5=cpu 8=reason 9=runs)
    awk -F'\t' -v r="$1" -v d="$2" -v c="$3" -v f="$4" '$1 == r && $2 == d && $3 == c {print $f; found = 1} END {if (!found && f == 4) print "n/a"}' "$LSUM"
}
tget() { # ROW DIR STREAMS FIELD(4=gbps 5=cpu 8=reason 9=runs)
    awk -F'\t' -v r="$1" -v d="$2" -v s="$3" -v f="$4" '$1 == r && $2 == d && $3 == s {print $f; found = 1} END {if (!found && f == 4) print "n/a"}' "$TSUM"
}
cget() { # STACK KEY -> value, "failed: ..." or n/a
    awk -F'\t' -v s="$1" -v k="$2" '$1 == s && $2 == k {v = $3} END {print (v == "" ? "n/a" : v)}' "$COST"
}
# Gbit/s per relay core: throughput over the relay's CPU (100% = 1 core)
per_core() { awk -v g="$1" -v c="$2" 'BEGIN {if (g == "n/a" || c == "n/a" || c == "-" || c == "" || c + 0 <= 0) print "n/a"; else printf "%.2f\n", g / (c / 100)}'; }
num_or() { case $1 in failed* | n/a | "") echo "$2" ;; *) echo "$1" ;; esac; }
# A cell's CPU split, median over its ok runs: FIELD 5 = relay user%,
# 6 = relay system%, 7 = the machine's busy share of all its cores
sget() {
    [ -s "${CPUSPLIT:-}" ] || { echo n/a; return; }
    awk -F'\t' -v r="$1" -v d="$2" -v s="$3" -v f="$4" '$1 == r && $2 == d && $3 == s && $f != "-" {print $f}' "$CPUSPLIT" | median
}
dirname_of() { [ "$1" = c2s ] && echo "client->server" || echo "server->client"; }

# ------------------------------------------------------------------ stdout
echo
echo "tern bench  $DATE  commit $COMMIT$DIRTY"
echo "machine: $CORES cores ($CPU_MODEL), $MEM_GIB GiB, kernel $KERNEL; load average at start $LOAD_START, at end $LOAD_END"
echo "(the machine may be shared: compare rows of the same run, not runs of different days)"

if [ "$DO_TPUT" = 1 ]; then
    echo
    echo "1. Throughput: iperf3 through a TUN, TCP terminated by a relay on each stack and"
    echo "   forwarded over a kernel socket (veth) to the iperf3 server; 'kernel' = iperf3"
    echo "   straight over the veth (the ceiling).  MTU $MTU, $SECS s per run, median of $RUNS run(s)."
    echo "   'socat' = socat -b 262144 in namespace C, kernel TCP on both sides (the relay ceiling)."
    echo "   relay CPU% = the relay process's user+system time over the run (100% = one core;"
    echo "   socat: its per-connection children included).  Gbit/s/core = Gbit/s over relay CPU."
    for row in "${!RELAY_OVERRIDE[@]}"; do
        echo "   NOTE: row $row used the relay binary ${RELAY_OVERRIDE[$row]} (--relay)"
    done
    printf '   %-11s %-15s %7s %8s %11s %7s %8s %10s %11s\n' stack direction streams Gbit/s /lwip-tuned /socat /kernel "relay CPU%" "Gbit/s/core"
    for cell in $CELLS; do
        dir=${cell%:*} streams=${cell#*:}
        tuned=$(tget lwip-tuned "$dir" "$streams" 4)
        kern=$(tget kernel "$dir" "$streams" 4)
        soc=$(tget socat "$dir" "$streams" 4)
        while IFS=$'\t' read -r row d s gbps cpu nok nruns reason runs; do
            [ "$d" = "$dir" ] && [ "$s" = "$streams" ] || continue
            if [ "$gbps" = n/a ]; then
                printf '   %-11s %-15s %7s %8s   %s\n' "$row" "$(dirname_of "$dir")" "$streams" failed "${reason#failed: }"
                continue
            fi
            rt=$(ratio "$gbps" "$tuned")
            rs=$(ratio "$gbps" "$soc")
            rk=$(ratio "$gbps" "$kern")
            [ "$row" = kernel ] && rk=1.00
            pc=$(per_core "$gbps" "$cpu")
            note=""
            [ "$nok" -lt "$nruns" ] && note="  ($nok of $nruns runs ok; ${reason#failed: })"
            printf '   %-11s %-15s %7s %8.2f %11s %7s %8s %10s %11s%s\n' "$row" "$(dirname_of "$dir")" "$streams" "$gbps" "$rt" "$rs" "$rk" "$cpu" "$pc" "$note"
        done <"$TSUM"
    done
    # Which resource ran out: a relay near 100% is CPU-bound (user% is its
    # own code and copies, system% the kernel's work in its syscalls: TUN
    # and socket reads and writes, and the TCP processing they trigger); a
    # machine near 100% has no core left for anyone (iperf3 included).
    echo
    echo "   Where the CPU went (median): relay user% + system%, and how busy the whole"
    echo "   machine was (100% = all $CORES cores)."
    printf '   %-11s' stack
    for cell in $CELLS; do printf ' %-17s' "$(dirname_of "${cell%:*}") ${cell#*:}"; done
    echo
    for row in $ALL_ROWS; do
        case ",$ROWS," in *",$row,"*) ;; *) continue ;; esac
        printf '   %-11s' "$row"
        for cell in $CELLS; do
            dir=${cell%:*} streams=${cell#*:}
            u=$(sget "$row" "$dir" "$streams" 5) sy=$(sget "$row" "$dir" "$streams" 6) m=$(sget "$row" "$dir" "$streams" 7)
            if [ "$u" = n/a ]; then
                printf ' %-17s' "- (machine $m%)"
            else
                printf ' %-17s' "$u+$sy ($m%)"
            fi
        done
        echo
    done
fi

if [ "$DO_COST" = 1 ]; then
    echo
    echo "2. CPU cost per byte: one stack and a synthetic TCP peer in one process (bench/cost),"
    echo "   no kernel, no TUN; the stack serves one connection, the peer acknowledges every"
    echo "   second segment with a fixed 8 MiB window.  instr/byte: callgrind over $((CG_BYTES >> 20)) MiB,"
    echo "   counting the stack and the application's callbacks, not the peer.  ns/byte: CPU"
    echo "   time of the whole process for $((NATIVE_BYTES >> 20)) MiB, median of $NATIVE_RUNS run(s)."
    printf '   %-11s %-24s %12s %10s %16s\n' stack direction instr/byte ns/byte "stack packets"
    for s in $STACKS_COST; do
        for v in send recv; do
            label="stack sends (s->peer)"
            [ $v = recv ] && label="stack receives"
            ipb=$(cget "$s" ${v}_instr_per_byte)
            nspb=$(cget "$s" ${v}_ns_per_byte)
            case "$ipb$nspb" in *failed*)
                why=$(printf '%s\n%s\n' "$ipb" "$nspb" | grep -m1 failed)
                printf '   %-11s %-24s %12s   %s\n' "$s" "$label" failed "${why#failed: }"
                continue ;;
            esac
            segs=$(cget "$s" ${v}_segments)
            pk=$(cget "$s" ${v}_stack_packets)
            printf '   %-11s %-24s %12s %10s %16s\n' "$s" "$label" "$ipb" "$nspb" "$pk"
        done
    done
    echo "   (stack packets: packets the stack sent for $((CG_BYTES >> 20)) MiB: data segments when sending, ACKs when receiving)"
    echo
    echo "   Variants, instr/byte under callgrind as above.  send offloaded: the netif offloads what"
    echo "   the stack lets it (tern: segmentation offload with partial checksums, netif_tern_set_tso;"
    echo "   lwip-tuned: CHECKSUM_GEN_TCP 0, lwip/tuned-offload; lwIP cannot hand over segmentation)."
    echo "   recv +idle: $IDLE_BESIDE idle established connections open beside the measured one"
    echo "   (lwip-tuned: its malloc build, whose own figure without them is the base)."
    printf '   %-11s %15s %9s %12s %14s %12s\n' stack "send offloaded" packets "recv (base)" "recv +idle" "+idle/base"
    for s in $STACKS_COST; do
        so=$(cget "$s" send_offload_instr_per_byte)
        sp=$(cget "$s" send_offload_stack_packets)
        base=$(cget "$s" recv_instr_per_byte)
        [ "$s" = lwip-tuned ] && base=$(cget "$s" recv_malloc_instr_per_byte)
        ri=$(cget "$s" recv_idle_instr_per_byte)
        [ "$so$ri" = n/an/a ] && continue
        case $so in failed*) so=failed sp="" ;; esac
        case $ri in failed*) ri=failed ;; esac
        case $base in failed*) base=failed ;; esac
        printf '   %-11s %15s %9s %12s %14s %12s\n' "$s" "$so" "${sp:--}" "$base" "$ri" "$(ratio "$ri" "$base")"
    done
    for s in $STACKS_COST; do
        for k in send_offload_instr_per_byte recv_malloc_instr_per_byte recv_idle_instr_per_byte; do
            v=$(cget "$s" $k)
            case $v in failed*) echo "   $s $k: ${v#failed: }" ;; esac
        done
    done
    echo
    echo "3. Connections: $CHURN_N connections opened and closed by the peer, 16 at a time"
    echo "   (best of $CHURN_RUNS runs: run-to-run speed here is bimodal), instructions per connection under"
    echo "   callgrind ($CG_CHURN_N connections);"
    echo "   $IDLE_N idle established connections: heap (mallinfo2) per connection, CPU of"
    echo "   their timers per second, heap left after all closed and 4 min of timers."
    printf '   %-11s %10s %12s %14s %14s %13s %14s\n' stack conn/s instr/conn "churn heap" "bytes/idle" "timers us/s" "idle heap"
    printf '   %-11s %10s %12s %14s %14s %13s %14s\n' "" "" "" "left (bytes)" "conn" "($IDLE_N conns)" "left (bytes)"
    for s in $STACKS_COST; do
        cps=$(cget "$s" churn_conn_per_s)
        case $cps in failed*)
            printf '   %-11s %10s   %s\n' "$s" failed "${cps#failed: }"
            continue ;;
        esac
        ipc=$(cget "$s" churn_instr_per_conn)
        ret=$(cget "$s" churn_heap_retained_bytes)
        bpc=$(cget "$s" idle_heap_bytes_per_conn)
        tmr=$(cget "$s" idle_timer_cpu_us_per_s)
        iret=$(cget "$s" idle_heap_retained_after_close)
        [ "$s" = lwip-big ] && bpc="(=tuned)" tmr="-" iret="-"
        case $bpc in failed*) bpc=failed ;; esac
        printf '   %-11s %10s %12s %14s %14s %13s %14s\n' "$s" "$cps" "${ipc#failed: }" "$ret" "$bpc" "$tmr" "$iret"
    done
    echo "   lwip-tuned's idle figures: $(cget lwip-tuned idle_note)."
    echo "   after a 100-byte reply from each and 60 s quiet, heap per connection:$(for s in $STACKS_COST; do
        [ "$s" = lwip-big ] && continue
        b=$(cget "$s" idle_reply_heap_bytes_per_conn) l=$(cget "$s" idle_reply_heap_less_cache)
        case $l in n/a | failed*) printf ' %s %s;' "$s" "$b" ;; *) printf ' %s %s (%s without its pbuf cache, at most 4 MiB per stack);' "$s" "$b" "$l" ;; esac
    done | sed 's/;$//')"
    echo "   lwip-tuned/lwip-big churn: pcbs from static pools, so no heap use at all (0 is not a leak check)."
fi
# The cost summary: tern over lwip-tuned, instructions per byte (receive,
# send), heap bytes per idle connection, connections per CPU second.
cost_r=$(ratio "$(cget tern recv_instr_per_byte)" "$(cget lwip-tuned recv_instr_per_byte)")
cost_s=$(ratio "$(cget tern send_instr_per_byte)" "$(cget lwip-tuned send_instr_per_byte)")
cost_h=$(ratio "$(cget tern idle_heap_bytes_per_conn)" "$(cget lwip-tuned idle_heap_bytes_per_conn)")
cost_c=$(ratio "$(cget tern churn_conn_per_s)" "$(cget lwip-tuned churn_conn_per_s)")
cost_so=$(ratio "$(cget tern send_offload_instr_per_byte)" "$(cget lwip-tuned send_offload_instr_per_byte)")
cost_ri=$(ratio "$(cget tern recv_idle_instr_per_byte)" "$(cget tern recv_instr_per_byte)")
if [ "$DO_COST" = 1 ]; then
    echo "   send offloaded, tern/lwip-tuned: $cost_so; tern's receive with $IDLE_BESIDE idle connections beside / without: $cost_ri"
    echo "cost: tern/lwip-tuned receive $cost_r, send $cost_s, idle-heap $cost_h, churn $cost_c"
fi

# The summary line of the loss section (also printed by --quick).
loss_t=$(ratio "$(lget tern s2c loss1 4)" "$(lget kernel s2c loss1 4)")
loss_l=$(ratio "$(lget lwip-tuned s2c loss1 4)" "$(lget kernel s2c loss1 4)")
if [ "$DO_LOSS" = 1 ]; then
    KERNEL_CC=$(ip netns exec "$NSA" sysctl -n net.ipv4.tcp_congestion_control 2>/dev/null || sysctl -n net.ipv4.tcp_congestion_control)
    echo
    echo "4. Loss and congestion: a kernel client in namespace A reaches the relay (or, for"
    echo "   'kernel', the server: kernel TCP end to end) through the impairment bridge"
    echo "   (bench/impair: userspace, both directions impaired alike, seeded by the run number);"
    echo "   the relay's upstream leg is clean.  1 stream, MTU $MTU, $LOSS_SECS s per run, median of $LOSS_RUNS run(s)."
    echo "   kernel congestion control: $KERNEL_CC (the namespaces' default, client and server alike;"
    echo "   'kernel-cubic': the same with CUBIC on both data sockets, iperf3 -C cubic).  /kernel is"
    echo "   relative to the default's row; a relay's lossy leg has the kernel client on one end."
    echo "   bridge CPU% = the impairment bridge's CPU over the run: near 100% means the bridge,"
    echo "   not the modelled link, set the pace."
    printf '   %-49s %-15s %-12s %9s %8s %10s %11s\n' cell direction stack Mbit/s /kernel "relay CPU%" "bridge CPU%"
    for cell in $LOSS_CELLS; do
        for dir in $LOSS_DIRS; do
            kern=$(lget kernel "$dir" "$cell" 4)
            while IFS=$'\t' read -r row d c gbps cpu nok nruns reason runs bcpu; do
                [ "$d" = "$dir" ] && [ "$c" = "$cell" ] || continue
                if [ "$gbps" = n/a ]; then
                    printf '   %-49s %-15s %-12s %9s   %s\n' "$(loss_cell_label "$cell")" "$(dirname_of "$dir")" "$row" failed "${reason#failed: }"
                    continue
                fi
                note=""
                [ "$nok" -lt "$nruns" ] && note="  ($nok of $nruns runs ok; ${reason#failed: })"
                printf '   %-49s %-15s %-12s %9.1f %8s %10s %11s%s\n' "$(loss_cell_label "$cell")" "$(dirname_of "$dir")" "$row" \
                    "$(awk -v g="$gbps" 'BEGIN {print g * 1000}')" "$(ratio "$gbps" "$kern")" "$cpu" "$bcpu" "$note"
            done <"$LSUM"
        done
    done
    for cell in $LOSS_CELLS; do
        # both directions, every row and run of the cell
        cat "$LOGS"/impair.$cell.*.log 2>/dev/null | awk -v l="$(loss_cell_label "$cell")" '
            / in [0-9]/ {for (i = 1; i < NF; i++) {if ($i == "in") n += $(i + 1); if ($i == "lost") lo += $(i + 1); if ($i == "tail_drops") td += $(i + 1)}}
            /tun_queue_drops/ {q += $3}
            END {printf "   bridge, %s: %d packets in, %d lost, %d tail-dropped; %d dropped at its TUN queues (it fell behind)\n", l, n, lo, td, q}'
    done
    echo "   (bridge counters per run: $LOGS/impair.CELL.RUN.log)"
    echo "loss: tern/kernel $loss_t, lwip-tuned/kernel $loss_l (1% loss, ${LOSS_RTT_MS} ms RTT, server to client)"
fi

udp_t=$(ratio "$(uget tern c2s 4)" "$(uget lwip-tuned c2s 4)")
if [ "$DO_UDP" = 1 ]; then
    echo
    echo "5. UDP: bench/udpload (sendmmsg + UDP_SEGMENT, recvmmsg + UDP_GRO; every datagram checked),"
    echo "   ${UDP_LEN}-byte datagrams, through each relay ('kernel': straight over the veth); offered rate"
    echo "   doubled from $(echo $UDP_STEPS | cut -d' ' -f1) Mbit/s until 1% or more is lost, then $UDP_BISECT bisection steps; of the"
    echo "   steps under 1% loss, the one that delivered most is shown (Mbit/s and datagrams per second"
    echo "   received; sent: what the sender really offered, and its CPU: near 100% the sender, not the"
    echo "   relay, set the pace; relay CPU over the sending).  $UDP_SECS s per step."
    echo "   relay us/dgr: the relay's CPU time per datagram carried (its cost, whatever the pace)."
    printf '   %-11s %-15s %8s %8s %9s %10s %7s %10s %12s %8s\n' stack direction offered sent Mbit/s "datagr./s" "loss%" "relay CPU%" "relay us/dgr" "snd CPU%"
    for dir in $UDP_DIRS; do
        while IFS=$'\t' read -r row d off gbps cpu loss pkts st scpu sent; do
            [ "$d" = "$dir" ] || continue
            if [ "$gbps" = n/a ]; then
                printf '   %-11s %-15s %9s   %s\n' "$row" "$(dirname_of "$dir")" - "${st#failed: }"
                continue
            fi
            [ "$row" = kernel ] && cpu=-
            printf '   %-11s %-15s %8s %8s %9.1f %10.0f %7s %10s %12s %8s\n' "$row" "$(dirname_of "$dir")" "$off" \
                "$(awk -v g="$sent" 'BEGIN {if (g == "-") print "-"; else printf "%.0f", g * 1000}')" \
                "$(awk -v g="$gbps" 'BEGIN {print g * 1000}')" "$(awk -v p="$pkts" -v t="$UDP_SECS" 'BEGIN {print p / t}')" "$loss" "$cpu" \
                "$(awk -v c="$cpu" -v p="$pkts" -v t="$UDP_SECS" 'BEGIN {if (c == "-" || p + 0 == 0) print "-"; else printf "%.2f", c * 1e4 / (p / t)}')" "$scpu"
        done <"$USUM"
    done
    echo "   (every step: $LOGS/udp.tsv)"
    echo "udp: tern/lwip-tuned $udp_t (${UDP_LEN}-byte datagrams, client to server)"
fi

# Multi-queue: tunrelay-tern with 1 and 2 TUN queues, 4 streams, the
# median of the runs per cell, and the ratio 2 queues / 1 queue.
mqget() { # ROW DIR FIELD(5=gbps 6=cpu): the median over the ok runs
    awk -F'\t' -v r="$1" -v d="$2" -v f="$3" '$1 == r && $2 == d && $7 == "ok" {print $f}' "$MQ" 2>/dev/null | median
}
mq_c2s=n/a mq_s2c=n/a
if [ "${DO_MQ:-0}" = 1 ] && [ -f "$MQ" ]; then
    mq_c2s=$(ratio "$(mqget tern-q2 c2s 5)" "$(mqget tern-q1 c2s 5)")
    mq_s2c=$(ratio "$(mqget tern-q2 s2c 5)" "$(mqget tern-q1 s2c 5)")
    echo
    echo "6. multi-queue: tunrelay-tern --queues 1 and 2 (one thread and stack per TUN queue), 4 streams, median of $RUNS"
    printf '   %-9s %-15s %8s %9s\n' relay direction Gbit/s "relay CPU%"
    for dir in c2s s2c; do
        for row in tern-q1 tern-q2; do
            printf '   %-9s %-15s %8s %9s\n' "$row" "$(dirname_of "$dir")" "$(mqget "$row" "$dir" 5)" "$(mqget "$row" "$dir" 6)"
        done
    done
    echo "   (a 2-core machine: the kernel's TUN and veth work and iperf3 share the cores the relay's threads run on)"
    echo "mq: tern 2 queues/1 queue $mq_c2s client to server, $mq_s2c server to client (4 streams)"
fi

echo
echo "raw outputs: $LOGS"

# ------------------------------------------------------------------ JSON
jnum() { case $1 in '' | n/a | - | failed*) echo null ;; *) echo "$1" ;; esac; }
{
    echo "{"
    printf '  "date": "%s",\n  "commit": "%s%s",\n' "$DATE" "$COMMIT" "$DIRTY"
    printf '  "machine": {"cores": %s, "cpu": %s, "memory_gib": %s, "kernel": "%s", "loadavg_start": "%s", "loadavg_end": "%s"},\n' \
        "$CORES" "$(printf '%s' "$CPU_MODEL" | jq -Rs .)" "$MEM_GIB" "$KERNEL" "$LOAD_START" "$LOAD_END"
    printf '  "relay_overrides": {%s},\n' "$(for row in "${!RELAY_OVERRIDE[@]}"; do printf '"%s": "%s", ' "$row" "${RELAY_OVERRIDE[$row]}"; done | sed 's/, $//')"
    printf '  "config": {"quick": %s, "partial": %s, "mtu_bytes": %s, "iperf3_seconds": %s, "runs_per_cell": %s, "cost_native_bytes": %s, "cost_native_runs": %s, "cost_callgrind_bytes": %s, "churn_connections": %s, "churn_callgrind_connections": %s, "churn_runs_best_of": %s, "idle_connections": %s, "idle_beside_connections": %s, "loss_iperf3_seconds": %s, "loss_runs_per_cell": %s, "loss_rtt_ms": %s},\n' \
        "$([ $QUICK = 1 ] && echo true || echo false)" "$([ $PARTIAL = 1 ] && echo true || echo false)" "$MTU" "$SECS" "$RUNS" "$NATIVE_BYTES" "$NATIVE_RUNS" "$CG_BYTES" "$CHURN_N" "$CG_CHURN_N" "$CHURN_RUNS" "$IDLE_N" "$IDLE_BESIDE" "$LOSS_SECS" "$LOSS_RUNS" "$LOSS_RTT_MS"
    echo '  "units": {"gbit_per_s": "10^9 bit/s (iperf3 receiver)", "relay_cpu_percent": "percent of one core", "relay_user_percent": "percent of one core (its own code)", "relay_system_percent": "percent of one core (kernel work in its syscalls)", "machine_busy_percent": "percent of all cores busy over the run", "instr_per_byte": "instructions (callgrind Ir) per payload byte", "ns_per_byte": "process CPU nanoseconds per payload byte", "conn_per_s": "connections opened and closed per CPU second", "bytes": "bytes", "timer_cpu_us_per_s": "CPU microseconds per second of virtual time", "segments": "count", "packets": "count", "heap_bytes_per_conn": "bytes (mallinfo2 uordblks+hblkhd delta / connections)"},'
    echo '  "throughput": ['
    first=1
    while IFS=$'\t' read -r row dir streams gbps cpu nok nruns reason runs; do
        [ $first = 1 ] || echo ","
        first=0
        tuned=$(tget lwip-tuned "$dir" "$streams" 4)
        kern=$(tget kernel "$dir" "$streams" 4)
        soc=$(tget socat "$dir" "$streams" 4)
        printf '    {"stack": "%s", "direction": "%s", "streams": %s, "gbit_per_s": %s, "runs_gbit_per_s": [%s], "runs_ok": %s, "runs": %s, "vs_lwip_tuned": %s, "vs_socat": %s, "vs_kernel": %s, "relay_cpu_percent": %s, "relay_user_percent": %s, "relay_system_percent": %s, "machine_busy_percent": %s, "gbit_per_s_per_relay_core": %s, "error": %s}' \
            "$row" "$([ "$dir" = c2s ] && echo client_to_server || echo server_to_client)" "$streams" "$(jnum "$gbps")" "${runs#-}" "$nok" "$nruns" \
            "$(jnum "$(ratio "$gbps" "$tuned")")" "$(jnum "$(ratio "$gbps" "$soc")")" "$(jnum "$(ratio "$gbps" "$kern")")" "$(jnum "$cpu")" \
            "$(jnum "$(sget "$row" "$dir" "$streams" 5)")" "$(jnum "$(sget "$row" "$dir" "$streams" 6)")" "$(jnum "$(sget "$row" "$dir" "$streams" 7)")" "$(jnum "$(per_core "$gbps" "$cpu")")" \
            "$([ "$reason" != - ] && printf '%s' "$reason" | jq -Rs . || echo null)"
    done <"$TSUM"
    echo
    echo '  ],'
    echo '  "cost": ['
    first=1
    for s in $STACKS_COST; do
        [ $first = 1 ] || echo ","
        first=0
        printf '    {"stack": "%s"' "$s"
        for k in send_instr_per_byte send_ns_per_byte send_segments send_stack_packets recv_instr_per_byte recv_ns_per_byte recv_segments recv_stack_packets \
            send_offload_instr_per_byte send_offload_stack_packets recv_malloc_instr_per_byte recv_idle_instr_per_byte recv_idle_stack_packets \
            churn_conn_per_s churn_instr_per_conn churn_heap_retained_bytes churn_stack_packets \
            idle_heap_bytes_per_conn idle_timer_cpu_us_per_s idle_heap_retained_after_close \
            idle_reply_heap_bytes_per_conn idle_reply_heap_less_cache; do
            v=$(cget "$s" $k)
            case $v in
            failed*) printf ', "%s": null, "%s_error": %s' "$k" "$k" "$(printf '%s' "$v" | jq -Rs .)" ;;
            *) printf ', "%s": %s' "$k" "$(jnum "$v")" ;;
            esac
        done
        note=$(cget "$s" idle_note)
        [ "$note" != n/a ] && printf ', "idle_note": %s' "$(printf '%s' "$note" | jq -Rs .)"
        printf '}'
    done
    echo
    echo '  ],'
    echo '  "udp": ['
    first=1
    while IFS=$'\t' read -r row dir off gbps cpu loss pkts st scpu sent; do
        [ $first = 1 ] || echo ","
        first=0
        printf '    {"stack": "%s", "direction": "%s", "datagram_bytes": %s, "offered_mbit_per_s": %s, "sent_gbit_per_s": %s, "gbit_per_s": %s, "datagrams_per_s": %s, "loss_percent": %s, "relay_cpu_percent": %s, "sender_cpu_percent": %s, "error": %s}' \
            "$row" "$([ "$dir" = c2s ] && echo client_to_server || echo server_to_client)" "$UDP_LEN" "$(jnum "$off")" "$(jnum "${sent:--}")" "$(jnum "$gbps")" \
            "$(jnum "$([ "$pkts" != - ] && awk -v p="$pkts" -v t="$UDP_SECS" 'BEGIN {printf "%.0f", p / t}')")" "$(jnum "$loss")" "$(jnum "$([ "$row" = kernel ] && echo - || echo "$cpu")")" "$(jnum "${scpu:--}")" \
            "$([ "$st" != ok ] && printf '%s' "$st" | jq -Rs . || echo null)"
    done <"$USUM"
    echo
    echo '  ],'
    echo '  "loss": ['
    first=1
    while IFS=$'\t' read -r row dir cell gbps cpu nok nruns reason runs bcpu; do
        [ $first = 1 ] || echo ","
        first=0
        printf '    {"stack": "%s", "direction": "%s", "cell": "%s", "impairment": %s, "bridge_options": %s, "gbit_per_s": %s, "runs_gbit_per_s": [%s], "runs_ok": %s, "runs": %s, "vs_kernel": %s, "relay_cpu_percent": %s, "bridge_cpu_percent": %s, "error": %s}' \
            "$row" "$([ "$dir" = c2s ] && echo client_to_server || echo server_to_client)" "$cell" \
            "$(loss_cell_label "$cell" | jq -Rs 'rtrimstr("\n")')" "$(loss_cell_args "$cell" | jq -Rs 'rtrimstr("\n")')" \
            "$(jnum "$gbps")" "${runs#-}" "$nok" "$nruns" "$(jnum "$(ratio "$gbps" "$(lget kernel "$dir" "$cell" 4)")")" "$(jnum "$cpu")" "$(jnum "$bcpu")" \
            "$([ "$reason" != - ] && printf '%s' "$reason" | jq -Rs . || echo null)"
    done <"$LSUM"
    echo
    echo '  ],'
    sl_t=$(ratio "$(tget tern c2s 1 4)" "$(tget lwip-tuned c2s 1 4)")
    sl_s=$(ratio "$(tget tern c2s 1 4)" "$(tget socat c2s 1 4)")
    sl_k=$(ratio "$(tget tern c2s 1 4)" "$(tget kernel c2s 1 4)")
    printf '  "summary": {"tern_vs_lwip_tuned": %s, "tern_vs_socat": %s, "tern_vs_kernel": %s, "cell": "1 stream, client to server, MTU %s",\n' \
        "$(jnum "$sl_t")" "$(jnum "$sl_s")" "$(jnum "$sl_k")" "$MTU"
    printf '    "loss": {"tern_vs_kernel": %s, "lwip_tuned_vs_kernel": %s, "cell": "1%% loss, %s ms RTT, server to client"},\n' \
        "$(jnum "$loss_t")" "$(jnum "$loss_l")" "$LOSS_RTT_MS"
    printf '    "udp": {"tern_vs_lwip_tuned": %s, "cell": "%s-byte datagrams, client to server, the step under 1%% loss that delivered most"},\n' "$(jnum "$udp_t")" "$UDP_LEN"
    printf '    "mq": {"two_vs_one_queue_c2s": %s, "two_vs_one_queue_s2c": %s, "cell": "tunrelay-tern, 4 streams"},\n' "$(jnum "$mq_c2s")" "$(jnum "$mq_s2c")"
    printf '    "cost": {"tern_vs_lwip_tuned": {"receive_instr_per_byte": %s, "send_instr_per_byte": %s, "idle_heap_bytes_per_conn": %s, "churn_conn_per_s": %s, "send_offload_instr_per_byte": %s}, "tern_receive_idle_beside_vs_none": %s, "idle_beside": %s}}\n' \
        "$(jnum "$cost_r")" "$(jnum "$cost_s")" "$(jnum "$cost_h")" "$(jnum "$cost_c")" "$(jnum "$cost_so")" "$(jnum "$cost_ri")" "$IDLE_BESIDE"
    echo "}"
} >"$LOGS/latest.json"
if jq . "$LOGS/latest.json" >"$RESULTS/latest.json" 2>"$LOGS/json.err"; then
    :
else
    echo "bench: the JSON did not parse ($(cat "$LOGS/json.err")); raw copy in $LOGS/latest.json" >&2
fi

# ------------------------------------------------------------------ plot
if [ "$DO_TPUT" = 1 ] && command -v gnuplot >/dev/null; then
    dat=$LOGS/plot.dat dat2=$LOGS/plot-per-core.dat
    # plot_table FIELD: Gbit/s (FIELD=gbps) or Gbit/s per relay core
    # (FIELD=core; rows without a relay, the kernel's, are left out)
    plot_table() {
        printf 'cell'
        for row in $ALL_ROWS; do
            case ",$ROWS," in *",$row,"*) ;; *) continue ;; esac
            [ "$1" = core ] && [ "$row" = kernel ] && continue
            printf '\t%s' "$row"
        done
        echo
        for cell in $CELLS; do
            dir=${cell%:*} streams=${cell#*:}
            printf '"%s, %s"' "$([ "$dir" = c2s ] && echo "client->server" || echo "server->client")" \
                "$([ "$streams" = 1 ] && echo "1 stream" || echo "$streams streams")"
            for row in $ALL_ROWS; do
                case ",$ROWS," in *",$row,"*) ;; *) continue ;; esac
                [ "$1" = core ] && [ "$row" = kernel ] && continue
                v=$(tget "$row" "$dir" "$streams" 4)
                [ "$1" = core ] && v=$(per_core "$v" "$(tget "$row" "$dir" "$streams" 5)")
                [ "$v" = n/a ] && v=0
                printf '\t%s' "$v"
            done
            echo
        done
    }
    plot_table gbps >"$dat"
    plot_table core >"$dat2"
    ncols=$(head -1 "$dat" | awk -F'\t' '{print NF}')
    ncols2=$(head -1 "$dat2" | awk -F'\t' '{print NF}')
    gnuplot -e "datafile='$dat'; datafile2='$dat2'; outfile='$RESULTS/latest.png'; ncols=$ncols; ncols2=$ncols2; subtitle='MTU $MTU, median of $RUNS x $SECS s, $CORES cores, kernel $KERNEL, $DATE'" \
        "$BENCH_SRC/plot.gp" 2>"$LOGS/gnuplot.err" ||
        echo "bench: gnuplot failed: $(tail -1 "$LOGS/gnuplot.err")" >&2
fi

# ------------------------------------------------------------------ last line
echo "bench: tern/lwip-tuned ${sl_t}, tern/socat ${sl_s}, tern/kernel ${sl_k} (1 stream, client to server, MTU $MTU)"
