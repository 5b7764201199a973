#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check`: build xtun for each kernel series and run the selftests in a
# QEMU guest booted from that kernel.
#
#   check.sh [SERIES...]          selftests on each series (default 6.1 6.12
#                                 debug), the DKMS check, then the harness's
#                                 own tests
#   check.sh --host               selftests on the running kernel, no VM
#   check.sh --harness [SERIES]   only the harness's own tests
#   check.sh --only A.sh,B.sh [SERIES...]
#                                 only these selftest scripts, nothing else
#
# `make bench` and `make demo` have runners of their own (bench/run.sh,
# demo/run.sh) that share vm.sh and prepare.sh with this one.
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
PROG=check
ONLY=
# A guest runs at most this long (the slowest part, the debug kernel, took
# about 33 minutes beside another guest); CI stops everything at 90
# minutes.
VM_TIMEOUT=${VM_TIMEOUT:-4500}
# shellcheck source=prepare.sh
source "$(dirname "$0")/prepare.sh"

total_passed=0 total_failed=0 total_skipped=0

# tally LABEL PASSED FAILED SKIPPED: add to the totals, print the part's line.
tally() {
	total_passed=$((total_passed + $2))
	total_failed=$((total_failed + $3))
	total_skipped=$((total_skipped + $4))
	echo "$1: $2 passed, $3 failed, $4 skipped"
}

# result_of LOG: "passed failed skipped" from the runner's closing line.
result_of() {
	sed -n 's/^XTUN-RESULT: passed=\([0-9]*\) failed=\([0-9]*\) skipped=\([0-9]*\)$/\1 \2 \3/p' \
		"$1" | tail -n1
}

# scripts_for REL: the selftest scripts a full check runs on REL, comma
# separated.  The debug kernel is several times slower under TCG: it runs
# the scripts that touch the data path, lifetimes, netlink and failing
# allocations (DEBUG_SCRIPTS), each its DEBUG_KERNEL_TESTS subset (lib.sh),
# and leaves out those that test xtunctl's own parsing and printing and its
# ip(8) plumbing, whose kernel requests the others make too.  Those scripts
# run once, on 6.12, and so do the real 120-second rekey wait and the
# bench's smoke run (ONCE_SKIP): they test userspace, the same binary on
# every kernel, or a timer.
DEBUG_SCRIPTS=${DEBUG_SCRIPTS-module.sh device.sh tunnel.sh transfer.sh interop.sh hostile.sh lifecycle.sh netlink.sh monitor.sh fuzz.sh faults.sh threaded.sh fanout.sh races.sh}
ONCE_SKIP=${ONCE_SKIP-xtunctl.sh show.sh config.sh updown.sh install.sh rekey.sh bench_smoke.sh}
scripts_for() {
	local rel=$1 script out=

	if kernel_is_debug "$rel"; then
		echo "$DEBUG_SCRIPTS" | tr ' ' ','
		return
	fi
	for script in "$XTUN_REPO"/selftests/*.sh; do
		script=${script##*/}
		[ "$script" = lib.sh ] && continue
		# Fault injection needs the debug kernel; elsewhere it skips.
		[ "$script" = faults.sh ] && continue
		if [ "${rel#6.12.}" = "$rel" ]; then
			case " $ONCE_SKIP " in *" $script "*) continue ;; esac
		fi
		out+=${out:+,}$script
	done
	echo "$out"
}

run_kernel() {
	local series=$1 rel initrd logdir res passed failed skipped rc scripts

	rel=$(release_of "$series") || exit 1
	initrd="$BUILD/$rel/initrd.gz"
	logdir="$BUILD/$rel/log"
	scripts=${ONLY:-$(scripts_for "$rel")}

	vm_run "$rel" "$initrd" "$BUILD/$rel/modules" "$VM_DIR/ktap-run.sh" \
		"$XTUN_REPO/selftests:$scripts" "$VM_TIMEOUT" "$logdir"
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
		# DKMS users run Debian's kernels, not the debug one.
		[ "$series" = debug ] && continue
		rels+=("$(release_of "$series")") || exit 1
	done
	if [ ${#rels[@]} = 0 ]; then
		# A run of the debug kernel alone: job_finish counts a part
		# without a closing line as a failure.
		tally dkms 0 0 1
		return 0
	fi
	echo "# dkms"
	# dkms installs into and removes from the host's /lib/modules, which
	# every guest sees through its overlay: a guest that boots meanwhile
	# can find its updates/ directory gone (a harness guest did).  So no
	# guest runs while it does.
	VM_EXCLUSIVE=1 vm_slot_take
	"$VM_DIR/dkms-check.sh" "${rels[@]}" | tee "$BUILD/dkms.log"
	vm_slot_give
	res=$(result_of "$BUILD/dkms.log")
	if [ -z "$res" ]; then
		grep -q '^1\.\.0 # SKIP' "$BUILD/dkms.log" && res="0 0 1" || res="0 1 0"
	fi
	read -r passed failed skipped <<<"$res"
	tally dkms "$passed" "$failed" "$skipped"
}

# build_splat REL: the module that commits bugs on purpose (splat/), built
# for REL; prints its path.
build_splat() {
	local rel=$1 dir="$BUILD/$1/splat"

	rm -rf "$dir"
	cp -r "$VM_DIR/splat" "$dir" &&
		make -C "$(kernel_kdir "$rel")" M="$dir" W=1 modules >"$dir/build.log" 2>&1 ||
		{ cat "$dir/build.log" >&2; return 1; }
	echo "$dir/xtun_splat.ko"
}

# harness_case REL MODS CASE WANT WANT_LOG: boot REL on harness-tests/CASE
# and print whether the harness reported what it should: guest status WANT
# and a kernel log that is WANT_LOG (clean, bad or any).
harness_case() {
	local rel=$1 mods=$2 case=$3 want=$4 want_log=$5 logdir rc log

	logdir="$BUILD/$rel/harness-$case"
	rm -rf "$logdir"
	vm_run "$rel" "$BUILD/$rel/initrd.gz" "$mods" "$VM_DIR/ktap-run.sh" \
		"$VM_DIR/harness-tests/$case" "$HARNESS_TIMEOUT" "$logdir" >/dev/null 2>&1
	rc=$?
	log=clean
	vm_check_log "$logdir/console.log" "$rel" >/dev/null || log=bad
	if [ "$rc" = "$want" ] && [ "$want_log" = any -o "$log" = "$want_log" ]; then
		echo "ok $HARNESS_I harness_reports_${case}_on_$rel"
		return 0
	fi
	echo "# $case: wanted status $want and a $want_log kernel log," \
		"got $rc and $log (logs in $logdir)"
	echo "not ok $HARNESS_I harness_reports_${case}_on_$rel"
	return 1
}

# The harness must fail on each way a guest run can go wrong.  Each case
# boots a guest on a tiny test directory under harness-tests/: the generic
# cases on the first stock kernel of the run, and on the debug kernel three
# more that each commit a real bug (splat/) only its checkers can see: a
# KASAN report (which panic_on_warn turns into a panic), a lockdep splat
# (only a log line) and a leak (kmemleak, scanned by guest.sh after the
# tests).
run_harness_tests() {
	local series rel mods failed=0 case want want_log stock_done= cases=()
	local generic=(pass:0:clean fail:1:clean warn:0:bad panic:125:bad hang:124:any)
	local debug=(kasan:125:bad lockdep:0:bad leak:1:bad)

	for series; do
		rel=$(release_of "$series") || exit 1
		if kernel_is_debug "$rel"; then
			cases+=("${debug[@]/#/$rel:}")
		elif [ -z "$stock_done" ]; then
			cases+=("${generic[@]/#/$rel:}")
			stock_done=1
		fi
	done
	echo "# harness self-test"
	echo "TAP version 13"
	echo "1..${#cases[@]}"
	HARNESS_I=0
	for case in "${cases[@]}"; do
		IFS=: read -r rel case want want_log <<<"$case"
		HARNESS_I=$((HARNESS_I + 1))
		[ -e "$BUILD/$rel/initrd.gz" ] || prepare_kernel "$rel"
		mods="$BUILD/$rel/modules"
		HARNESS_TIMEOUT=40
		if kernel_is_debug "$rel"; then
			mods="$BUILD/$rel/harness-modules"
			HARNESS_TIMEOUT=240
			[ -e "$mods" ] || vm_modules "$rel" "$mods" "$BUILD/$rel/src/kmod/xtun.ko" \
				"$(build_splat "$rel")" || die "building the harness's bug module failed"
		fi
		harness_case "$rel" "$mods" "$case" "$want" "$want_log" || failed=$((failed + 1))
	done
	tally harness $((HARNESS_I - failed)) "$failed" 0
}

# The parts of a run, CHECK_JOBS at a time: two, one per host core.  A
# stock guest has one vCPU (kernel_cpus), and two of them side by side each
# ran as fast as one alone; the debug guest has two, and beside a stock
# guest it ran 1.5 times slower than alone, still far better than one
# after the other.  Each part's output goes to BUILD/jobs/NAME.log; the
# scripts' progress is printed as it happens, each part's whole output when
# it ends, and its closing "NAME: N passed, N failed, N skipped" counts.
CHECK_JOBS=${CHECK_JOBS:-2}
JOB_PROGRESS='^# (selftests|time): |^not ok |^# vm: |^ok [0-9]+ harness'

# job_progress NAME SEEN: print the progress lines of NAME's log after line
# SEEN; prints the new number of lines seen last.
job_progress() {
	local log="$BUILD/jobs/$1.log" n

	n=$(wc -l <"$log")
	[ "$n" -gt "$2" ] && sed -n "$(($2 + 1)),${n}p" "$log" |
		grep -E "$JOB_PROGRESS" | sed "s/^/[$1] /" >&2
	echo "$n"
}

# job_finish NAME SECONDS: print the part's whole output and count it.
job_finish() {
	local name=$1 res passed failed skipped

	echo "# ---- $name: done in $2 s ----"
	cat "$BUILD/jobs/$name.log"
	res=$(sed -n 's/^.*: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' \
		"$BUILD/jobs/$name.log" | tail -n1)
	read -r passed failed skipped <<<"${res:-0 1 0}"
	RESULTS+=("$name: $passed passed, $failed failed, $skipped skipped")
	total_passed=$((total_passed + passed))
	total_failed=$((total_failed + failed))
	total_skipped=$((total_skipped + skipped))
}

# run_jobs NAME:CMD...: every part, CHECK_JOBS at a time, in the order given
# (longest first keeps both cores busy to the end).
run_jobs() {
	local queue=("$@") job name
	local -A pid=() seen=() start=()

	RESULTS=()
	mkdir -p "$BUILD/jobs"
	while [ ${#queue[@]} -gt 0 ] || [ ${#pid[@]} -gt 0 ]; do
		while [ ${#queue[@]} -gt 0 ] && [ ${#pid[@]} -lt "$CHECK_JOBS" ]; do
			job=${queue[0]}
			queue=("${queue[@]:1}")
			name=${job%%:*}
			# shellcheck disable=SC2086 # a job's command is words
			${job#*:} >"$BUILD/jobs/$name.log" 2>&1 </dev/null &
			pid[$name]=$! seen[$name]=0 start[$name]=$SECONDS
			echo "# [$name] started: ${job#*:}" >&2
		done
		sleep 5
		for name in "${!pid[@]}"; do
			seen[$name]=$(job_progress "$name" "${seen[$name]}")
			kill -0 "${pid[$name]}" 2>/dev/null && continue
			wait "${pid[$name]}"
			job_finish "$name" $((SECONDS - start[$name]))
			unset "pid[$name]"
		done
	done
	printf '%s\n' "${RESULTS[@]}"
}

main() {
	local mode=check series rel jobs=()

	case "${1:-}" in
	--host)		mode=host; shift ;;
	--harness)	mode=harness; shift ;;
	--only)		mode=only; ONLY=${2:?--only needs a list of scripts}; shift 2 ;;
	esac
	[ $# = 0 ] && set -- 6.1 6.12 debug

	prepare_host

	case "$mode" in
	host)
		run_host ;;
	harness)
		run_harness_tests "$@" ;;
	only|check)
		# Build everything first, so that no part rebuilds what another
		# part's guest is using.  The debug kernel runs first: it takes
		# longest.
		for series in $(printf '%s\n' "$@" | sort -r); do
			rel=$(release_of "$series") || exit 1
			prepare_kernel "$rel"
			jobs+=("$series:run_kernel $series")
		done
		[ "$mode" = check ] &&
			jobs+=("harness:run_harness_tests $*" "dkms:run_dkms_check $*")
		run_jobs "${jobs[@]}" ;;
	esac

	echo "total: $total_passed passed, $total_failed failed, $total_skipped skipped"
	[ "$total_failed" = 0 ] && [ "$total_passed" -gt 0 ]
}

main "$@"
