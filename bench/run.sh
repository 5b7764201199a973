#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: throughput, latency and scale of veth, WireGuard, IPsec and
# xtun, one guest per kernel, each guest alone on the host
# (Documentation/performance.rst).
#
#   bench/run.sh [SERIES...]      default 6.12 6.1; never the debug kernel,
#                                 whose checkers would be what is measured
#
# Each guest runs bench/bench-guest.sh; the merged JSON, the table and the
# chart (bench/bench_report.py) go to BUILD/bench.  Settings from the
# environment, as `make bench` passes them: BENCH_RUNS, BENCH_TIME,
# BENCH_PINGS, BENCH_KINDS, SCALE, SCALE_PEERS, PREFIXES, STEP_TIMEOUT and
# RX_FANOUT_PPS go to the guest (see bench-guest.sh); SLOW slows the guest
# down from the host (see slow.sh); XTUN_BUILD as for `make check`.

set -u
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
PROG=bench
# shellcheck source=../selftests/vm/prepare.sh
source "$BENCH_DIR/../selftests/vm/prepare.sh"

BENCH_VM_TIMEOUT=${BENCH_VM_TIMEOUT:-5400}

# bench_arg: the bench's settings from the environment (see
# bench-guest.sh), as the one word the guest's command line can carry.
bench_arg() {
	local arg='' kv scale=${SCALE:-}

	[ -z "$scale" ] && [ -n "${SCALE_PEERS:-}" ] && scale="${SCALE_PEERS}x11+${SCALE_PEERS}x2"
	for kv in "runs=${BENCH_RUNS:-}" "time=${BENCH_TIME:-}" "pings=${BENCH_PINGS:-}" \
		"kinds=${BENCH_KINDS:-}" "scale=$scale" "prefixes=${PREFIXES:-}" \
		"timeout=${STEP_TIMEOUT:-}" "fanout=${RX_FANOUT_PPS:-}" "slow=${SLOW:-}"; do
		[ -n "${kv#*=}" ] && arg+=${arg:+,}$kv
	done
	arg=$(tr ' ' '+' <<<"$arg")
	echo "${arg:--}"
}

# bench_kernel REL ARG: boot REL alone on the host (every VM slot) and cut
# its JSON out of the output into BUILD/bench/REL.json.
bench_kernel() {
	local rel=$1 arg=$2 out="$BUILD/bench" logdir="$BUILD/bench/$1" start=$SECONDS rc=0

	rm -rf "$logdir" "$out/$rel.json"
	echo "# bench: $rel: booting with settings '$arg'${SLOW:+ (slowed: SLOW=$SLOW)}"
	# 100,000 peers want more than the usual 2 GiB.
	VM_EXCLUSIVE=1 VM_MEM=${VM_MEM:-3072} vm_run "$rel" "$BUILD/$rel/initrd.gz" \
		"$BUILD/$rel/modules" "$BENCH_DIR/bench-guest.sh" "$arg" "$BENCH_VM_TIMEOUT" "$logdir" ||
		{ echo "# bench: $rel: the guest failed (see $logdir)"; rc=1; }
	vm_check_log "$logdir/console.log" "$rel" || rc=1
	sed -n '/^XTUN-BENCH-JSON-BEGIN$/,/^XTUN-BENCH-JSON-END$/p' "$logdir/output.log" |
		sed '1d;$d' > "$out/$rel.json"
	if ! python3 -m json.tool "$out/$rel.json" >/dev/null 2>&1; then
		echo "# bench: $rel: no JSON in the guest's output"
		rm -f "$out/$rel.json"
		rc=1
	fi
	echo "# bench: $rel: done in $((SECONDS - start)) s"
	return "$rc"
}

# report JSON...: the merged JSON, the table and the chart.
report() {
	local out="$BUILD/bench" failed=0

	python3 "$BENCH_DIR/bench_report.py" merge "$out/bench.json" "$@" \
		"accel=$VM_ACCEL" "host_cpus=$(nproc)" "host_kernel=$(uname -r)" \
		"slow=${SLOW:-}" \
		"cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
		"os=$(. /etc/os-release && echo "$PRETTY_NAME")" || die "merging the results failed"
	python3 "$BENCH_DIR/bench_report.py" table "$out/bench.json" > "$out/bench.txt"
	cat "$out/bench.txt"
	python3 "$BENCH_DIR/bench_report.py" chart "$out/bench.json" "$out/bench.png" ||
		{ echo "# bench: drawing the chart failed"; failed=1; }
	echo "bench: $out/bench.json, $out/bench.txt, $out/bench.png"
	return "$failed"
}

main() {
	local series rel rels=() jsons=() failed=0 arg

	[ $# = 0 ] && set -- 6.12 6.1
	prepare_host
	# SLOW runs QEMU under slow.sh; refuse a setting it does not know
	# before building anything.
	if [ -n "${SLOW:-}" ]; then
		"$BENCH_DIR/slow.sh" --check "$SLOW" || exit 1
		VM_WRAP="$BENCH_DIR/slow.sh $SLOW"
	fi
	# Every kernel is built first, then booted one at a time: the figures
	# of two guests side by side would measure each other.
	for series; do
		if [ "$series" = debug ]; then
			echo "bench: leaving out the debug kernel (its checkers would be what is measured)"
			continue
		fi
		rel=$(release_of "$series") || exit 1
		prepare_kernel "$rel"
		rels+=("$rel")
	done
	[ ${#rels[@]} -gt 0 ] || die "no kernel to run on"
	mkdir -p "$BUILD/bench"
	arg=$(bench_arg)
	# Throughput across CPUs is part of what is measured: two vCPUs, each
	# on a host thread of its own (vm_accel).
	export VM_CPUS=${VM_CPUS:-2} VM_TCG_THREADS=multi
	for rel in "${rels[@]}"; do
		bench_kernel "$rel" "$arg" || failed=1
		[ -e "$BUILD/bench/$rel.json" ] && jsons+=("$BUILD/bench/$rel.json")
	done
	[ ${#jsons[@]} -gt 0 ] || die "no results"
	report "${jsons[@]}" || failed=1
	return "$failed"
}

main "$@"
