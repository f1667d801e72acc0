# SPDX-License-Identifier: GPL-2.0
# kho_off: booted with kho=off (or without kho=), nothing is reserved and
# finalize fails with a clear error.

D=/sys/kernel/debug/kho/out

kho_check kho_off.no_scratch "no scratch region in dmesg" \
	[ "$(dmesg | grep -c 'kho: scratch')" = 0 ]
kho_check kho_off.scratch_empty "out/scratch_phys is empty" \
	[ -z "$(cat $D/scratch_phys)" ]
kho_check kho_off.no_cma "no CMA pageblocks" \
	[ "$(awk '/CmaTotal/ {print $2}' /proc/meminfo)" = 0 ]
err=$(echo 1 2>&1 > $D/finalize)
kho_check kho_off.finalize_fails "finalize fails (EOPNOTSUPP): $err" \
	kho_has "$err" "Operation not supported"
kho_check kho_off.finalize_says_why "dmesg says KHO is disabled" \
	kho_has "$(dmesg)" "kho: finalize: KHO is disabled on this boot (boot with kho=on)"
kho_check kho_off.not_finalized "out/finalize still reads 0" [ "$(cat $D/finalize)" = 0 ]
