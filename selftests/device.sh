#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The xtun net_device: a layer-3 point-to-point link in any namespace.
#
#   namespace "a": xtun0 (10.99.0.1/24, fd99::1/64)
#   namespace "b": where xtun0 moves to

source "$(dirname "$0")/lib.sh"

link_add_and_del() {
	local ns

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_match "$(ip -n "$ns" -d link show xtun0)" 'xtun' "link kind"
	check_ok ip -n "$ns" link del xtun0
	check_fails ip -n "$ns" link show xtun0
}

link_is_layer3_point_to_point() {
	local ns out

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	out=$(ip -n "$ns" link show xtun0)
	check_match "$out" '<POINTOPOINT,NOARP>' "flags"
	check_match "$out" 'link/none' "link type"
	check_match "$out" 'mtu 1420 ' "default MTU"
	check_eq "$(cat /sys/class/net/lo/type)" 772 "sanity: loopback type"
	check_eq "$(ip netns exec "$ns" cat /sys/class/net/xtun0/type)" 65534 "ARPHRD_NONE"
	check_eq "$(ip netns exec "$ns" cat /sys/class/net/xtun0/addr_len)" 0 "addr_len"
	# Up, with addresses of both families, like any layer-3 link.
	check_ok ip -n "$ns" link set xtun0 up
	check_ok ip -n "$ns" addr add 10.99.0.1/24 dev xtun0
	check_ok ip -n "$ns" addr add fd99::1/64 dev xtun0 nodad
	check_match "$(ip -n "$ns" link show xtun0)" 'UP,LOWER_UP' "link is up"
}

link_rejects_hardware_address() {
	check_fails ip link add xtun0 address 02:00:00:00:00:01 type xtun
	check_match "$OUT" 'xtun devices have no link-layer address' "extack"
	check_fails ip link show xtun0
}

mtu_stays_within_limits() {
	local ns

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_ok ip -n "$ns" link set xtun0 mtu 1280
	check_ok ip -n "$ns" link set xtun0 mtu 68
	check_ok ip -n "$ns" link set xtun0 mtu 65455
	check_fails ip -n "$ns" link set xtun0 mtu 67
	check_fails ip -n "$ns" link set xtun0 mtu 65456
	check_match "$(ip -n "$ns" link show xtun0)" 'mtu 65455 ' "MTU after rejected changes"
	check_ok ip -n "$ns" link add xtun1 mtu 9000 type xtun
	check_match "$(ip -n "$ns" link show xtun1)" 'mtu 9000 ' "MTU given at creation"
}

unrouted_packet_is_dropped_and_answered_unreachable() {
	local ns before after

	ns=$(ns_new a)
	# IPv6 would send MLD reports of its own into the device at any time.
	check_ok ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_ok ip -n "$ns" link set xtun0 up
	check_ok ip -n "$ns" addr add 10.99.0.1/24 dev xtun0
	before=$(ip netns exec "$ns" cat /sys/class/net/xtun0/statistics/tx_dropped)
	check_fails ip netns exec "$ns" ping -c 1 -W 2 10.99.0.2
	check_match "$OUT" 'Destination Host Unreachable' "ping's report"
	after=$(ip netns exec "$ns" cat /sys/class/net/xtun0/statistics/tx_dropped)
	check_eq "$after" "$((before + 1))" "tx_dropped"
}

# Packets waiting for a handshake (this peer never answers) must not
# charge their sender's send buffer: a non-blocking sender with the
# smallest buffer goes on sending.  64 stays below the staged-packet bound,
# so none of them is dropped, which would free its charge too.
waiting_packets_do_not_hold_the_senders_buffer() {
	local ns pub

	command -v python3 >/dev/null || skip "no python3"
	ns=$(ns_new a)
	pub=$("$XTUNCTL" genkey | "$XTUNCTL" pubkey)
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_ok ip netns exec "$ns" "$XTUNCTL" peer add xtun0 "$pub" \
		endpoint 192.0.2.1:51820 allowed-ips 10.99.0.2/32
	check_ok ip -n "$ns" link set xtun0 up
	check_ok ip -n "$ns" addr add 10.99.0.1/24 dev xtun0
	check_ok ip netns exec "$ns" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1)
for i in range(64):
    try:
        s.sendto(bytes(1000), socket.MSG_DONTWAIT, ("10.99.0.2", 9))
    except OSError as e:
        raise SystemExit(f"packet {i}: {e}")
'
}

device_moves_between_namespaces() {
	local a b

	a=$(ns_new a)
	b=$(ns_new b)
	check_ok ip -n "$a" link add xtun0 type xtun
	check_ok ip -n "$a" link set xtun0 netns "$b"
	check_fails ip -n "$a" link show xtun0
	check_ok ip -n "$b" link show xtun0
	check_ok ip -n "$b" link set xtun0 up
	check_ok ip -n "$b" addr add 10.99.0.1/24 dev xtun0
	check_ok ip netns exec "$b" "$XTUNCTL" show xtun0
	check_ok ip netns exec "$a" "$XTUNCTL" show
	check_eq "$OUT" "" "xtun devices left in the old namespace"
}

namespace_deletion_removes_device() {
	local ns

	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_ok ip -n "$ns" link set xtun0 up
	check_ok ip -n "$ns" addr add 10.99.0.1/24 dev xtun0
	check_ok ip -n "$ns" route add 10.98.0.0/16 dev xtun0
	check_ok ip netns del "$ns"
	# Nothing may still hold the module: deleted devices were released.
	# The namespace goes in a worker of the kernel's, which takes longer
	# on the debug kernel: wait_until's deadline stretches there.
	wait_until 5 xtun_unload ||
		fail "xtun cannot be unloaded after its namespace died"
}

# Peers added while their device is deleted: each request is refused or its
# peer goes with the device.  A peer left behind, with its prefixes and
# preshared key, is what kmemleak reports on the debug kernel.
peers_added_during_deletion_go_with_the_device() {
	local ns dir round

	require_cmd python3
	ns=$(ns_new a)
	dir=$(tmp_dir)
	key_pair "$dir" psk
	python3 -c 'import base64, os
for _ in range(300):
    print(base64.b64encode(os.urandom(32)).decode())' > "$dir/keys"
	for round in 1 2 3 4 5; do
		check_ok ip -n "$ns" link add xtun0 type xtun
		bg_start "$ns" "$dir/add.log" sh -c \
			'while read -r k; do "$0" peer add xtun0 "$k" allowed-ips 10.0.0.0/8,fd00::/64 preshared-key "$1" || exit 0; done < "$2"' \
			"$XTUNCTL" "$dir/psk.key" "$dir/keys"
		sleep 0.2
		check_ok ip -n "$ns" link del xtun0
		bg_wait "$BG_PID" 60 || fail "adding peers did not stop in round $round"
	done
}

GRACE_PERIODS=/sys/module/xtun/parameters/rtnl_grace_periods

# grace_periods_of CMD...: run CMD; print how many grace periods xtun
# waited for under RTNL meanwhile (debug build).
grace_periods_of() {
	local before

	before=$(cat "$GRACE_PERIODS")
	"$@" >/dev/null || return 1
	echo $(($(cat "$GRACE_PERIODS") - before))
}

# up_then_del NS: the same, deleted while up.
up_then_del() {
	ip -n "$1" link add xtun0 type xtun &&
		ip netns exec "$1" "$XTUNCTL" peer add xtun0 "$2" \
			endpoint 192.0.2.1:51820 allowed-ips 10.0.0.0/8 &&
		ip -n "$1" link set xtun0 up &&
		ip -n "$1" link del xtun0
}

# A device's whole life holds the host's RTNL for one grace period of
# xtun's: the one before its sockets are released when it goes down.
# Opening sockets where there were none, closing none at unregistration,
# and forgetting the peers' routes wait for nothing; the peers go after
# RTNL is released.
device_life_waits_for_one_grace_period_under_rtnl() {
	local ns dir

	[ "$TUN" = xtun ] || skip "a counter of xtun's debug build"
	[ -r "$GRACE_PERIODS" ] || skip "not the debug build: no rtnl_grace_periods"
	ns=$(ns_new a)
	dir=$(tmp_dir)
	key_pair "$dir" p
	check_eq "$(grace_periods_of device_life "$ns" "$(cat "$dir/p.pub")")" 1 \
		"grace periods under RTNL: add, up, down, del"
	check_eq "$(grace_periods_of up_then_del "$ns" "$(cat "$dir/p.pub")")" 1 \
		"grace periods under RTNL: add, up, del"
}

# --- the exit of the namespace a device was created in ----------------------

ROUTE_DROPS=/sys/module/xtun/parameters/route_drops
RTNL_ROUTE_DROPS=/sys/module/xtun/parameters/rtnl_route_drops
# Half as many on the debug kernel, where each costs ten times more: the
# counters are exact whatever the number.
EXIT_PEERS=2000
[ "${XTUN_TEST_SUBSET:-}" = debug ] && EXIT_PEERS=1000

# many_peers_conf KEYFILE N: a config of N peers, each with its own /32 in
# 10.242.0.0/16 and an endpoint behind veth0 (odd ones IPv4, even ones
# IPv6); peer i's key is on line i of the file's comment block.
many_peers_conf() {
	python3 - "$1" "$2" "$(endpoint "$OUT4_B" "$PORT_B")" \
		"$(endpoint "$OUT6_B" "$PORT_B")" <<'PY'
import base64, os, sys
key_file, n, ep4, ep6 = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
with open(key_file) as f:
    print("[Interface]\nPrivateKey = " + f.read().strip())
for i in range(1, n + 1):
    key = base64.b64encode(os.urandom(32)).decode()
    print(f"# peer {i} {key}")
    print(f"[Peer]\nPublicKey = {key}")
    print(f"AllowedIPs = 10.242.{i // 250}.{i % 250 + 1}/32")
    print(f"Endpoint = {ep4 if i % 2 else ep6}")
PY
}

# peer_key CONF I: the key of peer I of a many_peers_conf.
peer_key() {
	awk -v i="$2" '$1 == "#" && $2 == "peer" && $3 == i { print $4 }' "$1"
}

# peer_sent NS KEY: the peer was sent a datagram (a handshake initiation),
# which cached a route to it through the creating namespace's veth0.
peer_sent() {
	[ "$(xtun_peer_field "$1" xtun0 "$2" tx-datagrams)" -gt 0 ]
}

# veth_of_ns_gone NS: NS's veth0 is gone, with the namespace at its other
# end, which was freed (its pre_exit methods all returned).
veth_of_ns_gone() {
	! ip -n "$1" link show veth0 >/dev/null 2>&1
}

# A device created in namespace h and moved to c, with many peers: when h
# exits, the device loses its sockets under RTNL, but the peers' cached
# routes (which hold h's veth0 and IPv6 routing state) are released one by
# one after RTNL is released, so that an unprivileged user namespace
# cannot hold the host's RTNL for O(peers x CPUs).  h is still freed, its
# veth0 unregistered without waiting for a route of ours (the harness
# fails on "waiting for ... to become free"), and nothing leaks.
creating_namespace_exit_walks_no_peer_under_rtnl() {
	local h c p dir i drops rtnl_drops

	require_cmd python3 ping
	[ "$TUN" = xtun ] || skip "xtun's creating namespace"
	xtun_load
	h=$(ns_new h) && c=$(ns_new c) && p=$(ns_new p) && dir=$(tmp_dir) ||
		fail "making the namespaces"
	veth_link "$h" "$p" || fail "linking h and p"
	key_pair "$dir" c
	many_peers_conf "$dir/c.key" "$EXIT_PEERS" > "$dir/c.conf" ||
		fail "writing the config"
	check_ok ip -n "$h" link add xtun0 type xtun
	check_ok ip -n "$h" link set xtun0 netns "$c"
	check_ok ip netns exec "$c" "$XTUNCTL" setconf xtun0 "$dir/c.conf"
	check_ok ip -n "$c" addr add 10.242.255.254/16 dev xtun0
	check_ok ip -n "$c" link set xtun0 up
	# Four peers, two of each family, get a handshake initiation, and so
	# a cached route; p does not answer.
	for i in 1 2 3 4; do
		ip netns exec "$c" ping -c 1 -W 1 "10.242.0.$((i + 1))" >/dev/null 2>&1 || true
	done
	for i in 1 2 3 4; do
		wait_until 20 peer_sent "$c" "$(peer_key "$dir/c.conf" $i)" ||
			fail "no handshake sent to peer $i"
	done
	[ -r "$ROUTE_DROPS" ] && drops=$(cat "$ROUTE_DROPS") &&
		rtnl_drops=$(cat "$RTNL_ROUTE_DROPS")

	check_ok ip netns del "$h"
	wait_until 60 veth_of_ns_gone "$p" ||
		fail "h was not freed: something holds it"
	check_ok ip -n "$c" link show xtun0
	check_eq "$(ip netns exec "$c" "$XTUNCTL" show xtun0 peers | wc -l)" \
		"$EXIT_PEERS" "peers of the device after h exited"
	if [ -n "${drops:-}" ]; then
		check_eq "$(($(cat "$ROUTE_DROPS") - drops))" "$EXIT_PEERS" \
			"peers whose cached routes were released"
		check_eq "$(($(cat "$RTNL_ROUTE_DROPS") - rtnl_drops))" 0 \
			"of them, released while holding RTNL"
	else
		echo "not the debug build: no route_drops counters, RTNL not checked"
	fi
	check_ok ip -n "$c" link del xtun0
}

# xtun_waits_of CMD...: run CMD; print its exit status and how many grace
# periods were waited for meanwhile with xtun's code on the stack: kprobes
# on synchronize_rcu() and synchronize_rcu_expedited(), each hit with its
# stack (one wait may hit both).  Returns 2 without kprobes.
xtun_waits_of() {
	local rc=0 n

	calls_start xtun_gp synchronize_rcu synchronize_rcu_expedited || return 2
	echo 1 > "$TRACE/instances/xtun_gp/options/stacktrace" || return 2
	"$@" >/dev/null 2>&1 || rc=$?
	n=$(awk '/ xtun_gp_synchronize/ { ev++; next }
		/^ => xtun_/ && ev { ours[ev] = 1 }
		END { print length(ours) }' "$TRACE/instances/xtun_gp/trace")
	calls_stop xtun_gp
	echo "$rc $n"
}

# udp6_hold NS PORT DIR: keep UDP port PORT of NS taken for IPv6 only, in
# the background ($BG_PID), until bg_stop.
udp6_hold() {
	bg_start "$1" "$3/udp6_hold.log" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::", int(sys.argv[1])))
print("bound", flush=True)
time.sleep(600)' "$2"
	wait_until 10 grep -q bound "$3/udp6_hold.log"
}

# An up whose IPv6 port is taken fails; the IPv4 socket it had opened,
# never put in use, is released at once: the up waits for no grace period
# under RTNL, and leaves the port free.
up_on_a_taken_port_releases_its_socket_without_a_grace_period() {
	local ns dir out

	require_cmd python3
	[ "$TUN" = xtun ] || skip "xtun's sockets"
	xtun_load
	ns=$(ns_new a)
	dir=$(tmp_dir)
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_ok ip netns exec "$ns" "$XTUNCTL" dev set xtun0 listen-port 40123
	udp6_hold "$ns" 40123 "$dir" || fail "taking UDP port 40123 for IPv6"
	out=$(xtun_waits_of ip -n "$ns" link set xtun0 up) ||
		{ bg_stop "$BG_PID"; skip "no kprobes"; }
	set -- $out
	[ "$1" != 0 ] || fail "the up succeeded on a taken port"
	check_no_match "$(ip -n "$ns" link show xtun0)" '[<,]UP[,>]' \
		"the device after a refused up"
	check_eq "$2" 0 "grace periods xtun waited for in the refused up"
	bg_stop "$BG_PID"
	# The IPv4 socket was really released: the port opens for both now.
	check_ok ip -n "$ns" link set xtun0 up
}

# On the debug kernel (lib.sh, in_subset): one test of each code path.
DEBUG_KERNEL_TESTS="
	namespace_deletion_removes_device
	peers_added_during_deletion_go_with_the_device
	device_life_waits_for_one_grace_period_under_rtnl \
	creating_namespace_exit_walks_no_peer_under_rtnl \
	up_on_a_taken_port_releases_its_socket_without_a_grace_period
	creating_namespace_exit_walks_no_peer_under_rtnl
	up_on_a_taken_port_releases_its_socket_without_a_grace_period
"

ktap_run_tests \
	link_add_and_del \
	link_is_layer3_point_to_point \
	link_rejects_hardware_address \
	mtu_stays_within_limits \
	unrouted_packet_is_dropped_and_answered_unreachable \
	waiting_packets_do_not_hold_the_senders_buffer \
	device_moves_between_namespaces \
	namespace_deletion_removes_device \
	peers_added_during_deletion_go_with_the_device \
	device_life_waits_for_one_grace_period_under_rtnl \
	creating_namespace_exit_walks_no_peer_under_rtnl \
	up_on_a_taken_port_releases_its_socket_without_a_grace_period
