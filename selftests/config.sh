#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Config files (xtunctl setconf, addconf, syncconf, showconf) in WireGuard's
# INI format: what each command makes of a device, that parse errors name
# the line and change nothing, and that syncconf leaves established
# sessions alone.
#
# Most tests use one namespace with xtun0 and peers that are never reached.
# The session tests use the usual pair (see tunnel.sh):
#
#   namespace "a"                                namespace "b"
#   xtun0 10.241.0.1/24, listen 51820  <------>  xtun0 or wg0 10.241.0.2/24
#   veth0 192.168.241.1/24                       veth0 192.168.241.2/24

source "$(dirname "$0")/lib.sh"
require_cmd python3 ping

# The files here hold private keys: for their owner only, or xtunctl warns
# at every read.  The tests of that warning give their files other modes.
umask 077

xc() {
	ip netns exec "$NS" "$XTUNCTL" "$@"
}

# with_device: namespace $NS with a down xtun0, keys in $DIR.
with_device() {
	xtun_load
	NS=$(ns_new a) && DIR=$(tmp_dir) || fail "making the namespace"
	ip -n "$NS" link add xtun0 type xtun || fail "creating xtun0"
	key_pair "$DIR" dev && key_pair "$DIR" p1 && key_pair "$DIR" p2 &&
		key_pair "$DIR" p3 || fail "making keys"
	PRIV=$(cat "$DIR/dev.key") PUB=$(cat "$DIR/dev.pub")
	P1=$(cat "$DIR/p1.pub") P2=$(cat "$DIR/p2.pub") P3=$(cat "$DIR/p3.pub")
	PSK=$("$XTUNCTL" genpsk)
}

# conf_state [IFNAME]: the configured part of the dump of IFNAME in $NS: the
# device line, then each peer's key, preshared key, endpoint, sorted allowed
# IPs and keepalive, sorted by key.  Counters and handshakes are left out.
conf_state() {
	ip netns exec "$NS" "$XTUNCTL" show "${1:-xtun0}" dump | awk -F'\t' '
		NR == 1 { print; fflush(); next }
		{ n = split($4, a, ","); s = ""
		  # insertion sort: awk has no portable sort
		  for (i = 2; i <= n; i++) { v = a[i]; j = i - 1
			while (j > 0 && a[j] > v) { a[j + 1] = a[j]; j-- }
			a[j + 1] = v }
		  for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") a[i]
		  print $1 "\t" $2 "\t" $3 "\t" s "\t" $8 | "sort" }'
}

# A config file as a wg-quick user has it: the keys only "up" reads are
# there too, and setconf must accept them.
write_full_conf() {
	cat > "$1" <<-EOF
	# site A
	[Interface]
	PrivateKey = $PRIV
	ListenPort = 51830
	FwMark = 0x42
	Address = 10.99.0.1/24, fd00:99::1/64
	DNS = 10.99.0.53
	MTU = 1400

	[Peer]
	# p1, IPv4 endpoint
	PublicKey = $P1
	PresharedKey = $PSK
	Endpoint = 192.0.2.1:51820
	AllowedIPs = 10.1.0.0/24, fd00:1::/64
	AllowedIPs = 10.11.0.0/16
	PersistentKeepalive = 25

	[peer]
	publickey = $P2
	endpoint = [2001:db8::2]:51821
	allowedips = 10.2.0.0/24
	EOF
}

# --- setconf ------------------------------------------------------------

setconf_applies_a_wireguard_config_file() {
	with_device
	write_full_conf "$DIR/a.conf"
	check_ok xc setconf xtun0 "$DIR/a.conf"
	check_eq "$(conf_state)" "$(printf '%s\n' "(hidden)	$PUB	51830	0x42" \
		"$(printf '%s\n' \
		"$P1	(hidden)	192.0.2.1:51820	10.1.0.0/24,10.11.0.0/16,fd00:1::/64	25" \
		"$P2	(none)	[2001:db8::2]:51821	10.2.0.0/24	off" | sort)")" \
		"the device after setconf"
}

setconf_replaces_the_whole_configuration() {
	with_device
	check_ok xc dev set xtun0 private-key "$DIR/p3.key" fwmark 7 listen-port 51840
	check_ok xc peer add xtun0 "$P1" allowed-ips 10.1.0.0/24
	cat > "$DIR/b.conf" <<-EOF
	[Interface]
	PrivateKey = $PRIV
	[Peer]
	PublicKey = $P2
	AllowedIPs = 10.2.0.0/24
	EOF
	check_ok xc setconf xtun0 "$DIR/b.conf"
	# The key and peers are the file's; the fwmark and listen port it
	# does not give stay, as with wg setconf.
	check_eq "$(conf_state)" "$(printf '%s\n' "(hidden)	$PUB	51840	0x7" \
		"$P2	(none)	(none)	10.2.0.0/24	off")" "the device after setconf"
	# A file without peers leaves the device without peers.
	printf '[Interface]\nListenPort = 51841\nFwMark = off\n' > "$DIR/c.conf"
	check_ok xc setconf xtun0 "$DIR/c.conf"
	check_eq "$(conf_state)" "(hidden)	$PUB	51841	off" "after setconf without peers"
}

# One peer list serves every node of a mesh: the node's own entry is left
# out with a note, as wg leaves it out, and the others are applied.
a_peer_with_the_devices_own_key_is_skipped() {
	local cmd

	with_device
	cat > "$DIR/mesh.conf" <<-EOF
	[Interface]
	PrivateKey = $PRIV
	[Peer]
	PublicKey = $P1
	AllowedIPs = 10.1.0.0/24
	[Peer]
	PublicKey = $PUB
	AllowedIPs = 10.9.0.0/24
	[Peer]
	PublicKey = $P2
	AllowedIPs = 10.2.0.0/24
	EOF
	for cmd in setconf syncconf addconf; do
		check_ok xc "$cmd" xtun0 "$DIR/mesh.conf"
		check_match "$OUT" "note: $DIR/mesh.conf:6: skipping peer ${PUB//+/\\+}, the device's own public key" \
			"$cmd names the skipped peer"
		check_eq "$(conf_state)" "$(printf '%s\n' "(hidden)	$PUB	$(conf_state | head -n1 | cut -f3)	off" \
			"$(printf '%s\n' "$P1	(none)	(none)	10.1.0.0/24	off" \
			"$P2	(none)	(none)	10.2.0.0/24	off" | sort)")" \
			"the device after $cmd"
	done
}

# --- addconf ------------------------------------------------------------

addconf_adds_peers_and_allowed_ips() {
	with_device
	check_ok xc dev set xtun0 private-key "$DIR/dev.key" listen-port 51850
	check_ok xc peer add xtun0 "$P1" allowed-ips 10.1.0.0/24 endpoint 192.0.2.1:1
	cat > "$DIR/add.conf" <<-EOF
	[Peer]
	PublicKey = $P1
	AllowedIPs = 10.11.0.0/24
	[Peer]
	PublicKey = $P2
	AllowedIPs = 10.2.0.0/24
	PersistentKeepalive = 5
	EOF
	check_ok xc addconf xtun0 "$DIR/add.conf"
	check_eq "$(conf_state)" "$(printf '%s\n' "(hidden)	$PUB	51850	off" \
		"$(printf '%s\n' "$P1	(none)	192.0.2.1:1	10.1.0.0/24,10.11.0.0/24	off" \
			"$P2	(none)	(none)	10.2.0.0/24	5" | sort)")" \
		"the device after addconf"
}

# --- syncconf -----------------------------------------------------------

syncconf_reaches_what_setconf_does() {
	local want

	with_device
	write_full_conf "$DIR/a.conf"
	check_ok xc setconf xtun0 "$DIR/a.conf"
	# Another file: p1 changes endpoint, keepalive and allowed IPs and
	# loses its preshared key, p2 goes, p3 comes, the fwmark changes.
	cat > "$DIR/next.conf" <<-EOF
	[Interface]
	PrivateKey = $PRIV
	ListenPort = 51831
	FwMark = 0x43
	[Peer]
	PublicKey = $P1
	Endpoint = 192.0.2.9:9
	AllowedIPs = 10.1.0.0/25
	[Peer]
	PublicKey = $P3
	PresharedKey = $PSK
	AllowedIPs = fd00:3::/64
	EOF
	check_ok xc setconf xtun0 "$DIR/next.conf"
	want=$(conf_state)
	check_ok xc setconf xtun0 "$DIR/a.conf"
	check_ok xc syncconf xtun0 "$DIR/next.conf"
	check_eq "$(conf_state)" "$want" "syncconf's result against setconf's"
	check_eq "$(conf_state | head -n 1)" "(hidden)	$PUB	51831	0x43" "the device line"
	check_eq "$(conf_state | wc -l)" 3 "the device line and two peers"
	# A file without FwMark keeps the one the device has (up chose it for
	# a full tunnel, and a reload must not take it away).
	grep -v FwMark "$DIR/next.conf" > "$DIR/nomark.conf"
	check_ok xc syncconf xtun0 "$DIR/nomark.conf"
	check_eq "$(conf_state)" "$want" "after syncconf of a file without FwMark"
}

# The session tests: a and b configured from files, a's file to be synced.
session_pair() {
	NS_A=$(ns_new a) && NS_B=$(ns_new b) && DIR=$(tmp_dir) || return 1
	veth_link "$NS_A" "$NS_B" && key_pair "$DIR" a && key_pair "$DIR" b &&
		key_pair "$DIR" other || return 1
	PUB_A=$(cat "$DIR/a.pub") PUB_B=$(cat "$DIR/b.pub")
	cat > "$DIR/a.conf" <<-EOF
	[Interface]
	PrivateKey = $(cat "$DIR/a.key")
	ListenPort = $PORT_A
	[Peer]
	PublicKey = $PUB_B
	Endpoint = $OUT4_B:$PORT_B
	AllowedIPs = $IN4_B/32
	EOF
	cat > "$DIR/b.conf" <<-EOF
	[Interface]
	PrivateKey = $(cat "$DIR/b.key")
	ListenPort = $PORT_B
	[Peer]
	PublicKey = $PUB_A
	AllowedIPs = $IN4_A/32
	EOF
	ip -n "$NS_A" link add xtun0 type xtun &&
		ip netns exec "$NS_A" "$XTUNCTL" setconf xtun0 "$DIR/a.conf" &&
		ip -n "$NS_A" addr add "$IN4_A/24" dev xtun0 &&
		ip -n "$NS_A" link set xtun0 up || return 1
	if [ "$1" = wg ]; then
		ip -n "$NS_B" link add wg0 type wireguard &&
			ip netns exec "$NS_B" wg setconf wg0 "$DIR/b.conf" || return 1
		IF_B=wg0
	else
		ip -n "$NS_B" link add xtun0 type xtun &&
			ip netns exec "$NS_B" "$XTUNCTL" setconf xtun0 "$DIR/b.conf" || return 1
		IF_B=xtun0
	fi
	ip -n "$NS_B" addr add "$IN4_B/24" dev "$IF_B" && ip -n "$NS_B" link set "$IF_B" up
}

a_handshake() {
	xtun_peer_field "$NS_A" xtun0 "$PUB_B" latest-handshake
}

syncconf_keeps_the_sessions_of_unchanged_peers() {
	local t0

	xtun_load
	session_pair xtun || fail "setting up the pair"
	tunnel_works "$NS_A" "$IN4_B" || fail "no tunnel from a to b"
	t0=$(a_handshake)
	check_match "$t0" '^[1-9][0-9]+$' "a's handshake"
	# The same file plus a new peer and a new allowed IP for b: b's
	# session is untouched and no handshake follows.
	cat "$DIR/a.conf" - > "$DIR/a2.conf" <<-EOF
	AllowedIPs = 10.241.9.0/24
	[Peer]
	PublicKey = $(cat "$DIR/other.pub")
	AllowedIPs = 10.77.0.0/16
	EOF
	sleep 1.5
	ip netns exec "$NS_A" "$XTUNCTL" syncconf xtun0 "$DIR/a2.conf" ||
		fail "syncconf"
	check_ok pings "$NS_A" "$IN4_B" 3
	check_eq "$(a_handshake)" "$t0" "a's handshake time after syncconf"
	check_match "$(xtun_peer_field "$NS_A" xtun0 "$PUB_B" allowed-ips)" \
		'10.241.9.0/24' "b's allowed IPs after syncconf"
	check_eq "$(ip netns exec "$NS_A" "$XTUNCTL" show xtun0 dump | wc -l)" 3 \
		"the device line and two peers"

	# setconf with the same file starts over: b is a new peer, with no
	# handshake until traffic makes one.  This shows the check above can
	# tell the two apart.
	ip netns exec "$NS_A" "$XTUNCTL" setconf xtun0 "$DIR/a2.conf" || fail "setconf"
	check_eq "$(a_handshake)" 0 "a's handshake time after setconf"
}

wireguard_reads_the_same_config_files() {
	require_cmd wg
	xtun_load
	modprobe wireguard 2>/dev/null || true
	session_pair wg || fail "setting up xtun and WireGuard from config files"
	tunnel_works "$NS_A" "$IN4_B" || fail "no tunnel from xtun to WireGuard"
	check_ok tcp_transfer "$NS_B" "$NS_A" "$IN4_A" 1
}

# --- errors -------------------------------------------------------------

# bad_conf WHAT ERE: a config file from stdin is refused with exit 1 and a
# message matching ERE, and the device is as it was.
bad_conf() {
	local before

	cat > "$DIR/bad.conf"
	before=$(conf_state)
	for cmd in setconf addconf syncconf; do
		check_status 1 xc "$cmd" xtun0 "$DIR/bad.conf"
		check_match "$OUT" "$2" "$cmd: $1"
		check_eq "$(conf_state)" "$before" "the device after $cmd of $1"
	done
}

parse_errors_name_the_line_and_change_nothing() {
	with_device
	write_full_conf "$DIR/a.conf"
	check_ok xc setconf xtun0 "$DIR/a.conf"
	local f="$DIR/bad.conf"

	bad_conf "an unknown key" "^xtunctl: $f:3: Frobnicate: unknown key\$" <<-EOF
	[Interface]
	PrivateKey = $PRIV
	Frobnicate = 1
	EOF
	bad_conf "a bad port" "^xtunctl: $f:2: ListenPort: invalid ListenPort '70000'" <<-EOF
	[Interface]
	ListenPort = 70000
	EOF
	# The error is on the last line, after peers that are fine.
	bad_conf "a bad prefix" "^xtunctl: $f:8: AllowedIPs: invalid allowed-ips entry '10.3.0.0/33'" <<-EOF
	[Interface]
	PrivateKey = $PRIV
	[Peer]
	PublicKey = $P3
	AllowedIPs = 10.3.0.0/24
	[Peer]
	PublicKey = $P1
	AllowedIPs = 10.3.0.0/33
	EOF
	bad_conf "a bad endpoint" "^xtunctl: $f:3: Endpoint: invalid endpoint '192.0.2.1'" <<-EOF
	[Peer]
	PublicKey = $P1
	Endpoint = 192.0.2.1
	EOF
	bad_conf "a peer without a key" "^xtunctl: $f:1: \[Peer\] has no PublicKey" <<-EOF
	[Peer]
	AllowedIPs = 10.3.0.0/24
	EOF
	bad_conf "a key outside a section" "^xtunctl: $f:1: ListenPort: outside of a section" <<-EOF
	ListenPort = 1
	EOF
	bad_conf "a key in the wrong section" "^xtunctl: $f:2: PublicKey: belongs in the \[Peer\] section" <<-EOF
	[Interface]
	PublicKey = $P1
	EOF
	bad_conf "an unknown section" "^xtunctl: $f:1: unknown section \[Interfaces\]" <<-EOF
	[Interfaces]
	EOF
	bad_conf "a key given twice" "^xtunctl: $f:3: ListenPort: given twice" <<-EOF
	[Interface]
	ListenPort = 1
	ListenPort = 2
	EOF
	bad_conf "a peer twice" "^xtunctl: $f:3: \[Peer\] has the same PublicKey" <<-EOF
	[Peer]
	PublicKey = $P1
	[Peer]
	PublicKey = $P1
	EOF
	# Of two repeated keys, the one repeated first in the file is named.
	bad_conf "peers twice, interleaved" "^xtunctl: $f:5: \[Peer\] has the same PublicKey" <<-EOF
	[Peer]
	PublicKey = $P1
	[Peer]
	PublicKey = $P2
	[Peer]
	PublicKey = $P2
	[Peer]
	PublicKey = $P1
	EOF
	bad_conf "a line without =" "^xtunctl: $f:2: expected 'Key = Value'" <<-EOF
	[Interface]
	PrivateKey
	EOF
	# A secret is never repeated in a message.
	bad_conf "a bad private key" "^xtunctl: $f:2: PrivateKey: not a base64 key" <<-EOF
	[Interface]
	PrivateKey = sEcReT!${PRIV:7}
	EOF
	check_no_match "$OUT" "sEcReT" "the message for a bad private key"
}

# ere STRING: STRING as an extended regular expression that matches it.
ere() {
	sed 's/[][\\.*^$+?(){}|]/\\&/g' <<<"$1"
}

a_prefix_under_two_peers_is_refused_naming_both() {
	local f

	with_device
	write_full_conf "$DIR/a.conf"
	check_ok xc setconf xtun0 "$DIR/a.conf"
	f="$DIR/bad.conf"
	# 10.5.0.1/24 is 10.5.0.0/24, as the kernel stores it.
	bad_conf "a prefix under two peers" \
		"^$(ere "xtunctl: $f:10: AllowedIPs: 10.5.0.0/24 is under two peers: the [Peer] of line 3 (PublicKey $P1) and the [Peer] of line 8 (PublicKey $P2)")" <<-EOF
	[Interface]
	PrivateKey = $PRIV
	[Peer]
	PublicKey = $P1
	AllowedIPs = 10.4.0.0/24, 10.5.0.0/24
	AllowedIPs = fd00:5::/64

	[Peer]
	PublicKey = $P2
	AllowedIPs = 10.6.0.0/24, 10.5.0.1/24
	[Peer]
	PublicKey = $P3
	AllowedIPs = fd00:5::/64
	EOF
	# Under one peer twice, or as two lengths, a prefix is fine.
	cat > "$f" <<-EOF
	[Peer]
	PublicKey = $P1
	AllowedIPs = 10.5.0.0/24, 10.5.0.0/24
	[Peer]
	PublicKey = $P2
	AllowedIPs = 10.5.0.0/25
	EOF
	check_ok xc setconf xtun0 "$f"
	check_eq "$(conf_state | cut -f1,4 | tail -n +2)" "$(printf '%s\t%s\n' \
		"$P1" 10.5.0.0/24 "$P2" 10.5.0.0/25 | sort)" "the device"
}

a_readable_private_key_is_warned_about() {
	local f mode

	with_device
	f=$DIR/a.conf
	write_full_conf "$f"
	for cmd in setconf syncconf; do
		chmod 600 "$f"
		check_ok xc "$cmd" xtun0 "$f"
		check_eq "$OUT" "" "$cmd of a file for its owner only"
		for mode in 644:"group and others" 640:"its group" 604:others; do
			chmod "${mode%%:*}" "$f"
			check_ok xc "$cmd" xtun0 "$f"
			check_eq "$OUT" "xtunctl: warning: $f holds a private key and can be read by ${mode#*:} (mode 0${mode%%:*}); 'chmod go= $f' keeps it to its owner" \
				"$cmd of a file of mode ${mode%%:*}"
		done
	done
	# A file without secrets may be read by anyone.
	printf '[Peer]\nPublicKey = %s\n' "$P1" > "$f"
	chmod 644 "$f"
	check_ok xc setconf xtun0 "$f"
	check_eq "$OUT" "" "a file without keys"
}

key_files_stand_in_for_keys() {
	local f

	with_device
	f=$DIR/site.conf
	mkdir "$DIR/keys"
	cp "$DIR/dev.key" "$DIR/keys/dev.key"
	echo "$PSK" > "$DIR/psk"
	chmod 600 "$DIR/keys/dev.key" "$DIR/psk"
	# Relative to the file's directory; absolute as it is.
	cat > "$f" <<-EOF
	[Interface]
	PrivateKeyFile = keys/dev.key
	ListenPort = 51830
	[Peer]
	PublicKey = $P1
	PresharedKeyFile = $DIR/psk
	[Peer]
	PublicKey = $P2
	EOF
	chmod 644 "$f"
	check_ok ip netns exec "$NS" sh -c "cd / && $XTUNCTL setconf xtun0 $f"
	check_eq "$OUT" "" "the output: the file itself holds no secret"
	check_eq "$(conf_state)" "$(printf '%s\n' "(hidden)	$PUB	51830	off" \
		"$(printf '%s\n' "$P1	(hidden)	(none)	(none)	off" \
			"$P2	(none)	(none)	(none)	off" | sort)")" "the device"
	# The key file itself is checked like a config file.
	chmod 640 "$DIR/keys/dev.key"
	check_ok xc syncconf xtun0 "$f"
	check_match "$OUT" "^xtunctl: warning: $DIR/keys/dev.key holds a private key and can be read by its group" \
		"a key file its group can read"
	bad_conf "both a key and a key file" "^xtunctl: $DIR/bad.conf:3: PrivateKeyFile: the \[Interface\] has a private key already" <<-EOF
	[Interface]
	PrivateKey = $PRIV
	PrivateKeyFile = keys/dev.key
	EOF
	bad_conf "a missing key file" "^xtunctl: $DIR/bad.conf:4: PresharedKeyFile: invalid preshared key file '$DIR/nope'" <<-EOF
	[Interface]
	[Peer]
	PublicKey = $P1
	PresharedKeyFile = nope
	EOF
	# wg(8) knows neither key.
	if command -v wg >/dev/null; then
		check_fails ip netns exec "$NS" wg setconf xtun0 "$f"
	fi
}

usage_and_kernel_errors() {
	with_device
	write_full_conf "$DIR/a.conf"
	check_status 1 xc setconf xtun0
	check_match "$OUT" '^Usage: xtunctl setconf IFNAME FILE' "setconf without a file"
	check_status 1 xc syncconf xtun0 "$DIR/nonexistent.conf"
	check_match "$OUT" "cannot open config file '$DIR/nonexistent.conf'" "a missing file"
	check_status 1 xc showconf
	check_match "$OUT" '^Usage: xtunctl showconf IFNAME' "showconf without a device"
	for cmd in setconf addconf syncconf; do
		check_status 2 xc "$cmd" nosuch0 "$DIR/a.conf"
		check_eq "$OUT" "Error: xtun: no such device" "$cmd on a missing device"
	done
	check_status 2 xc showconf nosuch0
	check_eq "$OUT" "Error: xtun: no such device" "showconf on a missing device"
	# Standard input works as the file "-".
	check_ok ip netns exec "$NS" "$XTUNCTL" setconf xtun0 - < "$DIR/a.conf"
	check_eq "$(conf_state | head -n 1 | cut -f3)" 51830 "setconf from stdin"
}

# --- many peers and prefixes --------------------------------------------

# prefixes N BASE: N distinct /32 prefixes in 172.BASE.0.0/16 and up, one
# per line, in the form the dump prints them.
prefixes() {
	python3 -c 'import sys
n, base = int(sys.argv[1]), int(sys.argv[2])
for j in range(n):
    print(f"{172}.{base + j // 65536}.{j // 256 % 256}.{j % 256}/32")' "$1" "$2"
}

# peer_prefixes KEY: the allowed IPs the dump reports for peer KEY, sorted.
peer_prefixes() {
	xc show xtun0 dump | awk -F'\t' -v k="$1" '$1 == k { print $4 }' |
		tr ',' '\n' | sort
}

# big_conf FILE PREFIXES: a config with P2, then P1 with the allowed IPs
# listed in the file PREFIXES, then P3.
big_conf() {
	{
		printf '[Interface]\nPrivateKey = %s\n\n' "$PRIV"
		printf '[Peer]\nPublicKey = %s\nAllowedIPs = 10.2.0.0/24\n\n' "$P2"
		printf '[Peer]\nPublicKey = %s\n' "$P1"
		sed 's/^/AllowedIPs = /' "$2"
		printf '\n[Peer]\nPublicKey = %s\nAllowedIPs = 10.3.0.0/24\n' "$P3"
	} > "$1"
}

# setconf, syncconf and addconf pack peers into few SET_DEVICE requests and
# split a peer with more allowed IPs than one request holds: the device must
# end up with exactly the file's prefixes, no more and no fewer.
conf_with_a_peer_of_many_allowed_ips_is_applied_exactly() {
	with_device
	prefixes 6000 16 > "$DIR/big.txt"
	big_conf "$DIR/big.conf" "$DIR/big.txt"
	check_ok xc setconf xtun0 "$DIR/big.conf"
	check_eq "$(peer_prefixes "$P1")" "$(sort "$DIR/big.txt")" "P1's prefixes after setconf"
	check_eq "$(peer_prefixes "$P2")" "10.2.0.0/24" "P2's prefixes after setconf"
	check_eq "$(peer_prefixes "$P3")" "10.3.0.0/24" "P3's prefixes after setconf"
	check_eq "$(xc show xtun0 dump | wc -l)" 4 "device line and three peers"

	# syncconf replaces the big list by another one, just as long.
	prefixes 6000 40 > "$DIR/big2.txt"
	big_conf "$DIR/big2.conf" "$DIR/big2.txt"
	check_ok xc syncconf xtun0 "$DIR/big2.conf"
	check_eq "$(peer_prefixes "$P1")" "$(sort "$DIR/big2.txt")" "P1's prefixes after syncconf"
	check_eq "$(peer_prefixes "$P2")" "10.2.0.0/24" "P2 after syncconf"

	# addconf adds the first list again, to the second.
	{
		printf '[Peer]\nPublicKey = %s\n' "$P1"
		sed 's/^/AllowedIPs = /' "$DIR/big.txt"
	} > "$DIR/add.conf"
	check_ok xc addconf xtun0 "$DIR/add.conf"
	check_eq "$(peer_prefixes "$P1")" "$(sort "$DIR/big.txt" "$DIR/big2.txt")" \
		"P1's prefixes after addconf"
	check_eq "$(peer_prefixes "$P1" | wc -l)" 12000 "number of P1's prefixes"
}

# A file of many peers: setconf installs all of them.
setconf_of_many_peers_installs_all() {
	local n

	with_device
	python3 -c 'import base64, os
print("[Interface]")
for i in range(1500):
    print(f"[Peer]\nPublicKey = {base64.b64encode(os.urandom(32)).decode()}")
    print(f"AllowedIPs = 10.{i // 256}.{i % 256}.0/24, fd00:{i:x}::/64")' > "$DIR/many.conf"
	check_ok xc setconf xtun0 "$DIR/many.conf"
	n=$(xc show xtun0 dump | tail -n +2 | wc -l)
	check_eq "$n" 1500 "peers after setconf"
	n=$(xc show xtun0 dump | tail -n +2 | cut -f4 | tr ',' '\n' | sort -u | wc -l)
	check_eq "$n" 3000 "distinct prefixes after setconf"
}

# --- showconf -----------------------------------------------------------

showconf_prints_a_file_that_setconf_reads_back() {
	local want

	with_device
	write_full_conf "$DIR/a.conf"
	check_ok xc setconf xtun0 "$DIR/a.conf"
	check_ok xc showconf xtun0
	echo "$OUT"
	check_match "$OUT" "^# PrivateKey is set; the kernel keeps it write-only" "the private key note"
	check_match "$OUT" "^# PresharedKey is set; the kernel keeps it write-only" "the preshared key note"
	check_no_match "$OUT" "$PRIV|$PSK" "showconf output"
	check_match "$OUT" "^Endpoint = \[2001:db8::2\]:51821\$" "p2's endpoint"
	check_match "$OUT" "^PersistentKeepalive = 25\$" "p1's keepalive"
	check_match "$OUT" "^FwMark = 0x42\$" "the fwmark"
	# Read back on a second device, with the keys added, it is the same.
	want=$(conf_state)
	{ sed "s|^\[Interface\]|&\nPrivateKey = $PRIV|; s|^PublicKey = $P1|&\nPresharedKey = $PSK|" <<<"$OUT"; } > "$DIR/shown.conf"
	ip -n "$NS" link add xtun1 type xtun || fail "creating xtun1"
	check_ok xc dev set xtun0 listen-port 0
	check_ok xc setconf xtun1 "$DIR/shown.conf"
	check_eq "$(conf_state xtun1)" "$want" "xtun1 set from xtun0's showconf"
}

ktap_run_tests \
	setconf_applies_a_wireguard_config_file \
	setconf_replaces_the_whole_configuration \
	a_peer_with_the_devices_own_key_is_skipped \
	addconf_adds_peers_and_allowed_ips \
	syncconf_reaches_what_setconf_does \
	syncconf_keeps_the_sessions_of_unchanged_peers \
	wireguard_reads_the_same_config_files \
	parse_errors_name_the_line_and_change_nothing \
	usage_and_kernel_errors \
	a_prefix_under_two_peers_is_refused_naming_both \
	a_readable_private_key_is_warned_about \
	key_files_stand_in_for_keys \
	showconf_prints_a_file_that_setconf_reads_back \
	conf_with_a_peer_of_many_allowed_ips_is_applied_exactly \
	setconf_of_many_peers_installs_all
