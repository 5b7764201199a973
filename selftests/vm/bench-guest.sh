#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`, run inside the VM (check.sh --bench); also run with tiny
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
#   SCALE: WireGuard and xtun, one after the other, with N peers of K
#   prefixes from one config file: setconf, show dump, ip link del, and
#   how long an "ip link add dummy" in another namespace waits while the
#   device is being deleted (how long the deletion holds RTNL)
#
#   bench-guest.sh [KEY=VALUE,...]
#
# Settings, from the argument (check.sh passes one comma-separated word on
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
#   out=DIR    BENCH_OUT      where raw.tsv, bench.json and the iperf3
#                             outputs go (/tmp/xtun-bench)
#
# Prints progress ("# bench: ..."), the table, and the JSON between the
# lines XTUN-BENCH-JSON-BEGIN and XTUN-BENCH-JSON-END, which check.sh cuts
# out of the guest's output.  Exit status: 0 when every figure was measured
# (a SCALE step that timed out still counts as measured), 1 otherwise.
# Speeds are never judged.

BENCH_VM_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib.sh
source "$BENCH_VM_DIR/../lib.sh"
REPORT="$BENCH_VM_DIR/bench_report.py"

for kv in $(tr ',' ' ' <<<"${1:-}"); do
	case "$kv" in
	runs=*)		BENCH_RUNS=${kv#*=} ;;
	time=*)		BENCH_TIME=${kv#*=} ;;
	pings=*)	BENCH_PINGS=${kv#*=} ;;
	kinds=*)	BENCH_KINDS=${kv#*=} ;;
	scale=*)	SCALE=${kv#*=} ;;
	timeout=*)	STEP_TIMEOUT=${kv#*=} ;;
	fanout=*)	RX_FANOUT_PPS=${kv#*=} ;;
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
STEP_TIMEOUT=${STEP_TIMEOUT:-300}
BENCH_OUT=${BENCH_OUT:-/tmp/xtun-bench}
RAW="$BENCH_OUT/raw.tsv"
PORT=5201
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
		iperf_client "$out-tcp1.json" "$BENCH_TIME"
		measure "$kind" tcp1_mbps "$run" "$(tcp_mbps "$out-tcp1.json")" \
			"$out-tcp1.json"
		iperf_client "$out-tcp4.json" "$BENCH_TIME" -P 4
		measure "$kind" tcp4_mbps "$run" "$(tcp_mbps "$out-tcp4.json")" \
			"$out-tcp4.json"
		iperf_client "$out-udp64.json" "$BENCH_TIME" -u -l 64 -b 0
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
# that traffic goes to.
setup() {
	case "$1" in
	veth)	NS_A=$(ns_new a) && NS_B=$(ns_new b) && veth_link "$NS_A" "$NS_B" &&
		DST=$OUT4_B ;;
	ipsec)	NS_A=$(ns_new a) && NS_B=$(ns_new b) && veth_link "$NS_A" "$NS_B" &&
		setup_ipsec && DST=$OUT4_B ;;
	wg|xtun) xtun_load && tunnel_pair "$1" "$1" 4 && DST=$IN4_B ;;
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

# scale_kind SIZE KIND DIR NS PROBE_NS N: one device of KIND with the peers
# of DIR/a.conf, timed from setconf to deletion.
scale_kind() {
	local size=$1 kind=$2 dir=$3 ns=$4 probe=$5 n=$6 dev start pid rc probe_t overlap
	local setconf dump

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

	timed "$STEP_TIMEOUT" ip netns exec "$ns" "${dump[@]}" >"$dir/dump-$kind.txt"
	scale_step "$size" "$kind" dump_s "$ELAPSED"
	# What the device had: all N unless setconf timed out.
	scale_step "$size" "$kind" peers $(($(wc -l <"$dir/dump-$kind.txt") - 1))
	rm -f "$dir/dump-$kind.txt"

	scale_flow "$size" "$kind" "$dir" "$ns" "$dev"

	# What adding a link costs here when nothing holds RTNL: the probe
	# below waits that long anyway (a fork and exec of ip under TCG).
	timed "$STEP_TIMEOUT" ip -n "$probe" link add "dummyb$n" type dummy
	scale_step "$size" "$kind" rtnl_alone_s "$ELAPSED"
	ip -n "$probe" link del "dummyb$n" 2>/dev/null

	# Delete the device, and meanwhile add a link in another namespace:
	# that waits for RTNL as long as the deletion holds it.
	start=$(now_us)
	timeout -k 5 "$STEP_TIMEOUT" ip -n "$ns" link del "$dev" &
	pid=$!
	sleep 0.2
	overlap=0
	kill -0 "$pid" 2>/dev/null && overlap=1
	timed "$STEP_TIMEOUT" ip -n "$probe" link add "dummy$n" type dummy
	probe_t=$ELAPSED
	wait "$pid"
	rc=$?
	case "$rc" in
	0)		ELAPSED=$(since "$start") ;;
	124|137)	ELAPSED=timeout ;;
	*)		ELAPSED=error ;;
	esac
	scale_step "$size" "$kind" del_s "$ELAPSED"
	scale_step "$size" "$kind" rtnl_probe_s "$probe_t"
	scale_step "$size" "$kind" del_overlap "$overlap"
	ip -n "$probe" link del "dummy$n" 2>/dev/null
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
			key_pair "$dir" a && key_pair "$dir" last &&
			python3 "$BENCH_VM_DIR/../scale_conf.py" --v4 $((k - 1)) "$n" "$dir" \
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
	# How many of xtun's received messages were decrypted inline.
	for f in rx_packets_inline rx_packets_fanned_out; do
		record meta "xtun_$f" "$(cat /sys/module/xtun/parameters/$f 2>/dev/null || echo -)"
		progress "xtun $f: $(cat /sys/module/xtun/parameters/$f 2>/dev/null || echo -)"
	done
	bench_scale
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
