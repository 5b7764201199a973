#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A test for the harness itself (check.sh --harness): never run as a selftest.
echo "TAP version 13"
echo "1..1"
echo "not ok 1 fails"
exit 1
