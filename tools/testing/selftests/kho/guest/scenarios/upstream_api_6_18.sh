# SPDX-License-Identifier: GPL-2.0
# upstream_api_6_18: kernel/kho/upstream_api_6_18_test.c, written only
# against the API of upstream KHO in Linux 6.18 (notifier, kho_add_subtree
# with a serialization, kho_preserve_pages, struct kho_vmalloc,
# is_kho_boot), preserves a folio, four pages and a vmalloc area and
# describes them in its sub-FDT; the next kernel restores each by name.

D=/sys/kernel/debug/kho
k="kho-test-6.18:"

case $KHO_STAGE in
1)
	kho_check upstream_api_6_18.not_kho_boot "is_kho_boot() is 0 in a cold-booted kernel" \
		sh -c "dmesg | grep -q '$k is_kho_boot: 0'"
	kho_check upstream_api_6_18.preserved "the driver preserved a folio, 4 pages and a vmalloc area" \
		sh -c "dmesg | grep -q '$k preserved a folio, 4 pages and a vmalloc area: 0'"
	kho_check upstream_api_6_18.finalize "A finalizes" sh -c "echo 1 > $D/out/finalize"
	kho_check upstream_api_6_18.sub_fdt "out/sub_fdts/upstream-api-6.18 exists" \
		[ -e $D/out/sub_fdts/upstream-api-6.18 ]
	kho_kexec
	;;
2)
	kho_check upstream_api_6_18.is_kho_boot "is_kho_boot() is 1 after the kexec" \
		sh -c "dmesg | grep -q '$k is_kho_boot: 1'"
	kho_check upstream_api_6_18.folio "the folio is back with its marker" \
		sh -c "dmesg | grep -q '$k restored folio: preserved by the 6.18-style driver'"
	kho_check upstream_api_6_18.pages "kho_restore_pages gives the 4 order-0 pages back, every byte right" \
		sh -c "dmesg | grep -q '$k restored 4 order-0 pages: every byte right'"
	kho_check upstream_api_6_18.vmalloc "the 16-page vmalloc area is back, every byte right" \
		sh -c "dmesg | grep -q '$k restored vmalloc area of 16 pages: every byte right'"
	kho_check upstream_api_6_18.claimed "in/unclaimed: the default client has nothing left" \
		grep -qx "default 0" $D/in/unclaimed
	;;
esac
