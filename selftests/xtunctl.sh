#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtunctl's command line: help, version, keys, and its exit status contract
# (0 ok, 1 usage error, 2 the kernel refused).

source "$(dirname "$0")/lib.sh"

help_lists_every_command() {
	local cmd

	check_ok "$XTUNCTL" help
	for cmd in show genkey pubkey genpsk help version; do
		check_match "$OUT" "^  $cmd " "help for $cmd"
	done
	check_ok "$XTUNCTL" --help
	check_match "$OUT" '^Usage: xtunctl COMMAND' "--help"
}

version_matches_the_module_sources() {
	local want

	want=$(sed -n 's/^#define XTUN_VERSION "\(.*\)"/\1/p' "$XTUN_REPO/kmod/version.h")
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

ktap_run_tests \
	pubkey_matches_rfc7748_test_vector \
	keys_agree_with_wireguard_tools \
	genkey_makes_distinct_clamped_keys \
	genkey_warns_when_others_can_read_the_file \
	genpsk_makes_distinct_32_byte_keys \
	pubkey_rejects_malformed_keys \
	help_lists_every_command \
	version_matches_the_module_sources \
	usage_errors_exit_1_and_name_the_problem \
	kernel_refusal_exits_2_with_its_message \
	show_without_devices_prints_nothing
