#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for the xtun selftests.  A test script defines one function
# per behaviour, named after it, and ends with
#
#   ktap_run_tests name_one name_two ...
#
# Each test runs in a subshell with errexit, so any failing command fails the
# test; the assertions below say what was expected.  Whatever a test prints
# becomes a KTAP diagnostic ("# ...").  After every test, namespaces and xtun
# devices it created are removed.  Exit status: 0 all passed, 1 a test
# failed, 4 skipped (kselftest's KSFT_SKIP).

set -u

readonly KSFT_PASS=0 KSFT_FAIL=1 KSFT_SKIP=4
XTUN_REPO=${XTUN_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
XTUNCTL=${XTUNCTL:-$XTUN_REPO/tools/tunctl/xtunctl}
# Every namespace a test makes carries this prefix, so cleanup finds it.
NS_PREFIX="xtst$$-"

# --- assertions -------------------------------------------------------------

fail() {
	echo "FAIL: $*"
	exit $KSFT_FAIL
}

skip() {
	echo "SKIP: $*"
	exit $KSFT_SKIP
}

# run CMD...: run a command, keep its output in $OUT and status in $RC.
run() {
	OUT=$("$@" 2>&1) && RC=0 || RC=$?
}

check_ok() {
	run "$@"
	[ "$RC" = 0 ] || fail "'$*' exited with $RC: $OUT"
}

# check_status RC CMD...: the command must exit with status RC.
check_status() {
	local want=$1; shift

	run "$@"
	[ "$RC" = "$want" ] || fail "'$*' exited with $RC, expected $want: $OUT"
}

check_fails() {
	run "$@"
	[ "$RC" != 0 ] || fail "'$*' succeeded, expected it to fail: $OUT"
}

check_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', expected '$2'"
}

# check_match TEXT ERE WHAT
check_match() {
	grep -qE -- "$2" <<<"$1" || fail "$3: '$1' does not match /$2/"
}

check_no_match() {
	! grep -qE -- "$2" <<<"$1" || fail "$3: '$1' matches /$2/"
}

require_cmd() {
	local cmd

	for cmd; do
		command -v "$cmd" >/dev/null || {
			echo "# SKIP: $cmd is not installed"
			exit $KSFT_SKIP
		}
	done
}

# --- topology ---------------------------------------------------------------

# ns_new NAME: make namespace $NS_PREFIX$NAME with lo up; prints its name.
ns_new() {
	local ns="$NS_PREFIX$1"

	ip netns add "$ns" && ip -n "$ns" link set lo up && echo "$ns"
}

xtun_load() {
	modprobe xtun 2>/dev/null && return 0
	[ -n "${XTUN_KO:-}" ] && insmod "$XTUN_KO"
}

xtun_loaded() {
	[ -d /sys/module/xtun ]
}

xtun_unload() {
	! xtun_loaded || modprobe -r xtun 2>/dev/null || rmmod xtun
}

cleanup() {
	local ns dev

	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^$NS_PREFIX"); do
		ip netns del "$ns"
	done
	for dev in $(ip -o link show type xtun 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1); do
		ip link del "$dev"
	done
}

# --- running ----------------------------------------------------------------

ktap_run_tests() {
	local i=0 failed=0 t rc

	echo "TAP version 13"
	echo "1..$#"
	for t; do
		i=$((i + 1))
		(set -e; "$t") 2>&1 | sed 's/^/# /'
		rc=${PIPESTATUS[0]}
		cleanup >/dev/null 2>&1
		case "$rc" in
		0)	echo "ok $i $t" ;;
		4)	echo "ok $i $t # SKIP" ;;
		*)	echo "not ok $i $t"; failed=$((failed + 1)) ;;
		esac
	done
	[ "$failed" = 0 ] && exit $KSFT_PASS
	exit $KSFT_FAIL
}

[ "$(id -u)" = 0 ] || { echo "# SKIP: the selftests need root"; exit $KSFT_SKIP; }
require_cmd ip
trap cleanup EXIT
