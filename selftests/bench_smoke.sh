#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench` in miniature, so that it cannot rot: bench/bench-guest.sh
# with one run of one second per figure, 50 peers in the SCALE part and one
# peer of 200 and of 2,000 prefixes, then its report.  Checks that every
# figure was measured and every field is in the JSON, that the table and
# the chart come out; never how fast anything is.  Runs on one stock kernel (check.sh's ONCE_SKIP); its bench took 79 s
# of a TCG guest with a host core to itself.
#
#   the topology is bench-guest.sh's: namespaces a and b joined by a veth
#   pair, with WireGuard, IPsec ESP or xtun between them, one at a time

source "$(dirname "$0")/lib.sh"
require_cmd iperf3 wg python3 ping

BENCH="$XTUN_REPO/bench"
# A kselftest install copies this directory's files, not the bench.
[ -x "$BENCH/bench-guest.sh" ] || { echo "# SKIP: no $BENCH/bench-guest.sh"; exit $KSFT_SKIP; }
SMOKE_DIR=${TMPDIR:-/tmp}/xtun-bench-smoke.$$
trap 'cleanup; rm -rf "$SMOKE_DIR"' EXIT

bench_measures_every_figure() {
	mkdir -p "$SMOKE_DIR"
	"$BENCH/bench-guest.sh" "runs=1,time=1,pings=3,scale=50x11+50x2,prefixes=200+2000,timeout=60,out=$SMOKE_DIR" \
		> "$SMOKE_DIR/bench.log" 2>&1 ||
		fail "bench-guest.sh failed: $(grep -v '^ ' "$SMOKE_DIR/bench.log" | head -n 200)"
	grep '^# bench:' "$SMOKE_DIR/bench.log"
	run python3 "$BENCH/bench_report.py" check "$SMOKE_DIR/bench.json"
	[ "$RC" = 0 ] || fail "the JSON misses fields: $OUT"
}

bench_json_is_cut_out_of_the_output() {
	local json

	[ -e "$SMOKE_DIR/bench.log" ] || skip "no bench run to look at"
	# What bench/run.sh does with a guest's output.
	json=$(sed -n '/^XTUN-BENCH-JSON-BEGIN$/,/^XTUN-BENCH-JSON-END$/p' "$SMOKE_DIR/bench.log" | sed '1d;$d')
	python3 -m json.tool <<<"$json" >/dev/null || fail "no JSON between the markers"
	check_eq "$(python3 -m json.tool --sort-keys <<<"$json")" \
		"$(python3 -m json.tool --sort-keys "$SMOKE_DIR/bench.json")" "the JSON cut out"
}

report_draws_table_and_chart() {
	local table

	[ -e "$SMOKE_DIR/bench.json" ] || skip "no bench run to report on"
	check_ok python3 "$BENCH/bench_report.py" merge "$SMOKE_DIR/all.json" \
		"$SMOKE_DIR/bench.json" accel=smoke host_cpus=1 cpu=smoke
	check_ok python3 "$BENCH/bench_report.py" check "$SMOKE_DIR/all.json"
	check_ok python3 "$BENCH/bench_report.py" table "$SMOKE_DIR/all.json"
	table=$OUT
	echo "$table"
	for word in "TCP, 1 flow" "TCP, 4 flows" "UDP 64 B" "RTT idle" "RTT under" \
		WireGuard "IPsec ESP" xtun/WG "SCALE: 50 peers x 11" "SCALE: 50 peers x 2" \
		setconf "show dump" "ip link del" "ip link add dummy" "private-key change" \
		"add during key change - alone" "add during del - alone" "CPU cost" \
		"cpu0 busy %" "cpu0 softirq %" "CPU us/MB" "CPU us/datagram" "inline %" \
		"ONE PEER, 200 PREFIXES" "ONE PEER, 2,000 PREFIXES" "prefixes per second"; do
		check_match "$table" "$word" "the table"
	done
	command -v gnuplot >/dev/null || skip "gnuplot is not installed (deps.sh installs it)"
	check_ok python3 "$BENCH/bench_report.py" chart "$SMOKE_DIR/all.json" "$SMOKE_DIR/bench.png"
	check_eq "$(head -c 8 "$SMOKE_DIR/bench.png" | od -An -tx1 | tr -d ' ')" \
		89504e470d0a1a0a "the chart's PNG signature"
}

ktap_run_tests \
	bench_measures_every_figure \
	bench_json_is_cut_out_of_the_output \
	report_draws_table_and_chart
