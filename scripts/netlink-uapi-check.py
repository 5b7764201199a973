#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that uapi/linux/xtun.h declares the names and numbers of the spec.

    netlink-uapi-check.py SPEC UAPI_DIR

The header is written by hand (it documents the ABI at more length than the
spec, and its license and helper masks are its own), so nothing generates
it from the spec; instead every name the spec implies, with its value, is
turned into a C assertion and compiled against the header.  Exits 1 and
prints the compiler's complaint when one of them does not hold.
"""

import os
import subprocess
import sys

import yaml


def c_name(name):
    return name.upper().replace("-", "_")


def assertions(spec):
    """C lines asserting the numbers of SPEC, a parsed spec."""
    out = []

    def equal(name, value):
        out.append(f'_Static_assert({c_name(name)} == {value}, '
                   f'"{c_name(name)} is not {value}");')

    def enum_tag(obj):
        if obj.get("enum-name"):
            tag = "enum " + c_name(obj["enum-name"]).lower()
            out.append(f'_Static_assert(sizeof({tag}) > 0, "no {tag}");')

    if "c-version-name" in spec:
        equal(spec["c-version-name"], spec.get("version", 1))
    if "c-family-name" in spec:
        name = spec["name"]
        out.append(f'_Static_assert(sizeof({c_name(spec["c-family-name"])}) == '
                   f'{len(name) + 1}, "family name is not {name}");')

    for definition in spec.get("definitions", []):
        prefix = definition.get("name-prefix", f"{spec['name']}-")
        if definition["type"] == "const":
            equal(prefix + definition["name"], definition["value"])
            continue
        enum_tag(definition)
        value = 0
        for entry in definition["entries"]:
            entry = entry if isinstance(entry, dict) else {"name": entry}
            value = entry.get("value", value)
            shown = 1 << value if definition["type"] == "flags" else value
            equal(prefix + entry["name"], shown)
            value += 1

    for attr_set in spec["attribute-sets"]:
        if "subset-of" in attr_set:
            continue
        enum_tag(attr_set)
        value = 1
        for attr in attr_set["attributes"]:
            value = attr.get("value", value)
            equal(attr_set["name-prefix"] + attr["name"], value)
            value += 1
        if "enum-name" in attr_set and "attr-max-name" in attr_set:
            equal(attr_set["attr-max-name"], value - 1)

    ops = spec["operations"]
    enum_tag(ops)
    value = 1
    for op in ops["list"]:
        value = op.get("value", value)
        equal(ops["name-prefix"] + op["name"], value)
        value += 1
    if "cmd-max-name" in spec:
        equal(spec["cmd-max-name"], value - 1)

    # The group names, as ynl-gen-c.py's uapi mode would define them.
    for grp in spec.get("mcast-groups", {}).get("list", []):
        macro = c_name(grp.get("c-define-name",
                               f"{spec['name']}-mcgrp-{grp['name']}"))
        out.append(f'_Static_assert(__builtin_strcmp({macro}, "{grp["name"]}") == 0'
                   f' && sizeof({macro}) == {len(grp["name"]) + 1}, '
                   f'"{macro} is not {grp["name"]}");')
    return out


def main(argv):
    if len(argv) != 2:
        raise SystemExit(__doc__)
    with open(argv[0], encoding="utf-8") as f:
        spec = yaml.safe_load(f)
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
