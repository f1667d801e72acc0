# SPDX-License-Identifier: GPL-2.0
# load_no_fit: with scratch too small for the next kernel, kexec -s -l fails
# with a clear error instead of placing a segment outside scratch.

kho_check load_no_fit.small "scratch regions are 4 MiB" \
	[ "$(sort -u /sys/kernel/debug/kho/out/scratch_len)" = 0x400000 ]
cat /sys/firmware/initrd > /tmp/initrd
if kexec -s -l /boot/bzImage --initrd=/tmp/initrd --append="$(kho_next_cmdline)" \
		> /tmp/kexec.log 2>&1; then
	kho_fail load_no_fit.refused "kexec -s -l succeeded"
else
	cat /tmp/kexec.log
	kho_ok load_no_fit.refused "kexec -s -l failed"
fi
kho_check load_no_fit.message "the kernel says which segment does not fit" \
	sh -c "dmesg | grep -q 'kho: kexec segment of [0-9]* bytes does not fit in any scratch region'"
kho_check load_no_fit.not_loaded "no image is loaded" \
	[ "$(cat /sys/kernel/kexec_loaded)" = 0 ]
