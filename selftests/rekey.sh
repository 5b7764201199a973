#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The one test that waits for a real protocol timer: a session whose keys
# are REKEY_AFTER_TIME (120 s) old is renewed by a new handshake, without
# interrupting the traffic.
#
#   namespace "a" (initiator)                   namespace "b" (responder)
#   xtun0 10.241.0.1/24 fd00:f1::1/64           xtun0 10.241.0.2/24 fd00:f1::2/64
#     listen 51820, peer b with endpoint          listen 51821, peer a
#   veth0 192.168.241.1/24 fd00:241::1/64 <---> veth0 192.168.241.2/24 fd00:241::2/64
#
#   load: one ping a second from a to b for the whole test (~125 s)

source "$(dirname "$0")/lib.sh"
require_cmd python3 ping
[ "$TUN" = wg ] && require_cmd wg

REKEY_AFTER_TIME=120

handshake() {
	tun_peer_field "$@" latest-handshake
}

session_is_renewed_after_rekey_after_time() {
	local dir pinger t0 t1 sent got

	tunnel_pair "$TUN" "$TUN" 4 a
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	t0=$(handshake "$NS_A" "$IF_A" "$PUB_B")
	check_match "$t0" '^[1-9][0-9]+$' "a's first handshake"
	dir=$(tmp_dir)
	bg_start "$NS_A" "$dir/ping" ping -U -n -i 1 -W 5 "$IN4_B"
	pinger=$BG_PID

	wait_for $((REKEY_AFTER_TIME + 70)) \
		'[ "$(handshake "$NS_A" "$IF_A" "$PUB_B")" != "$t0" ]' ||
		fail "no new handshake $((REKEY_AFTER_TIME + 70)) s after the one at $t0"
	t1=$(handshake "$NS_A" "$IF_A" "$PUB_B")
	echo "handshakes at $t0 and $t1"
	# Whole seconds: the second handshake may land a second "early".
	[ $((t1 - t0)) -ge $((REKEY_AFTER_TIME - 1)) ] ||
		fail "a hand-shook again after $((t1 - t0)) s, before REKEY_AFTER_TIME"
	wait_for 10 '[ "$(handshake "$NS_B" "$IF_B" "$PUB_A")" -ge "$t1" ]' ||
		fail "b's latest handshake is $(handshake "$NS_B" "$IF_B" "$PUB_A"), a's $t1"
	check_ok pings "$NS_A" "$IN4_B" 3

	# Traffic kept flowing across the rekey: at most one ping in flight
	# when it stopped may be missing.
	kill -INT "$pinger"
	bg_wait "$pinger" 10 || true
	read -r sent got <<<"$(sed -n 's/^\([0-9]*\) packets transmitted, \([0-9]*\) received.*/\1 \2/p' "$dir/ping")"
	echo "$got of $sent pings answered"
	[ -n "$sent" ] || fail "no ping statistics: $(tail -n 3 "$dir/ping")"
	[ "$got" -ge $((sent - 1)) ] || fail "only $got of $sent pings were answered across the rekey"
}

ktap_run_tests \
	session_is_renewed_after_rekey_after_time
