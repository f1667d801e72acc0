#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Side-by-side benchmark against upstream Linux (make bench-upstream).

The same load (kernel/kho/bench_upstream.c, kho_ubench=) runs in the same
QEMU (TCG, q35, --smp vCPUs, --mem) on this project's test kernel and on
upstream Linux built from Debian's linux-source-7.3 with the same base
config (scripts/upstream.sh).  One run boots kernel A, which preserves the
workload's folios, finalizes (where the kernel has a debugfs finalize) and
loads with kexec -s -l, then kexecs into B, which restores every folio
(guest/scenarios/ubench.sh).  The baseline of each kernel is the same kexec
with kho=off and nothing preserved.  Runs are paired: every round runs
each workload on both kernels, one after the other.

Figures per run, from the console:
  A preserve     ns per page of the kho_preserve_folio() calls
  A handover     ms of the finalize plus ms of kexec -s -l
  B early        B's printk time at "SLUB: HWalign=" (memblock has handed
                 free memory to the page allocator), minus the median of
                 the kernel's baseline runs
  B restore      ns per page of the kho_restore_folio() calls
  B MemFree      /proc/meminfo in B's user space, after the restore; the
                 "short" row is what B holds beyond the preserved pages:
                 MemFree after an empty handover (kho=on, nothing
                 preserved) - preserved - MemFree

Prints one line per run as it goes, then a table of medians with the ratio
ours/upstream and the issue's targets; build/bench-upstream.csv has the
table, build/bench-upstream-runs.csv every run.  Not part of make test:
upstream's B reserves each preserved page on its own in memblock and needs
minutes under TCG for a few hundred thousand pages.

With --icount the guests run on QEMU's instruction counter
(-icount shift=0,sleep=off): guest time advances 1 ns per instruction, so
every figure counts the work done and repeats from run to run whatever
the host does (under the host's clock single boots stall for 40-150 ms at
random); the CSV files get -icount in their names.
"""

import argparse
import csv
import os
import re
import shutil
import statistics
import sys

from benchlib import BENCH_LOGS, BUILD, add_icount_option, run_kexec, table, use_clock

UPSTREAM = os.environ.get("KHO_UPSTREAM", "7.3")

KERNELS = {
    "ours": (os.path.join(BUILD, "obj", "arch", "x86", "boot", "bzImage"),
             os.path.join(BUILD, "initramfs.cpio")),
    "upstream": (os.path.join(BUILD, "obj-upstream", "arch", "x86", "boot", "bzImage"),
                 os.path.join(BUILD, "initramfs-upstream.cpio")),
}

# key, name, kho_ubench= (None: kho=off; "": kho=on, nothing preserved)
WORKLOADS = [
    ("base", "no handover", None),
    ("empty", "empty handover", ""),
    ("4k128", "4k scattered, 128 Ki pages", "4k:131072"),
    ("4k256", "4k scattered, 256 Ki pages", "4k:262144"),
    ("2m", "2 MiB folios, 1 GiB", "2m:512"),
    ("mix", "mix of orders 0-9, 2048 folios", "mix:2048"),
]

STAMP = r"^\[\s*(\d+\.\d+)\]"
MARK = re.compile(STAMP + r" kho-ubench: mark (finalize|load) (begins|ends)", re.M)
EARLY = re.compile(STAMP + r" SLUB: HWalign=", re.M)
PRESERVED = re.compile(r"kho-ubench: preserved (\d+) folios, (\d+) pages, in (\d+) us: .*: ok")
RESTORED = re.compile(r"kho-ubench: restored (\d+) folios, (\d+) pages, in (\d+) us: .*: ok")
MEMFREE = re.compile(r"kho-ubench: MemFree (\d+) kB")

FIELDS = ("preserve_ns", "handover_ms", "early_ms", "restore_ns", "memfree_kb", "pages")


def one_run(kernel, key, bench, rep, args):
    clock = "icount-" if args.icount else ""
    log = os.path.join(BENCH_LOGS, f"upstream-{clock}{kernel}-{key}-{rep}.log")
    append = "kunit.enable=0 " + ("kho=off" if bench is None else
                                  f"kho=on kho_ubench={bench}" if bench else "kho=on")
    image, initrd = KERNELS[kernel]
    a, b = run_kexec(f"bench-upstream: {kernel} {key} run {rep}", "ubench", append,
                     args.mem, log, smp=args.smp, timeout=args.timeout,
                     kernel=image, initrd=initrd)
    marks = {(m.group(2), m.group(3)): float(m.group(1)) for m in MARK.finditer(a)}
    early, free = EARLY.search(b), MEMFREE.search(b)
    if len(marks) != 4 or not early or not free:
        sys.exit(f"bench-upstream: {kernel} {key}: marks, early line or MemFree missing; log: {log}")
    res = dict.fromkeys(FIELDS, 0.0)
    res["handover_ms"] = 1000 * (marks[("finalize", "ends")] - marks[("finalize", "begins")] +
                                 marks[("load", "ends")] - marks[("load", "begins")])
    res["early_ms"] = 1000 * float(early.group(1))
    res["memfree_kb"] = float(free.group(1))
    if bench:
        p, r = PRESERVED.search(a), RESTORED.search(b)
        if not p or not r or p.group(2) != r.group(2):
            sys.exit(f"bench-upstream: {kernel} {key}: no preserve or restore figures; log: {log}")
        res["pages"] = float(p.group(2))
        res["preserve_ns"] = 1000 * float(p.group(3)) / res["pages"]
        res["restore_ns"] = 1000 * float(r.group(3)) / res["pages"]
    return res


def ratio(ours, theirs):
    return f"{ours / theirs:.4g}" if theirs else "-"


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=5, help="paired runs per workload")
    p.add_argument("--mem", default="4G", help="guest memory (A and B)")
    p.add_argument("--smp", type=int, default=1, help="vCPUs (A and B)")
    p.add_argument("--timeout", type=int, default=3600, help="seconds per run")
    p.add_argument("--only", default="", help="comma-separated workload keys: " +
                   ", ".join(k for k, _, b in WORKLOADS if b))
    add_icount_option(p)
    p.add_argument("--csv", help="CSV file (default build/bench-upstream[-icount].csv)")
    args = p.parse_args()
    clock = use_clock(args, "bench-upstream")
    # Each run boots a snapshot taken now, so that a rebuild while the
    # benchmark runs (it takes a while) does not change what it measures.
    snap = os.path.join(BUILD, "bench-upstream")
    os.makedirs(snap, exist_ok=True)
    for kernel, (image, initrd) in list(KERNELS.items()):
        if not os.path.exists(image) or not os.path.exists(initrd):
            sys.exit(f"bench-upstream: no {kernel} kernel or initramfs ({image}): "
                     "run make bench-upstream")
        KERNELS[kernel] = (os.path.join(snap, f"bzImage-{kernel}"),
                           os.path.join(snap, f"initramfs-{kernel}.cpio"))
        shutil.copyfile(image, KERNELS[kernel][0])
        shutil.copyfile(initrd, KERNELS[kernel][1])
    keys = set(args.only.split(",")) if args.only else {k for k, _, _ in WORKLOADS}
    loads = [w for w in WORKLOADS if not w[2] or w[0] in keys]

    runs = {(k, w[0]): [] for k in KERNELS for w in loads}
    raw = os.path.join(BUILD, f"bench-upstream{clock}-runs.csv")
    with open(raw, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(("rep", "kernel", "workload") + FIELDS)
        for rep in range(args.reps):
            for key, name, bench in loads:
                for kernel in KERNELS:
                    r = one_run(kernel, key, bench, rep, args)
                    runs[(kernel, key)].append(r)
                    out.writerow((rep, kernel, key) + tuple(f"{r[k]:.1f}" for k in FIELDS))
                    f.flush()
                    print(f"  run {rep} {kernel:8} {key:6}: early {r['early_ms']:.0f} ms, "
                          f"preserve {r['preserve_ns']:.0f} ns/page, handover "
                          f"{r['handover_ms']:.0f} ms, restore {r['restore_ns']:.0f} ns/page, "
                          f"MemFree {r['memfree_kb'] / 1024:.1f} MiB", flush=True)

    med = {kw: {f: statistics.median(r[f] for r in rs) for f in FIELDS}
           for kw, rs in runs.items()}
    hdr = ("workload", "phase", "ours", f"upstream {UPSTREAM}", "ratio", "target")
    rows = []
    for key, name, bench in loads[2:]:
        o, u = med[("ours", key)], med[("upstream", key)]
        ob, ub = med[("ours", "base")], med[("upstream", "base")]
        oz, uz = med[("ours", "empty")], med[("upstream", "empty")]
        oe, ue = o["early_ms"] - ob["early_ms"], u["early_ms"] - ub["early_ms"]
        preserved_kb = o["pages"] * 4
        oshort = oz["memfree_kb"] - preserved_kb - o["memfree_kb"]
        ushort = uz["memfree_kb"] - preserved_kb - u["memfree_kb"]
        early_target = "<= 1.0" if key == "2m" else "<= 0.001" if key.startswith("4k") else ""
        rows += [
            (name, "A preserve, ns/page", f"{o['preserve_ns']:.0f}", f"{u['preserve_ns']:.0f}",
             ratio(o["preserve_ns"], u["preserve_ns"]), "<= 0.7"),
            (name, "A finalize + kexec load, ms", f"{o['handover_ms']:.0f}",
             f"{u['handover_ms']:.0f}", ratio(o["handover_ms"], u["handover_ms"]), ""),
            (name, "B early boot above baseline, ms", f"{oe:.0f}", f"{ue:.0f}",
             ratio(oe, ue), early_target),
            (name, "B early boot, ratio to own baseline",
             f"{o['early_ms'] / ob['early_ms']:.3f}", f"{u['early_ms'] / ub['early_ms']:.3f}",
             "", "ours <= 1.25" if key == "4k256" else ""),
            (name, "B restore, ns/page", f"{o['restore_ns']:.0f}", f"{u['restore_ns']:.0f}",
             ratio(o["restore_ns"], u["restore_ns"]), "<= 0.7"),
            (name, "B MemFree after restore, MiB", f"{o['memfree_kb'] / 1024:.1f}",
             f"{u['memfree_kb'] / 1024:.1f}", "", ""),
            (name, "B MemFree short of preserved set, MiB", f"{oshort / 1024:.1f}",
             f"{ushort / 1024:.1f}", "", "ours <= 1"),
        ]
    for key, name, _ in loads[:2]:
        o, u = med[("ours", key)], med[("upstream", key)]
        rows.append((name, "B early boot, ms", f"{o['early_ms']:.0f}",
                     f"{u['early_ms']:.0f}", ratio(o["early_ms"], u["early_ms"]), ""))
        rows.append((name, "B MemFree, MiB", f"{o['memfree_kb'] / 1024:.1f}",
                     f"{u['memfree_kb'] / 1024:.1f}", "", ""))
    when = "guest time from the instruction counter" if args.icount else "host clock"
    print(f"\nQEMU (TCG, {args.mem}, {args.smp} vCPU, {when}), medians of {args.reps} paired runs; "
          f"ratio = ours / upstream {UPSTREAM}")
    table(hdr, rows, args.csv)


if __name__ == "__main__":
    main()
