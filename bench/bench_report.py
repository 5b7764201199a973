#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The figures of `make bench`: from bench-guest.sh's raw records to JSON,
a table and a PNG chart.  Standard library only; the chart is drawn by
gnuplot (pngcairo).

  bench_report.py summarize RAW.tsv OUT.json
      one boot's records as JSON: every figure's runs, median, min and
      max, and each kind's ratios to WireGuard (median over median)
  bench_report.py merge OUT.json KERNEL.json... [--host KEY=VALUE...]
      several boots (one per kernel) in one file, with facts of the host
  bench_report.py table FILE.json
      the table, for the terminal and Documentation/performance.rst
  bench_report.py check FILE.json
      fails unless every field is there, each figure measured
  bench_report.py chart FILE.json OUT.png
      throughput bars, UDP rate, RTT and the ratios to WireGuard, one row
      per kernel
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile

KINDS = ["veth", "wg", "ipsec", "xtun"]
KIND_NAMES = {"veth": "veth", "wg": "WireGuard", "ipsec": "IPsec ESP",
              "xtun": "xtun"}
# The figures of the throughput part, in table order: key, label, unit,
# whether more is better.
METRICS = [
    ("tcp1_mbps", "TCP, 1 flow", "Mbit/s", True),
    ("tcp4_mbps", "TCP, 4 flows", "Mbit/s", True),
    ("udp64_pps", "UDP 64 B received", "pkt/s", True),
    ("rtt_idle_ms", "RTT idle", "ms", False),
    ("rtt_load_ms", "RTT under TCP load", "ms", False),
]
# What the iperf3 figures cost (bench-guest.sh's cost_end): FIGURE_NAME.
COST_FIGURES = [("tcp1", "TCP, 1 flow"), ("tcp4", "TCP, 4 flows"),
                ("udp64", "UDP 64 B")]
COST_NAMES = ["us_per_mb", "us_per_pkt"]
# Short names for the ratio panel's axis.
RATIO_LABELS = {"tcp1_mbps": "TCP 1", "tcp4_mbps": "TCP 4", "udp64_pps": "UDP 64 B",
                "rtt_idle_ms": "RTT idle", "rtt_load_ms": "RTT load"}
SCALE_STEPS = [
    ("setconf_s", "setconf", "s"),
    ("dump_s", "show dump", "s"),
    ("peers", "peers in the dump", ""),
    ("tcp1_mbps", "TCP, 1 flow to the last peer", "Mbit/s"),
    ("rtnl_alone_s", "ip link add dummy, nothing else running", "s"),
    ("privkey_s", "private-key change", "s"),
    ("rtnl_privkey_s", "ip link add dummy during the key change", "s"),
    ("privkey_overlap", "key change still running at that add", ""),
    ("del_s", "ip link del", "s"),
    ("rtnl_del_s", "ip link add dummy during del", "s"),
    ("del_overlap", "del still running at that add", ""),
]
# Computed from the steps: how much longer the add took than alone.
SCALE_EXTRA = [
    ("rtnl_privkey_extra_s", "rtnl_privkey_s", "  add during key change - alone"),
    ("rtnl_del_extra_s", "rtnl_del_s", "  add during del - alone"),
]
PREFIX_STEPS = [
    ("setconf_s", "setconf", "s"),
    ("dump_s", "show dump", "s"),
    ("dump_prefixes", "prefixes in the dump", ""),
    ("del_s", "ip link del", "s"),
]
META = ["kernel", "cpus", "mem_mib", "date", "runs", "time_s", "pings",
        "step_timeout_s", "kinds", "scale_sizes", "prefix_sizes", "slow",
        "guest_seconds"]


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def summary(values):
    """median, min and max of the runs that gave a number."""
    nums = [v for v in values if isinstance(v, (int, float))]
    out = {"runs": values, "median": None, "min": None, "max": None}
    if nums:
        out.update(median=statistics.median(nums), min=min(nums), max=max(nums))
    return out


def is_num(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cpu_names(figures):
    """The CPUs a kind's cost figures name (cpu0, cpu1, ...), in order."""
    names = {k.split("_")[1] for k in figures
             if k.split("_")[0] in dict(COST_FIGURES) and k.endswith("_pct")
             and k.split("_")[1].startswith("cpu")}
    return sorted(names, key=lambda c: int(c[3:]))


def prefix_entries(prefixes):
    """The one-peer dumps, each with prefixes per second of its dump."""
    out = []
    for n, kinds in prefixes.items():
        entry = {"prefixes": int(n)}
        entry.update(kinds)
        for kind in ("wg", "xtun"):
            k = entry.setdefault(kind, {})
            k["dump_prefixes_per_s"] = (
                round(k["dump_prefixes"] / k["dump_s"])
                if is_num(k.get("dump_s")) and k["dump_s"] > 0 and
                is_num(k.get("dump_prefixes")) else None)
        out.append(entry)
    return out


def summarize(raw, out):
    meta, tput, scale, order, prefixes = {}, {}, {}, [], {}
    with open(raw) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "meta" and len(cols) >= 3:
                meta[cols[1]] = cols[2]
            elif cols[0] == "tput" and len(cols) == 5:
                kind, metric, _run, value = cols[1:]
                num = number(value)
                tput.setdefault(kind, {}).setdefault(metric, []).append(
                    value if num is None else num)
            elif cols[0] == "scale" and len(cols) == 5:
                size, kind, step, value = cols[1:]
                if size not in scale:
                    order.append(size)
                num = number(value)
                scale.setdefault(size, {}).setdefault(kind, {})[step] = \
                    value if num is None else num
            elif cols[0] == "prefixes" and len(cols) == 5:
                n, kind, step, value = cols[1:]
                num = number(value)
                prefixes.setdefault(n, {}).setdefault(kind, {})[step] = \
                    value if num is None else num
    for key in ("cpus", "mem_mib", "runs", "time_s", "pings", "step_timeout_s",
                "guest_seconds"):
        if key in meta and number(meta[key]) is not None:
            meta[key] = int(number(meta[key]))
    throughput = {}
    for kind, metrics in tput.items():
        throughput[kind] = {m: summary(v) for m, v in metrics.items()}
    ratios = {}
    wg = throughput.get("wg", {})
    for kind, metrics in throughput.items():
        if kind == "wg":
            continue
        ratios[kind] = {}
        for m, s in metrics.items():
            ref = wg.get(m, {}).get("median")
            ratios[kind][m] = (round(s["median"] / ref, 3)
                               if s["median"] is not None and ref else None)
    scale_list = []
    for size in order:
        peers, _, per_peer = size.partition("x")
        entry = {"size": size, "peers": int(peers), "prefixes": int(per_peer)}
        entry.update(scale[size])
        for kind in ("wg", "xtun"):
            k = entry.setdefault(kind, {})
            for key, step, _ in SCALE_EXTRA:
                k[key] = (round(k[step] - k["rtnl_alone_s"], 3)
                          if is_num(k.get(step)) and is_num(k.get("rtnl_alone_s"))
                          else None)
        wgs, xts = scale[size].get("wg", {}), scale[size].get("xtun", {})
        entry["ratio_xtun_vs_wg"] = {
            step: (round(xts[step] / wgs[step], 2)
                   if isinstance(xts.get(step), float) and
                   isinstance(wgs.get(step), float) and wgs[step] > 0 else None)
            for step, _, unit in SCALE_STEPS if unit in ("s", "Mbit/s")}
        # The same flow with all those peers over the one-peer figure.
        entry["tcp1_vs_one_peer"] = {}
        for kind in ("wg", "xtun"):
            one = throughput.get(kind, {}).get("tcp1_mbps", {}).get("median")
            many = scale[size].get(kind, {}).get("tcp1_mbps")
            entry["tcp1_vs_one_peer"][kind] = (
                round(many / one, 2) if isinstance(many, float) and one else None)
        scale_list.append(entry)
    doc = dict(meta)
    doc["throughput"] = throughput
    doc["ratio_vs_wg"] = ratios
    doc["scale"] = scale_list
    doc["prefixes"] = prefix_entries(prefixes)
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def boots(doc):
    return doc["kernels"] if "kernels" in doc else [doc]


def merge(out, inputs, host):
    doc = {"host": host, "kernels": []}
    for name in inputs:
        with open(name) as f:
            doc["kernels"].append(json.load(f))
    with open(out, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")


def fmt(value, unit):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if unit == "pkt/s" or unit == "" or abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def cell(s, unit):
    if not s or s.get("median") is None:
        bad = [r for r in (s or {}).get("runs", []) if isinstance(r, str)]
        return bad[0] if bad else "-"
    if s["min"] == s["max"]:
        return fmt(s["median"], unit)
    return (f"{fmt(s['median'], unit)} "
            f"({fmt(s['min'], unit)}-{fmt(s['max'], unit)})")


def grid(rows):
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def table(doc):
    out = []
    host = doc.get("host", {})
    for boot in boots(doc):
        kinds = [k for k in KINDS if k in boot["throughput"]]
        head = (f"kernel {boot.get('kernel', '?')}: {boot.get('cpus', '?')} vCPU"
                f", {boot.get('mem_mib', '?')} MiB")
        if host:
            head += (f", QEMU {host.get('accel', '?')} on {host.get('cpu', '?')}"
                     f" ({host.get('host_cpus', '?')} cores)")
        if boot.get("slow") or host.get("slow"):
            head += f", slowed (SLOW={boot.get('slow') or host.get('slow')})"
        out.append(head)
        out.append(f"{boot.get('date', '?')}; median (min-max) of "
                   f"{boot.get('runs', '?')} runs of {boot.get('time_s', '?')} s;"
                   f" ratios are median over WireGuard's median, same boot")
        rows = [["figure"] + [KIND_NAMES[k] for k in kinds] +
                [f"{KIND_NAMES[k]}/WG" for k in kinds if k != "wg"]]
        for key, label, unit, _ in METRICS:
            row = [f"{label} ({unit})"]
            row += [cell(boot["throughput"][k].get(key), unit) for k in kinds]
            for k in kinds:
                if k != "wg":
                    r = boot["ratio_vs_wg"].get(k, {}).get(key)
                    row.append("-" if r is None else f"{r:.2f}")
            rows.append(row)
        out.append(grid(rows))
        out.append("")
        out.append(cost_table(boot, kinds))
        for entry in boot.get("scale", []):
            out.append("")
            out.append(f"SCALE: {entry['peers']:,} peers x {entry['prefixes']} "
                       f"prefixes (step timeout {boot.get('step_timeout_s', '?')} s)")
            rows = [["step", "WireGuard", "xtun", "xtun/WG"]]
            for step, label, unit in SCALE_STEPS:
                r = entry.get("ratio_xtun_vs_wg", {}).get(step)
                rows.append([label + (f" ({unit})" if unit else "")] +
                            [fmt(entry.get(k, {}).get(step), unit)
                             for k in ("wg", "xtun")] +
                            ["-" if r is None else f"{r:.2f}"])
            vs_one = entry.get("tcp1_vs_one_peer", {})
            rows.append(["TCP, 1 flow: these peers / 1 peer"] +
                        ["-" if vs_one.get(k) is None else f"{vs_one[k]:.2f}"
                         for k in ("wg", "xtun")] + ["-"])
            for key, _, label in SCALE_EXTRA:
                rows.append([label + " (s)"] +
                            [fmt(entry.get(k, {}).get(key), "s") for k in ("wg", "xtun")] +
                            ["-"])
            out.append(grid(rows))
        for entry in boot.get("prefixes", []):
            out.append("")
            out.append(f"ONE PEER, {entry['prefixes']:,} PREFIXES "
                       f"(step timeout {boot.get('step_timeout_s', '?')} s)")
            rows = [["step", "WireGuard", "xtun", "xtun/WG"]]
            for step, label, unit in PREFIX_STEPS + [
                    ("dump_prefixes_per_s", "show dump, prefixes per second", "")]:
                wg, xt = (entry.get(k, {}).get(step) for k in ("wg", "xtun"))
                ratio = "-"
                if is_num(wg) and is_num(xt) and wg > 0 and \
                        (unit == "s" or step == "dump_prefixes_per_s"):
                    ratio = f"{xt / wg:.2f}"
                rows.append([label + (f" ({unit})" if unit else ""),
                             fmt(wg, unit), fmt(xt, unit), ratio])
            out.append(grid(rows))
        if "guest_seconds" in boot:
            out.append(f"(this boot's bench took {boot['guest_seconds']} s)")
        out.append("")
    return "\n".join(out)


def cost_table(boot, kinds):
    """What each kind's iperf3 figures cost, medians of the runs: each
    CPU's busy and softirq share, the guest's CPU time per megabyte and per
    datagram received, and for xtun the share of packets decrypted inline."""
    cpus = []
    for k in kinds:
        cpus = cpus or cpu_names(boot["throughput"][k])
    rows = [["cost (medians)"] + [f"{c} busy %" for c in cpus] +
            [f"{c} softirq %" for c in cpus] +
            ["CPU us/MB", "CPU us/datagram", "inline %"]]

    def med(figures, key, unit):
        summ = figures.get(key) or {}
        if summ.get("median") is None:
            bad = [r for r in summ.get("runs", []) if isinstance(r, str)]
            return bad[0] if bad else "-"
        return fmt(summ["median"], unit)

    for k in kinds:
        figures = boot["throughput"][k]
        for fig, label in COST_FIGURES:
            row = [f"{KIND_NAMES[k]}, {label}"]
            row += [med(figures, f"{fig}_{c}_pct", "%") for c in cpus]
            row += [med(figures, f"{fig}_{c}_sirq_pct", "%") for c in cpus]
            row += [med(figures, f"{fig}_us_per_mb", "us"),
                    med(figures, f"{fig}_us_per_pkt", "us")]
            row.append(med(figures, f"{fig}_inline_pct", "%") if k == "xtun" else "")
            rows.append(row)
    return ("CPU cost of each data path, the whole guest (both iperf3 ends "
            "included), over the run's wall time\n" + grid(rows))


def check(doc):
    """Every field there; every throughput figure measured at least once."""
    problems = []
    for boot in boots(doc):
        kernel = boot.get("kernel", "?")
        for key in META:
            if key not in boot:
                problems.append(f"{kernel}: no {key}")
        for kind in boot.get("kinds", " ".join(KINDS)).split():
            figures = boot.get("throughput", {}).get(kind)
            if figures is None:
                problems.append(f"{kernel}: no figures of {kind}")
                continue
            for key, *_ in METRICS:
                s = figures.get(key)
                if s is None:
                    problems.append(f"{kernel}: {kind}: no {key}")
                    continue
                for field in ("median", "min", "max", "runs"):
                    if field not in s:
                        problems.append(f"{kernel}: {kind} {key}: no {field}")
                if not isinstance(s.get("median"), float):
                    problems.append(f"{kernel}: {kind} {key} not measured: {s.get('runs')}")
                if len(s.get("runs", [])) != boot.get("runs"):
                    problems.append(f"{kernel}: {kind} {key}: {len(s.get('runs', []))} runs")
            for fig, _ in COST_FIGURES:
                keys = [f"{fig}_{name}" for name in COST_NAMES]
                keys += [f"{fig}_cpu{i}_pct" for i in range(int(boot.get("cpus", 1)))]
                for key in keys:
                    if not is_num((figures.get(key) or {}).get("median")):
                        problems.append(f"{kernel}: {kind} {key} not measured: "
                                        f"{(figures.get(key) or {}).get('runs')}")
                if kind == "xtun" and f"{fig}_inline_pct" not in figures:
                    problems.append(f"{kernel}: xtun: no {fig}_inline_pct")
            if kind != "wg" and "wg" in boot.get("throughput", {}):
                for key, *_ in METRICS:
                    if key not in boot.get("ratio_vs_wg", {}).get(kind, {}):
                        problems.append(f"{kernel}: {kind}: no ratio of {key}")
        entries = {e.get("size"): e for e in boot.get("scale", [])}
        for size in boot.get("scale_sizes", "").split():
            if size not in entries:
                problems.append(f"{kernel}: no scale {size}")
        for size, e in entries.items():
            for kind in ("wg", "xtun"):
                for step, *_ in SCALE_STEPS:
                    v = e.get(kind, {}).get(step)
                    if not isinstance(v, float) and v != "timeout":
                        problems.append(f"{kernel}: scale {size} {kind} {step}: {v!r}")
                for key, *_ in SCALE_EXTRA:
                    if key not in e.get(kind, {}):
                        problems.append(f"{kernel}: scale {size} {kind}: no {key}")
        entries = {str(e.get("prefixes")): e for e in boot.get("prefixes", [])}
        for n in boot.get("prefix_sizes", "").split():
            if n not in entries:
                problems.append(f"{kernel}: no one-peer dump of {n} prefixes")
                continue
            for kind in ("wg", "xtun"):
                for step, *_ in PREFIX_STEPS:
                    v = entries[n].get(kind, {}).get(step)
                    if not isinstance(v, float) and v != "timeout":
                        problems.append(f"{kernel}: prefixes {n} {kind} {step}: {v!r}")
                if entries[n].get(kind, {}).get("dump_prefixes") not in (int(n), float(n)) \
                        and entries[n].get(kind, {}).get("dump_s") != "timeout":
                    problems.append(f"{kernel}: prefixes {n} {kind}: the dump showed "
                                    f"{entries[n].get(kind, {}).get('dump_prefixes')!r}")
    return problems


GNUPLOT = r"""
set terminal pngcairo size 2000,{height} font "sans,10"
set output "{out}"
set datafile separator "\t"
set datafile missing "?"
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set key top right
set offsets 0, 0, graph 0.18, 0
set multiplot layout {rows},4 title "xtun bench: median of each figure, bars min-max (QEMU {accel}, {when})"
"""

PANEL = r"""
set title "{kernel}: TCP throughput (Mbit/s)"
plot "{data}" using 2:3:4:xtic(1) title "1 flow" lc rgb "#3b75af", \
     "" using 5:6:7 title "4 flows" lc rgb "#9ecae9"
set title "{kernel}: UDP 64 B received (kpkt/s)"
plot "{data}" using ($8/1000):($9/1000):($10/1000):xtic(1) title "64-byte datagrams" lc rgb "#519e3e"
set title "{kernel}: RTT (ms)"
plot "{data}" using 11:12:13:xtic(1) title "idle" lc rgb "#ef8636", \
     "" using 14:15:16 title "under 1 TCP flow" lc rgb "#c53a32"
set title "{kernel}: ratio to WireGuard (RTT: lower is better)"
set style histogram clustered gap 1
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "#444444"
plot "{ratios}" using 2:xtic(1) title "IPsec ESP / WG" lc rgb "#8c6bb1", \
     "" using 3 title "xtun / WG" lc rgb "#3b75af"
unset arrow 1
set style histogram errorbars gap 1 lw 1
"""


def chart(doc, out):
    host = doc.get("host", {})
    rows = boots(doc)
    tmp = tempfile.mkdtemp(prefix="xtun-bench-chart.")
    script = [GNUPLOT.format(height=420 * len(rows), out=out, rows=len(rows),
                             accel=host.get("accel", "?"),
                             when=rows[0].get("date", "?")[:10] if rows else "?")]
    for n, boot in enumerate(rows):
        data = os.path.join(tmp, f"k{n}.tsv")
        with open(data, "w") as f:
            for kind in KINDS:
                figures = boot["throughput"].get(kind)
                if not figures:
                    continue
                cols = [KIND_NAMES[kind]]
                for key, *_ in METRICS:
                    s = figures.get(key) or {}
                    cols += ["?" if s.get(x) is None else repr(s[x])
                             for x in ("median", "min", "max")]
                f.write("\t".join(cols) + "\n")
        ratios = os.path.join(tmp, f"r{n}.tsv")
        with open(ratios, "w") as f:
            for key, label, _, _ in METRICS:
                cols = [RATIO_LABELS[key]]
                for kind in ("ipsec", "xtun"):
                    r = boot.get("ratio_vs_wg", {}).get(kind, {}).get(key)
                    cols.append("?" if r is None else repr(r))
                f.write("\t".join(cols) + "\n")
        script.append(PANEL.format(kernel=boot.get("kernel", "?"), data=data,
                                   ratios=ratios))
    script.append("unset multiplot\n")
    gp = os.path.join(tmp, "chart.gp")
    with open(gp, "w") as f:
        f.write("".join(script))
    subprocess.run(["gnuplot", gp], check=True)
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)


def load(name):
    with open(name) as f:
        return json.load(f)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "summarize":
        summarize(args[0], args[1])
    elif cmd == "merge":
        host, inputs = {}, []
        it = iter(args[1:])
        for a in it:
            if a == "--host":
                continue
            if "=" in a and not a.endswith(".json"):
                k, _, v = a.partition("=")
                host[k] = v
            else:
                inputs.append(a)
        merge(args[0], inputs, host)
    elif cmd == "table":
        print(table(load(args[0])))
    elif cmd == "check":
        problems = check(load(args[0]))
        for p in problems:
            print(f"bench_report: {p}")
        sys.exit(1 if problems else 0)
    elif cmd == "chart":
        chart(load(args[0]), args[1])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
