# SPDX-License-Identifier: GPL-2.0
# deferred_init: the test kernel initializes struct pages late
# (CONFIG_DEFERRED_STRUCT_PAGE_INIT) beyond the first part of the node.
# A preserves folios and ranges only above 1 GiB of a 2 GiB guest
# (kho_test_folios.above), all in that late part; its scratch lies there
# too.  B reserves them before its struct pages exist, restores client
# ktest-a with every byte checked, keeps its scratch movable-only after
# deferred init, and releases client ktest-b: MemFree and MemTotal grow by
# exactly what was released.

D=/sys/kernel/debug/kho
t=deferred_init

# late_from: where this kernel starts to initialize struct pages late.
late_from()
{
	dmesg | sed -n 's/.*kho: node 0: struct pages from \(0x[0-9a-f]*\) on are initialized late.*/\1/p'
}

late_below_lowest()
{
	[ -n "$late" ] && [ -n "$lowest" ] && [ $((late)) -le $((lowest)) ]
}

# scratch_late: is every scratch region at or above the late boundary?
scratch_late()
{
	local late=$(($(late_from))) a

	for a in $(cat $D/out/scratch_phys); do
		[ $((a)) -ge "$late" ] || return 1
	done
}

case $KHO_STAGE in
1)
	late=$(late_from)
	lowest=$(dmesg | sed -n 's/.*kho-test-folios: every folio and range at or above 0x40000000: lowest at \(0x[0-9a-f]*\).*/\1/p')
	kho_check $t.late_a "A initializes struct pages late from ${late:-?}" [ -n "$late" ]
	kho_check $t.preserved "A preserved the test folios" \
		sh -c "dmesg | grep -q 'kho-test-folios: preserved [0-9]* MiB in [0-9]* + [0-9]* items: ok'"
	kho_check $t.above "every preserved folio and range is at or above 1 GiB (lowest ${lowest:-?})" \
		[ -n "$lowest" ]
	kho_check $t.finalize "A finalizes" sh -c "echo 1 > $D/out/finalize"
	kho_kexec -- kho_t.lowest=$lowest
	;;
2)
	late=$(late_from)
	lowest=$(kho_param kho_t.lowest)
	kho_check $t.accepted "B took the handover" \
		sh -c "dmesg | grep -q 'kho: handover accepted'"
	kho_check $t.late_b "B initializes struct pages late from ${late:-?}, below the lowest preserved page ${lowest:-?}" \
		late_below_lowest
	kho_check $t.deferred_ran "B's deferred init ran" \
		sh -c "dmesg | grep -q 'node 0 deferred pages initialised'"
	kho_check $t.scratch_late "B's scratch lies in the late part: $(tr '\n' ' ' < $D/out/scratch_phys)" \
		scratch_late
	kho_check $t.scratch_cma "B: after deferred init, no scratch pageblock is anything but CMA" \
		sh -c "! grep -v '^#' $D/out/scratch_blocks | awk '\$3 != 0 || \$2 == 0' | grep -q ."
	kho_check $t.verdict "the module's verdict is pass" \
		sh -c "dmesg | grep -q 'kho-test-folios: verdict pass'"
	kho_check $t.ktest-a "ktest-a: every folio and range back, every byte right" \
		sh -c "dmesg | grep -q 'kho-test-folios: ktest-a: restored [1-9][0-9]* folios (orders [0-9]*-[0-9]*) and 3 ranges, [0-9]* KiB, every byte checked: ok (0 bad)'"
	left=$(dmesg | sed -n "s/.*kho-test-folios: ktest-b: skipped, \([0-9]*\) KiB left unclaimed.*/\1/p")
	kho_check $t.reported "in/unclaimed reports ${left:-?} KiB for ktest-b" \
		grep -qx "ktest-b $((${left:-0} * 1024))" $D/in/unclaimed
	# MemFree plus the pages on per-CPU free lists (zoneinfo "count:"),
	# which MemFree leaves out until they are drained.  Two readings on
	# each side: /proc/meminfo and /proc/zoneinfo are read one after the
	# other while pages move between the lists (the readings' own forks),
	# which put single readings off by 40 and once by 144 KiB.
	before=$(kho_mem_kib)
	before2=$(kho_mem_kib)
	echo ktest-b > $D/in/release
	after=$(kho_mem_kib)
	after2=$(kho_mem_kib)
	set -- $before $after
	echo "kho-test: released $left KiB: MemTotal $1 -> $4 KiB, MemFree $2 -> $5 KiB, per-CPU lists $3 -> $6 KiB"
	kho_check $t.memtotal "MemTotal grew by exactly the ${left:-?} KiB released ($(($4 - $1)) KiB)" \
		[ -n "$left" -a "$(($4 - $1))" = "${left:-0}" ]
	# The pair of readings closest to the release's amount counts.
	d=
	for b in "$before" "$before2"; do
		for a in "$after" "$after2"; do
			set -- $b $a
			e=$(($5 + $6 - $2 - $3 - ${left:-0}))
			if [ -z "$d" ] || [ "${e#-}" -lt "${d#-}" ]; then
				d=$e
			fi
		done
	done
	kho_check $t.memfree "MemFree (with per-CPU lists) grew by the ${left:-?} KiB released, off by $d KiB (at most 128)" \
		[ -n "$left" -a "$d" -le 128 -a "$d" -ge -128 ]
	kho_check $t.released "in/unclaimed: ktest-b has nothing left" \
		grep -qx "ktest-b 0" $D/in/unclaimed
	;;
esac
