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

With --icount, QEMU runs the guests on its instruction counter
(-icount shift=0,sleep=off): guest time advances 1 ns per instruction
executed and jumps over idle periods, so the figures count the work done
and do not depend on the host's load (runs repeat to within 0.1%); they
go to build/bench-blackout-icount.csv.  Wall-clock figures under TCG move
with the host: whole runs differ by up to 1.5x.

The guests boot with i8042.noaux: QEMU's PS/2 mouse is probed for a few
hundred milliseconds, at a moment that varies from run to run, and a
kexec -e that falls in it waits for the probe to end (device_shutdown()
waits for probing), which added up to 0.3 s to single runs.
"""

import argparse
import os
import re
import statistics
import sys

from benchlib import BENCH_LOGS, TROUBLE, add_icount_option, run_guest, table, use_clock


CONFIGS = [
    ("kexec, clock memfd only", "none"),
    ("1 GiB memfd, 4 KiB pages", "4k"),
    ("1 GiB memfd, THP", "thp"),
]
TARGETS = {"4k": 1.15, "thp": 1.05}

RESULT = re.compile(r"luo-bench: blackout_ms=([\d.]+) retrieve_ms=([\d.]+)")


def one_run(kind, rep, args):
    clock = "icount-" if args.icount else ""
    log = os.path.join(BENCH_LOGS, f"blackout-{clock}{kind}-{rep}.log")
    rc, text = run_guest("luo_blackout",
                         f"kho=on kunit.enable=0 i8042.noaux luo.bench={kind}",
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
    add_icount_option(p)
    p.add_argument("--csv", help="CSV file (default build/bench-blackout[-icount].csv)")
    args = p.parse_args()
    use_clock(args, "bench-blackout")

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
    clock = ("guest time from the instruction counter (1 ns per instruction)"
             if args.icount else "host wall clock")
    print(f"\nQEMU (TCG, {args.mem}, {args.smp} vCPUs), {clock}, median of {args.reps} runs; "
          "blackout = kexec -e in A until B's process has read the memfd's first byte")
    out = []
    for name, kind, med, ret, black in rows:
        target = TARGETS.get(kind)
        out.append((name, f"{med:.0f}", f"{min(black):.0f}-{max(black):.0f}",
                    f"{med / base:.3f}", f"<= {target}" if target else "", f"{ret:.1f}"))
    table(hdr, out, args.csv)

if __name__ == "__main__":
    main()
