# SPDX-License-Identifier: GPL-2.0
# finalize_cycle: in one kernel booted with kho=on, the scratch regions are
# reserved and listed, finalize builds a root FDT that dtc decodes with the
# documented compatible and scratch table, and finalize/abort misuse gives
# distinct errors.

D=/sys/kernel/debug/kho/out

kho_check finalize_cycle.scratch_listed "out/scratch_phys and out/scratch_len list the same number of regions" \
	[ -n "$(cat $D/scratch_phys)" -a "$(wc -l < $D/scratch_phys)" = "$(wc -l < $D/scratch_len)" ]
n=$(wc -l < $D/scratch_phys)
kho_check finalize_cycle.scratch_dmesg "dmesg reports $n scratch regions" \
	[ "$(dmesg | grep -c 'kho: scratch [0-9]*: \[mem')" = "$n" ]
kho_check finalize_cycle.cma "scratch became CMA pageblocks (CmaTotal > 0)" \
	[ "$(awk '/CmaTotal/ {print $2}' /proc/meminfo)" -gt 0 ]
kho_check finalize_cycle.not_finalized "out/finalize reads 0 before finalize" \
	[ "$(cat $D/finalize)" = 0 ]

err=$(echo 0 2>&1 > $D/finalize)
kho_check finalize_cycle.abort_unfinalized "abort before finalize fails (ENOENT): $err" \
	kho_has "$err" "No such file or directory"
err=$(echo 2 2>&1 > $D/finalize)
kho_check finalize_cycle.bad_value "writing 2 fails (EINVAL): $err" \
	kho_has "$err" "Invalid argument"

kho_check finalize_cycle.finalize "echo 1 > out/finalize succeeds" \
	sh -c "echo 1 > $D/finalize"
kho_check finalize_cycle.finalized "out/finalize reads 1" [ "$(cat $D/finalize)" = 1 ]
err=$(echo 1 2>&1 > $D/finalize)
kho_check finalize_cycle.refinalize "a second finalize fails (EEXIST): $err" \
	kho_has "$err" "File exists"

dtc -I dtb -O dts $D/fdt > /tmp/fdt.dts 2>/tmp/dtc.err
cat /tmp/fdt.dts
kho_check finalize_cycle.dtc "dtc decodes out/fdt" [ -s /tmp/fdt.dts ]
kho_check finalize_cycle.compatible "root compatible is kho-linux-6.12,v1" \
	grep -q 'compatible = "kho-linux-6.12,v1";' /tmp/fdt.dts
# The scratch property must list exactly out/scratch_phys / out/scratch_len.
want=$(paste -d' ' $D/scratch_phys $D/scratch_len | while read -r a l; do
	printf '%d %d %d %d ' $((a >> 32)) $((a & 0xffffffff)) \
		$((l >> 32)) $((l & 0xffffffff))
done)
got=$(kho_numbers $(sed -n 's/.*scratch = <\(.*\)>;/\1/p' /tmp/fdt.dts))
kho_check finalize_cycle.scratch_fdt "FDT scratch cells ($got) match debugfs" \
	[ -n "$got" -a "$got" = "$want" ]

kho_check finalize_cycle.abort "echo 0 > out/finalize aborts" sh -c "echo 0 > $D/finalize"
kho_check finalize_cycle.fdt_dropped "out/fdt is gone after abort" [ ! -e $D/fdt ]
kho_check finalize_cycle.refinalize_after_abort "finalize works again after abort" \
	sh -c "echo 1 > $D/finalize && [ -e $D/fdt ]"
