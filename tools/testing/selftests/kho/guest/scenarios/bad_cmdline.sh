# SPDX-License-Identifier: GPL-2.0
# bad_cmdline: a malformed kho= or kho_scratch= value (given by the host on
# the command line, with the reason it expects in kho_expect=) boots with one
# clear message and KHO off.

want=$(kho_param kho_expect | tr '~' ' ')
kho_check bad_cmdline.message "dmesg: '$want'" kho_has "$(dmesg)" "$want"
kho_check bad_cmdline.stays_off "dmesg says KHO stays off" kho_has "$(dmesg)" "KHO stays off"
kho_check bad_cmdline.no_scratch "no scratch region reserved" \
	[ "$(dmesg | grep -c 'kho: scratch')" = 0 ]
err=$(echo 1 2>&1 > /sys/kernel/debug/kho/out/finalize)
kho_check bad_cmdline.finalize_fails "finalize fails: $err" kho_has "$err" "Operation not supported"
