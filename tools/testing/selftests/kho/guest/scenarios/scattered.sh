# SPDX-License-Identifier: GPL-2.0
# scattered: A preserves order-0 folios on every other page of a span
# (kho_ubench=4k:N, kernel/kho/bench_upstream.c).  B reserves them a span
# at a time, holes included, and once deferred init is done gives every
# hole to the page allocator: about as many holes as folios, at least as
# many KiB as it preserved (a hole may be longer than a page).  After B restored every folio, its MemTotal is A's,
# give or take KHO's metadata and what each boot reserved (1 MiB).

fin=/sys/kernel/debug/kho/out/finalize
t=scattered

memtotal_kib()
{
	awk '/^MemTotal:/ { print $2 }' /proc/meminfo
}

case $KHO_STAGE in
1)
	kho_check $t.preserved "A: $(dmesg | sed -n 's/.*kho-ubench: //p')" \
		sh -c "dmesg | grep -q 'kho-ubench: preserved .*: ok'"
	kho_check $t.finalize "A finalizes" sh -c "echo 1 > $fin"
	kho_kexec -- kho_t.memtotal=$(memtotal_kib)
	;;
2)
	kho_check $t.restored "B: $(dmesg | sed -n 's/.*kho-ubench: //p')" \
		sh -c "dmesg | grep -q 'kho-ubench: restored .*: ok'"
	pages=$(dmesg | sed -n 's/.*kho-ubench: restored [0-9]* folios, \([0-9]*\) pages.*/\1/p')
	set -- $(dmesg | sed -n 's/.*kho: gave the page allocator \([0-9]*\) KiB in \([0-9]*\) holes.*/\1 \2/p')
	kib=${1:-0} holes=${2:-0}
	kho_check $t.holes "B gave $kib KiB in $holes holes between ${pages:-?} preserved pages to the page allocator" \
		[ -n "$pages" -a "$holes" -ge $((pages - pages / 64)) -a \
		  "$kib" -ge $(((pages - pages / 64) * 4)) ]
	a=$(kho_param kho_t.memtotal) b=$(memtotal_kib)
	kho_check $t.memtotal "B's MemTotal after the restore (${b} KiB) is A's (${a} KiB), off by $((b - a)) KiB (at most 1024)" \
		[ -n "$a" -a "$((b - a))" -le 1024 -a "$((b - a))" -ge -1024 ]
	;;
esac
