# SPDX-License-Identifier: GPL-2.0
# reserve_mem: A fills the reserve_mem region "kho_t" with random bytes and
# kexecs with a handover; every later kernel finds the region at A's
# physical address with A's bytes, and hands it on.  kho_t.hops=N sets how
# many kexecs (1: reserve_mem_survives, 2: chain3).  With
# kho_t.refinalize=1, A finalizes, aborts and finalizes again first
# (abort_refinalize).  With kho_t.mismatch=1, the next kernel asks for
# kho_t with another size and gets a fresh region (reserve_mem_mismatch).
# With kho_t.nofinalize=1, A does not finalize: kexec -e does
# (kexec_commit).

D=/sys/kernel/debug/kho
hops=$(kho_param kho_t.hops)
hops=${hops:-1}
t=$(kho_param kho_t.test)
t=${t:-reserve_mem}

set -- $(kho_region kho_t)
start=$2 size=$3

if [ "$KHO_STAGE" = 1 ]; then
	kho_check $t.region "A has reserve_mem region kho_t ($start, $size)" \
		[ -n "$start" -a "$((size))" -gt 0 ]
	head -c $((size)) /dev/urandom > /tmp/pattern
	cat /tmp/pattern > $KHO_T/region_data
	sum=$(sha256sum < /tmp/pattern | cut -c1-16)
	rm -f /tmp/pattern
	kho_check $t.written "the pattern reads back in A" \
		[ "$(kho_region_sum)" = "$sum" ]
	addr=$start
elif [ "$(kho_param kho_t.mismatch)" = 1 ]; then
	kho_check $t.changed "B warns that kho_t changed size" \
		sh -c "dmesg | grep -q 'reserve_mem: kho_t: size/align changed from 0x0*200000/0x0*1000 to 0x0*400000/0x0*1000; allocated afresh'"
	kho_check $t.fresh "B's kho_t is a new 4 MiB region ($start, $size), not A's $(kho_param kho_t.addr)" \
		[ "$((size))" = $((4 << 20)) -a "$start" != "$(kho_param kho_t.addr)" ]
	kho_check $t.not_restored "B does not claim A's region for kho_t" \
		sh -c "! dmesg | grep -q 'reserve_mem: kho_t restored'"
	return 0
else
	addr=$(kho_param kho_t.addr)
	sum=$(kho_param kho_t.sum)
	kho_check $t.hop$((KHO_STAGE - 1)).accepted "kernel $KHO_STAGE accepted the handover" \
		sh -c "dmesg | grep -q 'kho: handover accepted'"
	kho_check $t.hop$((KHO_STAGE - 1)).restored "kernel $KHO_STAGE says kho_t was restored" \
		sh -c "dmesg | grep -q 'reserve_mem: kho_t restored from the KHO handover at'"
	kho_check $t.hop$((KHO_STAGE - 1)).address "kho_t is at A's address $addr (here $start)" \
		[ -n "$start" -a "$start" = "$addr" ]
	kho_check $t.hop$((KHO_STAGE - 1)).bytes "kho_t holds A's bytes (sha256 $sum)" \
		[ "$(kho_region_sum)" = "$sum" ]
	kho_check $t.hop$((KHO_STAGE - 1)).sub_fdt "in/sub_fdts/memblock names kho_t at $addr" \
		sh -c "dtc -I dtb -O dts $D/in/sub_fdts/memblock 2>/dev/null |
			grep -q 'start = <0x00 $addr>;'"
fi

[ "$KHO_STAGE" -gt "$hops" ] && return 0

if [ "$(kho_param kho_t.refinalize)" = 1 ]; then
	before=$(cat $D/out/preserved)
	kho_check $t.finalize1 "first finalize" sh -c "echo 1 > $D/out/finalize"
	kho_check $t.abort "abort" sh -c "echo 0 > $D/out/finalize"
	kho_check $t.kept "abort keeps every preservation" \
		[ "$(cat $D/out/preserved)" = "$before" ]
fi
if [ "$(kho_param kho_t.nofinalize)" = 1 ]; then
	kho_check $t.not_finalized "kernel $KHO_STAGE leaves the finalize to kexec -e" \
		[ "$(cat $D/out/finalize)" = 0 ]
else
	kho_check $t.finalize "kernel $KHO_STAGE finalizes" sh -c "echo 1 > $D/out/finalize"
	dtc -I dtb -O dts $D/out/sub_fdts/memblock
fi
KHO_NEXT_DROP="kho_t.addr= kho_t.sum="
if [ "$(kho_param kho_t.mismatch)" = 1 ]; then
	KHO_NEXT_DROP="$KHO_NEXT_DROP reserve_mem="
	kho_kexec -- "kho_t.addr=$addr" "kho_t.sum=$sum" reserve_mem=4M:4096:kho_t
fi
kho_kexec -- "kho_t.addr=$addr" "kho_t.sum=$sum"
