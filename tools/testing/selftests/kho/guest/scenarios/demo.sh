# SPDX-License-Identifier: GPL-2.0
# demo: what `make demo` shows.  Each stage describes itself on "kho-demo:"
# lines; scripts/demo.sh prints them and a verdict.

kho_demo()
{
	echo "kho-demo: [$KHO_STAGE] $*"
}

kho_demo "kernel $(uname -r), boot id $KHO_BOOT_ID"
kho_demo "memory: $(grep MemTotal /proc/meminfo | tr -s ' ')"
kho_demo "command line: $(cat /proc/cmdline)"

case $KHO_STAGE in
1)
	kho_demo "kexec -s -l /boot/bzImage (kexec_file_load), then kexec -e"
	kho_kexec -- "kho_marker=demo-$KHO_BOOT_ID"
	;;
2)
	prev=$(kho_param kho_prev_boot)
	kho_demo "previous boot id (from A's command line): $prev"
	kho_check demo.new_boot "B is a new boot of the kernel A chose" \
		[ -n "$prev" -a "$prev" != "$KHO_BOOT_ID" -a \
		"$(kho_param kho_marker)" = "demo-$prev" ]
	;;
esac
