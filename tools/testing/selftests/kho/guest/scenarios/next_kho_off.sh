# SPDX-License-Identifier: GPL-2.0
# next_kho_off: A finalizes and kexecs into a kernel booted with kho=off.
# B ignores the handover, says so in one line and claims nothing.

D=/sys/kernel/debug/kho

case $KHO_STAGE in
1)
	kho_check next_kho_off.finalize "A finalizes" sh -c "echo 1 > $D/out/finalize"
	KHO_NEXT_DROP="kho="
	kho_kexec -- kho=off
	;;
2)
	kho_check next_kho_off.why "B says the handover is ignored because KHO is off" \
		sh -c "dmesg | grep -q 'kho: handover ignored: KHO is off on this boot'"
	kho_check next_kho_off.not_accepted "B accepted nothing" \
		sh -c "! dmesg | grep -q 'kho: handover accepted'"
	kho_check next_kho_off.no_in "B has no kho/in" [ ! -e $D/in ]
	kho_check next_kho_off.not_restored "B did not restore kho_t" \
		sh -c "! dmesg | grep -q 'reserve_mem: kho_t restored'"
	;;
esac
