#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: build xtun for each kernel series and run the selftests in a
# QEMU guest booted from that kernel.
#
#   check.sh [SERIES...]          selftests on each series (default 6.1 6.12),
#                                 the DKMS check, then the harness's own tests
#   check.sh --host               selftests on the running kernel, no VM
#   check.sh --demo SERIES        the site-to-site demo in a guest
#   check.sh --harness [SERIES]   only the harness's own tests
#   check.sh --only A.sh,B.sh [SERIES...]
#                                 only these selftest scripts, nothing else
#
# Environment: XTUN_BUILD (default .build) holds builds and logs, so that two
# runs can use two directories; XTUN_KMOD_REPO (default this checkout) is the
# tree the module is built from.
#
# Prints KTAP; each kernel ends with "RELEASE: N passed, N failed, N skipped"
# and the run with "total: N passed, N failed, N skipped".  Fails when a test
# fails, a guest panics or times out, or a kernel log shows a WARNING, BUG,
# Oops or splat.

set -u
VM_DIR=$(cd "$(dirname "$0")" && pwd)
XTUN_REPO=$(cd "$VM_DIR/../.." && pwd)
BUILD=${XTUN_BUILD:-$XTUN_REPO/.build}
KMOD_REPO=${XTUN_KMOD_REPO:-$XTUN_REPO}
ONLY=
VM_TIMEOUT=${VM_TIMEOUT:-3000}
export XTUN_REPO
# shellcheck source=vm.sh
source "$VM_DIR/vm.sh"

total_passed=0 total_failed=0 total_skipped=0

die() {
	echo "check: $*" >&2
	exit 1
}

# tally LABEL PASSED FAILED SKIPPED: add to the totals, print the part's line.
tally() {
	total_passed=$((total_passed + $2))
	total_failed=$((total_failed + $3))
	total_skipped=$((total_skipped + $4))
	echo "$1: $2 passed, $3 failed, $4 skipped"
}

release_of() {
	local rel

	rel=$("$VM_DIR/deps.sh" release "$1")
	[ -n "$rel" ] || die "no installed Debian kernel of series $1"
	echo "$rel"
}

build_tools() {
	make -s -C "$XTUN_REPO/tools/tunctl" EXTRA_CFLAGS=-Werror >/dev/null ||
		die "building xtunctl failed"
}

# Build the module for REL from a copy of exactly the files DKMS ships, with
# W=1 and sparse; any warning fails the build.
build_module() {
	local rel=$1 src="$BUILD/$1/src" log="$BUILD/$1/build.log"

	rm -rf "$src"
	make -s -C "$KMOD_REPO" dkms-install DKMS_SRC="$src" >/dev/null ||
		die "copying the module sources failed"
	if ! make -C "$src" module KERNELRELEASE="$rel" W=1 C=1 >"$log" 2>&1; then
		cat "$log"
		die "building xtun.ko for $rel failed"
	fi
	if grep -E '(warning|error):' "$log"; then
		die "building xtun.ko for $rel gave warnings (W=1, sparse)"
	fi
	echo "$src/kmod/xtun.ko"
}

# Everything a guest of REL needs: the module, its module tree, initramfs.
prepare_kernel() {
	local rel=$1 ko

	ko=$(build_module "$rel") || exit 1
	vm_modules "$rel" "$ko" "$BUILD/$rel/modules" || die "indexing modules for $rel failed"
	vm_initramfs "$rel" "$BUILD/$rel/initrd.gz"
}

# result_of LOG: "passed failed skipped" from the runner's closing line.
result_of() {
	sed -n 's/^XTUN-RESULT: passed=\([0-9]*\) failed=\([0-9]*\) skipped=\([0-9]*\)$/\1 \2 \3/p' \
		"$1" | tail -n1
}

run_kernel() {
	local series=$1 rel initrd logdir res passed failed skipped rc

	rel=$(release_of "$series") || exit 1
	prepare_kernel "$rel"
	initrd="$BUILD/$rel/initrd.gz"
	logdir="$BUILD/$rel/log"

	vm_run "$rel" "$initrd" "$BUILD/$rel/modules" "$VM_DIR/ktap-run.sh" \
		"$XTUN_REPO/selftests${ONLY:+:$ONLY}" "$VM_TIMEOUT" "$logdir"
	rc=$?
	res=$(result_of "$logdir/output.log")
	read -r passed failed skipped <<<"${res:-0 0 0}"
	if [ "$rc" != 0 ] && [ "$failed" = 0 ]; then
		failed=1	# the guest died or hung: that is a failure
	fi
	if ! vm_check_log "$logdir/console.log" "$rel"; then
		failed=$((failed + 1))
	fi
	tally "$rel" "$passed" "$failed" "$skipped"
}

run_host() {
	local ko before res passed failed skipped

	make -s -C "$XTUN_REPO" module KERNELRELEASE="$(uname -r)" >/dev/null ||
		die "building xtun.ko for the running kernel failed"
	ko="$XTUN_REPO/kmod/xtun.ko"
	before=$(dmesg | wc -l)
	XTUN_KO=$ko "$VM_DIR/ktap-run.sh" "$XTUN_REPO/selftests" | tee "$BUILD/host.log"
	res=$(result_of "$BUILD/host.log")
	read -r passed failed skipped <<<"${res:-0 1 0}"
	dmesg | tail -n +"$((before + 1))" > "$BUILD/host-dmesg.log"
	if ! vm_check_log "$BUILD/host-dmesg.log" "$(uname -r)"; then
		failed=$((failed + 1))
	fi
	tally "$(uname -r)" "$passed" "$failed" "$skipped"
}

# DKMS with Debian's real dkms, for every kernel of this run.
run_dkms_check() {
	local series rels=() res passed failed skipped

	for series; do
		rels+=("$(release_of "$series")") || exit 1
	done
	echo "# dkms"
	"$VM_DIR/dkms-check.sh" "${rels[@]}" | tee "$BUILD/dkms.log"
	res=$(result_of "$BUILD/dkms.log")
	if [ -z "$res" ]; then
		grep -q '^1\.\.0 # SKIP' "$BUILD/dkms.log" && res="0 0 1" || res="0 1 0"
	fi
	read -r passed failed skipped <<<"$res"
	tally dkms "$passed" "$failed" "$skipped"
}

# The harness must fail on each way a guest run can go wrong.  Each case
# boots a guest on a tiny test directory under harness-tests/.
run_harness_tests() {
	local series=$1 rel initrd logdir i=0 rc failed=0 case want want_log log

	rel=$(release_of "$series") || exit 1
	initrd="$BUILD/$rel/initrd.gz"
	[ -e "$initrd" ] || prepare_kernel "$rel"

	echo "# harness self-test on $rel"
	echo "TAP version 13"
	echo "1..5"
	# case:wanted status of the guest run:wanted state of the kernel log
	for case in pass:0:clean fail:1:clean warn:0:bad panic:125:bad hang:124:any; do
		IFS=: read -r case want want_log <<<"$case"
		i=$((i + 1))
		logdir="$BUILD/$rel/harness-$case"
		rm -rf "$logdir"
		vm_run "$rel" "$initrd" "$BUILD/$rel/modules" "$VM_DIR/ktap-run.sh" \
			"$VM_DIR/harness-tests/$case" 40 "$logdir" >/dev/null 2>&1
		rc=$?
		log=clean
		vm_check_log "$logdir/console.log" "$rel" >/dev/null || log=bad
		if [ "$rc" = "$want" ] && [ "$want_log" = any -o "$log" = "$want_log" ]; then
			echo "ok $i harness_reports_$case"
		else
			echo "# $case: wanted status $want and a $want_log kernel log," \
				"got $rc and $log (logs in $logdir)"
			echo "not ok $i harness_reports_$case"
			failed=$((failed + 1))
		fi
	done
	tally harness $((5 - failed)) "$failed" 0
}

main() {
	local mode=check series

	case "${1:-}" in
	--host)		mode=host; shift ;;
	--demo)		mode=demo; shift ;;
	--harness)	mode=harness; shift ;;
	--only)		mode=only; ONLY=${2:?--only needs a list of scripts}; shift 2 ;;
	esac
	[ $# -gt 0 ] || set -- 6.1 6.12

	if [ "$(id -u)" != 0 ]; then
		echo "check: needs root to install packages and manage network namespaces; run:" >&2
		echo "  sudo make check" >&2
		exit 1
	fi
	"$VM_DIR/deps.sh" || die "installing dependencies failed"
	mkdir -p "$BUILD"
	build_tools

	case "$mode" in
	host)
		run_host ;;
	demo)
		local rel
		rel=$(release_of "$1") || exit 1
		prepare_kernel "$rel"
		vm_run "$rel" "$BUILD/$rel/initrd.gz" "$BUILD/$rel/modules" \
			"$VM_DIR/demo.sh" - "$VM_TIMEOUT" "$BUILD/$rel/demo" &&
			vm_check_log "$BUILD/$rel/demo/console.log" "$rel"
		return ;;
	harness)
		run_harness_tests "$1" ;;
	only)
		for series; do
			run_kernel "$series"
		done ;;
	check)
		for series; do
			run_kernel "$series"
		done
		run_dkms_check "$@"
		run_harness_tests "${!#}" ;;
	esac

	echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
	[ "$total_failed" = 0 ] && [ "$total_passed" -gt 0 ]
}

main "$@"
