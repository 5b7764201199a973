#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Notifications: "xtunctl monitor" hears every configuration change and
# every handshake, roam and expired session of its own namespace's devices,
# each once, and nothing of another namespace's; joining takes
# CAP_NET_ADMIN; a burst beyond notify_rate is held back and counted, and
# so is a burst about one peer beyond notify_peer_rate; a peer whose
# handshakes go unanswered for 90 s is announced unreachable, once.
#
#   namespace "a"                         namespace "b"
#   xtun0 10.241.0.1, port 51820  <--->   xtun0 10.241.0.2, port 51821
#   namespace "c": an idle xtun0 of its own, and a monitor that must hear
#   nothing of what a and b do
#
# Each monitor is known to listen once it printed the device-change of a
# probe (a new fwmark of its namespace's xtun0); the checks then read the
# lines after the probe's, without their timestamps.

source "$(dirname "$0")/lib.sh"
require_cmd python3 ping setpriv
[ "$TUN" = xtun ] || { echo "# SKIP: notifications are xtun's"; exit $KSFT_SKIP; }

RATE_PARAM=/sys/module/xtun/parameters/notify_rate
PEER_RATE_PARAM=/sys/module/xtun/parameters/notify_peer_rate

# monitor_start NS LOG [ARGS...]: "xtunctl monitor ARGS" in NS, its lines in
# LOG; once it listens, leaves its pid in MON_PID and the number of lines
# before the test's own in MON_SKIP_<pid>.
monitor_start() {
	local ns=$1 log=$2 mark

	shift 2
	bg_start "$ns" "$log" "$XTUNCTL" monitor "$@"
	MON_PID=$BG_PID
	for mark in $(seq 101 160); do
		ip netns exec "$ns" "$XTUNCTL" dev set xtun0 fwmark $mark || return 1
		if grep -q "fwmark 0x$(printf %x $mark)\|\"fwmark\":$mark" "$log"; then
			eval "MON_SKIP_$MON_PID=$(wc -l < "$log")"
			return 0
		fi
		bg_exited "$MON_PID" && break
		sleep 0.3
	done
	echo "the monitor in $ns did not start: $(cat "$log")"
	return 1
}

# monitor_lines PID LOG: what the monitor printed after its probe, each
# line without the timestamp.
monitor_lines() {
	local skip

	eval "skip=\$MON_SKIP_$1"
	tail -n +$((skip + 1)) "$2" | cut -d' ' -f2-
}

# monitor_wait PID LOG N: until the monitor printed N lines after its probe.
monitor_wait() {
	wait_for 20 "[ \$(monitor_lines $1 $2 | wc -l) -ge $3 ]" ||
		fail "expected $3 lines, the monitor printed: $(monitor_lines "$1" "$2")"
}

# monitored_pair: the tunnel of a and b, monitors in a ($MON_A, $LOG_A) and
# in c ($MON_C, $LOG_C).
monitored_pair() {
	local dir

	dir=$(tmp_dir)
	tunnel_pair xtun xtun 4 || fail "making the tunnel"
	NS_C=$(ns_new c) || fail "making namespace c"
	check_ok ip -n "$NS_C" link add xtun0 type xtun
	LOG_A=$dir/a.log LOG_C=$dir/c.log
	monitor_start "$NS_A" "$LOG_A" || fail "monitor in a"
	MON_A=$MON_PID
	monitor_start "$NS_C" "$LOG_C" || fail "monitor in c"
	MON_C=$MON_PID
}

# c_heard_nothing: the monitor of c printed nothing after its probe.
c_heard_nothing() {
	check_eq "$(monitor_lines "$MON_C" "$LOG_C")" "" "what c's monitor heard"
}

monitor_reports_each_configuration_change_once() {
	local dir pub

	monitored_pair
	dir=$(tmp_dir)
	key_pair "$dir" new
	pub=$(cat "$dir/new.pub")
	check_ok ip netns exec "$NS_A" "$XTUNCTL" peer add xtun0 "$pub" \
		endpoint 192.0.2.7:51000 allowed-ips 10.9.0.0/24
	check_ok ip netns exec "$NS_A" "$XTUNCTL" peer set xtun0 "$pub" persistent-keepalive 25
	check_ok ip netns exec "$NS_A" "$XTUNCTL" peer del xtun0 "$pub"
	check_ok ip netns exec "$NS_A" "$XTUNCTL" dev set xtun0 listen-port 51830
	# The same settings again change nothing, and announce nothing.
	check_ok ip netns exec "$NS_A" "$XTUNCTL" dev set xtun0 listen-port 51830
	check_ok ip netns exec "$NS_A" "$XTUNCTL" peer add xtun0 "$pub"
	monitor_wait "$MON_A" "$LOG_A" 5
	sleep 1
	check_eq "$(monitor_lines "$MON_A" "$LOG_A")" \
"xtun0 peer-new peer $pub endpoint 192.0.2.7:51000
xtun0 peer-change peer $pub endpoint 192.0.2.7:51000
xtun0 peer-del peer $pub endpoint 192.0.2.7:51000
xtun0 device-change public-key $PUB_A listen-port 51830 fwmark 0x$(printf %x 101)
xtun0 peer-new peer $pub endpoint (none)" "what a's monitor heard"
	c_heard_nothing
}

monitor_reports_handshake_roam_and_expiry() {
	local dir n

	monitored_pair
	handshakes_watch || echo "no kprobes: one handshake is expected"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	# A slow guest may retransmit a's initiation as the response comes
	# in, and complete a second handshake seconds later (lib.sh): each
	# is announced once, so count them before reading the lines.
	handshakes_quiet || fail "a's handshakes with b did not end"
	n=${HANDSHAKES:-1}
	monitor_wait "$MON_A" "$LOG_A" "$n"
	check_eq "$(monitor_lines "$MON_A" "$LOG_A")" \
		"$(yes "xtun0 handshake peer $PUB_B endpoint $EP_B" | head -n "$n")" \
		"after the first ping"

	# b moves to another port: its next packet roams a's endpoint of b.
	check_ok ip netns exec "$NS_B" "$XTUNCTL" dev set xtun0 listen-port 51999
	check_ok pings "$NS_B" "$IN4_A"
	monitor_wait "$MON_A" "$LOG_A" $((n + 1))
	check_eq "$(monitor_lines "$MON_A" "$LOG_A" | tail -n 1)" \
		"xtun0 endpoint-change peer $PUB_B endpoint $OUT4_B:51999" "after b's port changed"

	# A new private key ends the session made with the old one.
	dir=$(tmp_dir)
	key_pair "$dir" new
	check_ok ip netns exec "$NS_A" "$XTUNCTL" dev set xtun0 private-key "$dir/new.key"
	monitor_wait "$MON_A" "$LOG_A" $((n + 3))
	sleep 1
	check_eq "$(monitor_lines "$MON_A" "$LOG_A" | tail -n +$((n + 2)) | sort)" \
"xtun0 device-change public-key $(cat "$dir/new.pub") listen-port $PORT_A fwmark 0x$(printf %x 101)
xtun0 session-expire peer $PUB_B endpoint $OUT4_B:51999" "after a's new private key"
	c_heard_nothing
}

monitor_filters_by_device_and_writes_json() {
	local dir lines

	monitored_pair
	dir=$(tmp_dir)
	check_ok ip -n "$NS_A" link add xtun1 type xtun
	bg_start "$NS_A" "$dir/json.log" "$XTUNCTL" monitor xtun1 -j
	wait_for 20 "ip netns exec $NS_A $XTUNCTL dev set xtun1 listen-port \$((RANDOM + 1024)) &&
		sleep 0.3 && grep -q device-change $dir/json.log" ||
		fail "the JSON monitor did not start: $(cat "$dir/json.log")"
	check_ok ip netns exec "$NS_A" "$XTUNCTL" dev set xtun0 fwmark 5
	check_ok ip netns exec "$NS_A" "$XTUNCTL" dev set xtun1 listen-port 40000
	wait_for 20 "grep -q '\"listen_port\":40000' $dir/json.log" ||
		fail "no event of xtun1: $(cat "$dir/json.log")"
	lines=$(python3 - "$dir/json.log" <<'EOF'
import json
import sys

for line in open(sys.argv[1]):
    e = json.loads(line)
    assert e["time"][:2] == "20", e
    print(e["event"], e["ifname"], e["listen_port"], e["fwmark"], e["missed"])
EOF
) || fail "not JSON lines: $(cat "$dir/json.log")"
	# xtun0's change went to a's other monitor, not to this one.
	check_eq "$(tail -n 1 <<<"$lines")" "device-change xtun1 40000 0 0" "the last JSON event"
	check_no_match "$lines" "xtun0" "events of another device"
	check_status 2 ip netns exec "$NS_A" "$XTUNCTL" monitor lo
	check_match "$OUT" "^Error: .*not an xtun device" "monitor of lo"
}

monitor_needs_cap_net_admin() {
	local ns

	ns=$(ns_new a) || fail "making the namespace"
	check_ok ip -n "$ns" link add xtun0 type xtun
	check_status 2 ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$XTUNCTL" monitor
	check_match "$OUT" "^Error: listening to xtun notifications needs CAP_NET_ADMIN" \
		"an unprivileged monitor"
}

monitor_counts_what_the_rate_limit_held_back() {
	local dir i conf

	# Each test runs in its own subshell: this trap restores the rate
	# when the subshell exits, however the test ends.
	RATE_OLD=$(cat "$RATE_PARAM")
	trap 'echo "$RATE_OLD" > "$RATE_PARAM"' EXIT
	monitored_pair
	dir=$(tmp_dir)
	echo 2 > "$RATE_PARAM"
	sleep 1.2
	# Ten peers in one request: two announced, eight held back.
	conf=$dir/peers.conf
	printf '[Interface]\nListenPort = %s\n' $PORT_A > "$conf"
	for i in $(seq 1 10); do
		key_pair "$dir" "p$i"
		printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.8.%s.0/24\n' \
			"$(cat "$dir/p$i.pub")" "$i" >> "$conf"
	done
	check_ok ip netns exec "$NS_A" "$XTUNCTL" addconf xtun0 "$conf"
	sleep 1.2
	check_ok ip netns exec "$NS_A" "$XTUNCTL" dev set xtun0 fwmark 9
	monitor_wait "$MON_A" "$LOG_A" 3
	sleep 0.5
	check_eq "$(monitor_lines "$MON_A" "$LOG_A" | grep -c peer-new)" 2 "peer-new lines"
	check_match "$(monitor_lines "$MON_A" "$LOG_A" | tail -n 1)" \
		"^xtun0 device-change .* fwmark 0x9 missed 8$" "the next line"
	# notify_rate 0: nothing at all.
	echo 0 > "$RATE_PARAM"
	check_ok ip netns exec "$NS_A" "$XTUNCTL" dev set xtun0 fwmark 10
	sleep 1
	check_eq "$(monitor_lines "$MON_A" "$LOG_A" | wc -l)" 3 "lines with notify_rate 0"
}

monitor_reports_an_unreachable_peer_once() {
	local dir pub_c

	monitored_pair
	# b keeps its address but stops answering; c never answered.
	check_ok ip -n "$NS_B" link set xtun0 down
	dir=$(tmp_dir)
	key_pair "$dir" c
	pub_c=$(cat "$dir/c.pub")
	check_ok ip netns exec "$NS_A" "$XTUNCTL" peer add xtun0 "$pub_c" \
		endpoint "$OUT4_B:9" allowed-ips 10.9.9.0/24
	check_ok ip -n "$NS_A" route add 10.9.9.0/24 dev xtun0
	# One packet to c: its retries give up after 90 s.  A ping a second
	# to b: each starts b's retries again, so they never give up, and b
	# is unreachable all the same once 90 s went unanswered.
	check_fails pings "$NS_A" 10.9.9.1
	bg_start "$NS_A" "$dir/ping.log" ping -n -i 1 -w 125 "$IN4_B"
	wait_for 125 "[ \$(monitor_lines $MON_A $LOG_A | grep -c peer-unreachable) -ge 2 ]" ||
		fail "no two unreachable peers: $(monitor_lines "$MON_A" "$LOG_A")"
	# Once each: b's series goes on, c's ended.
	sleep 12
	check_eq "$(monitor_lines "$MON_A" "$LOG_A" | sort)" \
		"$(sort <<-EOF
		xtun0 peer-new peer $pub_c endpoint $OUT4_B:9
		xtun0 peer-unreachable peer $PUB_B endpoint $EP_B
		xtun0 peer-unreachable peer $pub_c endpoint $OUT4_B:9
		EOF
		)" "what a's monitor heard"
	c_heard_nothing
}

# roams_of_b FIRST LAST: b moves to each port from FIRST to LAST and pings
# a from there, each roaming a's endpoint of b; one shell in b, so that
# the roams come faster than a second apart even in a slow guest.
roams_of_b() {
	ip netns exec "$NS_B" bash -c 'for port in $(seq "$2" "$3"); do
		"$1" dev set xtun0 listen-port "$port" &&
			ping -n -q -c 1 -W 2 "$4" >/dev/null || exit 1
	done' _ "$XTUNCTL" "$1" "$2" "$IN4_A"
}

monitor_limits_each_peer_on_its_own() {
	local start took lines last held sent

	RATE_OLD=$(cat "$PEER_RATE_PARAM")
	trap 'echo "$RATE_OLD" > "$PEER_RATE_PARAM"' EXIT
	monitored_pair
	handshakes_watch || echo "no kprobes: the handshakes are over when the counters rest"
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	# A second handshake of a slow guest's retransmit (lib.sh) would take
	# a token of the roams' below: it must be over first.
	handshakes_quiet || fail "a's handshakes with b did not end"
	monitor_wait "$MON_A" "$LOG_A" 1
	echo 1 > "$PEER_RATE_PARAM"
	sleep 1.2
	# Twenty roams of b as fast as they go: about one a second announced.
	start=$(date +%s%N)
	check_ok roams_of_b 52001 52020
	took=$((($(date +%s%N) - start) / 1000000))
	sleep 1.2
	# One more: it goes out, with the count of any still held back.
	check_ok roams_of_b 52100 52100
	wait_for 20 "monitor_lines $MON_A $LOG_A | grep -q ':52100\( \|\$\)'" ||
		fail "no roam to 52100: $(monitor_lines "$MON_A" "$LOG_A")"
	sleep 0.5
	lines=$(monitor_lines "$MON_A" "$LOG_A" | tail -n +2)
	last=$(tail -n 1 <<<"$lines")
	check_eq "${last% peer-missed *}" \
		"xtun0 endpoint-change peer $PUB_B endpoint $OUT4_B:52100" \
		"the roam after the flood"
	sent=$(($(grep -c endpoint-change <<<"$lines") - 1))
	held=$(sed -n 's/.* peer-missed \([0-9]*\)$/\1/p' <<<"$lines" | awk '{ s += $1 } END { print s + 0 }')
	echo "# $sent of 20 roams in $took ms announced, ${held:-0} held back"
	check_eq $((sent + ${held:-0})) 20 "roams announced and held back"
	[ "${held:-0}" -gt 0 ] || fail "nothing held back of 20 roams in $took ms"
	# A token at the start, and one for each second the roams took.
	[ "$sent" -le $((2 + took / 1000)) ] ||
		fail "$sent roams announced in $took ms at 1 a second"
	# The peer's limit held them back, not the group's.
	check_no_match "$lines" " missed " "the group's count"
	c_heard_nothing
}

# monitor_completions WORD...: what bash completion offers for the last
# WORD of "xtunctl monitor WORD...", sorted on one line, with the PATH
# COMP_PATH if set.
monitor_completions() {
	ip netns exec "$NS_A" env PATH="${COMP_PATH:-$PATH}" /bin/bash -c 'source "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_xtunctl || exit 1
		[ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$XTUN_REPO/tools/tunctl/completion/xtunctl" "$@" 2>/dev/null |
		sort | paste -sd' '
}

monitor_is_completed_by_bash() {
	NS_A=$(ns_new a) || fail "making the namespace"
	check_ok ip -n "$NS_A" link add xtun0 type xtun
	check_ok ip -n "$NS_A" link add xtun1 type xtun
	check_eq "$(monitor_completions "$XTUNCTL" mo)" "monitor" "the command"
	# Without an xtunctl to ask, the known commands stand in for its help.
	check_eq "$(COMP_PATH=/nonexistent monitor_completions /nonexistent/xtunctl mo)" \
		"monitor" "the command, from the known ones"
	check_eq "$(monitor_completions "$XTUNCTL" monitor "")" "xtun0 xtun1" "its device"
	check_eq "$(monitor_completions "$XTUNCTL" monitor -j "")" "xtun0 xtun1" \
		"its device after -j"
	check_eq "$(monitor_completions "$XTUNCTL" monitor xtun0 -)" "--json -j" "its options"
	check_eq "$(monitor_completions "$XTUNCTL" monitor xtun0 "")" "" "after the device"
}

DEBUG_KERNEL_TESTS="monitor_reports_each_configuration_change_once
	monitor_reports_handshake_roam_and_expiry
	monitor_reports_an_unreachable_peer_once
	monitor_limits_each_peer_on_its_own"

ktap_run_tests \
	monitor_reports_each_configuration_change_once \
	monitor_reports_handshake_roam_and_expiry \
	monitor_filters_by_device_and_writes_json \
	monitor_needs_cap_net_admin \
	monitor_counts_what_the_rate_limit_held_back \
	monitor_reports_an_unreachable_peer_once \
	monitor_limits_each_peer_on_its_own \
	monitor_is_completed_by_bash
