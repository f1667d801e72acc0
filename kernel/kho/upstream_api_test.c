// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: a driver written against the API of upstream KHO as
 * first merged (Linux 6.16), built into the test kernel to prove that such
 * a driver compiles unchanged here.  It uses only those calls, through
 * <linux/kexec_handover.h>, and does nothing unless booted with
 * kho_test_upstream=1: then it preserves one folio holding a marker,
 * describes it in a sub-FDT "upstream-api" at finalize, and in the next
 * kernel restores it by that description and reports the marker.
 */

#define pr_fmt(fmt) "kho-test-upstream: " fmt

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/string.h>

#define UPSTREAM_NAME		"upstream-api"
#define UPSTREAM_MARKER		"preserved by the upstream-style driver"

static bool upstream_on __initdata;
static struct folio *upstream_data;
static struct folio *upstream_fdt;

static int __init upstream_param(char *s)
{
	upstream_on = !strcmp(s, "1");
	return 0;
}
early_param("kho_test_upstream", upstream_param);

static int upstream_notifier(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	struct kho_serialization *ser = data;
	void *fdt = folio_address(upstream_fdt);
	fdt64_t phys = cpu_to_fdt64(PFN_PHYS(folio_pfn(upstream_data)));
	int err;

	if (action != KEXEC_KHO_FINALIZE)
		return NOTIFY_DONE;
	err = fdt_create(fdt, PAGE_SIZE);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property(fdt, "data", &phys, sizeof(phys));
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	err = err ?: kho_add_subtree(ser, UPSTREAM_NAME, fdt);
	return notifier_from_errno(err);
}

static struct notifier_block upstream_nb = {
	.notifier_call = upstream_notifier,
};

static int __init upstream_init(void)
{
	const fdt64_t *p;
	phys_addr_t phys;
	struct folio *f;
	int len, err;

	if (!upstream_on || !kho_is_enabled())
		return 0;
	if (!kho_retrieve_subtree(UPSTREAM_NAME, &phys)) {
		p = fdt_getprop(phys_to_virt(phys), 0, "data", &len);
		f = p && len == sizeof(*p) ? kho_restore_folio(fdt64_to_cpu(*p)) :
					     NULL;
		pr_info("restored: %s\n", f && !strcmp(folio_address(f),
						       UPSTREAM_MARKER) ?
			UPSTREAM_MARKER : "NOTHING");
		if (f)
			folio_put(f);
	}
	upstream_data = folio_alloc(GFP_KERNEL | __GFP_ZERO, 0);
	upstream_fdt = folio_alloc(GFP_KERNEL | __GFP_ZERO, 0);
	if (!upstream_data || !upstream_fdt)
		return -ENOMEM;
	strscpy(folio_address(upstream_data), UPSTREAM_MARKER, PAGE_SIZE);
	err = kho_preserve_folio(upstream_data);
	err = err ?: kho_preserve_folio(upstream_fdt);
	err = err ?: register_kho_notifier(&upstream_nb);
	pr_info("preserved a folio: %d\n", err);
	return 0;
}
late_initcall(upstream_init);
