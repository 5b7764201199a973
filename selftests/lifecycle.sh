#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tearing down under load: a peer deleted, a device deleted, a namespace
# deleted and the module unloaded while traffic floods the tunnel and
# configuration requests hammer a's device.  Nothing may crash or leak (the
# harness checks the kernel log), the traffic stops, and the module can be
# unloaded afterwards.
#
#   namespace "a"                               namespace "b"
#   xtun0 10.241.0.1/24 fd00:f1::1/64           xtun0 10.241.0.2/24 fd00:f1::2/64
#     listen 51820, peer b                        listen 51821, peer a
#   veth0 192.168.241.1/24 fd00:241::1/64 <---> veth0 192.168.241.2/24 fd00:241::2/64
#
#   load: flood pings a -> b and b -> a, an iperf3 TCP stream a -> b
#   churn: from the host's namespace, a's device gets a peer added, changed,
#          dumped and removed, over and over (each request a new process,
#          so none keeps a's namespace alive)

source "$(dirname "$0")/lib.sh"
require_cmd python3 ping iperf3
[ "$TUN" = wg ] && require_cmd wg

LOAD_PIDS=()

# rx_packets NS IFNAME: the device's received packets.
rx_packets() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"
}

# grows NS IFNAME: rx_packets grows within a second.
grows() {
	local before

	before=$(rx_packets "$1" "$2")
	sleep 1
	[ "$(rx_packets "$1" "$2")" -gt "$before" ]
}

# stopped NS IFNAME: rx_packets did not change for two seconds.
stopped() {
	local before

	before=$(rx_packets "$1" "$2")
	sleep 2
	[ "$(rx_packets "$1" "$2")" = "$before" ]
}

# How hard load_start pushes: as fast as it goes, except on the debug
# kernel (WAIT_SCALE), where floods left the configuration loop and the
# test's own commands one turn in five minutes; 20 Mbit/s and 200 pings a
# second each way still keep packets in every queue while devices go.
LOAD_RATE=() LOAD_PING=(-f)
if [ "$WAIT_SCALE" -gt 1 ]; then
	LOAD_RATE=(-b 20M) LOAD_PING=(-i 0.005)
fi

# load_start: the tunnel of tunnel_pair, up and flooded both ways.
load_start() {
	local dir

	dir=$(tmp_dir)
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	bg_start "$NS_B" "$dir/iperf-server" iperf3 -s -B "$IN4_B" -1
	LOAD_PIDS+=("$BG_PID")
	wait_until 20 ip netns exec "$NS_B" sh -c "ss -Htln | grep -q ':5201 '" ||
		fail "no iperf3 server: $(cat "$dir/iperf-server")"
	bg_start "$NS_A" "$dir/iperf-client" iperf3 -c "$IN4_B" -t 120 "${LOAD_RATE[@]}"
	LOAD_PIDS+=("$BG_PID")
	bg_start "$NS_A" "$dir/flood-a" ping -U "${LOAD_PING[@]}" -n -s 1000 "$IN4_B"
	LOAD_PIDS+=("$BG_PID")
	bg_start "$NS_B" "$dir/flood-b" ping -U "${LOAD_PING[@]}" -n "$IN6_A"
	LOAD_PIDS+=("$BG_PID")
	wait_until 20 grows "$NS_B" "$IF_B" || fail "no traffic reaches b"
	wait_until 20 grows "$NS_A" "$IF_A" || fail "no traffic reaches a"
}

# churn_start NS IFNAME: configuration requests on IFNAME in NS, in a loop,
# until load_stop.  Requests fail once the device or namespace is gone; the
# loop then slows down and goes on.
churn_start() {
	local dir key

	dir=$(tmp_dir)
	key=$("$XTUNCTL" genkey | "$XTUNCTL" pubkey)
	# shellcheck disable=SC2016 # expanded by the inner shell
	bash -c '
		source "$1"; trap - EXIT; ns=$2 ifname=$3 key=$4 n=0
		while :; do
			tun_peer "$ns" "$ifname" add "$key" endpoint 192.168.241.9:9 \
				allowed-ips 10.250.0.0/24,fd00:250::/64 &&
			tun_peer "$ns" "$ifname" set "$key" allowed-ips 10.250.1.0/24 &&
			tun_dump "$ns" "$ifname" >/dev/null &&
			tun_peer "$ns" "$ifname" del "$key" && n=$((n + 1)) ||
				sleep 0.2
			echo "$n" > "$5.count"
		done' - "$(dirname "$0")/lib.sh" "$1" "$2" "$key" "$dir/churn" \
		</dev/null >"$dir/churn" 2>&1 &
	LOAD_PIDS+=($!)
	CHURN_COUNT="$dir/churn.count"
	# A round is eight processes: up to a minute in a loaded TCG guest.
	wait_until 90 churned ||
		fail "configuration requests do not go through: $(tail -n3 "$dir/churn")"
}

# churned: the churn loop has gone round at least once.
churned() {
	[ "$(cat "$CHURN_COUNT" 2>/dev/null || echo 0)" -gt 0 ]
}

load_stop() {
	bg_stop "${LOAD_PIDS[@]}"
	LOAD_PIDS=()
	[ -z "${CHURN_COUNT:-}" ] || echo "configuration rounds during the test: $(cat "$CHURN_COUNT")"
	CHURN_COUNT=
}

# unloads: the module of the devices under test can be removed (devices in
# namespaces being deleted are released asynchronously: poll).
unloads() {
	if [ "$TUN" = wg ]; then
		wait_until 30 modprobe -r wireguard
	else
		wait_until 30 xtun_unload && ! xtun_loaded
	fi
}

peer_deleted_on_sender_under_traffic_stops_traffic() {
	tunnel_pair "$TUN" "$TUN" 4
	load_start
	check_ok tun_peer "$NS_A" "$IF_A" del "$PUB_B"
	check_fails tun_peer_field "$NS_A" "$IF_A" "$PUB_B" public-key
	# b's replies still come in, but nothing of a's reaches b any more.
	wait_until 20 stopped "$NS_B" "$IF_B" || fail "b still receives from a"
	check_fails pings "$NS_A" "$IN4_B"
	load_stop
	# The device lives on: the peer comes back and hand-shakes again.
	check_ok tun_peer "$NS_A" "$IF_A" add "$PUB_B" endpoint "$EP_B" \
		allowed-ips "$IN4_B/32,$IN6_B/128"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply after the peer came back"
}

peer_deleted_on_receiver_under_traffic_stops_traffic() {
	tunnel_pair "$TUN" "$TUN" 4
	load_start
	check_ok tun_peer "$NS_B" "$IF_B" del "$PUB_A"
	check_fails tun_peer_field "$NS_B" "$IF_B" "$PUB_A" public-key
	# a's packets still arrive but b has no session to decrypt them with.
	wait_until 20 stopped "$NS_B" "$IF_B" || fail "b still delivers a's packets"
	check_fails pings "$NS_B" "$IN4_A"
	load_stop
	check_ok tun_peer "$NS_B" "$IF_B" add "$PUB_A" endpoint "$EP_A" \
		allowed-ips "$IN4_A/32,$IN6_A/128"
	tunnel_works "$NS_B" "$IN4_A" || fail "no ping reply after the peer came back"
}

device_deleted_under_traffic_then_module_unloads() {
	tunnel_pair "$TUN" "$TUN" 4
	load_start
	churn_start "$NS_A" "$IF_A"
	check_ok ip -n "$NS_A" link del "$IF_A"
	wait_until 20 stopped "$NS_B" "$IF_B" || fail "b still receives from a deleted device"
	check_ok ip -n "$NS_B" link del "$IF_B"
	load_stop
	unloads || fail "the module cannot be unloaded after its devices were deleted"
}

module_unloaded_under_traffic() {
	tunnel_pair "$TUN" "$TUN" 4
	load_start
	churn_start "$NS_A" "$IF_A"
	# Unloading deletes every device, with the floods and the requests
	# still running (a request may load the module again: that is fine).
	if [ "$TUN" = wg ]; then
		check_ok modprobe -r wireguard
	else
		check_ok xtun_unload
	fi
	check_fails ip -n "$NS_A" link show "$IF_A"
	check_fails ip -n "$NS_B" link show "$IF_B"
	load_stop
	unloads || fail "the module cannot be unloaded after the requests stopped"
}

namespace_deleted_under_traffic() {
	local dir flood

	tunnel_pair "$TUN" "$TUN" 4
	tunnel_works "$NS_B" "$IN4_A" || fail "no ping reply from $IN4_A"
	dir=$(tmp_dir)
	# Only b's flood: nothing may keep a's namespace alive.
	bg_start "$NS_B" "$dir/flood-b" ping -U -f -n -s 1000 "$IN4_A"
	flood=$BG_PID
	wait_until 20 grows "$NS_B" "$IF_B" || fail "no replies reach b"
	churn_start "$NS_A" "$IF_A"
	check_ok ip netns del "$NS_A"
	wait_until 20 stopped "$NS_B" "$IF_B" || fail "b still receives from a deleted namespace"
	bg_stop "$flood"
	load_stop
	check_ok ip -n "$NS_B" link del "$IF_B"
	unloads || fail "the module cannot be unloaded after the namespace died"
}

# A deleted device's destructor runs when its last reference goes, which
# may be long after; its session keys must not wait for it.  Its stop
# clears every peer's sessions first.
device_deleted_wipes_its_sessions_before_its_destructor() {
	local calls

	[ "$TUN" = xtun ] || skip "xtun's own teardown"
	tunnel_pair "$TUN" "$TUN" 4
	tunnel_works "$NS_B" "$IN4_A" || fail "no ping reply from $IN4_A"
	calls_start wipe xtun_noise_keypairs_clear xtun_dev_destruct ||
		skip "no kprobes on this kernel"
	check_ok ip -n "$NS_A" link del "$IF_A"
	wait_for 10 'calls_seen wipe | grep -q xtun_dev_destruct' ||
		fail "the destructor did not run: $(calls_seen wipe | paste -sd,)"
	calls=$(calls_seen wipe | paste -sd,)
	calls_stop wipe
	check_match "$calls" "^xtun_noise_keypairs_clear,.*xtun_dev_destruct" \
		"calls at the deletion"
}

# On the debug kernel (lib.sh, in_subset): one test of each code path.
DEBUG_KERNEL_TESTS="
	device_deleted_under_traffic_then_module_unloads
	namespace_deleted_under_traffic
	device_deleted_wipes_its_sessions_before_its_destructor
"

ktap_run_tests \
	peer_deleted_on_sender_under_traffic_stops_traffic \
	peer_deleted_on_receiver_under_traffic_stops_traffic \
	device_deleted_under_traffic_then_module_unloads \
	module_unloaded_under_traffic \
	namespace_deleted_under_traffic \
	device_deleted_wipes_its_sessions_before_its_destructor
