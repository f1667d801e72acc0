# SPDX-License-Identifier: GPL-2.0
# folios: the built-in test module (kho_test_folios=MiB) preserves folios of
# random orders and a few ranges under clients ktest-a and ktest-b; the next
# kernel restores them and checks order, reference count and every byte.
# kho_t.test names the test; kho_t.hops is the number of kexecs (2 with
# kho_test_folios.chain=1); kho_test_folios.skip=ktest-b leaves ktest-b
# unclaimed for the release check (unclaimed_release).  An 8 MiB vmalloc
# area (default client) comes back at a new address with its bytes.

D=/sys/kernel/debug/kho
t=$(kho_param kho_t.test)
hops=$(kho_param kho_t.hops)
hops=${hops:-1}
skip=$(kho_param kho_test_folios.skip)

klog()
{
	dmesg | sed -n "s/^\[[ 0-9.]*\] kho-test-folios: //p"
}

if [ "$KHO_STAGE" = 1 ]; then
	kho_check $t.preserved "A preserved the test folios" \
		sh -c "dmesg | grep -q 'kho-test-folios: preserved [0-9]* MiB in [0-9]* + [0-9]* items: ok'"
else
	h=hop$((KHO_STAGE - 1))
	klog
	kho_check $t.$h.verdict "the module's verdict is pass" \
		sh -c "dmesg | grep -q 'kho-test-folios: verdict pass'"
	for c in ktest-a ktest-b; do
		[ "$c" = "$skip" ] && continue
		kho_check $t.$h.$c "$c: every folio and range back, every byte right" \
			sh -c "dmesg | grep -q 'kho-test-folios: $c: restored [1-9][0-9]* folios (orders [0-9]*-[0-9]*) and 3 ranges, [0-9]* KiB, every byte checked: ok (0 bad)'"
		kho_check $t.$h.$c.claimed "in/unclaimed: $c has nothing left" \
			grep -qx "$c 0" $D/in/unclaimed
	done
	kho_check $t.$h.vmalloc "the 8 MiB vmalloc area is back, every byte right" \
		sh -c "dmesg | grep -q 'kho-test-folios: vmalloc: restored 2048 pages at a new address, every byte checked: ok'"
	kho_check $t.$h.default.claimed "in/unclaimed: the default client has nothing left" \
		grep -qx "default 0" $D/in/unclaimed
	if [ "$t" = restore_rules ]; then
		for r in other_client never_preserved not_a_range; do
			kho_check $t.$r "restore rule $r: refused" \
				sh -c "dmesg | grep -q 'kho-test-folios: rule $r: .*: refused'"
		done
	fi
fi

if [ "$KHO_STAGE" -gt "$hops" ]; then
	if [ -z "$skip" ] && [ "$(kho_param kho_test_folios.chain)" != 1 ]; then
		restored=0
		for k in $(dmesg | sed -n 's/.*kho-test-folios: ktest-.: restored .*, \([0-9]*\) KiB, every byte.*/\1/p'); do
			restored=$((restored + k))
		done
		freed=$(dmesg | sed -n 's/.*returned \([0-9]*\) KiB to the page allocator.*/\1/p')
		kho_check $t.freed "freeing the restored memory returned ${freed:-?} KiB of $restored KiB" \
			[ -n "$freed" -a "$restored" -gt 0 -a "${freed:-0}" -ge $((restored - 8192)) ]
	fi
	if [ -n "$skip" ]; then
		left=$(dmesg | sed -n "s/.*kho-test-folios: $skip: skipped, \([0-9]*\) KiB left unclaimed.*/\1/p")
		kho_check $t.reported "in/unclaimed reports ${left:-?} KiB for $skip" \
			grep -qx "$skip $((${left:-0} * 1024))" $D/in/unclaimed
		err=$(echo nosuch 2>&1 > $D/in/release)
		kho_check $t.unknown "releasing an unknown client fails (ENOENT): $err" \
			kho_has "$err" "No such file or directory"
		# Free pages on the per-CPU lists count too: the restore
		# just freed tens of MiB, which they give back meanwhile.
		before=$(kho_mem_kib | awk '{print $2 + $3}')
		echo "$skip" > $D/in/release
		after=$(kho_mem_kib | awk '{print $2 + $3}')
		kho_check $t.memfree "MemFree (with per-CPU lists) grew by $((after - before)) KiB for $left KiB released" \
			[ "$((after - before))" -ge $((left - 4096)) -a \
			  "$((after - before))" -le $((left + 4096)) ]
		kho_check $t.released "in/unclaimed: $skip has nothing left" \
			grep -qx "$skip 0" $D/in/unclaimed
	fi
	return 0
fi

kho_check $t.finalize$KHO_STAGE "kernel $KHO_STAGE finalizes" \
	sh -c "echo 1 > $D/out/finalize"
kho_kexec
