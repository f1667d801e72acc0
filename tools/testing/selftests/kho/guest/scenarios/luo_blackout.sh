# SPDX-License-Identifier: GPL-2.0
# luo_blackout: one run of the blackout benchmark (scripts/blackout-bench.py).
# A holds session "bench": a clock memfd and, unless luo.bench=none, a
# 1 GiB memfd of 4 KiB pages (4k) or shmem THPs (thp).  It loads the next
# kernel, then luo_test stamp writes the TSC into the clock memfd and
# execs kexec -e.  B's first act is luo_test blackout: retrieve, map, read
# the first byte, and print the time since the stamp.

kind=$(kho_param luo.bench)

case $KHO_STAGE in
1)
	luo_test bhold "${kind:-none}" &
	i=0
	while [ ! -s /tmp/luo.ready ] && [ $i -lt 600 ]; do
		sleep 1
		i=$((i + 1))
	done
	kho_check luo_blackout.ready "A holds session bench ($kind)" \
		[ "$(cat /tmp/luo.ready 2>/dev/null)" = ready ]
	cat /sys/firmware/initrd > /tmp/initrd
	kexec -s -l /boot/bzImage --initrd=/tmp/initrd \
		--append="$(kho_next_cmdline)" > /tmp/kexec.log 2>&1 ||
		kho_fail luo_blackout.load "$(cat /tmp/kexec.log)"
	rm -f /tmp/initrd
	sync
	echo "kho-test: kexec stage 2"
	luo_test stamp
	kho_fail luo_blackout.kexec "kexec -e returned"
	;;
2)
	luo_test blackout
	;;
esac
