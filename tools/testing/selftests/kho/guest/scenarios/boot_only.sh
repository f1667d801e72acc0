# SPDX-License-Identifier: GPL-2.0
# boot_only: one boot, no kexec.  Used by tests that only read the kernel log
# (KUnit results, boot messages).

kho_check boot_only "reached /init" true
