// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: a driver written against the API of upstream KHO in
 * Linux 6.18, built into the test kernel to prove that such a driver
 * compiles unchanged here.  It includes only <linux/kexec_handover.h> and
 * uses what 6.18 offers: a FINALIZE notifier and kho_add_subtree(ser, name,
 * fdt), kho_preserve_pages() / kho_unpreserve_pages() /
 * kho_restore_pages(), a &struct kho_vmalloc on its stack, and
 * is_kho_boot().
 *
 * It does nothing unless booted with kho_test_upstream618=1.  Then it
 * preserves a folio with a marker, four order-0 pages and a vmalloc area
 * with known bytes, and describes them in a sub-FDT "upstream-api-6.18" at
 * finalize.  The next kernel restores each by that description and
 * reports what it found, one line per item.
 */

#define pr_fmt(fmt) "kho-test-6.18: " fmt

#include <linux/bits.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#define U618_NAME		"upstream-api-6.18"
#define U618_MARKER		"preserved by the 6.18-style driver"
#define U618_PAGES_ORDER	2
#define U618_NR_PAGES		BIT(U618_PAGES_ORDER)
#define U618_VMALLOC_PAGES	16
#define U618_VMALLOC_BYTES	(U618_VMALLOC_PAGES * PAGE_SIZE)

static bool u618_on __initdata;
static struct folio *u618_data;
static struct folio *u618_fdt;
static struct page *u618_pages;
static void *u618_vmalloc;
static struct kho_vmalloc u618_vmalloc_desc;

static int __init u618_param(char *s)
{
	u618_on = !strcmp(s, "1");
	return 0;
}
early_param("kho_test_upstream618", u618_param);

/* Byte @i of page @p of the pages (@p < 0) or of the vmalloc area. */
static u8 u618_byte(int p, size_t i)
{
	return (u8)(i * 7 + (p + 3) * 13);
}

static int u618_notifier(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	struct kho_serialization *ser = data;
	void *fdt = folio_address(u618_fdt);
	fdt64_t folio = cpu_to_fdt64(PFN_PHYS(folio_pfn(u618_data)));
	fdt64_t pages = cpu_to_fdt64(page_to_phys(u618_pages));
	int err;

	if (action != KEXEC_KHO_FINALIZE)
		return NOTIFY_DONE;
	err = fdt_create(fdt, PAGE_SIZE);
	err = err ?: fdt_finish_reservemap(fdt);
	err = err ?: fdt_begin_node(fdt, "");
	err = err ?: fdt_property(fdt, "folio", &folio, sizeof(folio));
	err = err ?: fdt_property(fdt, "pages", &pages, sizeof(pages));
	err = err ?: fdt_property(fdt, "vmalloc", &u618_vmalloc_desc,
				  sizeof(u618_vmalloc_desc));
	err = err ?: fdt_end_node(fdt);
	err = err ?: fdt_finish(fdt);
	err = err ?: kho_add_subtree(ser, U618_NAME, fdt);
	return notifier_from_errno(err);
}

static struct notifier_block u618_nb = {
	.notifier_call = u618_notifier,
};

/* Are the @n bytes at @p those u618_byte(@which, ...) gives? */
static bool u618_bytes_ok(const u8 *p, size_t n, int which)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != u618_byte(which, i))
			return false;
	}
	return true;
}

static void __init u618_restore(const void *fdt)
{
	const fdt64_t *f, *p;
	struct kho_vmalloc desc;
	const void *d;
	struct folio *folio;
	struct page *pages;
	int lf, lp, lv, i;
	bool ok;
	u8 *v;

	f = fdt_getprop(fdt, 0, "folio", &lf);
	p = fdt_getprop(fdt, 0, "pages", &lp);
	d = fdt_getprop(fdt, 0, "vmalloc", &lv);
	if (!f || lf != sizeof(*f) || !p || lp != sizeof(*p) || !d ||
	    lv != sizeof(desc)) {
		pr_info("restored: bad sub-FDT\n");
		return;
	}
	/* Property values are only 4-byte aligned: copy to the stack. */
	memcpy(&desc, d, sizeof(desc));

	folio = kho_restore_folio(fdt64_to_cpu(*f));
	pr_info("restored folio: %s\n", folio &&
		!strcmp(folio_address(folio), U618_MARKER) ? U618_MARKER :
							      "NOTHING");
	if (folio)
		folio_put(folio);

	pages = kho_restore_pages(fdt64_to_cpu(*p), U618_NR_PAGES);
	ok = pages;
	for (i = 0; ok && i < U618_NR_PAGES; i++) {
		ok = page_count(pages + i) == 1 && !PageCompound(pages + i) &&
		     u618_bytes_ok(page_address(pages + i), PAGE_SIZE, -1 - i);
	}
	pr_info("restored %lu order-0 pages: %s\n", U618_NR_PAGES,
		ok ? "every byte right" : "WRONG");
	for (i = 0; pages && i < U618_NR_PAGES; i++)
		__free_page(pages + i);

	v = kho_restore_vmalloc(&desc);
	ok = v;
	for (i = 0; ok && i < U618_VMALLOC_PAGES; i++)
		ok = u618_bytes_ok(v + i * PAGE_SIZE, PAGE_SIZE, i);
	pr_info("restored vmalloc area of %d pages: %s\n", U618_VMALLOC_PAGES,
		ok ? "every byte right" : "WRONG");
	vfree(v);
}

/* Preserve a folio and take it back, to use the unpreserve call. */
static int __init u618_unpreserve_check(void)
{
	struct folio *f = folio_alloc(GFP_KERNEL, 0);
	int err, undo;

	if (!f)
		return -ENOMEM;
	err = kho_preserve_folio(f);
	undo = err ?: kho_unpreserve_folio(f);
	folio_put(f);
	return err ?: undo;
}

static int __init u618_init(void)
{
	phys_addr_t phys;
	int err, i;
	size_t j;

	if (!u618_on)
		return 0;
	pr_info("is_kho_boot: %d\n", is_kho_boot());
	if (!kho_retrieve_subtree(U618_NAME, &phys))
		u618_restore(phys_to_virt(phys));
	if (!kho_is_enabled())
		return 0;

	u618_data = folio_alloc(GFP_KERNEL | __GFP_ZERO, 0);
	u618_fdt = folio_alloc(GFP_KERNEL | __GFP_ZERO, 0);
	u618_pages = alloc_pages(GFP_KERNEL, U618_PAGES_ORDER);
	u618_vmalloc = vmalloc(U618_VMALLOC_BYTES);
	if (!u618_data || !u618_fdt || !u618_pages || !u618_vmalloc)
		return -ENOMEM;
	/* kho_preserve_pages() takes order-0 pages. */
	split_page(u618_pages, U618_PAGES_ORDER);
	strscpy(folio_address(u618_data), U618_MARKER, PAGE_SIZE);
	for (i = 0; i < U618_NR_PAGES; i++) {
		u8 *p = page_address(u618_pages + i);

		for (j = 0; j < PAGE_SIZE; j++)
			p[j] = u618_byte(-1 - i, j);
	}
	for (j = 0; j < U618_VMALLOC_BYTES; j++)
		((u8 *)u618_vmalloc)[j] = u618_byte(j / PAGE_SIZE,
						    j % PAGE_SIZE);

	err = u618_unpreserve_check();
	err = err ?: kho_preserve_folio(u618_data);
	err = err ?: kho_preserve_folio(u618_fdt);
	err = err ?: kho_preserve_pages(u618_pages, U618_NR_PAGES);
	err = err ?: kho_preserve_vmalloc(u618_vmalloc, &u618_vmalloc_desc);
	err = err ?: register_kho_notifier(&u618_nb);
	pr_info("preserved a folio, %lu pages and a vmalloc area: %d\n",
		U618_NR_PAGES, err);
	return 0;
}
late_initcall(u618_init);
