#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that uapi/linux/xtun.h declares the names and numbers of the spec.

    netlink-uapi-check.py SPEC UAPI_DIR

The header is written by hand (it documents the ABI at more length than the
spec, and its license and helper masks are its own), so nothing generates
it from the spec; instead every name the spec implies, with its value, is
turned into a C assertion and compiled against the header.  Exits 1 and
prints the compiler's complaint when one of them does not hold.

The spec is read by selftests/xtun_spec.py, the reader the selftests use
too, so that the header, the tests and the kernel's generated code all
take their numbers from one table.
"""

import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "selftests"))
import xtun_spec  # noqa: E402 pylint: disable=wrong-import-position


def assertions(spec):
    """C lines asserting the names and numbers of SPEC, a parsed spec."""
    out = [f'_Static_assert({name} == {value}, "{name} is not {value}");'
           for name, value in xtun_spec.numbers(spec)]
    out += [f'_Static_assert(sizeof({tag}) > 0, "no {tag}");'
            for tag in xtun_spec.enum_tags(spec)]
    if "c-family-name" in spec:
        name = spec["name"]
        out.append(f'_Static_assert(sizeof({xtun_spec.c_name(spec["c-family-name"])}) == '
                   f'{len(name) + 1}, "family name is not {name}");')
    for macro, name in xtun_spec.groups(spec):
        out.append(f'_Static_assert(__builtin_strcmp({macro}, "{name}") == 0'
                   f' && sizeof({macro}) == {len(name) + 1}, '
                   f'"{macro} is not {name}");')
    return out


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    spec = xtun_spec.load(argv[0])
    source = "#include <linux/xtun.h>\n" + "\n".join(assertions(spec)) + "\n"
    cc = os.environ.get("CC", "cc")
    res = subprocess.run([cc, "-fsyntax-only", "-Wall", "-Werror", "-x", "c",
                          "-I", argv[1], "-"], input=source, text=True,
                         capture_output=True, check=False)
    if res.returncode:
        sys.stderr.write(res.stderr)
        raise SystemExit(f"netlink-uapi-check: {argv[1]}/linux/xtun.h does not "
                         f"match {argv[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
