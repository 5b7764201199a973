#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtunctl's command line: help, version, keys, device and peer
# configuration, show and its dump format, and the exit status contract
# (0 ok, 1 usage error, 2 the kernel refused).
#
# The configuration tests use one namespace with one xtun device and no
# traffic:
#
#   namespace $NS:  xtun0 (down), peers that are never reached
#
# Argument errors are tested against a device that does not exist: an
# argument error must be found (exit 1) before the kernel is asked (exit 2).

source "$(dirname "$0")/lib.sh"

# The columns of "xtunctl show IFNAME dump", as xtunctl(8) documents them.
DEV_COLUMNS="private-key public-key listen-port fwmark"
PEER_COLUMNS="public-key preshared-key endpoint allowed-ips latest-handshake
	transfer-rx transfer-tx persistent-keepalive drop-replay drop-auth
	drop-source drop-no-session rx-packets tx-packets rx-datagrams
	tx-datagrams rx-inner-bytes tx-inner-bytes"

# xc ARGS...: xtunctl in the test's namespace $NS.
xc() {
	ip netns exec "$NS" "$XTUNCTL" "$@"
}

# with_device: namespace $NS with device xtun0 in it.
with_device() {
	xtun_load
	NS=$(ns_new a)
	ip -n "$NS" link add xtun0 type xtun || fail "creating xtun0"
}

# col_index NAME COLUMNS: 1-based position of NAME in COLUMNS.
col_index() {
	local i=0 col

	for col in $2; do
		i=$((i + 1))
		[ "$col" = "$1" ] && { echo $i; return; }
	done
	fail "no dump column '$1'"
}

# dev_col NAME [IFNAME]: $COL is a column of the device line of the dump.
dev_col() {
	local i

	i=$(col_index "$1" "$DEV_COLUMNS")
	check_ok xc show "${2:-xtun0}" dump
	COL=$(awk -F'\t' -v i="$i" 'NR == 1 { print $i }' <<<"$OUT")
}

# peer_col KEY NAME: $COL is a column of peer KEY's line in the dump of xtun0.
peer_col() {
	local i

	i=$(col_index "$2" "$PEER_COLUMNS")
	check_ok xc show xtun0 dump
	COL=$(awk -F'\t' -v k="$1" -v i="$i" 'NR > 1 && $1 == k { print $i; f = 1 }
		END { exit !f }' <<<"$OUT") || fail "no peer $1 in the dump: $OUT"
}

# sorted LIST: a comma-separated list, sorted (the kernel's order is its own).
sorted() {
	tr ',' '\n' <<<"$1" | sort | paste -sd,
}

new_pub() {
	"$XTUNCTL" genkey | "$XTUNCTL" pubkey
}

# rand_keys N: N random public keys, one per line.  Any 32 bytes are a
# public key, and this is much faster than genkey | pubkey in a slow VM.
rand_keys() {
	local i

	for i in $(seq "$1"); do
		head -c 32 /dev/urandom | base64
	done
}

# add_peers FILE: a peer on xtun0 for each key in FILE, each with one /32.
add_peers() {
	ip netns exec "$NS" bash -c 'i=0; while read -r k; do i=$((i + 1))
		"$0" peer add xtun0 "$k" allowed-ips "10.1.$((i / 256)).$((i % 256))" ||
		exit 1; done' "$XTUNCTL" < "$1" || fail "adding the peers of $1"
}

# prefixes N: N distinct /24 prefixes, one per line, sorted.
prefixes() {
	local i

	for i in $(seq 0 $(($1 - 1))); do
		echo "10.$((100 + i / 256)).$((i % 256)).0/24"
	done | sort
}

help_lists_every_command() {
	local cmd

	check_ok "$XTUNCTL" help
	for cmd in show dev peer setconf addconf syncconf reresolve showconf up down \
		genkey pubkey genpsk help version; do
		check_match "$OUT" "^  $cmd " "help for $cmd"
	done
	check_ok "$XTUNCTL" --help
	check_match "$OUT" '^Usage: xtunctl COMMAND' "--help"
}

version_matches_the_module_sources() {
	local want

	want=$(sed -n 's/^#define XTUN_VERSION "\(.*\)"/\1/p' "$XTUN_REPO/uapi/linux/xtun_version.h")
	check_ok "$XTUNCTL" --version
	check_eq "$OUT" "xtunctl $want" "--version"
	check_ok "$XTUNCTL" version
	check_eq "$OUT" "xtunctl $want" "version"
}

usage_errors_exit_1_and_name_the_problem() {
	check_status 1 "$XTUNCTL"
	check_match "$OUT" '^Usage: ' "no command"
	check_status 1 "$XTUNCTL" frobnicate
	check_match "$OUT" "unknown command 'frobnicate'" "unknown command"
	check_status 1 "$XTUNCTL" show xtun0 extra
	check_match "$OUT" 'Usage: xtunctl show' "too many arguments"
	check_status 1 "$XTUNCTL" show abcdefghijklmnopq
	check_match "$OUT" "interface name 'abcdefghijklmnopq' is longer than 15" "long name"
}

kernel_refusal_exits_2_with_its_message() {
	xtun_load
	check_status 2 "$XTUNCTL" show nosuch0
	check_eq "$OUT" "Error: xtun: no such device" "kernel's message"
}

show_without_devices_prints_nothing() {
	local ns

	xtun_load
	ns=$(ns_new a)
	check_ok ip netns exec "$ns" "$XTUNCTL" show
	check_eq "$OUT" "" "output"
}

# bytes KEY: the decimal bytes of a base64 key, one line.
bytes() {
	base64 -d <<<"$1" | od -An -tu1 -v | tr -s ' \n' ' '
}

hex_to_key() {
	xxd -r -p <<<"$1" | base64
}

pubkey_matches_rfc7748_test_vector() {
	local alice alice_pub

	require_cmd xxd
	# RFC 7748, section 6.1: Alice's key pair.
	alice=$(hex_to_key 77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a)
	alice_pub=$(hex_to_key 8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a)
	check_ok "$XTUNCTL" pubkey <<<"$alice"
	check_eq "$OUT" "$alice_pub" "public key of RFC 7748's Alice"
}

keys_agree_with_wireguard_tools() {
	local i key

	require_cmd wg
	for i in $(seq 25); do
		key=$("$XTUNCTL" genkey)
		check_eq "$("$XTUNCTL" pubkey <<<"$key")" "$(wg pubkey <<<"$key")" \
			"pubkey of xtunctl's key $key"
		key=$(wg genkey)
		check_eq "$("$XTUNCTL" pubkey <<<"$key")" "$(wg pubkey <<<"$key")" \
			"pubkey of wg's key $key"
	done
}

genkey_makes_distinct_clamped_keys() {
	local a b first last k

	a=$("$XTUNCTL" genkey)
	b=$("$XTUNCTL" genkey)
	check_match "$a" '^[A-Za-z0-9+/]{43}=$' "key format"
	[ "$a" != "$b" ] || fail "two keys are equal: $a"
	read -r -a k <<<"$(bytes "$a")"
	check_eq "${#k[@]}" 32 "key length"
	first=${k[0]} last=${k[31]}
	check_eq "$((first & 7))" 0 "low bits of the first byte"
	check_eq "$((last & 192))" 64 "high bits of the last byte"
}

genkey_warns_when_others_can_read_the_file() {
	local dir

	dir=$(mktemp -d)
	(umask 022 && "$XTUNCTL" genkey > "$dir/open.key") 2> "$dir/open.err"
	check_match "$(cat "$dir/open.err")" 'others can read' "warning for mode 0644"
	(umask 077 && "$XTUNCTL" genkey > "$dir/closed.key") 2> "$dir/closed.err"
	check_eq "$(cat "$dir/closed.err")" "" "stderr for mode 0600"
	check_ok "$XTUNCTL" pubkey < "$dir/closed.key"
	rm -rf "$dir"
}

genpsk_makes_distinct_32_byte_keys() {
	local a b

	a=$("$XTUNCTL" genpsk)
	b=$("$XTUNCTL" genpsk)
	check_match "$a" '^[A-Za-z0-9+/]{43}=$' "key format"
	[ "$a" != "$b" ] || fail "two keys are equal: $a"
	check_eq "$(base64 -d <<<"$a" | wc -c)" 32 "key length"
}

# base64_test (tools/tunctl) holds base64.c's arithmetic codec against a
# reference: every byte in every place round-trips, every character of the
# alphabet in every place decodes, every other byte and length is refused.
key_codec_accepts_every_key_and_refuses_bad_text() {
	check_ok "$(dirname "$XTUNCTL")/base64_test"
	check_match "$OUT" 'agree with the reference' "base64_test's verdict"
}

# extack_test (tools/tunctl) has extack.c name attributes the kernel
# reports missing, at each level of nesting, with the names of the spec
# (tools/tunctl/netlink-gen.c); xtunctl's own requests never lack one.
missing_attributes_are_named_as_the_spec_names_them() {
	check_ok "$(dirname "$XTUNCTL")/extack_test"
	check_match "$OUT" 'as the spec names it' "extack_test's verdict"
}

# fields_test (tools/tunctl) holds the field table every show format and
# showconf print from: each output's rows in places 1..N without a gap or a
# double, a name for each output a row is in, a counter group in one piece,
# and wg's dump columns first, in wg's order.
field_table_fits_every_output_and_keeps_wg_dump_columns() {
	check_ok "$(dirname "$XTUNCTL")/fields_test"
	check_match "$OUT" 'fit every output' "fields_test's verdict"
}

# key_index_test (tools/tunctl) holds the sorted key index that setconf's
# duplicate check, syncconf, addconf and reresolve find peers with against
# a linear search: each key found at the first peer that has it, repeats
# as a scan finds them, absent keys not found.
peers_are_found_by_key_as_a_linear_search_finds_them() {
	check_ok "$(dirname "$XTUNCTL")/key_index_test"
	check_match "$OUT" 'finds every key at its first peer' "key_index_test's verdict"
}

# addr_test (tools/tunctl) holds the prefix text every show format prints
# (IPv4 written by hand, for the speed of dumps) against inet_ntop(), and
# the numbers written by hand against printf().
prefixes_and_numbers_print_as_the_c_library_prints_them() {
	check_ok "$(dirname "$XTUNCTL")/addr_test"
	check_match "$OUT" 'prefixes and numbers read as inet_ntop and printf write them' \
		"addr_test's verdict"
}

pubkey_rejects_malformed_keys() {
	local good bad

	good=$("$XTUNCTL" genkey)
	for bad in "" "abc" "${good%=}" "${good}x" "${good:0:10}*${good:11}" \
		"${good:0:42}B=" "$good $good"; do
		check_status 1 "$XTUNCTL" pubkey <<<"$bad"
		check_match "$OUT" 'standard input is not a base64 key' "input '$bad'"
	done
	# White space around a key, as in a file written by echo, is fine.
	check_ok "$XTUNCTL" pubkey <<<"  $good  "
	check_status 1 "$XTUNCTL" pubkey extra
	check_match "$OUT" 'Usage: xtunctl pubkey' "extra argument"
}

# usage_error ERE ARGS...: xtunctl ARGS exits 1 with a message matching ERE.
usage_error() {
	local want=$1

	shift
	check_status 1 "$XTUNCTL" "$@"
	check_match "$OUT" "$want" "xtunctl $*"
}

dev_set_rejects_malformed_arguments() {
	local dir

	dir=$(mktemp -d)
	echo "not a key" > "$dir/bad.key"
	usage_error "invalid listen-port '70000'" dev set nosuch0 listen-port 70000
	usage_error "invalid listen-port '-1'" dev set nosuch0 listen-port -1
	usage_error "invalid listen-port ' 1'" dev set nosuch0 listen-port " 1"
	usage_error "invalid fwmark '0x'" dev set nosuch0 fwmark 0x
	usage_error "invalid fwmark '4294967296'" dev set nosuch0 fwmark 4294967296
	usage_error "invalid fwmark '0x1g'" dev set nosuch0 fwmark 0x1g
	usage_error "invalid fwmark 'on'" dev set nosuch0 fwmark on
	usage_error "invalid private-key file '$dir/none.key': No such file" \
		dev set nosuch0 private-key "$dir/none.key"
	usage_error "invalid private-key file '$dir/bad.key': does not hold a base64 key" \
		dev set nosuch0 private-key "$dir/bad.key"
	usage_error "unknown option 'port'; expected one of: private-key, listen-port, fwmark" \
		dev set nosuch0 port 1
	usage_error "option 'fwmark' needs a value" dev set nosuch0 fwmark
	usage_error "option 'listen-port' is given twice" \
		dev set nosuch0 listen-port 1 listen-port 2
	usage_error "interface name '0123456789abcdefg' is longer than 15" \
		dev set 0123456789abcdefg listen-port 1
	usage_error "unknown dev command 'get'" dev get nosuch0
	usage_error '^Usage: xtunctl dev set IFNAME' dev set
	usage_error '^Usage: xtunctl dev set IFNAME' dev
	rm -rf "$dir"
}

peer_commands_reject_malformed_arguments() {
	local pub

	pub=$(new_pub)
	usage_error "invalid public key 'abc': not a base64 key" peer add nosuch0 abc
	usage_error "invalid public key 'abc'" peer set nosuch0 abc
	usage_error "invalid public key 'abc'" peer del nosuch0 abc
	usage_error "invalid public key '" peer add nosuch0 "${pub%=}"
	usage_error "invalid endpoint '192.0.2.1': expected HOST:PORT" \
		peer add nosuch0 "$pub" endpoint 192.0.2.1
	usage_error "invalid endpoint '192.0.2.1:0': the port is not a number from 1 to 65535" \
		peer add nosuch0 "$pub" endpoint 192.0.2.1:0
	usage_error "invalid endpoint '192.0.2.1:65536'" \
		peer add nosuch0 "$pub" endpoint 192.0.2.1:65536
	usage_error "invalid endpoint '192.0.2.1:'" \
		peer add nosuch0 "$pub" endpoint 192.0.2.1:
	usage_error "invalid endpoint 'fd00::1:51820': an IPv6 address needs brackets" \
		peer add nosuch0 "$pub" endpoint fd00::1:51820
	usage_error "invalid endpoint '\[fd00::1:51820'" \
		peer add nosuch0 "$pub" endpoint "[fd00::1:51820"
	usage_error "invalid endpoint ':51820': the host is empty" \
		peer set nosuch0 "$pub" endpoint :51820
	usage_error "invalid allowed-ips entry '10.0.0.0/33'" \
		peer add nosuch0 "$pub" allowed-ips 10.0.0.0/33
	usage_error "invalid allowed-ips entry 'fd00::/129'" \
		peer add nosuch0 "$pub" allowed-ips 10.0.0.0/8,fd00::/129
	usage_error "invalid allowed-ips entry '10.0.0.300'" \
		peer add nosuch0 "$pub" allowed-ips 10.0.0.300
	usage_error "invalid allowed-ips entry '10.0.0.0/'" \
		peer add nosuch0 "$pub" allowed-ips 10.0.0.0/
	usage_error "invalid allowed-ips: entry 2 is empty" \
		peer add nosuch0 "$pub" allowed-ips 10.0.0.1,,10.0.0.2
	usage_error "invalid allowed-ips entry '\+10.0.0.1': '\+' and '-' are for 'peer set'" \
		peer add nosuch0 "$pub" allowed-ips +10.0.0.1
	usage_error "invalid allowed-ips entry '-10.0.0.2': plain prefixes replace" \
		peer set nosuch0 "$pub" allowed-ips 10.0.0.1,-10.0.0.2
	usage_error "invalid allowed-ips entry '10.0.0.2': plain prefixes replace" \
		peer set nosuch0 "$pub" allowed-ips +10.0.0.1,10.0.0.2
	usage_error "invalid persistent-keepalive '65536'" \
		peer add nosuch0 "$pub" persistent-keepalive 65536
	usage_error "invalid preshared-key file '/nonexistent'" \
		peer add nosuch0 "$pub" preshared-key /nonexistent
	usage_error "unknown option 'allowed-ip'; expected one of: endpoint, allowed-ips" \
		peer add nosuch0 "$pub" allowed-ip 10.0.0.1
	usage_error "option 'endpoint' needs a value" peer add nosuch0 "$pub" endpoint
	usage_error "option 'allowed-ips' is given twice" \
		peer set nosuch0 "$pub" allowed-ips 10.0.0.1 allowed-ips 10.0.0.2
	usage_error '^Usage: xtunctl peer del IFNAME PUBKEY' peer del nosuch0 "$pub" extra
	usage_error '^Usage: xtunctl peer add IFNAME PUBKEY' peer add nosuch0
	usage_error "unknown peer command 'remove'" peer remove nosuch0 "$pub"
	usage_error '^Usage: xtunctl show' show xtun0 dmp
	usage_error '^Usage: xtunctl show' show xtun0 dump extra
}

dev_set_port_and_fwmark_are_shown_in_dump() {
	with_device
	dev_col listen-port
	check_eq "$COL" 0 "port of a new device"
	dev_col fwmark
	check_eq "$COL" off "fwmark of a new device"
	check_ok xc dev set xtun0 listen-port 51820 fwmark 0x1234
	dev_col listen-port
	check_eq "$COL" 51820 "listen-port"
	dev_col fwmark
	check_eq "$COL" 0x1234 "fwmark"
	check_ok xc show xtun0
	check_match "$OUT" '^  listening port: 51820$' "show: port"
	check_match "$OUT" '^  fwmark: 0x1234$' "show: fwmark"
	# Decimal is the same mark; what is not given stays.
	check_ok xc dev set xtun0 fwmark 4096
	dev_col fwmark
	check_eq "$COL" 0x1000 "decimal fwmark"
	dev_col listen-port
	check_eq "$COL" 51820 "port after changing only the fwmark"
	check_ok xc dev set xtun0 fwmark off
	dev_col fwmark
	check_eq "$COL" off "fwmark off"
	check_ok xc show xtun0
	check_no_match "$OUT" 'fwmark' "show without fwmark"
}

private_key_is_hidden_and_public_key_matches_pubkey() {
	local dir pub

	with_device
	dir=$(mktemp -d)
	(umask 077 && "$XTUNCTL" genkey > "$dir/a.key" && "$XTUNCTL" genkey > "$dir/b.key")
	dev_col private-key
	check_eq "$COL" "(none)" "private key of a new device"
	dev_col public-key
	check_eq "$COL" "(none)" "public key of a new device"

	check_ok xc dev set xtun0 private-key "$dir/a.key"
	pub=$("$XTUNCTL" pubkey < "$dir/a.key")
	dev_col private-key
	check_eq "$COL" "(hidden)" "private key"
	dev_col public-key
	check_eq "$COL" "$pub" "public key"
	check_ok xc show xtun0
	check_match "$OUT" '^  private key: \(hidden\)$' "show: private key"
	grep -qxF "  public key: $pub" <<<"$OUT" || fail "show: no public key $pub: $OUT"
	check_ok xc show all dump
	! grep -qF "$(cat "$dir/a.key")" <<<"$OUT" || fail "the private key was printed"

	# /dev/stdin is a file like any other.
	check_ok xc dev set xtun0 private-key /dev/stdin < "$dir/b.key"
	dev_col public-key
	check_eq "$COL" "$("$XTUNCTL" pubkey < "$dir/b.key")" "public key of a key from stdin"
	# 32 zero bytes remove the key.
	check_ok xc dev set xtun0 private-key /dev/stdin <<<"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	dev_col private-key
	check_eq "$COL" "(none)" "private key after removing it"
	rm -rf "$dir"
}

peer_add_is_shown_with_endpoint_and_allowed_ips() {
	local a b

	with_device
	a=$(new_pub) b=$(new_pub)
	check_ok xc peer add xtun0 "$a" endpoint 192.0.2.1:51820 \
		allowed-ips 10.0.0.0/24,fd00::/64 persistent-keepalive 25
	check_ok xc peer add xtun0 "$b" endpoint "[fd00::1]:51821" \
		allowed-ips "10.0.1.1, fd00:1::1"
	peer_col "$a" endpoint
	check_eq "$COL" 192.0.2.1:51820 "IPv4 endpoint"
	peer_col "$a" allowed-ips
	check_eq "$(sorted "$COL")" "10.0.0.0/24,fd00::/64" "allowed IPs"
	peer_col "$a" persistent-keepalive
	check_eq "$COL" 25 "persistent keepalive"
	peer_col "$b" endpoint
	check_eq "$COL" "[fd00::1]:51821" "IPv6 endpoint"
	peer_col "$b" allowed-ips
	check_eq "$(sorted "$COL")" "10.0.1.1/32,fd00:1::1/128" "single addresses"
	peer_col "$b" persistent-keepalive
	check_eq "$COL" off "no keepalive"
}

dump_has_wg_columns_then_xtun_counters() {
	local a tab=$'\t'

	with_device
	a=$(new_pub)
	check_ok xc peer add xtun0 "$a" endpoint "[fd00::1]:51820" allowed-ips fd00:1::/64
	check_ok xc show xtun0 dump
	check_eq "$(wc -l <<<"$OUT")" 2 "lines"
	check_eq "$(sed -n 1p <<<"$OUT")" "(none)$tab(none)${tab}0${tab}off" "device line"
	check_eq "$(sed -n 2p <<<"$OUT")" \
		"$a${tab}(none)${tab}[fd00::1]:51820${tab}fd00:1::/64${tab}0${tab}0${tab}0${tab}off${tab}0${tab}0${tab}0${tab}0${tab}0${tab}0${tab}0${tab}0${tab}0${tab}0" \
		"peer line"
}

show_lists_peers_with_their_settings() {
	local a b

	with_device
	a=$(new_pub) b=$(new_pub)
	check_ok xc peer add xtun0 "$a" endpoint 192.0.2.1:51820 \
		allowed-ips 10.0.0.0/24 persistent-keepalive 25
	check_ok xc peer add xtun0 "$b"
	check_ok xc show xtun0
	check_match "$OUT" '^interface: xtun0$' "interface line"
	grep -qxF "peer: $a" <<<"$OUT" || fail "no peer $a: $OUT"
	grep -qxF "peer: $b" <<<"$OUT" || fail "no peer $b: $OUT"
	check_match "$OUT" '^  endpoint: 192\.0\.2\.1:51820$' "endpoint"
	check_match "$OUT" '^  allowed ips: 10\.0\.0\.0/24$' "allowed ips"
	check_match "$OUT" '^  allowed ips: \(none\)$' "no allowed ips"
	check_match "$OUT" '^  persistent keepalive: every 25 seconds$' "keepalive"
	check_no_match "$OUT" 'latest handshake|transfer:|datagrams:|packets:|drops:|preshared key' \
		"lines about what never happened"
	check_eq "$(grep -c '^$' <<<"$OUT")" 2 "blank lines before the peers"
}

show_all_dump_starts_every_line_with_the_interface() {
	local a

	with_device
	check_ok ip -n "$NS" link add xtun1 type xtun
	a=$(new_pub)
	check_ok xc peer add xtun1 "$a"
	check_ok xc show all dump
	check_eq "$(cut -f1 <<<"$OUT" | sort | tr '\n' ' ')" "xtun0 xtun1 xtun1 " "first column"
	check_eq "$(awk -F'\t' '{ print NF }' <<<"$OUT" | sort | tr '\n' ' ')" "19 5 5 " "columns"
	check_ok xc show all
	check_eq "$(grep -c '^interface: ' <<<"$OUT")" 2 "show all"
}

peer_set_replaces_allowed_ips() {
	local a

	with_device
	a=$(new_pub)
	check_ok xc peer add xtun0 "$a" allowed-ips 10.0.0.0/24,10.0.1.0/24
	check_ok xc peer set xtun0 "$a" allowed-ips 10.0.2.0/24,fd00::/64
	peer_col "$a" allowed-ips
	check_eq "$(sorted "$COL")" "10.0.2.0/24,fd00::/64" "replaced list"
}

peer_set_adds_and_removes_allowed_ips() {
	local a

	with_device
	a=$(new_pub)
	check_ok xc peer add xtun0 "$a" allowed-ips 10.0.0.0/24,10.0.1.0/24
	check_ok xc peer set xtun0 "$a" allowed-ips +10.0.2.0/24,-10.0.0.0/24,-10.9.9.0/24
	peer_col "$a" allowed-ips
	check_eq "$(sorted "$COL")" "10.0.1.0/24,10.0.2.0/24" "edited list"
}

peer_set_with_empty_allowed_ips_removes_them_all() {
	local a

	with_device
	a=$(new_pub)
	check_ok xc peer add xtun0 "$a" allowed-ips 10.0.0.0/24,fd00::/64
	check_ok xc peer set xtun0 "$a" allowed-ips ""
	peer_col "$a" allowed-ips
	check_eq "$COL" "(none)" "allowed IPs"
}

peer_set_keeps_what_is_not_given() {
	local a

	with_device
	a=$(new_pub)
	check_ok xc peer add xtun0 "$a" endpoint 192.0.2.1:51820 \
		allowed-ips 10.0.0.0/24 persistent-keepalive 25
	check_ok xc peer set xtun0 "$a" persistent-keepalive off
	peer_col "$a" persistent-keepalive
	check_eq "$COL" off "keepalive"
	peer_col "$a" endpoint
	check_eq "$COL" 192.0.2.1:51820 "endpoint"
	peer_col "$a" allowed-ips
	check_eq "$COL" 10.0.0.0/24 "allowed IPs"
	check_ok xc peer set xtun0 "$a" endpoint 192.0.2.2:51821
	peer_col "$a" endpoint
	check_eq "$COL" 192.0.2.2:51821 "new endpoint"
	peer_col "$a" allowed-ips
	check_eq "$COL" 10.0.0.0/24 "allowed IPs after a new endpoint"
}

preshared_key_is_hidden_and_zero_key_removes_it() {
	local dir a

	with_device
	dir=$(mktemp -d)
	a=$(new_pub)
	(umask 077 && "$XTUNCTL" genpsk > "$dir/psk")
	check_ok xc peer add xtun0 "$a" preshared-key "$dir/psk"
	peer_col "$a" preshared-key
	check_eq "$COL" "(hidden)" "preshared key"
	check_ok xc show xtun0
	check_match "$OUT" '^  preshared key: \(hidden\)$' "show: preshared key"
	! grep -qF "$(cat "$dir/psk")" <<<"$OUT" || fail "the preshared key was printed"
	check_ok xc peer set xtun0 "$a" preshared-key /dev/stdin \
		<<<"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	peer_col "$a" preshared-key
	check_eq "$COL" "(none)" "preshared key after setting zeros"
	rm -rf "$dir"
}

peer_del_removes_only_that_peer() {
	local a b

	with_device
	a=$(new_pub) b=$(new_pub)
	check_ok xc peer add xtun0 "$a" allowed-ips 10.0.0.1
	check_ok xc peer add xtun0 "$b" allowed-ips 10.0.0.2
	check_ok xc peer del xtun0 "$a"
	check_ok xc show xtun0 dump
	check_eq "$(sed 1d <<<"$OUT" | cut -f1)" "$b" "peers left"
	check_ok xc peer add xtun0 "$a"
	check_ok xc peer del xtun0 "$a"
}

endpoint_host_name_is_resolved() {
	local a

	with_device
	a=$(new_pub)
	check_ok xc peer add xtun0 "$a" endpoint localhost:51820
	peer_col "$a" endpoint
	check_match "$COL" '^(127\.0\.0\.1|\[::1\]):51820$' "endpoint of localhost"
}

kernel_refusals_of_peer_commands_exit_2() {
	local a b

	with_device
	a=$(new_pub) b=$(new_pub)
	check_ok xc peer add xtun0 "$a" allowed-ips 10.0.0.1
	check_status 2 xc peer add xtun0 "$a" allowed-ips 10.0.0.2
	check_match "$OUT" '^Error: .+' "adding a peer twice"
	peer_col "$a" allowed-ips
	check_eq "$COL" 10.0.0.1/32 "the peer after the refused add"
	check_status 2 xc peer set xtun0 "$b" persistent-keepalive 5
	check_match "$OUT" '^Error: .+' "setting a peer that does not exist"
	check_status 2 xc peer del xtun0 "$b"
	check_match "$OUT" '^Error: .+' "deleting a peer that does not exist"
	check_status 2 xc peer add nosuch0 "$b"
	check_eq "$OUT" "Error: xtun: no such device" "peer add to an unknown device"
	check_status 2 xc dev set nosuch0 listen-port 1
	check_eq "$OUT" "Error: xtun: no such device" "dev set of an unknown device"
}

# A peer with thousands of allowed IPs takes more than one request to
# configure and more than one dump message to read; the peers added after
# it come in the messages that continue it.
many_peers_and_allowed_ips_read_back_whole() {
	local dir big

	with_device
	dir=$(mktemp -d)
	big=$(new_pub)
	prefixes 2000 > "$dir/big.ips"
	check_ok xc peer add xtun0 "$big" allowed-ips "$(paste -sd, "$dir/big.ips")"
	rand_keys 30 > "$dir/keys"
	add_peers "$dir/keys"

	check_ok xc show xtun0 dump
	echo "$big" >> "$dir/keys"
	check_eq "$(sed 1d <<<"$OUT" | cut -f1 | sort)" "$(sort "$dir/keys")" "peers in the dump"
	check_eq "$(sed 1d <<<"$OUT" | grep -vF "$big" | cut -f4 | sort -u | wc -l)" 30 \
		"distinct allowed IPs of the small peers"
	peer_col "$big" allowed-ips
	check_eq "$(tr ',' '\n' <<<"$COL" | sort)" "$(cat "$dir/big.ips")" "allowed IPs of the big peer"
	check_ok xc show xtun0
	check_eq "$(grep -c '^peer: ' <<<"$OUT")" 31 "peers in show"

	# Replacing a long list takes several requests too; only the first replaces.
	check_ok xc peer set xtun0 "$big" allowed-ips "$(sed 's/\.0\/24$/.1/' "$dir/big.ips" | paste -sd,)"
	peer_col "$big" allowed-ips
	check_eq "$(tr ',' '\n' <<<"$COL" | sort)" "$(sed 's/\.0\/24$/.1\/32/' "$dir/big.ips")" \
		"allowed IPs after replacing"
	rm -rf "$dir"
}

# Every configuration change moves a device's generation; a dump of two
# devices with different generations is still one consistent dump.
show_all_reads_devices_with_different_histories() {
	with_device
	check_ok ip -n "$NS" link add xtun1 type xtun
	check_ok xc dev set xtun0 listen-port 1000
	check_ok xc dev set xtun1 listen-port 1001
	check_ok xc dev set xtun1 fwmark 1
	check_ok xc dev set xtun0 fwmark 2
	check_ok xc dev set xtun0 fwmark 3
	check_ok xc show
	check_eq "$(grep -c '^interface: ' <<<"$OUT")" 2 "devices in show"
	check_ok xc show all dump
	check_eq "$(cut -f1,4,5 <<<"$OUT" | sort | tr '\n\t' '  ')" \
		"xtun0 1000 0x3 xtun1 1001 0x1 " "ports and marks"
}

# A dump that the configuration changed under is read again: whatever the
# timing, show never prints a peer twice or a peer's allowed IPs in part.
show_during_changes_reads_each_device_whole() {
	local dir big extra i

	with_device
	dir=$(mktemp -d)
	big=$(new_pub) extra=$(new_pub)
	check_ok xc peer add xtun0 "$big" allowed-ips "$(prefixes 1500 | paste -sd,)"
	rand_keys 10 > "$dir/keys"
	add_peers "$dir/keys"

	# Add and remove a peer, all the time; it stops at the first error.
	ip netns exec "$NS" bash -c 'while "$0" peer add xtun0 "$1" allowed-ips 10.9.0.1 &&
		"$0" peer del xtun0 "$1"; do :; done' "$XTUNCTL" "$extra" \
		>"$dir/changes.log" 2>&1 &
	CHANGER=$!
	# A failed check exits the test; the changes must stop with it.
	trap 'kill $CHANGER 2>/dev/null || true' EXIT
	for i in $(seq 8); do
		check_ok xc show xtun0 dump
		check_eq "$(sed 1d <<<"$OUT" | cut -f1 | sort | uniq -d)" "" "peers listed twice"
		check_match "$(sed 1d <<<"$OUT" | wc -l)" '^1[12]$' "peers"
		check_eq "$(grep -F "$big" <<<"$OUT" | cut -f4 | tr ',' '\n' | wc -l)" 1500 \
			"allowed IPs of the big peer"
	done
	kill $CHANGER 2>/dev/null || fail "the changes stopped: $(cat "$dir/changes.log")"
	trap - EXIT
	rm -rf "$dir"
}

ktap_run_tests \
	pubkey_matches_rfc7748_test_vector \
	keys_agree_with_wireguard_tools \
	genkey_makes_distinct_clamped_keys \
	genkey_warns_when_others_can_read_the_file \
	genpsk_makes_distinct_32_byte_keys \
	key_codec_accepts_every_key_and_refuses_bad_text \
	missing_attributes_are_named_as_the_spec_names_them \
	field_table_fits_every_output_and_keeps_wg_dump_columns \
	peers_are_found_by_key_as_a_linear_search_finds_them \
	prefixes_and_numbers_print_as_the_c_library_prints_them \
	pubkey_rejects_malformed_keys \
	help_lists_every_command \
	version_matches_the_module_sources \
	usage_errors_exit_1_and_name_the_problem \
	kernel_refusal_exits_2_with_its_message \
	show_without_devices_prints_nothing \
	dev_set_rejects_malformed_arguments \
	peer_commands_reject_malformed_arguments \
	dev_set_port_and_fwmark_are_shown_in_dump \
	private_key_is_hidden_and_public_key_matches_pubkey \
	peer_add_is_shown_with_endpoint_and_allowed_ips \
	dump_has_wg_columns_then_xtun_counters \
	show_lists_peers_with_their_settings \
	show_all_dump_starts_every_line_with_the_interface \
	peer_set_replaces_allowed_ips \
	peer_set_adds_and_removes_allowed_ips \
	peer_set_with_empty_allowed_ips_removes_them_all \
	peer_set_keeps_what_is_not_given \
	preshared_key_is_hidden_and_zero_key_removes_it \
	peer_del_removes_only_that_peer \
	endpoint_host_name_is_resolved \
	kernel_refusals_of_peer_commands_exit_2 \
	many_peers_and_allowed_ips_read_back_whole \
	show_all_reads_devices_with_different_histories \
	show_during_changes_reads_each_device_whole
