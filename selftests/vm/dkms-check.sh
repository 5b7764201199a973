#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh RELEASE...: prove the DKMS packaging with Debian's dkms:
# "make dkms-install", then dkms add, build and install for every RELEASE,
# and the installed module carries the right version and aliases.  Removes
# everything it registered afterwards.  KTAP output, exit 1 on failure.
#
# Skips when xtun is already registered with DKMS here: an operator's
# installation is not ours to remove.

set -u
REPO=$(cd "$(dirname "$0")/../.." && pwd)
VERSION=$(sed -n 's/^#define XTUN_VERSION "\(.*\)"/\1/p' "$REPO/uapi/linux/xtun_version.h")
i=0 failed=0

step() {
	local name=$1 out; shift

	i=$((i + 1))
	if out=$("$@" 2>&1); then
		echo "ok $i $name"
	else
		sed 's/^/# /' <<<"$out" | tail -n 30
		echo "not ok $i $name"
		failed=$((failed + 1))
	fi
}

module_is_installed() {
	local rel=$1 info re

	info=$(modinfo -k "$rel" xtun) || return 1
	re=$(sed 's/[.+]/\\&/g' <<<"$rel")	# 6.12.117+deb12-amd64 has a '+'
	# DKMS compresses the module the way the kernel's own are (6.12: xz).
	grep -qE "^filename: +/lib/modules/$re/updates/dkms/xtun\.ko(\.xz|\.zst|\.gz)?\$" <<<"$info" &&
	grep -qE "^version: +$VERSION\$" <<<"$info" &&
	grep -qE '^alias: +rtnl-link-xtun$' <<<"$info" &&
	grep -qE '^alias: +net-pf-16-proto-16-family-xtun$' <<<"$info" || {
		echo "$info"
		return 1
	}
}

cleanup() {
	dkms remove "xtun/$VERSION" --all >/dev/null 2>&1
	rm -rf "/usr/src/xtun-$VERSION"
}

echo "TAP version 13"
if dkms status xtun 2>/dev/null | grep -q .; then
	echo "1..0 # SKIP xtun is already registered with DKMS on this machine"
	exit 0
fi
echo "1..$((2 + 3 * $#))"
trap cleanup EXIT

step dkms_install_copies_sources make -s -C "$REPO" dkms-install
step dkms_add dkms add "xtun/$VERSION"
for rel; do
	step "dkms_build_$rel" dkms build "xtun/$VERSION" -k "$rel"
	step "dkms_install_$rel" dkms install "xtun/$VERSION" -k "$rel" --force
	step "modinfo_after_dkms_$rel" module_is_installed "$rel"
done

echo "XTUN-RESULT: passed=$((i - failed)) failed=$failed skipped=0"
[ "$failed" = 0 ]
