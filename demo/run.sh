#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: the site-to-site demo (demo-guest.sh) in a QEMU guest of one
# kernel series, every command shown as it runs.
#
#   demo/run.sh [SERIES]     default 6.12
#
# Logs in BUILD/RELEASE/demo; XTUN_BUILD as for `make check`.  Fails when
# the demo fails or the kernel log shows a warning, bug or splat.

set -u
DEMO_DIR=$(cd "$(dirname "$0")" && pwd)
PROG=demo
# shellcheck source=../selftests/vm/prepare.sh
source "$DEMO_DIR/../selftests/vm/prepare.sh"

main() {
	local rel

	prepare_host
	rel=$(release_of "${1:-6.12}") || exit 1
	prepare_kernel "$rel"
	vm_run "$rel" "$BUILD/$rel/initrd.gz" "$BUILD/$rel/modules" \
		"$DEMO_DIR/demo-guest.sh" - "${VM_TIMEOUT:-900}" "$BUILD/$rel/demo" &&
		vm_check_log "$BUILD/$rel/demo/console.log" "$rel"
}

main "$@"
