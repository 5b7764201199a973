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
hostname xtun-vm
ip link set lo up

power_off() {
	sync
	echo o > /proc/sysrq-trigger
	sleep 60
}

# The module goes where modprobe (and autoloading) will find it, with the
# index the host built (see vm_modules).
install_module() {
	local dir="/lib/modules/$(uname -r)"

	mkdir -p "$dir/updates" &&
		cp "$XTUN_MODULES"/modules.* "$dir/" &&
		cp "$XTUN_MODULES/updates/xtun.ko" "$dir/updates/xtun.ko"
}
export XTUN_KO="/lib/modules/$(uname -r)/updates/xtun.ko"

rc=0
if ! install_module; then
	echo "guest: installing xtun.ko from $XTUN_MODULES failed"
	rc=1
else
	cd "$XTUN_REPO" || rc=1
	[ $rc = 0 ] && { "$XTUN_CMD" $XTUN_ARG; rc=$?; }
fi
echo "XTUN-VM-EXIT: $rc"
power_off
