# SPDX-License-Identifier: GPL-2.0
# plain_kexec: A boots and kexecs (kexec_file_load) into B with a command line
# A chose; B proves it is a new boot of the same kernel.

case $KHO_STAGE in
1)
	marker="plain-$KHO_BOOT_ID"
	kho_kexec -- "kho_marker=$marker"
	;;
2)
	prev=$(kho_param kho_prev_boot)
	marker=$(kho_param kho_marker)
	kho_check plain_kexec.cmdline "B's command line carries A's marker" \
		[ -n "$prev" -a "$marker" = "plain-$prev" ]
	kho_check plain_kexec.boot_id "B's boot id ($KHO_BOOT_ID) differs from A's ($prev)" \
		[ "$prev" != "$KHO_BOOT_ID" ]
	;;
esac
