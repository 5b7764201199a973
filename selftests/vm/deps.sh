#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything `make check` needs on a Debian 12 host: the two kernels
# our DKMS users run (6.1 from bookworm, 6.12 from bookworm-backports) with
# their headers, QEMU, gnuplot for `make bench`'s chart, linux-source-6.12
# for the kernel's ynl tools (scripts/netlink-gen.sh, selftests/ynl.sh) with
# the Python modules they need, and the userspace the selftests call inside
# the guest
# (the guest sees the host's root read-only, so "installed on the host" means
# "installed in the guest").
#
# Idempotent: does nothing when everything is present.
#
#   deps.sh                  install what is missing
#   deps.sh release SERIES   print the installed release of series 6.1 or 6.12

set -euo pipefail

BPO_SUITE=bookworm-backports
PKGS=(qemu-system-x86 busybox-static iproute2 libmnl-dev pkgconf iperf3
      wireguard-tools ncat dkms sparse kmod xz-utils zstd cpio python3
      build-essential bc iputils-ping util-linux xxd gnuplot-nox
      linux-source-6.12 python3-yaml python3-jsonschema)

have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed'; }

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "deps: not root; run this first:" >&2
		echo "  sudo $0" >&2
		exit 1
	fi
}

ensure_backports_source() {
	grep -rqs "$BPO_SUITE" /etc/apt/sources.list /etc/apt/sources.list.d/ && return 0
	cat > /etc/apt/sources.list.d/xtun-backports.sources <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $BPO_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	APT_UPDATED=
}

apt_update_once() {
	[ -n "${APT_UPDATED:-}" ] && return 0
	apt-get update -qq
	APT_UPDATED=1
}

# Debian's metapackages for each kernel series.  6.1 is bookworm's own; 6.12
# is in bookworm-security as linux-6.12 and in bookworm-backports.
kernel_pkgs() {
	case "$1" in
	6.1)	echo linux-image-amd64 linux-headers-amd64 ;;
	6.12)	echo linux-image-6.12-amd64 linux-headers-6.12-amd64 ;;
	esac
}

installed_release() {
	ls -d /usr/src/linux-headers-"$1".*-amd64 2>/dev/null | sed 's|.*/linux-headers-||' |
		while read -r rel; do
			[ -e "/boot/vmlinuz-$rel" ] && echo "$rel"
		done | sort -V | tail -n1
}

main() {
	local missing=() series pkg

	for pkg in "${PKGS[@]}"; do
		have_pkg "$pkg" || missing+=("$pkg")
	done
	if [ -z "$(installed_release 6.1)" ] || [ -z "$(installed_release 6.12)" ] ||
	   [ ${#missing[@]} -gt 0 ]; then
		need_root
		ensure_backports_source
		apt_update_once
		export DEBIAN_FRONTEND=noninteractive
		# The host never boots these kernels: skip building initramfs images.
		export INITRD=No
		[ ${#missing[@]} -eq 0 ] ||
			apt-get install -y -qq --no-install-recommends "${missing[@]}"
		for series in 6.1 6.12; do
			[ -n "$(installed_release "$series")" ] ||
				# shellcheck disable=SC2046
				apt-get install -y -qq --no-install-recommends $(kernel_pkgs "$series")
		done
	fi
	for series in 6.1 6.12; do
		[ -n "$(installed_release "$series")" ] ||
			{ echo "deps: kernel $series missing after install" >&2; exit 1; }
	done
}

if [ "${1:-}" = release ]; then
	installed_release "$2"
else
	main
fi
