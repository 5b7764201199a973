#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the time of "show dump" goes, for Documentation/performance.rst:
# the config files of the bench's SCALE part loaded into wireguard.ko and
# xtun in one guest, then "wg show dump" and "xtunctl show dump" timed in
# turns (wall, user, system), bpftrace counting the kernel's dump handler
# and its peer lookups, and xtunctl's instructions under callgrind.  Not a
# test, and not part of make check; run it as a selftest script:
#
#   selftests/vm/check.sh --only ../bench/dump_profile.sh 6.12
#
# The guest sees no environment: edit the settings below.  DUMP_BASE, if
# that file exists, is another xtunctl (copy an older build there) timed
# beside this one, and its output must be the same, byte for byte.
# Without bpftrace or valgrind on the host, those parts are left out.
SELF=$(cd "$(dirname "$0")/../selftests" && pwd)
source "$SELF/lib.sh"
source "$SELF/../bench/profile_lib.sh"
SIZES=${DUMP_SIZES:-100000x2 10000x11}
RUNS=${DUMP_RUNS:-5}
DUMP_BASE=${DUMP_BASE:-${XTUN_BUILD:-$XTUN_REPO/.build}/xtunctl-base}
DUMP_CALLGRIND=${DUMP_CALLGRIND:-100000x2}

prof() {
	local size=$1 dir wns xns bt btpid
	dir=$(scale_files "$size") || fail "generating $size"
	wns=$(ns_new "dw$size") && xns=$(ns_new "dx$size") || fail ns
	ip -n "$wns" link add wg0 type wireguard
	xtun_load
	ip -n "$xns" link add xtun0 type xtun
	T "$size wg setconf" ip netns exec "$wns" wg setconf wg0 "$dir/a.conf"
	T "$size xtun setconf" ip netns exec "$xns" "$XTUNCTL" setconf xtun0 "$dir/a.conf"
	for _ in $(seq "$RUNS"); do
		T "$size wg dump" ip netns exec "$wns" wg show wg0 dump
		[ -x "$DUMP_BASE" ] &&
			T "$size base dump" ip netns exec "$xns" "$DUMP_BASE" show xtun0 dump
		T "$size xtun dump" ip netns exec "$xns" "$XTUNCTL" show xtun0 dump
	done
	ip netns exec "$xns" "$XTUNCTL" show xtun0 dump > "$dir/new.dump"
	echo "# $size: $(wc -l < "$dir/new.dump") lines, $(wc -c < "$dir/new.dump") bytes"
	if [ -x "$DUMP_BASE" ]; then
		ip netns exec "$xns" "$DUMP_BASE" show xtun0 dump > "$dir/base.dump"
		cmp "$dir/base.dump" "$dir/new.dump" || fail "$size: the dumps differ"
		echo "# $size: base and new dumps are byte-identical"
	fi
	if command -v bpftrace > /dev/null; then
		bt=$dir/bt.out
		bpftrace -e "$(bt_prog xtun_nl_get_device_dumpit xtun_peer_lookup_by_id xtun_nl_put_peer)" > "$bt" 2>&1 &
		btpid=$!
		sleep 30
		T "$size xtun dump (bpftrace)" ip netns exec "$xns" "$XTUNCTL" show xtun0 dump
		kill -INT $btpid; wait $btpid
		sed 's/^/# /' "$bt"
	fi
	if [ "$DUMP_CALLGRIND" = "$size" ] && command -v valgrind > /dev/null; then
		ip netns exec "$xns" valgrind --tool=callgrind \
			--callgrind-out-file="$dir/cg.out" "$XTUNCTL" show xtun0 dump > /dev/null 2>"$dir/cg.err"
		callgrind_annotate --inclusive=yes "$dir/cg.out" 2>&1 | head -50 | sed 's/^/# /'
		callgrind_annotate "$dir/cg.out" 2>&1 | head -45 | sed 's/^/# /'
	fi
	ip netns del "$wns"
	ip netns del "$xns"
}

profile_dump() {
	local s
	for s in $SIZES; do prof "$s"; done
}
ktap_run_tests profile_dump
