# SPDX-License-Identifier: GPL-2.0
# upstream_api_7: kernel/kho/upstream_api_7_test.c, written only against
# the API of upstream KHO in Linux 6.19-7.x (kho_add_subtree(name, blob,
# size) with no notifier, kho_remove_subtree, kho_alloc_preserve,
# kho_retrieve_subtree(name, &phys, &size), unpreserve calls as void),
# keeps its state in a blob that is not an FDT.  A kexecs without any
# debugfs step; B finds the blob by name and restores every item.

D=/sys/kernel/debug/kho
k="kho-test-7:"

case $KHO_STAGE in
1)
	kho_check upstream_api_7.preserved "the driver preserved its items in blob upstream-api-7" \
		sh -c "dmesg | grep -q '$k preserved a folio, 2 pages, a buffer and a vmalloc area in blob upstream-api-7: 0'"
	kho_check upstream_api_7.not_finalized "nothing finalized by hand (out/finalize reads 0)" \
		grep -qx 0 $D/out/finalize
	kho_kexec
	;;
2)
	kho_check upstream_api_7.is_kho_boot "is_kho_boot() is 1 after the kexec" \
		sh -c "dmesg | grep -q '$k is_kho_boot: 1'"
	blob=$(dtc -I dtb -O dts $D/in/fdt 2>/dev/null | sed -n '/upstream-api-7 {/,/};/p')
	echo "$blob"
	kho_check upstream_api_7.blob_prop "in/fdt: clients/upstream-api-7 has a 'blob' property, no 'fdt'" \
		sh -c "echo '$blob' | grep -q 'blob = <' && ! echo '$blob' | grep -q 'fdt = <'"
	kho_check upstream_api_7.removed "the removed blob did not come (ENOENT)" \
		sh -c "dmesg | grep -q '$k removed blob: -2'"
	kho_check upstream_api_7.folio "the order-3 folio is back with its marker" \
		sh -c "dmesg | grep -q '$k restored folio of order 3: preserved by the 7.x-style driver'"
	kho_check upstream_api_7.pages "kho_restore_pages gives the 2 order-0 pages back, every byte right" \
		sh -c "dmesg | grep -q '$k restored 2 order-0 pages: every byte right'"
	kho_check upstream_api_7.alloc_preserve "the 3-page kho_alloc_preserve buffer is an order-2 folio, every byte right" \
		sh -c "dmesg | grep -q '$k restored the alloc_preserve buffer as a folio of order 2: every byte right'"
	kho_check upstream_api_7.vmalloc "the 8-page vmalloc area is back, every byte right" \
		sh -c "dmesg | grep -q '$k restored vmalloc area of 8 pages: every byte right'"
	kho_check upstream_api_7.claimed "in/unclaimed: the default client has nothing left (blob freed by kho_restore_free)" \
		grep -qx "default 0" $D/in/unclaimed
	;;
esac
