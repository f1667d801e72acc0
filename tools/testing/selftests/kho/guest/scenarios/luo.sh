# SPDX-License-Identifier: GPL-2.0
# luo_memfd: A (kho=on) puts memfds of every kind into live-update session
# "vm1" (luo_test hold memfd) and kexecs with no debugfs step: kexec -e
# commits.  B retrieves them and checks bytes, physical frames, THPs, size,
# position, flags and seals against what A saw (luo_test check memfd).

t=$(kho_param luo.test)
t=${t:-luo_memfd_survives}

case $KHO_STAGE in
1)
	luo_test hold memfd $t &
	i=0
	while [ ! -s /tmp/luo.ready ] && [ $i -lt 600 ]; do
		sleep 1
		i=$((i + 1))
	done
	kho_check $t.ready "A holds its sessions ($(cat /tmp/luo.ready 2>/dev/null))" \
		[ "$(cat /tmp/luo.ready 2>/dev/null)" = ready ]
	kho_check $t.not_finalized "nothing finalized KHO before kexec -e" \
		[ "$(cat /sys/kernel/debug/kho/out/finalize)" = 0 ]
	kho_kexec
	;;
2)
	kho_check $t.accepted "B accepted the handover" \
		sh -c "dmesg | grep -q 'kho: handover accepted'"
	luo_test check memfd $t
	kho_check $t.no_waiting "no session waits after FINISH" \
		sh -c "! grep -q '^in ' /sys/kernel/debug/liveupdate/sessions"
	;;
esac
