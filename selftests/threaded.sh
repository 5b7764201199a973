#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Threaded NAPI: "echo 1 > /sys/class/net/xtun0/threaded" on a running
# tunnel moves the device's NAPI polls into kthreads that run on any CPU.
# Traffic must keep flowing, whole and in both directions, while the knob
# is set, flipped back and forth, and when the device goes away.
#
#   namespace "a"                               namespace "b"
#   xtun0 10.241.0.1/24 fd00:f1::1/64           xtun0 10.241.0.2/24 fd00:f1::2/64
#     threaded 1, listen 51820                    threaded 1, listen 51821
#   veth0 192.168.241.1/24 <------------------> veth0 192.168.241.2/24
#
# The race these tests catch needs two CPUs: a poll in a kthread on one
# while packets are queued on the other.  make check's stock guests have
# one vCPU, so there the tests check the knob's plumbing; the debug guest
# has two, and runs the first and last test under its checkers.
#
# Each test floods pings from a to b while TCP streams cross the tunnel.
# Nothing here measures speed (the guest runs under TCG); the tests check
# that every ping is answered and every stream arrives intact.
# TUN=wg runs the same tests on WireGuard (see lib.sh).

source "$(dirname "$0")/lib.sh"
require_cmd python3 ping sha256sum
[ "$TUN" = wg ] && require_cmd wg

# threaded_set NS IFNAME 0|1: write the device's threaded knob.
threaded_set() {
	ip netns exec "$1" sh -c "echo $3 > /sys/class/net/$2/threaded"
}

threaded_get() {
	ip netns exec "$1" cat "/sys/class/net/$2/threaded"
}

# threaded_pair: the tunnel up and answering, then threaded on both ends.
threaded_pair() {
	tunnel_pair "$TUN" "$TUN" 4
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	check_ok threaded_set "$NS_A" "$IF_A" 1
	check_ok threaded_set "$NS_B" "$IF_B" 1
	check_eq "$(threaded_get "$NS_A" "$IF_A")" 1 "a's threaded knob"
	check_eq "$(threaded_get "$NS_B" "$IF_B")" 1 "b's threaded knob"
}

threaded_napi_carries_pings_and_streams() {
	local dir

	dir=$(tmp_dir)
	threaded_pair
	flood_start "$dir/flood"
	streams_cross
	flood_check "$dir/flood"
	check_ok pings "$NS_B" "$IN6_A" 3
}

# flip_threaded SECONDS: flip the knob of both devices every 0.2 s.
flip_threaded() {
	local v=0 deadline=$((SECONDS + $1))

	while [ "$SECONDS" -lt "$deadline" ]; do
		threaded_set "$NS_A" "$IF_A" $v || return 1
		threaded_set "$NS_B" "$IF_B" $v || return 1
		v=$((1 - v))
		sleep 0.2
	done
}

threaded_napi_switches_on_and_off_under_traffic() {
	local dir flipper

	dir=$(tmp_dir)
	threaded_pair
	flood_start "$dir/flood"
	flip_threaded 120 > "$dir/flip" 2>&1 &
	flipper=$!
	streams_cross
	bg_stop "$flipper"
	flood_check "$dir/flood"
	check_ok threaded_set "$NS_A" "$IF_A" 0
	check_ok threaded_set "$NS_B" "$IF_B" 0
	check_ok pings "$NS_A" "$IN4_B" 3
	stream_crosses "$NS_A" "$NS_B" "$IN4_B"
}

# napi_threads: the kthreads of threaded NAPI, "napi/IFNAME-ID".
napi_threads() {
	pgrep -c "^napi/$1-" || true
}

device_with_threaded_napi_is_deleted_under_traffic() {
	local dir

	dir=$(tmp_dir)
	threaded_pair
	[ "$(napi_threads "$IF_B")" -gt 0 ] || fail "no napi/$IF_B-* kthreads with threaded set"
	flood_start "$dir/flood"
	sleep 2		# the devices go while the flood runs
	check_ok timeout 30 ip -n "$NS_B" link del "$IF_B"
	check_ok timeout 30 ip -n "$NS_A" link del "$IF_A"
	bg_wait "$FLOOD_PID" 60 || true
	wait_for 10 '[ "$(napi_threads "$IF_B")" = 0 ]' ||
		fail "$(napi_threads "$IF_B") napi/$IF_B-* kthreads outlived the devices"
}

DEBUG_KERNEL_TESTS="
	threaded_napi_carries_pings_and_streams
	device_with_threaded_napi_is_deleted_under_traffic"

ktap_run_tests \
	threaded_napi_carries_pings_and_streams \
	threaded_napi_switches_on_and_off_under_traffic \
	device_with_threaded_napi_is_deleted_under_traffic
