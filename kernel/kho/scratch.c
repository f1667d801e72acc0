// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kexec handover: scratch regions.
 *
 * Scratch is where a kernel booted with a handover allocates from until it
 * has reserved every preserved range, and where kexec places the next
 * kernel.  The first kernel reserves it late in early boot, sized from what
 * early boot really used.  Before memblock hands memory to the page
 * allocator, every pageblock of scratch becomes a CMA pageblock, so only
 * movable allocations (never pinned or preserved memory) land there: its
 * free memory at once, and in a kernel booted from a handover also what
 * it frees later there (init sections, initrd).
 *
 * Everything here but kho_scratch_table_init() runs single-threaded during
 * early boot.
 */

#define pr_fmt(fmt) "kho: " fmt

#include <linux/cma.h>
#include <linux/crash_reserve.h>
#include <linux/init.h>
#include <linux/kho.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/page-isolation.h>
#include <linux/printk.h>

#include "../../mm/internal.h"
#include "kho_internal.h"

/* The scratch table handed to the next kernel; written once at boot. */
struct kho_scratch_entry *kho_scratch_table __ro_after_init;

/* Pages of the scratch pageblocks made CMA; counted after the Memory: line. */
static unsigned long kho_cma_pages __initdata;

/* Scratch pageblocks are CMA: set once in early boot, before SMP. */
static bool kho_cma_ready __ro_after_init;

static phys_addr_t __init kho_granule(void)
{
	return PAGE_SIZE << pageblock_order;
}

static void __init kho_scratch_free_all(void)
{
	while (kho_scratch_cnt) {
		struct kho_range *r = &kho_scratch[--kho_scratch_cnt];

		memblock_phys_free(r->addr, r->size);
	}
}

static int __init kho_scratch_alloc(phys_addr_t size, phys_addr_t end, int nid,
				    const char *what)
{
	struct kho_range *r = &kho_scratch[kho_scratch_cnt];
	phys_addr_t addr;

	if (!size)
		return 0;
	addr = memblock_alloc_range_nid(size, kho_granule(), 0, end, nid,
					nid != NUMA_NO_NODE);
	if (!addr) {
		pr_err("cannot reserve %pa bytes of %s scratch; KHO disabled\n",
		       &size, what);
		return -ENOMEM;
	}
	r->addr = addr;
	r->size = size;
	kho_scratch_cnt++;
	return 0;
}

/*
 * The crashkernel= reservation is allocated from memblock, but it is not
 * memory early boot needs: leave the part below @limit on @nid out.
 */
static phys_addr_t __init kho_crash_size(phys_addr_t limit, int nid)
{
	phys_addr_t total = 0;
#ifdef CONFIG_CRASH_RESERVE
	const struct resource *res[] = { &crashk_res, &crashk_low_res };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(res); i++) {
		phys_addr_t start = res[i]->start;
		phys_addr_t end = min_t(phys_addr_t, res[i]->end + 1, limit);

		if (!res[i]->end || start >= end)
			continue;
		if (nid == NUMA_NO_NODE || early_pfn_to_nid(PHYS_PFN(start)) == nid)
			total += end - start;
	}
#endif
	return total;
}

/**
 * struct kho_cma_sum - the CMA areas kho_cma_size() adds up
 * @limit: only what lies below counts
 * @nid: only areas on this node count (any, for %NUMA_NO_NODE)
 * @total: their kernel-reserved bytes so far
 */
struct kho_cma_sum {
	phys_addr_t limit;
	int nid;
	phys_addr_t total;
};

static int __init kho_cma_area(struct cma *cma, void *data)
{
	struct kho_cma_sum *sum = data;
	phys_addr_t start = cma_get_base(cma);
	phys_addr_t end = min_t(phys_addr_t, start + cma_get_size(cma),
				sum->limit);
	struct memblock_region *r;

	if (start >= end || (sum->nid != NUMA_NO_NODE &&
			     early_pfn_to_nid(PHYS_PFN(start)) != sum->nid))
		return 0;
	/* What memblock counts as the kernel's: cma=size@base is not. */
	for_each_reserved_mem_region(r) {
		phys_addr_t s = max(start, r->base);
		phys_addr_t e = min(end, r->base + r->size);

		if (s < e && (r->flags & MEMBLOCK_RSRV_KERN))
			sum->total += e - s;
	}
	return 0;
}

/*
 * CMA areas reserved so far (cma=, hugetlb_cma=) are memblock allocations
 * too, but early boot cannot allocate from them: scaling them would only
 * make scratch as much again (twice over, at the default 200%).
 */
static phys_addr_t __init kho_cma_size(phys_addr_t limit, int nid)
{
	struct kho_cma_sum sum = { .limit = limit, .nid = nid };

	cma_for_each_area(kho_cma_area, &sum);
	return sum.total;
}

/* Scaled scratch size for the kernel memory below @limit on @nid. */
static phys_addr_t __init kho_scaled(phys_addr_t limit, int nid)
{
	phys_addr_t kern = memblock_reserved_kern_size(limit, nid);

	kern -= min(kern, kho_crash_size(limit, nid));
	kern -= min(kern, kho_cma_size(limit, nid));
	return kho_scratch_scaled_size(kern, kho_scratch_cfg.scale_pct,
				       kho_granule());
}

/*
 * Per-node scratch sizes while they are measured; not on the stack, which
 * MAX_NUMNODES (1024 in distribution configs) would overflow.
 */
static phys_addr_t kho_node_size[MAX_NUMNODES] __initdata;

/* Size and reserve the scratch regions of a first kernel. */
static int __init kho_reserve_scratch(void)
{
	const struct kho_scratch_cfg *cfg = &kho_scratch_cfg;
	phys_addr_t g = kho_granule(), low, global;
	phys_addr_t *node = kho_node_size;
	int nid, err;

	/* Measure everything first: scratch itself is kernel memory too. */
	if (cfg->mode == KHO_SCRATCH_FIXED) {
		low = round_up(cfg->low, g);
		global = round_up(cfg->global, g);
		for_each_node_state(nid, N_MEMORY)
			node[nid] = round_up(cfg->pernode, g);
	} else {
		/*
		 * The per-node regions together hold what early boot
		 * allocates anywhere, so a global one would only repeat them;
		 * a low one is needed only where memory goes above the low
		 * limit.  Each scaled region is sized from all the kernel
		 * memory it stands for, so every extra region would take as
		 * much again: with a distribution kernel's early allocations
		 * that is most of a small machine.
		 */
		low = 0;
		if (memblock_end_of_DRAM() > ARCH_LOW_ADDRESS_LIMIT + 1)
			low = kho_scaled(ARCH_LOW_ADDRESS_LIMIT, NUMA_NO_NODE);
		global = 0;
		for_each_node_state(nid, N_MEMORY)
			node[nid] = kho_scaled(PHYS_ADDR_MAX, nid);
	}

	err = kho_scratch_alloc(low, ARCH_LOW_ADDRESS_LIMIT, NUMA_NO_NODE, "low");
	err = err ?: kho_scratch_alloc(global, MEMBLOCK_ALLOC_ACCESSIBLE,
				       NUMA_NO_NODE, "global");
	for_each_node_state(nid, N_MEMORY) {
		if (err)
			break;
		err = kho_scratch_alloc(node[nid], MEMBLOCK_ALLOC_ACCESSIBLE,
					nid, "per-node");
	}
	if (err) {
		kho_scratch_free_all();
		return err;
	}
	return 0;
}

/* Does the pageblock at @pfn lie wholly inside a scratch region? */
static bool kho_scratch_pageblock(unsigned long pfn)
{
	phys_addr_t start = PFN_PHYS(pfn);
	phys_addr_t end = start + (PAGE_SIZE << pageblock_order);
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++) {
		if (start >= kho_scratch[i].addr &&
		    end <= kho_scratch[i].addr + kho_scratch[i].size)
			return true;
	}
	return false;
}

/**
 * kho_pageblock_migratetype() - migratetype of a pageblock set up late
 * @pfn: first page frame of the pageblock
 * @mt: the migratetype memory init would give it
 *
 * With deferred struct page init, pageblocks beyond the first part of a
 * node get their migratetype only when their struct pages are
 * initialized, after kho_memory_init().  Memory init asks here, so a
 * scratch pageblock stays CMA however late it is set up.
 *
 * Return: %MIGRATE_CMA for a scratch pageblock while KHO is on, else @mt.
 */
int kho_pageblock_migratetype(unsigned long pfn, int mt)
{
	if (!kho_cma_ready || !kho_scratch_pageblock(pfn))
		return mt;
	return MIGRATE_CMA;
}

/* Is the struct page of @pfn on @nid initialized yet? */
static bool __init kho_pfn_initialised(unsigned long pfn, int nid)
{
#ifdef CONFIG_DEFERRED_STRUCT_PAGE_INIT
	return pfn < NODE_DATA(nid)->first_deferred_pfn;
#else
	return true;
#endif
}

/*
 * The zone of @pfn on @nid from the node's zone spans: its struct page
 * may not be initialized yet (deferred struct page init).
 */
static struct zone * __init kho_pfn_zone(unsigned long pfn, int nid)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	int z;

	for (z = 0; z < MAX_NR_ZONES; z++) {
		if (zone_spans_pfn(&pgdat->node_zones[z], pfn))
			return &pgdat->node_zones[z];
	}
	return NULL;
}

/*
 * Make every pageblock of every scratch region a CMA pageblock, before
 * memblock_free_all(): its free pages reach the buddy allocator as CMA
 * pages, and so does whatever is freed there later, such as a kernel's
 * init sections or initrd that a kexec placed in scratch.  Scratch
 * regions are pageblock aligned (kho_granule(), or as the previous kernel
 * handed them over, which the check requires page aligned only: a
 * pageblock that is partly outside stays as it is).  Pageblocks whose
 * struct pages are initialized late get it then, through
 * kho_pageblock_migratetype().
 */
static void __init kho_scratch_make_cma(void)
{
	unsigned long nr = pageblock_nr_pages;
	unsigned int i;

	for (i = 0; i < kho_scratch_cnt; i++) {
		unsigned long pfn = ALIGN(PHYS_PFN(kho_scratch[i].addr), nr);
		unsigned long end = PHYS_PFN(kho_scratch[i].addr +
					     kho_scratch[i].size);

		for (; pfn + nr <= end; pfn += nr) {
			int nid = early_pfn_to_nid(pfn);
			struct zone *zone = kho_pfn_zone(pfn, nid);

			if (WARN_ON_ONCE(!zone))
				continue;
			/*
			 * set_pageblock_migratetype() may look at the struct
			 * page (DEBUG_VM); a late one gets the type when it is
			 * initialized, through kho_pageblock_migratetype().
			 */
			if (kho_pfn_initialised(pfn, nid))
				set_pageblock_migratetype(pfn_to_page(pfn),
							  MIGRATE_CMA);
			zone->cma_pages += nr;
			kho_cma_pages += nr;
		}
	}
	kho_cma_ready = true;
}

/*
 * Where struct pages start to be initialized late, per node: preserved
 * memory and scratch may lie there, and tests check that they do.
 */
static void __init kho_report_deferred(void)
{
#ifdef CONFIG_DEFERRED_STRUCT_PAGE_INIT
	int nid;

	for_each_online_node(nid) {
		unsigned long pfn = NODE_DATA(nid)->first_deferred_pfn;

		if (pfn != ULONG_MAX)
			pr_info("node %d: struct pages from %#llx on are initialized late\n",
				nid, (u64)PFN_PHYS(pfn));
	}
#endif
}

/**
 * kho_memory_init() - set up KHO memory before memblock_free_all()
 *
 * Called from mm_core_init() right before mem_init().  A kernel booted
 * with a handover reuses the scratch regions it came with, as they are;
 * otherwise the scratch regions are sized and reserved now.  Either way
 * their pageblocks become CMA pageblocks.
 */
void __init kho_memory_init(void)
{
	bool incoming = kho_in_scratch_table();
	unsigned int i;

	if (!kho_is_enabled())
		return;
	if (!incoming && kho_reserve_scratch()) {
		kho_disable();
		return;
	}
	for (i = 0; i < kho_scratch_cnt; i++) {
		phys_addr_t end = kho_scratch[i].addr + kho_scratch[i].size - 1;

		pr_info("scratch %u: [mem %pa-%pa] %llu MiB%s\n", i,
			&kho_scratch[i].addr, &end,
			(u64)kho_scratch[i].size >> 20,
			incoming ? ", handed over" : "");
		/* The allocation only placed the region: it is free memory. */
		if (!incoming)
			memblock_phys_free(kho_scratch[i].addr,
					   kho_scratch[i].size);
	}
	kho_scratch_make_cma();
	kho_report_deferred();
}

/*
 * Count the scratch pageblocks in CmaTotal once the boot's "Memory:" line
 * is out: that line subtracts totalcma_pages from what is managed, and
 * scratch is managed memory from memblock_free_all() on.
 */
static int __init kho_release_scratch(void)
{
	totalcma_pages += kho_cma_pages;
	if (kho_cma_pages)
		pr_info("scratch: %lu MiB of movable-only (CMA) pageblocks\n",
			kho_cma_pages >> (20 - PAGE_SHIFT));
	return 0;
}
core_initcall(kho_release_scratch);

/* The table of scratch regions the next kernel gets; once, at late init. */
int __init kho_scratch_table_init(void)
{
	unsigned int i;

	/* Scratch that came with a handover goes on with its own table. */
	kho_scratch_table = kho_in_scratch_table();
	if (kho_scratch_table)
		return 0;
	kho_scratch_table = alloc_pages_exact(PAGE_ALIGN(kho_scratch_cnt *
						sizeof(*kho_scratch_table)),
					      GFP_KERNEL | __GFP_ZERO);
	if (!kho_scratch_table) {
		pr_err("cannot allocate the scratch table; KHO disabled\n");
		kho_disable();
		return -ENOMEM;
	}
	for (i = 0; i < kho_scratch_cnt; i++) {
		kho_scratch_table[i].addr = cpu_to_le64(kho_scratch[i].addr);
		kho_scratch_table[i].size = cpu_to_le64(kho_scratch[i].size);
	}
	return 0;
}
