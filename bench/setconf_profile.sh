#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the time of setconf, show dump and syncconf goes, for
# Documentation/performance.rst: the config files of the bench's SCALE part
# loaded into wireguard.ko and xtun in one guest, each command timed (wall,
# user, system), then once more into an xtun device with bpftrace summing
# the time spent in SET_DEVICE's parts (xtunprof).  Not a test, and not
# part of make check; run it as a selftest script from the harness:
#
#   selftests/vm/check.sh --only ../bench/setconf_profile.sh 6.12
#
# Edit the three settings below to choose; the guest sees no environment.
# PROF_CALLGRIND=1 runs show dump and syncconf under callgrind instead.
# The guest runs the host's bpftrace and valgrind: apt-get install bpftrace.
SELF=$(cd "$(dirname "$0")/../selftests" && pwd)
source "$SELF/lib.sh"
source "$SELF/../bench/profile_lib.sh"
SIZES=${PROF_SIZES:-10000x11 100000x2}
PROF_KINDS=${PROF_KINDS:-wg xtun xtunprof}
PROF_CALLGRIND=${PROF_CALLGRIND:-}

FUNCS="xtun_nl_set_device_doit xtun_peer_create xtun_allowedips_update
xtun_noise_precompute_static_static xtun_nl_lock_device xtun_nl_parse_batch
xtun_nl_check_batch xtun_nl_check_batch_room xtun_nl_apply_batch
xtun_notify_config_peer xtun_peer_lookup xtun_nl_batch_free xtun_nl_unlock_device
xtun_index_replace xtun_ratelimiter_init kvmalloc_node
xtun_nl_get_device_dumpit xtun_nl_put_peer xtun_nl_put_peer_state xtun_nl_put_aip
xtun_allowedips_walk_by_peer"

prof() {
	local size=$1 dir ns start bt
	dir=$(scale_files "$size") || fail "generating $size"
	ls -la "$dir" >&2
	for kind in ${PROF_KINDS:-wg xtun xtunprof}; do
		ns=$(ns_new "p$kind${size/x/_}")
		if [ $kind = wg ]; then
			ip -n "$ns" link add wg0 type wireguard
			T "$size wg setconf" ip netns exec "$ns" wg setconf wg0 "$dir/a.conf"
			T "$size wg dump" ip netns exec "$ns" wg show wg0 dump
			continue
		fi
		xtun_load
		ip -n "$ns" link add xtun0 type xtun
		bt=$dir/bt.out btpid=
		if [ $kind = xtunprof ]; then
			bpftrace -e "$(bt_prog $FUNCS)" > "$bt" 2>&1 &
			btpid=$!
			sleep 40
		fi
		T "$size $kind setconf" ip netns exec "$ns" "$XTUNCTL" setconf xtun0 "$dir/a.conf"
		T "$size $kind dump" ip netns exec "$ns" "$XTUNCTL" show xtun0 dump
		if [ -n "${PROF_CALLGRIND:-}" ] && [ -z "$btpid" ]; then
			ip netns exec "$ns" valgrind --tool=callgrind \
				--callgrind-out-file="$dir/cg.out" "$XTUNCTL" show xtun0 dump > /dev/null
			callgrind_annotate --inclusive=yes "$dir/cg.out" 2>&1 | head -45 | sed 's/^/# /'
			callgrind_annotate "$dir/cg.out" 2>&1 | head -40 | sed 's/^/# /'
			ip netns exec "$ns" valgrind --tool=callgrind \
				--callgrind-out-file="$dir/cg2.out" "$XTUNCTL" syncconf xtun0 "$dir/a.conf"
			callgrind_annotate --inclusive=yes "$dir/cg2.out" 2>&1 | head -60 | sed 's/^/# /'
			continue
		fi
		if [ -z "$btpid" ]; then
			T "$size xtun syncconf-nochange" ip netns exec "$ns" "$XTUNCTL" syncconf xtun0 "$dir/a.conf"
			continue
		fi
		kill -INT $btpid; wait $btpid
		sed 's/^/# /' "$bt"
	done
	wait
}

profile_setconf() {
	local s
	for s in $SIZES; do prof "$s"; done
}
ktap_run_tests profile_setconf
