#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write xtunctl's table of the spec's attribute names.

    xtunctl-names-gen.py SPEC OUT_DIR

xtunctl names the attribute an extended ack reports missing (extack.c),
and must know, for a nest, which attribute set it holds.  Both come from
the spec, as the module's policies do, so that an attribute added to the
spec is named without editing xtunctl: this writes netlink-gen.h and
netlink-gen.c into OUT_DIR (tools/tunctl), and scripts/netlink-gen.sh runs
it beside ynl-gen-c.py and checks its output with --check.

A subset (peer-set-input), or a set that shares another's name-prefix and
numbers (device-set-input), is that set for naming; attributes of type
unused and pad, which no request carries, have no name.

The spec is read by selftests/xtun_spec.py, as for the uapi check and the
selftests.
"""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "selftests"))
import xtun_spec  # noqa: E402 pylint: disable=wrong-import-position
from xtun_spec import c_name  # noqa: E402 pylint: disable=wrong-import-position

HEAD = """\
/* SPDX-License-Identifier: GPL-2.0 */
/* Do not edit directly, auto-generated from: */
/*\tDocumentation/netlink/specs/{spec} */
/* by scripts/xtunctl-names-gen.py */
"""


def full_sets(spec):
    """The sets that number their own attributes, in spec order: the first
    set of each name-prefix (device-set-input numbers as device does)."""
    seen, out = set(), []
    for s in spec["attribute-sets"]:
        if "subset-of" not in s and s["name-prefix"] not in seen:
            seen.add(s["name-prefix"])
            out.append(s)
    return out


def parent_of(spec, name):
    """The set of full_sets() whose attributes set NAME holds."""
    sets = {s["name"]: s for s in spec["attribute-sets"]}
    if name not in sets:
        raise SystemExit(f"xtunctl-names-gen: no attribute set {name}")
    s = sets[sets[name].get("subset-of", name)]
    return next(f["name"] for f in full_sets(spec)
                if f["name-prefix"] == s["name-prefix"])


def set_enum(name):
    return f"NL_SET_{c_name(name)}"


def header(spec, spec_name):
    enums = "".join(f"\t{set_enum(s['name'])},\n" for s in full_sets(spec))
    return HEAD.format(spec=spec_name) + f"""
#ifndef _XTUNCTL_NETLINK_GEN_H
#define _XTUNCTL_NETLINK_GEN_H

#include <stdbool.h>

/* The attribute sets of the spec; a request's top level is the first. */
enum nl_set {{
{enums}\tNL_N_SETS,
\tNL_SET_UNKNOWN = NL_N_SETS,
}};

/* An attribute that holds a nest of @set, or an array (@array) of them. */
struct nl_nest {{
\tunsigned int type;
\tenum nl_set set;
\tbool array;
}};

struct nl_set_info {{
\tconst char *const *names;\t/* by attribute type; NULL: none */
\tunsigned int max;
\tconst struct nl_nest *nests;
\tunsigned int n_nests;
}};

extern const struct nl_set_info nl_sets[NL_N_SETS];

#endif /* _XTUNCTL_NETLINK_GEN_H */
"""


def source(spec, spec_name):
    out = [HEAD.format(spec=spec_name), "\n#include <stddef.h>\n\n"
           "#include <linux/xtun.h>\n\n#include \"netlink-gen.h\"\n"
           "#include \"xtunctl.h\"\n"]
    infos = []
    for s in full_sets(spec):
        prefix, ident = s["name-prefix"], c_name(s["name"]).lower()
        names, nests = [], []
        for attr in s["attributes"]:
            if attr["type"] in ("unused", "pad"):
                continue
            const = c_name(prefix + attr["name"])
            names.append(f'\t[{const}] = "{attr["name"]}",\n')
            if attr["type"] in ("nest", "indexed-array"):
                inner = parent_of(spec, attr["nested-attributes"])
                array = "true" if attr["type"] == "indexed-array" else "false"
                nests.append(f"\t{{ {const}, {set_enum(inner)}, {array} }},\n")
        max_name = c_name(s["attr-max-name"])
        out.append(f"\nstatic const char *const {ident}_names[{max_name} + 1] = {{\n")
        out.extend(names)
        out.append("};\n")
        nests_ref = "NULL, 0"
        if nests:
            out.append(f"\nstatic const struct nl_nest {ident}_nests[] = {{\n")
            out.extend(nests)
            out.append("};\n")
            nests_ref = f"{ident}_nests, ARRAY_LEN({ident}_nests)"
        infos.append(f"\t[{set_enum(s['name'])}] = {{\n\t\t{ident}_names, {max_name},"
                     f"\n\t\t{nests_ref},\n\t}},\n")
    out.append("\nconst struct nl_set_info nl_sets[NL_N_SETS] = {\n")
    out.extend(infos)
    out.append("};\n")
    return "".join(out)


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    spec_path, out_dir = sys.argv[1:]
    spec = xtun_spec.load(spec_path)
    spec_name = os.path.basename(spec_path)
    for name, text in (("netlink-gen.h", header(spec, spec_name)),
                       ("netlink-gen.c", source(spec, spec_name))):
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write(text)


if __name__ == "__main__":
    main()
