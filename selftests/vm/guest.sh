#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM after switch_root: prepares the guest (filesystems,
# the just-built xtun.ko installed where modprobe finds it) and runs what the
# host asked for: "$XTUN_CMD $XTUN_ARG" (both from the kernel command line,
# so each is one word).  Test output goes to ttyS1, the kernel console is ttyS0.
# The host trusts only the closing "XTUN-VM-EXIT: <rc>" line; a guest that
# crashes or hangs never prints it.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LC_ALL=C.UTF-8

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# What udev would add; bash's process substitution needs /dev/fd.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
exec </dev/null >/dev/ttyS1 2>&1 || exec >/dev/console 2>&1
# Nothing of xtun has run yet: a crash before this line is not ours.
echo "XTUN-VM-UP"
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# /tmp stays as the overlay has it: the repository may live there.
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
# kmemleak (debug kernel) would scan all memory every ten minutes, which
# takes minutes under TCG and KASAN: scan once, after the tests, instead.
if [ -e /sys/kernel/debug ]; then
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -w /sys/kernel/debug/kmemleak ] && echo scan=off > /sys/kernel/debug/kmemleak
fi
hostname xtun-vm
ip link set lo up

# Wait for the power-off with builtins only: the 9p root may already be
# gone, and an init that fails to exec sleep(1) exits and panics the
# guest before it powers off.  read blocks on a pipe whose write end it
# holds itself.
power_off() {
	sync
	echo o > /proc/sysrq-trigger
	while :; do
		read -rt 60 <> <(:)
	done
}

# The module goes where modprobe (and autoloading) will find it, with the
# index the host built (see vm_modules).  A kernel whose modules are not
# installed on the host (the debug kernel) gets its module tree linked in.
install_module() {
	local dir="/lib/modules/$(uname -r)"

	mkdir -p "$dir/updates" &&
		cp "$XTUN_MODULES"/modules.* "$dir/" &&
		cp "$XTUN_MODULES"/updates/*.ko "$dir/updates/" || return 1
	[ -e "$dir/kernel" ] || ln -s "$XTUN_MODULES/kernel" "$dir/kernel"
}

# kmemleak_check: on a kernel with kmemleak, scan for leaks after the tests
# and copy every record whose allocation trace runs through xtun (or through
# a module that has been unloaded since, whose frames kallsyms can no longer
# name: only xtun's own modules come and go here) to the kernel log, where
# the host's log scanner finds "unreferenced object".  Objects younger than
# five seconds are not reported, so wait that long before the second scan.
kmemleak_check() {
	local km=/sys/kernel/debug/kmemleak n

	[ -w "$km" ] || return 0
	echo "guest: scanning for memory leaks"
	echo scan > "$km"
	sleep 6
	echo scan > "$km"
	awk -v RS='unreferenced object' 'NR > 1 &&
		(/\[xtun/ || /\n +0xffffffff[a-f][0-9a-f]+(\n|$)/) {
		printf "unreferenced object%s", $0 }' "$km" > /tmp/xtun-leaks
	n=$(grep -c '^unreferenced object' /tmp/xtun-leaks)
	echo "guest: kmemleak: $n unreferenced objects from xtun"
	[ "$n" = 0 ] && return 0
	head -n 200 /tmp/xtun-leaks | while IFS= read -r line; do
		echo "kmemleak: $line" > /dev/kmsg
	done
	return 1
}

export XTUN_KO="/lib/modules/$(uname -r)/updates/xtun.ko"

rc=0
if ! install_module; then
	echo "guest: installing xtun.ko from $XTUN_MODULES failed"
	rc=1
else
	cd "$XTUN_REPO" || rc=1
	[ $rc = 0 ] && { "$XTUN_CMD" $XTUN_ARG; rc=$?; }
	kmemleak_check || rc=1
fi
echo "XTUN-VM-EXIT: $rc"
power_off
