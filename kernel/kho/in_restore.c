// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover, incoming side: clients take back what they preserved in
 * the previous kernel (folios, ranges, sub-FDTs), and what nobody takes
 * can be released.  At core_initcall every incoming record is attached to
 * its client as a restore index (in_index.c), before any initcall can
 * restore.
 *
 * Locking: a client's restore index claims items with atomic operations
 * (in_index.c); the incoming root FDT is read-only after boot.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/export.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/printk.h>

#include "../../mm/internal.h"
#include "kho_internal.h"
/* ------------------------------------------------------------------------
 * Restoring what the previous kernel preserved
 */

/*
 * Turn reserved pages back into ordinary allocated pages: ranges, and
 * whatever is released unclaimed.  Nothing else touches a reserved page's
 * flags, so they change without atomics, as memblock's own hand-over does.
 */
static void kho_in_revive_pages(struct page *page, unsigned long nr,
				bool compound)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		__folio_clear_reserved(page_folio(page + i));
		set_page_count(page + i, compound && i ? 0 : 1);
	}
	adjust_managed_page_count(page, nr);
}

/*
 * Turn the pages of a preserved folio back into a folio of @order.  They
 * were reserved in memblock as MEMBLOCK_KHO_PRESERVED, so their struct
 * pages were initialized at boot (zeroed, one reference each), not marked
 * reserved, and untouched since.  Each tail page is written once: no
 * reference, and what prep_compound_tail() sets but ->private, which is
 * still 0.  Then the head, as prep_compound_page() does after its loop.
 */
static void kho_in_revive_folio(struct page *head, unsigned int order)
{
	unsigned long i, nr = 1UL << order;

	set_page_count(head, 1);
	if (order) {
		__folio_set_head(page_folio(head));
		for (i = 1; i < nr; i++) {
			struct page *p = head + i;

			set_page_count(p, 0);
			p->mapping = TAIL_MAPPING;
			set_compound_head(p, head);
		}
		prep_compound_head(head, order);
	}
	adjust_managed_page_count(head, nr);
}

/**
 * kho_client_restore_folio() - take back a folio the client preserved
 * @c: the client, from kho_client_get()
 * @phys: the folio's physical address, as it was preserved
 *
 * Return: the folio, of the order it was preserved with, with one
 * reference and its contents; NULL if @c did not preserve a folio at
 * @phys in the previous kernel or it was restored already.  The folio is
 * then ordinary memory: folio_put() frees it.
 */
struct folio *kho_client_restore_folio(struct kho_client *c, phys_addr_t phys)
{
	unsigned long pages;
	unsigned int kind;
	struct page *page;
	s64 item;

	if (!PAGE_ALIGNED(phys))
		return NULL;
	item = kho_in_item(c->in, PHYS_PFN(phys), &kind, &pages);
	if (item < 0 || kind == KHO_KIND_RANGE ||
	    !kho_in_claim(c->in, item, pages))
		return NULL;
	page = pfn_to_page(PHYS_PFN(phys));
	kho_in_revive_folio(page, kind);
	return page_folio(page);
}
EXPORT_SYMBOL_GPL(kho_client_restore_folio);

/**
 * kho_client_restore_phys() - take back a range the client preserved
 * @c: the client, from kho_client_get()
 * @phys: the range's physical address, as it was preserved
 * @size: its size, as it was preserved
 *
 * The range comes back as order-0 pages with one reference each; freeing
 * them (__free_page()) returns them to the page allocator.
 *
 * Return: 0; -ENOENT if @c did not preserve exactly this range in the
 * previous kernel; -EALREADY if it was restored already.
 */
int kho_client_restore_phys(struct kho_client *c, phys_addr_t phys,
			    size_t size)
{
	unsigned long pages;
	unsigned int kind;
	s64 item;

	if (!PAGE_ALIGNED(phys))
		return -ENOENT;
	item = kho_in_item(c->in, PHYS_PFN(phys), &kind, &pages);
	if (item < 0 || kind != KHO_KIND_RANGE ||
	    (u64)pages << PAGE_SHIFT != size)
		return -ENOENT;
	if (!kho_in_claim(c->in, item, pages))
		return -EALREADY;
	kho_in_revive_pages(pfn_to_page(PHYS_PFN(phys)), pages, false);
	return 0;
}
EXPORT_SYMBOL_GPL(kho_client_restore_phys);

/**
 * kho_client_claim_phys() - keep preserved memory without restoring it
 * @c: the client
 * @phys: start of the memory
 * @size: its size
 *
 * For memory the client uses as it is, still reserved (reserve_mem):
 * every item that overlaps [@phys, @phys + @size) counts as claimed, so it
 * is neither reported as unclaimed nor released.
 */
void kho_client_claim_phys(struct kho_client *c, phys_addr_t phys,
			   size_t size)
{
	kho_in_claim_span(c->in, PHYS_PFN(phys), PHYS_PFN(phys + size - 1) + 1);
}

/**
 * kho_restore_folio() - take back a folio preserved with kho_preserve_folio()
 * @phys: the folio's physical address
 *
 * The upstream-compatible call, for the default client.
 *
 * Return: as kho_client_restore_folio().
 */
struct folio *kho_restore_folio(phys_addr_t phys)
{
	struct kho_client *c = kho_default_client();

	return IS_ERR(c) ? NULL : kho_client_restore_folio(c, phys);
}
EXPORT_SYMBOL_GPL(kho_restore_folio);

/**
 * kho_restore_phys() - take back a range preserved with kho_preserve_phys()
 * @phys: the range's physical address
 * @size: its size
 *
 * Return: as kho_client_restore_phys().
 */
int kho_restore_phys(phys_addr_t phys, size_t size)
{
	struct kho_client *c = kho_default_client();

	return IS_ERR(c) ? PTR_ERR(c) : kho_client_restore_phys(c, phys, size);
}
EXPORT_SYMBOL_GPL(kho_restore_phys);

/**
 * kho_restore_pages() - take back pages preserved with kho_preserve_pages()
 * @phys: physical address of the first page
 * @nr_pages: number of pages, as preserved
 *
 * The pages come back as order-0 pages with one reference each.
 *
 * Return: the first page; NULL if the default client did not preserve
 * exactly these pages or they were restored already.
 */
struct page *kho_restore_pages(phys_addr_t phys, unsigned long nr_pages)
{
	size_t size;

	if (!nr_pages || check_shl_overflow(nr_pages, PAGE_SHIFT, &size) ||
	    kho_restore_phys(phys, size))
		return NULL;
	return pfn_to_page(PHYS_PFN(phys));
}
EXPORT_SYMBOL_GPL(kho_restore_pages);

/**
 * kho_restore_free() - free memory kho_alloc_preserve() gave the previous
 *	kernel
 * @mem: its address in this kernel (phys_to_virt() of what was handed
 *	over)
 *
 * Restores the folio and frees it.  Memory that was not preserved that
 * way, or was restored already, is left alone, and that is logged.
 */
void kho_restore_free(void *mem)
{
	phys_addr_t phys = virt_to_phys(mem);
	struct folio *folio = kho_restore_folio(phys);

	if (!folio) {
		pr_warn("restore_free: nothing preserved at %pa to free\n",
			&phys);
		return;
	}
	folio_put(folio);
}
EXPORT_SYMBOL_GPL(kho_restore_free);

/* Free reserved pages in the largest naturally aligned blocks they make. */
static void kho_in_free_pages(unsigned long pfn, unsigned long pages,
			      void *arg)
{
	while (pages) {
		unsigned int order = min_t(unsigned int, ilog2(pages),
					   MAX_PAGE_ORDER);
		struct page *page;

		if (pfn)
			order = min_t(unsigned int, order, __ffs(pfn));
		page = pfn_to_page(pfn);

		/* Head with one reference, tails with none: one block. */
		kho_in_revive_pages(page, 1UL << order, true);
		__free_pages(page, order);
		pfn += 1UL << order;
		pages -= 1UL << order;
	}
	cond_resched();
}

/*
 * Give every unclaimed item of @c to the page allocator; bytes freed.
 * The per-CPU free lists are drained after, so MemFree shows all of it.
 */
u64 kho_in_release(struct kho_client *c)
{
	u64 bytes = kho_in_claim_rest(c->in, kho_in_free_pages, NULL);

	drain_all_pages(NULL);
	return bytes;
}

/* Attach the incoming record of client @name; at core_initcall. */
static int __init kho_in_client_add(const char *name, phys_addr_t rec,
				    size_t size)
{
	struct kho_client *c = kho_client_get(name);
	int err = 0;

	if (IS_ERR(c))
		return PTR_ERR(c);
	c->in = kho_in_mem_build(phys_to_virt(rec), size,
				 kho_in_items_max(size, max_pfn));
	if (!c->in)
		err = -ENOMEM;
	/* What is unclaimed keeps the client, without a reference. */
	kho_client_put(c);
	return err;
}

/*
 * Attach every incoming record to its client, before any initcall can
 * restore.  Pages holding sub-FDTs stay claimed by KHO: kho/in/ and
 * kho_retrieve_subtree() keep pointing at them.
 */
static int __init kho_in_clients_init(void)
{
	const void *fdt = kho_in_root();
	int node, child, err = 0;

	if (!fdt)
		return 0;
	node = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS);
	fdt_for_each_subnode(child, fdt, node) {
		const fdt64_t *v = fdt_getprop(fdt, child, KHO_FDT_MEM, NULL);

		if (v && !err)
			err = kho_in_client_add(fdt_get_name(fdt, child, NULL),
						fdt64_ld(&v[0]), fdt64_ld(&v[1]));
	}
	fdt_for_each_subnode(child, fdt, node) {
		const char *name = fdt_get_name(fdt, child, NULL);
		const fdt64_t *v = fdt_getprop(fdt, child, KHO_FDT_SUB_FDT, NULL);
		unsigned int i;

		/*
		 * The sub-FDT lies in its own client's memory or default's;
		 * only a client with a record (attached above) has any, so
		 * none is created here.  A client whose record held nothing
		 * but its sub-FDT stays until it is got and put again.
		 */
		mutex_lock(&kho_mem_lock);
		for (i = 0; v && i < 2; i++) {
			struct kho_client *c;

			c = kho_client_lookup(i ? KHO_DEFAULT_CLIENT : name);
			if (c)
				kho_client_claim_phys(c, fdt64_ld(&v[0]),
						      PAGE_ALIGN(fdt64_ld(&v[1])));
		}
		mutex_unlock(&kho_mem_lock);
	}
	if (err)
		pr_err("cannot track the incoming preserved memory (%d); nothing can be restored\n",
		       err);
	return 0;
}
core_initcall(kho_in_clients_init);

/*
 * The node of client @name, matched exactly: fdt_subnode_offset() would
 * take "foo" for "foo@1".
 */
static int kho_in_client_node(const void *fdt, const char *name)
{
	int node = fdt_subnode_offset(fdt, 0, KHO_FDT_CLIENTS), child;

	if (node < 0)
		return node;
	fdt_for_each_subnode(child, fdt, node) {
		const char *n = fdt_get_name(fdt, child, NULL);

		if (n && !strcmp(n, name))
			return child;
	}
	return -FDT_ERR_NOTFOUND;
}

/**
 * kho_retrieve_subtree_blob() - find a sub-FDT or blob handed over by name
 * @name: the name given to kho_add_subtree() in the previous kernel
 * @phys: set to its physical address
 * @size: if not NULL, set to its size in bytes
 *
 * The kho_retrieve_subtree(name, phys, size) of Linux 6.19 and later.  A
 * sub-FDT was checked at boot and stays reserved by KHO; a blob's pages
 * were checked to be preserved by the client of that name or by default,
 * which restores them (kho_restore_folio(), kho_restore_free()).
 *
 * Return: 0 on success; -ENOENT if no handover came or it has nothing of
 * that name.
 */
int kho_retrieve_subtree_blob(const char *name, phys_addr_t *phys,
			      size_t *size)
{
	static const char * const props[] = { KHO_FDT_SUB_FDT, KHO_FDT_BLOB };
	const fdt64_t *v;
	const void *fdt;
	unsigned int i;
	int node, len;

	fdt = kho_in_root();
	if (!fdt)
		return -ENOENT;
	node = kho_in_client_node(fdt, name);
	if (node < 0)
		return -ENOENT;
	for (i = 0; i < ARRAY_SIZE(props); i++) {
		v = fdt_getprop(fdt, node, props[i], &len);
		if (!v || len != 2 * sizeof(*v))
			continue;
		*phys = fdt64_ld(&v[0]);
		if (size)
			*size = fdt64_ld(&v[1]);
		return 0;
	}
	return -ENOENT;
}
EXPORT_SYMBOL_GPL(kho_retrieve_subtree_blob);

/**
 * kho_retrieve_subtree_fdt() - find a sub-FDT handed over by name
 * @name: the name given to kho_add_subtree() in the previous kernel
 * @phys: set to the sub-FDT's physical address
 *
 * The kho_retrieve_subtree(name, phys) of Linux 6.16 to 6.18.
 *
 * Return: as kho_retrieve_subtree_blob().
 */
int kho_retrieve_subtree_fdt(const char *name, phys_addr_t *phys)
{
	return kho_retrieve_subtree_blob(name, phys, NULL);
}
EXPORT_SYMBOL_GPL(kho_retrieve_subtree_fdt);

/**
 * is_kho_boot() - was this kernel booted with a handover?
 *
 * Return: true if a handover came and passed the checks at boot; false
 * before kho_populate() ran, and always in a kernel booted with kho=off.
 */
bool is_kho_boot(void)
{
	return !!kho_in_root();
}
EXPORT_SYMBOL_GPL(is_kho_boot);
