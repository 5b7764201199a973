#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What a peer's transfer counters count, and the handshake a persistent
# keepalive starts by itself.
#
#   namespace "a"                               namespace "b"
#   xtun0 10.241.0.1/24                         xtun0 10.241.0.2/24
#     peer b: endpoint b                          peer a: no endpoint
#   veth0 192.168.241.1/24        <--------->   veth0 192.168.241.2/24
#
# Only a knows where b is, so every handshake is a's.
# TUN=wg runs the same tests on WireGuard (see lib.sh).

source "$(dirname "$0")/lib.sh"
[ "$TUN" = wg ] && require_cmd wg

# The messages of the WireGuard protocol, as UDP payload: a data message
# is a 16-byte header, the inner packet padded to 16 bytes, a 16-byte tag.
INITIATION=148 RESPONSE=92 KEEPALIVE=32

# handshaken NS IFNAME PUBKEY: the device has completed a handshake with PUBKEY.
handshaken() {
	[ "$(tun_peer_field "$1" "$2" "$3" latest-handshake)" != 0 ]
}

# read_counters: A_RX A_TX B_RX B_TX (transfer-rx, transfer-tx of a and b),
# and with xtun's counters A_RXD A_TXD B_RXD B_TXD (rx-/tx-datagrams).
read_counters() {
	local a b

	a=$(tun_dump "$NS_A" "$IF_A" | sed 1d) && b=$(tun_dump "$NS_B" "$IF_B" | sed 1d) ||
		return 1
	read -r A_RX A_TX A_RXD A_TXD <<<"$(dump_counters "$a")"
	read -r B_RX B_TX B_RXD B_TXD <<<"$(dump_counters "$b")"
}

# dump_counters LINE: transfer-rx transfer-tx rx-datagrams tx-datagrams of
# a peer's dump line (the last two empty on WireGuard).
dump_counters() {
	local col out=()

	for col in transfer-rx transfer-tx rx-datagrams tx-datagrams; do
		out+=("$(awk -F'\t' -v i="$(column_index $col "$XTUN_PEER_COLUMNS")" \
			'{ print $i }' <<<"$1")")
	done
	echo "${out[@]}"
}

# settled: each side accepted every byte the other sent.
settled() {
	read_counters && [ "$A_TX" = "$B_RX" ] && [ "$B_TX" = "$A_RX" ]
}

# handshake_only: the pair with a keepalive at a that starts one handshake
# and is too long to send another during a test; no data crosses.  On a
# slow guest (the debug kernel) a second handshake may follow the first,
# after the counters have settled once (lib.sh): wait until the
# handshakes are over, and for the counters to settle again.
handshake_only() {
	tunnel_pair "$TUN" "$TUN" 4 a
	handshakes_watch || echo "no kprobes: the handshakes are over when the counters rest"
	check_ok tun_peer "$NS_A" "$IF_A" set "$PUB_B" persistent-keepalive 600
	wait_until 10 handshaken "$NS_B" "$IF_B" "$PUB_A" || fail "no handshake"
	handshakes_quiet || fail "a's handshakes with b did not end"
	wait_until 10 settled || fail "a sent $A_TX, b received $B_RX; b sent $B_TX, a received $A_RX"
}

# A handshake alone shows in the transfer counters of both sides, as in
# WireGuard's: a sent its initiation and the keepalive that confirms the
# session, b its response.  A slow guest (the debug kernel) may see a
# retransmit its initiation after REKEY_TIMEOUT and complete a second
# handshake; each completed one counts the same, so the figures are
# multiples of one handshake's, counted from b's responses.
handshake_counts_in_transfer_on_both_sides() {
	local n

	handshake_only
	n=$((B_TX / RESPONSE))
	[ "$n" -ge 1 ] || fail "b's transfer-tx is $B_TX, less than one response"
	[ "$n" = 1 ] || echo "# $n handshakes completed"
	check_eq "$B_TX" $((n * RESPONSE)) "b's transfer-tx"
	check_eq "$A_TX" $((n * (INITIATION + KEEPALIVE))) "a's transfer-tx"
	check_eq "$A_RX" $((n * RESPONSE)) "a's transfer-rx"
	check_eq "$B_RX" $((n * (INITIATION + KEEPALIVE))) "b's transfer-rx"
	xtun_counters || return 0
	check_eq "$A_TXD $A_RXD $B_RXD $B_TXD" "$((2 * n)) $n $((2 * n)) $n" \
		"datagrams a sent and received, b received and sent"
	# Nothing of that was data.
	for col in rx-packets tx-packets rx-inner-bytes tx-inner-bytes; do
		check_eq "$(tun_peer_field "$NS_A" "$IF_A" "$PUB_B" $col)" 0 "a's $col"
		check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" $col)" 0 "b's $col"
	done
}

# N pings of 56 bytes: each request and reply is a data message of 128
# bytes (84 inner, padded to 96).  Read at once: a sends a keepalive 10 s
# after the last reply.
pings_add_their_datagrams() {
	local n=5 msg=128 a_rx a_tx b_rx b_tx a_rxd a_txd b_rxd b_txd

	handshake_only
	a_rx=$A_RX a_tx=$A_TX b_rx=$B_RX b_tx=$B_TX
	a_rxd=$A_RXD a_txd=$A_TXD b_rxd=$B_RXD b_txd=$B_TXD
	check_ok pings "$NS_A" "$IN4_B" $n
	read_counters || fail "reading the counters"
	check_eq "$((A_TX - a_tx)) $((B_RX - b_rx))" "$((n * msg)) $((n * msg))" \
		"bytes of the requests a sent and b received"
	check_eq "$((B_TX - b_tx)) $((A_RX - a_rx))" "$((n * msg)) $((n * msg))" \
		"bytes of the replies b sent and a received"
	xtun_counters || return 0
	check_eq "$((A_TXD - a_txd)) $((B_RXD - b_rxd)) $((B_TXD - b_txd)) $((A_RXD - a_rxd))" \
		"$n $n $n $n" "datagrams a sent, b received, b sent, a received"
	check_eq "$(tun_peer_field "$NS_A" "$IF_A" "$PUB_B" tx-inner-bytes)" $((n * 84)) \
		"a's tx-inner-bytes"
}

# A peer with a keepalive configured while the device is down greets its
# peer when the device comes up, before anything is sent to it.
keepalive_peer_handshakes_when_the_device_comes_up() {
	tunnel_pair "$TUN" "$TUN" 4 a
	check_ok ip -n "$NS_A" link set "$IF_A" down
	check_ok tun_peer "$NS_A" "$IF_A" set "$PUB_B" persistent-keepalive 25
	sleep 1
	handshaken "$NS_A" "$IF_A" "$PUB_B" && fail "a handshake while a was down"
	check_ok ip -n "$NS_A" link set "$IF_A" up
	wait_until 5 handshaken "$NS_A" "$IF_A" "$PUB_B" ||
		fail "no handshake within 5 s of the device coming up: $(tun_dump "$NS_A" "$IF_A")"
	wait_until 5 handshaken "$NS_B" "$IF_B" "$PUB_A" || fail "b saw no handshake"
	# The initiation is in a's transfer counter at once, and in b's.
	read_counters || fail "reading the counters"
	[ "$A_TX" -ge $INITIATION ] && [ "$B_RX" -ge $INITIATION ] ||
		fail "a's transfer-tx is $A_TX, b's transfer-rx $B_RX after a handshake"
}

# A keepalive set on a running device greets the peer at once, not after
# its first interval.
keepalive_set_on_a_running_device_handshakes_at_once() {
	tunnel_pair "$TUN" "$TUN" 4 a
	sleep 1
	handshaken "$NS_A" "$IF_A" "$PUB_B" && fail "a handshake before anything was sent"
	check_ok tun_peer "$NS_A" "$IF_A" set "$PUB_B" persistent-keepalive 25
	wait_until 5 handshaken "$NS_A" "$IF_A" "$PUB_B" ||
		fail "no handshake within 5 s of the keepalive: $(tun_dump "$NS_A" "$IF_A")"
}

ktap_run_tests \
	handshake_counts_in_transfer_on_both_sides \
	pings_add_their_datagrams \
	keepalive_peer_handshakes_when_the_device_comes_up \
	keepalive_set_on_a_running_device_handshakes_at_once
