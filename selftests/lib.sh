#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the xtun selftests.  A test script defines one function
# per behaviour, named after it, and ends with
#
#   ktap_run_tests name_one name_two ...
#
# Each test runs in a subshell with errexit, so any failing command fails the
# test; the assertions below say what was expected.  Whatever a test prints
# becomes a KTAP diagnostic ("# ...").  After every test, namespaces and xtun
# devices it created are removed.  Exit status: 0 all passed, 1 a test
# failed, 4 skipped (kselftest's KSFT_SKIP).

set -u

readonly KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4
XTUN_REPO=${XTUN_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
XTUNCTL=${XTUNCTL:-$XTUN_REPO/tools/tunctl/xtunctl}
# Every namespace a test makes carries this prefix, so cleanup finds it.
NS_PREFIX="xtst$$-"
# Files a test makes go here (see tmp_dir); removed after every test.
XTST_TMP="${TMPDIR:-/tmp}/${NS_PREFIX}tmp"

# --- assertions -------------------------------------------------------------

fail() {
	echo "FAIL: $*"
	exit $KSFT_FAIL
}

skip() {
	echo "SKIP: $*"
	exit $KSFT_SKIP
}

# run CMD...: run a command, keep its output in $OUT and status in $RC.
run() {
	OUT=$("$@" 2>&1) && RC=0 || RC=$?
}

check_ok() {
	run "$@"
	[ "$RC" = 0 ] || fail "'$*' exited with $RC: $OUT"
}

# check_status RC CMD...: the command must exit with status RC.
check_status() {
	local want=$1; shift

	run "$@"
	[ "$RC" = "$want" ] || fail "'$*' exited with $RC, expected $want: $OUT"
}

check_fails() {
	run "$@"
	[ "$RC" != 0 ] || fail "'$*' succeeded, expected it to fail: $OUT"
}

check_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# check_match TEXT ERE WHAT
check_match() {
	grep -qE -- "$2" <<<"$1" || fail "$3: '$1' does not match /$2/"
}

check_no_match() {
	! grep -qE -- "$2" <<<"$1" || fail "$3: '$1' matches /$2/"
}

require_cmd() {
	local cmd

	for cmd; do
		command -v "$cmd" >/dev/null || {
			echo "# SKIP: $cmd is not installed"
			exit $KSFT_SKIP
		}
	done
}

# --- topology ---------------------------------------------------------------

# ns_new NAME: make namespace $NS_PREFIX$NAME with lo up; prints its name.
ns_new() {
	local ns="$NS_PREFIX$1"

	ip netns add "$ns" && ip -n "$ns" link set lo up && echo "$ns"
}

xtun_load() {
	modprobe xtun 2>/dev/null && return 0
	[ -n "${XTUN_KO:-}" ] && insmod "$XTUN_KO"
}

xtun_loaded() {
	[ -d /sys/module/xtun ]
}

xtun_unload() {
	! xtun_loaded || modprobe -r xtun 2>/dev/null || rmmod xtun
}

cleanup() {
	local ns dev

	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$NS_PREFIX"); do
		# Background traffic a test left running would keep it alive.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns"
	done
	rm -rf "$XTST_TMP"
	for dev in $(ip -o link show type xtun 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
		ip link del "$dev"
	done
}

# --- waiting and background work --------------------------------------------

# wait_until SECONDS CMD...: poll CMD every 0.2 s until it succeeds; fail
# (status 1) when it did not within SECONDS.
# Deadlines of polls stretch on the debug kernel (XTUN_TEST_SUBSET=debug),
# where starting a process or adding a link takes about ten times as long;
# a poll that succeeds returns as early as it would anyway.
WAIT_SCALE=1
[ "${XTUN_TEST_SUBSET:-}" = debug ] && WAIT_SCALE=6

wait_until() {
	local deadline=$((SECONDS + $1 * WAIT_SCALE))

	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# wait_for SECONDS CONDITION: wait_until for a condition written as one
# string of shell code, evaluated afresh at every poll.  (The arguments of
# wait_until are expanded once, so "wait_until 9 test "$(cmd)" = x" would
# compare the first value of cmd forever.)
wait_for() {
	wait_until "$1" eval "$2"
}

# tmp_dir: print a scratch directory, removed after the test.
tmp_dir() {
	mkdir -p "$XTST_TMP" && mktemp -d "$XTST_TMP/XXXXXX"
}

# bg_start NS LOG CMD...: run CMD in namespace NS in the background, its
# output in LOG; its pid is left in BG_PID.  cleanup kills what still runs.
bg_start() {
	local ns=$1 log=$2

	shift 2
	ip netns exec "$ns" "$@" </dev/null >"$log" 2>&1 &
	BG_PID=$!
}

# bg_stop PID...: kill background commands and reap them.
bg_stop() {
	local pid

	for pid; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}

# bg_wait PID SECONDS: wait for a background command to finish by itself
# and return its status; 124 (and the command is killed) after SECONDS.
bg_wait() {
	local pid=$1 rc=0

	if ! wait_until "$2" bg_exited "$pid"; then
		bg_stop "$pid"
		return 124
	fi
	wait "$pid" || rc=$?
	return $rc
}

bg_exited() {
	! kill -0 "$1" 2>/dev/null
}

# --- tunnels ----------------------------------------------------------------
#
# Two namespaces joined by a veth pair (the "outer" network) and a tunnel
# device in each (the "inner" network):
#
#   $NS_A                                     $NS_B
#   $IF_A  $IN4_A  $IN6_A  port $PORT_A       $IF_B  $IN4_B  $IN6_B  port $PORT_B
#   veth0  $OUT4_A $OUT6_A  <------------->   veth0  $OUT4_B $OUT6_B
#
# The tunnel devices are xtun ("xtun0", configured with xtunctl) or Debian's
# WireGuard ("wg0", configured with wg); they speak the same protocol.  The
# tunnel scripts test devices of kind $TUN: "TUN=wg ./tunnel.sh" runs them
# against WireGuard, the reference, to check the tests themselves; checks of
# xtun's own counters then skip (see xtun_counters).
TUN=${TUN:-xtun}

IN4_A=10.241.0.1 IN4_B=10.241.0.2 IN6_A=fd00:f1::1 IN6_B=fd00:f1::2
OUT4_A=192.168.241.1 OUT4_B=192.168.241.2 OUT6_A=fd00:241::1 OUT6_B=fd00:241::2
PORT_A=51820 PORT_B=51821
XTUN_PKT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/xtun_pkt.py"

# Columns of "xtunctl show IFNAME dump", the first ones shared with
# "wg show IFNAME dump" (see xtunctl(8)).
XTUN_DEVICE_COLUMNS="private-key public-key listen-port fwmark"
XTUN_PEER_COLUMNS="public-key preshared-key endpoint allowed-ips latest-handshake
	transfer-rx transfer-tx persistent-keepalive drop-replay drop-auth
	drop-source drop-no-session rx-packets tx-packets rx-datagrams
	tx-datagrams rx-inner-bytes tx-inner-bytes"

# column_index NAME COLUMNS: 1-based position of NAME in COLUMNS.
column_index() {
	local i=0 col

	for col in $2; do
		i=$((i + 1))
		[ "$col" = "$1" ] && { echo $i; return 0; }
	done
	echo "column_index: no column '$1'" >&2
	return 1
}

# tun_kind NS IFNAME: "wg" for a WireGuard device, "xtun" otherwise.
tun_kind() {
	if ip -n "$1" -o link show type wireguard 2>/dev/null | grep -q ": $2:"; then
		echo wg
	else
		echo xtun
	fi
}

# tun_dump NS IFNAME: "wg show IFNAME dump" or "xtunctl show IFNAME dump".
tun_dump() {
	if [ "$(tun_kind "$1" "$2")" = wg ]; then
		ip netns exec "$1" wg show "$2" dump
	else
		ip netns exec "$1" "$XTUNCTL" show "$2" dump
	fi
}

# tun_peer_field NS IFNAME PUBKEY COLUMN: one column of a peer's dump line;
# fails when the device has no such peer.
tun_peer_field() {
	local idx

	idx=$(column_index "$4" "$XTUN_PEER_COLUMNS") || return 1
	tun_dump "$1" "$2" | awk -F'\t' -v key="$3" -v i="$idx" '
		NR > 1 && $1 == key { print $i; found = 1 }
		END { exit !found }'
}

# xtun_peer_field NS IFNAME PUBKEY COLUMN: the same, for an xtun device.
xtun_peer_field() {
	tun_peer_field "$@"
}

# tun_dev_field NS IFNAME COLUMN: one column of the device's dump line.
tun_dev_field() {
	local idx

	idx=$(column_index "$3" "$XTUN_DEVICE_COLUMNS") || return 1
	tun_dump "$1" "$2" | awk -F'\t' -v i="$idx" 'NR == 1 { print $i }'
}

# key_pair DIR NAME: DIR/NAME.key (private) and DIR/NAME.pub.
key_pair() {
	(umask 077 && "$XTUNCTL" genkey > "$1/$2.key") &&
		"$XTUNCTL" pubkey < "$1/$2.key" > "$1/$2.pub"
}

# device_life NS PUBKEY: an xtun0 in NS created, given the peer PUBKEY,
# brought up and down, and deleted: one device's whole life.
device_life() {
	ip -n "$1" link add xtun0 type xtun &&
		ip netns exec "$1" "$XTUNCTL" peer add xtun0 "$2" \
			endpoint 192.0.2.1:51820 allowed-ips 10.0.0.0/8 &&
		ip -n "$1" link set xtun0 up &&
		ip -n "$1" link set xtun0 down &&
		ip -n "$1" link del xtun0
}

# tun_dev NS KIND IFNAME KEYFILE PORT ADDR4 ADDR6: a tunnel device with a
# private key, listen port, inner addresses (/24 and /64), up.
tun_dev() {
	local ns=$1 kind=$2 ifname=$3 key=$4 port=$5

	case "$kind" in
	xtun)	ip -n "$ns" link add "$ifname" type xtun &&
		ip netns exec "$ns" "$XTUNCTL" dev set "$ifname" \
			private-key "$key" listen-port "$port" ;;
	wg)	ip -n "$ns" link add "$ifname" type wireguard &&
		ip netns exec "$ns" wg set "$ifname" private-key "$key" listen-port "$port" ;;
	*)	echo "tun_dev: unknown kind $kind" >&2; return 1 ;;
	esac || return 1
	ip -n "$ns" addr add "$6/24" dev "$ifname" &&
		ip -n "$ns" addr add "$7/64" dev "$ifname" nodad &&
		ip -n "$ns" link set "$ifname" up
}

# tun_peer NS IFNAME add|set|del PUBKEY [endpoint E] [allowed-ips L] ...:
# xtunctl's peer grammar, also for WireGuard devices (wg's words are the same).
tun_peer() {
	local ns=$1 ifname=$2 op=$3 pub=$4

	shift 4
	if [ "$(tun_kind "$ns" "$ifname")" = wg ]; then
		case "$op" in
		del)	ip netns exec "$ns" wg set "$ifname" peer "$pub" remove ;;
		*)	ip netns exec "$ns" wg set "$ifname" peer "$pub" "$@" ;;
		esac
	else
		ip netns exec "$ns" "$XTUNCTL" peer "$op" "$ifname" "$pub" "$@"
	fi
}

# endpoint ADDR PORT: ADDR:PORT, or [ADDR]:PORT for IPv6, as dumps print it.
endpoint() {
	case "$1" in
	*:*)	echo "[$1]:$2" ;;
	*)	echo "$1:$2" ;;
	esac
}

# veth_link NS_A NS_B: veth0 in each, with the outer addresses of both families.
veth_link() {
	ip link add veth0 netns "$1" type veth peer name veth0 netns "$2" &&
		ip -n "$1" addr add "$OUT4_A/24" dev veth0 &&
		ip -n "$1" addr add "$OUT6_A/64" dev veth0 nodad &&
		ip -n "$2" addr add "$OUT4_B/24" dev veth0 &&
		ip -n "$2" addr add "$OUT6_B/64" dev veth0 nodad &&
		ip -n "$1" link set veth0 up &&
		ip -n "$2" link set veth0 up
}

# tunnel_pair KIND_A KIND_B OUTER [ENDPOINTS]: the topology above.  KIND is
# xtun or wg; OUTER 4 or 6 is the family of the veth addresses the tunnel
# uses.  ENDPOINTS says who is told the other's endpoint: "both" (default),
# "a" or "b"; a side that is not told cannot initiate, it learns the
# endpoint from the first handshake.  Sets NS_A NS_B IF_A IF_B PUB_A PUB_B
# EP_A EP_B (the endpoints of a and b) and KEYS (the key directory).
tunnel_pair() {
	local kind_a=$1 kind_b=$2 outer=$3 who=${4:-both} ep_args_a=() ep_args_b=()

	NS_A=$(ns_new a) && NS_B=$(ns_new b) && KEYS=$(tmp_dir) || return 1
	veth_link "$NS_A" "$NS_B" || return 1
	key_pair "$KEYS" a && key_pair "$KEYS" b || return 1
	PUB_A=$(cat "$KEYS/a.pub") PUB_B=$(cat "$KEYS/b.pub")
	IF_A=xtun0 IF_B=xtun0
	[ "$kind_a" = wg ] && IF_A=wg0
	[ "$kind_b" = wg ] && IF_B=wg0
	if [ "$outer" = 6 ]; then
		EP_A=$(endpoint "$OUT6_A" $PORT_A) EP_B=$(endpoint "$OUT6_B" $PORT_B)
	else
		EP_A=$(endpoint "$OUT4_A" $PORT_A) EP_B=$(endpoint "$OUT4_B" $PORT_B)
	fi
	case "$who" in both|a) ep_args_a=(endpoint "$EP_B") ;; esac
	case "$who" in both|b) ep_args_b=(endpoint "$EP_A") ;; esac
	tun_dev "$NS_A" "$kind_a" "$IF_A" "$KEYS/a.key" $PORT_A "$IN4_A" "$IN6_A" &&
		tun_dev "$NS_B" "$kind_b" "$IF_B" "$KEYS/b.key" $PORT_B "$IN4_B" "$IN6_B" &&
		tun_peer "$NS_A" "$IF_A" add "$PUB_B" "${ep_args_a[@]}" \
			allowed-ips "$IN4_B/32,$IN6_B/128" &&
		tun_peer "$NS_B" "$IF_B" add "$PUB_A" "${ep_args_b[@]}" \
			allowed-ips "$IN4_A/32,$IN6_A/128"
}

# xtun_counters: the devices under test have xtun's counters (the drop-*,
# rx-/tx-packets, rx-/tx-datagrams and rx-/tx-inner-bytes columns);
# WireGuard has not.
xtun_counters() {
	[ "$TUN" = xtun ]
}

# require_xtun_counters: skip a test that is about xtun's counters.
require_xtun_counters() {
	xtun_counters || skip "$TUN has no xtun counters"
}

# tcp_transfer SRC_NS DST_NS DST_ADDR MBYTES [SECONDS]: send MBYTES of
# random data over TCP from SRC_NS to DST_ADDR in DST_NS; fail unless the
# receiver got the same bytes (sha256).  The sender gives up after SECONDS
# (default 400).
tcp_transfer() {
	local src=$1 dst=$2 addr=$3 tmo=${5:-400} dir pid want got

	dir=$(tmp_dir)
	head -c "$4M" /dev/urandom > "$dir/sent"
	bg_start "$dst" "$dir/recv.log" "$XTUN_PKT" tcp-recv "$addr" 5201 "$dir/received" "$tmo" "$dir/ready"
	pid=$BG_PID
	if ! wait_until 20 test -e "$dir/ready"; then
		echo "the receiver did not start: $(cat "$dir/recv.log")"
		return 1
	fi
	ip netns exec "$src" "$XTUN_PKT" tcp-send "$addr" 5201 "$dir/sent" "$tmo" || return 1
	if ! bg_wait "$pid" 60; then
		echo "the receiver failed: $(cat "$dir/recv.log")"
		return 1
	fi
	want=$(sha256sum < "$dir/sent") got=$(sha256sum < "$dir/received")
	if [ "$want" != "$got" ]; then
		echo "sent $(stat -c %s "$dir/sent") bytes with sha256 ${want%% *}," \
			"received $(stat -c %s "$dir/received") with ${got%% *}"
		return 1
	fi
}

# udp_echo_works SRC_NS DST_NS DST_ADDR COUNT SIZE: COUNT datagrams of SIZE
# bytes from SRC_NS to an echo server at DST_ADDR all come back intact.
udp_echo_works() {
	local dir pid rc=0

	dir=$(tmp_dir)
	bg_start "$2" "$dir/echo.log" "$XTUN_PKT" udp-echo "$3" 7777 "$dir/ready"
	pid=$BG_PID
	wait_until 20 test -e "$dir/ready" || { echo "no echo server: $(cat "$dir/echo.log")"; return 1; }
	ip netns exec "$1" "$XTUN_PKT" udp-ping "$3" 7777 "$4" "$5" 60 || rc=$?
	bg_stop "$pid"
	return $rc
}

# pings NS DST [COUNT]: COUNT (default 1) pings that must all be answered.
# Every ping in these tests runs with -U: without it ping asks for receive
# timestamps, and each ping that starts or ends alone patches kernel text
# (netstamp_needed_key), which QEMU's TCG occasionally turns into an oops.
pings() {
	ip netns exec "$1" ping -U -n -q -c "${3:-1}" -i 0.2 -W 2 "$2"
}

# tunnel_works NS DST [SECONDS]: poll until DST answers a ping from NS
# through the tunnel (the first ones may wait for a handshake).
tunnel_works() {
	wait_until "${3:-30}" pings "$1" "$2"
}

# --- traffic under load (threaded.sh, fanout.sh) ---------------------------

# Pings a flood may lose without failing a test: no more than 1 in 100.
# The drops these tests are about take far more (a stalled queue loses all
# that reach it).
FLOOD_PINGS=500
FLOOD_LOSS_MAX=$((FLOOD_PINGS / 100))

# flood_start LOG: flood-ping b from a in the background, $FLOOD_PINGS
# pings, waiting up to 2 s for the last reply; the pid is left in FLOOD_PID.
flood_start() {
	bg_start "$NS_A" "$1" ping -U -n -q -f -c "$FLOOD_PINGS" -W 2 "$IN4_B"
	FLOOD_PID=$BG_PID
}

# flood_lost LOG: how many pings of a finished flood went unanswered.
flood_lost() {
	awk '/packets transmitted/ { print $1 - $4; found = 1 }
		END { exit !found }' "$1"
}

# flood_check LOG: the flood ended within 2 minutes and lost at most
# $FLOOD_LOSS_MAX pings.
flood_check() {
	local lost

	bg_wait "$FLOOD_PID" 120 || fail "the ping flood did not finish: $(cat "$1")"
	lost=$(flood_lost "$1") || fail "no ping statistics: $(cat "$1")"
	[ "$lost" -le "$FLOOD_LOSS_MAX" ] ||
		fail "$lost of $FLOOD_PINGS pings were not answered: $(cat "$1"); $(rx_counters | paste -sd,)"
	echo "$lost of $FLOOD_PINGS flood pings unanswered"
}

# rx_counters: what both devices say they received and dropped.
rx_counters() {
	ip -n "$NS_A" -s -s link show "$IF_A" | awk '/RX:/ { getline; print "a rx", $2, "dropped", $4 }'
	ip -n "$NS_B" -s -s link show "$IF_B" | awk '/RX:/ { getline; print "b rx", $2, "dropped", $4 }'
}

# stream_crosses SRC_NS DST_NS DST_ADDR: 2 MB over TCP, within 90 s (six
# times that on the debug kernel, see WAIT_SCALE).
stream_crosses() {
	run tcp_transfer "$1" "$2" "$3" 2 $((90 * WAIT_SCALE))
	[ "$RC" = 0 ] || fail "a TCP stream to $3 failed: $OUT; $(rx_counters | paste -sd,)"
}

# streams_cross: a TCP stream each way at once, one in each inner family,
# so that both devices receive on both CPUs.  The helpers from flood_start
# to here work on the topology of tunnel_pair.
streams_cross() {
	local log pid

	log=$(tmp_dir)/back
	(stream_crosses "$NS_B" "$NS_A" "$IN6_A") > "$log" 2>&1 &
	pid=$!
	stream_crosses "$NS_A" "$NS_B" "$IN4_B"
	wait "$pid" || fail "$(cat "$log")"
}

# capture_data DIR: a pings b once while b's veth0 captures the data packet
# carrying the echo request; DIR/frame holds it, DIR/info its frame-info
# (SRC SPORT DST DPORT TYPE INDEX COUNTER LEN).
capture_data() {
	local dir=$1 cap

	bg_start "$NS_B" "$dir/capture.log" "$XTUN_PKT" capture veth0 $PORT_B 4 48 "$dir/frame" 60
	cap=$BG_PID
	wait_until 20 test -e "$dir/frame.ready" || fail "no capture: $(cat "$dir/capture.log")"
	check_ok pings "$NS_A" "$IN4_B"
	bg_wait "$cap" 30 || fail "nothing captured: $(cat "$dir/capture.log")"
	"$XTUN_PKT" frame-info "$dir/frame" > "$dir/info"
}

# --- counting calls of a kernel function -----------------------------------

TRACE=/sys/kernel/tracing

# probe_start NAME SYMBOL [FETCH FILTER]: count calls of the kernel function
# SYMBOL from now on, with a kprobe NAME recorded in a trace instance of its
# own.  With FETCH ("len=skb->len") the probe is an fprobe that reads an
# argument through BTF, and only the calls that FILTER ("len > 1600") lets
# through count.
probe_start() {
	local name=$1 def="p:$1 $2" kind=kprobes

	[ -n "${3:-}" ] && def="f:$1 $2 $3" kind=fprobes
	probe_stop "$name"
	[ -d "$TRACE/instances" ] || mount -t tracefs nodev "$TRACE" || return 1
	echo "$def" >> "$TRACE/dynamic_events" 2>/dev/null || return 1
	mkdir "$TRACE/instances/$name" || return 1
	if [ -n "${4:-}" ]; then
		echo "$4" > "$TRACE/instances/$name/events/$kind/$name/filter" || return 1
	fi
	echo 1 > "$TRACE/instances/$name/events/$kind/$name/enable"
}

# probe_count NAME: calls since probe_start, kept in the buffer or overwritten.
probe_count() {
	awk '/^(entries|overrun):/ { n += $2 } END { print n + 0 }' \
		"$TRACE/instances/$1"/per_cpu/cpu*/stats
}

probe_stop() {
	local f

	if [ -d "$TRACE/instances/$1" ]; then
		for f in "$TRACE/instances/$1"/events/[kf]probes/"$1"/enable; do
			[ -e "$f" ] && echo 0 > "$f"
		done
		rmdir "$TRACE/instances/$1"
	fi
	if grep -qs "$1" "$TRACE/dynamic_events"; then
		echo "-:$1" >> "$TRACE/dynamic_events"
	fi
	return 0
}

# calls_start NAME SYMBOL...: record every call of each kernel function
# SYMBOL from now on, in the order they happen, in trace instance NAME.
calls_start() {
	local name=$1 sym

	shift
	calls_stop "$name"
	[ -d "$TRACE/instances" ] || mount -t tracefs nodev "$TRACE" || return 1
	mkdir "$TRACE/instances/$name" || return 1
	for sym; do
		echo "p:${name}_$sym $sym" >> "$TRACE/kprobe_events" &&
			echo 1 > "$TRACE/instances/$name/events/kprobes/${name}_$sym/enable" ||
			return 1
	done
}

# calls_seen NAME: the calls recorded since calls_start, a SYMBOL a line.
calls_seen() {
	sed -n "s/.* ${1}_\([A-Za-z0-9_.]*\): .*/\1/p" "$TRACE/instances/$1/trace"
}

calls_stop() {
	local ev f

	if [ -d "$TRACE/instances/$1" ]; then
		for f in "$TRACE/instances/$1"/events/kprobes/*/enable; do
			[ -e "$f" ] && echo 0 > "$f"
		done
		rmdir "$TRACE/instances/$1"
	fi
	for ev in $(sed -n "s/^p:kprobes\/\(${1}_[A-Za-z0-9_.]*\) .*/\1/p" \
			"$TRACE/kprobe_events" 2>/dev/null); do
		echo "-:$ev" >> "$TRACE/kprobe_events"
	done
	return 0
}

# --- RTNL against a long configuration request ----------------------------

# stop_during_key_change NS IFNAME KEYFILE: give the xtun device IFNAME in
# NS the private key KEYFILE in the background, which walks every peer
# (xtun_noise_rekey_peer), and take the device down while that runs.  The
# stop holds RTNL: it must not wait for the whole key change, so its
# sockets must close (xtun_socket_reinit) before the last peer's turn.  Fails when they
# closed after it; skips when the key change was over before the stop even
# began (too few peers to tell).  Returns 2 without kprobes.
stop_during_key_change() {
	local ns=$1 ifname=$2 key=$3 calls verdict pid

	calls_start kc xtun_noise_rekey_peer xtun_stop \
		xtun_socket_reinit || return 2
	ip netns exec "$ns" "$XTUNCTL" dev set "$ifname" private-key "$key" &
	pid=$!
	wait_for 10 'calls_seen kc | grep -q rekey_peer' ||
		fail "the key change reached no peer"
	check_ok ip -n "$ns" link set "$ifname" down
	wait "$pid" || fail "the key change failed"
	calls=$(calls_seen kc)
	calls_stop kc
	verdict=$(echo "$calls" | awk '
		/rekey_peer/ { last = NR; n++; if (!closed) before++ }
		/xtun_stop/ && !stop { stop = NR }
		/socket_reinit/ && stop && !closed { closed = NR }
		END {
			if (!stop || !closed) print "unseen"
			else if (stop > last) print "late"
			else if (closed < last) print "ok " before " " n
			else print "waited " n
		}')
	case "$verdict" in
	ok*)	set -- $verdict
		echo "the sockets closed after $2 of the $3 peers had their turn" ;;
	late)	skip "the key change ended before the stop began" ;;
	unseen)	fail "no stop or no socket close recorded" ;;
	*)	fail "the stop closed the sockets only after the key change had walked all ${verdict#waited } peers: RTNL waited for it" ;;
	esac
}

# --- running ----------------------------------------------------------------

# in_subset TEST: whether TEST runs on this kernel.  On the debug kernel
# (XTUN_TEST_SUBSET=debug, set by the harness) a script that lists tests in
# DEBUG_KERNEL_TESTS runs only those: everything costs several times more
# there, and its checkers need each code path once, not each variation of
# the same path.  Documentation/testing.rst says how the lists are chosen.
in_subset() {
	[ "${XTUN_TEST_SUBSET:-}" = debug ] && [ -n "${DEBUG_KERNEL_TESTS:-}" ] || return 0
	case " $(echo $DEBUG_KERNEL_TESTS) " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

ktap_run_tests() {
	local i=0 failed=0 t rc start

	echo "TAP version 13"
	echo "1..$#"
	for t; do
		i=$((i + 1))
		if ! in_subset "$t"; then
			echo "ok $i $t # SKIP not in the debug kernel's subset"
			continue
		fi
		start=$SECONDS
		(set -e; "$t") 2>&1 | sed 's/^/# /'
		rc=${PIPESTATUS[0]}
		cleanup >/dev/null 2>&1
		# Where a run's time goes, test by test (the budget is CI's).
		echo "# time: $t $((SECONDS - start))s"
		case "$rc" in
		0)	echo "ok $i $t" ;;
		4)	echo "ok $i $t # SKIP" ;;
		*)	echo "not ok $i $t"; failed=$((failed + 1)) ;;
		esac
	done
	[ "$failed" = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

[ "$(id -u)" = 0 ] || { echo "# SKIP: the selftests need root"; exit $KSFT_SKIP; }
require_cmd ip
trap cleanup EXIT
