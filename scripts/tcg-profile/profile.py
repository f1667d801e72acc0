#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Where the guest kernel's instructions go: a per-function profile.

Boots SCENARIO twice under QEMU's instruction counter with the TCG plugin
kernel-profile.c (built here into build/tcg-profile/), once with APPEND
and once with BASE_APPEND, counts the instructions every kernel function
executes from the first call of START until the first call of STOP after
it (symbols of the test kernel's System.map; the guests boot with
nokaslr), and prints the functions whose counts differ most: what the
first configuration costs on top of the second.

Default: the blackout benchmark's 1 GiB memfd of 4 KiB pages against the
plain kexec, from kexec -e in A (kernel_kexec) until B's process closes the
memfd (shmem_undo_range, the first truncation after the kexec):

    scripts/tcg-profile/profile.py
    scripts/tcg-profile/profile.py \
        --append "kho=on kunit.enable=0 i8042.noaux nokaslr luo.bench=thp"
    scripts/tcg-profile/profile.py --scenario ubench --base-append - \
        --append "kho=on kunit.enable=0 nokaslr kho_ubench=4k:131072" \
        --start kho_preserve_folio --stop kho_add_subtree_blob

(the last one's window also holds the load's allocations, which follow
its first kho_preserve_folio(): read the kho_ functions.)

Counts are guest instructions (1 ns each on the instruction counter), not
time on real hardware.  Functions the compiler inlined count as their
caller.
"""

import argparse
import bisect
import collections
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import benchlib  # noqa: E402

OUT = os.path.join(benchlib.BUILD, "tcg-profile")
BLACKOUT = "kho=on kunit.enable=0 i8042.noaux nokaslr luo.bench="


def build_plugin():
    so = os.path.join(OUT, "kernel-profile.so")
    src = os.path.join(HERE, "kernel-profile.c")
    os.makedirs(OUT, exist_ok=True)
    if not os.path.exists(so) or os.path.getmtime(so) < os.path.getmtime(src):
        subprocess.run(["gcc", "-O2", "-Wall", "-shared", "-fPIC", "-o", so, src],
                       check=True)
    return so


def symbols(system_map):
    syms = []
    with open(system_map) as f:
        for line in f:
            addr, kind, name = line.split()[:3]
            if kind in "tTwW":
                syms.append((int(addr, 16), name))
    syms.sort()
    return [a for a, _ in syms], [n for _, n in syms]


def address(names, addrs, sym):
    try:
        return addrs[names.index(sym)]
    except ValueError:
        sys.exit(f"profile: no function {sym} in System.map")


def per_function(path, addrs, names):
    counts = collections.Counter()
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                if "stopped 0" in line:
                    print(f"profile: {path}: the stop function never ran after the start",
                          file=sys.stderr)
                continue
            va, n = line.split()
            i = bisect.bisect_right(addrs, int(va, 16)) - 1
            counts[names[i] if i >= 0 else "?"] += int(n)
    return counts


def run(tag, args, append, plugin, start, stop, results):
    out = os.path.join(OUT, f"{tag}.txt")
    os.environ["KHO_QEMU_EXTRA"] = (f"{benchlib.ICOUNT} -plugin "
                                    f"{plugin},out={out},start={start:x},stop={stop:x}")
    kw = {}
    if args.variant:
        kw = {"kernel": os.path.join(benchlib.BUILD, f"obj-{args.variant}", "arch/x86/boot/bzImage"),
              "initrd": os.path.join(benchlib.BUILD, f"initramfs-{args.variant}.cpio")}
    rc, _ = benchlib.run_guest(args.scenario, append, args.mem,
                               os.path.join(OUT, f"{tag}.log"), smp=args.smp, **kw)
    results[tag] = (rc, out)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scenario", default="luo_blackout")
    p.add_argument("--append", default=BLACKOUT + "4k", help="the configuration measured")
    p.add_argument("--base-append", default=BLACKOUT + "none",
                   help='the one subtracted; "-" for none')
    p.add_argument("--start", default="kernel_kexec", help="count from its first call")
    p.add_argument("--stop", default="shmem_undo_range",
                   help="to its first call after the start")
    p.add_argument("--mem", default="3G")
    p.add_argument("--smp", type=int, default=2,
                   help="vCPUs (make bench-upstream's guests have 1)")
    p.add_argument("--variant", default="",
                   help="another kernel: build/obj-VARIANT and build/initramfs-VARIANT.cpio "
                   "(upstream: the comparator of make bench-upstream)")
    p.add_argument("--top", type=int, default=40)
    args = p.parse_args()

    plugin = build_plugin()
    obj = "obj-" + args.variant if args.variant else "obj"
    addrs, names = symbols(os.path.join(benchlib.BUILD, obj, "System.map"))
    start = address(names, addrs, args.start)
    stop = address(names, addrs, args.stop)
    results = {}
    runs = [("measured", args.append)]
    if args.base_append != "-":
        runs.append(("base", args.base_append))
    for tag, app in runs:
        run(tag, args, app, plugin, start, stop, results)
    for tag, (rc, _) in results.items():
        if rc:
            sys.exit(f"profile: the {tag} guest failed (exit {rc}); log: {OUT}/{tag}.log")
    a = per_function(results["measured"][1], addrs, names)
    b = (per_function(results["base"][1], addrs, names) if "base" in results
         else collections.Counter())
    diff = {k: a[k] - b[k] for k in set(a) | set(b)}
    print(f"instructions from {args.start} to {args.stop}: "
          f"{sum(a.values()) / 1e6:.1f} M measured, {sum(b.values()) / 1e6:.1f} M base, "
          f"{sum(diff.values()) / 1e6:+.1f} M difference")
    print("difference (M)  function")
    for name, n in sorted(diff.items(), key=lambda x: -abs(x[1]))[:args.top]:
        print(f"{n / 1e6:13.2f}  {name}")


if __name__ == "__main__":
    main()
