#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Races fixed earlier, each with a test that fails without its fix.  A
# guest is neither forked nor suspended in the middle of a test, and a
# race is lost only now and then: the debug build has hooks that set each
# one up on demand (module parameters: run_notifier, handshake_delay_ms,
# clear_before_begin_session, key_change_delay_ms, send_hold_ms), and the
# tests skip with any other build.  Kprobes tell the order of the calls
# that matter.
#
#   namespace "a"                               namespace "b"
#   xtun0 10.241.0.1/24 fd00:f1::1/64           xtun0 10.241.0.2/24 fd00:f1::2/64
#     listen 51820, peer b                        listen 51821, peer a
#   veth0 192.168.241.1/24 fd00:241::1/64 <---> veth0 192.168.241.2/24 fd00:241::2/64
#   veth1 192.168.242.1/24 <---> namespace "c": veth1 192.168.242.2/24
#                                (a roam's new endpoint, no tunnel there)

source "$(dirname "$0")/lib.sh"
require_cmd ping

RUN_NOTIFIER=/sys/module/xtun/parameters/run_notifier
HANDSHAKE_DELAY=/sys/module/xtun/parameters/handshake_delay_ms
CLEAR_BEFORE=/sys/module/xtun/parameters/clear_before_begin_session
KEY_CHANGE_DELAY=/sys/module/xtun/parameters/key_change_delay_ms
SEND_HOLD=/sys/module/xtun/parameters/send_hold_ms

# race_tunnel HOOK: the tunnel of tunnel_pair between two xtun devices,
# whose module must be the debug build, with the hook HOOK (the file of a
# module parameter above); skips otherwise.
race_tunnel() {
	[ "$TUN" = xtun ] || skip "a hook of xtun's debug build"
	tunnel_pair xtun xtun 4
	[ -w "$1" ] || skip "not the debug build: no ${1##*/}"
}

# race_arm HOOK VALUE NAME SYMBOL...: record each call of every SYMBOL in
# trace instance NAME (calls_start), then set HOOK to VALUE, and back to 0
# when the test ends.
race_arm() {
	local hook=$1 value=$2

	shift 2
	calls_start "$@" || skip "no kprobes on this kernel"
	# shellcheck disable=SC2064 # the hook's path, now
	trap "echo 0 > $hook" EXIT
	echo "$value" > "$hook"
}

# notifier_ends_sessions WHICH: once the notifier WHICH ("vmfork" or
# "suspend") ran, the tunnel's next packet needs a new handshake; before,
# packets go on the session they have.
notifier_ends_sessions() {
	local n

	[ "$TUN" = xtun ] || skip "xtun's own notifiers"
	tunnel_pair xtun xtun 4
	[ -w "$RUN_NOTIFIER" ] || skip "not the debug build: no run_notifier"
	handshakes_watch || skip "no kprobes on this kernel"
	tunnel_works "$NS_B" "$IN4_A" || fail "no ping reply from $IN4_A"
	# A slow guest's retransmit may send b's second initiation after the
	# first handshake (lib.sh): only one after that is the notifier's.
	handshakes_quiet b || fail "b's handshakes with a did not end"
	probe_start xtun_inits xtun_noise_handshake_create_initiation ||
		skip "no kprobes on this kernel"
	check_ok pings "$NS_B" "$IN4_A"
	check_eq "$(probe_count xtun_inits)" 0 "initiations while the session lasts"
	echo "$1" > "$RUN_NOTIFIER" || fail "running the $1 notifier"
	tunnel_works "$NS_B" "$IN4_A" || fail "no ping reply after the $1 notifier"
	n=$(probe_count xtun_inits)
	probe_stop xtun_inits
	[ "$n" -ge 1 ] || fail "the session outlived the $1 notifier: no new handshake"
}

vm_fork_expires_every_session() {
	notifier_ends_sessions vmfork
}

suspend_clears_every_session() {
	notifier_ends_sessions suspend
}

# A device stopped while its handshake worker holds an initiation: the
# worker may still answer it and begin a session, but the stop must reset
# the peers after that, never before, or the session outlives the stop on
# a device that is down.  The debug build holds the initiation in the
# worker (handshake_delay_ms) while a's device goes down.
stop_with_a_handshake_in_hand_leaves_no_session() {
	local calls

	race_tunnel "$HANDSHAKE_DELAY"
	race_arm "$HANDSHAKE_DELAY" $((2000 * WAIT_SCALE)) stopq \
		xtun_receive_handshake_work xtun_noise_handshake_begin_session \
		xtun_noise_keypairs_clear
	# b's ping sends a's device an initiation, which its worker holds.
	ip netns exec "$NS_B" ping -c 1 -W 1 "$IN4_A" >/dev/null 2>&1 &
	wait_for 10 'calls_seen stopq | grep -q xtun_receive_handshake_work' ||
		fail "a's device received no initiation"
	check_ok ip -n "$NS_A" link set "$IF_A" down
	echo 0 > "$HANDSHAKE_DELAY"
	wait
	calls=$(calls_seen stopq | paste -sd,)
	calls_stop stopq
	check_match "$calls" "xtun_noise_handshake_begin_session.*xtun_noise_keypairs_clear" \
		"the calls while a's device stopped"
	check_no_match "$calls" "xtun_noise_keypairs_clear.*xtun_noise_handshake_begin_session" \
		"the calls while a's device stopped"
}

# A handshake cleared while it begins its session loses its receiver
# index; the session must then not be installed, nor the response sent,
# since the peer's packets to that index would all be dropped.  The debug
# build plays the clear (clear_before_begin_session) as a's device answers
# b's first initiation: b gets no response, and its retry makes the
# session.
session_without_its_index_is_not_installed() {
	local calls

	race_tunnel "$CLEAR_BEFORE"
	race_arm "$CLEAR_BEFORE" 1 nx xtun_noise_handshake_begin_session \
		xtun_noise_handshake_consume_response
	tunnel_works "$NS_B" "$IN4_A" || fail "no ping reply after b's retry"
	check_eq "$(cat "$CLEAR_BEFORE")" 0 "the clear was played"
	calls=$(calls_seen nx | head -n 2 | paste -sd,)
	calls_stop nx
	# a's failed begin, then a's begin for b's retry; b consumes no
	# response in between.
	check_eq "$calls" \
		"xtun_noise_handshake_begin_session,xtun_noise_handshake_begin_session" \
		"the first calls"
}

# A new private key and its static-static values change together: no
# peer's value is computed by the key change, so a handshake computes it
# itself, and never pairs the new key with a value of the old one, which
# the peer cannot match.  The debug build holds the key change after its
# peer (key_change_delay_ms) while a's first packet starts a handshake; b
# knows a by its new key, so the first initiation must be answered, and
# so must every other: on a slow guest a retransmits its initiation before
# b's response to the first arrives (lib.sh), and b answers both.
private_key_change_waits_for_its_static_static() {
	local calls inits resps

	race_tunnel "$KEY_CHANGE_DELAY"
	key_pair "$KEYS" a2 || fail "making a's new key"
	check_ok tun_peer "$NS_B" "$IF_B" del "$PUB_A"
	check_ok tun_peer "$NS_B" "$IF_B" add "$(cat "$KEYS/a2.pub")" \
		endpoint "$EP_A" allowed-ips "$IN4_A/32,$IN6_A/128"
	race_arm "$KEY_CHANGE_DELAY" $((2000 * WAIT_SCALE)) pk \
		xtun_noise_rekey_peer \
		xtun_noise_handshake_create_initiation \
		xtun_noise_handshake_create_response
	handshakes_watch || skip "no kprobes on this kernel"
	ip netns exec "$NS_A" "$XTUNCTL" dev set "$IF_A" private-key "$KEYS/a2.key" &
	wait_for 10 'calls_seen pk | grep -q rekey_peer' ||
		fail "a's key change did not reach its peer"
	# a has no session yet: its ping starts a handshake.
	ip netns exec "$NS_A" ping -c 1 -W 1 "$IN4_B" >/dev/null 2>&1 &
	wait
	echo 0 > "$KEY_CHANGE_DELAY"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply with a's new key"
	# Waits for every initiation to be answered: fails, after a while,
	# when one never is.
	PUB_A=$(cat "$KEYS/a2.pub")
	handshakes_quiet || fail "not every initiation with a's new key was answered"
	calls=$(calls_seen pk | grep -v rekey_peer)
	calls_stop pk
	check_eq "$(head -n 1 <<<"$calls")" xtun_noise_handshake_create_initiation \
		"the first call of a handshake with a's new key"
	inits=$(grep -c create_initiation <<<"$calls")
	resps=$(grep -c create_response <<<"$calls")
	check_eq "$resps" "$inits" "responses to a's $inits initiations with its new key"
}

# A private-key change holds update_lock while it walks every peer; a
# stop, under RTNL, must get in between two peers rather than wait for all
# of them.  The debug build holds each peer (key_change_delay_ms) so that
# three peers take long enough.
link_goes_down_while_the_private_key_changes() {
	local i rc=0

	[ "$TUN" = xtun ] || skip "xtun's own locking"
	tunnel_pair xtun xtun 4
	[ -w "$KEY_CHANGE_DELAY" ] || skip "not the debug build: no key_change_delay_ms"
	for i in 1 2; do
		key_pair "$KEYS" "x$i" || fail "making a key"
		check_ok tun_peer "$NS_A" "$IF_A" add "$(cat "$KEYS/x$i.pub")"
	done
	key_pair "$KEYS" a2 || fail "making a's new key"
	trap 'echo 0 > "$KEY_CHANGE_DELAY"' EXIT
	echo $((500 * WAIT_SCALE)) > "$KEY_CHANGE_DELAY"
	stop_during_key_change "$NS_A" "$IF_A" "$KEYS/a2.key" || rc=$?
	echo 0 > "$KEY_CHANGE_DELAY"
	[ "$rc" = 0 ] || skip "no kprobes on this kernel"
}

# calls_timed NAME: the calls recorded since calls_start, "SECONDS SYMBOL"
# a line, SECONDS the trace's clock.
calls_timed() {
	sed -n "s/.* \([0-9][0-9]*\.[0-9]*\): ${1}_\([A-Za-z0-9_.]*\): .*/\1 \2/p" \
		"$TRACE/instances/$1/trace"
}

# udp_no_ports NS: the UDP datagrams NS received for no socket.
udp_no_ports() {
	ip netns exec "$1" awk '/^Udp:/ && seen++ { print $3 }' /proc/net/snmp
}

# A peer roams while a send to it is between reading its endpoint and
# caching its route.  That send may still go to the old endpoint, but the
# route it caches must not outlive the roam, or every later packet takes
# the old endpoint's route.  The debug build holds a send of a's ping
# (send_hold_ms) on CPU 0 while xtunctl, on CPU 1, moves a's endpoint of b
# to c, which a reaches by veth1 only: a packet on veth0's route never
# gets there.  b forgets a first, so that no answer of b's roams the
# endpoint back.
roam_during_a_send_caches_no_stale_route() {
	local c hold roam pid timed before after

	require_cmd taskset
	race_tunnel "$SEND_HOLD"
	[ "$(nproc)" -ge 2 ] || skip "the held send spins on one CPU, the roam needs another"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	c=$(ns_new c) || fail "making namespace c"
	check_ok ip link add veth1 netns "$NS_A" type veth peer name veth1 netns "$c"
	check_ok ip -n "$NS_A" addr add 192.168.242.1/24 dev veth1
	check_ok ip -n "$c" addr add 192.168.242.2/24 dev veth1
	check_ok ip -n "$NS_A" link set veth1 up
	check_ok ip -n "$c" link set veth1 up
	check_ok tun_peer "$NS_B" "$IF_B" del "$PUB_A"
	hold=$((1000 * WAIT_SCALE))
	race_arm "$SEND_HOLD" "$hold" roam xtun_socket_send_held \
		xtun_socket_set_peer_endpoint
	# The roam waits, already started, for a send to be held: starting
	# a process takes much of the hold in a slow guest.
	ip netns exec "$NS_A" taskset -c 1 bash -c '
		until read -r held < "$1" && [ "$held" = 0 ]; do :; done
		exec "$2" peer set "$3" "$4" endpoint "$5"' - "$SEND_HOLD" \
		"$XTUNCTL" "$IF_A" "$PUB_B" "192.168.242.2:$PORT_B" &
	roam=$!
	ip netns exec "$NS_A" taskset -c 0 ping -U -n -q -c 1 -W 1 "$IN4_B" >/dev/null 2>&1 &
	pid=$!
	bg_wait "$roam" 10 || fail "the roam failed, or no send of a's was held"
	wait "$pid" || true
	timed=$(calls_timed roam)
	calls_stop roam
	# The roam must have begun while the send was held, or there was no
	# race to lose.
	echo "$timed" | awk -v hold="$hold" '
		/send_held/ && !held { held = $1 }
		/set_peer_endpoint/ && held && !roam { roam = $1 }
		END {
			if (!held || !roam) exit 1
			printf "the roam began %d ms into the %d ms hold\n", (roam - held) * 1000, hold
			exit (roam - held) * 1000 >= hold
		}' || fail "the roam did not begin while a's send was held: $(echo "$timed" | paste -sd,)"
	before=$(udp_no_ports "$c")
	taskset -c 0 ip netns exec "$NS_A" ping -U -n -q -c 3 -i 0.2 -W 1 "$IN4_B" >/dev/null 2>&1 || true
	after=$(udp_no_ports "$c")
	[ "$after" -gt "$before" ] ||
		fail "no packet of a's reached b's new endpoint after the roam: a cached the old endpoint's route"
}

ktap_run_tests \
	vm_fork_expires_every_session \
	suspend_clears_every_session \
	stop_with_a_handshake_in_hand_leaves_no_session \
	session_without_its_index_is_not_installed \
	private_key_change_waits_for_its_static_static \
	link_goes_down_while_the_private_key_changes \
	roam_during_a_send_caches_no_stale_route
