#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Containers: a device created in one namespace and moved into another
# keeps its UDP sockets where it was created, as WireGuard's does, so that
# a container whose only network is the tunnel reaches its peer through
# the host's network.  When the creating namespace exits first, it is
# freed all the same, and the device stays, sending nothing.
#
#   namespace "h" (creates xtun0)        namespace "p" (the peer)
#   veth0 192.168.241.1  <------------>  veth0 192.168.241.2
#   UDP port 51820 of c's xtun0          xtun0 10.241.0.2, port 51821
#
#   namespace "c": lo and xtun0 10.241.0.1, nothing else

source "$(dirname "$0")/lib.sh"
require_cmd ping
[ "$TUN" = xtun ] || { echo "# SKIP: the containers' tests are xtun's"; exit $KSFT_SKIP; }

# container_pair: the topology above, the tunnel not used yet.  Sets NS_H,
# NS_C, NS_P, KEYS, PUB_C and PUB_P.
container_pair() {
	xtun_load
	NS_H=$(ns_new h) && NS_C=$(ns_new c) && NS_P=$(ns_new p) &&
		KEYS=$(tmp_dir) || fail "making the namespaces"
	veth_link "$NS_H" "$NS_P" || fail "linking h and p"
	key_pair "$KEYS" c && key_pair "$KEYS" p || fail "making keys"
	PUB_C=$(cat "$KEYS/c.pub") PUB_P=$(cat "$KEYS/p.pub")
	check_ok ip -n "$NS_H" link add xtun0 type xtun
	check_ok ip -n "$NS_H" link set xtun0 netns "$NS_C"
	# Configured from inside the container, as a container manager does.
	check_ok ip netns exec "$NS_C" "$XTUNCTL" dev set xtun0 \
		private-key "$KEYS/c.key" listen-port $PORT_A
	check_ok ip -n "$NS_C" addr add "$IN4_A/24" dev xtun0
	check_ok ip -n "$NS_C" link set xtun0 up
	check_ok ip netns exec "$NS_C" "$XTUNCTL" peer add xtun0 "$PUB_P" \
		endpoint "$OUT4_B:$PORT_B" allowed-ips "$IN4_B/32"
	tun_dev "$NS_P" xtun xtun0 "$KEYS/p.key" $PORT_B "$IN4_B" "$IN6_B" ||
		fail "making p's xtun0"
	check_ok ip netns exec "$NS_P" "$XTUNCTL" peer add xtun0 "$PUB_C" \
		endpoint "$OUT4_A:$PORT_A" allowed-ips "$IN4_A/32"
}

# udp_bound NS PORT: a UDP socket of namespace NS is bound to PORT.
udp_bound() {
	ip netns exec "$1" awk -v port="$(printf ':%04X' "$2")" \
		'$2 ~ port "$" { found = 1 } END { exit !found }' \
		/proc/net/udp /proc/net/udp6
}

traffic_of_a_moved_device_goes_through_the_creating_namespace() {
	container_pair
	tunnel_works "$NS_C" "$IN4_B" || fail "no ping reply from p through the container's tunnel"
	# The sockets are h's; c has none, nor any way out but the tunnel.
	check_ok udp_bound "$NS_H" $PORT_A
	check_fails udp_bound "$NS_C" $PORT_A
	# (Kernels with sit or ip6_tunnel built in add their fallback
	# devices to every namespace, down.)
	check_eq "$(ip -n "$NS_C" -o link show up | awk -F': ' '{ print $2 }' | sort | paste -sd' ')" \
		"lo xtun0" "the container's links that are up"
	check_fails ip -n "$NS_C" route get "$OUT4_B"
	# Created in c and kept there, a device's sockets are c's own.
	check_ok ip -n "$NS_C" link add xtun1 type xtun
	check_ok ip netns exec "$NS_C" "$XTUNCTL" dev set xtun1 listen-port 40001
	check_ok ip -n "$NS_C" link set xtun1 up
	check_ok udp_bound "$NS_C" 40001
	check_fails udp_bound "$NS_H" 40001
}

port_and_fwmark_set_in_the_container_apply_in_the_creating_namespace() {
	container_pair
	tunnel_works "$NS_C" "$IN4_B" || fail "no tunnel"
	check_ok ip netns exec "$NS_C" "$XTUNCTL" dev set xtun0 listen-port 51999
	check_ok udp_bound "$NS_H" 51999
	check_fails udp_bound "$NS_H" $PORT_A
	check_fails udp_bound "$NS_C" 51999
	# p learns the new port from c's next packet.
	tunnel_works "$NS_C" "$IN4_B" || fail "no tunnel from the new port"
	check_eq "$(xtun_peer_field "$NS_P" xtun0 "$PUB_C" endpoint)" \
		"$OUT4_A:51999" "p's endpoint of c"

	# h routes p's address into a black hole, but marked packets
	# through veth0: only the mark set in c gets the tunnel through.
	# (p's unmarked answers must not fail a reverse-path check.)
	check_ok ip netns exec "$NS_H" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.veth0.rp_filter=0
	check_ok ip -n "$NS_H" route add blackhole "$OUT4_B/32"
	check_ok ip -n "$NS_H" route add "$OUT4_B/32" dev veth0 table 142
	check_ok ip -n "$NS_H" rule add fwmark 0x42 table 142 priority 100
	check_fails pings "$NS_C" "$IN4_B"
	check_ok ip netns exec "$NS_C" "$XTUNCTL" dev set xtun0 fwmark 0x42
	tunnel_works "$NS_C" "$IN4_B" || fail "no tunnel with the mark"
	check_ok ip netns exec "$NS_C" "$XTUNCTL" dev set xtun0 fwmark 0
	check_fails pings "$NS_C" "$IN4_B"
}

# veth_of_p_gone: namespace h was freed: its veth0's peer in p went with
# it (a namespace pinned by a reference would keep both).
veth_of_p_gone() {
	! ip -n "$NS_P" link show veth0 >/dev/null 2>&1
}

a_moved_device_outlives_its_creating_namespace() {
	local before

	container_pair
	tunnel_works "$NS_C" "$IN4_B" || fail "no tunnel"
	check_ok ip netns del "$NS_H"
	wait_until 30 veth_of_p_gone ||
		fail "h was not freed: the device still holds it"
	# The device stays, without sockets: it sends nothing and cannot be
	# brought up again or given a port.
	check_ok ip -n "$NS_C" link show xtun0
	before=$(xtun_peer_field "$NS_C" xtun0 "$PUB_P" tx-packets)
	check_fails pings "$NS_C" "$IN4_B"
	check_eq "$(xtun_peer_field "$NS_C" xtun0 "$PUB_P" tx-packets)" \
		"$before" "packets sent to p after h exited"
	check_ok ip -n "$NS_C" link set xtun0 down
	check_fails ip -n "$NS_C" link set xtun0 up
	check_status 2 ip netns exec "$NS_C" "$XTUNCTL" dev set xtun0 listen-port 40000
	check_match "$OUT" "namespace the device was created in is gone" "a new port"
	# Its other settings and its peers can still be read and changed.
	check_ok ip netns exec "$NS_C" "$XTUNCTL" show xtun0
	check_ok ip netns exec "$NS_C" "$XTUNCTL" peer del xtun0 "$PUB_P"
	check_ok ip -n "$NS_C" link del xtun0
}

a_container_root_cannot_change_the_hosts_port() {
	local pid dir

	require_cmd unshare nsenter
	container_pair
	dir=$(tmp_dir)
	# A container of its own user namespace: root there, nobody in h.
	unshare --user --map-root-user --net sleep 600 &
	pid=$!
	wait_until 10 test -e "/proc/$pid/ns/net" || fail "no container"
	sleep 0.5
	check_ok ip -n "$NS_C" link set xtun0 netns "$pid"
	check_status 2 nsenter -t "$pid" -U -n --preserve-credentials \
		"$XTUNCTL" dev set xtun0 listen-port 40000
	check_match "$OUT" "listen port and fwmark need CAP_NET_ADMIN in the namespace the device was created in" \
		"a new port from the container"
	check_status 2 nsenter -t "$pid" -U -n --preserve-credentials \
		"$XTUNCTL" dev set xtun0 fwmark 7
	check_match "$OUT" "need CAP_NET_ADMIN" "a new mark from the container"
	# The rest is the container's to set: keys and peers.
	key_pair "$dir" other
	check_ok nsenter -t "$pid" -U -n --preserve-credentials \
		"$XTUNCTL" dev set xtun0 private-key "$dir/other.key"
	check_ok nsenter -t "$pid" -U -n --preserve-credentials \
		"$XTUNCTL" peer set xtun0 "$PUB_P" persistent-keepalive 25
	kill "$pid"
	wait "$pid" 2>/dev/null || true
}

DEBUG_KERNEL_TESTS="traffic_of_a_moved_device_goes_through_the_creating_namespace
	a_moved_device_outlives_its_creating_namespace"

ktap_run_tests \
	traffic_of_a_moved_device_goes_through_the_creating_namespace \
	port_and_fwmark_set_in_the_container_apply_in_the_creating_namespace \
	a_moved_device_outlives_its_creating_namespace \
	a_container_root_cannot_change_the_hosts_port
