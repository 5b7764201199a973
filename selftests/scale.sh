#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A device with many peers: 2000 peers of 11 prefixes each (ten IPv4 /32
# and one IPv6 /128) from one config file.  The last of them is real: b,
# reached through veth0.  The tests assert what the device does, never how
# fast; the times are printed for information only.
#
#   namespace "a"                                namespace "b"
#   xtun0 172.16.0.1/12, listen 51820            xtun0 172.16.125.1/12, listen 51821
#     peers 1..1999: 172.16.i*16+1..10/32,         peer a: allowed-ips 172.16.0.1/32
#       fd00:5ca1::i/128, never reached
#     peer 2000 = b: 172.16.125.1..10/32,
#       fd00:5ca1::7d0/128, endpoint b
#   veth0 192.168.241.1/24  <---------------->   veth0 192.168.241.2/24
#
# TUN=wg runs the same tests on WireGuard, with wg setconf (see lib.sh).

source "$(dirname "$0")/lib.sh"
require_cmd python3 ping
[ "$TUN" = wg ] && require_cmd wg

# a's config file holds its private key: for its owner only, or xtunctl
# warns at every read.
umask 077

SCALE_PEERS=${SCALE_PEERS:-2000}
SCALE_GEN="$(cd "$(dirname "$0")" && pwd)/scale_conf.py"

# now: seconds since the epoch, with nanoseconds.
now() {
	date +%s.%N
}

# report WHAT START: "WHAT: N s" since START, for information only.
report() {
	awk -v what="$1" -v start="$2" -v end="$(now)" \
		'BEGIN { printf "%s: %.2f s\n", what, end - start }'
}

# scale_dev NS KEYFILE PORT ADDR: the tunnel device of kind $TUN in NS,
# with address ADDR/12 (all of the peers' prefixes), up; its name in $IF.
scale_dev() {
	case "$TUN" in
	wg)	IF=wg0
		ip -n "$1" link add "$IF" type wireguard &&
			ip netns exec "$1" wg set "$IF" private-key "$2" listen-port "$3" ;;
	*)	IF=xtun0
		ip -n "$1" link add "$IF" type xtun &&
			ip netns exec "$1" "$XTUNCTL" dev set "$IF" private-key "$2" \
				listen-port "$3" ;;
	esac || return 1
	ip -n "$1" addr add "$4/12" dev "$IF" && ip -n "$1" link set "$IF" up
}

# tun_setconf NS IFNAME FILE: setconf with xtunctl, or wg for WireGuard.
tun_setconf() {
	if [ "$(tun_kind "$1" "$2")" = wg ]; then
		ip netns exec "$1" wg setconf "$2" "$3"
	else
		ip netns exec "$1" "$XTUNCTL" setconf "$2" "$3"
	fi
}

# scale_pair: the topology above, a's peers set with one setconf.  Sets
# NS_A NS_B IF (the device's name in both), PUB_B, DIR (the config file
# a.conf, the expected peers want.txt, the peers' keys keys.txt) and ADDR_B.
scale_pair() {
	local start

	xtun_load
	NS_A=$(ns_new a) && NS_B=$(ns_new b) && DIR=$(tmp_dir) || return 1
	veth_link "$NS_A" "$NS_B" && key_pair "$DIR" a && key_pair "$DIR" b ||
		return 1
	PUB_B=$(cat "$DIR/b.pub")
	python3 "$SCALE_GEN" "$SCALE_PEERS" "$DIR" "$DIR/a.key" "$PUB_B" \
		"$(endpoint "$OUT4_B" "$PORT_B")" || return 1
	ADDR_B=$(sed -n 's/^last-address //p' "$DIR/plan.txt")

	scale_dev "$NS_A" "$DIR/a.key" "$PORT_A" 172.16.0.1 &&
		scale_dev "$NS_B" "$DIR/b.key" "$PORT_B" "$ADDR_B" &&
		tun_peer "$NS_B" "$IF" add "$(cat "$DIR/a.pub")" \
			endpoint "$(endpoint "$OUT4_A" "$PORT_A")" \
			allowed-ips 172.16.0.1/32 || return 1

	start=$(now)
	tun_setconf "$NS_A" "$IF" "$DIR/a.conf" || return 1
	report "setconf of $SCALE_PEERS peers" "$start"
}

# peers_of NS IFNAME: each peer's key and its sorted prefixes, sorted.
peers_of() {
	tun_dump "$1" "$2" | python3 "$SCALE_GEN" --normalise
}

# same_peers GOT WANT WHAT: the two peer listings are the same.
same_peers() {
	local diff

	diff=$(diff "$1" "$2" | head -n 6) ||
		fail "$3: $(wc -l < "$1") peers, expected $(wc -l < "$2"); first differences: $diff"
}

setconf_gives_every_peer_all_of_its_prefixes() {
	local start

	scale_pair || fail "setting up $SCALE_PEERS peers"
	start=$(now)
	peers_of "$NS_A" "$IF" > "$DIR/got.txt" || fail "dumping $IF"
	report "dump of $SCALE_PEERS peers" "$start"
	check_eq "$(wc -l < "$DIR/got.txt")" "$SCALE_PEERS" "peers in the dump"
	same_peers "$DIR/got.txt" "$DIR/want.txt" "the dump after setconf"
}

packet_to_the_last_peer_reaches_it() {
	local tx

	scale_pair || fail "setting up $SCALE_PEERS peers"
	tunnel_works "$NS_A" "$ADDR_B" || fail "no ping reply from the last peer, $ADDR_B"
	tx=$(tun_peer_field "$NS_A" "$IF" "$PUB_B" transfer-tx)
	check_match "$tx" '^[1-9][0-9]*$' "bytes sent to the last peer"
}

removing_one_peer_removes_exactly_its_prefixes() {
	local victim

	scale_pair || fail "setting up $SCALE_PEERS peers"
	victim=$(sed -n "$((SCALE_PEERS / 2))p" "$DIR/keys.txt")
	check_ok tun_peer "$NS_A" "$IF" del "$victim"
	peers_of "$NS_A" "$IF" > "$DIR/got.txt" || fail "dumping $IF"
	grep -vF "$victim" "$DIR/want.txt" > "$DIR/want-1.txt"
	same_peers "$DIR/got.txt" "$DIR/want-1.txt" "the dump after removing a peer"
	# The other prefixes still lead where they did.
	tunnel_works "$NS_A" "$ADDR_B" || fail "no ping reply from the last peer"
}

# A dump resumes each message at the peer the last one stopped at, found
# by its id; when that peer was removed in between, at the next one.
# Peers removed while the dump is read must never cost another peer, nor
# repeat one (scale_dump_churn.py).
dump_resumes_in_order_while_peers_are_removed() {
	[ "$TUN" = wg ] && skip "xtun's netlink family"
	scale_pair || fail "setting up $SCALE_PEERS peers"
	run ip netns exec "$NS_A" python3 "$(dirname "$SCALE_GEN")/scale_dump_churn.py" \
		"$IF" "$DIR/keys.txt"
	echo "$OUT"
	[ "$RC" = 0 ] || fail "dump under removals"
}

# A dump resumes within a peer's prefixes at the prefix the last message
# stopped at, found in the trie, or by its place when it was removed in
# between: never by counting from the start, which would skip a prefix for
# each one removed behind the dump, and cost O(k) a message.  One peer
# with 20,000 prefixes, prefixes removed and added after every message
# (dump_aip_churn.py): each one that stayed is given exactly once.
dump_resumes_in_a_peers_prefixes_while_they_change() {
	local ns

	[ "$TUN" = wg ] && skip "xtun's netlink family"
	ns=$(ns_new a)
	check_ok ip -n "$ns" link add xtun0 type xtun
	run ip netns exec "$ns" python3 "$(dirname "$SCALE_GEN")/dump_aip_churn.py" xtun0
	echo "$OUT"
	[ "$RC" = 0 ] || fail "dump of a peer's prefixes under changes"
}

deleting_the_device_removes_every_peer() {
	local start

	scale_pair || fail "setting up $SCALE_PEERS peers"
	tunnel_works "$NS_A" "$ADDR_B" || fail "no ping reply from the last peer"
	start=$(now)
	check_ok ip -n "$NS_A" link del "$IF"
	report "ip link del with $SCALE_PEERS peers" "$start"
	check_fails ip -n "$NS_A" link show "$IF"
	# b's device never noticed: it still has its one peer.
	check_eq "$(tun_dump "$NS_B" "$IF" | tail -n +2 | wc -l)" 1 "b's peers"
}

deleting_the_namespace_removes_the_device() {
	scale_pair || fail "setting up $SCALE_PEERS peers"
	check_ok ip netns del "$NS_A"
	check_no_match "$(ip netns list)" "^$NS_A( |\$)" "namespaces"
}

# Neither adding peers nor a new private key computes an X25519 for each
# peer: a peer's static-static value waits for its first handshake
# (noise.c), which made configuring many peers cost as much as WireGuard's
# and a key change hold update_lock for seconds.  Counted with a kprobe
# on the kernel's Curve25519 (the arch one, or the generic one); the
# device's own key and a handshake or two cost a few.
x25519_waits_for_each_peers_first_handshake() {
	local fn n

	[ "$TUN" = xtun ] || skip "xtun's own configuration path"
	xtun_load	# and the Curve25519 module it needs
	for fn in curve25519_arch curve25519_generic ""; do
		awk -v f="$fn" '$3 == f { n++ } END { exit !n }' /proc/kallsyms && break
	done
	[ -n "$fn" ] || skip "no Curve25519 symbol to probe"
	calls_start x25519 "$fn" || skip "no kprobes on this kernel"
	scale_pair || fail "setting up $SCALE_PEERS peers"
	tunnel_works "$NS_A" "$ADDR_B" || fail "no ping reply from the last peer"
	key_pair "$DIR" a2 || fail "making a's new key"
	check_ok ip netns exec "$NS_A" "$XTUNCTL" dev set "$IF" private-key "$DIR/a2.key"
	n=$(calls_seen x25519 | wc -l)
	calls_stop x25519
	echo "# $n calls of $fn for $SCALE_PEERS peers, a handshake and a key change"
	[ "$n" -lt 50 ] || fail "$n X25519s: one per peer again"
}

ktap_run_tests \
	setconf_gives_every_peer_all_of_its_prefixes \
	packet_to_the_last_peer_reaches_it \
	removing_one_peer_removes_exactly_its_prefixes \
	dump_resumes_in_order_while_peers_are_removed \
	dump_resumes_in_a_peers_prefixes_while_they_change \
	deleting_the_device_removes_every_peer \
	deleting_the_namespace_removes_the_device \
	x25519_waits_for_each_peers_first_handshake
