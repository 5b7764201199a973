#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's netlink policies and ops table, kmod/netlink-gen.c and
# kmod/netlink-gen.h, are generated from Documentation/netlink/specs/xtun.yaml
# by the kernel's ynl-gen-c.py, taken from Debian's linux-source-6.12; the
# attribute names xtunctl prints, tools/tunctl/netlink-gen.[ch], by
# scripts/xtunctl-names-gen.py.
#
#   netlink-gen.sh          regenerate kmod/netlink-gen.[ch] and
#                           tools/tunctl/netlink-gen.[ch]
#   netlink-gen.sh --check  fail when they differ from a fresh generation, or
#                           when uapi/linux/xtun.h disagrees with the spec
#
# YNL_DIR (default .build/ynl) gets a small kernel-shaped tree, extracted
# once per source tarball: tools/net/ynl (the generator, and the ynl CLI the
# selftests drive the family with) and the schemas in Documentation/netlink/,
# with the spec linked in as Documentation/netlink/specs/xtun.yaml.  The
# generator validates the spec against the schema beside specs/ and names it
# relative to the tree, which it finds by its MAINTAINERS file.

set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
YNL_DIR=${YNL_DIR:-$REPO/.build/ynl}
LINUX_SOURCE=${LINUX_SOURCE:-/usr/src/linux-source-6.12.tar.xz}
PYTHON=${PYTHON:-python3}
SPEC=Documentation/netlink/specs/xtun.yaml
TREE=$YNL_DIR/linux

die() {
	echo "netlink-gen: $*" >&2
	exit 1
}

stage_tree() {
	local stamp

	[ -e "$LINUX_SOURCE" ] ||
		die "$LINUX_SOURCE is missing: apt-get install linux-source-6.12 (or set LINUX_SOURCE=)"
	stamp=$(stat -c '%n %s %Y' "$LINUX_SOURCE")
	if [ "$(cat "$TREE/.source" 2>/dev/null)" != "$stamp" ]; then
		rm -rf "$TREE"
		mkdir -p "$TREE"
		tar -xJf "$LINUX_SOURCE" -C "$TREE" --strip-components=1 --wildcards \
			'*/tools/net/ynl/*' '*/Documentation/netlink/genetlink*.yaml' ||
			die "extracting the ynl tools from $LINUX_SOURCE failed"
		: > "$TREE/MAINTAINERS"
		echo "$stamp" > "$TREE/.source"
	fi
	mkdir -p "$TREE/${SPEC%/*}"
	ln -sfn "$REPO/$SPEC" "$TREE/$SPEC"
}

# generate DIR: netlink-gen.c and netlink-gen.h into DIR/kmod and
# DIR/tools/tunctl.
generate() {
	local mode ext

	mkdir -p "$1/kmod" "$1/tools/tunctl"
	for mode in source header; do
		ext=c
		[ "$mode" = header ] && ext=h
		"$PYTHON" "$TREE/tools/net/ynl/ynl-gen-c.py" --mode kernel --"$mode" \
			--spec "$TREE/$SPEC" -o "$1/kmod/netlink-gen.$ext" ||
			die "ynl-gen-c.py refused $SPEC"
	done
	"$PYTHON" "$REPO/scripts/xtunctl-names-gen.py" "$REPO/$SPEC" "$1/tools/tunctl" ||
		die "xtunctl-names-gen.py refused $SPEC"
}

main() {
	local f ret=0

	stage_tree
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT
	generate "$TMP"
	if [ "${1:-}" != --check ]; then
		cp "$TMP"/kmod/netlink-gen.[ch] "$REPO/kmod/"
		cp "$TMP"/tools/tunctl/netlink-gen.[ch] "$REPO/tools/tunctl/"
		return
	fi
	for f in {kmod,tools/tunctl}/netlink-gen.{c,h}; do
		if ! diff -u "$REPO/$f" "$TMP/$f" >&2; then
			echo "netlink-gen: $f is not what $SPEC generates: run make netlink-gen" >&2
			ret=1
		fi
	done
	"$PYTHON" "$REPO/scripts/netlink-uapi-check.py" "$REPO/$SPEC" "$REPO/uapi" || ret=1
	return $ret
}

main "$@"
