# SPDX-License-Identifier: GPL-2.0
# finalize_errors: a failing FINALIZE callback aborts the finalize and is
# named in the log; preserve after finalize gives EBUSY; abort keeps every
# preservation.  Uses the test-only kho-test/preserve and fail_finalize.

D=/sys/kernel/debug/kho/out
t=finalize_errors

kho_check $t.preserve "a folio is preserved for the default client" \
	sh -c "echo 1 > $KHO_T/preserve"
kho_check $t.counted "out/preserved: default has 1 range" \
	grep -qx "default 1 4096" $D/preserved
before=$(cat $D/preserved)

echo 1 > $KHO_T/fail_finalize
err=$(echo 1 2>&1 > $D/finalize)
kho_check $t.callback_fails "finalize fails with the callback's error: $err" \
	kho_has "$err" "Operation canceled"
kho_check $t.named "the log names the failing callback" \
	sh -c "dmesg | grep -q 'kho: finalize: callback kho_test_fail_notifier.* failed (-125); aborting'"
kho_check $t.not_finalized "out/finalize reads 0 and out/fdt is gone" \
	[ "$(cat $D/finalize)" = 0 -a ! -e $D/fdt ]
kho_check $t.kept_after_failure "the failed finalize kept every preservation" \
	[ "$(cat $D/preserved)" = "$before" ]

echo 0 > $KHO_T/fail_finalize
kho_check $t.finalize "finalize works without the failing callback" \
	sh -c "echo 1 > $D/finalize"
err=$(echo 1 2>&1 > $KHO_T/preserve)
kho_check $t.ebusy "preserve after finalize fails (EBUSY): $err" \
	kho_has "$err" "Device or resource busy"
kho_check $t.abort "abort" sh -c "echo 0 > $D/finalize"
kho_check $t.kept_after_abort "abort kept every preservation" \
	[ "$(cat $D/preserved)" = "$before" ]
kho_check $t.preserve_again "preserve works again after abort" \
	sh -c "echo 1 > $KHO_T/preserve && grep -qx 'default 2 8192' $D/preserved"
