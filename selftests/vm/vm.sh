#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian kernel in QEMU with the host's userspace and run one command
# in it.  Sourced by selftests/vm/check.sh, bench/run.sh and demo/run.sh.
#
#   vm_initramfs REL OUT      build the initramfs for kernel release REL
#   vm_modules REL OUT KO...  module tree for REL with each KO added, indexed
#   vm_run REL INITRD MODS CMD ARG TIMEOUT LOGDIR
#                             boot REL with module tree MODS, run "CMD ARG"
#                             in the guest; returns the command's status, or
#                             124 on timeout, 125 when the guest died without
#                             saying
#
# VM_WRAP, when set, is a command QEMU runs under (bench/slow.sh).
#
# Logs: LOGDIR/console.log (the whole kernel log, ignore_loglevel) and
# LOGDIR/output.log (what the command printed, also streamed to stdout).

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_ACCEL=

# What the initramfs must load to reach the host's root.
VM_INITRD_MODULES="virtio_pci 9pnet_virtio 9p overlay"

# shellcheck source=kernels.sh
source "$VM_DIR/kernels.sh"

# Kernel log lines that fail a run even when every test passed, as the
# checkers print them: WARN() and lockdep ("WARNING: possible circular
# locking dependency detected", "WARNING: suspicious RCU usage"), KASAN
# ("BUG: KASAN: slab-use-after-free in ..."), "BUG: sleeping function called
# from invalid context", UBSAN ("UBSAN: shift-out-of-bounds in ..."),
# DEBUG_OBJECTS and DEBUG_LIST (both WARN), kmemleak's "unreferenced object"
# (guest.sh copies the records that point into xtun to the log), refcount
# and netdev tracker reports, hung tasks, soft lockups and RCU stalls.
VM_BAD_LOG='WARNING:|BUG:|Oops|Kernel panic|KASAN:|UBSAN:|general protection fault|'
VM_BAD_LOG+='possible circular locking|possible recursive locking|inconsistent lock state|'
VM_BAD_LOG+='suspicious RCU usage|sleeping function called from invalid context|'
VM_BAD_LOG+='INFO: task .* blocked|INFO: rcu_.* detected stalls|soft lockup|'
VM_BAD_LOG+='unreferenced object|refcount_t:|ref_tracker:|unregister_netdevice: waiting for|'
VM_BAD_LOG+='list_add corruption|list_del corruption|ODEBUG:'

vm_initramfs() {
	local rel=$1 out=$2 tmp mod path

	tmp=$(mktemp -d)
	mkdir -p "$tmp/bin" "$tmp/modules" "$tmp/proc" "$tmp/sys" "$tmp/dev"
	cp /bin/busybox "$tmp/bin/busybox"
	install -m 0755 "$VM_DIR/initramfs-init" "$tmp/init"
	# A kernel that has them built in (the debug kernel) needs none.
	# shellcheck disable=SC2086
	modprobe -d "$(kernel_root "$rel")" -S "$rel" -a --show-depends \
		$VM_INITRD_MODULES 2>/dev/null |
		awk '$1 == "insmod" { print $2 }' | while read -r path; do
			mod=$(basename "$path")
			mod=${mod%.xz}; mod=${mod%.zst}
			[ -e "$tmp/modules/$mod" ] && continue
			case "$path" in
			*.xz)	xz -dc "$path" > "$tmp/modules/$mod" ;;
			*.zst)	zstd -qdc "$path" > "$tmp/modules/$mod" ;;
			*)	cp "$path" "$tmp/modules/$mod" ;;
			esac
			echo "$mod" >> "$tmp/modules/order"
		done
	touch "$tmp/modules/order"
	(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
	rm -rf "$tmp"
}

# The guest's modprobe must find xtun.ko.  depmod over a whole Debian module
# tree takes minutes under TCG (6.12's modules are xz-compressed), so index
# here: OUT/lib/modules/REL mirrors the kernel's tree with symlinks, each KO
# is added under updates/, and the guest copies in the index files and
# updates/ (see guest.sh).
vm_modules() {
	local rel=$1 out=$2 dir src ko

	shift 2
	src=$(kernel_root "$rel")/lib/modules/$rel
	dir="$out/lib/modules/$rel"
	rm -rf "$out"
	mkdir -p "$dir/updates"
	cp -rs "$src/kernel" "$dir/" &&
		cp "$src"/modules.order "$src"/modules.builtin* "$dir/" || return 1
	for ko; do
		cp "$ko" "$dir/updates/" || return 1
	done
	depmod -b "$out" "$rel"
}

# qemu's arguments for kernel REL with INITRD, guest env on the command line.
vm_qemu_args() {
	local rel=$1 initrd=$2 logdir=$3

	echo -machine q35 -cpu max -m "$(kernel_mem "$rel")" -smp "$(kernel_cpus "$rel")" \
		-nodefaults -display none -no-reboot -nic none \
		-kernel "$(kernel_image "$rel")" -initrd "$initrd" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-serial "file:$logdir/console.log" -serial stdio
}

# vm_cmdline REL ARGS...
vm_cmdline() {
	local rel=$1

	shift
	echo "console=ttyS0 ignore_loglevel panic=-1 $(kernel_cmdline "$rel") $*"
}

# Decide once whether KVM boots here; nested KVM may hang, so give it a
# short deadline and fall back to TCG.
vm_pick_accel() {
	local rel=$1 initrd=$2 logdir

	[ -n "$VM_ACCEL" ] && return
	VM_ACCEL=tcg
	[ -w /dev/kvm ] || return 0
	logdir=$(mktemp -d)
	# shellcheck disable=SC2046
	if timeout -k 2 10 qemu-system-x86_64 -accel kvm \
		$(vm_qemu_args "$rel" "$initrd" "$logdir") \
		-append "$(vm_cmdline "$rel" XTUN_GUEST=probe)" </dev/null 2>/dev/null |
		grep -q XTUN-VM-PROBE-OK; then
		VM_ACCEL=kvm
	fi
	rm -rf "$logdir"
}

# vm_accel REL: qemu's -accel for REL.  A TCG guest with two vCPUs runs
# them in one host thread, in turn: with a thread each, a vCPU sometimes
# executed a kernel text patch site (a jump label flipped at run time, an
# int3 in the middle of being removed) after the patching CPU had finished,
# and the guest died of "Oops: int3" in code that had nothing wrong with
# it.  The guest still has two CPUs, and the host's second core runs the
# other guest of the run (check.sh).  make bench (bench/run.sh), which
# measures how a tunnel uses two CPUs, sets VM_TCG_THREADS=multi.
vm_accel() {
	if [ "$VM_ACCEL" = tcg ] && [ "$(kernel_cpus "$1")" -gt 1 ] &&
	   [ "${VM_TCG_THREADS:-single}" = single ]; then
		echo tcg,thread=single
	else
		echo "$VM_ACCEL"
	fi
}

vm_boot() {
	local rel=$1 initrd=$2 mods=$3 cmd=$4 arg=$5 tmo=$6 logdir=$7

	# shellcheck disable=SC2046,SC2086 # VM_WRAP is words
	${VM_WRAP:-} timeout -k 5 "$tmo" qemu-system-x86_64 -accel "$(vm_accel "$rel")" \
		$(vm_qemu_args "$rel" "$initrd" "$logdir") \
		-append "$(vm_cmdline "$rel" XTUN_GUEST="$VM_DIR/guest.sh" \
			XTUN_REPO="$XTUN_REPO" ${BUILD:+XTUN_BUILD="$BUILD"} \
			XTUN_MODULES="$mods/lib/modules/$rel" \
			XTUN_CMD="$cmd" XTUN_ARG="$arg")" \
		</dev/null 2>"$logdir/qemu.err" |
		sed -u 's/\r$//' | tee "$logdir/output.log"
	return "${PIPESTATUS[0]}"
}

# The host runs at most VM_SLOTS guests at once, whichever checkout or
# build directory they come from: TCG guests beside each other slow down
# until their timeouts fire.  A guest holds one slot file, locked with
# flock(1) for as long as its qemu runs; VM_EXCLUSIVE=1 (the bench, which
# measures speed) holds every slot.  The locks go with the process, so a
# killed run frees its slot.
VM_SLOTS=${VM_SLOTS:-2}
VM_SLOT_DIR=${VM_SLOT_DIR:-/tmp/xtun-vm-slots}
# Seconds between tries for a free slot; a run that polls more often
# (VM_SLOT_POLL=0.2, the run that is about to land) goes first.
VM_SLOT_POLL=${VM_SLOT_POLL:-2}

# vm_slot_take: lock a free slot (every slot with VM_EXCLUSIVE=1), waiting
# as long as it takes; the locks stay on this shell's descriptors.
vm_slot_take() {
	local i fd

	mkdir -p "$VM_SLOT_DIR"
	if [ -n "${VM_EXCLUSIVE:-}" ]; then
		for ((i = 0; i < VM_SLOTS; i++)); do
			exec {fd}>"$VM_SLOT_DIR/slot$i"
			flock "$fd"
			VM_SLOT_FDS+=" $fd"
		done
		return 0
	fi
	while :; do
		for ((i = 0; i < VM_SLOTS; i++)); do
			exec {fd}>"$VM_SLOT_DIR/slot$i"
			if flock -n "$fd"; then
				VM_SLOT_FDS+=" $fd"
				return 0
			fi
			exec {fd}>&-
		done
		sleep "$VM_SLOT_POLL"
	done
}

vm_slot_give() {
	local fd

	for fd in ${VM_SLOT_FDS:-}; do
		exec {fd}>&-
	done
	VM_SLOT_FDS=
}

vm_run() {
	local rc

	vm_slot_take
	vm_run_locked "$@"
	rc=$?
	vm_slot_give
	return "$rc"
}

vm_run_locked() {
	local rel=$1 logdir=$7 tmo=$6 rc attempt

	mkdir -p "$logdir"
	vm_pick_accel "$rel" "$2"
	for attempt in 1 2 3; do
		echo "# vm: booting $rel ($(vm_accel "$rel"))"
		vm_boot "$@"
		rc=$?
		grep -q '^XTUN-VM-UP$' "$logdir/output.log" && break
		[ "$attempt" = 3 ] && break
		# TCG occasionally oopses while the kernel patches its own text
		# during early boot, before any xtun code is loaded: boot again,
		# keeping the log of the failed boot beside the final one.
		echo "# vm: $rel died before userspace started; booting again"
		mv "$logdir/console.log" "$logdir/console-boot$attempt.log"
	done
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "# vm: $rel: timed out after ${tmo}s"
		return 124
	fi
	rc=$(sed -n 's/^XTUN-VM-EXIT: \([0-9]*\)$/\1/p' "$logdir/output.log" | tail -n1)
	if [ -z "$rc" ]; then
		echo "# vm: $rel: the guest died before reporting (see $logdir/console.log)"
		grep -m3 -E 'Kernel panic|xtun-vm-init' "$logdir/console.log" | sed 's/^/# vm: /'
		sed 's/^/# qemu: /' "$logdir/qemu.err"
		return 125
	fi
	return "$rc"
}

# vm_check_log LOG LABEL: fail when kernel log LOG shows a warning, bug,
# oops or splat.  A missing log is a failure too: nothing proves it clean.
vm_check_log() {
	local log=$1 label=$2

	if [ ! -r "$log" ]; then
		echo "# vm: $label: no kernel log at $log"
		return 1
	fi
	if grep -qE "$VM_BAD_LOG" "$log"; then
		echo "# vm: $label: the kernel log shows a problem:"
		grep -E -A12 "$VM_BAD_LOG" "$log" | head -n 60 | sed 's/^/# kernel: /'
		return 1
	fi
	return 0
}
