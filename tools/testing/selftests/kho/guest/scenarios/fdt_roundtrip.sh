# SPDX-License-Identifier: GPL-2.0
# fdt_roundtrip: A finalizes and kexecs; B's in/fdt is byte for byte A's
# out/fdt, dtc decodes both the same, with the documented compatible string
# and A's scratch table, which B reuses as its own; B's kernel lies in
# scratch.  A also loads a crash kernel, which gets no handover.

D=/sys/kernel/debug/kho

case $KHO_STAGE in
1)
	echo 1 > $D/out/finalize || kho_fail fdt_roundtrip.finalize "finalize failed"
	dtc -I dtb -O dts $D/out/fdt > /tmp/a.dts
	cat /tmp/a.dts
	sum=$(sha256sum < /tmp/a.dts | cut -c1-16)
	raw=$(sha256sum < $D/out/fdt | cut -c1-16)
	scratch=$(paste -d: $D/out/scratch_phys $D/out/scratch_len | tr '\n' ,)
	n=$(dmesg | grep -c 'kho: kexec image loaded')
	cat /sys/firmware/initrd > /tmp/initrd
	kho_check fdt_roundtrip.crash_load "A loads a crash kernel (kexec -s -p)" \
		kexec -s -p /boot/bzImage --initrd=/tmp/initrd --append="$(kho_next_cmdline)"
	rm -f /tmp/initrd
	kho_check fdt_roundtrip.crash_no_kho "the crash kernel gets no handover" \
		[ "$(dmesg | grep -c 'kho: kexec image loaded')" = "$n" ]
	kho_kexec -- "kho_t.dts=$sum" "kho_t.raw=$raw" "kho_t.scratch=$scratch"
	;;
2)
	kho_check fdt_roundtrip.in_fdt "B has in/fdt" [ "$(wc -c < $D/in/fdt)" -gt 0 ]
	dtc -I dtb -O dts $D/in/fdt > /tmp/b.dts
	cat /tmp/b.dts
	kho_check fdt_roundtrip.raw "in/fdt has A's out/fdt bytes" \
		[ "$(sha256sum < $D/in/fdt | cut -c1-16)" = "$(kho_param kho_t.raw)" ]
	kho_check fdt_roundtrip.dtc "dtc of in/fdt equals dtc of A's out/fdt" \
		[ "$(sha256sum < /tmp/b.dts | cut -c1-16)" = "$(kho_param kho_t.dts)" ]
	kho_check fdt_roundtrip.compatible "compatible is kho-linux-6.12,v1" \
		grep -q 'compatible = "kho-linux-6.12,v1";' /tmp/b.dts
	want=$(kho_param kho_t.scratch | tr , '\n' | while IFS=: read -r a l; do
		[ -n "$a" ] && printf '%d %d %d %d ' $((a >> 32)) \
			$((a & 0xffffffff)) $((l >> 32)) $((l & 0xffffffff))
	done)
	got=$(kho_numbers $(sed -n 's/.*scratch = <\(.*\)>;/\1/p' /tmp/b.dts))
	kho_check fdt_roundtrip.scratch "in/fdt scratch cells ($got) are A's scratch table" \
		[ -n "$got" -a "$got" = "$want" ]
	kho_check fdt_roundtrip.scratch_reused "B reuses A's scratch regions as its own" \
		[ "$(paste -d: $D/out/scratch_phys $D/out/scratch_len | tr '\n' ,)" = "$(kho_param kho_t.scratch)" ]
	kho_check fdt_roundtrip.accepted "B's log says the handover was accepted" \
		sh -c "dmesg | grep -q 'kho: handover accepted'"
	set -- $(grep 'Kernel code' /proc/iomem | tr -- '-:' '  ')
	code=$((0x$1))
	inside=
	for r in $(kho_param kho_t.scratch | tr , ' '); do
		a=$((${r%:*})) l=$((${r#*:}))
		[ "$code" -ge "$a" -a "$code" -lt $((a + l)) ] && inside=$r
	done
	kho_check fdt_roundtrip.kernel_in_scratch "B's kernel code (0x$1) lies in scratch ($inside)" \
		[ -n "$inside" ]
	;;
esac
