# SPDX-License-Identifier: GPL-2.0
# upstream_api: kernel/kho/upstream_api_test.c, written only against the
# API of upstream KHO as first merged, preserves a folio with a marker and
# describes it in its sub-FDT; the next kernel restores it by name.

D=/sys/kernel/debug/kho

case $KHO_STAGE in
1)
	kho_check upstream_api.preserved "the upstream-style driver preserved its folio" \
		sh -c "dmesg | grep -q 'kho-test-upstream: preserved a folio: 0'"
	kho_check upstream_api.finalize "A finalizes" sh -c "echo 1 > $D/out/finalize"
	kho_check upstream_api.sub_fdt "out/sub_fdts/upstream-api exists" \
		[ -e $D/out/sub_fdts/upstream-api ]
	kho_kexec
	;;
2)
	kho_check upstream_api.restored "B restored the folio with its marker" \
		sh -c "dmesg | grep -q 'kho-test-upstream: restored: preserved by the upstream-style driver'"
	;;
esac
