# SPDX-License-Identifier: GPL-2.0
# demo: what `make demo` shows.  Kernel A (kho=on, reserve_mem=4M:4096:demo,
# kho_test_folios=64) fills the reserve_mem region with random bytes, has
# the built-in test module preserve 64 MiB of folios under two clients,
# finalizes and kexecs with the handover; kernel B finds the region at the
# same address with the same bytes, and the clients get their folios back.
# Live update: a process holds session "demo-vm" of two memfds (a note and
# 8 MiB of random bytes) made by tools/liveupdate; after the kexec the note
# is read by a program that inherits it (liveupdate exec) and the 8 MiB
# are copied to /dev/shm (liveupdate get).  Each stage describes itself on
# "kho-demo:" lines; scripts/demo.sh prints them and a verdict.

D=/sys/kernel/debug/kho

kho_demo()
{
	echo "kho-demo: [$KHO_STAGE] $*"
}

# kho_demo_lines: show standard input, indented.
kho_demo_lines()
{
	while IFS= read -r l; do
		echo "kho-demo:     $l"
	done
}

kho_demo "kernel $(uname -r), boot id $KHO_BOOT_ID"
kho_demo "command line: $(cat /proc/cmdline)"
set -- $(kho_region demo)
start=$2 size=$3

case $KHO_STAGE in
1)
	kho_demo "scratch regions (out/scratch_phys, out/scratch_len):"
	paste $D/out/scratch_phys $D/out/scratch_len | kho_demo_lines
	head -c $((size)) /dev/urandom > /tmp/pattern
	cat /tmp/pattern > $KHO_T/region_data
	sum=$(sha256sum < /tmp/pattern | cut -c1-16)
	rm -f /tmp/pattern
	kho_demo "reserve_mem region 'demo' at $start, $((size >> 20)) MiB, filled with random bytes, sha256 $sum"
	kho_demo "live update: a 'VM' keeps a note and 8 MiB of RAM in memfds"
	echo "hello from kernel A, boot $KHO_BOOT_ID" > /tmp/note
	head -c 8388608 /dev/urandom > /tmp/ram
	ram=$(sha256sum < /tmp/ram | cut -c1-16)
	kho_demo "liveupdate hold -b demo-vm 1=/tmp/note 2=/tmp/ram   (sha256 of ram: $ram)"
	liveupdate hold -b demo-vm 1=/tmp/note 2=/tmp/ram 2>&1 | kho_demo_lines
	rm -f /tmp/note /tmp/ram
	kho_demo "liveupdate status:"
	liveupdate status 2>&1 | kho_demo_lines
	kho_demo "test module: $(dmesg | sed -n 's/.*kho-test-folios: \(preserved .*\)/\1/p')"
	kho_demo "out/preserved:"
	kho_demo_lines < $D/out/preserved
	echo 1 > $D/out/finalize
	kho_demo "echo 1 > out/finalize; dtc -I dtb -O dts out/fdt:"
	dtc -I dtb -O dts $D/out/fdt 2>/dev/null | kho_demo_lines
	kho_demo "out/sub_fdts/memblock:"
	dtc -I dtb -O dts $D/out/sub_fdts/memblock 2>/dev/null | kho_demo_lines
	kho_demo "kexec -s -l /boot/bzImage (segments go to scratch), then kexec -e"
	kho_kexec -- "kho_t.addr=$start" "kho_t.sum=$sum" "luo.ram=$ram"
	;;
2)
	addr=$(kho_param kho_t.addr)
	sum=$(kho_param kho_t.sum)
	kho_demo "B's log:"
	dmesg | grep -E 'kho: handover|reserve_mem: demo' | sed 's/^\[[^]]*\] //' |
		kho_demo_lines
	kho_demo "what each client got back:"
	dmesg | sed -n 's/^\[[^]]*\] kho-test-folios: //p' | kho_demo_lines
	kho_demo "in/unclaimed (bytes no client restored):"
	kho_demo_lines < $D/in/unclaimed
	kho_demo "in/fdt as B received it:"
	dtc -I dtb -O dts $D/in/fdt 2>/dev/null | kho_demo_lines
	kho_demo "liveupdate list:"
	liveupdate list 2>&1 | kho_demo_lines
	mkdir -p /dev/shm
	mount -t tmpfs tmpfs /dev/shm
	kho_demo "liveupdate get demo-vm 2   (copies the RAM memfd to /dev/shm)"
	liveupdate get demo-vm 2 2>&1 | kho_demo_lines
	ram=$(sha256sum < /dev/shm/ram 2>/dev/null | cut -c1-16)
	kho_demo "sha256 of /dev/shm/ram: $ram (A had $(kho_param luo.ram))"
	kho_demo "liveupdate exec demo-vm -- PROGRAM   (PROGRAM inherits the note's memfd, LIVEUPDATE_FDS=token:fd)"
	note=$(liveupdate exec demo-vm -- sh -c 'fd=${LIVEUPDATE_FDS%%,*}; cat /proc/self/fd/${fd#*:}' 2>&1)
	echo "$note" | kho_demo_lines
	kho_check demo.luo_note "the note came through liveupdate exec" \
		kho_has "$note" "hello from kernel A"
	kho_check demo.luo_ram "the 8 MiB memfd came with every byte" \
		[ -n "$ram" -a "$ram" = "$(kho_param luo.ram)" ]
	now=$(kho_region_sum)
	kho_demo "reserve_mem region 'demo' at $start (A had it at $addr), sha256 $now (A wrote $sum)"
	kho_check demo.address "the region is at A's physical address" \
		[ -n "$start" -a "$start" = "$addr" ]
	kho_check demo.bytes "every byte A wrote is there" [ "$now" = "$sum" ]
	kho_check demo.folios "both test clients got every folio back intact" \
		sh -c "[ \$(dmesg | grep -c 'kho-test-folios: ktest-.: restored .* every byte checked: ok') = 2 ]"
	kho_check demo.scratch_reused "B reuses A's scratch regions for its own next kexec" \
		sh -c "dmesg | grep -q 'scratch 0: .*handed over'"
	;;
esac
