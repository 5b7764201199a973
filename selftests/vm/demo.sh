#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, run inside the VM: what an operator does on a new server.
# For now it creates an xtun device and shows it; it grows into the
# site-to-site demo as the tunnel lands.
#
#   namespace site-a: xtun0 10.10.0.1/24

set -eu
XTUNCTL=$XTUN_REPO/tools/tunctl/xtunctl

step() {
	echo
	echo "\$ $*"
	"$@"
}

ip netns add site-a
step modprobe xtun
step ip -n site-a link add xtun0 type xtun
step ip -n site-a addr add 10.10.0.1/24 dev xtun0
step ip -n site-a link set xtun0 up
step ip -n site-a -d link show xtun0
step ip netns exec site-a "$XTUNCTL" show
step modinfo -F version xtun
