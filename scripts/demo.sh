#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo: boot kernel A in QEMU with kho=on, a reserve_mem region and the
# built-in folio test module, fill the region, finalize, kexec into kernel B
# with the handover, and show what each kernel saw and what survived.  The
# full console log is kept.

set -euo pipefail
. "$(dirname "$0")/lib.sh"

log=$KHO_LOGS/demo.log
echo "demo: booting A in QEMU (${KHO_QEMU_ACCEL:-tcg}), console log: ${log#$KHO_ROOT/}"
start=$(date +%s.%N)
set +e
python3 "$KHO_ROOT/scripts/qemu-run.py" --scenario demo \
	--append "kunit.enable=0 kho=on reserve_mem=4M:4096:demo kho_test_folios=64" \
	--timeout 180 --log "$log"
rc=$?
set -e
took=$(echo "$(date +%s.%N) - $start" | bc)

echo
sed -n 's/.*kho-demo: //p' "$log"
echo
grep -E 'kho-test: (ok|not ok)' "$log" | sed 's/.*kho-test: /check: /'
trouble=$(grep -cE 'WARNING:|BUG:|Call Trace|Kernel panic' "$log" || true)
kernels=$(grep -c 'Linux version' "$log" || true)
echo
echo "=============================================================="
printf " kernels booted: %s    kexec hops: %s    time: %.1f s\n" \
	"$kernels" "$((kernels > 0 ? kernels - 1 : 0))" "$took"
sed -n 's/^\[[ 0-9.]*\] kho: \(handover accepted: .*\)/ B: \1/p' "$log"
sed -n 's/^\[[ 0-9.]*\] \(reserve_mem: demo restored .*\)/ B: \1/p' "$log"
sed -n 's/^\[[ 0-9.]*\] kho-test-folios: \(ktest-.: restored .*\)/ B: \1/p' "$log"
sed -n 's/^\[[ 0-9.]*\] \(liveupdate: [0-9]* incoming sessions.*\)/ B: \1/p' "$log"
echo " kernel warnings/oopses in the log: $trouble"
if [ "$rc" -eq 0 ] && [ "$trouble" -eq 0 ]; then
	echo " VERDICT: PASS"
else
	echo " VERDICT: FAIL (see ${log#$KHO_ROOT/})"
fi
echo "=============================================================="
[ "$rc" -eq 0 ] && [ "$trouble" -eq 0 ]
