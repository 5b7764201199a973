#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench SLOW=...`: run a command (QEMU, from vm.sh's VM_WRAP) on less
# host CPU than the host has, so that the bench can show how xtun's choices
# between inline work and fan-out behave on a slow machine as well as on a
# fast one (Documentation/performance.rst).
#
#   slow.sh SETTING CMD...   run CMD slowed
#   slow.sh --check SETTING  fail, saying why, unless SETTING can be used
#
# SETTING:
#   1, core   every thread of CMD on one host core (taskset): the guest's
#             two vCPUs take turns on it
#   N%        CMD and its threads get at most N% of one host CPU in all
#             (a cgroup's CPU quota: cpu.max, or cpu.cfs_quota_us on a
#             cgroup v1 host); 150% is one and a half CPUs
#
# The guest still sees two CPUs either way; only the host time behind them
# shrinks.

set -u
PERIOD_US=100000

# cpu_cgroup: the cgroup directory to make the quota's group under, and
# its flavour ("v2" or "v1"), as "DIR FLAVOUR"; fails when there is none.
cpu_cgroup() {
	if grep -qw cpu /sys/fs/cgroup/cgroup.controllers 2>/dev/null; then
		echo "/sys/fs/cgroup v2"
	elif [ -w /sys/fs/cgroup/cpu/cgroup.procs ] && [ -e /sys/fs/cgroup/cpu/cpu.cfs_quota_us ]; then
		echo "/sys/fs/cgroup/cpu v1"
	else
		return 1
	fi
}

check() {
	case "$1" in
	1|core)	command -v taskset >/dev/null || { echo "slow: SLOW=$1 needs taskset (util-linux)" >&2; return 1; } ;;
	[0-9]*%)
		[ "${1%\%}" -gt 0 ] 2>/dev/null || { echo "slow: SLOW=$1: want a percentage above 0" >&2; return 1; }
		cpu_cgroup >/dev/null || { echo "slow: SLOW=$1 needs the cgroup cpu controller (v2 or v1) mounted under /sys/fs/cgroup" >&2; return 1; } ;;
	*)	echo "slow: SLOW=$1: want 1 (one host core) or N% (a CPU quota)" >&2; return 1 ;;
	esac
}

# quota PERCENT CMD...: run CMD in a cgroup of its own with that quota; the
# group goes when CMD ends.
quota() {
	local pct=${1%\%} dir flavour grp rc

	shift
	read -r dir flavour < <(cpu_cgroup)
	grp="$dir/xtun-bench-slow.$$"
	mkdir "$grp" || return 1
	if [ "$flavour" = v2 ]; then
		echo +cpu > "$dir/cgroup.subtree_control" 2>/dev/null
		echo "$((PERIOD_US * pct / 100)) $PERIOD_US" > "$grp/cpu.max"
	else
		echo "$PERIOD_US" > "$grp/cpu.cfs_period_us" &&
			echo "$((PERIOD_US * pct / 100))" > "$grp/cpu.cfs_quota_us"
	fi || { rmdir "$grp"; return 1; }
	# This shell joins the group, so CMD and every thread it starts are
	# in it; it leaves again before removing the group.
	echo $$ > "$grp/cgroup.procs" || { rmdir "$grp"; return 1; }
	"$@"
	rc=$?
	echo $$ > "$dir/cgroup.procs"
	rmdir "$grp"
	return "$rc"
}

main() {
	if [ "${1:-}" = --check ]; then
		check "${2:-}"
		return
	fi
	check "${1:-}" || return 2
	case "$1" in
	1|core)	shift; exec taskset -c "$(($(nproc) - 1))" "$@" ;;
	*)	quota "$@" ;;
	esac
}

main "$@"
