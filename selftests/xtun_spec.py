#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The xtun family's netlink spec (Documentation/netlink/specs/xtun.yaml),
read once for everyone who needs its names and numbers: the selftests'
netlink library (xtun_nl.py, abi()) and make netlink-check
(scripts/netlink-uapi-check.py, which holds uapi/linux/xtun.h to it).

    xtun_spec.py [SPEC]     prints "NAME VALUE" for every number

It lives among the selftests because a kselftest install copies only this
directory; scripts/ imports it from here.  Standard library and PyYAML only.
"""

import os
import sys

try:
    import yaml
except ModuleNotFoundError:
    # python3 -S, as fuzz.sh starts it (it starts faster under KASAN), has
    # no site directories, and Debian's python3-yaml is in dist-packages.
    import site
    site.addsitedir("/usr/lib/python3/dist-packages")
    import yaml


def spec_path():
    """The family's spec in this checkout, or where XTUN_SPEC says."""
    here = os.path.dirname(os.path.abspath(__file__))
    for path in (os.environ.get("XTUN_SPEC"),
                 os.path.join(here, "..", "Documentation", "netlink", "specs", "xtun.yaml")):
        if path and os.path.exists(path):
            return path
    raise SystemExit("xtun_spec: cannot find Documentation/netlink/specs/xtun.yaml "
                     "(set XTUN_SPEC)")


def load(path=None):
    """The parsed spec at PATH (default spec_path())."""
    with open(path or spec_path(), encoding="utf-8") as f:
        return yaml.safe_load(f)


def c_name(name):
    """The C name of a spec's name, as ynl-gen-c.py writes it."""
    return name.upper().replace("-", "_")


def numbers(spec):
    """(C name, value) of every number the spec defines, in spec order: the
    version, constants, enum and flag entries, attributes, commands, and the
    _MAX names the spec gives.  The request sets that repeat device's
    attributes (subset-of) are left out: their numbers are the device's."""
    out = []
    if "c-version-name" in spec:
        out.append((c_name(spec["c-version-name"]), spec.get("version", 1)))
    for definition in spec.get("definitions", []):
        prefix = definition.get("name-prefix", f"{spec['name']}-")
        if definition["type"] == "const":
            out.append((c_name(prefix + definition["name"]), definition["value"]))
            continue
        value = 0
        for entry in definition["entries"]:
            entry = entry if isinstance(entry, dict) else {"name": entry}
            value = entry.get("value", value)
            shown = 1 << value if definition["type"] == "flags" else value
            out.append((c_name(prefix + entry["name"]), shown))
            value += 1
    for attr_set in spec["attribute-sets"]:
        if "subset-of" in attr_set:
            continue
        value = 1
        for attribute in attr_set["attributes"]:
            value = attribute.get("value", value)
            out.append((c_name(attr_set["name-prefix"] + attribute["name"]), value))
            value += 1
        if "enum-name" in attr_set and "attr-max-name" in attr_set:
            out.append((c_name(attr_set["attr-max-name"]), value - 1))
    ops = spec["operations"]
    value = 1
    for op in ops["list"]:
        value = op.get("value", value)
        out.append((c_name(ops["name-prefix"] + op["name"]), value))
        value += 1
    if "cmd-max-name" in spec:
        out.append((c_name(spec["cmd-max-name"]), value - 1))
    return out


def enum_tags(spec):
    """The C enum tags the spec names ("enum xtun_device_attrs", ...)."""
    objs = spec.get("definitions", []) + spec["attribute-sets"] + [spec["operations"]]
    return ["enum " + c_name(o["enum-name"]).lower()
            for o in objs if o.get("enum-name") and "subset-of" not in o]


def groups(spec):
    """(C macro, name) of each multicast group, as ynl-gen-c.py's uapi mode
    would define them."""
    return [(c_name(g.get("c-define-name", f"{spec['name']}-mcgrp-{g['name']}")), g["name"])
            for g in spec.get("mcast-groups", {}).get("list", [])]


def main(argv):
    for name, value in numbers(load(argv[0] if argv else None)):
        print(name, value)


if __name__ == "__main__":
    main(sys.argv[1:])
