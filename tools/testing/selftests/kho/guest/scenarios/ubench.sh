# SPDX-License-Identifier: GPL-2.0
# ubench: one run of make bench-upstream (scripts/bench-upstream.py), on
# this project's kernel or on upstream's: the same initramfs, the same load
# (kernel/kho/bench_upstream.c, kho_ubench=).  A preserves, finalizes where
# the kernel has a debugfs finalize (upstream 7.x has none) and kexecs into
# B, marking both steps in the kernel log so that the host reads their
# time off the console.  B restores and reports its MemFree.  With kho=off
# and no kho_ubench=, the run is the baseline.  As in boot_bench, B gets
# A's TSC frequency so that its printk times compare across runs.

fin=/sys/kernel/debug/kho/out/finalize

case $KHO_STAGE in
1)
	if [ -n "$(kho_param kho_ubench)" ]; then
		kho_check ubench.preserved "A: $(dmesg | sed -n 's/.*kho-ubench: //p')" \
			sh -c "dmesg | grep -q 'kho-ubench: preserved .*: ok'"
	fi
	khz=$(kho_tsc_khz)
	kho_check ubench.tsc "A's TSC runs at ${khz:-?} kHz" [ -n "$khz" ]
	echo "kho-ubench: mark finalize begins" > /dev/kmsg
	if [ "$(kho_param kho)" = on ] && [ -e $fin ]; then
		kho_check ubench.finalize "A finalizes" sh -c "echo 1 > $fin"
	fi
	echo "kho-ubench: mark finalize ends" > /dev/kmsg
	KHO_MARK_LOAD=1
	kho_kexec -- tsc_early_khz=$khz
	;;
2)
	if [ -n "$(kho_param kho_ubench)" ]; then
		kho_check ubench.restored "B: $(dmesg | sed -n 's/.*kho-ubench: //p')" \
			sh -c "dmesg | grep -q 'kho-ubench: restored .*: ok'"
	fi
	echo "kho-ubench: MemFree $(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo) kB"
	;;
esac
