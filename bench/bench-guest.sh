#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`, run inside the VM (bench/run.sh); also run with tiny
# sizes by selftests/bench_smoke.sh.  Measures, in this one boot:
#
#   throughput and latency of plain veth, WireGuard (wireguard.ko), IPsec
#   ESP (rfc4106(gcm(aes)), transport mode over the veth) and xtun, between
#   two namespaces joined by a veth pair:
#
#     namespace a                                namespace b
#     wg0/xtun0 10.241.0.1  <== tunnel ==>       wg0/xtun0 10.241.0.2
#     veth0 192.168.241.1   <-------------->     veth0 192.168.241.2
#
#     TCP with 1 and 4 flows (iperf3, Mbit/s the receiver got), UDP
#     datagrams of 64 bytes at full speed (iperf3 -u -l 64 -b 0, datagrams
#     per second the receiver got), RTT of ping idle and while one bulk TCP
#     flow runs; each BENCH_RUNS times
#
#     and what the three iperf3 figures cost: each CPU's busy and softirq
#     share of the run (/proc/stat), the CPU time of the whole guest
#     (iperf3 both ends included) per megabyte the receiver got and per
#     datagram the receiving device counted, and for xtun the share of
#     received packets decrypted inline, when the module counts it
#
#   SCALE: WireGuard and xtun, one after the other, with N peers of K
#   prefixes from one config file: setconf, show dump, one TCP flow to the
#   last peer, a private-key change and ip link del, and how long an "ip
#   link add dummy" in another namespace waits while the key change and
#   while the deletion run (how long each holds RTNL), against the same
#   add with nothing running; then one peer with 100,000 and with
#   1,000,000 prefixes: setconf and show dump, in prefixes per second
#
#   bench-guest.sh [KEY=VALUE,...]
#
# Settings, from the argument (run.sh passes one comma-separated word on
# the kernel command line) or the environment:
#
#   runs=N     BENCH_RUNS     runs of each figure (3)
#   time=S     BENCH_TIME     seconds of each iperf3 run (10)
#   pings=N    BENCH_PINGS    pings of an idle-RTT run, 0.2 s apart (10)
#   kinds=A+B  BENCH_KINDS    which of veth, wg, ipsec, xtun (all)
#   scale=NxK+NxK  SCALE      sizes of the SCALE part (10000x11+100000x2),
#                             "none" skips it; SCALE_PEERS=N alone means
#                             Nx11+Nx2
#   timeout=S  STEP_TIMEOUT   deadline of one SCALE step (300): a step that
#                             takes longer is reported as "timeout"
#   fanout=N   RX_FANOUT_PPS  xtun's rx_fanout_pps (module default): 0
#                             decrypts inline always, 1 fans out always
#   prefixes=N+N  PREFIXES    sizes of the one-peer dumps of the SCALE part
#                             (100000+1000000), "none" skips them
#   slow=S     BENCH_SLOW     how the host slowed this guest (run.sh's SLOW,
#                             see slow.sh): only recorded
#   out=DIR    BENCH_OUT      where raw.tsv, bench.json and the iperf3
#                             outputs go (/tmp/xtun-bench)
#
# Prints progress ("# bench: ..."), the table, and the JSON between the
# lines XTUN-BENCH-JSON-BEGIN and XTUN-BENCH-JSON-END, which run.sh cuts
# out of the guest's output.  Exit status: 0 when every figure was measured
# (a SCALE step that timed out still counts as measured), 1 otherwise.
# Speeds are never judged.

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
SELFTESTS="$BENCH_DIR/../selftests"
# shellcheck source=../selftests/lib.sh
source "$SELFTESTS/lib.sh"
REPORT="$BENCH_DIR/bench_report.py"

for kv in $(tr ',' ' ' <<<"${1:-}"); do
	case "$kv" in
	runs=*)		BENCH_RUNS=${kv#*=} ;;
	time=*)		BENCH_TIME=${kv#*=} ;;
	pings=*)	BENCH_PINGS=${kv#*=} ;;
	kinds=*)	BENCH_KINDS=${kv#*=} ;;
	scale=*)	SCALE=${kv#*=} ;;
	timeout=*)	STEP_TIMEOUT=${kv#*=} ;;
	fanout=*)	RX_FANOUT_PPS=${kv#*=} ;;
	prefixes=*)	PREFIXES=${kv#*=} ;;
	slow=*)		BENCH_SLOW=${kv#*=} ;;
	out=*)		BENCH_OUT=${kv#*=} ;;
	""|-)		;;
	*)		echo "bench: unknown setting '$kv'" >&2; exit 2 ;;
	esac
done
BENCH_RUNS=${BENCH_RUNS:-3}
BENCH_TIME=${BENCH_TIME:-10}
BENCH_PINGS=${BENCH_PINGS:-10}
BENCH_KINDS=$(tr '+,' '  ' <<<"${BENCH_KINDS:-veth wg ipsec xtun}")
if [ -n "${SCALE_PEERS:-}" ] && [ -z "${SCALE:-}" ]; then
	SCALE="${SCALE_PEERS}x11 ${SCALE_PEERS}x2"
fi
SCALE=$(tr '+,' '  ' <<<"${SCALE:-10000x11 100000x2}")
[ "$SCALE" = none ] && SCALE=
PREFIXES=$(tr '+,' '  ' <<<"${PREFIXES:-100000 1000000}")
[ "$PREFIXES" = none ] && PREFIXES=
STEP_TIMEOUT=${STEP_TIMEOUT:-300}
BENCH_OUT=${BENCH_OUT:-/tmp/xtun-bench}
RAW="$BENCH_OUT/raw.tsv"
PORT=5201
CLK_TCK=$(getconf CLK_TCK)
failures=0

mkdir -p "$BENCH_OUT/runs" || exit 1
: > "$RAW"

# progress TEXT: a progress line, with the seconds since the start.
progress() {
	printf '# bench: [%4ds] %s\n' "$SECONDS" "$*"
}

# record FIELDS...: one tab-separated line of raw.tsv.
record() {
	local IFS=$'\t'

	echo "$*" >> "$RAW"
}

# now_us: microseconds since the epoch, without a fork.
now_us() {
	local t=${EPOCHREALTIME/./}

	echo $((10#$t))
}

# since START_US: seconds since START_US, to the millisecond.
since() {
	local d=$(($(now_us) - $1))

	printf '%d.%03d' $((d / 1000000)) $((d % 1000000 / 1000))
}

# timed TIMEOUT CMD...: run CMD with a deadline; leaves in ELAPSED its time
# in seconds, "timeout" or "error".
timed() {
	local tmo=$1 start rc

	shift
	start=$(now_us)
	timeout -k 5 "$tmo" "$@"
	rc=$?
	ELAPSED=$(since "$start")
	case "$rc" in
	0)		;;
	124|137)	ELAPSED=timeout ;;
	*)		ELAPSED=error ;;
	esac
}

# --- throughput -------------------------------------------------------------

# iperf_sum FILE KEY...: the values of KEY in the "sum_received" object of
# iperf3's JSON output FILE (the receiver's view of the whole test).
iperf_sum() {
	local file=$1

	shift
	awk -v keys="$*" '
		/"sum_received"[ \t]*:/ { inside = 1; next }
		inside && /}/ { exit }
		inside {
			line = $0; gsub(/[" \t,]/, "", line)
			split(line, kv, ":"); v[kv[1]] = kv[2]
		}
		END {
			n = split(keys, k, " ")
			for (i = 1; i <= n; i++) printf "%s ", (k[i] in v) ? v[k[i]] : "?"
			print ""
		}' "$file"
}

# iperf_client OUT SECONDS ARGS...: an iperf3 client in a to $DST, JSON in OUT.
iperf_client() {
	local out=$1 secs=$2

	shift 2
	timeout -k 5 $((secs + 30)) ip netns exec "$NS_A" \
		iperf3 -c "$DST" -p $PORT -t "$secs" -J --connect-timeout 5000 "$@" \
		>"$out" 2>&1
}

# tcp_mbps OUT: Mbit/s the receiver got, or "error".
tcp_mbps() {
	local bps

	read -r bps < <(iperf_sum "$1" bits_per_second)
	case "$bps" in
	[0-9]*)	awk -v b="$bps" 'BEGIN { printf "%.1f\n", b / 1e6 }' ;;
	*)	echo error ;;
	esac
}

# udp_pps OUT: datagrams per second the receiver got, or "error".
udp_pps() {
	local secs packets lost

	read -r secs packets lost < <(iperf_sum "$1" seconds packets lost_packets)
	case "$secs$packets$lost" in
	*\?*|"")	echo error ;;
	*)	awk -v s="$secs" -v p="$packets" -v l="$lost" \
			'BEGIN { if (s > 0) printf "%.0f\n", (p - l) / s; else print "error" }' ;;
	esac
}

# ping_avg OUT: the average RTT in ms of a ping summary, or "error".
ping_avg() {
	awk -F/ '/^(rtt|round-trip)/ { split($0, a, " = "); split(a[2], r, "/");
		print r[2]; found = 1 } END { if (!found) print "error" }' "$1"
}

# pinger OUT COUNT: COUNT pings from a to $DST, 0.2 s apart (-U: see pings
# in lib.sh).
pinger() {
	timeout -k 5 $(($2 / 5 + 20)) ip netns exec "$NS_A" \
		ping -U -n -q -c "$2" -i 0.2 -W 5 "$DST" >"$1" 2>&1
}

# cpu_snap: one line per CPU, "cpuN BUSY SOFTIRQ TOTAL" in clock ticks since
# boot (/proc/stat: user nice system idle iowait irq softirq steal).
cpu_snap() {
	awk '/^cpu[0-9]/ { printf "%s %d %d %d\n", $1, $2 + $3 + $4 + $7 + $8 + $9, $8,
		$2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat
}

# rx_packets NS DEV: packets DEV in NS has received.
rx_packets() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets" 2>/dev/null || echo 0
}

# The module's counts of received packets decrypted inline and handed to
# another CPU, if it has them: files rx_inline and rx_fanout anywhere under
# /sys/module/xtun or debugfs's xtun directory.  "n/a" until it does.
inline_snap() {
	local f inline='' fanout=''

	while read -r f; do
		case "$f" in
		*/rx_inline)	inline=$(cat "$f") ;;
		*/rx_fanout)	fanout=$(cat "$f") ;;
		esac
	done < <(find /sys/module/xtun /sys/kernel/debug/xtun \
			\( -name rx_inline -o -name rx_fanout \) 2>/dev/null)
	if [ -n "$inline" ] && [ -n "$fanout" ]; then
		echo "$inline $fanout"
	else
		echo "n/a"
	fi
}

# cost_start: take the counters before a figure's run.
cost_start() {
	COST_CPU=$(cpu_snap)
	COST_RX=$(rx_packets "$NS_B" "$RX_DEV")
	COST_INLINE=$(inline_snap)
}

# cost_end KIND FIGURE RUN BYTES: record what the run since cost_start
# cost: FIGURE_cpuN_pct and FIGURE_cpuN_sirq_pct for each CPU, the CPU
# time of all CPUs per megabyte of BYTES (FIGURE_us_per_mb) and per
# datagram received on RX_DEV (FIGURE_us_per_pkt), and for xtun
# FIGURE_inline_pct.
cost_end() {
	local kind=$1 fig=$2 run=$3 bytes=${4// /} rx inline name value line=

	rx=$(($(rx_packets "$NS_B" "$RX_DEV") - COST_RX))
	while read -r name value; do
		record tput "$kind" "${fig}_$name" "$run" "$value"
		line+=" $name=$value"
	done < <(awk -v hz="$CLK_TCK" -v bytes="$bytes" -v pkts="$rx" '
		NR == FNR { busy[$1] = $2; sirq[$1] = $3; total[$1] = $4; next }
		{
			b = $2 - busy[$1]; t = $4 - total[$1]; used += b
			printf "%s_pct %.1f\n", $1, (t > 0 ? 100 * b / t : 0)
			printf "%s_sirq_pct %.1f\n", $1, (t > 0 ? 100 * ($3 - sirq[$1]) / t : 0)
		}
		END {
			us = used * 1e6 / hz
			if (bytes ~ /^[0-9.e+]+$/ && bytes > 0)
				printf "us_per_mb %.1f\n", us / (bytes / 1e6)
			else
				print "us_per_mb error"
			if (pkts > 0)
				printf "us_per_pkt %.2f\n", us / pkts
			else
				print "us_per_pkt error"
		}' <(echo "$COST_CPU") <(cpu_snap))
	if [ "$kind" = xtun ]; then
		inline=$(inline_snap)
		if [ "$inline" = n/a ] || [ "$COST_INLINE" = n/a ]; then
			value=n/a
		else
			value=$(awk -v a="$COST_INLINE" -v b="$inline" 'BEGIN {
				split(a, x, " "); split(b, y, " ")
				i = y[1] - x[1]; f = y[2] - x[2]
				if (i + f > 0) printf "%.1f\n", 100 * i / (i + f); else print "n/a" }')
		fi
		record tput "$kind" "${fig}_inline_pct" "$run" "$value"
		line+=" inline_pct=$value"
	fi
	progress "$kind $fig run $run cost:$line"
}

# measure KIND METRIC RUN VALUE OUTPUT: record one run's figure and show
# it; for a run that failed, the start of what the tool printed.
measure() {
	record tput "$1" "$2" "$3" "$4"
	progress "$1 $2 run $3/$BENCH_RUNS: $4"
	if [ "$4" = error ]; then
		failures=$((failures + 1))
		head -n 8 "$5" | sed 's/^/# bench:     /'
	fi
	return 0
}

run_figures() {
	local kind=$1 run out pid pings_load ramp=1 load=2

	[ "$BENCH_TIME" -lt 3 ] && ramp=0.5 load=1
	pings_load=$((BENCH_TIME * 5))
	for run in $(seq "$BENCH_RUNS"); do
		out="$BENCH_OUT/runs/$kind-$run"
		cost_start
		iperf_client "$out-tcp1.json" "$BENCH_TIME"
		cost_end "$kind" tcp1 "$run" "$(iperf_sum "$out-tcp1.json" bytes)"
		measure "$kind" tcp1_mbps "$run" "$(tcp_mbps "$out-tcp1.json")" \
			"$out-tcp1.json"
		cost_start
		iperf_client "$out-tcp4.json" "$BENCH_TIME" -P 4
		cost_end "$kind" tcp4 "$run" "$(iperf_sum "$out-tcp4.json" bytes)"
		measure "$kind" tcp4_mbps "$run" "$(tcp_mbps "$out-tcp4.json")" \
			"$out-tcp4.json"
		cost_start
		iperf_client "$out-udp64.json" "$BENCH_TIME" -u -l 64 -b 0
		cost_end "$kind" udp64 "$run" "$(iperf_sum "$out-udp64.json" bytes)"
		measure "$kind" udp64_pps "$run" "$(udp_pps "$out-udp64.json")" \
			"$out-udp64.json"
		pinger "$out-ping-idle.txt" "$BENCH_PINGS"
		measure "$kind" rtt_idle_ms "$run" "$(ping_avg "$out-ping-idle.txt")" \
			"$out-ping-idle.txt"
		# One bulk flow for the pings' whole time, started a moment
		# before them so that its window has opened.
		iperf_client "$out-load.json" $((BENCH_TIME + load)) &
		pid=$!
		sleep "$ramp"
		pinger "$out-ping-load.txt" "$pings_load"
		wait "$pid"
		measure "$kind" rtt_load_ms "$run" "$(ping_avg "$out-ping-load.txt")" \
			"$out-ping-load.txt"
	done
}

# 36 bytes: a 256-bit AES key and rfc4106's 4-byte salt.
esp_key() {
	echo "0x$(head -c 36 /dev/urandom | od -An -tx1 | tr -d ' \n')"
}

# esp_policies NS OWN PEER OUT_REQID IN_REQID
esp_policies() {
	ip -n "$1" xfrm policy add src "$2/32" dst "$3/32" dir out \
		tmpl src "$2" dst "$3" proto esp reqid "$4" mode transport &&
		ip -n "$1" xfrm policy add src "$3/32" dst "$2/32" dir in \
			tmpl src "$3" dst "$2" proto esp reqid "$5" mode transport
}

# setup_ipsec: ESP in transport mode between the veth addresses, one SA
# each way, with policies that require it both ways.
setup_ipsec() {
	local ns k_ab k_ba

	k_ab=$(esp_key) k_ba=$(esp_key)
	for ns in "$NS_A" "$NS_B"; do
		ip -n "$ns" xfrm state add src "$OUT4_A" dst "$OUT4_B" proto esp spi 0x1000 \
			reqid 1 mode transport aead 'rfc4106(gcm(aes))' "$k_ab" 128 &&
			ip -n "$ns" xfrm state add src "$OUT4_B" dst "$OUT4_A" proto esp spi 0x2000 \
				reqid 2 mode transport aead 'rfc4106(gcm(aes))' "$k_ba" 128 || return 1
	done
	# Each side sends with the SA towards the other, and takes in only
	# what came through the other's.
	esp_policies "$NS_A" "$OUT4_A" "$OUT4_B" 1 2 &&
		esp_policies "$NS_B" "$OUT4_B" "$OUT4_A" 2 1
}

# setup KIND: the two namespaces and KIND between them; DST is b's address
# that traffic goes to, RX_DEV the device in b that receives it.
setup() {
	case "$1" in
	veth)	NS_A=$(ns_new a) && NS_B=$(ns_new b) && veth_link "$NS_A" "$NS_B" &&
		DST=$OUT4_B RX_DEV=veth0 ;;
	ipsec)	NS_A=$(ns_new a) && NS_B=$(ns_new b) && veth_link "$NS_A" "$NS_B" &&
		setup_ipsec && DST=$OUT4_B RX_DEV=veth0 ;;
	wg|xtun) xtun_load && tunnel_pair "$1" "$1" 4 && DST=$IN4_B RX_DEV=$IF_B ;;
	*)	echo "bench: unknown kind $1" >&2; return 1 ;;
	esac || return 1
	# The first ping may wait for a handshake.
	tunnel_works "$NS_A" "$DST" 30 || { echo "bench: $1: no ping reply from $DST"; return 1; }
	ip netns exec "$NS_B" iperf3 -s -D -p $PORT || return 1
	wait_for 20 "ip netns exec $NS_B ss -Hltn 'sport = :$PORT' | grep -q ."
}

bench_kind() {
	local kind=$1 start

	start=$SECONDS
	progress "$kind: setting up"
	if ! setup "$kind"; then
		record tput "$kind" setup 1 error
		failures=$((failures + 1))
		cleanup >/dev/null 2>&1
		return
	fi
	run_figures "$kind"
	cleanup >/dev/null 2>&1
	progress "$kind: done in $((SECONDS - start)) s"
}

# --- scale ------------------------------------------------------------------

# scale_step SIZE KIND STEP VALUE
scale_step() {
	record scale "$1" "$2" "$3" "$4"
	progress "scale $1 $2 $3: $4"
	[ "$4" = error ] && failures=$((failures + 1))
	return 0
}

# scale_flow SIZE KIND DIR NS DEV: one TCP flow through DEV, which has all
# of DIR/a.conf's peers, to the last of them, a device of KIND in a
# namespace of its own with that peer's key and first address: what a hub
# with that many peers carries for one of them.
scale_flow() {
	local size=$1 kind=$2 dir=$3 ns=$4 dev=$5 far= last out mbps

	read -r _ last < "$dir/plan.txt"
	out="$dir/flow-$kind.json"
	if ! far=$(ns_new far) || ! veth_link "$ns" "$far" ||
	   ! ip -n "$ns" addr add "$IN4_A/32" dev "$dev" ||
	   ! ip -n "$ns" route add "$last/32" dev "$dev" ||
	   ! tun_dev "$far" "$kind" "$dev" "$dir/last.key" $PORT_B "$last" "$IN6_B" ||
	   ! ip -n "$far" route add "$IN4_A/32" dev "$dev" ||
	   ! tun_peer "$far" "$dev" add "$(cat "$dir/a.pub")" \
		endpoint "$OUT4_A:$PORT_A" allowed-ips "$IN4_A/32" ||
	   ! tunnel_works "$ns" "$last" 30 ||
	   ! ip netns exec "$far" iperf3 -s -D -1 -p $PORT; then
		scale_step "$size" "$kind" tcp1_mbps error
		[ -n "$far" ] && ip netns del "$far" 2>/dev/null
		return
	fi
	wait_for 20 "ip netns exec $far ss -Hltn 'sport = :$PORT' | grep -q ."
	NS_A=$ns DST=$last iperf_client "$out" "$BENCH_TIME"
	mbps=$(tcp_mbps "$out")
	scale_step "$size" "$kind" tcp1_mbps "$mbps"
	[ "$mbps" = error ] && head -n 8 "$out" | sed 's/^/# bench:     /'
	ip netns del "$far"
}

# rtnl_during SIZE KIND PROBE_NS LINK STEP CMD...: run CMD, and while it
# runs add dummy LINK in PROBE_NS, which waits for RTNL as long as CMD
# holds it.  Records STEP_s (how long CMD took), rtnl_STEP_s (the add) and
# STEP_overlap (whether CMD was still running when the add began).
rtnl_during() {
	local size=$1 kind=$2 probe=$3 link=$4 step=$5 start pid rc probe_t overlap=0

	shift 5
	start=$(now_us)
	timeout -k 5 "$STEP_TIMEOUT" "$@" &
	pid=$!
	sleep 0.2
	kill -0 "$pid" 2>/dev/null && overlap=1
	timed "$STEP_TIMEOUT" ip -n "$probe" link add "$link" type dummy
	probe_t=$ELAPSED
	wait "$pid"
	rc=$?
	case "$rc" in
	0)		ELAPSED=$(since "$start") ;;
	124|137)	ELAPSED=timeout ;;
	*)		ELAPSED=error ;;
	esac
	scale_step "$size" "$kind" "${step}_s" "$ELAPSED"
	scale_step "$size" "$kind" "rtnl_${step}_s" "$probe_t"
	scale_step "$size" "$kind" "${step}_overlap" "$overlap"
	ip -n "$probe" link del "$link" 2>/dev/null
}

# median_of TIME...: the median of the times, or the last of them when
# that one is "timeout" or "error" (the runs stop there).
median_of() {
	local last=${!#}

	[[ "$last" =~ ^[0-9.]+$ ]] || { echo "$last"; return; }
	printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"
}

# scale_kind SIZE KIND DIR NS PROBE_NS N: one device of KIND with the peers
# of DIR/a.conf, timed from setconf to deletion.
scale_kind() {
	local size=$1 kind=$2 dir=$3 ns=$4 probe=$5 n=$6 dev
	local setconf dump rekey dump_times

	case "$kind" in
	wg)	dev=wg0 setconf=(wg setconf) dump=(wg show wg0 dump) ;;
	xtun)	dev=xtun0 setconf=("$XTUNCTL" setconf) dump=("$XTUNCTL" show xtun0 dump) ;;
	esac
	if ! ip -n "$ns" link add "$dev" type "${kind/wg/wireguard}" ||
	   ! ip -n "$ns" link set "$dev" up; then
		scale_step "$size" "$kind" setup error
		return
	fi
	timed "$STEP_TIMEOUT" ip netns exec "$ns" "${setconf[@]}" "$dev" "$dir/a.conf"
	scale_step "$size" "$kind" setconf_s "$ELAPSED"

	# Three dumps, their median: a dump takes well under a second, where
	# a moment of the host's noise weighs much (one dump of 10,000 x 11
	# measured 0.78 s in a bench and 0.31-0.33 s in five turns soon after).
	dump_times=()
	for _ in 1 2 3; do
		timed "$STEP_TIMEOUT" ip netns exec "$ns" "${dump[@]}" >"$dir/dump-$kind.txt"
		dump_times+=("$ELAPSED")
		[[ "$ELAPSED" =~ ^[0-9.]+$ ]] || break
	done
	scale_step "$size" "$kind" dump_s "$(median_of "${dump_times[@]}")"
	# What the device had: all N unless setconf timed out.
	scale_step "$size" "$kind" peers $(($(wc -l <"$dir/dump-$kind.txt") - 1))
	rm -f "$dir/dump-$kind.txt"

	scale_flow "$size" "$kind" "$dir" "$ns" "$dev"

	# What adding a link costs here when nothing holds RTNL: the probes
	# below wait that long anyway (a fork and exec of ip under TCG).
	timed "$STEP_TIMEOUT" ip -n "$probe" link add "dummyb$n" type dummy
	scale_step "$size" "$kind" rtnl_alone_s "$ELAPSED"
	ip -n "$probe" link del "dummyb$n" 2>/dev/null

	# A private-key change redoes every peer's static-static X25519.
	if [ "$kind" = wg ]; then
		rekey=(wg set "$dev" private-key "$dir/newkey.key")
	else
		rekey=("$XTUNCTL" dev set "$dev" private-key "$dir/newkey.key")
	fi
	rtnl_during "$size" "$kind" "$probe" "dummyk$n" privkey ip netns exec "$ns" "${rekey[@]}"
	# Delete the device: the add waits for RTNL as long as the deletion
	# holds it.
	rtnl_during "$size" "$kind" "$probe" "dummy$n" del ip -n "$ns" link del "$dev"
	# A deletion that timed out goes on in the kernel: wait for it.
	wait_until "$STEP_TIMEOUT" bash -c "! ip -n $ns link show $dev"
}

bench_scale() {
	local size n k dir ns probe kind start

	for size in $SCALE; do
		n=${size%x*} k=${size#*x}
		start=$SECONDS
		progress "scale $size: generating $n peers of $k prefixes"
		dir=$(tmp_dir) && ns=$(ns_new scale) && probe=$(ns_new probe) &&
			key_pair "$dir" a && key_pair "$dir" last && key_pair "$dir" newkey &&
			python3 "$SELFTESTS/scale_conf.py" --v4 $((k - 1)) "$n" "$dir" \
				"$dir/a.key" "$(cat "$dir/last.pub")" "$OUT4_B:$PORT_B" || {
			scale_step "$size" wg setup error
			cleanup >/dev/null 2>&1
			continue
		}
		for kind in wg xtun; do
			[ "$kind" = xtun ] && xtun_load
			scale_kind "$size" "$kind" "$dir" "$ns" "$probe" "$n"
		done
		cleanup >/dev/null 2>&1
		progress "scale $size: done in $((SECONDS - start)) s"
	done
}

# prefix_step N KIND STEP VALUE
prefix_step() {
	record prefixes "$1" "$2" "$3" "$4"
	progress "one peer, $1 prefixes, $2 $3: $4"
	[ "$4" = error ] && failures=$((failures + 1))
	return 0
}

# prefix_conf N DIR: DIR/one.conf, a device key and one peer with N IPv4
# /32 prefixes from 10.0.0.0 on, a thousand to an AllowedIPs line.
prefix_conf() {
	python3 - "$1" "$2/a.key" "$(cat "$2/last.pub")" > "$2/one.conf" <<-'PY'
	import sys
	n, key, pub = int(sys.argv[1]), open(sys.argv[2]).read().strip(), sys.argv[3]
	out = sys.stdout
	out.write(f"[Interface]\nPrivateKey = {key}\n\n[Peer]\nPublicKey = {pub}\n")
	for start in range(0, n, 1000):
	    out.write("AllowedIPs = " + ", ".join(
	        f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}/32"
	        for i in range(start, min(n, start + 1000))) + "\n")
	PY
}

# bench_prefixes: one peer with N prefixes, for each N of PREFIXES, on
# WireGuard and xtun: setconf, and show dump, whose time gives prefixes per
# second (a dump of one peer's prefixes should take time linear in them).
bench_prefixes() {
	local n dir ns kind dev setconf dump got

	for n in $PREFIXES; do
		progress "prefixes $n: generating one peer with $n prefixes"
		if ! dir=$(tmp_dir) || ! key_pair "$dir" a || ! key_pair "$dir" last ||
		   ! prefix_conf "$n" "$dir"; then
			prefix_step "$n" wg setup error
			continue
		fi
		for kind in wg xtun; do
			case "$kind" in
			wg)	dev=wg0 setconf=(wg setconf) dump=(wg show wg0 dump) ;;
			xtun)	dev=xtun0 setconf=("$XTUNCTL" setconf) dump=("$XTUNCTL" show xtun0 dump) ;;
			esac
			if ! ns=$(ns_new "pfx$kind") ||
			   ! ip -n "$ns" link add "$dev" type "${kind/wg/wireguard}"; then
				prefix_step "$n" "$kind" setup error
				continue
			fi
			timed "$STEP_TIMEOUT" ip netns exec "$ns" "${setconf[@]}" "$dev" "$dir/one.conf"
			prefix_step "$n" "$kind" setconf_s "$ELAPSED"
			timed "$STEP_TIMEOUT" ip netns exec "$ns" "${dump[@]}" >"$dir/dump-$kind.txt"
			prefix_step "$n" "$kind" dump_s "$ELAPSED"
			got=$(awk -F'\t' 'NR == 2 { print ($4 == "(none)") ? 0 : split($4, a, ",") }' \
				"$dir/dump-$kind.txt")
			prefix_step "$n" "$kind" dump_prefixes "${got:-0}"
			rm -f "$dir/dump-$kind.txt"
			timed "$STEP_TIMEOUT" ip -n "$ns" link del "$dev"
			prefix_step "$n" "$kind" del_s "$ELAPSED"
			# A deletion that timed out goes on in the kernel: wait for it.
			wait_until "$STEP_TIMEOUT" bash -c "! ip -n $ns link show $dev"
			ip netns del "$ns"
		done
		rm -rf "$dir"
	done
}

main() {
	local kind start=$SECONDS

	record meta kernel "$(uname -r)"
	record meta cpus "$(nproc)"
	record meta mem_mib $(($(awk '/^MemTotal/ { print $2 }' /proc/meminfo) / 1024))
	record meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	record meta runs "$BENCH_RUNS"
	record meta time_s "$BENCH_TIME"
	record meta pings "$BENCH_PINGS"
	record meta step_timeout_s "$STEP_TIMEOUT"
	record meta kinds "$BENCH_KINDS"
	record meta scale_sizes "$SCALE"
	record meta prefix_sizes "$([ -n "$SCALE" ] && echo "$PREFIXES")"
	record meta slow "${BENCH_SLOW:-}"
	progress "kernel $(uname -r), $(nproc) CPUs; $BENCH_RUNS runs of ${BENCH_TIME} s;" \
		"kinds: $BENCH_KINDS; scale: ${SCALE:-none} (step timeout ${STEP_TIMEOUT} s)"
	modprobe wireguard || failures=$((failures + 1))
	xtun_load || failures=$((failures + 1))
	# xtun's receive fan-out threshold (Documentation/datapath.rst).
	if [ -n "${RX_FANOUT_PPS:-}" ]; then
		echo "$RX_FANOUT_PPS" > /sys/module/xtun/parameters/rx_fanout_pps ||
			failures=$((failures + 1))
	fi
	record meta rx_fanout_pps "$(cat /sys/module/xtun/parameters/rx_fanout_pps)"
	for kind in $BENCH_KINDS; do
		bench_kind "$kind"
	done
	bench_scale
	# Part of the SCALE part: SCALE=none leaves them out too.
	[ -n "$SCALE" ] && bench_prefixes
	record meta guest_seconds $((SECONDS - start))
	progress "done in $((SECONDS - start)) s"

	python3 "$REPORT" summarize "$RAW" "$BENCH_OUT/bench.json" || failures=$((failures + 1))
	python3 "$REPORT" table "$BENCH_OUT/bench.json"
	echo "XTUN-BENCH-JSON-BEGIN"
	cat "$BENCH_OUT/bench.json"
	echo "XTUN-BENCH-JSON-END"
	[ "$failures" = 0 ]
}

main
