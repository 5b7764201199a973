#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtun to xtun: traffic of both inner families over both outer families,
# endpoint learning, roaming, preshared keys and the per-peer counters.
#
#   namespace "a"                               namespace "b"
#   xtun0 10.241.0.1/24 fd00:f1::1/64           xtun0 10.241.0.2/24 fd00:f1::2/64
#     listen 51820, peer b:                       listen 51821, peer a:
#     allowed-ips 10.241.0.2/32,fd00:f1::2/128    allowed-ips 10.241.0.1/32,fd00:f1::1/128
#   veth0 192.168.241.1/24 fd00:241::1/64 <---> veth0 192.168.241.2/24 fd00:241::2/64
#
# The endpoints are on the IPv4 or the IPv6 veth addresses ("outer").
# TUN=wg runs the same tests on WireGuard (see lib.sh).

source "$(dirname "$0")/lib.sh"
require_cmd python3 ping sha256sum
[ "$TUN" = wg ] && require_cmd wg

# ping_works OUTER: both inner families, both directions.
ping_works() {
	tunnel_pair "$TUN" "$TUN" "$1"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B over IPv$1"
	check_ok pings "$NS_A" "$IN6_B" 3
	check_ok pings "$NS_B" "$IN4_A" 3
	check_ok pings "$NS_B" "$IN6_A" 3
	check_match "$(tun_peer_field "$NS_A" "$IF_A" "$PUB_B" latest-handshake)" '^[1-9][0-9]+$' \
		"a's latest handshake with b"
	check_match "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" latest-handshake)" '^[1-9][0-9]+$' \
		"b's latest handshake with a"
}

ping_crosses_ipv4_outer_in_both_inner_families() {
	ping_works 4
}

ping_crosses_ipv6_outer_in_both_inner_families() {
	ping_works 6
}

# tcp_works OUTER: a stream to b in each inner family.
tcp_works() {
	tunnel_pair "$TUN" "$TUN" "$1"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	check_ok tcp_transfer "$NS_A" "$NS_B" "$IN4_B" 2
	check_ok tcp_transfer "$NS_A" "$NS_B" "$IN6_B" 2
}

tcp_streams_arrive_intact_over_ipv4() {
	tcp_works 4
}

tcp_streams_arrive_intact_over_ipv6() {
	tcp_works 6
}

# veth_tx_packets NS: the skbs NS's veth has sent; a GSO train counts once.
veth_tx_packets() {
	ip netns exec "$1" cat /sys/class/net/veth0/statistics/tx_packets
}

# trains_work OUTER: a TCP stream leaves a's veth in UDP GSO trains, often
# several data messages per skb, and arrives intact; b counts each message as a
# packet of its own, as it would from WireGuard.
trains_work() {
	local msgs skbs

	require_xtun_counters
	tunnel_pair xtun xtun "$1"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	msgs=$(xtun_peer_field "$NS_A" "$IF_A" "$PUB_B" tx-packets)
	skbs=$(veth_tx_packets "$NS_A")
	check_ok tcp_transfer "$NS_A" "$NS_B" "$IN4_B" 4
	msgs=$(($(xtun_peer_field "$NS_A" "$IF_A" "$PUB_B" tx-packets) - msgs))
	skbs=$(($(veth_tx_packets "$NS_A") - skbs))
	echo "$msgs data messages left a in $skbs skbs"
	# 4 MB is some 3,000 messages of 1368 bytes of TCP payload.
	[ "$msgs" -ge 2000 ] || fail "only $msgs data messages for 4 MB"
	# One skb per message without trains; how many a train holds
	# depends on how fast TCP sends (its GSO size follows its rate), so
	# only a quarter fewer is asked for.
	[ $((skbs * 4)) -le $((msgs * 3)) ] ||
		fail "$msgs data messages took $skbs skbs: no trains"
	# a's last ACKs may still be on their way when the receiver is done,
	# and a slow guest reads the two counters seconds apart, long enough
	# for a keepalive of a's to leave between them: wait for b to count
	# every packet a sent, and no more.
	# shellcheck disable=SC2016 # evaluated at each poll
	wait_for 20 '[ "$(xtun_peer_field "$NS_B" "$IF_B" "$PUB_A" rx-packets)" = \
		"$(xtun_peer_field "$NS_A" "$IF_A" "$PUB_B" tx-packets)" ]' ||
		fail "b received $(xtun_peer_field "$NS_B" "$IF_B" "$PUB_A" rx-packets)" \
			"packets, a sent $(xtun_peer_field "$NS_A" "$IF_A" "$PUB_B" tx-packets)"
}

tcp_leaves_in_trains_over_ipv4() {
	trains_work 4
}

tcp_leaves_in_trains_over_ipv6() {
	trains_work 6
}

# The skbs longer than one segment of the 1420-byte MTU that TCP's
# destructor, tcp_wfree(), releases: an fprobe that reads the skb's length
# through BTF (6.12 has it, the debug kernel and 6.1 not).
WFREE=xtst_wfree

# A train belongs to the TCP socket whose segments it carries: TCP's
# destructor releases the whole train when it leaves, so TCP small queues
# hear of it.  Had the segments been freed with their owner when copied
# into the train, tcp_wfree() would see nothing longer than a segment.
tcp_trains_complete_through_tcp_destructor() {
	local n

	[ "$TUN" = xtun ] || skip "trains are xtun's"
	probe_start "$WFREE" tcp_wfree 'len=skb->len' 'len > 1600' ||
		{ probe_stop "$WFREE"; skip "no BTF fprobe on tcp_wfree here"; }
	tunnel_pair xtun xtun 4
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	check_ok tcp_transfer "$NS_A" "$NS_B" "$IN4_B" 4
	n=$(probe_count "$WFREE")
	probe_stop "$WFREE"
	echo "tcp_wfree() released $n skbs longer than one segment"
	[ "$n" -gt 0 ] || fail "no train was released through tcp_wfree()"
}

# A packet tap that reads nothing keeps a clone of every train it saw,
# and the datagrams b's UDP cuts from a train point into the train's
# pages without being clones themselves.  Were b to decrypt those where
# they lie, the tap would read the plaintext.  tap_sees_no_plaintext a|b:
# hold such a tap on a's or b's veth0 through a 2 MB stream from a to b,
# which must arrive intact, and find no inner header in the clear.
tap_sees_no_plaintext() {
	local ns dir pid

	tunnel_pair "$TUN" "$TUN" 4
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	ns=$NS_B
	[ "$1" = a ] && ns=$NS_A
	dir=$(tmp_dir)
	bg_start "$ns" "$dir/tap.log" "$XTUN_PKT" tap-hold veth0 $PORT_B \
		"$IN4_A" "$IN4_B" "$dir/stop" "$dir/ready"
	pid=$BG_PID
	wait_until 20 test -e "$dir/ready" || fail "no tap: $(cat "$dir/tap.log")"
	check_ok tcp_transfer "$NS_A" "$NS_B" "$IN4_B" 2
	touch "$dir/stop"
	bg_wait "$pid" 60 || fail "the tap failed: $(cat "$dir/tap.log")"
	set -- $(cat "$dir/tap.log")
	echo "the tap held $1 frames of messages to b, $2 of them in the clear"
	# 2 MB is some 1,500 messages, in trains of up to 64.
	[ "${1:-0}" -ge 10 ] || fail "the tap held only ${1:-no} frames"
	check_eq "$2" 0 "frames the tap held that b decrypted in place"
}

# The tap on b's own veth0: b could see it (dev_nit_active()).
tapped_trains_stay_encrypted() {
	tap_sees_no_plaintext b
}

# The tap on a's veth0, the sending end: b cannot see it, and the train
# arrives at b as an skb that is a clone, but the datagrams cut from it
# are not.  So b decrypts no message held in pages in place.
trains_tapped_at_the_sender_stay_encrypted() {
	tap_sees_no_plaintext a
}

# udp_works OUTER: datagrams to an echo server in b, in each inner family,
# up to the largest that fits the 1420-byte MTU unfragmented.
udp_works() {
	tunnel_pair "$TUN" "$TUN" "$1"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	check_ok udp_echo_works "$NS_A" "$NS_B" "$IN4_B" 20 1392
	check_ok udp_echo_works "$NS_A" "$NS_B" "$IN6_B" 20 1372
}

udp_datagrams_are_echoed_over_ipv4() {
	udp_works 4
}

udp_datagrams_are_echoed_over_ipv6() {
	udp_works 6
}

responder_learns_initiator_endpoint() {
	tunnel_pair "$TUN" "$TUN" 4 a
	check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)" "(none)" \
		"b's endpoint for a before any handshake"
	check_fails pings "$NS_B" "$IN4_A"
	check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" latest-handshake)" 0 \
		"b's latest handshake when b cannot reach a"
	tunnel_works "$NS_A" "$IN4_B" || fail "a cannot reach b"
	check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)" "$EP_A" \
		"b's endpoint for a after a's handshake"
	check_ok pings "$NS_B" "$IN4_A" 3
}

# roams OUTER OLD NEW: a's outer address changes from OLD to NEW while the
# tunnel is up; b must follow it.
roams() {
	local outer=$1 old=$2 new=$3 plen=24

	[ "$outer" = 6 ] && plen=64
	tunnel_pair "$TUN" "$TUN" "$outer"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)" "$EP_A" \
		"b's endpoint for a before roaming"
	# Without this, deleting the old IPv4 address deletes the new one too.
	check_ok ip netns exec "$NS_A" sysctl -qw net.ipv4.conf.veth0.promote_secondaries=1
	check_ok ip -n "$NS_A" addr add "$new/$plen" dev veth0 nodad
	check_ok ip -n "$NS_A" addr del "$old/$plen" dev veth0
	# a's packets now leave from NEW: b sees them come from there and
	# answers there.
	tunnel_works "$NS_A" "$IN4_B" 20 || fail "the tunnel broke when a moved to $new"
	check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)" "$(endpoint "$new" $PORT_A)" \
		"b's endpoint for a after a moved"
	check_ok pings "$NS_B" "$IN6_A" 3
	check_eq "$(tun_peer_field "$NS_A" "$IF_A" "$PUB_B" endpoint)" "$EP_B" \
		"a's endpoint for b, which did not move"
}

peer_roams_to_new_ipv4_endpoint() {
	roams 4 "$OUT4_A" 192.168.241.11
}

peer_roams_to_new_ipv6_endpoint() {
	roams 6 "$OUT6_A" fd00:241::11
}

# psk_pair PSK_A PSK_B: the pair with a preshared key file on each side.
psk_pair() {
	tunnel_pair "$TUN" "$TUN" 4 a
	check_ok tun_peer "$NS_A" "$IF_A" set "$PUB_B" preshared-key "$1"
	check_ok tun_peer "$NS_B" "$IF_B" set "$PUB_A" preshared-key "$2"
	# wg's dump shows the key itself; xtun never gives it out.
	[ "$TUN" = wg ] ||
		check_eq "$(tun_peer_field "$NS_A" "$IF_A" "$PUB_B" preshared-key)" "(hidden)" \
			"a's preshared key column"
}

matching_preshared_keys_connect() {
	local dir

	dir=$(tmp_dir)
	(umask 077 && "$XTUNCTL" genpsk > "$dir/psk")
	psk_pair "$dir/psk" "$dir/psk"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply with matching preshared keys"
}

mismatched_preshared_keys_never_connect() {
	local dir

	dir=$(tmp_dir)
	(umask 077 && "$XTUNCTL" genpsk > "$dir/psk1")
	(umask 077 && "$XTUNCTL" genpsk > "$dir/psk2")
	psk_pair "$dir/psk1" "$dir/psk2"
	! tunnel_works "$NS_A" "$IN4_B" 8 || fail "ping answered with different preshared keys"
	check_eq "$(tun_peer_field "$NS_A" "$IF_A" "$PUB_B" latest-handshake)" 0 \
		"a's latest handshake"
	check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" latest-handshake)" 0 \
		"b's latest handshake"
}

# counters NS IFNAME PUBKEY: inner "rx-bytes tx-bytes rx-packets tx-packets".
counters() {
	local col cols=()

	for col in rx-inner-bytes tx-inner-bytes rx-packets tx-packets; do
		cols+=("$(column_index $col "$XTUN_PEER_COLUMNS")")
	done
	tun_dump "$1" "$2" | awk -F'\t' -v key="$3" -v c="${cols[*]}" '
		NR > 1 && $1 == key { split(c, i, " "); print $i[1], $i[2], $i[3], $i[4] }'
}

# settled: every packet one side sent was received by the other.
settled() {
	read -r a_rx a_tx a_rxp a_txp <<<"$(counters "$NS_A" "$IF_A" "$PUB_B")"
	read -r b_rx b_tx b_rxp b_txp <<<"$(counters "$NS_B" "$IF_B" "$PUB_A")"
	[ "$a_txp" = "$b_rxp" ] && [ "$b_txp" = "$a_rxp" ] &&
		[ "$a_tx" = "$b_rx" ] && [ "$b_tx" = "$a_rx" ]
}

# counts_pings INNER: N pings of S bytes from a to b; the inner bytes of
# each request and reply are S + 8 (ICMP) + the IP header.
counts_pings() {
	local n=10 size=1000 dst=$IN4_B hdr=20 want
	local a_rx a_tx a_rxp a_txp b_rx b_tx b_rxp b_txp
	local a_rx0 a_tx0 a_rxp0 a_txp0 b_rx0 b_tx0 b_rxp0 b_txp0

	require_xtun_counters
	[ "$1" = 6 ] && dst=$IN6_B hdr=40
	tunnel_pair "$TUN" "$TUN" 4
	tunnel_works "$NS_A" "$dst" || fail "no ping reply from $dst"
	wait_until 20 settled || fail "counters never agree: a $a_rx $a_tx $a_rxp $a_txp, b $b_rx $b_tx $b_rxp $b_txp"
	a_rx0=$a_rx a_tx0=$a_tx a_rxp0=$a_rxp a_txp0=$a_txp
	b_rx0=$b_rx b_tx0=$b_tx b_rxp0=$b_rxp b_txp0=$b_txp

	check_ok ip netns exec "$NS_A" ping -U -n -q -c $n -s $size -i 0.2 -W 5 "$dst"
	wait_until 20 settled || fail "counters never agree: a $a_rx $a_tx $a_rxp $a_txp, b $b_rx $b_tx $b_rxp $b_txp"
	want=$((n * (size + 8 + hdr)))
	check_eq "$((a_tx - a_tx0))" $want "a's tx-inner-bytes for $n requests"
	check_eq "$((b_rx - b_rx0))" $want "b's rx-inner-bytes for $n requests"
	check_eq "$((b_tx - b_tx0))" $want "b's tx-inner-bytes for $n replies"
	check_eq "$((a_rx - a_rx0))" $want "a's rx-inner-bytes for $n replies"
	# Keepalives carry no bytes but are packets.
	[ $((a_txp - a_txp0)) -ge $n ] || fail "a's tx-packets grew by $((a_txp - a_txp0)), sent $n"
	[ $((b_rxp - b_rxp0)) -ge $n ] || fail "b's rx-packets grew by $((b_rxp - b_rxp0)), sent $n"
	[ $((b_txp - b_txp0)) -ge $n ] || fail "b's tx-packets grew by $((b_txp - b_txp0)), sent $n"
	[ $((a_rxp - a_rxp0)) -ge $n ] || fail "a's rx-packets grew by $((a_rxp - a_rxp0)), sent $n"
	[ $((a_txp - a_txp0)) -le $((n + 2)) ] || fail "a's tx-packets grew by $((a_txp - a_txp0)) for $n pings"
	for col in drop-replay drop-auth drop-source drop-no-session; do
		check_eq "$(tun_peer_field "$NS_A" "$IF_A" "$PUB_B" $col)" 0 "a's $col"
		check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" $col)" 0 "b's $col"
	done
}

counters_match_ipv4_traffic_sent() {
	counts_pings 4
}

counters_match_ipv6_traffic_sent() {
	counts_pings 6
}

# two_paths: a reaches b's endpoint, an address on b's loopback, over two
# veth pairs; the route over the first is the better one.  b learns a's
# endpoint from a's packets and does no reverse-path filtering, so that
# b's endpoint for a shows the source a sends from.
#
#   namespace "a"                          namespace "b"
#   veth1 192.168.241.1/24  <----------->  veth1 192.168.241.2/24
#   veth2 192.168.242.1/24  <----------->  veth2 192.168.242.2/24
#   10.99.0.2 via veth1 metric 100,        lo 10.99.0.2/32, port $PORT_B
#             via veth2 metric 200
two_paths() {
	local i

	NS_A=$(ns_new a) && NS_B=$(ns_new b) && KEYS=$(tmp_dir) || return 1
	for i in 1 2; do
		ip link add veth$i netns "$NS_A" type veth peer name veth$i netns "$NS_B" &&
			ip -n "$NS_A" addr add 192.168.24$i.1/24 dev veth$i &&
			ip -n "$NS_B" addr add 192.168.24$i.2/24 dev veth$i &&
			ip -n "$NS_A" link set veth$i up && ip -n "$NS_B" link set veth$i up &&
			ip -n "$NS_A" route add 10.99.0.2/32 via 192.168.24$i.2 metric ${i}00 ||
			return 1
	done
	ip -n "$NS_B" addr add 10.99.0.2/32 dev lo &&
		ip netns exec "$NS_B" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.veth1.rp_filter=0 net.ipv4.conf.veth2.rp_filter=0 || return 1
	key_pair "$KEYS" a && key_pair "$KEYS" b || return 1
	PUB_A=$(cat "$KEYS/a.pub") PUB_B=$(cat "$KEYS/b.pub")
	IF_A=xtun0 IF_B=xtun0
	[ "$TUN" = wg ] && IF_A=wg0 IF_B=wg0
	tun_dev "$NS_A" "$TUN" "$IF_A" "$KEYS/a.key" $PORT_A "$IN4_A" "$IN6_A" &&
		tun_dev "$NS_B" "$TUN" "$IF_B" "$KEYS/b.key" $PORT_B "$IN4_B" "$IN6_B" &&
		tun_peer "$NS_A" "$IF_A" add "$PUB_B" endpoint 10.99.0.2:$PORT_B \
			allowed-ips "$IN4_B/32" &&
		tun_peer "$NS_B" "$IF_B" add "$PUB_A" allowed-ips "$IN4_A/32"
}

# b_sees_a_from ADDR: after a ping, b's endpoint for a is ADDR.
b_sees_a_from() {
	pings "$NS_A" "$IN4_B" &&
		[ "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)" = "$1:$PORT_A" ]
}

# A better route to the peer through another interface takes the source
# with it: a forgets the address on the old path that b answered to
# (WireGuard's src_if4), and b sees a from the new path's address.  When
# the route goes away, a goes back.
source_follows_a_better_route_to_another_interface() {
	two_paths || fail "setting up two paths"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	wait_until 10 b_sees_a_from 192.168.241.1 ||
		fail "b sees a at $(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint), not on veth1"
	check_ok ip -n "$NS_A" route add 10.99.0.2/32 via 192.168.242.2 metric 50
	wait_until 10 b_sees_a_from 192.168.242.1 ||
		fail "after the better route over veth2, b sees a at" \
			"$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)"
	check_ok ip -n "$NS_A" route del 10.99.0.2/32 via 192.168.242.2 metric 50
	wait_until 10 b_sees_a_from 192.168.241.1 ||
		fail "with veth1's route the better again, b sees a at" \
			"$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)"
}

# The source a remembered for b stays while it is valid, even when the
# route to b now prefers another address of the same interface; taking the
# device down and up forgets it (as it forgets the cached route), and the
# next packets leave from the route's source.  The device only marks the
# peers' routes stale when it goes down; the next send refreshes them.
down_and_up_forget_the_remembered_source() {
	[ "$TUN" = xtun ] || skip "WireGuard keeps the source across down and up"
	two_paths || fail "setting up two paths"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	wait_until 10 b_sees_a_from 192.168.241.1 ||
		fail "b sees a at $(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint), not on veth1"
	check_ok ip -n "$NS_A" addr add 192.168.241.11/24 dev veth1
	check_ok ip -n "$NS_A" route replace 10.99.0.2/32 via 192.168.241.2 \
		metric 100 src 192.168.241.11
	check_ok pings "$NS_A" "$IN4_B" 3
	check_ok b_sees_a_from 192.168.241.1
	check_ok ip -n "$NS_A" link set "$IF_A" down
	check_ok ip -n "$NS_A" link set "$IF_A" up
	wait_until 10 b_sees_a_from 192.168.241.11 ||
		fail "after down and up, b sees a at" \
			"$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)"
}

# On the debug kernel (lib.sh, in_subset): one test of each code path.
DEBUG_KERNEL_TESTS="
	tcp_streams_arrive_intact_over_ipv6
	tcp_leaves_in_trains_over_ipv4
	tapped_trains_stay_encrypted
	trains_tapped_at_the_sender_stay_encrypted
	peer_roams_to_new_ipv4_endpoint
	source_follows_a_better_route_to_another_interface
	down_and_up_forget_the_remembered_source
"

ktap_run_tests \
	ping_crosses_ipv4_outer_in_both_inner_families \
	ping_crosses_ipv6_outer_in_both_inner_families \
	tcp_streams_arrive_intact_over_ipv4 \
	tcp_streams_arrive_intact_over_ipv6 \
	tcp_leaves_in_trains_over_ipv4 \
	tcp_leaves_in_trains_over_ipv6 \
	tcp_trains_complete_through_tcp_destructor \
	tapped_trains_stay_encrypted \
	trains_tapped_at_the_sender_stay_encrypted \
	udp_datagrams_are_echoed_over_ipv4 \
	udp_datagrams_are_echoed_over_ipv6 \
	responder_learns_initiator_endpoint \
	peer_roams_to_new_ipv4_endpoint \
	peer_roams_to_new_ipv6_endpoint \
	source_follows_a_better_route_to_another_interface \
	down_and_up_forget_the_remembered_source \
	matching_preshared_keys_connect \
	mismatched_preshared_keys_never_connect \
	counters_match_ipv4_traffic_sent \
	counters_match_ipv6_traffic_sent
