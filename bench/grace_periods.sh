#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# How many grace periods one xtun device costs while RTNL is held, for
# Documentation/performance.rst: kprobes on synchronize_net(),
# synchronize_rcu() and synchronize_rcu_expedited(), each hit recorded with
# its stack, over one device's life (add with a peer, up, down, del), then
# over a delete of a device that is up.  Under RTNL synchronize_net() calls
# synchronize_rcu_expedited(), so counting only synchronize_rcu() finds
# nothing; each grace period is counted once, at the synchronize_rcu*()
# that waits for it (synchronize_net() itself is listed, not counted: it
# tail-calls, so its own frame is missing below).  The guest's background
# waits (RCU tasks, unmounts of "ip netns exec") are left out.  Each one
# is printed with xtun's function on its stack, if any; the debug build's
# own counter (rtnl_grace_periods) is printed when there.
# Not a test, and not part of make check; run it from the harness:
#
#   selftests/vm/check.sh --only ../bench/grace_periods.sh 6.12
SELF=$(cd "$(dirname "$0")/../selftests" && pwd)
source "$SELF/lib.sh"

GP=gp_count
SYMS="synchronize_net synchronize_rcu synchronize_rcu_expedited"

gp_start() {
	local sym

	gp_stop
	[ -d "$TRACE/instances" ] || mount -t tracefs nodev "$TRACE" || return 1
	mkdir "$TRACE/instances/$GP" || return 1
	echo 1 > "$TRACE/instances/$GP/options/stacktrace"
	for sym in $SYMS; do
		echo "p:${GP}_$sym $sym" >> "$TRACE/kprobe_events" &&
			echo 1 > "$TRACE/instances/$GP/events/kprobes/${GP}_$sym/enable" ||
			return 1
	done
}

gp_stop() {
	local sym

	if [ -d "$TRACE/instances/$GP" ]; then
		for sym in $SYMS; do
			echo 0 > "$TRACE/instances/$GP/events/kprobes/${GP}_$sym/enable" 2>/dev/null
		done
		rmdir "$TRACE/instances/$GP"
	fi
	for sym in $SYMS; do
		echo "-:${GP}_$sym" >> "$TRACE/kprobe_events" 2>/dev/null
	done
	return 0
}

# gp_report LABEL: each hit since gp_start: the function, xtun's caller
# (or "kernel"), and the first frames of its stack.
gp_report() {
	echo "# $1:"
	awk -v label="$1" '
	function flush() {
		if (fn == "" || frames ~ /rcu_tasks_|namespace_unlock/) return
		printf "#   %s <- %s | %s\n", fn, (ours != "" ? ours : "kernel"), frames
		if (fn == "synchronize_net") return
		n++; if (ours != "") x++
	}
	/ gp_count_[a-z_]*: / {
		flush(); fn = $0; sub(/.* gp_count_/, "", fn); sub(/:.*/, "", fn)
		ours = ""; frames = ""; depth = 0; next
	}
	/^ => / {
		f = $2; sub(/\+.*/, "", f)
		if (ours == "" && f ~ /^xtun_/) ours = f
		if (depth++ < 6) frames = frames " " f
	}
	END { flush(); printf "# %s: %d grace periods, %d of them xtun'"'"'s\n", label, n, x }
	' "$TRACE/instances/$GP/trace"
}

count() {
	local label=$1 before=

	shift
	[ -r /sys/module/xtun/parameters/rtnl_grace_periods ] &&
		before=$(cat /sys/module/xtun/parameters/rtnl_grace_periods)
	gp_start || { echo "# no kprobes"; return 1; }
	"$@"
	gp_report "$label"
	gp_stop
	[ -n "$before" ] && echo "# $label: rtnl_grace_periods +$(($(cat /sys/module/xtun/parameters/rtnl_grace_periods) - before))"
}

xtun_loaded || xtun_load
NS=$(ns_new a)
DIR=$(tmp_dir)
key_pair "$DIR" p
PUB=$(cat "$DIR/p.pub")

life() {
	device_life "$NS" "$PUB"
}

step() {
	ip -n "$NS" "$@"
}

echo "TAP version 13"
echo "1..1"
# Warm up: the first device loads what the others find loaded.
life
count "add" step link add xtun0 type xtun
ip netns exec "$NS" "$XTUNCTL" peer add xtun0 "$PUB" endpoint 192.0.2.1:51820 allowed-ips 10.0.0.0/8
count "up" step link set xtun0 up
count "down" step link set xtun0 down
count "del" step link del xtun0
count "whole life" life
ip -n "$NS" link add xtun0 type xtun
ip -n "$NS" link set xtun0 up
count "del while up" step link del xtun0
echo "ok 1 grace_periods"
