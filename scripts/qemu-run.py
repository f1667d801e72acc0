#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Boot the KHO test kernel in QEMU and follow it through every kexec.

The serial console is copied to a log file (and to the terminal with -v).
The run ends at the guest's "kho-test: verdict" line, at a kernel panic, at
QEMU's exit or at the timeout, whichever comes first.

Exit status: 0 verdict pass, 1 verdict fail, 2 panic / no verdict / timeout.

Environment: KHO_QEMU_ACCEL=tcg|kvm (default tcg), KHO_QEMU=binary,
KHO_QEMU_EXTRA=more QEMU options (split at blanks).
"""

import argparse
import os
import re
import selectors
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("KHO_BUILD", os.path.join(ROOT, "build"))

# Always on the command line: serial console, the initramfs is kept so that
# the guest can hand it to the next kernel, and a panic ends the VM.
BASE_CMDLINE = ("console=ttyS0,115200 retain_initrd panic=-1 loglevel=7 "
                "printk.devkmsg=on")

VERDICT = re.compile(r"kho-test: verdict (pass|fail)")
PANIC = re.compile(r"Kernel panic - not syncing")


def mem_mb(text):
    m = re.fullmatch(r"(\d+)([MG]?)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"bad memory size '{text}'")
    return int(m.group(1)) * (1024 if m.group(2) == "G" else 1)


def qemu_command(args):
    accel = os.environ.get("KHO_QEMU_ACCEL", "tcg")
    cmd = [os.environ.get("KHO_QEMU", "qemu-system-x86_64"),
           "-machine", f"pc,accel={accel}", "-cpu", "max" if accel == "tcg" else "host",
           "-m", f"{args.mem}M", "-smp", str(args.smp),
           "-display", "none", "-monitor", "none", "-serial", "stdio",
           "-no-reboot", "-kernel", args.kernel, "-initrd", args.initrd,
           "-append", f"{BASE_CMDLINE} {args.append}".strip()]
    if args.prealloc:
        cmd.append("-mem-prealloc")
    cmd += os.environ.get("KHO_QEMU_EXTRA", "").split()
    if args.numa > 1:
        per_node = args.mem // args.numa
        if per_node * args.numa != args.mem:
            sys.exit(f"qemu-run: {args.mem} MiB does not split into {args.numa} nodes")
        for n in range(args.numa):
            cmd += ["-object", f"memory-backend-ram,id=m{n},size={per_node}M",
                    "-numa", f"node,nodeid={n},memdev=m{n}"]
    return cmd


def run(args):
    cmd = qemu_command(args)
    os.makedirs(os.path.dirname(os.path.abspath(args.log)), exist_ok=True)
    log = open(args.log, "w", encoding="utf-8", errors="replace")
    log.write("# " + " ".join(cmd) + "\n")
    log.flush()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + args.timeout
    verdict, reason, buf = None, None, b""
    while verdict is None:
        left = deadline - time.monotonic()
        if left <= 0:
            reason = f"timeout after {args.timeout} s"
            break
        if not sel.select(timeout=min(left, 1.0)):
            if proc.poll() is not None:
                reason = f"QEMU exited ({proc.returncode}) without a verdict"
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            proc.wait()
            reason = f"QEMU exited ({proc.returncode}) without a verdict"
            break
        if args.verbose:
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
        buf += chunk
        *lines, buf = buf.split(b"\n")
        for raw in lines:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            log.write(line + "\n")
            m = VERDICT.search(line)
            if m:
                verdict = m.group(1)
            elif PANIC.search(line):
                reason = "kernel panic"
        log.flush()
        if reason == "kernel panic":
            break
    if buf:
        log.write(buf.decode("utf-8", "replace") + "\n")
    if proc.poll() is None:
        # Give the guest a moment to power off by itself, then stop it.
        try:
            proc.wait(timeout=3 if verdict else 0.1)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if verdict is None:
        log.write(f"# qemu-run: {reason}\n")
    log.close()
    if verdict == "pass":
        return 0
    if verdict == "fail":
        return 1
    print(f"qemu-run: {reason} (log: {args.log})", file=sys.stderr)
    return 2


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--kernel", default=os.path.join(BUILD, "obj/arch/x86/boot/bzImage"))
    p.add_argument("--initrd", default=os.path.join(BUILD, "initramfs.cpio"))
    p.add_argument("--append", default="", help="extra kernel command line")
    p.add_argument("--scenario", help="guest scenario (adds kho_test=NAME)")
    p.add_argument("--mem", type=mem_mb, default=mem_mb("1G"), help="memory, e.g. 1G or 768M")
    p.add_argument("--smp", type=int, default=2)
    p.add_argument("--numa", type=int, default=1, help="number of NUMA nodes")
    p.add_argument("--prealloc", action="store_true",
                   help="allocate all guest memory on the host before the boot "
                        "(no host page faults in guest timings)")
    p.add_argument("--timeout", type=int, default=120, help="seconds for the whole run")
    p.add_argument("--log", default=os.path.join(BUILD, "logs", "qemu.log"))
    p.add_argument("--shell", action="store_true",
                   help="interactive shell on the serial console (quit: poweroff -f)")
    p.add_argument("-v", "--verbose", action="store_true", help="copy the console to stdout")
    args = p.parse_args()
    if args.scenario:
        args.append = f"kho_test={args.scenario} {args.append}"
    if args.shell:
        cmd = qemu_command(args)
        cmd[cmd.index("-serial") + 1] = "mon:stdio"
        cmd[cmd.index("-monitor"):cmd.index("-monitor") + 2] = []
        os.execvp(cmd[0], cmd)
    for f in (args.kernel, args.initrd):
        if not os.path.exists(f):
            sys.exit(f"qemu-run: {f} missing: run 'make kernel initramfs'")
    sys.exit(run(args))


if __name__ == "__main__":
    main()
