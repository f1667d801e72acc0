#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Blackout benchmark of live update (part of make bench).

A process in kernel A holds a live-update session with a 1 GiB memfd,
of 4 KiB pages or of shmem THPs; the blackout is the time from kexec -e in
A until a process in kernel B has retrieved the memfd, mapped it and read
its first byte.  The baseline is the same kexec carrying only a 4 KiB
clock memfd.  Time is taken with the TSC, which runs on across the kexec:
A writes it into the clock memfd just before it execs kexec -e, and B
reads it back (guest/scenarios/luo_blackout.sh, luo_test.c).

Each configuration runs REPS times; the table gives medians and the ratio
to the baseline, and build/bench-blackout.csv the figures.  B's part spent
in RETRIEVE_SESSION / RETRIEVE_FD and mmap is the retrieve column.
"""

import argparse
import os
import re
import statistics
import sys

from benchlib import BENCH_LOGS, BUILD, TROUBLE, run_guest, table


CONFIGS = [
    ("kexec, clock memfd only", "none"),
    ("1 GiB memfd, 4 KiB pages", "4k"),
    ("1 GiB memfd, THP", "thp"),
]
TARGETS = {"4k": 1.15, "thp": 1.05}

RESULT = re.compile(r"luo-bench: blackout_ms=([\d.]+) retrieve_ms=([\d.]+)")


def one_run(kind, rep, args):
    log = os.path.join(BENCH_LOGS, f"blackout-{kind}-{rep}.log")
    rc, text = run_guest("luo_blackout", f"kho=on kunit.enable=0 luo.bench={kind}",
                         args.mem, log, smp=args.smp)
    m, trouble = RESULT.search(text), TROUBLE.search(text)
    if rc != 0 or not m or trouble:
        why = trouble.group(0) if trouble else f"exit {rc}"
        sys.exit(f"blackout-bench: {kind} run {rep} failed ({why}); log: {log}")
    return float(m.group(1)), float(m.group(2))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=5, help="runs per configuration")
    p.add_argument("--mem", default="3G", help="guest memory (A and B)")
    p.add_argument("--smp", type=int, default=2, help="vCPUs (A and B)")
    p.add_argument("--csv", default=os.path.join(BUILD, "bench-blackout.csv"))
    args = p.parse_args()

    # Interleaved: TCG's speed drifts over minutes (whole runs differ by up
    # to 1.5x), so each round runs every configuration once.
    runs = {kind: [] for _, kind in CONFIGS}
    for r in range(args.reps):
        for _, kind in CONFIGS:
            runs[kind].append(one_run(kind, r, args))

    rows = []
    for name, kind in CONFIGS:
        black = [r[0] for r in runs[kind]]
        med, ret = statistics.median(black), statistics.median(r[1] for r in runs[kind])
        rows.append((name, kind, med, ret, black))
        print(f"  {name}: blackout {med:.0f} ms (runs {', '.join(f'{b:.0f}' for b in black)}),"
              f" retrieve {ret:.1f} ms", flush=True)

    base = rows[0][2]
    hdr = ("kexec carries", "blackout ms (median)", "min-max", "ratio", "target",
           "B retrieve + map ms")
    print(f"\nQEMU (TCG, {args.mem}), median of {args.reps} runs; blackout = kexec -e in A "
          "until B's process has read the memfd's first byte")
    out = []
    for name, kind, med, ret, black in rows:
        target = TARGETS.get(kind)
        out.append((name, f"{med:.0f}", f"{min(black):.0f}-{max(black):.0f}",
                    f"{med / base:.3f}", f"<= {target}" if target else "", f"{ret:.1f}"))
    table(hdr, out, args.csv)

if __name__ == "__main__":
    main()
