#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtunctl show's other outputs, each checked against "show ... dump", whose
# columns xtunctl.sh checks: JSON (-j), the single fields of "wg show"
# (show IFNAME|all FIELD), show interfaces, colour on terminals only, the
# human output after real traffic, and the bash completion.
#
# Most tests use one namespace and no traffic:
#
#   namespace $NS:  xtun0 with three peers (v4 endpoint, psk, keepalive;
#                   v6 endpoint; nothing) that are never reached
#
# The traffic test uses lib.sh's tunnel_pair.

source "$(dirname "$0")/lib.sh"
require_cmd python3 ping script

COMPLETION="$XTUN_REPO/tools/tunctl/completion/xtunctl"
FIELDS="public-key listen-port fwmark peers preshared-keys endpoints
	allowed-ips latest-handshakes transfer persistent-keepalive"

# xc ARGS...: xtunctl in the test's namespace $NS.
xc() {
	ip netns exec "$NS" "$XTUNCTL" "$@"
}

new_pub() {
	"$XTUNCTL" genkey | "$XTUNCTL" pubkey
}

# with_peers: namespace $NS with xtun0, a private key, port, fwmark, and
# peers $P1 (IPv4 endpoint, preshared key, keepalive, allowed IPs of both
# families), $P2 (IPv6 endpoint, one allowed IP) and $P3 (nothing).
with_peers() {
	local dir

	xtun_load
	NS=$(ns_new a)
	dir=$(tmp_dir)
	check_ok ip -n "$NS" link add xtun0 type xtun
	(umask 077 && "$XTUNCTL" genkey > "$dir/key" && "$XTUNCTL" genpsk > "$dir/psk")
	check_ok xc dev set xtun0 private-key "$dir/key" listen-port 51820 fwmark 0x1234
	P1=$(new_pub) P2=$(new_pub) P3=$(new_pub)
	check_ok xc peer add xtun0 "$P1" endpoint 192.0.2.1:51820 \
		allowed-ips 10.0.0.0/24,fd00::/64,10.9.9.9 \
		persistent-keepalive 25 preshared-key "$dir/psk"
	check_ok xc peer add xtun0 "$P2" endpoint '[2001:db8::7]:4242' \
		allowed-ips 10.0.1.0/24
	check_ok xc peer add xtun0 "$P3"
}

# json_matches_dump JSON DUMP: the members of every device and peer in JSON
# (of "show -j") are the columns of DUMP (of "show all dump"), in the same
# order, and of the right JSON types.
json_matches_dump() {
	python3 - "$1" "$2" <<'EOF'
import json, sys

DEVICE = {"ifname", "ifindex", "private_key", "public_key", "listen_port",
          "fwmark", "peers"}
PEER = {"public_key", "preshared_key", "endpoint", "allowed_ips",
        "latest_handshake", "rx_bytes", "tx_bytes", "rx_packets",
        "tx_packets", "persistent_keepalive", "drop_replay", "drop_auth",
        "drop_source", "drop_no_session", "rx_datagrams", "tx_datagrams",
        "rx_inner_bytes", "tx_inner_bytes"}
# Peer members that are a dump column read as a number, and the column.
NUMBERS = {"latest_handshake": 4, "rx_bytes": 5, "tx_bytes": 6,
           "drop_replay": 8, "drop_auth": 9, "drop_source": 10,
           "drop_no_session": 11, "rx_packets": 12, "tx_packets": 13,
           "rx_datagrams": 14, "tx_datagrams": 15, "rx_inner_bytes": 16,
           "tx_inner_bytes": 17}

def fail(msg):
    print(msg)
    sys.exit(1)

def same(what, got, want):
    # True == 1 in Python: a number must not be a boolean, nor the reverse.
    if got != want or type(got) is not type(want):
        fail(f"{what}: JSON has {got!r}, the dump {want!r}")

def is_int(v):
    return type(v) is int

with open(sys.argv[1]) as f:
    devices = json.load(f)
with open(sys.argv[2]) as f:
    rows = [line.split("\t") for line in f.read().splitlines()]

dumped = []
for row in rows:
    if len(row) == 5:
        dumped.append((row[1:], []))
    elif len(row) == 19:
        dumped[-1][1].append(row[1:])
    else:
        fail(f"a dump line of {len(row)} columns: {row}")
if not isinstance(devices, list):
    fail(f"not an array of devices: {devices!r}")
same("devices", [d["ifname"] for d in devices], [r[0] for r in rows if len(r) == 5])

for dev, (cols, peers) in zip(devices, dumped):
    name = dev["ifname"]
    if set(dev) != DEVICE:
        fail(f"{name}: members {sorted(dev)}")
    if not is_int(dev["ifindex"]) or dev["ifindex"] <= 0:
        fail(f"{name}: ifindex {dev['ifindex']!r}")
    same(f"{name} private_key", dev["private_key"], cols[0] == "(hidden)")
    same(f"{name} public_key", dev["public_key"], None if cols[1] == "(none)" else cols[1])
    same(f"{name} listen_port", dev["listen_port"], int(cols[2]))
    same(f"{name} fwmark", dev["fwmark"], 0 if cols[3] == "off" else int(cols[3], 16))
    same(f"{name} peers", [p["public_key"] for p in dev["peers"]], [p[0] for p in peers])
    for peer, pcols in zip(dev["peers"], peers):
        what = f"{name} peer {pcols[0]}"
        if set(peer) != PEER:
            fail(f"{what}: members {sorted(peer)}")
        same(f"{what} preshared_key", peer["preshared_key"], pcols[1] == "(hidden)")
        same(f"{what} endpoint", peer["endpoint"], None if pcols[2] == "(none)" else pcols[2])
        same(f"{what} allowed_ips", peer["allowed_ips"],
             [] if pcols[3] == "(none)" else pcols[3].split(","))
        same(f"{what} persistent_keepalive", peer["persistent_keepalive"],
             0 if pcols[7] == "off" else int(pcols[7]))
        for member, col in NUMBERS.items():
            same(f"{what} {member}", peer[member], int(pcols[col]))
EOF
}

# stable_reads NS CMD...: $OUT of CMD (xtunctl arguments, in namespace NS)
# and $DUMP of "show all dump" read with nothing changing in between (a dump
# before and after agree), so counters may be compared.
stable_reads() {
	local ns=$1 before i

	shift
	for i in 1 2 3 4 5; do
		before=$(ip netns exec "$ns" "$XTUNCTL" show all dump)
		check_ok ip netns exec "$ns" "$XTUNCTL" "$@"
		DUMP=$(ip netns exec "$ns" "$XTUNCTL" show all dump)
		[ "$before" != "$DUMP" ] || return 0
		sleep 1
	done
	fail "the devices in $ns kept changing"
}

json_is_the_dump_in_every_field() {
	local dir

	with_peers
	check_ok ip -n "$NS" link add xtun1 type xtun
	dir=$(tmp_dir)
	check_ok xc show -j
	echo "$OUT" > "$dir/json"
	python3 -c 'import json, sys; json.load(sys.stdin)' < "$dir/json" ||
		fail "show -j is not JSON: $OUT"
	check_ok xc show all dump
	echo "$OUT" > "$dir/dump"
	json_matches_dump "$dir/json" "$dir/dump" || fail "show -j and show all dump differ"

	# What with_peers set, so that a JSON and a dump equally wrong fail too.
	python3 - "$dir/json" "$P1" "$P2" "$P3" <<'EOF' || fail "show -j: $OUT"
import json, sys
devs = json.load(open(sys.argv[1]))
p1, p2, p3 = sys.argv[2:]
assert [d["ifname"] for d in devs] == ["xtun0", "xtun1"], devs
d = devs[0]
assert (d["listen_port"], d["fwmark"], d["private_key"]) == (51820, 0x1234, True), d
peers = {p["public_key"]: p for p in d["peers"]}
assert set(peers) == {p1, p2, p3}, peers
assert peers[p1]["endpoint"] == "192.0.2.1:51820", peers[p1]
assert sorted(peers[p1]["allowed_ips"]) == ["10.0.0.0/24", "10.9.9.9/32", "fd00::/64"], peers[p1]
assert peers[p1]["preshared_key"] is True and peers[p1]["persistent_keepalive"] == 25
assert peers[p2]["endpoint"] == "[2001:db8::7]:4242", peers[p2]
assert peers[p2]["preshared_key"] is False and peers[p2]["persistent_keepalive"] == 0
assert peers[p3]["endpoint"] is None and peers[p3]["allowed_ips"] == [], peers[p3]
assert peers[p3]["latest_handshake"] == 0
assert (devs[1]["private_key"], devs[1]["public_key"], devs[1]["peers"]) == (False, None, [])
EOF
}

json_of_one_device_is_an_array_and_takes_either_option() {
	local dir opt

	with_peers
	check_ok ip -n "$NS" link add xtun1 type xtun
	dir=$(tmp_dir)
	for opt in "show xtun0 -j" "show --json xtun0" "show -j xtun0"; do
		# shellcheck disable=SC2086
		check_ok xc $opt
		echo "$OUT" > "$dir/json"
		check_ok xc show all dump
		grep $'^xtun0\t' <<<"$OUT" > "$dir/dump"
		json_matches_dump "$dir/json" "$dir/dump" || fail "$opt: $(cat "$dir/json")"
	done
	check_ok xc show all --json
	check_eq "$(python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' <<<"$OUT")" 2 \
		"devices in show all --json"
}

json_escapes_interface_names() {
	local dir name

	xtun_load
	NS=$(ns_new a)
	dir=$(tmp_dir)
	# Any byte but '/', ':', white space and NUL may be in a name.
	name=$'q"b\\s\x01\xff'
	check_ok ip -n "$NS" link add "$name" type xtun
	check_ok xc show -j
	echo "$OUT" > "$dir/json"
	check_eq "$(python3 -c 'import json, sys; print(ascii(json.load(sys.stdin)[0]["ifname"]))' \
		< "$dir/json")" "'q\"b\\\\s\\x01\\ufffd'" "the name in JSON"
	check_no_match "$OUT" $'[\x01]' "a control character in JSON"
}

show_interfaces_lists_only_xtun_devices() {
	local other

	xtun_load
	NS=$(ns_new a)
	other=$(ns_new b)
	check_ok xc show interfaces
	check_eq "$OUT" "" "show interfaces without devices"
	check_ok ip -n "$NS" link add xtun0 type xtun
	check_ok ip -n "$NS" link add xtun1 type xtun
	check_ok ip -n "$NS" link add veth0 type veth peer name veth1
	check_ok ip -n "$NS" link add wg0 type wireguard
	check_ok ip -n "$other" link add xtun9 type xtun
	check_ok xc show interfaces
	# One line, like "wg show interfaces".
	check_eq "$(wc -l <<<"$OUT")" 1 "lines"
	check_eq "$(tr ' ' '\n' <<<"$OUT" | sort | paste -sd' ')" "xtun0 xtun1" \
		"show interfaces"
}

show_peers_prints_the_public_keys() {
	with_peers
	check_ok xc show xtun0 peers
	check_eq "$(sort <<<"$OUT")" "$(printf '%s\n' "$P1" "$P2" "$P3" | sort)" "peers"
	check_ok xc peer del xtun0 "$P2"
	check_ok xc show xtun0 peers
	check_eq "$(sort <<<"$OUT")" "$(printf '%s\n' "$P1" "$P3" | sort)" "peers after del"
}

# field_from_dump FIELD [all]: what "show IFNAME FIELD" should print, made
# from $DUMP ("show all dump"): wg's lines, with "all" led by the name.
field_from_dump() {
	awk -F'\t' -v f="$1" -v all="${2:-}" -v OFS='\t' '
	function out(s) { print (all ? $1 "\t" : "") s }
	NF == 5 && f == "public-key" { out($3) }
	NF == 5 && f == "listen-port" { out($4) }
	NF == 5 && f == "fwmark" { out($5) }
	NF == 19 && f == "peers" { out($2) }
	NF == 19 && f == "preshared-keys" { out($2 "\t" $3) }
	NF == 19 && f == "endpoints" { out($2 "\t" $4) }
	NF == 19 && f == "allowed-ips" { ips = $5; gsub(",", " ", ips); out($2 "\t" ips) }
	NF == 19 && f == "latest-handshakes" { out($2 "\t" $6) }
	NF == 19 && f == "transfer" { out($2 "\t" $7 "\t" $8) }
	NF == 19 && f == "persistent-keepalive" { out($2 "\t" $9) }' <<<"$DUMP"
}

every_field_is_its_dump_column() {
	local field

	with_peers
	for field in $FIELDS; do
		stable_reads "$NS" show xtun0 "$field"
		check_eq "$OUT" "$(field_from_dump "$field")" "show xtun0 $field"
	done
	# Values the dump could get wrong the same way.
	check_ok xc show xtun0 listen-port
	check_eq "$OUT" 51820 "listen-port"
	check_ok xc show xtun0 fwmark
	check_eq "$OUT" 0x1234 "fwmark"
	check_ok xc show xtun0 allowed-ips
	check_eq "$(grep -F "$P1" <<<"$OUT" | cut -f2 | tr ' ' '\n' | sort | paste -sd' ')" \
		"10.0.0.0/24 10.9.9.9/32 fd00::/64" "space-separated allowed IPs"
	check_eq "$(grep -F "$P3" <<<"$OUT")" "$P3"$'\t(none)' "a peer without allowed IPs"
	check_ok xc show xtun0 persistent-keepalive
	check_eq "$(grep -F "$P1" <<<"$OUT")" "$P1"$'\t25' "keepalive"
	check_eq "$(grep -F "$P2" <<<"$OUT")" "$P2"$'\toff' "no keepalive"
}

show_all_field_starts_with_the_interface() {
	local field p4

	with_peers
	check_ok ip -n "$NS" link add xtun1 type xtun
	p4=$(new_pub)
	check_ok xc peer add xtun1 "$p4" endpoint 192.0.2.4:1
	for field in $FIELDS; do
		stable_reads "$NS" show all "$field"
		check_eq "$OUT" "$(field_from_dump "$field" all)" "show all $field"
	done
	check_ok xc show all peers
	check_eq "$(cut -f1 <<<"$OUT" | paste -sd' ')" "xtun0 xtun0 xtun0 xtun1" "interface column"
	check_eq "$(grep '^xtun1' <<<"$OUT")" $'xtun1\t'"$p4" "xtun1's peer"
	check_ok xc show all listen-port
	check_eq "$OUT" $'xtun0\t51820\nxtun1\t0' "show all listen-port"
}

bad_field_exits_1_and_names_it() {
	with_peers
	check_status 1 xc show xtun0 bogus
	check_match "$OUT" "'bogus'" "the field named"
	check_match "$OUT" "latest-handshakes" "the fields listed"
	check_status 1 xc show all endpoint
	check_match "$OUT" "'endpoint'" "the field named"
	# An argument error is found before the kernel is asked.
	check_status 1 xc show nosuch0 bogus
	check_status 1 xc show xtun0 peers extra
	check_match "$OUT" "'extra'" "the extra argument named"
	check_status 1 xc show interfaces peers
	check_status 1 xc show xtun0 dump -j
	check_match "$OUT" "'-j'" "-j with dump"
	check_status 1 xc show xtun0 peers --json
	check_match "$OUT" "'--json'" "--json with a field"
	check_status 2 xc show nosuch0 peers
}

no_colour_when_piped() {
	with_peers
	check_ok xc show xtun0
	check_no_match "$OUT" $'\e' "escape sequences in a pipe"
	check_match "$OUT" '^interface: xtun0$' "the heading"
	check_ok xc show -j
	check_no_match "$OUT" $'\e' "escape sequences in JSON"
}

# on_tty CMD: $OUT of the shell command CMD run on a terminal in $NS, with
# the terminal's carriage returns taken out.
on_tty() {
	check_ok ip netns exec "$NS" script -qec "$1" /dev/null
	OUT=$(tr -d '\r' <<<"$OUT")
}

colour_on_a_terminal_unless_NO_COLOR() {
	local plain

	with_peers
	check_ok xc show xtun0
	plain=$OUT
	on_tty "$XTUNCTL show xtun0"
	check_match "$OUT" $'\e\\[[0-9;]*minterface' "a coloured heading on a terminal"
	check_match "$OUT" $'\e\\[[0-9;]*mpeer' "a coloured peer on a terminal"
	# The colours are all that differs.
	check_eq "$(sed 's/\x1b\[[0-9;]*m//g' <<<"$OUT")" "$plain" "the text without colour"
	on_tty "NO_COLOR=1 $XTUNCTL show xtun0"
	check_eq "$OUT" "$plain" "with NO_COLOR=1"
	# no-color.org: an empty NO_COLOR does not count.
	on_tty "NO_COLOR= $XTUNCTL show xtun0"
	check_match "$OUT" $'\e' "with an empty NO_COLOR"
	on_tty "$XTUNCTL show xtun0 -j"
	check_no_match "$OUT" $'\e' "JSON on a terminal"
	on_tty "$XTUNCTL show xtun0 dump"
	check_no_match "$OUT" $'\e' "dump on a terminal"
}

# kib BYTES: BYTES as the human output prints bytes of 1 KiB to 1 MiB.
kib() {
	awk -v b="$1" 'BEGIN { printf "%.2f KiB", b / 1024 }'
}

human_output_shows_handshake_and_transfer_after_traffic() {
	local now rx tx hs

	tunnel_pair xtun xtun 4
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	# 5 x 1228 bytes each way: KiB, not bytes.  -U: see pings in lib.sh.
	check_ok ip netns exec "$NS_A" ping -U -n -q -c 5 -i 0.2 -W 2 -s 1200 "$IN4_B"
	stable_reads "$NS_A" show xtun0
	check_match "$OUT" '^  latest handshake: (Now|[0-9]+ (seconds?|minutes?)(, [0-9]+ seconds?)? ago)$' \
		"latest handshake"
	rx=$(awk -F'\t' 'NF == 19 { print $7 }' <<<"$DUMP")
	tx=$(awk -F'\t' 'NF == 19 { print $8 }' <<<"$DUMP")
	[ "$rx" -ge 6140 ] && [ "$tx" -ge 6140 ] || fail "transfer $rx, $tx: less than the pings"
	grep -qxF "  transfer: $(kib "$rx") received, $(kib "$tx") sent" <<<"$OUT" ||
		fail "no transfer line for $rx and $tx bytes: $OUT"
	check_match "$OUT" '^  datagrams: [1-9][0-9]* received, [1-9][0-9]* sent$' "datagrams"
	# The inner bytes: the pings without the protocol around them.
	rx=$(awk -F'\t' 'NF == 19 { print $18 }' <<<"$DUMP")
	tx=$(awk -F'\t' 'NF == 19 { print $19 }' <<<"$DUMP")
	[ "$rx" -ge 6140 ] && [ "$tx" -ge 6140 ] || fail "inner transfer $rx, $tx: less than the pings"
	grep -qxF "  inner transfer: $(kib "$rx") received, $(kib "$tx") sent" <<<"$OUT" ||
		fail "no inner transfer line for $rx and $tx bytes: $OUT"
	check_match "$OUT" '^  packets: [1-9][0-9]* received, [1-9][0-9]* sent$' "packets"
	check_no_match "$OUT" 'drops:' "drops while none were dropped"

	# JSON: the same handshake, in seconds since the epoch.
	stable_reads "$NS_A" show xtun0 -j
	now=$(date +%s)
	hs=$(python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["peers"][0]["latest_handshake"])' <<<"$OUT")
	[ "$hs" -gt $((now - 300)) ] && [ "$hs" -le "$now" ] ||
		fail "latest_handshake $hs, now $now"
	check_eq "$hs" "$(awk -F'\t' 'NF == 19 { print $6 }' <<<"$DUMP")" "latest_handshake"
}

# peer_block KEY: the lines of peer KEY in the human output $OUT.
peer_block() {
	awk -v key="$1" '/^peer: / { on = $2 == key } on' <<<"$OUT"
}

json_is_the_dump_after_traffic_and_drops() {
	local dir p3 source no_session

	tunnel_pair xtun xtun 4
	tunnel_works "$NS_A" "$IN4_B" || fail "no ping reply from $IN4_B"
	# One way: b answers with ICMP errors, larger than what a sent.
	check_ok ip netns exec "$NS_A" "$XTUN_PKT" udp-send "$IN4_A" "$IN4_B" 9 3
	# drop-source at a: b sends from an address a does not route to b.
	check_ok ip -n "$NS_B" addr add 10.241.0.77/32 dev xtun0
	check_fails ip netns exec "$NS_B" ping -U -n -q -c 3 -i 0.2 -W 1 -I 10.241.0.77 "$IN4_A"
	# drop-no-session at a: a peer it cannot reach, sent more packets than
	# it keeps while waiting for a session.
	p3=$(new_pub)
	check_ok ip netns exec "$NS_A" "$XTUNCTL" peer add xtun0 "$p3" \
		endpoint 192.0.2.1:1 allowed-ips 10.241.0.99
	check_ok ip netns exec "$NS_A" "$XTUN_PKT" udp-send "$IN4_A" 10.241.0.99 9 140

	dir=$(tmp_dir)
	stable_reads "$NS_A" show -j
	echo "$OUT" > "$dir/json"
	echo "$DUMP" > "$dir/dump"
	json_matches_dump "$dir/json" "$dir/dump" || fail "show -j and show all dump differ"
	python3 - "$dir/json" "$PUB_B" "$p3" <<'EOF' || fail "show -j: $(cat "$dir/json")"
import json, sys
peers = {p["public_key"]: p for p in json.load(open(sys.argv[1]))[0]["peers"]}
b, p3 = peers[sys.argv[2]], peers[sys.argv[3]]
# Distinct values, so that members mixed up would not go unnoticed.
assert b["rx_bytes"] != b["tx_bytes"] and b["rx_bytes"] > 0 and b["tx_bytes"] > 0, b
assert b["rx_packets"] > 0 and b["tx_packets"] > 0, b
assert b["drop_source"] == 3 and b["drop_no_session"] == 0, b
assert p3["drop_no_session"] >= 140 - 128 and p3["drop_source"] == 0, p3
assert p3["latest_handshake"] == 0 and p3["rx_bytes"] == 0, p3
EOF

	# The human output shows the drops, of those peers that have any.
	stable_reads "$NS_A" show xtun0
	source=$(awk -F'\t' -v k="$PUB_B" '$2 == k { print $12 }' <<<"$DUMP")
	no_session=$(awk -F'\t' -v k="$p3" '$2 == k { print $13 }' <<<"$DUMP")
	check_match "$(peer_block "$PUB_B")" \
		"^  drops: replay 0, authentication 0, source $source, no session 0\$" "b's drops"
	check_match "$(peer_block "$p3")" \
		"^  drops: replay 0, authentication 0, source 0, no session $no_session\$" \
		"the unreachable peer's drops"
}

# same_layout_as_wg XTUN_DUMP WG_DUMP: "xtunctl show all dump" has every
# column of "wg show all dump" in wg's place, and its own columns after
# them (XTUN_OWN_DEVICE and XTUN_OWN_PEER of them).  Settings read alike;
# the keys the kernel keeps to itself are "(hidden)" where wg prints them.
same_layout_as_wg() {
	python3 - "$1" "$2" <<'EOF'
import sys

WG_DEVICE, WG_PEER = 5, 9	# wg's columns of "show all dump"
XTUN_OWN_DEVICE, XTUN_OWN_PEER = 0, 10

def lines(path):
    with open(path) as f:
        return [line.split("\t") for line in f.read().splitlines()]

def fail(msg):
    print(msg)
    sys.exit(1)

def secret(wg_col):
    return "(none)" if wg_col == "(none)" else "(hidden)"

xtun, wg = lines(sys.argv[1]), lines(sys.argv[2])
if len(xtun) != len(wg):
    fail(f"{len(xtun)} lines, wg {len(wg)}")
# Peers in the order of their keys: the kernels keep their own order.
def key(row):
    peer = len(row) > WG_DEVICE + XTUN_OWN_DEVICE
    return (row[0], peer, row[1] if peer else "")

for x, w in zip(sorted(xtun, key=key), sorted(wg, key=key)):
    if len(w) == WG_DEVICE:
        own = XTUN_OWN_DEVICE
        want = [w[0], secret(w[1])] + w[2:]
    elif len(w) == WG_PEER:
        own = XTUN_OWN_PEER
        # ifname public-key preshared-key endpoint allowed-ips
        # latest-handshake transfer-rx transfer-tx persistent-keepalive
        # (the allowed IPs in any order).
        w[4] = ",".join(sorted(w[4].split(",")))
        x[4] = ",".join(sorted(x[4].split(",")))
        want = w[:2] + [secret(w[2])] + w[3:]
    else:
        fail(f"wg printed a line of {len(w)} columns: {w}")
    if len(x) != len(w) + own:
        fail(f"{len(x)} columns where wg has {len(w)} (+{own} of xtun's): {x} / {w}")
    for i, (got, exp) in enumerate(zip(x, want)):
        if got != exp:
            fail(f"column {i + 1}: '{got}', wg '{w[i]}' ({x} / {w})")
EOF
}

# The same configuration file on an xtun and a WireGuard device, each
# named tun0 in a namespace of its own (they listen on the same port).
dump_columns_are_wg_show_all_dump_columns() {
	local dir wg_ns

	require_cmd wg
	xtun_load
	NS=$(ns_new a)
	wg_ns=$(ns_new w)
	dir=$(tmp_dir)
	(umask 077 && "$XTUNCTL" genkey > "$dir/key" && "$XTUNCTL" genpsk > "$dir/psk")
	P1=$(new_pub) P2=$(new_pub) P3=$(new_pub)
	cat > "$dir/tun0.conf" <<EOF
[Interface]
PrivateKey = $(cat "$dir/key")
ListenPort = 51820
FwMark = 0x1234

[Peer]
PublicKey = $P1
PresharedKey = $(cat "$dir/psk")
Endpoint = 192.0.2.1:51820
AllowedIPs = 10.0.0.0/24, fd00::/64, 10.9.9.9/32
PersistentKeepalive = 25

[Peer]
PublicKey = $P2
Endpoint = [2001:db8::7]:4242
AllowedIPs = 10.0.1.0/24

[Peer]
PublicKey = $P3
EOF
	chmod 600 "$dir/tun0.conf"
	check_ok ip -n "$NS" link add tun0 type xtun
	check_ok ip -n "$wg_ns" link add tun0 type wireguard
	check_ok xc setconf tun0 "$dir/tun0.conf"
	check_ok ip netns exec "$wg_ns" wg setconf tun0 "$dir/tun0.conf"
	# A device without a key or peers, and one with a peer, beside them.
	check_ok ip -n "$NS" link add tun1 type xtun
	check_ok ip -n "$wg_ns" link add tun1 type wireguard
	check_ok xc peer add tun1 "$P2"
	check_ok ip netns exec "$wg_ns" wg set tun1 peer "$P2"

	check_ok xc show all dump
	echo "$OUT" > "$dir/xtun.dump"
	check_ok ip netns exec "$wg_ns" wg show all dump
	echo "$OUT" > "$dir/wg.dump"
	same_layout_as_wg "$dir/xtun.dump" "$dir/wg.dump" ||
		fail "xtunctl show all dump differs from wg's: $(cat "$dir/xtun.dump") / $(cat "$dir/wg.dump")"
	# One device: the same lines without the name.
	check_ok xc show tun0 dump
	sed 's/^/tun0\t/' <<<"$OUT" > "$dir/xtun.dump"
	check_ok ip netns exec "$wg_ns" wg show tun0 dump
	sed 's/^/tun0\t/' <<<"$OUT" > "$dir/wg.dump"
	same_layout_as_wg "$dir/xtun.dump" "$dir/wg.dump" ||
		fail "xtunctl show tun0 dump differs from wg's"
}

# completions WORD...: what _xtunctl offers for the last WORD of the command
# line "xtunctl WORD...", one per line, completed in $NS by plain bash.
completions() {
	ip netns exec "$NS" bash -c 'source "$1" || exit 1
		_xtunctl_config_dir=$2
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		_xtunctl || exit 1
		[ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$COMPLETION" "${CONF_DIR:-/nonexistent}" "$XTUNCTL" "$@"
}

# offers WORDS WHAT WORD...: the completions of WORD... are exactly WORDS
# (space-separated, any order).
offers() {
	local want=$1 what=$2 got

	shift 2
	got=$(completions "$@") || fail "completing $what"
	check_eq "$(sort <<<"$got" | paste -sd' ')" \
		"$(tr -s ' \t\n' '\n' <<<"$want" | sed '/^$/d' | sort | paste -sd' ')" "$what"
}

completion_offers_commands_devices_and_peers() {
	local cmds

	with_peers
	check_ok ip -n "$NS" link add veth0 type veth peer name veth1
	check_ok "$XTUNCTL" help
	cmds=$(awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' <<<"$OUT")
	check_match "$cmds" '^show$' "show in help"
	offers "$cmds" "commands" ""
	offers "$(grep '^s' <<<"$cmds")" "commands starting with s" s
	offers "all interfaces xtun0" "show's first word" show ""
	offers "$FIELDS dump" "show's fields" show xtun0 ""
	offers "$FIELDS dump" "show's fields after -j" show -j xtun0 ""
	offers "latest-handshakes" "a field by its start" show all la
	offers "-j --json" "show's options" show xtun0 -
	offers "" "nothing after show interfaces" show interfaces ""
	offers "add set del" "peer's subcommands" peer ""
	offers "xtun0" "peer set's device" peer set ""
	offers "$P1 $P2 $P3" "peer set's keys" peer set xtun0 ""
	offers "$P2" "a key by its start" peer del xtun0 "${P2:0:20}"
	offers "" "no key to guess for peer add" peer add xtun0 ""
	offers "endpoint allowed-ips persistent-keepalive preshared-key" \
		"peer set's options" peer set xtun0 "$P1" ""
	offers "allowed-ips persistent-keepalive preshared-key" \
		"peer set's options not given yet" peer set xtun0 "$P1" endpoint 192.0.2.1:1 ""
	offers "private-key listen-port fwmark" "dev set's options" dev set xtun0 ""
	offers "fwmark" "dev set's options not given yet" \
		dev set xtun0 private-key /dev/null listen-port 1 ""
}

completion_offers_files_and_configurations() {
	local dir

	xtun_load
	NS=$(ns_new a)
	dir=$(tmp_dir)
	touch "$dir/site-a.conf" "$dir/site-b.conf" "$dir/other.key"
	offers "$dir/site-a.conf $dir/site-b.conf" "setconf's file" setconf xtun0 "$dir/si"
	offers "$dir/other.key" "private-key's file" dev set xtun0 private-key "$dir/o"
	offers "$dir/other.key" "preshared-key's file" \
		peer add xtun0 "$(new_pub)" preshared-key "$dir/o"
	CONF_DIR=$dir offers "site-a site-b" "up's configurations" up ""
	CONF_DIR=$dir offers "site-b" "down's configuration by its start" down site-b
}

ktap_run_tests \
	json_is_the_dump_in_every_field \
	json_of_one_device_is_an_array_and_takes_either_option \
	json_escapes_interface_names \
	show_interfaces_lists_only_xtun_devices \
	show_peers_prints_the_public_keys \
	every_field_is_its_dump_column \
	show_all_field_starts_with_the_interface \
	bad_field_exits_1_and_names_it \
	no_colour_when_piped \
	colour_on_a_terminal_unless_NO_COLOR \
	human_output_shows_handshake_and_transfer_after_traffic \
	json_is_the_dump_after_traffic_and_drops \
	dump_columns_are_wg_show_all_dump_columns \
	completion_offers_commands_devices_and_peers \
	completion_offers_files_and_configurations
