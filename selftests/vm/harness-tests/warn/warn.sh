#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A test for the harness itself (check.sh --harness): never run as a selftest.
echo "TAP version 13"
echo "1..1"
echo "WARNING: CPU: 0 PID: 1 at harness-self-test: a warning the harness must see" > /dev/kmsg
echo "ok 1 passes_but_warns"
