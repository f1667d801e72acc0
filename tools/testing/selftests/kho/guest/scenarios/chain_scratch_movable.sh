# SPDX-License-Identifier: GPL-2.0
# chain_scratch_movable: A -> B -> C with kho=on.  In every kernel, every
# pageblock of every scratch region is movable-only (CMA), in B and C
# also those that held the kernel image, the initrd and the init sections
# a kexec placed there; what a kernel frees there later stays movable-only.

D=/sys/kernel/debug/kho
t=chain_scratch_movable

movable_checks()
{
	local s=$1 mib

	echo "kho-test: $s: $(tr '\n' ';' < $D/out/scratch_blocks)"
	kho_check $t.$s.listed "$s: every scratch region is listed" \
		[ "$(grep -vc '^#' $D/out/scratch_blocks)" = "$(wc -l < $D/out/scratch_phys)" ]
	kho_check $t.$s.all_cma "$s: no scratch pageblock is anything but CMA" \
		sh -c "! grep -v '^#' $D/out/scratch_blocks | awk '\$3 != 0 || \$2 == 0' | grep -q ."
	mib=$(awk '$1 == "CmaTotal:" { print int($2 / 1024) }' /proc/meminfo)
	kho_check $t.$s.cma_total "$s: CmaTotal ($mib MiB) is all of scratch" \
		sh -c "dmesg | grep -q 'kho: scratch: $mib MiB of movable-only'"
}

case $KHO_STAGE in
1)
	movable_checks a
	kho_check $t.finalize_a "A finalizes" sh -c "echo 1 > $D/out/finalize"
	kho_kexec
	;;
2)
	kho_check $t.accepted_b "B took the handover" \
		sh -c "dmesg | grep -q 'kho: handover accepted'"
	movable_checks b
	kho_check $t.finalize_b "B finalizes" sh -c "echo 1 > $D/out/finalize"
	kho_kexec
	;;
3)
	kho_check $t.accepted_c "C took the handover" \
		sh -c "dmesg | grep -q 'kho: handover accepted'"
	movable_checks c
	;;
esac
