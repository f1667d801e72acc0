#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot-time benchmark of the next kernel in QEMU (part of make bench).

Each run boots kernel A with the boot_bench scenario; A preserves a load
through kernel/kho/test_bench.c (kho_bench=), finalizes and kexecs into B.
The baseline boots A and B with kho=off: since kexec -e commits a
handover whenever KHO is on, that is the kexec without one.  From B's
console it takes:

  boot      B's printk time at "Run /init as init process" (the kernel's
            own boot, from the start of its clock to user space)
  early     B's printk time at "SLUB: HWalign=", the first line after
            memblock has handed all free memory to the page allocator
            (mm_core_init): the part of the boot where preserved ranges cost
            memblock work, and far less noisy than the whole boot under
            emulation
  reserve   "kho: handover accepted: N preserved ranges ... in T us": the
            check of the handover and its memblock reservation
  restore   "kho-bench: restored ... in T us": the client taking back every
            folio with kho_client_restore_folio()

The restore phase is reserve + restore.  Every configuration runs REPS
times (TCG timing is noisy) and the table gives medians.  Prints a table
and writes build/bench-boot.csv; logs go to build/logs/bench/.
"""

import argparse
import os
import re
import statistics
import sys

from benchlib import BENCH_LOGS, BUILD, run_kexec, table


# name, kho_bench= (None: nothing preserved), handover
CONFIGS = [
    ("no handover", None, False),
    ("0 preserved", None, True),
    ("256 MiB 4k", "4k:256", True),
    ("256 MiB 2m", "2m:256", True),
    ("1 GiB 4k", "4k:1024", True),
    ("1 GiB 2m", "2m:1024", True),
]

STAMP = r"^\[\s*(\d+\.\d+)\]"
RUN_INIT = re.compile(STAMP + r" Run /init as init process", re.M)
MEMORY = re.compile(STAMP + r" SLUB: HWalign=", re.M)
ACCEPTED = re.compile(r"kho: handover accepted: (\d+) preserved ranges \((\d+) KiB\)"
                      r" of \d+ clients reserved in (\d+) us")
RESTORED = re.compile(r"kho-bench: restored (\d+) folios .* in (\d+) us: ok")
PRESERVED = re.compile(r"kho-bench: preserved (\d+) folios .* in (\d+) us: ok")


def one_run(name, bench, handover, rep, args):
    tag = re.sub(r"\W+", "_", name)
    log = os.path.join(BENCH_LOGS, f"{tag}-{rep}.log")
    kho = "on" if handover else "off"
    append = f"kho={kho} kunit.enable=0 kho_t.handover={int(handover)}"
    if bench:
        append += f" kho_bench={bench}"
    a, b = run_kexec(f"boot-bench: {name} run {rep}", "boot_bench", append, args.mem, log)
    m, e = RUN_INIT.search(b), MEMORY.search(b)
    if not m or not e:
        sys.exit(f"boot-bench: {name}: B never reached /init; log: {log}")
    res = {"boot_ms": float(m.group(1)) * 1000, "early_ms": float(e.group(1)) * 1000,
           "ranges": 0, "reserve_us": 0,
           "restore_us": 0, "preserve_us": 0, "folios": 0}
    if handover:
        m = ACCEPTED.search(b)
        if not m:
            sys.exit(f"boot-bench: {name}: B did not accept the handover; log: {log}")
        res["ranges"], res["reserve_us"] = int(m.group(1)), int(m.group(3))
    if bench:
        m, p = RESTORED.search(b), PRESERVED.search(a)
        if not m or not p:
            sys.exit(f"boot-bench: {name}: no preserve or restore figures; log: {log}")
        res["folios"], res["restore_us"] = int(m.group(1)), int(m.group(2))
        res["preserve_us"] = int(p.group(2))
    return res


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=5, help="runs per configuration")
    p.add_argument("--mem", default="4G", help="guest memory (A and B)")
    p.add_argument("--csv", default=os.path.join(BUILD, "bench-boot.csv"))
    args = p.parse_args()

    rows = []
    for name, bench, handover in CONFIGS:
        runs = [one_run(name, bench, handover, r, args) for r in range(args.reps)]
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        boots = [r["boot_ms"] for r in runs]
        rows.append((name, med, min(boots), max(boots)))
        print(f"  {name}: B boot {med['boot_ms']:.0f} ms (runs {', '.join(f'{b:.0f}' for b in boots)}),"
              f" early {med['early_ms']:.0f} ms", flush=True)

    base, ebase = rows[0][1]["boot_ms"], rows[0][1]["early_ms"]
    hdr = ("pattern", "B boot ms", "min-max", "ratio", "B early ms", "early ratio",
           "folios", "ranges reserved", "reserve us", "restore us",
           "restore phase % of boot", "A preserve ns/folio")
    print(f"\nQEMU (TCG, {args.mem}), kernel B, median of {args.reps} runs; "
          "ratios to the boot with no handover; early = up to the page allocator")
    out = []
    for name, m, lo, hi in rows:
        phase = m["reserve_us"] + m["restore_us"]
        per = m["preserve_us"] * 1000 / m["folios"] if m["folios"] else 0
        out.append((name, f"{m['boot_ms']:.0f}", f"{lo:.0f}-{hi:.0f}",
                    f"{m['boot_ms'] / base:.3f}", f"{m['early_ms']:.0f}",
                    f"{m['early_ms'] / ebase:.3f}", f"{m['folios']:.0f}", f"{m['ranges']:.0f}",
                    f"{m['reserve_us']:.0f}", f"{m['restore_us']:.0f}",
                    f"{phase / 10 / m['boot_ms']:.2f}", f"{per:.0f}"))
    table(hdr, out, args.csv)

if __name__ == "__main__":
    main()
