#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ktap-run.sh DIR[:A.sh,B.sh]: run every DIR/*.sh test script (lib.sh
# excepted), or only the scripts listed after the colon, as one
# KTAP test each, their own test cases nested four spaces in, and close with
#
#   XTUN-RESULT: passed=N failed=N skipped=N
#
# counting test cases, not scripts.  A script that fails without reporting a
# failed case counts as one failed case.  Exit status 0 only when nothing
# failed.  Scripts follow kselftest conventions: exit 0 pass, 4 skip.

set -u
arg=${1:-.}
only=
case "$arg" in *:*) only=${arg#*:}; arg=${arg%%:*} ;; esac
dir=$(cd "$arg" && pwd)
timeout=${XTUN_TEST_TIMEOUT:-$(sed -n 's/^timeout=//p' "$dir/settings" 2>/dev/null)}
timeout=${timeout:-600}

if [ -n "$only" ]; then
	mapfile -t scripts < <(tr ',' '\n' <<<"$only")
else
	mapfile -t scripts < <(cd "$dir" && ls -1 ./*.sh 2>/dev/null | sed 's|^\./||' | grep -vx lib.sh)
fi

if [ ${#scripts[@]} = 0 ]; then
	echo "ktap-run: no test scripts in $dir" >&2
	echo "XTUN-RESULT: passed=0 failed=1 skipped=0"
	exit 1
fi

passed=0 failed=0 skipped=0
echo "TAP version 13"
echo "1..${#scripts[@]}"

i=0
for script in "${scripts[@]}"; do
	i=$((i + 1))
	out=$(mktemp)
	start=$SECONDS
	echo "# selftests: $script"
	(cd "$dir" && timeout -k 10 "$timeout" "./$script") 2>&1 |
		tee "$out" | sed 's/^/    /'
	rc=${PIPESTATUS[0]}

	p=$(grep -E '^ok [0-9]+' "$out" | grep -vc '# SKIP' || true)
	s=$(grep -E '^ok [0-9]+' "$out" | grep -c '# SKIP' || true)
	f=$(grep -cE '^not ok [0-9]+' "$out" || true)
	rm -f "$out"
	if [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$f" = 0 ]; then
		echo "# $script exited with status $rc"
		f=1
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	echo "# time: $script $((SECONDS - start))s"

	if [ "$f" != 0 ]; then
		echo "not ok $i selftests: $script"
	elif [ "$rc" = 4 ] || { [ "$p" = 0 ] && [ "$s" != 0 ]; }; then
		echo "ok $i selftests: $script # SKIP"
	else
		echo "ok $i selftests: $script"
	fi
done

echo "XTUN-RESULT: passed=$passed failed=$failed skipped=$skipped"
[ "$failed" = 0 ]
