#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A test for the harness itself (check.sh --harness, debug kernel only): a
# test that passes while the kernel reads past a heap object.
echo "TAP version 13"
echo "1..1"
modprobe xtun_splat bug=kasan
echo "ok 1 passes_but_reads_out_of_bounds"
