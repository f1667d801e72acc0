// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: a driver written against the API of upstream KHO in
 * Linux 6.19 to 7.x, built into the test kernel to prove that such a
 * driver compiles unchanged here.  It includes only
 * <linux/kexec_handover.h> and uses what those versions offer: no
 * notifier and no finalize step, kho_add_subtree(name, blob, size) at any
 * time, kho_remove_subtree(), kho_retrieve_subtree(name, &phys, &size),
 * kho_alloc_preserve() / kho_unpreserve_free() / kho_restore_free(), and
 * unpreserve calls used as void.
 *
 * It does nothing unless booted with kho_test_upstream7=1.  Then it keeps
 * its state in a blob that is not an FDT (struct u7_state) from
 * kho_alloc_preserve(), pointing at an order-3 folio with a marker, two
 * order-0 pages, a 3-page buffer from kho_alloc_preserve() and a vmalloc
 * area, all with known bytes.  The next kernel, booted by kexec -e
 * without any debugfs step, finds the blob by name and restores each
 * item, one line each.
 */

#define pr_fmt(fmt) "kho-test-7: " fmt

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#define U7_NAME			"upstream-api-7"
#define U7_GONE			"upstream-api-7-gone"
#define U7_MAGIC		0x3773746174653775ULL
#define U7_MARKER		"preserved by the 7.x-style driver"
#define U7_FOLIO_ORDER		3
#define U7_NR_PAGES		2
#define U7_DATA_PAGES		3
#define U7_DATA_ORDER		2	/* the order holding U7_DATA_PAGES */
#define U7_VMALLOC_PAGES	8

/**
 * struct u7_state - the driver's blob: what it handed over and where
 * @magic: %U7_MAGIC
 * @folio: physical address of the order-%U7_FOLIO_ORDER folio
 * @pages: physical address of the first of %U7_NR_PAGES order-0 pages
 * @data: physical address of the kho_alloc_preserve() buffer
 * @vmalloc: the vmalloc area's descriptor
 */
struct u7_state {
	u64 magic;
	u64 folio;
	u64 pages;
	u64 data;
	struct kho_vmalloc vmalloc;
};

static bool u7_on __initdata;

static int __init u7_param(char *s)
{
	u7_on = !strcmp(s, "1");
	return 0;
}
early_param("kho_test_upstream7", u7_param);

/* Byte @i of page @p of an item. */
static u8 u7_byte(int p, size_t i)
{
	return (u8)(i * 11 + (p + 5) * 29);
}

static void u7_fill(void *mem, size_t pages, int first)
{
	size_t i;

	for (i = 0; i < pages * PAGE_SIZE; i++)
		((u8 *)mem)[i] = u7_byte(first + i / PAGE_SIZE, i % PAGE_SIZE);
}

static bool u7_check(const void *mem, size_t pages, int first)
{
	size_t i;

	for (i = 0; i < pages * PAGE_SIZE; i++) {
		if (((const u8 *)mem)[i] !=
		    u7_byte(first + i / PAGE_SIZE, i % PAGE_SIZE))
			return false;
	}
	return true;
}

static void __init u7_restore(phys_addr_t phys, size_t size)
{
	struct u7_state st;
	struct folio *folio;
	struct page *pages;
	bool ok;
	int i;
	u8 *v;

	if (size != sizeof(st)) {
		pr_info("blob of %zu bytes, not %zu\n", size, sizeof(st));
		return;
	}
	/* Reserved since boot; kept on the stack, then freed. */
	memcpy(&st, phys_to_virt(phys), sizeof(st));
	kho_restore_free(phys_to_virt(phys));
	if (st.magic != U7_MAGIC) {
		pr_info("blob: bad magic\n");
		return;
	}

	folio = kho_restore_folio(st.folio);
	pr_info("restored folio of order %d: %s\n",
		folio ? folio_order(folio) : -1,
		folio && folio_order(folio) == U7_FOLIO_ORDER &&
		!strcmp(folio_address(folio), U7_MARKER) ? U7_MARKER : "NOTHING");
	if (folio)
		folio_put(folio);

	pages = kho_restore_pages(st.pages, U7_NR_PAGES);
	ok = pages;
	for (i = 0; ok && i < U7_NR_PAGES; i++)
		ok = page_count(pages + i) == 1 &&
		     u7_check(page_address(pages + i), 1, 100 + i);
	pr_info("restored %d order-0 pages: %s\n", U7_NR_PAGES,
		ok ? "every byte right" : "WRONG");
	for (i = 0; pages && i < U7_NR_PAGES; i++)
		__free_page(pages + i);

	/* Restoring a kho_alloc_preserve() buffer gives its folio back. */
	folio = kho_restore_folio(st.data);
	ok = folio && folio_order(folio) == U7_DATA_ORDER &&
	     u7_check(folio_address(folio), U7_DATA_PAGES, 200);
	pr_info("restored the alloc_preserve buffer as a folio of order %d: %s\n",
		folio ? folio_order(folio) : -1,
		ok ? "every byte right" : "WRONG");
	if (folio)
		folio_put(folio);

	v = kho_restore_vmalloc(&st.vmalloc);
	pr_info("restored vmalloc area of %d pages: %s\n", U7_VMALLOC_PAGES,
		v && u7_check(v, U7_VMALLOC_PAGES, 300) ? "every byte right" :
							  "WRONG");
	vfree(v);
}

/*
 * Preserve and unpreserve one of each kind, calling the unpreserve
 * functions as void as 7.x declares them, and add then remove a blob.
 */
static int __init u7_undo_check(void)
{
	struct folio *f = folio_alloc(GFP_KERNEL, 1);
	struct page *p = alloc_page(GFP_KERNEL);
	void *v = vmalloc(2 * PAGE_SIZE);
	struct kho_vmalloc desc;
	void *gone = kho_alloc_preserve(64);
	int err = -ENOMEM;

	if (!f || !p || !v || IS_ERR(gone))
		goto out;
	err = kho_preserve_folio(f);
	if (!err)
		kho_unpreserve_folio(f);
	err = err ?: kho_preserve_pages(p, 1);
	if (!err)
		kho_unpreserve_pages(p, 1);
	err = err ?: kho_preserve_vmalloc(v, &desc);
	if (!err)
		kho_unpreserve_vmalloc(&desc);
	err = err ?: kho_add_subtree(U7_GONE, gone, 64);
	if (!err)
		kho_remove_subtree(gone);
out:
	if (!IS_ERR_OR_NULL(gone))
		kho_unpreserve_free(gone);
	if (f)
		folio_put(f);
	if (p)
		__free_page(p);
	vfree(v);
	return err;
}

static int __init u7_init(void)
{
	struct folio *folio;
	struct page *pages;
	struct u7_state *st;
	phys_addr_t phys;
	void *data, *v;
	size_t size;
	int err, i;

	if (!u7_on)
		return 0;
	pr_info("is_kho_boot: %d\n", is_kho_boot());
	err = kho_retrieve_subtree(U7_GONE, &phys, &size);
	pr_info("removed blob: %d\n", err);
	if (!kho_retrieve_subtree(U7_NAME, &phys, &size))
		u7_restore(phys, size);
	if (!kho_is_enabled())
		return 0;

	st = kho_alloc_preserve(sizeof(*st));
	data = kho_alloc_preserve(U7_DATA_PAGES * PAGE_SIZE);
	folio = folio_alloc(GFP_KERNEL | __GFP_ZERO, U7_FOLIO_ORDER);
	pages = alloc_pages(GFP_KERNEL, 1);
	v = vmalloc(U7_VMALLOC_PAGES * PAGE_SIZE);
	if (IS_ERR(st) || IS_ERR(data) || !folio || !pages || !v) {
		pr_info("preserve: no memory\n");
		return 0;
	}
	split_page(pages, 1);
	strscpy(folio_address(folio), U7_MARKER, PAGE_SIZE);
	for (i = 0; i < U7_NR_PAGES; i++)
		u7_fill(page_address(pages + i), 1, 100 + i);
	u7_fill(data, U7_DATA_PAGES, 200);
	u7_fill(v, U7_VMALLOC_PAGES, 300);

	st->magic = U7_MAGIC;
	st->folio = PFN_PHYS(folio_pfn(folio));
	st->pages = page_to_phys(pages);
	st->data = virt_to_phys(data);
	err = u7_undo_check();
	err = err ?: kho_preserve_folio(folio);
	err = err ?: kho_preserve_pages(pages, U7_NR_PAGES);
	err = err ?: kho_preserve_vmalloc(v, &st->vmalloc);
	err = err ?: kho_add_subtree(U7_NAME, st, sizeof(*st));
	pr_info("preserved a folio, %d pages, a buffer and a vmalloc area in blob %s: %d\n",
		U7_NR_PAGES, U7_NAME, err);
	return 0;
}
late_initcall(u7_init);
