#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configuration under fault injection: with failslab and fail_page_alloc
# (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, the debug kernel) making the
# kernel's allocations fail on behalf of one process, every configuration
# request either succeeds or fails with an error, the device is left as
# before or as after, a dump still works and the device can be deleted.
# The harness then checks the kernel log (nothing WARNs: panic_on_warn) and
# kmemleak (nothing leaked).  Skipped on kernels without fault injection.
#
#   namespace "a": xtun0 (never up, no traffic; peers' endpoints are never
#   reached)
#
# Two ways of failing: xtun_fault.py fails the 1st, 2nd, ... allocation of
# one request in turn (fail-nth), which reaches every allocation the
# request makes; xtunctl runs with a random share of its allocations failing
# (make-it-fail), over many requests at once.

source "$(dirname "$0")/lib.sh"
require_cmd python3

FI=/sys/kernel/debug
FAULT_PY="python3 $(dirname "$0")/xtun_fault.py"
# Injections left of the random mode's budget; what it used is the count.
FAULT_TIMES=1000000

# fault_knobs: make GFP_KERNEL allocations of the chosen task fail too
# (by default only atomic ones can), order-0 pages as well, but not the
# highmem pages of user memory: a user page fault that fails is an OOM kill,
# not an error a request can report.
fault_knobs() {
	local attr

	mountpoint -q "$FI" || mount -t debugfs debugfs "$FI" 2>/dev/null
	[ -d "$FI/failslab" ] && [ -d "$FI/fail_page_alloc" ] ||
		skip "the kernel has no failslab and fail_page_alloc"
	for attr in failslab fail_page_alloc; do
		echo Y > "$FI/$attr/task-filter"
		echo N > "$FI/$attr/ignore-gfp-wait"
		echo 0 > "$FI/$attr/verbose"
		echo 0 > "$FI/$attr/probability"
		echo 1 > "$FI/$attr/interval"
		echo 0 > "$FI/$attr/space"
		echo $FAULT_TIMES > "$FI/$attr/times"
	done
	echo 0 > "$FI/fail_page_alloc/min-order"
	echo Y > "$FI/fail_page_alloc/ignore-gfp-highmem"
}

# faults_injected: how many faults the random mode injected so far.
faults_injected() {
	echo $((2 * FAULT_TIMES - $(cat "$FI/failslab/times") -
		$(cat "$FI/fail_page_alloc/times")))
}

# failing PERCENT CMD...: run CMD in namespace $NS with PERCENT of its
# kernel allocations failing; the status of CMD.
failing() {
	local pct=$1

	shift
	echo "$pct" > "$FI/failslab/probability"
	echo "$pct" > "$FI/fail_page_alloc/probability"
	ip netns exec "$NS" sh -c 'echo 1 > /proc/self/make-it-fail && exec "$@"' - "$@"
	local rc=$?
	echo 0 > "$FI/failslab/probability"
	echo 0 > "$FI/fail_page_alloc/probability"
	return $rc
}

with_namespace() {
	xtun_load
	fault_knobs
	NS=$(ns_new a) && DIR=$(tmp_dir) || fail "making the namespace"
}

# nth REQUEST [STRIDE]: xtun_fault.py's report for REQUEST, failing when it
# does.  Link requests make a hundred allocations or more, most of them the
# core's, and a link costs seconds on the debug kernel: they fail every
# STRIDE-th allocation only, and deleting a link is left to the
# lifecycle tests.
nth() {
	check_ok ip netns exec "$NS" $FAULT_PY nth xtun0 "$1" 64 "${2:-1}"
	echo "$OUT"
	check_match "$OUT" "^$1: [1-9][0-9]* runs" "$1 met no allocation to fail"
}

link_add_survives_failed_allocations() {
	with_namespace
	nth link-add 29
}

set_device_survives_every_failed_allocation() {
	with_namespace
	nth set-device
}

peer_requests_survive_every_failed_allocation() {
	with_namespace
	nth new-peer
	nth set-peer
	nth del-peer
}

dump_survives_every_failed_allocation() {
	with_namespace
	nth dump
}

# big_conf FILE PEERS PREFIXES: a setconf file of PEERS peers with PREFIXES
# allowed IPs each.
big_conf() {
	local file=$1 peers=$2 prefixes=$3 i j ips

	{
		echo "[Interface]"
		echo "PrivateKey = $("$XTUNCTL" genkey)"
		echo "ListenPort = 0"
		for ((i = 0; i < peers; i++)); do
			ips="fd00:$i::/64"
			for ((j = 0; j < prefixes - 1; j++)); do
				ips+=", 10.$((i / 256)).$((i % 256)).$((j * 4))/30"
			done
			echo "[Peer]"
			echo "PublicKey = $("$XTUNCTL" genkey | "$XTUNCTL" pubkey)"
			echo "PresharedKey = $("$XTUNCTL" genpsk)"
			echo "AllowedIPs = $ips"
			echo "Endpoint = 192.0.2.$((i % 250 + 1)):$((20000 + i))"
		done
	} > "$file"
}

# rc_is_an_error RC WHAT: xtunctl's exit status under faults is 0, 1 (it
# could not read or parse: an allocation of its own failed) or 2 (the
# kernel refused): never a signal or a hang.
rc_is_an_error() {
	case "$1" in
	0|1|2) ;;
	*) fail "$2 exited with status $1 under faults" ;;
	esac
}

setconf_of_a_large_file_fails_cleanly_under_random_faults() {
	local conf i rc before after ok=0 errors=0

	with_namespace
	conf="$DIR/big.conf"
	big_conf "$conf" 100 8
	check_ok ip -n "$NS" link add xtun0 type xtun
	before=$(faults_injected)
	for i in $(seq 1 4); do
		failing 2 "$XTUNCTL" setconf xtun0 "$conf" >/dev/null 2>&1 && rc=0 || rc=$?
		rc_is_an_error "$rc" "setconf"
		[ "$rc" = 0 ] && ok=$((ok + 1)) || errors=$((errors + 1))
		check_ok ip netns exec "$NS" "$XTUNCTL" show xtun0 dump
	done
	after=$(faults_injected)
	echo "setconf under 2% faults: $ok succeeded, $errors failed, $((after - before)) faults injected"
	[ $((after - before)) -gt 0 ] || fail "no fault was injected"
	# Without faults the same file gives exactly its configuration.
	check_ok ip netns exec "$NS" "$XTUNCTL" setconf xtun0 "$conf"
	check_ok ip netns exec "$NS" "$XTUNCTL" show xtun0 peers
	check_eq "$(wc -w <<<"$OUT")" 100 "peers after a clean setconf"
	check_ok ip -n "$NS" link del xtun0
}

peer_commands_fail_cleanly_under_random_faults() {
	local i rc key before after

	with_namespace
	check_ok ip -n "$NS" link add xtun0 type xtun
	key=$("$XTUNCTL" genkey | "$XTUNCTL" pubkey)
	before=$(faults_injected)
	for i in $(seq 1 4); do
		failing 5 "$XTUNCTL" peer add xtun0 "$key" endpoint 192.0.2.1:51820 \
			allowed-ips 10.9.0.0/24,fd00:9::/64 >/dev/null 2>&1 && rc=0 || rc=$?
		rc_is_an_error "$rc" "peer add"
		failing 5 "$XTUNCTL" peer set xtun0 "$key" allowed-ips 10.8.0.0/16 \
			>/dev/null 2>&1 && rc=0 || rc=$?
		rc_is_an_error "$rc" "peer set"
		failing 5 "$XTUNCTL" show xtun0 dump >/dev/null 2>&1 && rc=0 || rc=$?
		rc_is_an_error "$rc" "show dump"
		failing 5 "$XTUNCTL" peer del xtun0 "$key" >/dev/null 2>&1 && rc=0 || rc=$?
		rc_is_an_error "$rc" "peer del"
		check_ok ip netns exec "$NS" "$XTUNCTL" show xtun0 dump
	done
	after=$(faults_injected)
	echo "peer add, set, show, del under 5% faults: $((after - before)) faults injected"
	[ $((after - before)) -gt 0 ] || fail "no fault was injected"
	check_ok ip -n "$NS" link del xtun0
}

ktap_run_tests \
	link_add_survives_failed_allocations \
	set_device_survives_every_failed_allocation \
	peer_requests_survive_every_failed_allocation \
	dump_survives_every_failed_allocation \
	setconf_of_a_large_file_fails_cleanly_under_random_faults \
	peer_commands_fail_cleanly_under_random_faults
