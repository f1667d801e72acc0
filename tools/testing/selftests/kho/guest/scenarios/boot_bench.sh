# SPDX-License-Identifier: GPL-2.0
# boot_bench: one run of the boot-time benchmark (scripts/boot-bench.py).
# A preserves what kho_bench= asks (kernel/kho/test_bench.c, maybe nothing)
# and kexecs into B; the host reads B's timings off the console.
# kho_t.handover=1 finalizes first; kho_t.handover=0 (booted with kho=off,
# which B inherits) kexecs without a handover and without kho_bench= on
# B's command line: the baseline.
# B gets A's TSC frequency (tsc_early_khz=): B's clock then starts at the
# same point of every boot, whether or not the early calibration works
# under emulation, and B's printk times compare across runs.

D=/sys/kernel/debug/kho
bench=$(kho_param kho_bench)

case $KHO_STAGE in
1)
	if [ -n "$bench" ]; then
		kho_check boot_bench.preserved "A: $(dmesg | sed -n 's/.*kho-bench: //p')" \
			sh -c "dmesg | grep -q 'kho-bench: preserved .*: ok'"
	fi
	khz=$(kho_tsc_khz)
	kho_check boot_bench.tsc "A's TSC runs at ${khz:-?} kHz" [ -n "$khz" ]
	if [ "$(kho_param kho_t.handover)" = 1 ]; then
		kho_check boot_bench.finalize "A finalizes" \
			sh -c "echo 1 > $D/out/finalize"
		kho_kexec -- tsc_early_khz=$khz
	else
		KHO_NEXT_DROP="kho_bench="
		kho_kexec -- tsc_early_khz=$khz
	fi
	;;
2)
	if [ "$(kho_param kho_t.handover)" = 1 ]; then
		kho_check boot_bench.accepted "B: $(dmesg | sed -n 's/.*kho: \(handover accepted.*\)/\1/p')" \
			sh -c "dmesg | grep -q 'kho: handover accepted'"
	else
		# kho=off says nothing of handovers: none may be found or accepted.
		kho_check boot_bench.none "B: no handover came" \
			sh -c "! dmesg | grep -q 'kho: handover'"
	fi
	if [ -n "$bench" ]; then
		kho_check boot_bench.restored "B: $(dmesg | sed -n 's/.*kho-bench: //p')" \
			sh -c "dmesg | grep -q 'kho-bench: restored .*: ok (0 bad)'"
		kho_check boot_bench.claimed "in/unclaimed: kbench has nothing left" \
			grep -qx "kbench 0" $D/in/unclaimed
	fi
	;;
esac
