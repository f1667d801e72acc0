// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: the load of the side-by-side benchmark against upstream
 * Linux (make bench-upstream, scripts/bench-upstream.py).  It uses only the
 * API that upstream Linux 6.19-7.x and this port share, through
 * <linux/kexec_handover.h>, so the same file builds into both kernels: here
 * with CONFIG_KEXEC_HANDOVER_TEST, there copied into kernel/liveupdate/ by
 * scripts/upstream.sh.  It does nothing unless the command line asks:
 *
 * kho_ubench=4k:N
 *	Preserve N order-0 folios, every other page of a span, so that no
 *	two preserved pages touch.
 * kho_ubench=2m:N
 *	Preserve N order-9 (2 MiB) folios.
 * kho_ubench=mix:N
 *	Preserve N folios of orders 0 to 9 drawn from a fixed seed, the same
 *	sequence in both kernels.
 *
 * Allocation is not timed; the preserve calls are, after rcu_barrier():
 * RCU callbacks the boot left queued (kernfs and xarray nodes) otherwise
 * run in softirq inside the timed loop of some runs and not others.  The
 * physical address of every folio goes into a list from
 * kho_alloc_preserve(), named by a blob "kho-ubench" from
 * kho_add_subtree(name, blob, size).  A kernel that finds that blob
 * restores every folio with kho_restore_folio(), checks its order, keeps
 * it (as a user such as a VMM would) and prints the time, also timed
 * after rcu_barrier().  Results are "kho-ubench:" lines.
 */

#define pr_fmt(fmt) "kho-ubench: " fmt

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#define KU_NAME		"kho-ubench"
#define KU_MAGIC	0x68636e6562754bULL
#define KU_ORDER_2M	9
/* Largest order of the mix; and its fixed seed. */
#define KU_MIX_ORDER	9
#define KU_MIX_SEED	0x9e3779b97f4a7c15ULL
/* More than memory holds fails the run instead of the boot (OOM). */
#define KU_GFP		(GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY)

enum ku_kind { KU_4K, KU_2M, KU_MIX };

/**
 * struct ku_blob - what the benchmark hands over
 * @magic: %KU_MAGIC
 * @nr: number of folios
 * @pages: number of pages in them
 * @list: physical address of the list of folio addresses (u64 each)
 * @list_size: its size in bytes
 */
struct ku_blob {
	u64 magic;
	u64 nr;
	u64 pages;
	u64 list;
	u64 list_size;
};

static enum ku_kind ku_kind __initdata;
static unsigned long ku_nr __initdata;
static bool ku_on __initdata;

static int __init ku_param(char *s)
{
	static const char * const kinds[] = { "4k:", "2m:", "mix:" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		if (strncmp(s, kinds[i], strlen(kinds[i])))
			continue;
		if (kstrtoul(s + strlen(kinds[i]), 0, &ku_nr) || !ku_nr)
			return -EINVAL;
		ku_kind = i;
		ku_on = true;
		return 0;
	}
	return -EINVAL;
}
early_param("kho_ubench", ku_param);

/* xorshift64: the mix's orders, the same in every kernel. */
static unsigned int __init ku_next_order(u64 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x % (KU_MIX_ORDER + 1);
}

/* One order-0 page with its buddy given back: no neighbour is preserved. */
static struct folio *__init ku_alloc_scattered(void)
{
	struct page *p = alloc_pages(KU_GFP, 1);

	if (!p)
		return NULL;
	split_page(p, 1);
	__free_page(p + 1);
	return page_folio(p);
}

static struct folio *__init ku_alloc(unsigned int order)
{
	if (ku_kind == KU_4K)
		return ku_alloc_scattered();
	return folio_alloc(KU_GFP, order);
}

/*
 * Allocate and preserve the workload; on any failure, say so and give back
 * everything (what is preserved is unpreserved, then freed).
 */
static void __init ku_preserve(void)
{
	unsigned long i, nr = 0, kept = 0;
	u64 *list, x = KU_MIX_SEED, pages = 0, t;
	struct folio **folios;
	struct ku_blob *blob;
	int err = -ENOMEM;

	folios = kvcalloc(ku_nr, sizeof(*folios), GFP_KERNEL);
	list = kho_alloc_preserve(ku_nr * sizeof(*list));
	blob = kho_alloc_preserve(sizeof(*blob));
	if (!folios || IS_ERR(list) || IS_ERR(blob)) {
		pr_info("preserve: no memory for the lists: FAILED\n");
		goto out;
	}
	for (nr = 0; nr < ku_nr; nr++) {
		unsigned int order = ku_kind == KU_2M ? KU_ORDER_2M :
				     ku_kind == KU_MIX ? ku_next_order(&x) : 0;

		folios[nr] = ku_alloc(order);
		if (!folios[nr]) {
			pr_info("preserve: no memory after %lu folios: FAILED\n", nr);
			goto out;
		}
		list[nr] = PFN_PHYS(folio_pfn(folios[nr]));
		pages += folio_nr_pages(folios[nr]);
	}

	rcu_barrier();
	t = local_clock();
	for (err = 0; kept < nr && !err; kept++)
		err = kho_preserve_folio(folios[kept]);
	t = local_clock() - t;
	if (err) {
		pr_info("preserve failed at folio %lu: %d: FAILED\n", --kept, err);
		goto out;
	}

	blob->magic = KU_MAGIC;
	blob->nr = nr;
	blob->pages = pages;
	blob->list = virt_to_phys(list);
	blob->list_size = nr * sizeof(*list);
	err = kho_add_subtree(KU_NAME, blob, sizeof(*blob));
	pr_info("preserved %lu folios, %llu pages, in %llu us: %llu ns per page: %s\n",
		nr, pages, div_u64(t, NSEC_PER_USEC), div64_u64(t, pages),
		err ? "FAILED" : "ok");
out:
	if (err) {
		for (i = 0; i < kept; i++)
			kho_unpreserve_folio(folios[i]);
		for (i = 0; i < nr; i++)
			folio_put(folios[i]);
		if (!IS_ERR_OR_NULL(list))
			kho_unpreserve_free(list);
		if (!IS_ERR_OR_NULL(blob))
			kho_unpreserve_free(blob);
	}
	kvfree(folios);
}

static void __init ku_restore(phys_addr_t phys, size_t size)
{
	const struct ku_blob *blob = phys_to_virt(phys);
	u64 i, pages = 0, t, bad = 0;
	const u64 *list;

	if (size != sizeof(*blob) || blob->magic != KU_MAGIC ||
	    blob->list_size != blob->nr * sizeof(*list)) {
		pr_info("restore: bad blob\n");
		return;
	}
	list = phys_to_virt(blob->list);
	rcu_barrier();
	t = local_clock();
	for (i = 0; i < blob->nr; i++) {
		struct folio *folio = kho_restore_folio(list[i]);

		if (folio)
			pages += folio_nr_pages(folio);
		else
			bad++;
	}
	t = local_clock() - t;
	pr_info("restored %llu folios, %llu pages, in %llu us: %llu ns per page: %s\n",
		blob->nr - bad, pages, div_u64(t, NSEC_PER_USEC),
		pages ? div64_u64(t, pages) : 0,
		!bad && pages == blob->pages ? "ok" : "FAILED");
	kho_restore_free(phys_to_virt(blob->list));
	kho_restore_free((void *)blob);
}

static int __init ku_init(void)
{
	phys_addr_t phys;
	size_t size;

	/* A kernel that restores does not preserve again. */
	if (!kho_retrieve_subtree(KU_NAME, &phys, &size))
		ku_restore(phys, size);
	else if (ku_on && kho_is_enabled())
		ku_preserve();
	return 0;
}
late_initcall(ku_init);
