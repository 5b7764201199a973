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
# Two ways of failing, both through fail-nth, which fails one allocation of
# one thread and no other: xtun_fault.py fails the 1st, 2nd, ... allocation
# of one request in turn, which reaches every allocation the request makes;
# and it sends a long random sequence of requests, some of them with an
# allocation failing at a random place.  Faults stay inside the netlink
# requests: failing the allocations of a whole process (make-it-fail) also
# fails its exec and page faults, and a failed 9p read during exec left the
# guest's root file system returning EINVAL to every later exec.

source "$(dirname "$0")/lib.sh"
require_cmd python3

FI=/sys/kernel/debug
FAULT_PY="python3 $(dirname "$0")/xtun_fault.py"
# Requests of the random sequence, two in five with an allocation failing.
RANDOM_ROUNDS=${FAULT_ROUNDS:-150}
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
		echo 0 > "$FI/$attr/space"
		echo -1 > "$FI/$attr/times"
	done
	echo 0 > "$FI/fail_page_alloc/min-order"
	echo Y > "$FI/fail_page_alloc/ignore-gfp-highmem"
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
# lifecycle tests.  Peers get 16 allowed IPs: every prefix costs up to two
# allocations of its own, each one more run, and 16 already spread over
# both families and several levels of the trie.
nth() {
	check_ok ip netns exec "$NS" $FAULT_PY nth xtun0 "$1" 16 "${2:-1}"
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

requests_in_random_order_fail_cleanly_under_random_faults() {
	with_namespace
	check_ok ip netns exec "$NS" $FAULT_PY random xtun0 "$RANDOM_ROUNDS" 40
	echo "$OUT"
	check_match "$OUT" "with a failed allocation, [1-9][0-9]* failed" \
		"no request failed under faults"
}

ktap_run_tests \
	link_add_survives_failed_allocations \
	set_device_survives_every_failed_allocation \
	peer_requests_survive_every_failed_allocation \
	dump_survives_every_failed_allocation \
	requests_in_random_order_fail_cleanly_under_random_faults
