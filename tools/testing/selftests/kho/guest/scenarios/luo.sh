# SPDX-License-Identifier: GPL-2.0
# luo: the live-update scenarios.  A (kho=on) builds the sessions of mode
# luo.mode= (luo_test hold MODE; see luo_test.c) and kexecs with no debugfs
# step: kexec -e commits.  B retrieves and checks them (luo_test check).
#   luo.test=NAME   prefix of the checks
#   luo.fail=1      A's first kexec -e fails while serializing (test-only
#                   liveupdate/fail_freeze); A must keep running with every
#                   session intact, and a second kexec -e carries them
#   luo.chain=1     A -> B -> C: B checks, changes some bytes, preserves
#                   everything again (luo_test relay) and C checks

t=$(kho_param luo.test)
t=${t:-luo_memfd_survives}
mode=$(kho_param luo.mode)
mode=${mode:-memfd}
L=/sys/kernel/debug/liveupdate

# luo_hold ARGS: start a holder and wait until its sessions are complete.
luo_hold()
{
	local i=0

	rm -f /tmp/luo.ready
	luo_test "$@" &
	while [ ! -s /tmp/luo.ready ] && [ $i -lt 600 ]; do
		sleep 1
		i=$((i + 1))
	done
	kho_check $t.ready "the sessions are held ($(cat /tmp/luo.ready 2>/dev/null))" \
		[ "$(cat /tmp/luo.ready 2>/dev/null)" = ready ]
}

# luo_failing_kexec: load, make serializing fail, kexec -e must return.
luo_failing_kexec()
{
	local before after

	cat /sys/firmware/initrd > /tmp/initrd
	kexec -s -l /boot/bzImage --initrd=/tmp/initrd \
		--append="$(kho_next_cmdline)" > /tmp/kexec.log 2>&1 ||
		{ cat /tmp/kexec.log; kho_fail $t.load "kexec -s -l failed"; return; }
	before=$(grep -v '^#' $L/sessions | md5sum)
	echo 1 > $L/fail_freeze
	kexec -e
	kho_check $t.kexec_fails "kexec -e returns an error when serializing fails" \
		[ $? -ne 0 ]
	kho_check $t.logged "the kernel says why" \
		sh -c "dmesg | grep -q 'liveupdate: freeze: failing as the test asked'"
	kho_check $t.not_finalized "KHO is not left finalized" \
		[ "$(cat /sys/kernel/debug/kho/out/finalize)" = 0 ]
	after=$(grep -v '^#' $L/sessions | md5sum)
	kho_check $t.sessions_intact "every session and file is still listed, open" \
		[ "$before" = "$after" ]
	kho_check $t.still_loaded "the image stays loaded" \
		[ "$(cat /sys/kernel/kexec_loaded)" = 1 ]
	kho_say "kho-test: kexec stage $((KHO_STAGE + 1)): second kexec -e"
	sync
	kexec -e
	kho_fail $t.second_kexec "the second kexec -e returned"
}

case $KHO_STAGE in
1)
	luo_hold hold $mode $t
	kho_check $t.not_finalized_a "nothing finalized KHO before kexec -e" \
		[ "$(cat /sys/kernel/debug/kho/out/finalize)" = 0 ]
	if [ "$(kho_param luo.fail)" = 1 ]; then
		luo_failing_kexec
	else
		kho_kexec
	fi
	;;
2)
	kho_check $t.accepted "B accepted the handover" \
		sh -c "dmesg | grep -q 'kho: handover accepted'"
	if [ "$(kho_param luo.chain)" = 1 ]; then
		luo_hold relay $mode $t.b
		kho_kexec
	else
		luo_test check $mode $t
		kho_check $t.no_waiting "no session waits at the end" \
			sh -c "! grep -q '^in ' $L/sessions"
	fi
	;;
3)
	kho_check $t.c_accepted "C accepted the handover" \
		sh -c "dmesg | grep -q 'kho: handover accepted'"
	luo_test check $mode $t.c
	kho_check $t.no_waiting "no session waits at the end" \
		sh -c "! grep -q '^in ' $L/sessions"
	;;
esac
