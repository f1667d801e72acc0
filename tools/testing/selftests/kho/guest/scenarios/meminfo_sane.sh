# SPDX-License-Identifier: GPL-2.0
# meminfo_sane: with kho=on, A's and B's boot-time "Memory:" line and
# /proc/meminfo count scratch once.  Scratch is managed memory in CMA
# pageblocks from memblock_free_all() on, so the line counts it as
# available (cma-reserved 0K) with an honest reserved figure; CmaTotal is
# all of scratch; MemTotal is what the line called managed plus what was
# freed since (init sections, initrd).

D=/sys/kernel/debug/kho
t=meminfo_sane

# The Memory: line's field ending in "$1" (without the K).
mem_line_field()
{
	dmesg | grep ' Memory: ' | head -1 | tr ',()/' '\n\n\n\n' |
		grep "K $1\$" | awk '{ sub("K", "", $1); print $1 }'
}

meminfo_kb()
{
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

# rsv_below_phys RSV PHYS: a plausible reserved size, below RAM?
rsv_below_phys()
{
	[ -n "$1" ] && [ "${#1}" -lt 12 ] && [ "$1" -lt "$2" ]
}

meminfo_checks()
{
	local s=$1 phys avail rsv cma total cmatotal scratch freed managed diff

	phys=$(dmesg | grep ' Memory: ' | head -1 | sed 's/.*K\/\([0-9]*\)K available.*/\1/')
	rsv=$(mem_line_field reserved)
	cma=$(mem_line_field cma-reserved)
	total=$(meminfo_kb MemTotal)
	cmatotal=$(meminfo_kb CmaTotal)
	scratch=$(dmesg | sed -n 's/.*kho: scratch: \([0-9]*\) MiB of movable-only.*/\1/p')
	freed=$(dmesg | sed -n 's/.*Freeing .* memory: \([0-9]*\)K$/\1/p' |
		awk '{ s += $1 } END { print s + 0 }')
	echo "kho-test: $s: phys ${phys}K reserved ${rsv}K cma ${cma}K; MemTotal ${total} kB CmaTotal ${cmatotal} kB; scratch ${scratch} MiB; freed since ${freed}K"
	kho_check $t.$s.reserved "$s: the Memory: line's reserved (${rsv}K) is below RAM (${phys}K)" \
		rsv_below_phys "$rsv" "$phys"
	kho_check $t.$s.cma_line "$s: the line counts scratch as managed (cma-reserved ${cma}K)" \
		[ "$cma" = 0 ]
	kho_check $t.$s.cma_total "$s: CmaTotal (${cmatotal} kB) is all of scratch (${scratch} MiB)" \
		[ -n "$scratch" -a "$cmatotal" = "$((scratch * 1024))" ]
	# Managed at the line, plus what was freed since.
	managed=$((phys - rsv - cma))
	diff=$((total - managed - freed))
	kho_check $t.$s.total "$s: MemTotal - freed - managed at the line = ${diff} kB, within [-64, 64]" \
		[ "$diff" -ge -64 -a "$diff" -le 64 ]
}

case $KHO_STAGE in
1)
	meminfo_checks a
	kho_check $t.finalize "A finalizes" sh -c "echo 1 > $D/out/finalize"
	kho_kexec
	;;
2)
	kho_check $t.accepted "B took the handover" \
		sh -c "dmesg | grep -q 'kho: handover accepted'"
	meminfo_checks b
	;;
esac
