#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtunctl up and down: a tunnel from a config file, with addresses, MTU,
# routes, full-tunnel rules and hooks, and "down" leaving the namespace as
# it found it, also after "up" failed or was killed.
#
#   namespace "a": xtunctl up FILE          namespace "b": set up by hand
#   IFNAME (per test)                       xtun0 (xtunctl) or wg0 (wg)
#     10.241.0.1/24 fd00:f1::1/64             10.241.0.2/24 fd00:f1::2/64
#     listen 51820                            listen 51821, peer a
#   veth0 192.168.241.1/24 fd00:241::1/64 <-> veth0 192.168.241.2/24 fd00:241::2/64
#
# The full-tunnel test puts b's endpoint and a "remote LAN" on b's lo,
# reached from a only by a's default route:
#
#   a: default via 192.168.241.2            b: lo 198.51.100.2 (endpoint)
#                                              lo 172.16.99.1 fd00:99::1 (LAN)
#
# Each test uses its own interface name, so that a state file an aborted
# run left behind in /run/xtun is easy to clear.

source "$(dirname "$0")/lib.sh"
require_cmd ping

STATE_DIR=/run/xtun

# xa ARGS...: xtunctl in namespace a.
xa() {
	ip netns exec "$NS_A" "$XTUNCTL" "$@"
}

# state_file IFNAME: where up keeps IFNAME's undo log in namespace a
# (named after the namespace, which is not the host's).
state_file() {
	echo "$STATE_DIR/$1.netns-$(ip netns exec "$NS_A" stat -L -c %i /proc/self/ns/net).state"
}

# fresh_name NAME: NAME, without the state file an aborted earlier run of
# this script may have left.
fresh_name() {
	rm -f "$STATE_DIR/$1".*state
	echo "$1"
}

# settle NS: IPv6 duplicate address detection is over, so that addresses
# and routes stay as they are.
settle() {
	wait_until 10 no_tentative "$1" || fail "addresses in $1 stay tentative"
}

no_tentative() {
	! ip -n "$1" -6 addr show | grep -q tentative
}

# snapshot NS: what "down" must restore: addresses, routes of all tables
# and rules, of both families.
snapshot() {
	echo "== addresses"; ip -n "$1" addr show
	echo "== routes"; ip -n "$1" -4 route show table all
	ip -n "$1" -6 route show table all
	echo "== rules"; ip -n "$1" -4 rule show
	ip -n "$1" -6 rule show
}

# check_restored NS BEFORE: the snapshot of NS is BEFORE again.
check_restored() {
	local after

	after=$(snapshot "$1")
	[ "$after" = "$2" ] ||
		fail "$1 differs from before up: $(diff <(echo "$2") <(echo "$after") | grep '^[<>]')"
}

# sites: namespaces a and b joined by veth0; keys in $KEYS.
sites() {
	xtun_load
	NS_A=$(ns_new a) && NS_B=$(ns_new b) && KEYS=$(tmp_dir)
	veth_link "$NS_A" "$NS_B"
	key_pair "$KEYS" a && key_pair "$KEYS" b
	PUB_A=$(cat "$KEYS/a.pub") PUB_B=$(cat "$KEYS/b.pub")
}

# site_b KIND [ALLOWED]: b's tunnel device (xtun0 with xtunctl, or wg0 with
# wg), peer a allowed ALLOWED (a's tunnel addresses), no endpoint: b learns
# it from a's handshake.
site_b() {
	tun_dev "$NS_B" "$1" "$2" "$KEYS/b.key" $PORT_B "$IN4_B" "$IN6_B" ||
		fail "setting up $2 in b"
	IF_B=$2
	tun_peer "$NS_B" "$IF_B" add "$PUB_A" allowed-ips "${3:-$IN4_A/32,$IN6_A/128}" ||
		fail "adding peer a to b"
}

# conf_a FILE ENDPOINT ALLOWED [EXTRA...]: a's config file, with b as its
# peer; EXTRA lines go into [Interface].
conf_a() {
	local file=$1 ep=$2 allowed=$3 line

	shift 3
	{
		echo "[Interface]"
		echo "PrivateKey = $(cat "$KEYS/a.key")"
		echo "ListenPort = $PORT_A"
		for line; do echo "$line"; done
		echo
		echo "[Peer]"
		echo "PublicKey = $PUB_B"
		[ -z "$ep" ] || echo "Endpoint = $ep"
		echo "AllowedIPs = $allowed"
	} > "$file"
}

link_mtu() {
	ip -n "$NS_A" -o link show dev "$1" | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'
}

# --- tests ------------------------------------------------------------------

up_then_down_restores_addresses_routes_and_rules() {
	local dir ifname before

	sites
	site_b xtun xtun0
	dir=$(tmp_dir) ifname=$(fresh_name ud-basic)
	# 10.241.0.0/24 is the Address's own prefix route: not added twice.
	conf_a "$dir/$ifname.conf" "$(endpoint "$OUT4_B" $PORT_B)" \
		"10.241.0.0/24, $IN4_B/32, $IN6_B/128, 10.99.0.0/16, 10.98.1.7/16" \
		"Address = $IN4_A/24" "Address = $IN6_A/64"
	settle "$NS_A"
	before=$(snapshot "$NS_A")

	check_ok xa up "$dir/$ifname.conf"
	check_match "$(ip -n "$NS_A" -o addr show dev "$ifname")" "inet $IN4_A/24" "IPv4 address"
	check_match "$(ip -n "$NS_A" -o addr show dev "$ifname")" "inet6 $IN6_A/64" "IPv6 address"
	check_match "$(ip -n "$NS_A" -o link show dev "$ifname")" "<[^>]*,UP[,>]" "link flags"
	# veth0's 1500 less 60 for an IPv4 endpoint, capped at 1420.
	check_eq "$(link_mtu "$ifname")" 1420 "MTU"
	check_eq "$(ip -n "$NS_A" -4 route show dev "$ifname" | sed 's/ *$//' | sort)" \
"10.241.0.0/24 proto kernel scope link src $IN4_A
10.241.0.2 scope link
10.98.0.0/16 scope link
10.99.0.0/16 scope link" "IPv4 routes through $ifname"
	check_match "$(ip -n "$NS_A" -6 route show dev "$ifname")" "^$IN6_B " "IPv6 route to b"
	check_no_match "$(ip -n "$NS_A" -4 rule show)" "suppress_prefixlength" \
		"IPv4 rules without a full tunnel"
	check_eq "$(tun_peer_field "$NS_A" "$ifname" "$PUB_B" endpoint)" "$OUT4_B:$PORT_B" \
		"a's endpoint for b"
	check_match "$(tun_peer_field "$NS_A" "$ifname" "$PUB_B" allowed-ips)" "10.99.0.0/16" \
		"a's allowed IPs for b"
	check_eq "$(tun_dev_field "$NS_A" "$ifname" listen-port)" $PORT_A "a's listen port"
	tunnel_works "$NS_A" "$IN4_B" || fail "a cannot reach b over IPv4"
	check_ok pings "$NS_A" "$IN6_B"

	# down needs nothing but the name: the file may be gone.
	rm "$dir/$ifname.conf"
	check_ok xa down "$dir/$ifname.conf"
	check_restored "$NS_A" "$before"
	[ ! -e "$(state_file "$ifname")" ] || fail "the state file is left after down"
	! ip -n "$NS_A" link show dev "$ifname" >/dev/null 2>&1 || fail "$ifname is left after down"
}

# up_mtu EXPECTED ENDPOINT [EXTRA...]: up with that endpoint gives MTU
# EXPECTED; then down.
up_mtu() {
	local want=$1 ep=$2

	shift 2
	conf_a "$DIR/$IFNAME.conf" "$ep" "10.241.0.2/32" "$@"
	check_ok xa up "$DIR/$IFNAME.conf"
	check_eq "$(link_mtu "$IFNAME")" "$want" "MTU for endpoint '$ep' $*"
	check_ok xa down "$IFNAME.conf"
}

mtu_follows_the_path_to_the_endpoints() {
	sites
	DIR=$(tmp_dir) IFNAME=$(fresh_name ud-mtu)
	check_ok ip -n "$NS_A" link set veth0 mtu 1400
	up_mtu 1340 "$(endpoint "$OUT4_B" $PORT_B)"
	up_mtu 1320 "$(endpoint "$OUT6_B" $PORT_B)"
	# A route's own mtu counts before its device's.
	check_ok ip -n "$NS_A" route add 198.51.100.0/24 via "$OUT4_B" mtu 1300
	up_mtu 1240 "198.51.100.1:$PORT_B"
	# No endpoint: the default route's device, less 80.
	check_ok ip -n "$NS_A" route add default via "$OUT4_B"
	up_mtu 1320 ""
	check_ok ip -n "$NS_A" link set veth0 mtu 1500
	up_mtu 1420 "$(endpoint "$OUT4_B" $PORT_B)"
	check_ok ip -n "$NS_A" link set veth0 mtu 9000
	up_mtu 1420 "$(endpoint "$OUT6_B" $PORT_B)"
	up_mtu 1280 "$(endpoint "$OUT4_B" $PORT_B)" "MTU = 1280"
	up_mtu 8000 "$(endpoint "$OUT4_B" $PORT_B)" "MTU = 8000"
}

failed_up_leaves_nothing_behind() {
	local dir ifname before

	sites
	dir=$(tmp_dir) ifname=$(fresh_name ud-fail)
	check_ok ip -n "$NS_A" route add default via "$OUT4_B"
	settle "$NS_A"
	before=$(snapshot "$NS_A")

	# The last step fails: everything before it, rules too, is undone.
	conf_a "$dir/$ifname.conf" "$(endpoint "$OUT4_B" $PORT_B)" "0.0.0.0/0, ::/0" \
		"Address = $IN4_A/24" "Address = $IN6_A/64" "PostUp = false"
	check_status 2 xa up "$dir/$ifname.conf"
	check_match "$OUT" "up $ifname: PostUp 'false' failed \(exit 1\)" "message"
	check_match "$OUT" "up $ifname: undone" "message"
	check_restored "$NS_A" "$before"
	[ ! -e "$(state_file "$ifname")" ] || fail "the state file is left after a failed up"

	# A route that exists through another device: ip refuses it half-way.
	conf_a "$dir/$ifname.conf" "$(endpoint "$OUT4_B" $PORT_B)" "10.7.0.0/16, 192.168.241.0/24" \
		"Address = $IN4_A/24"
	check_status 2 xa up "$dir/$ifname.conf"
	check_match "$OUT" "'ip -4 route add 192.168.241.0/24 dev $ifname' failed \(exit 2\)" "message"
	check_restored "$NS_A" "$before"
	[ ! -e "$(state_file "$ifname")" ] || fail "the state file is left after a failed up"

	# Killed at the end: the state file remains, and down undoes it all.
	conf_a "$dir/$ifname.conf" "$(endpoint "$OUT4_B" $PORT_B)" "0.0.0.0/0, ::/0" \
		"Address = $IN4_A/24" 'PostUp = kill -9 $PPID'
	check_status 137 xa up "$dir/$ifname.conf"
	[ -e "$(state_file "$ifname")" ] || fail "no state file after up was killed"
	check_match "$(ip -n "$NS_A" -4 rule show)" "suppress_prefixlength 0" "rules after up was killed"
	check_ok xa down "$ifname"
	check_restored "$NS_A" "$before"
	[ ! -e "$(state_file "$ifname")" ] || fail "the state file is left after down"
}

hooks_run_in_order_with_the_interface_name() {
	local dir ifname log want

	sites
	dir=$(tmp_dir) ifname=$(fresh_name ud-hook)
	log=$dir/hooks.log
	# Each hook says where it runs: before the device exists, once it has
	# its address, before it is deleted, after.
	conf_a "$dir/$ifname.conf" "" "10.241.0.2/32" "Address = $IN4_A/24" \
		"PreUp = echo \"preup1 %i \$(ip -br link show dev %i 2>/dev/null | wc -l)\" >> $log" \
		"PostDown = echo \"postdown %i \$(ip -br link show dev %i 2>/dev/null | wc -l)\" >> $log" \
		"PreUp = echo preup2 >> $log" \
		"PostUp = echo \"postup %i \$(ip -br addr show dev %i | awk '{print \$3}')\" >> $log" \
		"PreDown = echo \"predown %i \$(ip -br link show dev %i 2>/dev/null | wc -l)\" >> $log" \
		"PreDown = echo predown2 >> $log"
	check_ok xa up "$dir/$ifname.conf"
	want="preup1 $ifname 0
preup2
postup $ifname $IN4_A/24"
	check_eq "$(cat "$log")" "$want" "hooks run by up"
	# down runs the hooks of the config that was brought up.
	conf_a "$dir/$ifname.conf" "" "10.241.0.2/32" "PreDown = echo changed >> $log"
	check_ok xa down "$ifname.conf"
	check_eq "$(cat "$log")" "$want
predown $ifname 1
predown2
postdown $ifname 0" "hooks run by up and down"
}

full_tunnel_routes_everything_but_its_own_packets() {
	local dir ifname before rx0 rx1

	sites
	site_b xtun xtun0
	dir=$(tmp_dir) ifname=$(fresh_name ud-full)
	check_ok ip -n "$NS_B" addr add 198.51.100.2/32 dev lo
	check_ok ip -n "$NS_B" addr add 172.16.99.1/32 dev lo
	check_ok ip -n "$NS_B" addr add fd00:99::1/128 dev lo
	check_ok ip -n "$NS_A" route add default via "$OUT4_B"
	check_ok ip -n "$NS_A" -6 route add default via "$OUT6_B"
	# Table 51820 has a route already: up must take the next one, and
	# leave this route alone.
	check_ok ip -n "$NS_A" route add 203.0.113.0/24 via "$OUT4_B" table 51820
	# Loose reverse-path filtering, as systemd sets it, lets the peer's
	# packets in although the way back to their source is the tunnel.
	check_ok ip netns exec "$NS_A" sysctl -qw net.ipv4.conf.all.rp_filter=2
	check_match "$(ip -n "$NS_A" route get 172.16.99.1)" "dev veth0" "the LAN's route before up"
	settle "$NS_A"
	before=$(snapshot "$NS_A")

	conf_a "$dir/$ifname.conf" "198.51.100.2:$PORT_B" "0.0.0.0/0, ::/0" \
		"Address = $IN4_A/24, $IN6_A/64"
	check_ok xa up "$dir/$ifname.conf"
	check_eq "$(tun_dev_field "$NS_A" "$ifname" fwmark)" 0xca6d "a's fwmark (table 51821)"
	check_match "$(ip -n "$NS_A" -4 route show table 51821)" "^default dev $ifname scope link *$" \
		"IPv4 table 51821"
	check_match "$(ip -n "$NS_A" -6 route show table 51821)" "^default dev $ifname " \
		"IPv6 table 51821"
	for v in 4 6; do
		check_eq "$(ip -n "$NS_A" -$v rule show | sed -n 2,3p)" \
"32764:	from all lookup main suppress_prefixlength 0
32765:	not from all fwmark 0xca6d lookup 51821" "IPv$v rules"
	done
	# The tunnel's own packets to the endpoint keep to the outer network.
	check_match "$(ip -n "$NS_A" route get 198.51.100.2 mark 0xca6d)" "dev veth0" \
		"the route of the tunnel's packets"
	check_match "$(ip -n "$NS_A" route get 172.16.99.1)" "dev $ifname" "the LAN's route"

	rx0=$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" transfer-rx)
	tunnel_works "$NS_A" 172.16.99.1 || fail "a cannot reach b's LAN through the tunnel"
	check_ok pings "$NS_A" fd00:99::1
	check_ok pings "$NS_A" 172.16.99.1 3
	rx1=$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" transfer-rx)
	[ "$rx1" -ge $((rx0 + 3 * 84)) ] || fail "b received $((rx1 - rx0)) bytes from a for 3 pings"
	# b heard a's handshake from a's outer address: the UDP went over veth0.
	check_eq "$(tun_peer_field "$NS_B" "$IF_B" "$PUB_A" endpoint)" "$OUT4_A:$PORT_A" \
		"b's endpoint for a"

	check_ok xa down "$ifname"
	check_restored "$NS_A" "$before"
	check_match "$(ip -n "$NS_A" route get 172.16.99.1)" "dev veth0" "the LAN's route after down"
}

table_says_where_the_routes_go() {
	local dir ifname before

	sites
	dir=$(tmp_dir) ifname=$(fresh_name ud-table)
	settle "$NS_A"
	before=$(snapshot "$NS_A")

	# A numbered table takes every route, a /0 too, and no rule is added.
	conf_a "$dir/$ifname.conf" "" "10.7.0.0/16, 0.0.0.0/0, fd00:7::/48" \
		"Address = $IN4_A/24" "Table = 1234"
	check_ok xa up "$dir/$ifname.conf"
	check_eq "$(ip -n "$NS_A" -4 route show table 1234 | sed 's/ *$//' | sort)" \
"10.7.0.0/16 dev $ifname scope link
default dev $ifname scope link" "IPv4 table 1234"
	check_match "$(ip -n "$NS_A" -6 route show table 1234)" "^fd00:7::/48 dev $ifname " "IPv6 table 1234"
	check_no_match "$(ip -n "$NS_A" route show)" "10.7.0.0" "main table with Table = 1234"
	check_no_match "$(ip -n "$NS_A" -4 rule show)" "suppress_prefixlength" "rules with Table = 1234"
	check_ok xa down "$ifname"
	check_restored "$NS_A" "$before"

	# off: the kernel's prefix route of the Address, nothing else.
	conf_a "$dir/$ifname.conf" "" "10.7.0.0/16, 0.0.0.0/0" "Address = $IN4_A/24" "Table = off"
	check_ok xa up "$dir/$ifname.conf"
	check_eq "$(ip -n "$NS_A" -4 route show table all dev "$ifname" | grep -v '^\(local\|broadcast\) ' | sed 's/ *$//')" \
		"10.241.0.0/24 proto kernel scope link src $IN4_A" "routes with Table = off"
	check_no_match "$(ip -n "$NS_A" -4 rule show)" "suppress_prefixlength" "rules with Table = off"
	check_ok xa down "$ifname"
	check_restored "$NS_A" "$before"

	# The file's FwMark is the full tunnel's table.
	conf_a "$dir/$ifname.conf" "" "0.0.0.0/0" "Address = $IN4_A/24" "FwMark = 0x1234"
	check_ok xa up "$dir/$ifname.conf"
	check_eq "$(tun_dev_field "$NS_A" "$ifname" fwmark)" 0x1234 "a's fwmark"
	check_eq "$(ip -n "$NS_A" -4 rule show | sed -n 3p)" \
		"32765:	not from all fwmark 0x1234 lookup 4660" "IPv4 rule with FwMark"
	check_match "$(ip -n "$NS_A" -4 route show table 4660)" "^default dev $ifname " "table 4660"
	check_eq "$(ip -n "$NS_A" -6 rule show | grep -c fwmark)" 0 "IPv6 rules without ::/0"
	check_ok xa down "$ifname"
	check_restored "$NS_A" "$before"
}

wireguard_config_file_works_against_wg() {
	local dir ifname

	require_cmd wg
	modprobe wireguard 2>/dev/null || true
	xtun_load
	NS_A=$(ns_new a) && NS_B=$(ns_new b)
	veth_link "$NS_A" "$NS_B"
	dir=$(tmp_dir) ifname=$(fresh_name ud-wg)
	(umask 077 && wg genkey > "$dir/a.key" && wg genkey > "$dir/b.key")
	# b: WireGuard, configured with wg and ip alone.
	check_ok ip -n "$NS_B" link add wg0 type wireguard
	check_ok ip netns exec "$NS_B" wg set wg0 private-key "$dir/b.key" listen-port $PORT_B \
		peer "$(wg pubkey < "$dir/a.key")" allowed-ips "$IN4_A/32"
	check_ok ip -n "$NS_B" addr add "$IN4_B/24" dev wg0
	check_ok ip -n "$NS_B" link set wg0 up
	# a: a file as a wg-quick user writes it.
	cat > "$dir/$ifname.conf" <<-EOF
		# site a
		[Interface]
		PrivateKey = $(cat "$dir/a.key")
		ListenPort = $PORT_A
		Address = $IN4_A/24

		[Peer]
		# site b
		PublicKey = $(wg pubkey < "$dir/b.key")
		Endpoint = $OUT4_B:$PORT_B
		AllowedIPs = 10.241.0.0/24
	EOF
	check_ok xa up "$dir/$ifname.conf"
	tunnel_works "$NS_A" "$IN4_B" || fail "a cannot reach WireGuard b"
	check_match "$(ip netns exec "$NS_B" wg show wg0 latest-handshakes)" "	[1-9][0-9]+$" \
		"b's latest handshake"
	check_ok xa down "$dir/$ifname.conf"
}

up_and_down_refuse_what_they_cannot_do() {
	local dir ifname

	sites
	dir=$(tmp_dir) ifname=$(fresh_name ud-usage)
	check_status 1 xa up
	check_status 1 xa down
	check_status 1 xa up a b
	check_status 1 xa up ud-no-such-conf
	check_match "$OUT" "/etc/xtun/ud-no-such-conf.conf" "message for a missing NAME"
	check_status 1 xa up "$dir/bad/name.txt"
	check_status 1 xa up "$dir/much-too-long-name.conf"
	check_status 1 xa down "$ifname"
	check_match "$OUT" "no $(state_file "$ifname")" "message for down of a device not up"

	conf_a "$dir/$ifname.conf" "" "10.241.0.2/32" "Address = $IN4_A/24" "Colour = blue"
	check_status 1 xa up "$dir/$ifname.conf"
	check_match "$OUT" "$ifname.conf:5: Colour: unknown key" "message for a bad config"
	! ip -n "$NS_A" link show dev "$ifname" >/dev/null 2>&1 || fail "a bad config made $ifname"

	conf_a "$dir/$ifname.conf" "" "10.241.0.2/32" "Address = $IN4_A/24"
	check_ok xa up "$dir/$ifname.conf"
	check_status 1 xa up "$dir/$ifname.conf"
	check_match "$OUT" "$(state_file "$ifname") exists" "message for up twice"
	# Another namespace's device of the same name is not ours to delete:
	# there, it was never brought up.
	check_status 1 ip netns exec "$NS_B" "$XTUNCTL" down "$ifname"
	check_match "$OUT" "$ifname was not brought up by 'xtunctl up'" "message for down elsewhere"
	check_ok ip -n "$NS_A" link show dev "$ifname"
	# The same name can be up in two namespaces at once (two sites on one
	# machine), each with its own state file.
	check_ok ip netns exec "$NS_B" "$XTUNCTL" up "$dir/$ifname.conf"
	check_ok ip netns exec "$NS_B" "$XTUNCTL" down "$ifname"
	check_fails ip -n "$NS_B" link show dev "$ifname"
	check_ok ip -n "$NS_A" link show dev "$ifname"
	check_ok xa down "$ifname"

	# A device of that name that up did not make is left alone.
	check_ok ip -n "$NS_A" link add "$ifname" type xtun
	check_status 1 xa up "$dir/$ifname.conf"
	check_match "$OUT" "a device named $ifname exists already" "message for an existing device"
	check_ok ip -n "$NS_A" link show dev "$ifname"
	[ ! -e "$(state_file "$ifname")" ] || fail "a refused up left a state file"
}

ktap_run_tests \
	up_then_down_restores_addresses_routes_and_rules \
	mtu_follows_the_path_to_the_endpoints \
	failed_up_leaves_nothing_behind \
	hooks_run_in_order_with_the_interface_name \
	full_tunnel_routes_everything_but_its_own_packets \
	table_says_where_the_routes_go \
	wireguard_config_file_works_against_wg \
	up_and_down_refuse_what_they_cannot_do
