#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh OUT: build the debug kernel make check boots as "debug"
# from Debian's linux-source-6.12, for machines that lack a ready one in
# ../shared/debug-kernel.  OUT receives what kernels.sh reads:
#
#   release                        the release string, 6.12.N-xtun-debug
#   vmlinuz-REL                    the bzImage QEMU boots
#   build-REL.tar.xz               build/: the tree external modules build
#                                  against (make -C build M=DIR modules)
#   modules-REL.tar.xz             lib/modules/REL/: index and =m modules
#   config-REL, debug.config       the full .config and the fragment
#
# The configuration is x86_64_defconfig + kvm_guest.config + debug.config
# (beside this script): the guest's needs built in, and the kernel's runtime
# checkers.  About half an hour on two cores; the tree is kept in OUT/src
# until the build succeeds.

set -euo pipefail

OUT=${1:?usage: debug-kernel.sh OUT}
VM_DIR=$(cd "$(dirname "$0")" && pwd)
FRAGMENT=$VM_DIR/debug.config
BUILD_DEPS=(linux-source-6.12 build-essential bc bison flex libelf-dev
	    libssl-dev xz-utils cpio kmod rsync)

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed'; }

install_deps() {
	local missing=() pkg

	for pkg in "${BUILD_DEPS[@]}"; do
		have_pkg "$pkg" || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

main() {
	local tarball src rel stage

	install_deps
	tarball=$(ls /usr/src/linux-source-6.12*.tar.xz | sort -V | tail -n1)
	mkdir -p "$OUT"
	src="$OUT/src"
	if [ ! -e "$src/Makefile" ]; then
		echo "debug-kernel: unpacking $tarball"
		rm -rf "$src" && mkdir -p "$src"
		tar -xJf "$tarball" -C "$src" --strip-components=1
	fi
	cd "$src"
	echo "debug-kernel: configuring with $FRAGMENT"
	make -s x86_64_defconfig
	make -s kvm_guest.config
	scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" >/dev/null
	make -s olddefconfig
	echo "debug-kernel: building (about half an hour on two cores)"
	make -s -j"$(nproc)" bzImage modules
	rel=$(make -s kernelrelease)

	stage=$(mktemp -d)
	srctree=. objtree=. SRCARCH=x86 sh scripts/package/install-extmod-build "$stage/build"
	cp .config "$stage/build/.config"
	make -s modules_install INSTALL_MOD_PATH="$stage" INSTALL_MOD_STRIP=1
	rm -f "$stage/lib/modules/$rel/build" "$stage/lib/modules/$rel/source"
	tar -cJf "$OUT/build-$rel.tar.xz" -C "$stage" build
	tar -cJf "$OUT/modules-$rel.tar.xz" -C "$stage" "lib/modules/$rel"
	cp arch/x86/boot/bzImage "$OUT/vmlinuz-$rel"
	cp .config "$OUT/config-$rel"
	cp "$FRAGMENT" "$OUT/debug.config"
	rm -rf "$stage"
	cd "$OUT" && rm -rf "$src"
	echo "$rel" > "$OUT/release"
	echo "debug-kernel: $rel ready in $OUT"
}

main
