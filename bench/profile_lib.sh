# SPDX-License-Identifier: GPL-2.0
#
# What the profiling scripts of bench/ share: timing one command, a
# bpftrace program that sums the time spent in kernel functions, and the
# config files of the bench's SCALE part.  Sourced after selftests/lib.sh.

# T LABEL CMD...: CMD's wall, user and system seconds; its output is dropped.
T() {
	local label=$1
	shift
	/usr/bin/time -f "# $label: %e s wall, %U user, %S sys" "$@" > /dev/null
}

# bt_prog FUNC...: a bpftrace program that sums, per function, the
# microseconds spent in each FUNC the running kernel has, and its calls.
bt_prog() {
	local f

	for f in "$@"; do
		grep -qw "$f" /proc/kallsyms || continue
		echo "kprobe:$f { @s_$f[tid] = nsecs; }"
		echo "kretprobe:$f /@s_$f[tid]/ { @us[\"$f\"] = sum((nsecs - @s_$f[tid]) / 1000); @n[\"$f\"] = count(); delete(@s_$f[tid]); }"
	done
}

# scale_files SIZE: a new directory, printed, with a.conf of SIZE
# (NxK: N peers of K prefixes each) as the bench's SCALE part makes it.
scale_files() {
	local n=${1%x*} k=${1#*x} dir

	dir=$(tmp_dir) && key_pair "$dir" a && key_pair "$dir" last &&
		python3 "$SELF/scale_conf.py" --v4 $((k - 1)) "$n" "$dir" "$dir/a.key" \
			"$(cat "$dir/last.pub")" "192.0.2.1:51820" >&2 &&
		chmod go= "$dir/a.conf" && echo "$dir"
}
