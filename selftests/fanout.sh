#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Receive fan-out: a data message is decrypted inline on the CPU it arrives
# on while its peer sends little, and on the next CPU, in a per-CPU cell's
# NAPI poll, once the peer sends more than rx_fanout_pps packets a second
# (kmod/rx_cells.c, Documentation/datapath.rst).  The module parameter
# decides: 0 never fans out, 1 always does.
#
#   namespace "a"                               namespace "b"
#   xtun0 10.241.0.1/24 fd00:f1::1/64           xtun0 10.241.0.2/24 fd00:f1::2/64
#   veth0 192.168.241.1/24 <------------------> veth0 192.168.241.2/24
#
# A kprobe on xtun_receive_queued(), which decrypts what was fanned out,
# counts how often the queued path ran: never for idle pings, for nearly
# every packet when forced.  Fan-out needs two CPUs: make check's stock
# guests have one, so there only the inline test runs; the debug guest has
# two and runs all of them under its checkers.  No test measures speed.

source "$(dirname "$0")/lib.sh"
require_cmd python3 ping sha256sum
[ "$TUN" = xtun ] || { echo "# SKIP: rx_fanout_pps is xtun's"; exit $KSFT_SKIP; }

PARAM=/sys/module/xtun/parameters/rx_fanout_pps
PROBE=xtst_fanout

fanout_set() {
	xtun_loaded || xtun_load || return 1
	echo "$1" > "$PARAM"
}

require_cpus() {
	[ "$(nproc)" -ge 2 ] || skip "fan-out needs two CPUs, this guest has $(nproc)"
}

# drops_none: neither device dropped a data message as replayed or forged.
drops_none() {
	local side field

	for side in "$NS_A $IF_A $PUB_B" "$NS_B $IF_B $PUB_A"; do
		set -- $side
		for field in drop-replay drop-auth; do
			check_eq "$(xtun_peer_field "$1" "$2" "$3" "$field")" 0 \
				"$field on $1's $2"
		done
	done
}

fanout_pair() {
	tunnel_pair xtun xtun 4
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	probe_start "$PROBE" xtun_receive_queued ||
		fail "cannot place a kprobe on xtun_receive_queued"
}

idle_pings_are_decrypted_inline() {
	local n

	fanout_set 4000
	fanout_pair
	check_ok pings "$NS_A" "$IN4_B" 20
	n=$(probe_count "$PROBE")
	probe_stop "$PROBE"
	check_eq "$n" 0 "messages decrypted through a cell for 20 pings 0.2 s apart"
}

forced_fan_out_carries_floods_and_streams() {
	local dir n

	require_cpus
	dir=$(tmp_dir)
	fanout_set 1
	fanout_pair
	flood_start "$dir/flood"
	streams_cross
	flood_check "$dir/flood"
	check_ok pings "$NS_B" "$IN6_A" 3
	n=$(probe_count "$PROBE")
	probe_stop "$PROBE"
	# A flood of 500 and 2 MB each way is well over 2,000 messages.
	[ "$n" -ge 2000 ] || fail "only $n messages were decrypted through a cell"
	echo "$n messages decrypted on the other CPU"
	drops_none
}

# receiver_index DIR: b's receiver index for a's data messages, from a data
# packet captured on b's veth0 while a pings b.
receiver_index() {
	capture_data "$1"
	awk '{ print $6 }' "$1/info"
}

b_drop_auth() {
	xtun_peer_field "$NS_B" "$IF_B" "$PUB_A" drop-auth
}

# Forged data messages that carry a's valid receiver index, far more than
# the threshold a second: they fail authentication, so they neither count
# as a's load nor go to a cell that other peers' messages share.  The
# threshold is two messages a tick (500 at HZ=250), not one: a's passive
# keepalive, 10 s after the capture's pings, may reach b during a slow
# guest's flood, and as the one authenticated message of its tick it
# would send the forgeries of that tick through a cell at a threshold of
# one.
forged_flood_is_never_fanned_out() {
	local dir index n i pids=() sent=0 auth

	require_cpus
	dir=$(tmp_dir)
	fanout_set 500
	fanout_pair
	index=$(receiver_index "$dir")
	[ -n "$index" ] || fail "no receiver index in the captured packet"
	auth=$(b_drop_auth)
	probe_start "$PROBE" xtun_receive_queued ||
		fail "cannot place a kprobe on xtun_receive_queued"
	for i in 1 2; do
		ip netns exec "$NS_A" "$XTUN_PKT" forge-data "$OUT4_B" $PORT_B \
			"$index" $((i * 1000000)) 3000 &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || fail "forge-data failed"
		sent=$((sent + 3000))
	done
	wait_for 30 '[ "$(b_drop_auth)" -ge $((auth + sent / 2)) ]' ||
		fail "b's drop-auth went from $auth to only $(b_drop_auth) for $sent forgeries"
	n=$(probe_count "$PROBE")
	probe_stop "$PROBE"
	check_eq "$n" 0 "forged messages decrypted through a cell"
	check_eq "$(xtun_peer_field "$NS_B" "$IF_B" "$PUB_A" drop-replay)" 0 "b's drop-replay"
	check_ok pings "$NS_A" "$IN4_B" 3
}

# flip_fanout SECONDS: switch between always and never every 0.1 s.
flip_fanout() {
	local v=0 deadline=$((SECONDS + $1))

	while [ "$SECONDS" -lt "$deadline" ]; do
		fanout_set $v || return 1
		v=$((1 - v))
		sleep 0.1
	done
}

fan_out_switches_on_and_off_under_traffic() {
	local dir flipper n

	require_cpus
	dir=$(tmp_dir)
	fanout_pair
	flood_start "$dir/flood"
	flip_fanout 600 > "$dir/flip" 2>&1 &
	flipper=$!
	streams_cross
	bg_stop "$flipper"
	flood_check "$dir/flood"
	n=$(probe_count "$PROBE")
	probe_stop "$PROBE"
	[ "$n" -gt 0 ] || fail "nothing was decrypted through a cell"
	drops_none
	fanout_set 4000
	check_ok pings "$NS_A" "$IN4_B" 3
}

peers_and_devices_go_with_messages_queued() {
	local dir

	require_cpus
	dir=$(tmp_dir)
	fanout_set 1
	fanout_pair
	flood_start "$dir/flood"
	sleep 2
	# The peer goes and comes back under the flood, then the devices go.
	check_ok tun_peer "$NS_B" "$IF_B" del "$PUB_A"
	check_ok tun_peer "$NS_B" "$IF_B" add "$PUB_A" endpoint "$EP_A" \
		allowed-ips "$IN4_A/32,$IN6_A/128"
	sleep 2
	check_ok timeout 30 ip -n "$NS_B" link del "$IF_B"
	check_ok timeout 30 ip -n "$NS_A" link del "$IF_A"
	bg_wait "$FLOOD_PID" 60 || true
	probe_stop "$PROBE"
}

# The inline test runs on the stock kernels; the debug kernel's checkers
# need the queued path, its switching and its teardown.
DEBUG_KERNEL_TESTS="
	forged_flood_is_never_fanned_out
	forced_fan_out_carries_floods_and_streams
	fan_out_switches_on_and_off_under_traffic
	peers_and_devices_go_with_messages_queued"

trap 'probe_stop "$PROBE"; fanout_set 4000 2>/dev/null' EXIT

ktap_run_tests \
	idle_pings_are_decrypted_inline \
	forged_flood_is_never_fanned_out \
	forced_fan_out_carries_floods_and_streams \
	fan_out_switches_on_and_off_under_traffic \
	peers_and_devices_go_with_messages_queued
