#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""KHO test suite: end-to-end scenarios in QEMU plus host-side checks.

Every test prints one TAP line; the run ends with "N passed, N failed".
Logs are kept in build/logs/tests/<name>.log.

  run_tests.py                 run everything
  run_tests.py NAME...         run only these tests
  run_tests.py --list          list the tests
  run_tests.py --debug NAME... run QEMU tests on the debug kernel
                               (make initramfs-debug first)
  run_tests.py --distro [NAME...]  run QEMU tests (default: a core subset)
                               on Debian's cloud-amd64 config with KHO
                               (make distro-initramfs first)
"""

import argparse
import inspect
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../../.."))
BUILD = os.environ.get("KHO_BUILD", os.path.join(ROOT, "build"))
LOGS = os.path.join(BUILD, "logs", "tests")
QEMU_RUN = os.path.join(ROOT, "scripts", "qemu-run.py")

# Anything like this in a kernel log fails the test, whatever the verdict.
KERNEL_TROUBLE = re.compile(r"WARNING:|BUG:|Call Trace|Oops|Kernel panic|"
                            r"general protection fault|UBSAN:|KASAN:|kernel BUG|"
                            r"page dumped because|DEBUG_LOCKS_WARN_ON")
TIMESTAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")


class Failure(Exception):
    """A test's reason for failing, one line."""


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def check_kernel_log(text):
    for line in text.splitlines():
        if not line.startswith("#") and KERNEL_TROUBLE.search(line):
            raise Failure(f"kernel log: {TIMESTAMP.sub('', line).strip()}")


def guest_results(text):
    """The guest's kho-test ok / not ok lines, as {name: (ok, note)}."""
    res = {}
    for m in re.finditer(r"kho-test: (ok|not ok) ([\w.-]+)(?: # (.*))?", text):
        ok = m.group(1) == "ok"
        # A check reported twice counts as failed if it ever failed.
        prev = res.get(m.group(2), (True, ""))
        res[m.group(2)] = (ok and prev[0], m.group(3) or "")
    return res


class Variant:
    """A test kernel and initramfs the QEMU tests boot, with what every
    boot of it adds to the command line and how much slower it runs."""

    def __init__(self, suffix="", append="", slowdown=1):
        self.suffix = suffix
        self.kernel = os.path.join(BUILD, f"obj{suffix}", "arch", "x86", "boot", "bzImage")
        self.initrd = os.path.join(BUILD, f"initramfs{suffix}.cpio")
        self.append = append
        self.slowdown = slowdown


PLAIN = Variant()
# Debian's cloud-amd64 config with KHO (make distro-kernel), and the tests
# make test-distro runs on it by default.
DISTRO = Variant("-distro")
DISTRO_TESTS = ["reserve_mem_survives", "folios_survive", "deferred_init", "upstream_api",
                "upstream_api_6_18", "upstream_api_7", "luo_memfd_survives"]


class QemuTest:
    """Boot the test kernel with a guest scenario and follow every kexec.

    expect: guest checks that must be reported ok (names of kho_check lines).
    """

    def __init__(self, name, scenario=None, expect=(), append="", mem="1G",
                 smp=2, numa=1, timeout=180, post=None):
        self.name = name
        self.scenario = scenario or name
        self.expect = expect
        self.append = append
        self.mem, self.smp, self.numa = mem, smp, numa
        self.timeout = timeout
        self.post = post

    def run(self, log, variant=None):
        v = variant or PLAIN
        cmd = [sys.executable, QEMU_RUN, "--scenario", self.scenario,
               "--append", f"{self.append} {v.append}".strip(), "--mem", self.mem,
               "--smp", str(self.smp), "--numa", str(self.numa),
               "--timeout", str(self.timeout * v.slowdown), "--log", log,
               "--kernel", v.kernel, "--initrd", v.initrd]
        rc = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True).returncode
        text = read(log)
        check_kernel_log(text)
        res = guest_results(text)
        bad = [f"{n} ({note})" for n, (ok, note) in res.items() if not ok]
        if bad:
            raise Failure("guest: not ok " + "; ".join(bad))
        if rc == 2:
            tail = [l for l in text.splitlines() if l.startswith("# qemu-run")]
            raise Failure(tail[-1][2:] if tail else "no verdict")
        if rc != 0:
            raise Failure("guest verdict: fail")
        missing = [n for n in self.expect if n not in res]
        if missing:
            raise Failure("guest never reported: " + ", ".join(missing))
        if self.post:
            self.post(text)
        return f"{len(res)} guest checks"


def parse_kunit(text):
    """KTAP from the kernel log: {suite: (suite_ok, plan, [(case, ok)])}."""
    suites, cur = {}, None
    for raw in text.splitlines():
        line = TIMESTAMP.sub("", raw.rstrip())
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        m = re.match(r"# Subtest: (\S+)", body)
        if m and indent == 4:
            cur = m.group(1)
            suites[cur] = [None, None, []]
            continue
        if cur is None:
            continue
        m = re.match(r"1\.\.(\d+)$", body)
        if m and indent == 4:
            suites[cur][1] = int(m.group(1))
            continue
        m = re.match(r"(ok|not ok) \d+ (\S+)(.*)$", body)
        if m and indent == 4:
            ok = m.group(1) == "ok" and "# SKIP" not in m.group(3)
            suites[cur][2].append((m.group(2), ok))
        elif m and indent == 0 and m.group(2) == cur:
            suites[cur][0] = m.group(1) == "ok"
            cur = None
    return suites


# KUnit suites the test kernel must run; a missing one fails the test.
KUNIT_SUITES = ["kho_params", "kho_fdt", "kho_tracking", "kho_in_index", "kho_outgoing",
                "liveupdate_format"]


def check_kunit(text):
    suites = parse_kunit(text)
    total = 0
    for name in KUNIT_SUITES:
        if name not in suites:
            raise Failure(f"KUnit suite {name} missing from the log")
        suite_ok, plan, cases = suites[name]
        failed = [c for c, ok in cases if not ok]
        if failed:
            raise Failure(f"KUnit {name}: failed {', '.join(failed)}")
        if plan is None or len(cases) != plan:
            raise Failure(f"KUnit {name}: {len(cases)} of {plan} cases reported")
        if not suite_ok:
            raise Failure(f"KUnit {name}: suite not ok")
        total += plan
    return total


class KunitTest(QemuTest):
    def __init__(self):
        super().__init__("kunit", scenario="boot_only", expect=["boot_only"],
                         append="kunit.enable=1 kho=on")

    def run(self, log, variant=None):
        super().run(log, variant)
        n = check_kunit(read(log))
        return f"{len(KUNIT_SUITES)} suites, {n} cases"


class MemblockSimTest:
    """The 6.12 tree's tools/testing/memblock, with the project's patches,
    built and run with and without NUMA."""

    name = "memblock_sim"

    def run(self, log):
        sim = os.path.join(BUILD, "src", "tools", "testing", "memblock")
        if not os.path.isdir(sim):
            raise Failure("build/src missing: run 'make tree'")
        passed = 0
        with open(log, "w") as out:
            for variant in ([], ["NUMA=1"]):
                for step in (["make", "-C", sim, "clean"],
                             ["make", "-C", sim, "-j", str(os.cpu_count() or 2)] + variant):
                    if subprocess.run(step, stdout=out, stderr=subprocess.STDOUT).returncode:
                        raise Failure(f"simulator {' '.join(variant) or 'default'}: "
                                  f"'{' '.join(step[3:])}' failed")
                r = subprocess.run([os.path.join(sim, "main"), "-v"], cwd=sim,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True)
                out.write(r.stdout)
                oks = len(re.findall(r"^ok \d+ ", r.stdout, re.M))
                if r.returncode or re.search(r"^not ok", r.stdout, re.M) or not oks:
                    raise Failure(f"simulator {' '.join(variant) or 'default'}: "
                                  f"exit {r.returncode} after {oks} passed checks")
                passed += oks
        return f"{passed} checks (default and NUMA=1)"


class KhoSimTest:
    """tools/testing/kho: the project's own tracking, FDT and handover files
    and the patched mm/memblock.c in userspace, with ASan and UBSan; each
    kernel is a process sharing a sparse simulated RAM."""

    def __init__(self, name, args, pattern):
        self.name = name
        self.args = args
        self.pattern = pattern

    def run(self, log):
        sim = os.path.join(BUILD, "src", "tools", "testing", "kho")
        if not os.path.isdir(sim):
            raise Failure("build/src missing: run 'make tree'")
        with open(log, "w") as out:
            if subprocess.run(["make", "-C", sim, "sim"], stdout=out,
                              stderr=subprocess.STDOUT).returncode:
                raise Failure("simulator does not build")
            r = subprocess.run(["./sim"] + self.args, cwd=sim, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=600)
            out.write(r.stdout)
        m = re.search(self.pattern, r.stdout)
        if r.returncode or not m or "runtime error" in r.stdout or "ERROR:" in r.stdout:
            last = (r.stdout.strip().splitlines() or ["no output"])[-1]
            raise Failure(f"exit {r.returncode}: {last}")
        return m.group(0)


class FuzzSmokeTest:
    """A bounded libFuzzer run of the next kernel's handover check and
    reservation, from seeds the simulator writes plus the kept regression
    inputs; any crash, leak, sanitizer report or timeout fails it."""

    name = "fuzz_smoke"
    RUNS = 100000

    def run(self, log):
        sim = os.path.join(BUILD, "src", "tools", "testing", "kho")
        work = os.path.join(BUILD, "fuzz")
        seeds = os.path.join(work, "seeds")
        found = os.path.join(work, "found")
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(found)
        with open(log, "w") as out:
            for step in (["make", "-C", sim, "sim", "fuzz"], [os.path.join(sim, "sim"), "corpus", seeds]):
                if subprocess.run(step, stdout=out, stderr=subprocess.STDOUT,
                                  cwd=sim).returncode:
                    raise Failure(f"'{' '.join(step)}' failed")
            r = subprocess.run([os.path.join(sim, "fuzz"), f"-runs={self.RUNS}", "-seed=1",
                                "-max_len=1048576", "-timeout=10", f"-artifact_prefix={work}/",
                                found, seeds, os.path.join(sim, "corpus")],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, timeout=300)
            out.write(r.stdout)
        done = re.search(r"Done (\d+) runs in (\d+) second", r.stdout)
        if r.returncode or not done:
            bad = [l for l in r.stdout.splitlines() if "ERROR" in l or "runtime error" in l]
            raise Failure(f"exit {r.returncode}: {(bad or ['no summary'])[0]}")
        return f"{done.group(1)} executions in {done.group(2)} s, no crash"


class CheckpatchTest:
    """scripts/checkpatch.pl --strict on every new kernel file and patch."""

    name = "checkpatch"
    SOURCES = re.compile(r"^(include|kernel|mm|arch)/.*\.[ch]$")

    def run(self, log):
        src = os.path.join(BUILD, "src")
        files = subprocess.run(["git", "ls-files", "--cached", "--others",
                                "--exclude-standard"], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE, check=True).stdout.split()
        sources = [f for f in files if self.SOURCES.match(f)]
        patches = sorted(f for f in files if re.match(r"^patches/.*\.patch$", f))
        cp = [os.path.join(src, "scripts", "checkpatch.pl"), "--strict", "--no-tree",
              "--quiet", "--show-types"]
        bad = []
        with open(log, "w") as out:
            for args in ([["-f", os.path.join(ROOT, f)] for f in sources] +
                         [[os.path.join(ROOT, p)] for p in patches]):
                r = subprocess.run(cp + args, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
                out.write(r.stdout)
                if r.returncode or r.stdout.strip():
                    bad.append(os.path.relpath(args[-1], ROOT))
        if bad:
            raise Failure("not checkpatch --strict clean: " + ", ".join(bad))
        return f"{len(sources)} files, {len(patches)} patches"


def run_variants(log, variants, variant=None):
    """Run (label, log suffix, QemuTest) variants one after the other; the
    first failure names its variant."""
    for label, suffix, test in variants:
        try:
            test.run(log.replace(".log", f"-{suffix}.log"), variant)
        except Failure as e:
            raise Failure(f"{label}: {e}")


class BadCmdlineTest:
    """One boot per malformed kho= / kho_scratch= value: each boots, says
    why in one line, and leaves KHO off."""

    name = "bad_cmdline"
    # (command line, the reason the kernel must print)
    CASES = [
        ("kho=yes", "invalid kho=yes: expected on or off"),
        ("kho=on kho_scratch=0%", "invalid kho_scratch=0%: percentage must be between 1% and 10000%"),
        ("kho=on kho_scratch=64M,128M", "invalid kho_scratch=64M,128M: expected exactly three comma-separated sizes"),
        ("kho=on kho_scratch=0,1M,1M", "invalid kho_scratch=0,1M,1M: sizes must not be zero"),
        ("kho=on kho_scratch=abc", "invalid kho_scratch=abc: expected low,global,pernode sizes"),
        ("kho_scratch=1M,1M,1Q kho=on", "invalid kho_scratch=1M,1M,1Q: expected exactly three comma-separated sizes"),
    ]
    EXPECT = ["bad_cmdline.message", "bad_cmdline.stays_off",
              "bad_cmdline.no_scratch", "bad_cmdline.finalize_fails"]

    def run(self, log):
        run_variants(log, [
            (f"'{cmdline}'", i,
             QemuTest(self.name, expect=self.EXPECT, timeout=60,
                      append=f"{cmdline} kho_expect={reason.replace(' ', '~')} "
                             "kunit.enable=0"))
            for i, (cmdline, reason) in enumerate(self.CASES)])
        return f"{len(self.CASES)} malformed values"


class ScratchCmaTest:
    """Scratch sizing leaves CMA areas out: a 1 GiB hugetlb_cma= area in a
    3 GiB guest changes the scaled scratch by at most 16 MiB (scaling the
    area, at the default 200%, would ask for 2 GiB more).  nokaslr: the area
    needs a free 1 GiB-aligned gigabyte, which the kernel image may take."""

    name = "scratch_excludes_cma"
    SIZES = re.compile(r"kho: scratch \d+: \[mem [^]]+\] (\d+) MiB$", re.M)

    def run(self, log):
        total = []
        for i, extra in enumerate(("", " hugetlb_cma=1G")):
            part = log.replace(".log", f"-{i}.log")
            QemuTest(self.name, scenario="boot_only", expect=["boot_only"], mem="3G",
                     append="kho=on kunit.enable=0 nokaslr" + extra, timeout=120).run(part)
            text = read(part)
            if extra and "hugetlb_cma: reserved 1024 MiB" not in text:
                raise Failure("hugetlb_cma=1G reserved no 1 GiB area")
            mib = [int(m) for m in self.SIZES.findall(text)]
            if not mib:
                raise Failure(f"no scratch regions in {os.path.basename(part)}")
            total.append(sum(mib))
        if abs(total[1] - total[0]) > 16:
            raise Failure(f"scratch {total[0]} MiB plain, {total[1]} MiB with hugetlb_cma=1G")
        return f"scratch {total[0]} MiB plain, {total[1]} MiB with a 1 GiB hugetlb CMA area"


class CorruptHandoverTest:
    """One A -> B run per kind of damage done to A's finalized handover
    through the test-only kho-test/corrupt file: B boots, names the reason
    in one line, claims nothing and works as a KHO kernel of its own.  A
    damaged reserve_mem entry is refused on its own: B takes the rest of
    the handover, but not that region, and leaves it unclaimed."""

    name = "corrupt_handover"
    # (kind of damage, the reason B must print)
    CASES = [
        ("magic", "root FDT has a bad magic"),
        ("totalsize", "root FDT header is malformed"),
        ("fdt_odd", "root FDT header is malformed"),
        ("compatible", "root FDT is not compatible with kho-linux-6.12,v1"),
        ("outside_ram", "preserved range outside RAM in client memblock"),
        ("overlap", "preserved ranges overlap or are out of order in client memblock"),
        ("in_scratch", "preserved range inside scratch in client memblock"),
        # metadata placement (item 1)
        ("table_not_ram", "scratch table outside RAM"),
        ("record_in_pres", "record inside preserved memory in client memblock"),
        ("record_on_root", "record overlaps other handover metadata in client memblock"),
        # records (item 2)
        ("run_holes", "preserved-memory runs of one kind overlap or are out of order in client memblock"),
        ("items_huge", "preserved-memory record has too many items in client memblock"),
        ("sub_fdt_small", "sub-FDT smaller than an FDT header in client memblock"),
        ("sub_fdt_odd", "sub-FDT not 8-byte aligned in client memblock"),
        # client names (item 3)
        ("dup_client", "duplicate client name in client memblock"),
        ("unit_address", "bad client name"),
    ]
    # Refused by reserve_mem alone (item 4): (kind, the rest of its line)
    REVIVE_CASES = [
        ("revive_outside", "is not memory the memblock client preserved; allocated afresh"),
    ]

    def __init__(self, kinds=None):
        self.kinds = kinds

    def run(self, log, variant=None):
        checks = ("finalize", "damage", "reason", "one_line", "not_accepted",
                  "no_in", "not_restored", "own_scratch", "finalize_b")
        revive_checks = ("finalize", "damage", "reason", "accepted",
                         "not_restored", "unclaimed", "finalize_b")
        cases = [(kind, why, checks, "") for kind, why in self.CASES]
        cases += [(kind, why, revive_checks, " kho_t.accept=1")
                  for kind, why in self.REVIVE_CASES]
        if self.kinds:
            cases = [c for c in cases if c[0] in self.kinds]
        run_variants(log, [
            (kind, kind,
             QemuTest(self.name, expect=[f"corrupt_handover.{kind}.{c}" for c in expect],
                      append=f"kho=on kunit.enable=0 reserve_mem=1M:4096:kho_t "
                             f"kho_t.damage={kind} kho_t.why={why.replace(' ', '~')}"
                             f"{extra}"))
            for kind, why, expect, extra in cases], variant)
        return f"{len(cases)} kinds of damage"


def a_committed_at_kexec(text):
    for line in ("kho: kexec image loaded; the handover is finalized at kexec -e",
                 "kho: kexec: handover finalized at reboot"):
        if line not in text:
            raise Failure(f"A's log lacks '{line}'")


def segments_in_scratch(text):
    """Every kexec segment A placed lies inside one of A's scratch regions."""
    a = text.split("kho-test: kexec stage 2")[0]
    scratch = [(int(s, 16), int(e, 16)) for s, e in
               re.findall(r"kho: scratch \d+: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]", a)]
    segs = [(int(s, 16), int(e, 16)) for s, e in
            re.findall(r"kho: kexec segment \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] placed", text)]
    if not scratch or len(segs) < 3:
        raise Failure(f"A's log shows {len(scratch)} scratch regions, {len(segs)} segments")
    for s, e in segs:
        if not any(a <= s and e <= b for a, b in scratch):
            raise Failure(f"kexec segment {s:#x}-{e:#x} outside scratch")
    # So purgatory skips the segments' digest for the normal load, but
    # not for the crash kernel loaded before it (kexec -s -p).
    kernel_a = text.split("Linux version ")[1]
    skips = [m.start() for m in re.finditer(re.escape(DIGEST_SKIPPED), kernel_a)]
    stage2 = kernel_a.find("kho-test: kexec stage 2")
    if len(skips) != 1 or skips[0] < stage2:
        raise Failure(f"A's log says '{DIGEST_SKIPPED}' {len(skips)} times, "
                      "expected once, for the normal load only")


DIGEST_SKIPPED = "kho: kexec: every segment is in scratch; purgatory skips the digest"


def digest_kept(text):
    """With KHO off (the default), kexec keeps purgatory's digest."""
    if text.count("Linux version ") != 2 or DIGEST_SKIPPED in text:
        raise Failure("no kexec, or purgatory's digest skipped with KHO off")


def reserve_mem_test(name, hops=1, extra="", checks=(), finalize="finalize", post=None):
    expect = [f"{name}.{c}" for c in ("region", "written", finalize) + tuple(checks)]
    for hop in range(1, hops + 1):
        expect += [f"{name}.hop{hop}.{c}" for c in
                   ("accepted", "restored", "address", "bytes", "sub_fdt")]
    return QemuTest(name, scenario="reserve_mem", expect=expect,
                    append=f"kho=on kunit.enable=0 reserve_mem=2M:4096:kho_t "
                           f"kho_t.test={name} kho_t.hops={hops} {extra}", post=post)


def folio_test(name, hops=1, extra="", checks=(), per_hop=True):
    expect = [f"{name}.preserved"] + [f"{name}.{c}" for c in checks]
    expect += [f"{name}.finalize{k}" for k in range(1, hops + 1)]
    for hop in range(1, hops + 1):
        expect += [f"{name}.hop{hop}.{c}" for c in ("verdict", "vmalloc",
                                                     "default.claimed")]
        if per_hop:
            expect += [f"{name}.hop{hop}.{c}" for c in
                       ("ktest-a", "ktest-b", "ktest-a.claimed", "ktest-b.claimed")]
    return QemuTest(name, scenario="folios", expect=expect, mem="2G", timeout=300,
                    append=f"kho=on kunit.enable=0 kho_t.test={name} kho_t.hops={hops} "
                           f"{extra}")


class SeriesTest:
    """make series: the work exports as a git-am series that applies to a
    fresh linux-source-6.12 and reproduces build/src."""

    name = "series"

    def run(self, log):
        with open(log, "w") as out:
            r = subprocess.run([os.path.join(ROOT, "scripts", "export-series.sh")],
                               stdout=out, stderr=subprocess.STDOUT)
        text = read(log)
        if r.returncode or "applies with git am" not in text:
            last = [l for l in text.splitlines() if l.strip()][-1:] or ["no output"]
            raise Failure(last[0])
        return re.search(r"series: (\d+ patches)", text).group(1)


def luo_files(*names, retrieved=True):
    """Checks luo_test makes for each retrieved memfd."""
    return tuple(f"{n}.{c}" for n in names
                 for c in ("retrieved",) * retrieved +
                 ("bytes", "frames", "attrs", "thp", "cloexec"))


def luo_test(name, mode, a=(), b=(), extra="", mem="1G", timeout=300, post=None):
    """A live-update scenario (guest/scenarios/luo.sh): A holds sessions of
    luo_test's MODE and kexec -e commits them; B checks them."""
    common = ("ready", "not_finalized_a", "accepted", "no_waiting")
    return QemuTest(name, scenario="luo", mem=mem, timeout=timeout,
                    append=f"kho=on kunit.enable=0 luo.test={name} luo.mode={mode} {extra}",
                    expect=[f"{name}.{c}" for c in common + tuple(a) + tuple(b)],
                    post=post)


class DebugKernelTest:
    """The debug test kernel (scripts/config/kho-debug.config: KASAN,
    lockdep, DEBUG_VM, DEBUG_PAGEALLOC, SLUB_DEBUG_ON), built in
    build/obj-debug, runs a subset of the scenarios; any report its
    checkers print fails the test, as in every QEMU test.

    Scratch is sized at 50%: at the default 200% KASAN's shadow makes the
    regions larger than these guests can give (admin guide), and at 100%
    a 1 GiB guest fits them only when KASLR leaves room.  corrupt_handover
    runs one kind of damage for each of hardening items 1 to 4.  Of the
    live-update scenarios, the four that cover its paths between them run
    (errors and two processes; a failed and a second kexec -e with every
    kind of memfd; A -> B -> C; thousands of sessions), to keep the suite
    near 25 minutes on two cores: luo_memfd_survives (ten minutes here for
    its 1 GiB memfd), luo_session_closed and luo_unretrieved_release pass
    on this kernel too, run by hand: make test-debug TESTS="NAME..."."""

    name = "debug_kernel"
    VARIANT = Variant("-debug", append="kho_scratch=50%", slowdown=3)
    TESTS = ["kunit", "folios_survive", "chain3_folios", "corrupt_handover",
             "luo_sessions", "luo_reboot_fail", "luo_chain3", "luo_scale"]
    CORRUPT_KINDS = ["table_not_ram", "run_holes", "dup_client", "revive_outside"]
    # What the debug kernel's log must show: its checkers are on.
    ENABLED = ["KernelAddressSanitizer initialized", "Lock dependency validator"]

    def run(self, log):
        env = dict(os.environ, KHO_VARIANT="debug")
        with open(log, "w") as out:
            for script in ("build-kernel.sh", "build-initramfs.sh"):
                r = subprocess.run([os.path.join(ROOT, "scripts", script)], env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
                if r.returncode:
                    raise Failure(f"{script} with KHO_VARIANT=debug failed")
        by_name = {t.name: t for t in TESTS}
        for name in self.TESTS:
            test = by_name[name]
            if name == "corrupt_handover":
                test = CorruptHandoverTest(self.CORRUPT_KINDS)
            sub = log.replace(".log", f"-{name}.log")
            start = time.monotonic()
            try:
                test.run(sub, self.VARIANT)
            except Failure as e:
                raise Failure(f"{name}: {e}")
            with open(log, "a") as out:
                out.write(f"# debug_kernel: {name} ok, {time.monotonic() - start:.1f} s\n")
        first = log.replace(".log", f"-{self.TESTS[0]}.log")
        text = read(first)
        for line in self.ENABLED:
            if line not in text:
                raise Failure(f"debug kernel's log lacks '{line}'")
        return (f"{len(self.TESTS)} tests ({len(self.CORRUPT_KINDS)} kinds of damage) "
                "under KASAN, lockdep, DEBUG_VM, DEBUG_PAGEALLOC")


TESTS = [
    CheckpatchTest(),
    SeriesTest(),
    MemblockSimTest(),
    KhoSimTest("sim_roundtrip", ["roundtrip", "200"], r"sim_roundtrip rounds: \d+ ok.*"),
    KhoSimTest("sim_chain", ["chain", "4"], r"sim_chain hops x10 chains: \d+ ok.*"),
    FuzzSmokeTest(),
    KunitTest(),
    QemuTest("plain_kexec", expect=["plain_kexec.cmdline", "plain_kexec.boot_id"],
             append="kunit.enable=0", post=digest_kept),
    QemuTest("kho_off", append="kho=off kunit.enable=0",
             expect=["kho_off.no_scratch", "kho_off.scratch_empty", "kho_off.no_cma",
                     "kho_off.finalize_fails", "kho_off.finalize_says_why",
                     "kho_off.not_finalized"]),
    BadCmdlineTest(),
    QemuTest("finalize_cycle", append="kho=on kunit.enable=0",
             expect=["finalize_cycle." + c for c in (
                 "scratch_listed", "scratch_dmesg", "cma", "not_finalized",
                 "abort_unfinalized", "bad_value", "finalize", "finalized",
                 "refinalize", "dtc", "compatible", "scratch_fdt", "abort",
                 "fdt_dropped", "refinalize_after_abort")]),
    reserve_mem_test("reserve_mem_survives"),
    QemuTest("fdt_roundtrip",
             append="kho=on kunit.enable=0 reserve_mem=1M:4096:kho_t crashkernel=32M",
             expect=["fdt_roundtrip." + c for c in (
                 "crash_load", "crash_no_kho", "in_fdt", "raw", "dtc", "compatible",
                 "scratch", "scratch_reused", "accepted", "kernel_in_scratch")],
             post=segments_in_scratch),
    reserve_mem_test("abort_refinalize", extra="kho_t.refinalize=1",
                     checks=("finalize1", "abort", "kept")),
    reserve_mem_test("kexec_commit", extra="kho_t.nofinalize=1", finalize="not_finalized",
                     post=a_committed_at_kexec),
    QemuTest("chain_scratch_movable", append="kho=on kunit.enable=0", numa=2,
             expect=["chain_scratch_movable." + c for c in (
                 "a.listed", "a.all_cma", "a.cma_total", "finalize_a", "accepted_b",
                 "b.listed", "b.all_cma", "b.cma_total", "finalize_b", "accepted_c",
                 "c.listed", "c.all_cma", "c.cma_total")]),
    QemuTest("meminfo_sane", append="kho=on kunit.enable=0 reserve_mem=1M:4096:kho_t",
             expect=["meminfo_sane." + c for c in (
                 "a.reserved", "a.cma_line", "a.cma_total", "a.total", "finalize",
                 "accepted", "b.reserved", "b.cma_line", "b.cma_total", "b.total")]),
    ScratchCmaTest(),
    QemuTest("next_kho_off", append="kho=on kunit.enable=0 reserve_mem=1M:4096:kho_t",
             expect=["next_kho_off." + c for c in (
                 "finalize", "why", "not_accepted", "no_in", "not_restored")]),
    reserve_mem_test("chain3", hops=2),
    QemuTest("reserve_mem_mismatch", scenario="reserve_mem",
             append="kho=on kunit.enable=0 reserve_mem=2M:4096:kho_t "
                    "kho_t.test=reserve_mem_mismatch kho_t.mismatch=1",
             expect=["reserve_mem_mismatch." + c for c in (
                 "region", "written", "finalize", "changed", "fresh", "not_restored")]),
    CorruptHandoverTest(),
    QemuTest("finalize_errors", append="kho=on kunit.enable=0",
             expect=["finalize_errors." + c for c in (
                 "preserve", "counted", "callback_fails", "named", "not_finalized",
                 "kept_after_failure", "finalize", "ebusy", "abort", "kept_after_abort",
                 "preserve_again")]),
    QemuTest("upstream_api", append="kho=on kunit.enable=0 kho_test_upstream=1",
             expect=["upstream_api." + c for c in (
                 "preserved", "finalize", "sub_fdt", "restored")]),
    QemuTest("upstream_api_6_18", append="kho=on kunit.enable=0 kho_test_upstream618=1",
             expect=["upstream_api_6_18." + c for c in (
                 "not_kho_boot", "preserved", "finalize", "sub_fdt", "is_kho_boot",
                 "folio", "pages", "vmalloc", "claimed")]),
    QemuTest("upstream_api_7", append="kho=on kunit.enable=0 kho_test_upstream7=1",
             expect=["upstream_api_7." + c for c in (
                 "preserved", "not_finalized", "is_kho_boot", "blob_prop", "removed",
                 "folio", "pages", "alloc_preserve", "vmalloc", "claimed")],
             post=a_committed_at_kexec),
    folio_test("folios_survive", extra="kho_test_folios=300", checks=("freed",)),
    QemuTest("deferred_init", mem="2G",
             append="kho=on kunit.enable=0 kho_test_folios=128 kho_test_folios.above=1024 "
                    "kho_test_folios.skip=ktest-b",
             expect=["deferred_init." + c for c in (
                 "late_a", "preserved", "above", "finalize", "accepted", "late_b",
                 "deferred_ran", "scratch_late", "scratch_cma", "verdict", "ktest-a",
                 "reported", "memtotal", "memfree", "released")]),
    QemuTest("scattered_holes", scenario="scattered",
             append="kho=on kunit.enable=0 kho_ubench=4k:16384",
             expect=["scattered." + c for c in (
                 "preserved", "finalize", "restored", "holes", "memtotal")]),
    folio_test("restore_rules", extra="kho_test_folios=16",
               checks=("other_client", "never_preserved", "not_a_range", "freed")),
    folio_test("chain3_folios", hops=2, extra="kho_test_folios=64 kho_test_folios.chain=1"),
    folio_test("unclaimed_release", per_hop=False,
               extra="kho_test_folios=64 kho_test_folios.skip=ktest-b",
               checks=("hop1.ktest-a", "hop1.ktest-a.claimed", "reported", "unknown",
                       "memfree", "released")),
    luo_test("luo_memfd_survives", "memfd", mem="3G", timeout=480,
             a=("thp_in_a", "sparse_in_a", "preserved_at_once", "changed_in_a"),
             b=("state", "retrieve_session", "finish") +
               luo_files("small", "thp", "big", "sparse", "sealed", "changed"),
             post=a_committed_at_kexec),
    luo_test("luo_sessions", "errors",
             a=("second_opener", "second_process", "create", "name_collision",
                "empty_name", "unterminated_name", "short_size", "retrieve_in_a",
                "unknown_ioctl", "preserve", "token_collision", "same_memfd",
                "preserve2", "memfd_in_two_sessions", "preserve3", "pipe",
                "named_file", "hugetlb", "bad_fd", "retrieve_outgoing",
                "finish_outgoing", "get_name", "get_name_value",
                "second_process_sessions"),
             b=("state", "state_finish", "retrieve_session", "retrieve_session_twice",
                "unknown_session", "unknown_token", "retrieve_fd", "retrieve_fd_twice",
                "finish_early", "preserve_incoming", "retrieve_fd2", "finish",
                "retrieve_finished", "retrieve_after_close", "vm2_bytes", "finish_vm2",
                "other_process") + luo_files("m1", "m2", retrieved=False)),
    luo_test("luo_session_closed", "closed",
             a=("held", "memfree_back", "frozen_closed", "abort_drops",
                "memfree_back_abort", "preserve_kept"),
             b=("state", "state_finish", "gone", "gone2", "not_listed", "kept",
                "finish") + luo_files("kept", retrieved=False)),
    luo_test("luo_unretrieved_release", "unretrieved",
             b=("state", "state_finish", "listed", "release_unknown", "release_small",
                "release",
                "memfree", "release_log", "gone", "retrieve_released", "wanted",
                "finish") + luo_files("wanted", retrieved=False)),
    luo_test("luo_reboot_fail", "light", extra="luo.fail=1",
             a=("thp_in_a", "sparse_in_a", "preserved_at_once", "changed_in_a",
                "kexec_fails", "logged", "not_finalized",
                "sessions_intact", "still_loaded"),
             b=("state", "retrieve_session", "finish") +
               luo_files("small", "thp", "sparse", "sealed", "changed")),
    luo_test("luo_chain3", "light", extra="luo.chain=1", timeout=600,
             a=("thp_in_a", "sparse_in_a", "preserved_at_once", "changed_in_a"),
             b=tuple("b." + c for c in ("state", "retrieve_session", "finish",
                                        "preserve_again", "state_finish") +
                     luo_files("small", "thp", "sparse", "sealed", "changed")) +
               ("c_accepted",) +
               tuple("c." + c for c in ("state", "retrieve_session", "finish") +
                     luo_files("small", "thp", "sparse", "sealed", "changed"))),
    luo_test("luo_scale", "scale", mem="2G", a=("held",),
             b=("state_finish", "wide", "sessions")),
    QemuTest("load_no_fit", append="kho=on kho_scratch=4M,4M,4M kunit.enable=0",
             expect=["load_no_fit." + c for c in ("small", "refused", "message",
                                                  "not_loaded")]),
    DebugKernelTest(),
]


def check_initramfs():
    """The initramfs carries the kernel that later stages kexec into: it
    must not be older than the kernel QEMU boots first."""
    kernel = os.path.join(BUILD, "obj", "arch", "x86", "boot", "bzImage")
    initramfs = os.path.join(BUILD, "initramfs.cpio")
    if (os.path.exists(kernel) and os.path.exists(initramfs) and
            os.path.getmtime(initramfs) < os.path.getmtime(kernel)):
        sys.exit("build/initramfs.cpio is older than the kernel it must carry: "
                 "run 'make initramfs' (or 'make test')")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="*", help="tests to run (default: all)")
    p.add_argument("--list", action="store_true")
    p.add_argument("--debug", action="store_true",
                   help="boot the debug kernel (build/obj-debug) instead")
    p.add_argument("--distro", action="store_true",
                   help="boot Debian's config with KHO (build/obj-distro) instead")
    args = p.parse_args()
    if args.list:
        for t in TESTS:
            print(t.name)
        return 0
    unknown = set(args.names) - {t.name for t in TESTS}
    if unknown:
        sys.exit(f"unknown test(s): {', '.join(sorted(unknown))}; see --list")
    if args.distro and not args.names:
        args.names = DISTRO_TESTS
    tests = [t for t in TESTS if not args.names or t.name in args.names]
    variant = None
    if args.debug or args.distro:
        variant = DebugKernelTest.VARIANT if args.debug else DISTRO
        make = "initramfs-debug" if args.debug else "distro-initramfs"
        host = [t.name for t in tests
                if "variant" not in inspect.signature(t.run).parameters]
        if not args.names:
            tests = [t for t in tests if t.name not in host]
        elif host:
            sys.exit(f"not QEMU tests, {'--debug' if args.debug else '--distro'} "
                     f"does not apply: {', '.join(host)}")
        for f in (variant.kernel, variant.initrd):
            if not os.path.exists(f):
                sys.exit(f"{f} missing: run 'make {make}'")
    check_initramfs()
    os.makedirs(LOGS, exist_ok=True)
    print("TAP version 13")
    print(f"1..{len(tests)}")
    passed = failed = 0
    for i, t in enumerate(tests, 1):
        log = os.path.join(LOGS, f"{t.name}{variant.suffix if variant else ''}.log")
        start = time.monotonic()
        try:
            detail = t.run(log, variant) if variant else t.run(log)
            ok, note = True, detail
        except Failure as e:
            ok, note = False, str(e)
        took = time.monotonic() - start
        rel = os.path.relpath(log, ROOT)
        if ok:
            passed += 1
            print(f"ok {i} {t.name} # {note}, {took:.1f} s", flush=True)
        else:
            failed += 1
            print(f"not ok {i} {t.name} # {note} (log: {rel})", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
