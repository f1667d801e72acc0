# SPDX-License-Identifier: GPL-2.0
#
# KHO for Linux 6.12: the single entry point.  See README.md.

PYTHON ?= python3
SELFTESTS := tools/testing/selftests/kho

.PHONY: all deps tree kernel initramfs kernel-debug initramfs-debug test test-debug demo series shell run clean distclean help \
	distro-kernel distro-initramfs test-distro \
	bench bench-sim bench-boot bench-blackout bench-upstream fuzz

all: initramfs

help:
	@echo "make demo       build, boot, kexec and show what survived"
	@echo "make test       the whole test suite (N passed, N failed)"
	@echo "make test TESTS='plain_kexec kunit'   only these tests"
	@echo "make test-debug TESTS='luo_memfd_survives'   QEMU tests on the debug kernel"
	@echo "make distro-kernel   Debian's cloud-amd64 config with KHO (build/obj-distro)"
	@echo "make test-distro [TESTS=...]   a core subset of QEMU tests on that kernel"
	@echo "make run SCENARIO=name   one guest scenario, console on the terminal"
	@echo "make shell      interactive shell in the VM (quit: poweroff -f)"
	@echo "make series     export the work as a git-am series in build/series"
	@echo "make bench      simulator and QEMU boot benchmarks: tables, CSV in build/"
	@echo "make bench-sim | bench-boot | bench-blackout [BENCH_REPS=N]   one of them"
	@echo "make bench-upstream [BENCH_REPS=N] [BENCH_ONLY=4k128,4k256,2m,mix] [BENCH_ICOUNT=1]"
	@echo "                side by side with upstream Linux 7.3 (not in make bench)"
	@echo "make fuzz FUZZ_SECONDS=N   fuzz the handover check for N seconds (FUZZ_RUNS=N: executions)"
	@echo "make kernel | initramfs | kernel-debug | initramfs-debug | tree | deps | clean | distclean"

deps:
	@scripts/deps.sh

tree: deps
	@scripts/tree.sh

kernel: deps
	@scripts/build-kernel.sh

initramfs: kernel
	@scripts/build-initramfs.sh

# The debug test kernel (KASAN, lockdep, DEBUG_VM, DEBUG_PAGEALLOC) that
# the debug_kernel test builds and runs scenarios on.
kernel-debug: deps
	@KHO_VARIANT=debug scripts/build-kernel.sh

initramfs-debug: kernel-debug
	@KHO_VARIANT=debug scripts/build-initramfs.sh

# Debian's own cloud-amd64 config with KHO and this project's patches,
# bzImage only; not part of make test.
distro-kernel:
	@scripts/deps.sh distro
	@KHO_VARIANT=distro scripts/build-kernel.sh

distro-initramfs: distro-kernel
	@KHO_VARIANT=distro scripts/build-initramfs.sh

test-distro: distro-initramfs
	@$(PYTHON) $(SELFTESTS)/run_tests.py --distro $(TESTS)

test: initramfs
	@$(PYTHON) $(SELFTESTS)/run_tests.py $(TESTS)

test-debug: initramfs-debug
	@$(PYTHON) $(SELFTESTS)/run_tests.py --debug $(TESTS)

demo: initramfs
	@scripts/demo.sh

SIM := build/src/tools/testing/kho

bench: bench-sim bench-boot bench-blackout

bench-sim: tree
	@$(MAKE) -s -C $(SIM) bench
	@$(SIM)/bench $(CURDIR)/build

bench-boot: initramfs
	@$(PYTHON) scripts/boot-bench.py --reps $(or $(BENCH_REPS),5)

# Twice: on the host's clock, then on QEMU's instruction counter (guest
# time from the work done, steady whatever the host's load).
bench-blackout: initramfs
	@$(PYTHON) scripts/blackout-bench.py --reps $(or $(BENCH_REPS),5)
	@$(PYTHON) scripts/blackout-bench.py --reps $(or $(BENCH_REPS),5) --icount

# This project against upstream Linux (Debian's linux-source-7.3, fetched
# with apt state local to build/upstream); not part of make bench.
bench-upstream: initramfs
	@scripts/upstream.sh
	@$(PYTHON) scripts/bench-upstream.py --reps $(or $(BENCH_REPS),5) \
		$(if $(BENCH_ONLY),--only $(BENCH_ONLY)) $(if $(BENCH_ICOUNT),--icount)

fuzz: tree
	@$(MAKE) -C $(SIM) fuzz-run FUZZ_SECONDS=$(or $(FUZZ_SECONDS),600) \
		FUZZ_RUNS=$(FUZZ_RUNS)

series: deps
	@scripts/export-series.sh

shell: initramfs
	@$(PYTHON) scripts/qemu-run.py --shell $(QEMU_ARGS)

run: initramfs
	@$(PYTHON) scripts/qemu-run.py -v --scenario $(SCENARIO) $(QEMU_ARGS)

clean:
	rm -rf build/obj build/obj-debug build/src build/stage build/initramfs build/initramfs.cpio \
		build/initramfs-debug build/initramfs-debug.cpio \
		build/logs build/series build/series-check

distclean:
	rm -rf build
