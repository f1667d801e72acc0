# SPDX-License-Identifier: GPL-2.0
# no_finalize: A (kho=on, a reserve_mem region) kexecs without finalizing.
# No handover is passed; B boots normally, claims nothing and says why.

D=/sys/kernel/debug/kho

case $KHO_STAGE in
1)
	kho_check no_finalize.not_finalized "A is not finalized" \
		[ "$(cat $D/out/finalize)" = 0 ]
	kho_kexec
	;;
2)
	kho_check no_finalize.why "B says no handover came" \
		sh -c "dmesg | grep -q 'kho: no handover from a previous kernel'"
	kho_check no_finalize.not_accepted "B accepted nothing" \
		sh -c "! dmesg | grep -q 'kho: handover'"
	kho_check no_finalize.no_in "B has no kho/in" [ ! -e $D/in ]
	kho_check no_finalize.not_restored "B did not restore kho_t" \
		sh -c "! dmesg | grep -q 'reserve_mem: kho_t restored'"
	kho_check no_finalize.own_scratch "B reserved scratch of its own" \
		sh -c "dmesg | grep 'kho: scratch 0:' | grep -vq 'handed over'"
	;;
esac
