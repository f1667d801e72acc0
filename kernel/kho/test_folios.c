// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: built-in test of folio and range preservation, part of
 * CONFIG_KEXEC_HANDOVER_TEST and off unless the command line asks:
 *
 * kho_test_folios=MiB
 *	A kernel without incoming test data preserves about MiB mebibytes in
 *	folios of random orders (0 to MAX_PAGE_ORDER) and a few page-aligned
 *	ranges, filled with pseudo-random bytes, alternately under the
 *	clients "ktest-a" and "ktest-b".  At finalize each client's sub-FDT
 *	lists its items with the seed and the checksum of their contents.  An 8 MiB vmalloc
 *	area is preserved too, its descriptor in ktest-a's sub-FDT.
 *	A kernel with incoming test data restores every item, checks its
 *	order, its reference count, its checksum and every byte against the
 *	seed, checks the restore rules, then frees everything.
 * kho_test_folios.skip=NAME
 *	Leave client NAME unrestored (its memory stays unclaimed).
 * kho_test_folios.chain=1
 *	Keep what was restored and preserve it again for the next kernel.
 * kho_test_folios.above=MiB
 *	Preserve only memory at or above that physical address: whatever
 *	is allocated below is held aside and freed once enough is found.
 *
 * Results are "kho-test-folios:" lines in the kernel log.  Everything runs
 * in one late initcall, then in the FINALIZE notifier under KHO's lock;
 * the item lists are written once before finalize can run.
 */

#define pr_fmt(fmt) "kho-test-folios: " fmt

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kho.h>
#include <linux/libfdt.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/notifier.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/vmstat.h>

#include "kho_internal.h"

#define KTF_COMPATIBLE		"kho-linux-6.12,test-folios-v1"
#define KTF_CLIENTS		2
/* item.order of a physical range */
#define KTF_RANGE		U32_MAX
/* Order of the blocks preserved as ranges, and how many per client. */
#define KTF_RANGE_ORDER		4
#define KTF_RANGES		3

/* Size of the preserved vmalloc area: more than one index page. */
#define KTF_VMALLOC_SIZE	(8 << 20)

static const char * const ktf_names[KTF_CLIENTS] = { "ktest-a", "ktest-b" };

/* The vmalloc area, as ktest-a's sub-FDT records it. */
struct ktf_vmalloc {
	struct kho_vmalloc desc;
	fdt64_t seed;
};

static void *ktf_vm;
static struct ktf_vmalloc ktf_vm_rec;

/* One preserved item, as its sub-FDT records it (big-endian). */
struct ktf_item {
	fdt64_t phys;
	fdt64_t size;
	fdt64_t seed;
	fdt64_t sum;
	fdt32_t order;
	fdt32_t pad;
};

struct ktf_client {
	struct kho_client *c;
	struct ktf_item *items;
	unsigned int nr;
	unsigned int cap;
	void *fdt;
	size_t fdt_size;
};

static unsigned long ktf_mib __initdata;
static char ktf_skip[KHO_NAME_MAX + 1] __initdata;
static bool ktf_chain __initdata;
static phys_addr_t ktf_above __initdata;
static phys_addr_t ktf_lowest __initdata = PHYS_ADDR_MAX;
/* Pages allocated below ktf_above, held until ktf_make() is done. */
static __initdata LIST_HEAD(ktf_low);
static struct ktf_client ktf[KTF_CLIENTS];

static int __init ktf_param(char *s)
{
	return kstrtoul(s, 0, &ktf_mib) ? -EINVAL : 0;
}
early_param("kho_test_folios", ktf_param);

static int __init ktf_param_skip(char *s)
{
	strscpy(ktf_skip, s);
	return 0;
}
early_param("kho_test_folios.skip", ktf_param_skip);

static int __init ktf_param_chain(char *s)
{
	ktf_chain = !strcmp(s, "1");
	return 0;
}
early_param("kho_test_folios.chain", ktf_param_chain);

static int __init ktf_param_above(char *s)
{
	unsigned long mib;

	if (kstrtoul(s, 0, &mib))
		return -EINVAL;
	ktf_above = (phys_addr_t)mib << 20;
	return 0;
}
early_param("kho_test_folios.above", ktf_param_above);

/* page_private() of a page held on ktf_low: its order, and this if a folio */
#define KTF_LOW_FOLIO		0x100

/*
 * Is @p (of @order) at or above ktf_above?  If not, hold it on ktf_low,
 * by its lru as its owner, so that the next allocation finds other memory.
 */
static bool __init ktf_high_enough(struct page *p, unsigned int order,
				   bool folio)
{
	if (page_to_phys(p) >= ktf_above) {
		ktf_lowest = min(ktf_lowest, page_to_phys(p));
		return true;
	}
	set_page_private(p, order | (folio ? KTF_LOW_FOLIO : 0));
	list_add(&p->lru, &ktf_low);
	return false;
}

static struct page * __init ktf_alloc_pages(unsigned int order)
{
	struct page *p;

	while ((p = alloc_pages(GFP_KERNEL, order)) &&
	       !ktf_high_enough(p, order, false))
		;
	return p;
}

static struct folio * __init ktf_folio_alloc(unsigned int order)
{
	struct folio *f;

	while ((f = folio_alloc(GFP_KERNEL | __GFP_NOWARN, order)) &&
	       !ktf_high_enough(&f->page, order, true))
		;
	return f;
}

static void __init ktf_free_low(void)
{
	struct page *p, *tmp;

	list_for_each_entry_safe(p, tmp, &ktf_low, lru) {
		unsigned long v = page_private(p);

		list_del(&p->lru);
		set_page_private(p, 0);
		if (v & KTF_LOW_FOLIO)
			folio_put(page_folio(p));
		else
			__free_pages(p, v);
	}
}

/* Pseudo-random contents: xorshift64 from @seed, one u64 per word. */
static void ktf_fill(void *p, size_t size, u64 seed)
{
	u64 *w = p, x = seed | 1;
	size_t i;

	for (i = 0; i < size / sizeof(*w); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w[i] = x;
	}
}

/* FNV-1a over 64-bit words: the checksum the sub-FDT records. */
static u64 ktf_sum(const void *p, size_t size)
{
	const u64 *w = p;
	u64 h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < size / sizeof(*w); i++)
		h = (h ^ w[i]) * 0x100000001b3ULL;
	return h;
}

/* Number of words that differ from what ktf_fill() wrote. */
static size_t ktf_check(const void *p, size_t size, u64 seed)
{
	const u64 *w = p;
	u64 x = seed | 1;
	size_t i, bad = 0;

	for (i = 0; i < size / sizeof(*w); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bad += w[i] != x;
	}
	return bad;
}

static int __init ktf_add(struct ktf_client *t, phys_addr_t phys, u64 size,
			  u32 order, u64 seed)
{
	if (t->nr == t->cap) {
		unsigned int cap = max(2 * t->cap, 64U);
		struct ktf_item *n = krealloc_array(t->items, cap, sizeof(*n),
						    GFP_KERNEL);

		if (!n)
			return -ENOMEM;
		t->items = n;
		t->cap = cap;
	}
	t->items[t->nr].phys = cpu_to_fdt64(phys);
	t->items[t->nr].size = cpu_to_fdt64(size);
	t->items[t->nr].seed = cpu_to_fdt64(seed);
	t->items[t->nr].sum = cpu_to_fdt64(ktf_sum(phys_to_virt(phys), size));
	t->items[t->nr].order = cpu_to_fdt32(order);
	t->items[t->nr].pad = 0;
	t->nr++;
	return 0;
}

/* Allocate, fill and preserve @bytes of folios and a few ranges. */
static int __init ktf_make_items(unsigned long bytes)
{
	unsigned long done = 0, n = 0;
	unsigned int i, k;
	int err;

	for (k = 0; k < KTF_CLIENTS; k++)
		for (i = 0; i < KTF_RANGES; i++) {
			struct page *p = ktf_alloc_pages(KTF_RANGE_ORDER);
			u64 seed = get_random_u64();
			size_t size = PAGE_SIZE << KTF_RANGE_ORDER;

			if (!p)
				return -ENOMEM;
			ktf_fill(page_address(p), size, seed);
			err = kho_client_preserve_phys(ktf[k].c, page_to_phys(p),
						       size);
			err = err ?: ktf_add(&ktf[k], page_to_phys(p), size,
					     KTF_RANGE, seed);
			if (err)
				return err;
		}
	while (done < bytes) {
		unsigned int order = get_random_u32_below(MAX_PAGE_ORDER + 1);
		struct ktf_client *t = &ktf[n++ % KTF_CLIENTS];
		struct folio *f;
		u64 seed;

		f = ktf_folio_alloc(order);
		while (!f && order)
			f = ktf_folio_alloc(--order);
		if (!f)
			return -ENOMEM;
		seed = get_random_u64();
		ktf_fill(folio_address(f), folio_size(f), seed);
		err = kho_client_preserve_folio(t->c, f);
		err = err ?: ktf_add(t, PFN_PHYS(folio_pfn(f)), folio_size(f),
				     order, seed);
		if (err)
			return err;
		done += folio_size(f);
	}
	ktf_vm = vmalloc(KTF_VMALLOC_SIZE);
	if (!ktf_vm)
		return -ENOMEM;
	ktf_vm_rec.seed = cpu_to_fdt64(get_random_u64());
	ktf_fill(ktf_vm, KTF_VMALLOC_SIZE, fdt64_to_cpu(ktf_vm_rec.seed));
	return kho_preserve_vmalloc(ktf_vm, &ktf_vm_rec.desc);
}

/*
 * Allocate, fill and preserve @bytes of folios and a few ranges, then
 * free what was held aside below kho_test_folios.above.
 */
static int __init ktf_make(unsigned long bytes)
{
	int err = ktf_make_items(bytes);

	ktf_free_low();
	if (!err && ktf_above)
		pr_info("every folio and range at or above %#llx: lowest at %#llx\n",
			(u64)ktf_above, (u64)ktf_lowest);
	return err;
}

/* Map the preserved vmalloc area again and check it; keep it if @keep. */
static unsigned int __init ktf_restore_vmalloc(bool keep)
{
	void *p = kho_restore_vmalloc(&ktf_vm_rec.desc);
	size_t bad = p ? ktf_check(p, KTF_VMALLOC_SIZE,
				   fdt64_to_cpu(ktf_vm_rec.seed)) : 1;
	int err = 0;

	pr_info("vmalloc: restored %u pages at a new address, every byte checked: %s\n",
		le32_to_cpu(ktf_vm_rec.desc.nr_pages), bad ? "BAD" : "ok");
	if (p && keep && !bad)
		err = kho_preserve_vmalloc(p, &ktf_vm_rec.desc);
	else
		vfree(p);
	return !!bad + !!err;
}

/* Rules every restore must follow; @t's first folio is still preserved. */
static unsigned int __init ktf_rules(void)
{
	struct ktf_item *it = NULL;
	struct folio *f;
	unsigned int i, bad = 0;
	struct page *p;

	for (i = 0; i < ktf[0].nr && !it; i++)
		if (fdt32_to_cpu(ktf[0].items[i].order) != KTF_RANGE)
			it = &ktf[0].items[i];
	if (!it)
		return 1;
	f = kho_client_restore_folio(ktf[1].c, fdt64_to_cpu(it->phys));
	pr_info("rule other_client: %s restores %s's folio: %s\n", ktf_names[1],
		ktf_names[0], f ? "ALLOWED" : "refused");
	bad += !!f;
	p = alloc_page(GFP_KERNEL);
	if (p) {
		f = kho_client_restore_folio(ktf[0].c, page_to_phys(p));
		pr_info("rule never_preserved: restore of a fresh page: %s\n",
			f ? "ALLOWED" : "refused");
		bad += !!f;
		__free_page(p);
	}
	i = kho_client_restore_phys(ktf[0].c, fdt64_to_cpu(it->phys),
				    fdt64_to_cpu(it->size)) == -ENOENT;
	pr_info("rule not_a_range: restoring a folio as a range: %s\n",
		i ? "refused" : "ALLOWED");
	bad += !i;
	return bad;
}

/* Restore and check every item of @t; frees or keeps them. */
static unsigned int __init ktf_restore(struct ktf_client *t, const char *name,
				       bool keep)
{
	unsigned int i, bad = 0, folios = 0, ranges = 0, min = 99, max = 0;
	u64 bytes = 0;

	for (i = 0; i < t->nr; i++) {
		struct ktf_item *it = &t->items[i];
		phys_addr_t phys = fdt64_to_cpu(it->phys);
		u64 size = fdt64_to_cpu(it->size), seed = fdt64_to_cpu(it->seed);
		u32 order = fdt32_to_cpu(it->order);
		struct page *first = pfn_to_page(PHYS_PFN(phys));
		struct page *last = first + (size >> PAGE_SHIFT) - 1;
		bool range = order == KTF_RANGE;
		struct folio *f;
		unsigned long j;

		/*
		 * Ranges wait as reserved pages; folios as initialized pages
		 * that are not reserved (MEMBLOCK_KHO_PRESERVED).
		 */
		if (PageReserved(first) != range || PageReserved(last) != range) {
			pr_err("%s: %s at %pa is %sreserved before its restore\n",
			       name, range ? "range" : "folio", &phys,
			       PageReserved(first) ? "" : "not ");
			bad++;
			continue;
		}
		if (range) {
			if (kho_client_restore_phys(t->c, phys, size) ||
			    ktf_check(phys_to_virt(phys), size, seed) ||
			    ktf_sum(phys_to_virt(phys), size) !=
			    fdt64_to_cpu(it->sum)) {
				bad++;
				continue;
			}
			ranges++;
			bytes += size;
			if (keep)
				continue;
			for (j = 0; j < size >> PAGE_SHIFT; j++)
				__free_page(pfn_to_page(PHYS_PFN(phys) + j));
			continue;
		}
		f = kho_client_restore_folio(t->c, phys);
		if (!f || folio_order(f) != order || folio_ref_count(f) != 1 ||
		    folio_size(f) != size ||
		    (order && (page_ref_count(last) ||
			       compound_head(last) != &f->page)) ||
		    ktf_check(folio_address(f), size, seed) ||
		    ktf_sum(folio_address(f), size) != fdt64_to_cpu(it->sum)) {
			pr_err("%s: folio at %pa order %u: %s\n", name, &phys,
			       order, f ? "wrong order, count or contents" :
					  "not restored");
			bad++;
			continue;
		}
		/* A second restore of the same folio is refused. */
		if (kho_client_restore_folio(t->c, phys)) {
			pr_err("%s: folio at %pa restored twice\n", name, &phys);
			bad++;
		}
		folios++;
		bytes += size;
		min = min(min, order);
		max = max(max, order);
		if (!keep)
			folio_put(f);
	}
	pr_info("%s: restored %u folios (orders %u-%u) and %u ranges, %llu KiB, every byte checked: %s (%u bad)\n",
		name, folios, min, max, ranges, bytes >> 10, bad ? "BAD" : "ok",
		bad);
	return bad;
}

/* Read the items of client @k from its incoming sub-FDT; false if none. */
static bool __init ktf_load(unsigned int k)
{
	const struct ktf_item *v;
	phys_addr_t phys;
	const void *fdt;
	int len;

	if (kho_retrieve_subtree(ktf_names[k], &phys))
		return false;
	fdt = phys_to_virt(phys);
	v = fdt_getprop(fdt, 0, "items", &len);
	if (fdt_node_check_compatible(fdt, 0, KTF_COMPATIBLE) || !v ||
	    len % sizeof(*v)) {
		pr_err("%s: malformed sub-FDT\n", ktf_names[k]);
		return false;
	}
	if (!k) {
		int vlen;
		const struct ktf_vmalloc *vm = fdt_getprop(fdt, 0, "vmalloc",
							   &vlen);

		if (vm && vlen == sizeof(*vm))
			memcpy(&ktf_vm_rec, vm, sizeof(*vm));
	}
	ktf[k].items = kmemdup(v, len, GFP_KERNEL);
	ktf[k].nr = ktf[k].items ? len / sizeof(*v) : 0;
	ktf[k].cap = ktf[k].nr;
	return ktf[k].items;
}

static int ktf_notifier(struct notifier_block *nb, unsigned long action,
			void *data)
{
	unsigned int k;
	int err = 0;

	if (action != KEXEC_KHO_FINALIZE)
		return NOTIFY_DONE;
	for (k = 0; k < KTF_CLIENTS && !err; k++) {
		void *fdt = ktf[k].fdt;

		err = fdt_create(fdt, ktf[k].fdt_size);
		err = err ?: fdt_finish_reservemap(fdt);
		err = err ?: fdt_begin_node(fdt, "");
		err = err ?: fdt_property_string(fdt, "compatible",
						 KTF_COMPATIBLE);
		err = err ?: fdt_property(fdt, "items", ktf[k].items,
					  ktf[k].nr * sizeof(*ktf[k].items));
		if (!k)
			err = err ?: fdt_property(fdt, "vmalloc", &ktf_vm_rec,
						  sizeof(ktf_vm_rec));
		err = err ?: fdt_end_node(fdt);
		err = err ?: fdt_finish(fdt);
		err = err ? -ENOSPC : kho_add_subtree(data, ktf_names[k], fdt);
	}
	return notifier_from_errno(err);
}

static struct notifier_block ktf_nb = {
	.notifier_call = ktf_notifier,
};

/* Preserve a buffer for each client's sub-FDT and register for FINALIZE. */
static int __init ktf_prepare_finalize(void)
{
	unsigned int k;
	int err;

	for (k = 0; k < KTF_CLIENTS; k++) {
		ktf[k].fdt_size = PAGE_ALIGN(ktf[k].nr * sizeof(struct ktf_item) +
					     PAGE_SIZE);
		ktf[k].fdt = alloc_pages_exact(ktf[k].fdt_size, GFP_KERNEL);
		if (!ktf[k].fdt)
			return -ENOMEM;
		err = kho_client_preserve_phys(ktf[k].c, virt_to_phys(ktf[k].fdt),
					       ktf[k].fdt_size);
		if (err)
			return err;
	}
	return register_kho_notifier(&ktf_nb);
}

static int __init ktf_init(void)
{
	unsigned long before, after;
	unsigned int k, bad = 0, loaded = 0;
	int err = 0;

	if (!ktf_mib || !kho_is_enabled())
		return 0;
	for (k = 0; k < KTF_CLIENTS; k++) {
		ktf[k].c = kho_client_get(ktf_names[k]);
		if (IS_ERR(ktf[k].c))
			return PTR_ERR(ktf[k].c);
		loaded += ktf_load(k);
	}

	if (!loaded) {
		err = ktf_make(ktf_mib << 20);
		if (!err)
			err = ktf_prepare_finalize();
		pr_info("preserved %lu MiB in %u + %u items: %s (%d)\n", ktf_mib,
			ktf[0].nr, ktf[1].nr, err ? "FAILED" : "ok", err);
		return 0;
	}

	bad += ktf_rules();
	bad += ktf_restore_vmalloc(ktf_chain);
	before = global_zone_page_state(NR_FREE_PAGES);
	for (k = 0; k < KTF_CLIENTS; k++) {
		if (!strcmp(ktf_skip, ktf_names[k])) {
			u64 b = 0;
			unsigned int i;

			for (i = 0; i < ktf[k].nr; i++)
				b += fdt64_to_cpu(ktf[k].items[i].size);
			pr_info("%s: skipped, %llu KiB left unclaimed\n",
				ktf_names[k], b >> 10);
			continue;
		}
		bad += ktf_restore(&ktf[k], ktf_names[k], ktf_chain);
	}
	if (!ktf_chain) {
		drain_all_pages(NULL);
		after = global_zone_page_state(NR_FREE_PAGES);
		pr_info("freeing what was restored returned %lu KiB to the page allocator\n",
			(after - before) << (PAGE_SHIFT - 10));
	} else if (!bad) {
		/* Hand the same folios and ranges on to the next kernel. */
		for (k = 0; k < KTF_CLIENTS && !err; k++) {
			unsigned int i;

			for (i = 0; i < ktf[k].nr && !err; i++) {
				struct ktf_item *it = &ktf[k].items[i];
				phys_addr_t phys = fdt64_to_cpu(it->phys);

				if (fdt32_to_cpu(it->order) == KTF_RANGE)
					err = kho_client_preserve_phys(ktf[k].c, phys,
								       fdt64_to_cpu(it->size));
				else
					err = kho_client_preserve_folio(ktf[k].c,
									pfn_folio(PHYS_PFN(phys)));
			}
		}
		err = err ?: ktf_prepare_finalize();
		pr_info("preserved again for the next kernel: %s (%d)\n",
			err ? "FAILED" : "ok", err);
		bad += !!err;
	}
	pr_info("verdict %s\n", bad ? "fail" : "pass");
	return 0;
}
late_initcall(ktf_init);
