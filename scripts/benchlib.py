# SPDX-License-Identifier: GPL-2.0
"""What the QEMU benchmarks share: one guest run, and the output (a
Markdown table on stdout, the same rows in a CSV file)."""

import csv
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU_RUN = os.path.join(ROOT, "scripts", "qemu-run.py")
BUILD = os.environ.get("KHO_BUILD", os.path.join(ROOT, "build"))
# Where every benchmark keeps its guests' console logs, whatever its --csv.
BENCH_LOGS = os.path.join(BUILD, "logs", "bench")


def run_guest(scenario, append, mem, log, smp=2, timeout=600, kernel=None, initrd=None):
    """Boot SCENARIO with APPEND in QEMU with SMP vCPUs (memory preallocated,
    so that host page faults do not enter the timing), on the test kernel or
    on KERNEL with INITRD; return (exit code, console log)."""
    os.makedirs(os.path.dirname(log), exist_ok=True)
    cmd = [sys.executable, QEMU_RUN, "--scenario", scenario, "--mem", mem, "--prealloc",
           "--smp", str(smp), "--append", append, "--timeout", str(timeout), "--log", log]
    if kernel:
        cmd += ["--kernel", kernel, "--initrd", initrd]
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                        text=True).returncode
    with open(log, encoding="utf-8", errors="replace") as f:
        return rc, f.read()


# QEMU's instruction counter: guest time advances 1 ns per instruction and
# jumps over idle periods, so figures count the work done, whatever the
# host's load.
ICOUNT = "-icount shift=0,sleep=off"


def add_icount_option(parser):
    """--icount for a benchmark's PARSER."""
    parser.add_argument("--icount", action="store_true",
                        help="guest time from QEMU's instruction counter, not the host's clock")


def use_clock(args, stem):
    """Set the guests' clock from ARGS.icount (qemu-run.py appends
    KHO_QEMU_EXTRA to QEMU's command line) and default ARGS.csv to
    build/STEM[-icount].csv; return the suffix, "-icount" or ""."""
    suffix = "-icount" if args.icount else ""
    if args.icount:
        os.environ["KHO_QEMU_EXTRA"] = ICOUNT
    if not args.csv:
        args.csv = os.path.join(BUILD, f"{stem}{suffix}.csv")
    return suffix


TROUBLE = re.compile(r"WARNING:|BUG:|Call Trace|Oops|Kernel panic|kho-test: not ok")


def run_kexec(what, scenario, append, mem, log, **kw):
    """run_guest() for a scenario that kexecs once; return the console text
    of kernel A and of kernel B, or exit naming WHAT if the run failed, the
    kernel log shows trouble or there were not exactly two kernels."""
    rc, text = run_guest(scenario, append, mem, log, **kw)
    kernels = re.split(r"^\[[ 0-9.]+\] Linux version ", text, flags=re.M)
    trouble = TROUBLE.search(text)
    if rc != 0 or len(kernels) != 3 or trouble:
        why = trouble.group(0) if trouble else f"exit {rc}, {len(kernels) - 1} kernels"
        sys.exit(f"{what} failed ({why}); log: {log}")
    return kernels[1], kernels[2]


def table(hdr, rows, csv_path):
    """Print HDR and ROWS (tuples of strings) as a Markdown table and write
    them to CSV_PATH."""
    print("| " + " | ".join(hdr) + " |")
    print("|" + "---|" * len(hdr))
    for vals in rows:
        print("| " + " | ".join(vals) + " |")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(hdr)
        w.writerows(rows)
    print(f"\nCSV: {csv_path}; logs: {BENCH_LOGS}")
