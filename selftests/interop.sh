#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtun and WireGuard (Debian's wireguard.ko, configured with wg) speak the
# same protocol: each side can initiate, over IPv4 and IPv6, and megabytes
# cross in both directions unchanged.
#
#   namespace "a" (initiator)                   namespace "b" (responder)
#   xtun0 or wg0                                wg0 or xtun0
#     10.241.0.1/24 fd00:f1::1/64                 10.241.0.2/24 fd00:f1::2/64
#     listen 51820, peer b with endpoint          listen 51821, peer a without
#   veth0 192.168.241.1/24 fd00:241::1/64 <---> veth0 192.168.241.2/24 fd00:241::2/64
#
# Only the initiator knows the other's endpoint, so the first handshake is
# surely its own; the responder learns the endpoint from it.

source "$(dirname "$0")/lib.sh"
require_cmd wg python3 ping sha256sum

# interop INITIATOR RESPONDER OUTER ("xtun" below is $TUN: with TUN=wg this
# is WireGuard against itself, to check the test)
interop() {
	local xtun_ns xtun_if xtun_peer rx

	modprobe wireguard 2>/dev/null || true
	tunnel_pair "$1" "$2" "$3" a
	tunnel_works "$NS_A" "$IN4_B" || fail "$1 cannot reach $2 over IPv$3"
	check_match "$(tun_peer_field "$NS_A" "$IF_A" "$PUB_B" latest-handshake)" '^[1-9][0-9]+$' \
		"$1's latest handshake"
	check_match "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" latest-handshake)" '^[1-9][0-9]+$' \
		"$2's latest handshake"
	check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)" "$EP_A" \
		"$2's endpoint for $1, learned from the handshake"
	check_ok tcp_transfer "$NS_A" "$NS_B" "$IN4_B" 8
	check_ok tcp_transfer "$NS_B" "$NS_A" "$IN6_A" 8
	# xtun counts inner bytes: at least the 8 MiB it received.
	if [ "$1" = "$TUN" ]; then
		xtun_ns=$NS_A xtun_if=$IF_A xtun_peer=$PUB_B
	else
		xtun_ns=$NS_B xtun_if=$IF_B xtun_peer=$PUB_A
	fi
	rx=$(tun_peer_field "$xtun_ns" "$xtun_if" "$xtun_peer" transfer-rx)
	[ "$rx" -ge $((8 << 20)) ] || fail "xtun's transfer-rx is $rx after receiving 8 MiB"
}

xtun_initiates_to_wireguard_over_ipv4() {
	interop "$TUN" wg 4
}

wireguard_initiates_to_xtun_over_ipv4() {
	interop wg "$TUN" 4
}

xtun_initiates_to_wireguard_over_ipv6() {
	interop "$TUN" wg 6
}

wireguard_initiates_to_xtun_over_ipv6() {
	interop wg "$TUN" 6
}

# On the debug kernel (lib.sh, in_subset): one test of each code path.
DEBUG_KERNEL_TESTS="
	wireguard_initiates_to_xtun_over_ipv4
"

ktap_run_tests \
	xtun_initiates_to_wireguard_over_ipv4 \
	wireguard_initiates_to_xtun_over_ipv4 \
	xtun_initiates_to_wireguard_over_ipv6 \
	wireguard_initiates_to_xtun_over_ipv6
