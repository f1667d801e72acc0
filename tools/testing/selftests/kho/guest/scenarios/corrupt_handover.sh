# SPDX-License-Identifier: GPL-2.0
# corrupt_handover: A finalizes, then damages its handover through the
# test-only kho-test/corrupt file (kind in kho_t.damage) and kexecs.  B must
# boot, print the expected one-line reason (kho_t.why, '~' for spaces),
# claim nothing, and still work as a KHO kernel of its own.
# With kho_t.accept=1 only the reserve_mem entry is damaged: B takes the
# handover but not that region, which stays unclaimed.

D=/sys/kernel/debug/kho
damage=$(kho_param kho_t.damage)
t=corrupt_handover.$damage

case $KHO_STAGE in
1)
	kho_check $t.finalize "A finalizes" sh -c "echo 1 > $D/out/finalize"
	kho_check $t.damage "A damages its handover: $damage" \
		sh -c "echo $damage > $KHO_T/corrupt"
	kho_kexec
	;;
2)
	why=$(kho_param kho_t.why | tr '~' ' ')
	if [ "$(kho_param kho_t.accept)" = 1 ]; then
		# Only the reserve_mem entry is damaged: the rest is taken.
		kho_check $t.reason "B says: reserve_mem: kho_t: KHO record at ... $why" \
			sh -c "dmesg | grep -q 'reserve_mem: kho_t: KHO record at .* $why'"
		kho_check $t.accepted "B accepted the rest of the handover" \
			sh -c "dmesg | grep -q 'kho: handover accepted'"
		kho_check $t.not_restored "B did not restore kho_t" \
			sh -c "! dmesg | grep -q 'reserve_mem: kho_t restored'"
		# A preserved kho_t (1 MiB) and its sub-FDT page; the sub-FDT
		# stays claimed by KHO, kho_t is left to release.
		kho_check $t.unclaimed "memblock's 1 MiB is unclaimed in B" \
			sh -c "grep -qx 'memblock 1048576' $D/in/unclaimed"
	else
		kho_check $t.reason "B says: handover ignored: $why" \
			sh -c "dmesg | grep -q 'kho: handover ignored: $why'"
		kho_check $t.one_line "B gives exactly one reason" \
			[ "$(dmesg | grep -c 'kho: handover ignored')" = 1 ]
		kho_check $t.not_accepted "B did not accept the handover" \
			sh -c "! dmesg | grep -q 'kho: handover accepted'"
		kho_check $t.no_in "B has no kho/in" [ ! -e $D/in ]
		kho_check $t.not_restored "B did not restore kho_t" \
			sh -c "! dmesg | grep -q 'reserve_mem: kho_t restored'"
		kho_check $t.own_scratch "B reserved scratch of its own" \
			sh -c "dmesg | grep 'kho: scratch 0:' | grep -vq 'handed over'"
	fi
	kho_check $t.finalize_b "B can finalize a handover of its own" \
		sh -c "echo 1 > $D/out/finalize"
	;;
esac
