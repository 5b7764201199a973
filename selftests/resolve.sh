#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Endpoints given as names in config files (xtunctl setconf, syncconf, up):
# a name resolves through the namespace's own /etc/hosts; a name that does
# not resolve, for good or for now, leaves its peer without an endpoint
# with a warning naming it, and the command succeeds; a name that does not
# resolve yet is tried again until XTUN_RESOLVE_TIMEOUT; xtunctl reresolve
# follows a name that moved.
#
# Each test has one namespace with only lo.  "ip netns exec" bind-mounts
# the files of /etc/netns/NS/ over /etc, so each namespace has a hosts
# file, nsswitch.conf and resolv.conf of its own; the guest's /etc is a
# tmpfs, so the mount points may be made where missing.

source "$(dirname "$0")/lib.sh"

xc() {
	ip netns exec "$NS" "$XTUNCTL" "$@"
}

# with_names NSSWITCH_HOSTS: namespace $NS whose names come from
# $ETC/hosts, looked up by "hosts: NSSWITCH_HOSTS"; DNS goes to a server
# no route reaches, so that it fails for now (EAI_AGAIN), not for good.
with_names() {
	local f

	xtun_load
	NS=$(ns_new r) && DIR=$(tmp_dir) || fail "making the namespace"
	ETC=/etc/netns/$NS
	mkdir -p "$ETC" || fail "making $ETC"
	for f in hosts nsswitch.conf resolv.conf; do
		[ -e "/etc/$f" ] || touch "/etc/$f" || skip "/etc/$f is missing and /etc is read-only"
	done
	echo "127.0.0.1 localhost" > "$ETC/hosts"
	echo "hosts: $1" > "$ETC/nsswitch.conf"
	printf 'nameserver 192.0.2.53\noptions timeout:1 attempts:1\n' > "$ETC/resolv.conf"
	key_pair "$DIR" dev && key_pair "$DIR" p1 && key_pair "$DIR" p2 ||
		fail "making keys"
	PRIV=$(cat "$DIR/dev.key")
	P1=$(cat "$DIR/p1.pub") P2=$(cat "$DIR/p2.pub")
}

# write_conf FILE P1_ENDPOINT: p1 at P1_ENDPOINT (line 7), p2 at an address.
write_conf() {
	cat > "$1" <<-EOF
	[Interface]
	PrivateKey = $PRIV
	MTU = 1420

	[Peer]
	PublicKey = $P1
	Endpoint = $2
	AllowedIPs = 10.9.1.0/24

	[Peer]
	PublicKey = $P2
	Endpoint = 192.0.2.2:51820
	AllowedIPs = 10.9.2.0/24
	EOF
	# Kept to its owner, as a file with a private key should be: the
	# checks below read xtunctl's every line, and the permission warning
	# (config.sh tests it) is not theirs.
	chmod go= "$1"
}

peer_endpoint() {
	xtun_peer_field "$NS" "${2:-xtun0}" "$1" endpoint
}

done_names() {
	rm -rf "$ETC"
}

setconf_resolves_a_name_from_the_hosts_file() {
	with_names files
	echo "192.0.2.7 peer-one.test" >> "$ETC/hosts"
	ip -n "$NS" link add xtun0 type xtun || fail "creating xtun0"
	write_conf "$DIR/a.conf" peer-one.test:51820
	check_ok xc setconf xtun0 "$DIR/a.conf"
	check_no_match "$OUT" "warning" "setconf's output"
	check_eq "$(peer_endpoint "$P1")" "192.0.2.7:51820" "p1's endpoint"
	check_eq "$(peer_endpoint "$P2")" "192.0.2.2:51820" "p2's endpoint"
	done_names
}

setconf_of_an_unknown_name_sets_the_peer_without_endpoint() {
	with_names files
	ip -n "$NS" link add xtun0 type xtun || fail "creating xtun0"
	write_conf "$DIR/a.conf" no-such-peer.test:51820
	check_ok xc setconf xtun0 "$DIR/a.conf"
	echo "$OUT"
	check_match "$OUT" "warning: $DIR/a.conf:7: Endpoint: cannot resolve 'no-such-peer.test:51820'" \
		"the warning names file, line and name"
	check_match "$OUT" "peer ${P1//+/\\+} is configured without an endpoint" "the warning names the peer"
	check_eq "$(peer_endpoint "$P1")" "(none)" "p1's endpoint"
	check_eq "$(peer_endpoint "$P2")" "192.0.2.2:51820" "p2's endpoint"
	done_names
}

# DNS cannot be reached: tried again until the limit, then as above.
setconf_retries_a_name_that_does_not_resolve_yet_until_the_limit() {
	local start took

	with_names "files dns"
	ip -n "$NS" link add xtun0 type xtun || fail "creating xtun0"
	write_conf "$DIR/a.conf" later-peer.test:51820
	start=$(date +%s)
	check_ok env XTUN_RESOLVE_TIMEOUT=3 ip netns exec "$NS" "$XTUNCTL" \
		setconf xtun0 "$DIR/a.conf"
	took=$(($(date +%s) - start))
	echo "$OUT"
	check_match "$OUT" "do not resolve yet; trying again in 1 s" "the first retry"
	check_match "$OUT" "warning: $DIR/a.conf:7: Endpoint: cannot resolve 'later-peer.test:51820'" \
		"the warning after the limit"
	[ "$took" -ge 3 ] || fail "gave up after $took s, before XTUN_RESOLVE_TIMEOUT=3"
	[ "$took" -le 15 ] || fail "took $took s for XTUN_RESOLVE_TIMEOUT=3"
	check_eq "$(peer_endpoint "$P1")" "(none)" "p1's endpoint"
	# A malformed limit is refused before anything changes.
	check_status 1 env XTUN_RESOLVE_TIMEOUT=soon ip netns exec "$NS" \
		"$XTUNCTL" setconf xtun0 "$DIR/a.conf"
	check_match "$OUT" "XTUN_RESOLVE_TIMEOUT 'soon'" "the refusal"
	done_names
}

# The name appears later (the hosts file is edited); syncconf, as
# "systemctl reload" runs it, then gives the peer its endpoint, and a
# name moved to another address moves the endpoint.
syncconf_gives_the_endpoint_once_the_name_resolves() {
	with_names files
	ip -n "$NS" link add xtun0 type xtun || fail "creating xtun0"
	write_conf "$DIR/a.conf" peer-one.test:51820
	check_ok xc setconf xtun0 "$DIR/a.conf"
	check_eq "$(peer_endpoint "$P1")" "(none)" "p1's endpoint before"
	echo "192.0.2.7 peer-one.test" >> "$ETC/hosts"
	check_ok xc syncconf xtun0 "$DIR/a.conf"
	check_eq "$(peer_endpoint "$P1")" "192.0.2.7:51820" "p1's endpoint once it resolves"
	echo "127.0.0.1 localhost" > "$ETC/hosts"
	echo "192.0.2.8 peer-one.test" >> "$ETC/hosts"
	check_ok xc syncconf xtun0 "$DIR/a.conf"
	check_eq "$(peer_endpoint "$P1")" "192.0.2.8:51820" "p1's endpoint after the name moved"
	done_names
}

up_with_an_unknown_name_comes_up_without_that_endpoint() {
	local ifname=xres0

	rm -f /run/xtun/"$ifname".*state
	with_names files
	write_conf "$DIR/$ifname.conf" no-such-peer.test:51820
	check_ok xc up "$DIR/$ifname.conf"
	echo "$OUT"
	check_match "$OUT" "warning: $DIR/$ifname.conf:7: Endpoint: cannot resolve 'no-such-peer.test:51820'" \
		"up's warning"
	check_eq "$(peer_endpoint "$P1" "$ifname")" "(none)" "p1's endpoint"
	check_eq "$(peer_endpoint "$P2" "$ifname")" "192.0.2.2:51820" "p2's endpoint"
	check_match "$(ip -n "$NS" link show "$ifname")" "UP" "the device is up"
	check_ok xc down "$DIR/$ifname.conf"
	done_names
}

# reresolve, as xtun-reresolve@.timer runs it: a peer with no handshake
# follows its name to the new address; a peer whose name did not resolve
# at setconf gets its endpoint once it does; the rest of the file is not
# applied.
reresolve_moves_the_endpoint_of_a_name_that_moved() {
	with_names files
	echo "192.0.2.7 peer-one.test" >> "$ETC/hosts"
	ip -n "$NS" link add xtun0 type xtun || fail "creating xtun0"
	write_conf "$DIR/a.conf" peer-one.test:51820
	check_ok xc setconf xtun0 "$DIR/a.conf"
	check_eq "$(peer_endpoint "$P1")" "192.0.2.7:51820" "p1's endpoint before"
	check_ok xc reresolve xtun0 "$DIR/a.conf"
	check_eq "$OUT" "" "reresolve with nothing moved"
	printf '127.0.0.1 localhost\n192.0.2.8 peer-one.test\n' > "$ETC/hosts"
	check_ok xc peer set xtun0 "$P2" endpoint 192.0.2.99:1
	check_ok xc reresolve xtun0 "$DIR/a.conf"
	check_match "$OUT" "peer ${P1//+/\\+}: endpoint 192.0.2.8:51820 from 'peer-one.test:51820'" "what reresolve says"
	check_eq "$(peer_endpoint "$P1")" "192.0.2.8:51820" "p1's endpoint after the name moved"
	check_eq "$(peer_endpoint "$P2")" "192.0.2.99:1" "p2, given as an address, untouched"
	# A peer whose name did not resolve at setconf gets it later.
	write_conf "$DIR/b.conf" peer-two.test:51821
	check_ok xc setconf xtun0 "$DIR/b.conf"
	check_eq "$(peer_endpoint "$P1")" "(none)" "p1 without a resolvable name"
	echo "192.0.2.9 peer-two.test" >> "$ETC/hosts"
	check_ok xc reresolve xtun0 "$DIR/b.conf"
	check_eq "$(peer_endpoint "$P1")" "192.0.2.9:51821" "p1 once its name resolves"
	# A peer that never had a handshake is stale whatever the age limit.
	printf '127.0.0.1 localhost\n192.0.2.10 peer-two.test\n' > "$ETC/hosts"
	check_ok env XTUN_RERESOLVE_AGE=0 ip netns exec "$NS" "$XTUNCTL" \
		reresolve xtun0 "$DIR/b.conf"
	check_eq "$(peer_endpoint "$P1")" "192.0.2.10:51821" "p1 with XTUN_RERESOLVE_AGE=0"
	check_status 1 env XTUN_RERESOLVE_AGE=later ip netns exec "$NS" \
		"$XTUNCTL" reresolve xtun0 "$DIR/b.conf"
	check_match "$OUT" "XTUN_RERESOLVE_AGE 'later'" "the refusal"
	done_names
}

ktap_run_tests \
	setconf_resolves_a_name_from_the_hosts_file \
	setconf_of_an_unknown_name_sets_the_peer_without_endpoint \
	setconf_retries_a_name_that_does_not_resolve_yet_until_the_limit \
	syncconf_gives_the_endpoint_once_the_name_resolves \
	up_with_an_unknown_name_comes_up_without_that_endpoint \
	reresolve_moves_the_endpoint_of_a_name_that_moved
